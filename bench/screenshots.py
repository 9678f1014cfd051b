"""The screenshots in docs/: the chat on a phone in light and dark mode with an answer, and the lite page.

    ZHILI_BENCH_DIR=/tmp/zhili-bench-$USER .venv/bin/python bench/screenshots.py

Starts the app like the benchmarks do (its own index and data folders) and photographs it in Debian's Chromium.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from server import WORK, running  # noqa: E402

from live import CHROMIUM, LAUNCH_ARGS  # noqa: E402

DOCS = ROOT / "docs"
QUESTION = "口腔种植费用降了多少"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def chat(browser, base_url: str, scheme: str) -> None:
    context = browser.new_context(**PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + "/")
    page.locator("#zq-question textarea").fill(QUESTION)
    page.locator("#zq-question button").first.click()
    page.locator("#zq-chat .zq-turn:not(.zq-pending) .zq-src").first.wait_for()
    page.wait_for_timeout(1500)  # the scroll after the answer
    page.screenshot(path=str(DOCS / f"screenshot-phone-{scheme}.png"))
    context.close()


def lite(browser, base_url: str) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(base_url + "/lite")
    page.locator("#zq-q").fill(QUESTION)
    page.locator("#zq-send").click()
    page.locator("#zq-new .zq-src").first.wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "screenshot-lite.png"))
    context.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    with running(WORK / f"screenshots-{int(time.time())}") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        for scheme in ("light", "dark"):
            chat(browser, server.base_url, scheme)
        lite(browser, server.base_url)
        browser.close()
    print("docs/screenshot-phone-light.png, docs/screenshot-phone-dark.png, docs/screenshot-lite.png")


if __name__ == "__main__":
    main()

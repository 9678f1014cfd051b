"""A first visit on a slow link, the Gradio chat and the lite page side by side, in one run.

    ZHILI_BENCH_DIR=/tmp/zhili-bench-$USER .venv/bin/python bench/first_visit.py [--kbps 400] [--rtt 400]

Debian's Chromium (headless, a phone viewport, an empty cache) with the network throttled through CDP
(Network.emulateNetworkConditions: 400 kbps down and up, 400 ms round trip), each page opened ROUNDS times:
bytes on the wire and requests until the first answer, time to a usable input (the question box visible and
enabled) and to the first answer with its sources, from the start of navigation. Writes
bench/results/first_visit.json, with the load average beside each figure (the 2 cores are shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from common import load_average, machine, write_result  # noqa: E402
from server import WORK, running  # noqa: E402

from live import CHROMIUM, LAUNCH_ARGS  # noqa: E402

QUESTION = "电信网络诈骗专项治理的牵头单位是哪个"
ROUNDS = 3
PAGES = {
    # path, the question box, its button, what an answer with its sources looks like
    "gradio": ("/", "#zq-question textarea", "#zq-question button", "#zq-chat .zq-turn:not(.zq-pending) .zq-a .zq-src"),
    "lite": ("/lite", "#zq-q", "#zq-send", "#zq-new .zq-a .zq-src"),
}
PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def visit(browser, base_url: str, page_name: str, kbps: float, rtt: float) -> dict:
    path, box, button, answered = PAGES[page_name]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    rate = kbps * 1000 / 8  # bytes per second
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": rtt, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    sizes: dict[str, int] = {}
    requests: list[str] = []
    cdp.on("Network.requestWillBeSent", lambda e: requests.append(e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.set_default_timeout(120_000)
    page.goto(base_url + path, wait_until="commit")
    page.locator(box).wait_for(state="visible")
    page.wait_for_function(f"() => !document.querySelector('{box}').disabled")
    usable = page.evaluate("performance.now()")
    page.locator(box).fill(QUESTION)
    page.locator(button).first.click()
    page.locator(answered).first.wait_for(state="visible")
    answer = page.evaluate("performance.now()")
    page.wait_for_timeout(500)  # what the answer itself brought in
    context.close()
    return {
        "usable_input_s": round(usable / 1000, 2),
        "first_answer_s": round(answer / 1000, 2),
        "bytes": sum(sizes.values()),
        "requests": len(requests),
        "load_average": load_average(),
    }


def summary(rounds: list[dict]) -> dict:
    keys = ("usable_input_s", "first_answer_s", "bytes", "requests")
    return {**{key: statistics.median(r[key] for r in rounds) for key in keys}, "rounds": rounds}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kbps", type=float, default=400)
    parser.add_argument("--rtt", type=float, default=400, help="round trip in ms")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = {
        "machine": machine(),
        "command": " ".join(["python", "bench/first_visit.py", *sys.argv[1:]]),
        "network": {"kbps_down_and_up": args.kbps, "round_trip_ms": args.rtt},
        "question": QUESTION,
    }
    with running(WORK / f"first-visit-{int(time.time())}") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        for name in PAGES:  # a warm-up visit each, so neither page pays for the engine's first question
            visit(browser, server.base_url, name, 100_000, 0)
        rounds: dict[str, list] = {name: [] for name in PAGES}
        for _ in range(args.rounds):  # alternating, so a busy moment on the machine hits both pages
            for name in PAGES:
                rounds[name].append(visit(browser, server.base_url, name, args.kbps, args.rtt))
        browser.close()
    report["pages"] = {name: summary(r) for name, r in rounds.items()}
    for name, result in report["pages"].items():
        print(
            f"{name}: usable input {result['usable_input_s']} s, first answer {result['first_answer_s']} s, "
            f"{result['bytes'] / 1000:.1f} kB in {result['requests']} requests (median of {args.rounds})"
        )
    print(f"-> {write_result('first_visit', report, args.out)}")


if __name__ == "__main__":
    main()

"""Start the whole thing: ``python app.py`` serves the chat at / , staff tools at /staff and the API at /api.

Configuration is optional: defaults, overridden by ZHILI_* environment variables (see zhili_qa.config).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Offline by design: no model hub, no Gradio telemetry. Set before the engine or Gradio is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # runs from a plain checkout too


def main() -> None:
    from zhili_qa.errors import ZhiliError
    from zhili_qa.web import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve()
    except ZhiliError as error:
        print(f"错误：{error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

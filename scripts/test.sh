#!/usr/bin/env bash
# The whole test suite: set up if needed, lint, then pytest (real model, index, server and browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  # The browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium missing: sudo apt-get install chromium (browser tests will be skipped)" >&2
  fi
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# The whole test suite: set up if needed, lint, then pytest (real model, index, server and browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  # The browser tests drive Debian's Chromium (Playwright's own browser download cannot work here);
  # the CJK font makes their screenshots readable.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "missing: sudo apt-get install chromium fonts-noto-cjk (browser tests will be skipped)" >&2
  fi
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  # The storage tests run on SQLite and on a throw-away PostgreSQL server (initdb in a temporary folder).
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "missing: sudo apt-get install postgresql (the PostgreSQL storage tests will be skipped)" >&2
  fi
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# One worker per core: the suite is CPU-bound and its fixtures share no folder or port.
.venv/bin/python -m pytest -n auto "$@"

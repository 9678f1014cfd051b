#!/usr/bin/env bash
# The main job: set up if needed, then serve the chat web app and HTTP API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python app.py "$@"

#!/usr/bin/env bash
# The main job: set everything up, then run the demo (chain rule, XOR, pictures in ./output).
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=plots bash scripts/setup.sh
exec .venv/bin/python scripts/demo.py --out "${OUT:-output}" "$@"

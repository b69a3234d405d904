#!/usr/bin/env bash
# Set everything up, then run the whole test suite: lint (ruff), types (mypy), tests (pytest,
# which also executes every notebook). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
EXTRAS=test WITH_TORCH=1 bash scripts/setup.sh || exit 1
export MPLBACKEND=Agg

status=0
echo "== ruff"; .venv/bin/ruff check autograd_core nn viz tests benchmarks scripts docs/site_template/live || status=1
echo "== mypy"; .venv/bin/mypy || status=1
echo "== pytest"; .venv/bin/python -m pytest "$@"; rc=$?
if [ $rc -eq 5 ]; then echo "pytest collected no tests"; rc=1; fi
[ $rc -ne 0 ] && status=$rc
exit $status

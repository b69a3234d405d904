#!/usr/bin/env bash
# Set up a working copy: a virtual environment in .venv with the package and the extras named
# in $EXTRAS, and Graphviz's `dot` program (a system package) when it is missing.
#   EXTRAS=plots bash scripts/setup.sh        # what the demo needs (the default)
#   EXTRAS=test  bash scripts/setup.sh        # what the test suite needs (+ torch if local)
set -euo pipefail
cd "$(dirname "$0")/.."

EXTRAS=${EXTRAS:-plots}
PYTHON=${PYTHON:-python3}

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  say "autograd-core needs Python 3.10 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)."
  say "Install a newer Python, or run with PYTHON=/path/to/python3.11 bash $0"
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)

# Reinstall when the packaging or the C accelerator changes (an editable install compiles it).
stamp=".venv/.installed-$EXTRAS-$(cat pyproject.toml setup.py autograd_core/_speedups.c | cksum | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
  say "installing autograd-core[$EXTRAS] into .venv (editable)"
  "${PIP[@]}" install -e ".[$EXTRAS]" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import autograd_core, nn, viz" || { say "installation failed (see above)"; exit 1; }
  touch "$stamp"
fi

# PyTorch is an optional reference for the tests and benchmarks. Take it only from a wheel that
# is already on this machine (pip's find-links); never download several GB just for tests.
if [ "${WITH_TORCH:-0}" = 1 ] && ! .venv/bin/python -c 'import torch' 2>/dev/null; then
  if "${PIP[@]}" install --no-index --no-deps torch==2.13.0 >/dev/null 2>&1; then
    say "installing PyTorch 2.13.0 (CPU) from the local wheel, as the tests' reference"
    "${PIP[@]}" install torch==2.13.0 2>&1 | grep -v "is ignored" || true
  else
    say "PyTorch is not available locally: the PyTorch parity tests will be skipped"
    say "(to run them: .venv/bin/pip install 'autograd-core[torch]')"
  fi
fi

# Graphviz's dot renders the graphs. Everything else works without it.
if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Graphviz (apt-get install graphviz)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) >/dev/null \
      || say "apt-get could not install graphviz; see the README's Graphviz section"
  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing Graphviz (sudo apt-get install graphviz)"
    (sudo -n apt-get update -qq && sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) >/dev/null \
      || say "apt-get could not install graphviz; see the README's Graphviz section"
  fi
fi
if ! command -v dot >/dev/null 2>&1; then
  say "Graphviz's 'dot' program is missing, so graphs cannot be rendered to SVG/PNG."
  say "Install it, then run this command again:"
  say "  Debian/Ubuntu: sudo apt-get install graphviz    Fedora: sudo dnf install graphviz"
  say "  macOS: brew install graphviz    conda: conda install -c conda-forge graphviz"
  say "  Windows: winget install graphviz (then add its bin folder to PATH)"
fi

# The browser tests drive Debian's headless Chromium through its chromedriver (Selenium). They
# are skipped, saying why, where neither can be installed.
case ",$EXTRAS," in *,test,*)
  if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      say "installing Chromium for the browser tests (apt-get install chromium chromium-driver)"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null \
        || say "apt-get could not install chromium; the browser tests will be skipped"
    else
      say "the browser tests need Chromium and its driver; they will be skipped. To run them:"
      say "  Debian/Ubuntu: sudo apt-get install chromium chromium-driver"
    fi
  fi ;;
esac

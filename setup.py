"""Build the optional C accelerator of the backward pass (autograd_core/_speedups.c).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the
install still succeeds and the engine runs its pure-Python backward (the same algorithm, the
same bits, slower).

``AUTOGRAD_CORE_PURE=1`` leaves the extension out, for a pure ``py3-none-any`` wheel: the one
the course site loads into the browser (Pyodide), where no C compiler reaches::

    AUTOGRAD_CORE_PURE=1 pip wheel . --no-deps -w dist
"""

import os
import sys

from setuptools import Extension, setup

# No fused multiply-add: gradients must be the same bits as the pure-Python loop.
flags = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off"]

pure = os.environ.get("AUTOGRAD_CORE_PURE", "") not in ("", "0")
setup(ext_modules=[] if pure else [
    Extension("autograd_core._speedups", ["autograd_core/_speedups.c"],
              extra_compile_args=flags, optional=True)])

"""Build the optional C accelerator of the backward pass (autograd_core/_speedups.c).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the
install still succeeds and the engine runs its pure-Python backward (the same algorithm, the
same bits, slower)."""

import sys

from setuptools import Extension, setup

# No fused multiply-add: gradients must be the same bits as the pure-Python loop.
flags = [] if sys.platform == "win32" else ["-O2", "-ffp-contract=off"]

setup(ext_modules=[Extension("autograd_core._speedups", ["autograd_core/_speedups.c"],
                             extra_compile_args=flags, optional=True)])

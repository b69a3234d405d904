"""Other projects' public test suites, ported to this engine (each file names its source, the
commit, and every adaptation in its opening docstring):

- test_micrograd.py: karpathy/micrograd test/test_engine.py (against PyTorch when installed);
- test_minitorch_scalar.py, test_minitorch_autodiff.py, test_minitorch_operators.py:
  minitorch/minitorch tests/test_scalar.py, tests/test_autodiff.py, tests/test_operators.py,
  with minitorch's helpers mapped in minitorch_shim.py;
- test_hips_scalar_ops.py, test_hips_core.py, test_hips_graphs.py: HIPS/autograd
  tests/test_scalar_ops.py, tests/test_core.py, tests/test_graphs.py (the scalar tests), with
  ``grad``/``check_grads`` adapters over autograd_core.grad and autograd_core.jvp in hips_shim.py;
- test_karpathy_lecture.py: karpathy/nn-zero-to-hero's two micrograd lecture notebooks, cell by
  cell, with the lecture's classes replaced by imports and its printed numbers asserted.

Tests that encode a deliberate design difference (minitorch's comparisons returning Scalars,
its == as data equality) are strict expected failures citing DESIGN.md.
"""

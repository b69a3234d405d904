"""HIPS autograd's core tests, ported.

Source: HIPS/autograd, tests/test_core.py (commit bff107b8d71a444a1160deade3e1cbd0b92f4fa6),
every test: gradients of Python's binary operators checked against a numerical derivative,
without any numpy wrapper.

Adaptations:
- test_core's own ``grad`` (``make_vjp(fun, x)`` then ``vjp(1.0)``, made n-ary by
  ``unary_to_nary``) -> ``hips_shim.grad``, the same over ``autograd_core.grad``: the argument is
  wrapped in a Value, the function runs, the gradient is read; an output that is not traced (the
  bool of ``x < y``) warns "Output seems independent of input." and gives 0.0, as HIPS does.
- Comparisons: HIPS's boxes compare their values and return a bool, and so do Values here
  (DESIGN.md "Comparisons and truth"): ``x < y`` is a bool with gradient 0, matching the numerical
  derivative 0. ``x == y`` and ``x != y`` between two Values are identity here (also HIPS's boxes'
  behaviour for two different boxes); the tests pass either way, as the numerical side compares
  floats that differ too.
"""

import warnings

from .hips_shim import grad


# Non-numpy gradient checking functions.
def nd(f, x, eps=1e-4):
    return (f(x + eps / 2) - f(x - eps / 2)) / eps


def check_close(a, b, atol=1e-4, rtol=1e-4):
    assert abs(a - b) < atol + rtol * abs(b), f"Diffs are: {a - b}"


def check_binary_func(fun, independent=False):
    with warnings.catch_warnings(record=independent) as w:  # noqa: F841 (as in the source)
        x, y = 0.7, 1.8
        a = grad(fun)(x, y)
        b = nd(lambda x: fun(x, y), x)
        check_close(a, b)

        a = grad(fun, 1)(x, y)
        b = nd(lambda y: fun(x, y), y)
        check_close(a, b)


def test_add():
    check_binary_func(lambda x, y: x + y)


def test_sub():
    check_binary_func(lambda x, y: x - y)


def test_div():
    check_binary_func(lambda x, y: x / y)


def test_mul():
    check_binary_func(lambda x, y: x * y)


def test_pow():
    check_binary_func(lambda x, y: x**y)


def test_mod():
    check_binary_func(lambda x, y: x % y)


def test_eq():
    check_binary_func(lambda x, y: x == y, independent=True)


def test_neq():
    check_binary_func(lambda x, y: x != y, independent=True)


def test_leq():
    check_binary_func(lambda x, y: x <= y, independent=True)


def test_geq():
    check_binary_func(lambda x, y: x >= y, independent=True)


def test_lt():
    check_binary_func(lambda x, y: x < y, independent=True)


def test_gt():
    check_binary_func(lambda x, y: x > y, independent=True)

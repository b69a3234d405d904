"""HIPS autograd's graph tests (the scalar ones), ported.

Source: HIPS/autograd, tests/test_graphs.py (commit bff107b8d71a444a1160deade3e1cbd0b92f4fa6):
fan-out, constant and identity functions, gradients taken inside the function being
differentiated (closures over the outer variable), and third derivatives. Same functions, same
random draws (HIPS's tests/conftest.py seeds numpy with 42 before each test; so does the fixture
below), quirks kept (test_third_derivative's ``ddf`` and ``dddf`` are ``grad(fun)``, as there).

Adaptations (helpers in tests/peers/hips_shim.py): ``autograd.grad`` and ``check_grads`` -> the
adapters over ``autograd_core.grad`` / ``autograd_core.jvp``; ``np.sin(x)`` -> ``x.sin()`` and the
other numpy functions as there (only the prefix ``np.`` became ``anp.``); ``autograd.numpy.random``
-> numpy's random module.

Left out (arrays, not scalars): test_hess_vector_prod (vectors of 10 and np.dot),
test_mutating_outgrad, test_mutating_outgrad_from_indexing,
test_complex_mutating_outgrad_from_indexing, test_complex_separate_real_and_imaginary (complex
arrays), the five test_singleton_array_output* tests (array shapes and keepdims) and
test_assignment_raises_error (item assignment into an array). The commented-out tests at the end
of the source are commented out there.
"""

import warnings

import numpy.random as npr
import pytest

from .hips_shim import anp, check_grads, grad


@pytest.fixture(autouse=True)
def random_seed():
    npr.seed(42)


def test_grad_fanout():
    fun = lambda x: anp.sin(anp.sin(x) + anp.sin(x))
    df = grad(fun)
    check_grads(fun)(npr.randn())
    check_grads(df)(npr.rand())


def test_grad_const():
    fun = lambda x: 1.0
    with warnings.catch_warnings(record=True) as w:  # noqa: F841 (as in the source)
        warnings.simplefilter("ignore")
        df = grad(fun)
        assert anp.allclose(df(2.0), 0.0)


def test_grad_identity():
    fun = lambda x: x
    df = grad(fun)
    ddf = grad(df)
    assert anp.allclose(df(2.0), 1.0)
    assert anp.allclose(ddf(2.0), 0.0)


def test_enclosing_scope_ref():
    def fun(x):
        inner_fun = lambda y: x * y
        return x * grad(inner_fun)(2.0)

    check_grads(fun)(1.0)


def test_enclosing_scope_ref_2():
    def fun(x):
        inner_fun = lambda y: y * x
        return x * grad(inner_fun)(2.0)

    check_grads(fun)(1.0)


def test_third_derivative():
    fun = lambda x: anp.sin(anp.sin(x) + anp.sin(x))
    df = grad(fun)
    ddf = grad(fun)
    dddf = grad(fun)
    check_grads(fun)(npr.randn())
    check_grads(df)(npr.rand())
    check_grads(ddf)(npr.rand())
    check_grads(dddf)(npr.rand())


def test_third_derivative_other_args():
    fun = lambda x, y: anp.sin(anp.sin(x) + anp.sin(y))
    df = grad(fun)
    ddf = grad(fun, 1)
    dddf = grad(fun)
    check_grads(fun)(npr.randn(), npr.randn())
    check_grads(df)(npr.randn(), npr.randn())
    check_grads(ddf)(npr.randn(), npr.randn())
    check_grads(dddf)(npr.randn(), npr.randn())


def test_third_derivative_other_args2():
    fun = lambda x, y: anp.sin(anp.sin(x) + anp.sin(y))
    df = grad(fun, 1)
    ddf = grad(fun)
    dddf = grad(fun, 1)
    check_grads(fun)(npr.randn(), npr.randn())
    check_grads(df)(npr.randn(), npr.randn())
    check_grads(ddf)(npr.randn(), npr.randn())
    check_grads(dddf)(npr.randn(), npr.randn())


# def test_nonscalar_output_1():
#     with pytest.raises(TypeError):
#         grad(lambda x: x * 2)(anp.zeros(2))

# def test_nonscalar_output_2():
#     with pytest.raises(TypeError):
#         grad(lambda x: x * 2)(anp.zeros(2))

# TODO:
# Diamond patterns
# Taking grad again after returning const
# Empty functions
# 2nd derivatives with fanout, thinking about the outgrad adder

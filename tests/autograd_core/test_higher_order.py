"""Higher-order gradients: the same op-table rules evaluated on Values."""

import math

import pytest

from autograd_core import Function, Value, grad


def second_derivative(f, x0):
    x = Value(x0)
    (g,) = grad(f(x), [x], create_graph=True)
    (gg,) = grad(g, [x])
    return g.data, gg


@pytest.mark.parametrize("x0", [-1.7, -0.3, 0.0, 0.4, 2.2])
def test_second_derivatives_match_the_analytic_ones(x0):
    t = math.tanh(x0)
    s = 1 / (1 + math.exp(-x0))
    cases = [
        (lambda v: v.tanh(), 1 - t * t, -2 * t * (1 - t * t)),
        (lambda v: v.sigmoid(), s * (1 - s), s * (1 - s) * (1 - 2 * s)),
        (lambda v: v.exp(), math.exp(x0), math.exp(x0)),
        (lambda v: v ** 3, 3 * x0 ** 2, 6 * x0),
        (lambda v: v * v * v, 3 * x0 ** 2, 6 * x0),
        (lambda v: (v * 2).tanh(),
         2 * (1 - math.tanh(2 * x0) ** 2),
         -8 * math.tanh(2 * x0) * (1 - math.tanh(2 * x0) ** 2)),
    ]
    for f, d1, d2 in cases:
        g, gg = second_derivative(f, x0)
        assert math.isclose(g, d1, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(gg, d2, rel_tol=1e-10, abs_tol=1e-14)


def test_third_derivative_of_a_cubic():
    x = Value(1.5)
    (g1,) = grad(x ** 3 + x * x, [x], create_graph=True)
    (g2,) = grad(g1, [x], create_graph=True)
    (g3,) = grad(g2, [x])
    assert (g1.data, g2.data, g3) == (3 * 1.5 ** 2 + 3.0, 6 * 1.5 + 2, 6.0)


def test_backward_create_graph_sets_value_grads():
    x = Value(0.5)
    y = x.exp() * x
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert math.isclose(x.grad.data, math.exp(0.5) * 1.5, rel_tol=1e-15)
    dx = x.grad
    x.grad = 0.0
    dx.backward()
    assert math.isclose(x.grad, math.exp(0.5) * 2.5, rel_tol=1e-15)  # (x+2) e^x


def test_newtons_method_converges():
    """Minimise f(x) = x^4 - 3x^2 + x with x <- x - f'(x)/f''(x), both from the engine."""
    def f(x):
        return x ** 4 - 3 * x ** 2 + x

    x0 = 2.0
    for _ in range(20):
        x = Value(x0)
        (g,) = grad(f(x), [x], create_graph=True)
        (h,) = grad(g, [x])
        x0 = x0 - g.data / h
    # the stationary point near 1.13: 4x^3 - 6x + 1 = 0
    assert abs(4 * x0 ** 3 - 6 * x0 + 1) < 1e-12
    import numpy as np

    roots = np.roots([4.0, 0.0, -6.0, 1.0])
    assert math.isclose(x0, max(roots.real), rel_tol=1e-12)


def test_mixed_partial_derivatives():
    x, y = Value(0.7), Value(-1.2)
    f = (x * y).tanh() + x ** 2 * y
    gx, gy = grad(f, [x, y], create_graph=True)
    (gxy,) = grad(gx, [y])
    (gyx,) = grad(gy, [x])
    t = math.tanh(0.7 * -1.2)
    expected = (1 - t * t) + 0.7 * -1.2 * (-2 * t * (1 - t * t)) + 2 * 0.7
    assert math.isclose(gxy, expected, rel_tol=1e-12)
    assert math.isclose(gyx, expected, rel_tol=1e-12)


def test_function_written_with_value_ops_differentiates_twice():
    class Square(Function):
        def forward(self, x):
            self.x = x
            return x * x

        def backward(self, up):
            return [2 * self.x * up]

    x = Value(3.0)
    (g,) = grad(Square.apply(x), [x], create_graph=True)
    assert isinstance(g, Value) and g.data == 6.0
    (h,) = grad(g, [x])
    assert h == 2.0  # d^2(x^2)/dx^2
    y = Value(3.0)
    (Square.apply(y) * y).backward(create_graph=True)  # d(y^3)/dy = 3y^2 = 27
    assert y.grad.data == 27.0


def test_float_only_function_refuses_only_the_second_derivative():
    class Exp(Function):
        def forward(self, x):
            self.e = math.exp(x)  # floats only: cannot be replayed on Values
            return self.e

        def backward(self, up):
            return [self.e * up]

    x = Value(0.5)
    (g,) = grad(Exp.apply(x) * 2.0, [x], create_graph=True)  # first derivative: fine
    assert g.data == 2.0 * math.exp(0.5)
    x2 = Value(0.5)
    Exp.apply(x2).backward(create_graph=True)
    assert x2.grad.data == math.exp(0.5)
    with pytest.raises(RuntimeError, match="cannot differentiate twice through the Function 'Exp'"):
        grad(g, [x])
    with pytest.raises(RuntimeError, match="cannot differentiate twice through the Function 'Exp'"):
        g.backward()

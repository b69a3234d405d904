"""IEEE results instead of Python exceptions, and PyTorch's conventions at the edges."""

import math

import pytest

from autograd_core import Value, grad

inf, nan = math.inf, math.nan


def val_and_grad(f, x):
    v = Value(x)
    out = f(v)
    out.backward()
    return out.data, v.grad


def test_division_by_zero_gives_inf_and_nan():
    assert (Value(1.0) / 0).data == inf
    assert (Value(-1.0) / 0).data == -inf
    assert math.isnan((Value(0.0) / 0).data)
    assert (1 / Value(0.0)).data == inf
    assert (Value(1.0) / Value(-0.0)).data == -inf


def test_logs_roots_and_powers():
    assert Value(0.0).log().data == -inf
    assert math.isnan(Value(-1.0).log().data)
    assert math.isnan(Value(-1.0).sqrt().data)
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)  # never a complex number
    assert math.isnan((Value(-8.0) ** Value(0.5)).data)
    assert (Value(-2.0) ** 3).data == -8.0  # integer powers of negatives are fine
    assert (Value(0.0) ** -1).data == inf
    assert Value(1000.0).exp().data == inf
    assert (Value(10.0) ** 400).data == inf
    assert (2 ** Value(5000.0)).data == inf


@pytest.mark.parametrize("x, expected", [(-800.0, 0.0), (800.0, 1.0), (0.0, 0.5)])
def test_sigmoid_is_stable(x, expected):
    data, g = val_and_grad(lambda v: v.sigmoid(), x)
    assert data == expected
    assert g == expected * (1 - expected)


def test_softplus_is_stable_and_matches_torch_threshold():
    assert val_and_grad(lambda v: v.softplus(), 1000.0) == (1000.0, 1.0)
    assert val_and_grad(lambda v: v.softplus(), 25.0) == (25.0, 1.0)
    d, g = val_and_grad(lambda v: v.softplus(), -1000.0)
    assert d == 0.0 and g == 0.0
    assert math.isclose(Value(0.0).softplus().data, math.log(2.0), rel_tol=1e-15)


def test_relu_and_abs_derivatives_at_zero_are_zero():
    assert val_and_grad(lambda v: v.relu(), 0.0) == (0.0, 0.0)
    assert val_and_grad(lambda v: abs(v), 0.0) == (0.0, 0.0)
    assert val_and_grad(lambda v: v.leaky_relu(0.1), 0.0) == (0.0, 0.1)
    assert math.isnan(Value(nan).relu().data)  # nan propagates, as in PyTorch


def test_gradients_at_the_edges():
    assert val_and_grad(lambda v: v.log(), 0.0) == (-inf, inf)
    assert val_and_grad(lambda v: v.sqrt(), 0.0) == (0.0, inf)
    assert val_and_grad(lambda v: v ** 0, 0.0) == (1.0, 0.0)  # PyTorch masks k=0
    # d(a^b)/db at a = 0, b > 0 is masked to 0 (not 0 * -inf = nan)
    a, b = Value(0.0), Value(2.0)
    (a ** b).backward()
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_no_python_exceptions_anywhere():
    for x in (0.0, -0.0, -1.0, 1e308, -1e308, inf, -inf, nan):
        v = Value(x)
        for f in (lambda v: v.exp(), lambda v: v.log(), lambda v: v.sqrt(), lambda v: 1 / v,
                  lambda v: v ** -1.5, lambda v: v ** 0.5, lambda v: v.tanh(), lambda v: v.elu(),
                  lambda v: v.sigmoid(), lambda v: v.softplus(), lambda v: 2 ** v,
                  lambda v: v ** v, lambda v: v.leaky_relu()):
            out = f(v)
            assert isinstance(out.data, float)
            g = grad(out, [v])[0]
            assert isinstance(g, float)

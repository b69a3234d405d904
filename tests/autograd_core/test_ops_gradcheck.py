"""Every op of the table against central differences, at many points."""

import math

import numpy as np
import pytest

from autograd_core import RULES, Function, Value, check_grads, functional

rng = np.random.default_rng(0)


def points(lo, hi, n=12, avoid=None):
    xs = rng.uniform(lo, hi, n)
    if avoid is not None:
        xs = xs[np.abs(xs - avoid) > 1e-3]
    return [float(x) for x in xs]


def off_integers():
    return [[x] for x in points(-3, 3) if abs(x - round(x)) > 1e-3]


# op name -> (function of Values, sampler of input points); kinks are sampled away from the kink
CASES = {
    "add": (lambda a, b: a + b, lambda: [points(-3, 3, 2) for _ in range(6)]),
    "sub": (lambda a, b: a - b, lambda: [points(-3, 3, 2) for _ in range(6)]),
    "mul": (lambda a, b: a * b, lambda: [points(-3, 3, 2) for _ in range(6)]),
    "div": (lambda a, b: a / b, lambda: [[x, y] for x, y in zip(points(-3, 3), points(0.2, 3))]),
    "neg": (lambda a: -a, lambda: [[x] for x in points(-3, 3)]),
    "abs": (lambda a: abs(a), lambda: [[x] for x in points(-3, 3, avoid=0.0)]),
    "powc": (lambda a: a ** 3 + a ** 0.5 + a ** -1.5 + a ** 2.0 + a ** 0,
             lambda: [[x] for x in points(0.2, 3)]),
    "pow": (lambda a, b: a ** b, lambda: [[x, y] for x, y in zip(points(0.2, 3), points(-2, 2))]),
    "exp": (lambda a: a.exp(), lambda: [[x] for x in points(-5, 5)]),
    "log": (lambda a: a.log(), lambda: [[x] for x in points(0.05, 10)]),
    "sqrt": (lambda a: a.sqrt(), lambda: [[x] for x in points(0.05, 10)]),
    "tanh": (lambda a: a.tanh(), lambda: [[x] for x in points(-4, 4)]),
    "sigmoid": (lambda a: a.sigmoid(), lambda: [[x] for x in points(-8, 8)]),
    "relu": (lambda a: a.relu(), lambda: [[x] for x in points(-3, 3, avoid=0.0)]),
    "leaky_relu": (lambda a: a.leaky_relu(0.05), lambda: [[x] for x in points(-3, 3, avoid=0.0)]),
    "elu": (lambda a: a.elu(1.3), lambda: [[x] for x in points(-4, 3, avoid=0.0)]),
    "softplus": (lambda a: a.softplus(), lambda: [[x] for x in points(-10, 19)]),
    "clamp": (lambda a: a.clamp(-1.0, 0.5) * a,
              lambda: [[x] for x in points(-3, 3) if min(abs(x + 1), abs(x - 0.5)) > 1e-3]),
    "sum": (lambda a, b, c: functional.sum([a, b, c, a, 2.0]),
            lambda: [points(-3, 3, 3) for _ in range(5)]),
    "dot": (lambda a, b, c: functional.dot([a, b, c], [c, a, 2.0]),
            lambda: [points(-3, 3, 3) for _ in range(5)]),
    "logsumexp": (lambda a, b, c: functional.logsumexp([a, b, c, 0.5]),
                  lambda: [points(-30, 30, 3) for _ in range(5)]),
    "softmax": (lambda a, b, c: functional.softmax([a, b, c, 0.5])[1] * a,
                lambda: [points(-5, 5, 3) for _ in range(5)]),
    "log_softmax": (lambda a, b, c: functional.log_softmax([a, b, c, 0.5])[2] * b,
                    lambda: [points(-5, 5, 3) for _ in range(5)]),
    # PyTorch's scalar op set
    "sin": (lambda a: a.sin(), lambda: [[x] for x in points(-6, 6)]),
    "cos": (lambda a: a.cos(), lambda: [[x] for x in points(-6, 6)]),
    "tan": (lambda a: a.tan(), lambda: [[x] for x in points(-1.4, 1.4)]),
    "asin": (lambda a: a.asin(), lambda: [[x] for x in points(-0.95, 0.95)]),
    "acos": (lambda a: a.acos(), lambda: [[x] for x in points(-0.95, 0.95)]),
    "atan": (lambda a: a.atan(), lambda: [[x] for x in points(-5, 5)]),
    "sinh": (lambda a: a.sinh(), lambda: [[x] for x in points(-4, 4)]),
    "cosh": (lambda a: a.cosh(), lambda: [[x] for x in points(-4, 4)]),
    "asinh": (lambda a: a.asinh(), lambda: [[x] for x in points(-5, 5)]),
    "acosh": (lambda a: a.acosh(), lambda: [[x] for x in points(1.05, 6)]),
    "atanh": (lambda a: a.atanh(), lambda: [[x] for x in points(-0.95, 0.95)]),
    "log1p": (lambda a: a.log1p(), lambda: [[x] for x in points(-0.9, 5)]),
    "expm1": (lambda a: a.expm1(), lambda: [[x] for x in points(-4, 4)]),
    "log2": (lambda a: a.log2(), lambda: [[x] for x in points(0.05, 10)]),
    "log10": (lambda a: a.log10(), lambda: [[x] for x in points(0.05, 10)]),
    "exp2": (lambda a: a.exp2(), lambda: [[x] for x in points(-5, 5)]),
    "sinc": (lambda a: a.sinc(), lambda: [[x] for x in points(-3, 3, avoid=0.0)]),
    # piecewise constant: zero gradient, checked away from the jumps
    "sign": (lambda a: a.sign() * a, lambda: [[x] for x in points(-3, 3, avoid=0.0)]),
    "floor": (lambda a: a.floor() * a, lambda: off_integers()),
    "ceil": (lambda a: a.ceil() * a, lambda: off_integers()),
    "round": (lambda a: a.round() * a,
              lambda: [[x] for x in points(-3, 3) if abs(abs(x - math.floor(x)) - 0.5) > 1e-3]),
    "trunc": (lambda a: a.trunc() * a, lambda: off_integers()),
    "atan2": (lambda a, b: a.atan2(b), lambda: [points(-3, 3, 2) for _ in range(8)]),
    "hypot": (lambda a, b: a.hypot(b), lambda: [points(-3, 3, 2) for _ in range(8)]),
    "remainder": (lambda a, b: a % b, lambda: [
        [x, y] for x, y in zip(points(-5, 5), points(0.7, 2.5))
        if min(abs(x / y - round(x / y)), 1.0) > 1e-2]),
    "maximum": (lambda a, b: a.maximum(b), lambda: [
        [x, y] for x, y in zip(points(-3, 3), points(-3, 3)) if abs(x - y) > 1e-3]),
    "minimum": (lambda a, b: a.minimum(b), lambda: [
        [x, y] for x, y in zip(points(-3, 3), points(-3, 3)) if abs(x - y) > 1e-3]),
}


class _Scale(Function):
    def forward(self, x):
        return 3 * x

    def backward(self, up):
        return [3 * up]


CASES["function"] = (lambda a: _Scale.apply(a.tanh()), lambda: [[x] for x in points(-2, 2)])


def test_every_op_in_the_table_is_checked():
    assert set(CASES) == set(RULES), "add a gradcheck case for every new op"


@pytest.mark.parametrize("op", sorted(CASES))
def test_backward_matches_central_differences(op):
    f, sample = CASES[op]
    for xs in sample():
        check_grads(f, xs, rtol=1e-6, atol=1e-8)


def test_softmax_family_matches_central_differences():
    xs = points(-5, 5, 4)
    for i in range(4):
        check_grads(lambda *v: functional.softmax(v)[i], xs)
        check_grads(lambda *v: functional.log_softmax(v)[i], xs)
    check_grads(lambda *v: functional.mean(v), xs)


def test_softmax_values_and_stability():
    out = functional.softmax([Value(1000.0), Value(1000.0), Value(-1000.0)])
    assert [v.data for v in out] == [0.5, 0.5, 0.0]
    ls = functional.log_softmax([Value(0.0), Value(math.log(3.0))])
    assert math.isclose(ls[0].data, math.log(0.25), rel_tol=1e-15)
    lse = functional.logsumexp([Value(1000.0), Value(1000.0)])
    assert math.isclose(lse.data, 1000.0 + math.log(2.0), rel_tol=1e-15)


def test_nary_ops_build_one_node():
    xs = [Value(float(i)) for i in range(5)]
    s = functional.sum(xs)
    assert s.op == "sum" and s.inputs == tuple(xs) and s.data == 10.0
    d = functional.dot(xs, [1, 2, 3, 4, 5])
    assert d.op == "dot" and len(d.inputs) == 10 and d.data == 40.0
    d.backward()
    assert [x.grad for x in xs] == [1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.raises(ValueError, match="equal length"):
        functional.dot(xs, [1.0])
    assert functional.sum([]).data == 0.0  # the empty sum is 0, as builtins.sum and torch
    assert math.isnan(functional.mean([]).data)  # 0/0, as torch.tensor([]).mean()
    with pytest.raises(ValueError, match="at least one input"):
        functional.logsumexp([])
    with pytest.raises(TypeError, match="input 1 must be a Value or a plain number, got str"):
        functional.sum([xs[0], "1"])


def test_check_grads_reports_errors_clearly():
    with pytest.raises(TypeError, match="must return a Value"):
        check_grads(lambda a: 3.0, [1.0])
    with pytest.raises(ValueError, match="at least one"):
        check_grads(lambda: Value(1.0), [])


@pytest.mark.parametrize("x", [1e-163, -1e-170, 5e-324, -1e-200, 0.0, -0.0])
def test_sinc_gradient_is_zero_where_x_squared_underflows(x: float) -> None:
    """d sinc/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2): below |x| ~ 1e-162 both sides
    underflow and 0/0 was nan. PyTorch masks the gradient to 0 wherever x^2 pi is 0; so do we,
    eagerly, in higher order (the rule on Values) and on arrays (the compiled backend)."""
    from autograd_core import numpy_math

    v = Value(x)
    v.sinc().backward()
    assert v.grad == 0.0
    w = Value(x)
    w.sinc().backward(create_graph=True)
    assert w.grad.data == 0.0
    with np.errstate(all="ignore"):
        (arr,) = RULES["sinc"].local(numpy_math, np.array([x, 0.5]), None, None)
    assert arr[0] == 0.0 and arr[1] == pytest.approx(-1.0 / (0.5 * 0.5 * math.pi), rel=1e-15)


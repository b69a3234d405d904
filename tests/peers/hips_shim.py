"""What HIPS autograd's scalar tests import from autograd, mapped onto this engine.

HIPS autograd (HIPS/autograd, commit bff107b8d71a444a1160deade3e1cbd0b92f4fa6) differentiates
Python functions: ``grad(f)(x)`` calls ``f`` on a traced box and returns df/dx. Its tests use
three things from the library, mapped here:

- :func:`grad` ``(fun, argnum=0)``: HIPS's ``autograd.grad`` (and test_core's local
  ``grad`` over ``make_vjp``). Here: the argument is wrapped in a :class:`Value` (or used as it
  is when it already is one), ``fun`` runs on it, and :func:`autograd_core.grad` returns
  d(out)/d(arg). Inside another differentiation (a ``grad`` or ``check_grads`` adapter further
  up the stack) the gradient is computed with ``create_graph=True`` and returned as a Value, so
  it can be differentiated again (``grad(grad(f))``, a gradient used inside a checked function);
  at the top level it is returned as a float, as HIPS returns a number. Like HIPS's
  ``make_vjp``, an output that is not traced at all (a constant, a bool) warns "Output seems
  independent of input." and gives 0.0.
- :func:`check_grads` ``(fun, argnum=0, modes=None, order=2)(*args)``: HIPS's
  ``autograd.test_util.check_grads``, transcribed: ``check_jvp`` compares forward mode
  (:func:`autograd_core.jvp`) with a numerical directional derivative, ``check_vjp`` compares
  reverse mode (:func:`autograd_core.grad`) contracted with random vectors against the same,
  with HIPS's tolerances (``scalar_close``: 1e-6 absolute or relative) and step (EPS = 1e-6), and
  random directions drawn from numpy's global generator as HIPS's ``vspace(x).randn()`` does.
  Outputs may be one Value or a list (the vjp of a function of several arguments).
  For ``order > 1`` HIPS recurses on the vjp function ``(x, v) -> v . J(x)`` (here built with
  ``create_graph=True``): its forward check is forward over reverse, its reverse check reverse
  over reverse, as in HIPS. HIPS also recurses on the jvp function ``(x, v) -> J(x) v``; the
  engine's ``jvp`` returns numbers (its tangents are not recorded in a graph), so that branch
  (forward over forward, reverse over forward) is not run: the one adaptation that checks less.
- :data:`anp`: ``autograd.numpy``'s scalar functions, each spelled as the engine spells it
  (PyTorch's names): ``np.arcsin(x)`` -> ``x.asin()``, ``np.mod(x, y)`` -> ``x % y``,
  ``np.reciprocal(x)`` -> ``1.0 / x``, ``np.rad2deg(x)`` -> ``x * (180 / pi)`` and ``np.deg2rad(x)``
  -> ``x * (pi / 180)`` (what numpy computes; the op table has no row for a constant factor).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

import autograd_core
from autograd_core import Value

# How many grad/check_grads adapters are running further up the stack.
_depth = 0


def grad(fun: Callable[..., Any], argnum: int = 0) -> Callable[..., Any]:
    """HIPS's ``grad(fun, argnum)``: a function returning d fun / d args[argnum]."""

    def gradfun(*args: Any) -> Any:
        global _depth
        nested = _depth > 0
        args_ = list(args)
        x = args_[argnum]
        xv = x if isinstance(x, Value) else Value(float(x))
        args_[argnum] = xv
        _depth += 1
        try:
            out = fun(*args_)
        finally:
            _depth -= 1
        if not isinstance(out, Value):
            warnings.warn("Output seems independent of input.", stacklevel=2)
            return 0.0
        g = autograd_core.grad(out, [xv], create_graph=nested, allow_unused=True)[0]
        return g if nested else _number(g)

    return gradfun


# --- autograd/test_util.py ---------------------------------------------------------------------

TOL = 1e-6
RTOL = 1e-6
EPS = 1e-6


def scalar_close(a: float, b: float) -> bool:
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


def _number(x: Any) -> float:
    """A Value's number (``.item()``) or a plain number, as a float."""
    return x.item() if isinstance(x, Value) else float(x)


def _outputs(out: Any) -> list[Any]:
    """f's output as a list of Values and numbers (HIPS's vector space of the output)."""
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _floats(out: Any) -> np.ndarray:
    return np.array([_number(o) for o in _outputs(out)])


def make_numerical_jvp(f: Callable[..., Any], x: Sequence[float]) -> Callable[..., np.ndarray]:
    def jvp(v: np.ndarray) -> np.ndarray:
        # (f(x + v*eps/2) - f(x - v*eps/2)) / eps
        f_x_plus = _floats(f(*[Value(xi + vi * EPS / 2) for xi, vi in zip(x, v)]))
        f_x_minus = _floats(f(*[Value(xi - vi * EPS / 2) for xi, vi in zip(x, v)]))
        return (f_x_plus - f_x_minus) / EPS  # type: ignore[no-any-return]

    return jvp


def _contract(outs: list[Any], w: Sequence[float]) -> Any:
    """sum_j w_j out_j (a Value when any out_j is one)."""
    total: Any = 0.0
    for o, wj in zip(outs, w):
        total = total + float(wj) * o
    return total


def _vjp(f: Callable[..., Any], xs: list[Value], w: Sequence[float] | list[Value],
         create_graph: bool) -> list[Any]:
    """w . J(x): the gradient of sum_j w_j f_j(x) with respect to each x_i."""
    outs = _outputs(f(*xs))
    total: Any = 0.0
    for o, wj in zip(outs, w):
        total = total + wj * o
    if not isinstance(total, Value):
        return [0.0] * len(xs)
    return autograd_core.grad(total, xs, create_graph=create_graph, allow_unused=True)


def check_vjp(f: Callable[..., Any], x: Sequence[float]) -> None:
    xs = [Value(xi) for xi in x]
    m = len(_outputs(f(*xs)))
    x_v, y_v = np.random.randn(len(x)), np.random.randn(m)
    vjp_y = [_number(g) for g in _vjp(f, xs, list(y_v), create_graph=False)]
    vjv_exact = float(np.dot(x_v, vjp_y))
    vjv_numeric = float(np.dot(y_v, make_numerical_jvp(f, x)(x_v)))
    assert scalar_close(vjv_numeric, vjv_exact), (
        f"Derivative (VJP) check of {getattr(f, '__name__', f)} failed with arg {list(x)}:\n"
        f"analytic: {vjv_exact}\nnumeric:  {vjv_numeric}")


def check_jvp(f: Callable[..., Any], x: Sequence[float]) -> None:
    x_v = np.random.randn(len(x))

    def as_values(*xs: Value) -> list[Value]:
        return [o if isinstance(o, Value) else Value(float(o)) for o in _outputs(f(*xs))]

    _, tangent = autograd_core.jvp(as_values, list(x), list(x_v))
    check_equivalent(np.array(tangent, dtype=float), make_numerical_jvp(f, x)(x_v))


def check_equivalent(x: np.ndarray, y: np.ndarray) -> None:
    assert x.shape == y.shape, f"VSpace mismatch:\nx: {x.shape}\ny: {y.shape}"
    v = np.random.randn(*x.shape)
    assert scalar_close(float(np.dot(x, v)), float(np.dot(y, v))), (
        f"Value mismatch:\nx: {x}\ny: {y}")


def _check(f: Callable[..., Any], x: list[float], modes: list[str], order: int) -> None:
    assert all(m in ["fwd", "rev"] for m in modes)
    if "fwd" in modes:
        check_jvp(f, x)
        # order > 1: HIPS recurses on (x, v) -> jvp; not available (see the module docstring)
    if "rev" in modes:
        check_vjp(f, x)
        if order > 1:
            n = len(x)

            def grad_f(*xv: Value) -> list[Any]:
                return _vjp(f, list(xv[:n]), list(xv[n:]), create_graph=True)

            grad_f.__name__ = f"vjp_{getattr(f, '__name__', 'f')}"
            v = list(np.random.randn(len(_outputs(f(*[Value(xi) for xi in x])))))
            _check(grad_f, x + v, modes, order - 1)


def check_grads(f: Callable[..., Any], argnum: int | tuple[int, ...] = 0,
                modes: list[str] | None = None, order: int = 2) -> Callable[..., None]:
    """HIPS's ``check_grads(f, argnum, modes, order)(*args)``: checks d f / d args[argnum]."""
    if modes is None:
        modes = ["fwd", "rev"]
    argnums = (argnum,) if isinstance(argnum, int) else tuple(argnum)

    def checker(*args: Any) -> None:
        global _depth

        def unary(*xs: Value) -> Any:
            a = list(args)
            for i, xi in zip(argnums, xs):
                a[i] = xi
            return f(*a)

        unary.__name__ = getattr(f, "__name__", "f")
        _depth += 1
        try:
            _check(unary, [float(args[i]) for i in argnums], modes, order)
        finally:
            _depth -= 1

    return checker


# --- autograd.numpy, the scalar functions the tests call ---------------------------------------

_DEG = 180.0 / math.pi  # numpy: x * (180 / pi)
_RAD = math.pi / 180.0  # numpy: x * (pi / 180)


def _unary(method: str, npfn: Callable[[float], Any]) -> Callable[[Any], Any]:
    """``anp.NAME(x)``: the Value method for a Value, numpy's function (as a float) for a
    plain number, as autograd.numpy works on both."""

    def fn(x: Any) -> Any:
        return getattr(x, method)() if isinstance(x, Value) else float(npfn(x))

    fn.__name__ = method
    return fn


anp = SimpleNamespace(
    abs=abs,
    absolute=abs,
    sign=_unary("sign", np.sign),
    sqrt=_unary("sqrt", np.sqrt),
    sinc=_unary("sinc", np.sinc),
    **{npname: _unary(method, getattr(np, npname)) for npname, method in [
        ("sin", "sin"), ("cos", "cos"), ("tan", "tan"), ("sinh", "sinh"), ("cosh", "cosh"),
        ("tanh", "tanh"), ("arcsin", "asin"), ("arccos", "acos"), ("arctan", "atan"),
        ("arcsinh", "asinh"), ("arccosh", "acosh"), ("arctanh", "atanh"), ("exp", "exp"),
        ("exp2", "exp2"), ("expm1", "expm1"), ("log", "log"), ("log2", "log2"),
        ("log10", "log10"), ("log1p", "log1p")]},
    power=lambda x, y: x**y,
    mod=lambda x, y: x % y,
    divide=lambda x, y: x / y,
    true_divide=lambda x, y: x / y,
    multiply=lambda x, y: x * y,
    reciprocal=lambda x: 1.0 / x,
    negative=lambda x: -x,
    rad2deg=lambda x: x * _DEG,
    degrees=lambda x: x * _DEG,
    deg2rad=lambda x: x * _RAD,
    radians=lambda x: x * _RAD,
    allclose=np.allclose,
)

"""The op table's backend for Values: the same function names as
:mod:`autograd_core.scalar_math`, but building graph nodes, so that evaluating a rule's local
derivative on Values records the backward pass (higher-order gradients).

Conditions (``gt``, ``is_zero``...) read the numbers and return plain bools: the derivative of a
step or a mask is zero almost everywhere, so ``where`` picks one branch as a constant choice.
"""

from __future__ import annotations

from typing import Any

from autograd_core import scalar_math as F
from autograd_core.rules import DOT, LOG_SOFTMAX, LOGSUMEXP, SOFTMAX, SUM
from autograd_core.value import Value, apply_nary


def _d(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


def div(a: Any, b: Any) -> Any:
    if not isinstance(a, Value) and not isinstance(b, Value):
        return F.div(a, b)
    return _v(a) / b


def exp(x: Any) -> Any:
    return _v(x).exp()


def expm1(x: Any) -> Any:
    return _v(x).expm1()


def log(x: Any) -> Any:
    return _v(x).log()


def sqrt(x: Any) -> Any:
    return _v(x).sqrt()


def tanh(x: Any) -> Any:
    return _v(x).tanh()


def sigmoid(x: Any) -> Any:
    return _v(x).sigmoid()


def softplus(x: Any) -> Any:
    return _v(x).softplus()


def relu(x: Any) -> Any:
    return _v(x).relu()


def power(a: Any, b: Any) -> Any:
    if not isinstance(a, Value) and not isinstance(b, Value):
        return F.power(a, b)
    return _v(a) ** b


def clamp(x: Any, lo: Any, hi: Any) -> Any:
    return _v(x).clamp(lo, hi)


def sign(x: Any) -> float:
    return F.sign(_d(x))


def gt(x: Any, c: Any) -> bool:
    return _d(x) > _d(c)


def ge(x: Any, c: Any) -> bool:
    return _d(x) >= _d(c)


def lt(x: Any, c: Any) -> bool:
    return _d(x) < _d(c)


def eq(x: Any, c: Any) -> bool:
    return _d(x) == _d(c)


def both(a: bool, b: bool) -> bool:
    return a and b


def is_zero(x: Any) -> bool:
    return _d(x) == 0.0


def inside(x: Any, lo: Any, hi: Any) -> bool:
    return F.inside(_d(x), lo, hi)


def where(cond: bool, a: Any, b: Any) -> Any:
    return a if cond else b


def fsum(xs: Any) -> Value:
    return apply_nary(SUM, xs)


def dot(ws: Any, xs: Any) -> Value:
    return apply_nary(DOT, tuple(ws) + tuple(xs))


def logsumexp(xs: Any) -> Value:
    return apply_nary(LOGSUMEXP, xs)


def softmax(xs: Any) -> list[Value]:
    return [apply_nary(SOFTMAX, xs, k) for k in range(len(xs))]


def log_softmax(xs: Any) -> list[Value]:
    return [apply_nary(LOG_SOFTMAX, xs, k) for k in range(len(xs))]


# --- the functions added with PyTorch's scalar op set: a Value method each, or the float
# backend's function when no argument is a Value (a constant inside a local derivative) ---------
def _unary_method(name: str, float_fn: Any) -> Any:
    def fn(x: Any) -> Any:
        if isinstance(x, Value):
            return getattr(x, name)()
        return float_fn(float(x))
    fn.__name__ = name
    return fn


def _binary_method(name: str, float_fn: Any) -> Any:
    def fn(a: Any, b: Any) -> Any:
        if isinstance(a, Value):
            return getattr(a, name)(b)
        if isinstance(b, Value):
            return getattr(Value(float(a)), name)(b)
        return float_fn(float(a), float(b))
    fn.__name__ = name
    return fn


sin = _unary_method("sin", F.sin)
cos = _unary_method("cos", F.cos)
tan = _unary_method("tan", F.tan)
asin = _unary_method("asin", F.asin)
acos = _unary_method("acos", F.acos)
atan = _unary_method("atan", F.atan)
sinh = _unary_method("sinh", F.sinh)
cosh = _unary_method("cosh", F.cosh)
asinh = _unary_method("asinh", F.asinh)
acosh = _unary_method("acosh", F.acosh)
atanh = _unary_method("atanh", F.atanh)
log1p = _unary_method("log1p", F.log1p)
log2 = _unary_method("log2", F.log2)
log10 = _unary_method("log10", F.log10)
exp2 = _unary_method("exp2", F.exp2)
sinc = _unary_method("sinc", F.sinc)
floor = _unary_method("floor", F.floor)
ceil = _unary_method("ceil", F.ceil)
trunc = _unary_method("trunc", F.trunc)
round_half_even = _unary_method("round", F.round_half_even)
atan2 = _binary_method("atan2", F.atan2)
hypot = _binary_method("hypot", F.hypot)
remainder = _binary_method("remainder", F.remainder)
maximum2 = _binary_method("maximum", F.maximum2)
minimum2 = _binary_method("minimum", F.minimum2)


def floor_divide(a: Any, b: Any) -> float:
    """floor(a / b) is piecewise constant: a plain number (its derivative is 0)."""
    return F.floor_divide(_d(a), _d(b))

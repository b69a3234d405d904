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
    return _v(x).exp() - 1.0


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


def gt(x: Any, c: float) -> bool:
    return _d(x) > c


def ge(x: Any, c: float) -> bool:
    return _d(x) >= c


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

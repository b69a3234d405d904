"""The op table's backend for Values: higher-order gradients.

``backward(create_graph=True)`` evaluates each rule's *local derivative* with this module as
``m``, so the backward pass is itself made of recorded ops and can be differentiated again. It
holds exactly the functions the rules' local derivatives call (a test checks it), with one
convention: if any argument is a Value the result is a Value (a recorded op); plain numbers
alone give the float backend's number (a constant, nothing to record).

Conditions (``gt``, ``is_zero``...) read the numbers and return plain bools: the derivative of a
step or a mask is zero almost everywhere, so ``where`` picks one branch as a constant choice;
``sign`` and ``floor_divide`` are piecewise constant and give plain numbers for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core import scalar_math
from autograd_core.rules import SOFTMAX
from autograd_core.value import Value, apply_nary


def _d(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


# --- recorded ops (a Value in, a Value out) -----------------------------------------------------
def div(a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return a / b
    return scalar_math.div(a, b)


def power(a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return a ** b
    return scalar_math.power(a, b)


def _method_or_float(name: str) -> Callable[[Any], Any]:
    """``x.name()`` for a Value (a recorded op), the float backend's ``name(x)`` for a number."""
    on_float = getattr(scalar_math, name)

    def fn(x: Any) -> Any:
        return getattr(x, name)() if isinstance(x, Value) else on_float(x)

    fn.__name__ = fn.__qualname__ = name
    return fn


exp, log, sqrt, sigmoid = map(_method_or_float, ("exp", "log", "sqrt", "sigmoid"))
sin, cos, sinh, cosh = map(_method_or_float, ("sin", "cos", "sinh", "cosh"))


def softmax(xs: Any) -> list[Any]:
    if not any(isinstance(x, Value) for x in xs):
        return scalar_math.softmax(tuple(xs))
    return [apply_nary(SOFTMAX, xs, k) for k in range(len(xs))]


# --- piecewise constant: plain numbers (their derivative is 0) ----------------------------------
def sign(x: Any) -> float:
    return scalar_math.sign(_d(x))


def floor_divide(a: Any, b: Any) -> float:
    """floor(a / b), a plain number."""
    return scalar_math.floor_divide(_d(a), _d(b))


# --- conditions: plain bools, for where() ------------------------------------------------------
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
    return scalar_math.inside(_d(x), lo, hi)


def where(cond: bool, a: Any, b: Any) -> Any:
    return a if cond else b

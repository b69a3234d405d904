"""FloatVector: Python floats with elementwise arithmetic, so an optimizer's rule runs eagerly
the way it runs on numpy arrays, without numpy.

An optimizer writes its update once, over generic arithmetic (``p - lr * g``,
``m.sqrt(v)``; see :mod:`nn.optim`). ``fit(compiled=True)`` calls it with numpy arrays; the
eager ``step`` calls it with FloatVectors: every operator maps the float operation over the
elements in C (``map(operator.mul, a, b)``), a number on either side broadcast, so one update
costs a few C loops instead of a Python call per parameter. Each element sees the very IEEE
double operations an array element sees, in the same order: the two paths agree to the last
bit (``**`` to within an ulp: numpy special-cases some powers, such as x ** -1 as 1 / x).
:data:`FLOATS` is the backend ``m`` that goes with it: ``m.sqrt`` gives NaN for a negative
number (as numpy and PyTorch do), never ``ValueError: math domain error``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from types import SimpleNamespace
from typing import Any

_NAN = float("nan")


def _binary(op: Callable[[Any, Any], Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """``x op y`` and ``y op x`` for a FloatVector x and a FloatVector or number y."""
    def forward(x: FloatVector, y: Any) -> FloatVector:
        if isinstance(y, FloatVector):
            return FloatVector(map(op, x.values, y.values))
        return FloatVector(map(op, x.values, repeat(y)))

    def reflected(x: FloatVector, y: Any) -> FloatVector:
        return FloatVector(map(op, repeat(y), x.values))
    return forward, reflected


class FloatVector:
    """A list of floats whose ``+ - * / **``, unary ``-`` and ``abs`` act elementwise, with
    numpy's results where Python's floats would raise or turn complex: ``/`` by zero gives
    inf or NaN, ``**`` NaN for a negative base and a fractional power, inf on overflow."""

    __slots__ = ("values",)

    def __init__(self, values: Iterable[float]) -> None:
        self.values = list(values)

    __add__, __radd__ = _binary(operator.add)
    __sub__, __rsub__ = _binary(operator.sub)
    __mul__, __rmul__ = _binary(operator.mul)

    def __truediv__(self, y: Any) -> FloatVector:
        return _divide(self.values, y.values if isinstance(y, FloatVector) else repeat(y))

    def __rtruediv__(self, y: Any) -> FloatVector:
        return _divide(repeat(y), self.values)

    def __pow__(self, y: Any) -> FloatVector:
        return _power(self.values, y.values if isinstance(y, FloatVector) else repeat(y))

    def __rpow__(self, y: Any) -> FloatVector:
        return _power(repeat(y), self.values)

    def __neg__(self) -> FloatVector:
        return FloatVector(map(operator.neg, self.values))

    def __abs__(self) -> FloatVector:
        return FloatVector(map(abs, self.values))

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[float]:
        return iter(self.values)

    def __repr__(self) -> str:
        return f"FloatVector({self.values!r})"


def _ieee_divide(a: float, b: float) -> float:
    """a / b as IEEE 754 (and numpy) has it: a division by zero is +-inf or NaN."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return _NAN
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _divide(a: Iterable[float], b: Iterable[float]) -> FloatVector:
    """Elementwise a / b in C (each side a list or an endless ``repeat`` of a number, both
    readable twice); only a division by zero (Python's ZeroDivisionError) takes the slower
    IEEE path, as numpy would give inf or NaN."""
    try:
        return FloatVector(map(operator.truediv, a, b))
    except ZeroDivisionError:
        return FloatVector(map(_ieee_divide, a, b))


def _ieee_power(a: float, b: float) -> float:
    """a ** b as numpy has it: NaN for a negative base and a fractional power (never a
    complex number), inf (signed) on overflow."""
    odd = b.is_integer() and b % 2 == 1
    try:
        return math.pow(a, b)
    except ValueError:  # 0 ** negative, or a negative base and a fractional power
        return (math.copysign(math.inf, a) if odd else math.inf) if a == 0.0 else _NAN
    except OverflowError:
        return math.copysign(math.inf, a) if odd else math.inf


def _power(a: Iterable[float], b: Iterable[float]) -> FloatVector:
    """Elementwise a ** b in C, the IEEE path only where math.pow raises."""
    try:
        return FloatVector(map(math.pow, a, b))
    except (ValueError, OverflowError):
        return FloatVector(map(_ieee_power, a, b))


def _sqrt_float(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 else _NAN


def sqrt(x: Any) -> Any:
    """Square root of a number or of every element: NaN for a negative one (and for NaN)."""
    if isinstance(x, FloatVector):
        try:
            return FloatVector(map(math.sqrt, x.values))  # in C; ValueError on x < 0
        except ValueError:
            return FloatVector(map(_sqrt_float, x.values))
    return _sqrt_float(x)


#: The backend ``m`` an optimizer's ``update`` gets on the eager path.
FLOATS = SimpleNamespace(name="floats", sqrt=sqrt)

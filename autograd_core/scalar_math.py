"""IEEE-754 scalar math on Python floats: the "float backend" of the op table.

Python's ``math`` module raises where IEEE arithmetic (and PyTorch) returns a special value:
``math.exp(1000)`` raises OverflowError, ``math.log(0)`` raises ValueError, ``1 / 0`` raises
ZeroDivisionError, ``(-8) ** (1/3)`` returns a complex number. The engine must never do any of
that, so every rule in :mod:`autograd_core.rules` computes through the functions here, which give
``inf``, ``-inf`` and ``nan`` exactly where PyTorch float64 does.

The same function names exist on the other backends (:mod:`autograd_core.value_math` for Values,
used by higher-order gradients, and the numpy backend used by the compiled executor), so one rule
written as ``lambda m, x: m.exp(x)`` serves all of them.
"""

from __future__ import annotations

import math
from operator import mul as _mul

INF = math.inf
NAN = math.nan

_exp = math.exp
_log = math.log
_log1p = math.log1p
_expm1 = math.expm1
_sqrt = math.sqrt
_tanh = math.tanh
_copysign = math.copysign
_isnan = math.isnan


def div(a: float, b: float) -> float:
    """a / b with IEEE semantics: 1/0 = inf, -1/0 = -inf, 0/0 = nan, 1/-0.0 = -inf."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or _isnan(a):
            return NAN
        return _copysign(INF, a) * _copysign(1.0, b)


def exp(x: float) -> float:
    """e**x; overflows to inf (exp(1000) = inf) instead of raising."""
    try:
        return _exp(x)
    except OverflowError:
        return INF


def expm1(x: float) -> float:
    """e**x - 1, accurate near 0; overflows to inf."""
    try:
        return _expm1(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural log: log(0) = -inf, log(x < 0) = nan, log(inf) = inf."""
    if x > 0.0:
        return _log(x)
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def log1p(x: float) -> float:
    """log(1 + x), accurate near 0: log1p(-1) = -inf, log1p(x < -1) = nan."""
    if x > -1.0:
        return _log1p(x)
    if x == -1.0:
        return -INF
    return NAN


def sqrt(x: float) -> float:
    """Square root: sqrt(-1) = nan (never a complex number or ValueError)."""
    if x >= 0.0:
        return _sqrt(x)
    return NAN


def tanh(x: float) -> float:
    """Hyperbolic tangent (math.tanh is already stable: tanh(1000) = 1)."""
    return _tanh(x)


def sigmoid(x: float) -> float:
    """Logistic function 1 / (1 + e^-x), stable: sigmoid(-800) = 0, sigmoid(800) = 1.

    For x >= 0 use 1 / (1 + e^-x); for x < 0 use e^x / (1 + e^x): neither exponent overflows.
    """
    if x >= 0.0:
        return 1.0 / (1.0 + _exp(-x))
    if x != x:
        return NAN
    if x < -745.0:  # e^x underflows to 0 below about -745
        return 0.0
    z = _exp(x)
    return z / (1.0 + z)


def softplus(x: float) -> float:
    """log(1 + e^x) as PyTorch computes it (beta=1, threshold=20): x itself when x > 20.

    Below the threshold the stable form max(x, 0) + log1p(e^-|x|) never overflows.
    """
    if x > 20.0:
        return x
    if x != x:
        return NAN
    return (x if x > 0.0 else 0.0) + _log1p(exp(-abs(x)))


def power(a: float, b: float) -> float:
    """a ** b with IEEE semantics: a negative base to a non-integer power is nan (never complex),
    0 ** -1 = inf, overflow gives inf."""
    try:
        r = a**b
    except ZeroDivisionError:  # 0.0 ** negative
        # IEEE pow: +-0 to a negative odd integer keeps the sign of zero, else +inf
        if b == int(b) and int(b) % 2 == 1:
            return _copysign(INF, a)
        return INF
    except OverflowError:
        if a < 0.0:
            if b != int(b):
                return NAN  # a negative base to a non-integer power
            if int(b) % 2 == 1:
                return -INF
        return INF
    if r.__class__ is complex:
        return NAN
    return r


def step(x: float) -> float:
    """Heaviside step used as relu's derivative: 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


def sign(x: float) -> float:
    """sign(x) in {-1, 0, 1}; sign(0) = 0 (PyTorch's abs'(0)); nan stays nan."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x * 0.0  # 0.0 for zero, nan for nan


def relu(x: float) -> float:
    """max(x, 0), propagating nan as PyTorch does."""
    if x > 0.0:
        return x
    return 0.0 if x == x else x


def gt(x: float, c: float) -> bool:
    """The condition x > c, for use with :func:`where`."""
    return x > c


def ge(x: float, c: float) -> bool:
    """The condition x >= c."""
    return x >= c


def both(a: bool, b: bool) -> bool:
    """Logical and of two conditions."""
    return a and b


def clamp(x: float, lo: float | None, hi: float | None) -> float:
    """x limited to [lo, hi]; either bound may be None; nan stays nan."""
    if lo is not None and x < lo:
        return lo
    if hi is not None and x > hi:
        return hi
    return x


def inside(x: float, lo: float | None, hi: float | None) -> bool:
    """The condition lo <= x <= hi (a None bound is open), where clamp passes gradient."""
    return (lo is None or x >= lo) and (hi is None or x <= hi)


def where(cond: bool, a: float, b: float) -> float:
    """a if cond else b (numpy.where on the array backend)."""
    return a if cond else b


def is_zero(x: float) -> bool:
    """The condition x == 0, for masks such as 0 ** b."""
    return x == 0.0


def maximum(xs: tuple) -> float:
    """Largest element of a sequence of floats (nan if any is nan)."""
    m = -INF
    for x in xs:
        if x != x:
            return NAN
        if x > m:
            m = x
    return m


def logsumexp(xs: tuple) -> float:
    """log(sum(e^x_i)) without overflow: m + log(sum(e^(x_i - m))) with m = max(x)."""
    if not xs:
        return -INF
    m = maximum(xs)
    if m == INF or m == -INF or m != m:
        return m if m != INF else INF
    return m + _log(sum([_exp(x - m) for x in xs]))


def softmax(xs: tuple) -> list[float]:
    """softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m) with m = max(x): no overflow."""
    m = maximum(xs)
    if m == INF or m == -INF or m != m:
        return [NAN] * len(xs)
    es = [_exp(x - m) for x in xs]
    s = sum(es)
    return [e / s for e in es]


def log_softmax(xs: tuple) -> list[float]:
    """log_softmax(x)_i = (x_i - m) - log(sum_j e^(x_j - m)): exact 0 for the max of equal
    logits, where x_i - logsumexp(x) would round at the scale of x."""
    m = maximum(xs)
    if m == INF or m == -INF or m != m:
        return [NAN] * len(xs)
    log_s = _log(sum([_exp(x - m) for x in xs]))
    return [(x - m) - log_s for x in xs]


def fsum(xs: tuple) -> float:
    """Sum of a sequence of floats, left to right."""
    return sum(xs, 0.0)


def dot(ws: tuple, xs: tuple) -> float:
    """sum_i w_i x_i, left to right."""
    return sum(map(_mul, ws, xs), 0.0)

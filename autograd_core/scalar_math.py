"""IEEE-754 scalar math on Python floats: the "float backend" of the op table.

Python's ``math`` module raises where IEEE arithmetic (and PyTorch) returns a special value:
``math.exp(1000)`` raises OverflowError, ``math.log(0)`` raises ValueError, ``1 / 0`` raises
ZeroDivisionError, ``(-8) ** (1/3)`` returns a complex number. The engine must never do any of
that, so every rule in :mod:`autograd_core.rules` computes through the functions here, which give
``inf``, ``-inf`` and ``nan`` exactly where PyTorch float64 does.

The same function names exist on the other backends (:mod:`autograd_core.value_math` for Values,
used by higher-order gradients, and :mod:`autograd_core.numpy_math`, used by the compiled
program), so one rule written as ``lambda m, x, k: m.exp(x)`` serves all of them. Each backend
holds only what the rules call (tests/autograd_core/test_backends.py checks it).
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


def sign(x: float) -> float:
    """sign(x) in {-1, 0, 1}; sign(0) = 0 (PyTorch's abs'(0)); sign(nan) = 0, as torch.sign."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0


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
    """min(max(x, lo), hi), either bound may be None, as PyTorch: when lo > hi the result is hi
    everywhere; a nan bound or a nan x gives nan."""
    if lo is not None:
        if lo != lo:
            return NAN
        if x < lo:
            x = lo
    if hi is not None:
        if hi != hi:
            return NAN
        if x > hi:
            x = hi
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


def _max(xs: tuple) -> float:
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
    m = _max(xs)
    if m == INF or m == -INF or m != m:
        return m if m != INF else INF
    return m + _log(sum([_exp(x - m) for x in xs]))


def softmax(xs: tuple) -> list[float]:
    """softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m) with m = max(x): no overflow."""
    m = _max(xs)
    if m == INF or m == -INF or m != m:
        return [NAN] * len(xs)
    es = [_exp(x - m) for x in xs]
    s = sum(es)
    return [e / s for e in es]


def log_softmax(xs: tuple) -> list[float]:
    """log_softmax(x)_i = (x_i - m) - log(sum_j e^(x_j - m)): exact 0 for the max of equal
    logits, where x_i - logsumexp(x) would round at the scale of x."""
    m = _max(xs)
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


# --- trigonometric and hyperbolic functions, more logarithms ------------------------------------
# Python's math raises ValueError outside a function's domain (asin(2), log2(-1), sin(inf)) and
# OverflowError past the float range (sinh(1000)); IEEE arithmetic (and PyTorch) returns nan,
# +-inf there instead. ``_ieee`` wraps a math function once with that rule.
_pi = math.pi


def _ieee(fn, overflow_sign=None):  # type: ignore[no-untyped-def]
    """fn(x) with nan for a domain error and +-inf for an overflow (the sign from
    ``overflow_sign(x)``, +inf when None)."""
    def wrapped(x: float) -> float:
        try:
            return fn(x)  # type: ignore[no-any-return]
        except ValueError:
            return NAN
        except OverflowError:
            return INF if overflow_sign is None else _copysign(INF, overflow_sign(x))
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = (f"math.{fn.__name__} with IEEE results (nan outside the domain, inf on "
                       "overflow).")
    return wrapped


sin = _ieee(math.sin)
cos = _ieee(math.cos)
tan = _ieee(math.tan)
asin = _ieee(math.asin)
acos = _ieee(math.acos)
atan = _ieee(math.atan)
sinh = _ieee(math.sinh, lambda x: x)
cosh = _ieee(math.cosh)
asinh = _ieee(math.asinh)
acosh = _ieee(math.acosh)


def atanh(x: float) -> float:
    """Inverse hyperbolic tangent: atanh(+-1) = +-inf, nan outside [-1, 1]."""
    if -1.0 < x < 1.0:
        return math.atanh(x)
    if x == 1.0 or x == -1.0:
        return _copysign(INF, x)
    return NAN


def _log_base(fn):  # type: ignore[no-untyped-def]
    """fn(x) for x > 0, -inf at 0, nan below 0 (and for nan), as :func:`log`."""
    def wrapped(x: float) -> float:
        if x > 0.0:
            return fn(x)  # type: ignore[no-any-return]
        return -INF if x == 0.0 else NAN
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = f"math.{fn.__name__}: -inf at 0, nan below 0."
    return wrapped


log2 = _log_base(math.log2)
log10 = _log_base(math.log10)


def exp2(x: float) -> float:
    """2**x; overflows to inf."""
    try:
        return 2.0**x
    except OverflowError:
        return INF


def sinc(x: float) -> float:
    """The normalised sinc, sin(pi x) / (pi x), and 1 at x = 0 (PyTorch's and numpy's)."""
    if x == 0.0:
        return 1.0
    y = _pi * x
    return div(sin(y), y)


def _integral(fn, x: float) -> float:  # type: ignore[no-untyped-def]
    """An integer-valued rounding of x as a float: inf and nan stay, and a zero result keeps
    x's sign (ceil(-0.5) = -0.0, as IEEE and PyTorch)."""
    if x != x or x == INF or x == -INF:
        return x
    r = float(fn(x))
    return r if r != 0.0 else _copysign(0.0, x)


def floor(x: float) -> float:
    """The largest integer <= x (a float; inf and nan unchanged)."""
    return _integral(math.floor, x)


def ceil(x: float) -> float:
    """The smallest integer >= x (a float; inf and nan unchanged)."""
    return _integral(math.ceil, x)


def trunc(x: float) -> float:
    """x rounded towards zero (a float; inf and nan unchanged)."""
    return _integral(math.trunc, x)


def round_half_even(x: float) -> float:
    """x rounded to the nearest integer, ties to even (round(2.5) = 2, as PyTorch and numpy)."""
    return _integral(round, x)


def remainder(a: float, b: float) -> float:
    """a - b * floor(a / b): the remainder with the sign of the divisor (Python's ``%``,
    ``torch.remainder``); remainder(a, 0) = nan."""
    if b == 0.0:
        return NAN
    return a % b


def floor_divide(a: float, b: float) -> float:
    """floor(a / b) as Python's ``//`` and ``torch.div(..., rounding_mode="floor")``; a / b
    where b = 0 (inf or nan)."""
    if b == 0.0:
        return div(a, b)
    return a // b


def hypot(a: float, b: float) -> float:
    """sqrt(a^2 + b^2) without overflow or underflow in the squares."""
    return math.hypot(a, b)


def atan2(y: float, x: float) -> float:
    """The angle of the point (x, y), in (-pi, pi]."""
    return math.atan2(y, x)


def lt(x: float, c: float) -> bool:
    """The condition x < c."""
    return x < c


def eq(x: float, c: float) -> bool:
    """The condition x == c."""
    return x == c


def maximum2(a: float, b: float) -> float:
    """The larger of a and b; nan if either is nan (torch.maximum, numpy.maximum)."""
    if a != a or b != b:
        return NAN
    return a if a >= b else b


def minimum2(a: float, b: float) -> float:
    """The smaller of a and b; nan if either is nan (torch.minimum, numpy.minimum)."""
    if a != a or b != b:
        return NAN
    return a if a <= b else b

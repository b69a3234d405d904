"""IEEE-754 math on numpy arrays: the "array backend" of the op table.

The compiler (:mod:`autograd_core.compiler`) runs every rule of :mod:`autograd_core.rules` on
arrays that hold one number per example: the generated program calls this module as the rules'
``m``, so ``lambda m, x, k: m.exp(x)`` exponentiates a whole batch at once, and
``lambda m, x, out, k: (1.0 - out * out,)`` computes tanh's local derivative for every example
and every node of a group in one expression. Nothing here knows about derivatives: the rules do.
It holds only what the rules call (tests/autograd_core/test_backends.py checks it), and it is
the only module of the engine that imports numpy.

Every function has the same name and the same meaning as in :mod:`autograd_core.scalar_math`,
element by element, including the special values: ``div(1, 0) = inf``, ``log(0) = -inf``,
``log(-1) = nan``, ``sqrt(-1) = nan``, ``power(-8, 1/3) = nan``, ``relu'(0) = 0``, stable
``sigmoid``, ``softplus`` (x itself above 20, as PyTorch) and ``logsumexp``. Conditions
(``gt``, ``inside``...) return boolean arrays for :func:`where`.

Warnings. numpy computes those IEEE results already, but also *warns* ("divide by zero
encountered in log") and raises if a user has called ``np.seterr(all="raise")``. Entering
``np.errstate`` costs about a microsecond, too much to pay on every call, so the functions do not
enter it themselves: the compiled program enters ``np.errstate(all="ignore")`` once per call,
and every operation inside gives its IEEE result silently.

N-ary functions (``fsum``, ``dot``, ``logsumexp``, ``softmax``, ``log_softmax``) take their n
operands stacked along axis 0: an array of shape ``(n, ...)``, or any sequence of arrays
(broadcast, then stacked). The rest of the shape is free, so one call reduces many nodes of many
examples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

INF = np.inf
NAN = np.nan

Array = Any  # an ndarray, or a float that broadcasts like one


def _stacked(xs: Any) -> np.ndarray:
    """The n operands of an n-ary op as one array with the operand index on axis 0."""
    if isinstance(xs, np.ndarray):
        return xs
    if hasattr(xs, "__array__"):
        return np.asarray(xs, dtype=float)
    parts = [np.asarray(x, dtype=float) for x in xs]
    if not parts:
        return np.zeros((0,))
    return np.stack(np.broadcast_arrays(*parts))


# --- elementwise functions: numpy's ufuncs give the float backend's IEEE results ----------------
div = np.true_divide  # 1/0 = inf, -1/0 = -inf, 0/0 = nan, 1/-0.0 = -inf
exp = np.exp  # overflows to inf
expm1 = np.expm1  # e^x - 1, accurate near 0
log = np.log  # log(0) = -inf, log(x < 0) = nan
log1p = np.log1p  # log1p(-1) = -inf, log1p(x < -1) = nan
sqrt = np.sqrt  # sqrt(-1) = nan: numpy never returns complex for a float array
tanh = np.tanh
# IEEE pow: a negative base to a non-integer power is nan, 0 ** -1 = inf, (-0.0) ** -1 = -inf
power = np.power


def sigmoid(x: Array) -> Array:
    """1 / (1 + e^-x) without overflow, with the scalar backend's two branches.

    With e = e^-|x|: for x >= 0 the result is 1 / (1 + e) and for x < 0 it is e / (1 + e).
    e never overflows, and for x < -745 it underflows to 0, so sigmoid(-800) = 0 exactly.
    """
    e = np.exp(-np.abs(x))
    return np.where(np.greater_equal(x, 0.0), 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x: Array) -> Array:
    """log(1 + e^x) as PyTorch (beta=1, threshold=20): x itself where x > 20, otherwise the
    stable max(x, 0) + log1p(e^-|x|); nan stays nan."""
    stable = np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return np.where(np.greater(x, 20.0), x, stable)


def relu(x: Array) -> Array:
    """max(x, 0), propagating nan; relu(-0.0) is +0.0 as in the scalar backend."""
    return np.maximum(x, 0.0) + 0.0


def sign(x: Array) -> Array:
    """sign(x) in {-1, 0, 1}; 0 at 0 and at nan (torch.sign)."""
    return np.where(np.isnan(x), 0.0, np.sign(x))


# conditions: boolean arrays for where()
gt = np.greater
ge = np.greater_equal
lt = np.less
eq = np.equal
both = np.logical_and


def is_zero(x: Array) -> Array:
    """The condition x == 0 (true for -0.0 too)."""
    return np.equal(x, 0.0)


def clamp(x: Array, lo: float | None, hi: float | None) -> Array:
    """min(max(x, lo), hi) (either bound may be None), as PyTorch: when lo > hi the result is
    hi everywhere; a nan bound or a nan x gives nan."""
    r = np.asarray(x, dtype=float)
    if lo is not None:
        r = np.maximum(r, lo)
    if hi is not None:
        r = np.minimum(r, hi)
    return r


def inside(x: Array, lo: float | None, hi: float | None) -> Array:
    """The condition lo <= x <= hi (a None bound is open): where clamp passes gradient."""
    if hi is None:
        return np.ones(np.shape(x), dtype=bool) if lo is None else np.greater_equal(x, lo)
    if lo is None:
        return np.less_equal(x, hi)
    return np.logical_and(np.greater_equal(x, lo), np.less_equal(x, hi))


where = np.where  # a where cond holds, else b, element by element


# --- n-ary reductions over axis 0 ---------------------------------------------------------------
def fsum(xs: Any) -> Array:
    """sum_i x_i over axis 0."""
    return np.sum(_stacked(xs), axis=0)


def dot(ws: Any, xs: Any) -> Array:
    """sum_i w_i x_i over axis 0.

    The shape that makes an MLP layer fast: if ``ws`` has shape (n, g, 1) (n weights for each of
    g neurons, the same for every example) and ``xs`` has shape (n, 1, N) (n inputs for each of
    N examples, the same for every neuron), the sum is the matrix product ``W^T X`` of shape
    (g, N), one BLAS call. Other shapes broadcast and reduce.
    """
    w = _stacked(ws)
    x = _stacked(xs)
    if w.ndim == 3 and x.ndim == 3:
        if w.shape[2] == 1 and x.shape[1] == 1:
            return np.matmul(w[:, :, 0].T, x[:, 0, :])
        if w.shape[1] == 1 and x.shape[2] == 1:
            return np.matmul(x[:, :, 0].T, w[:, 0, :])
    return np.sum(w * x, axis=0)


def logsumexp(xs: Any) -> Array:
    """log(sum_i e^x_i) over axis 0, stably: m + log(sum_i e^(x_i - m)) with m = max_i x_i.

    Where m is inf, -inf or nan the result is m itself (all -inf gives -inf; any nan gives nan),
    as in the scalar backend."""
    x = _stacked(xs)
    if x.shape[0] == 0:
        return -INF
    m = np.max(x, axis=0)
    finite = np.isfinite(m)
    shift = np.where(finite, m, 0.0)
    r = shift + np.log(np.sum(np.exp(x - shift), axis=0))
    return np.where(finite, r, m)


def softmax(xs: Any) -> Array:
    """softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m) with m = max_i x_i, for every i at once:
    the result is stacked on axis 0 like the input (``softmax(xs)[k]`` is output k). Where m is
    not finite every output is nan, as in the scalar backend."""
    x = _stacked(xs)
    m = np.max(x, axis=0)
    finite = np.isfinite(m)
    es = np.exp(x - np.where(finite, m, 0.0))
    return np.where(finite, es / np.sum(es, axis=0), NAN)


def log_softmax(xs: Any) -> Array:
    """log_softmax(x)_i = (x_i - m) - log(sum_j e^(x_j - m)), stacked on axis 0 like the
    input; nan everywhere a column's max is not finite, as in the scalar backend."""
    x = _stacked(xs)
    m = np.max(x, axis=0)
    finite = np.isfinite(m)
    shifted = x - np.where(finite, m, 0.0)
    r = shifted - np.log(np.sum(np.exp(shifted), axis=0))
    return np.where(finite, r, NAN)


# --- PyTorch's scalar op set: numpy's ufuncs give the IEEE results of the float backend ---------
sin = np.sin
cos = np.cos
tan = np.tan
asin = np.arcsin
acos = np.arccos
atan = np.arctan
sinh = np.sinh
cosh = np.cosh
asinh = np.arcsinh
acosh = np.arccosh
atanh = np.arctanh
log2 = np.log2
log10 = np.log10
exp2 = np.exp2
sinc = np.sinc  # the normalised sinc, sin(pi x)/(pi x), 1 at 0
floor = np.floor
ceil = np.ceil
trunc = np.trunc
round_half_even = np.rint  # ties to even
atan2 = np.arctan2
hypot = np.hypot
maximum2 = np.maximum  # nan if either is nan
minimum2 = np.minimum


def remainder(a: Array, b: Array) -> Array:
    """a - b floor(a/b), the sign of the divisor (Python's %); nan where b = 0."""
    return np.remainder(a, b)


def floor_divide(a: Array, b: Array) -> Array:
    """floor(a / b) as Python's //; a / b where b = 0."""
    return np.where(np.equal(b, 0.0), np.true_divide(a, b), np.floor_divide(a, b))

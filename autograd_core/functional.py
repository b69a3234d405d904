"""N-ary helpers that build ONE node each, and the softmax family built on them.

``sum`` and ``dot`` make a single node however many inputs they take (micrograd's ``sum()``
of a list makes n - 1 add nodes), so a neuron's weighted sum is one node with 2n edges.
``logsumexp`` is one stable node. ``softmax`` and ``log_softmax`` return one node per output,
each with all of x as inputs, computed in the max-shifted form PyTorch uses:

    softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m)       log_softmax(x)_i = x_i - logsumexp(x)
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any

from autograd_core.rules import DOT, LOG_SOFTMAX, LOGSUMEXP, SOFTMAX, SUM
from autograd_core.value import Value, apply_nary


def sum(values: Iterable[Any], start: Any = None) -> Value:
    """sum_i x_i as one node (Values and plain numbers; numbers are constant inputs).

    ``start`` is added as one more input, for drop-in use where ``builtins.sum(xs, start)`` was.
    """
    xs = list(values)
    if start is not None:
        xs.append(start)
    if not xs:
        return Value(0.0)  # the empty sum is 0, as builtins.sum([]) and torch.tensor([]).sum()
    return apply_nary(SUM, xs)


def dot(ws: Sequence[Any], xs: Sequence[Any], bias: Any = None) -> Value:
    """sum_i w_i x_i (+ bias) as one node: a neuron's pre-activation.

    The node's inputs are w_1..w_n, x_1..x_n; d/dw_i = x_i and d/dx_i = w_i. With a bias the
    result is ``sum([dot(ws, xs), bias])``: two nodes, the second a plain add."""
    ws = list(ws)
    xs = list(xs)
    if len(ws) != len(xs):
        raise ValueError(f"dot() needs sequences of equal length, got {len(ws)} and {len(xs)}")
    out = apply_nary(DOT, ws + xs)
    if bias is not None:
        return out + bias  # type: ignore[no-any-return]
    return out


def logsumexp(values: Iterable[Any]) -> Value:
    """log(sum_i e^{x_i}), computed stably (max-shifted) as one node."""
    return apply_nary(LOGSUMEXP, list(values))


def log_softmax(values: Iterable[Any]) -> list[Value]:
    """log softmax(x)_i = x_i - logsumexp(x), one node per output, stable for large logits;
    d/dx_j = delta_ij - softmax(x)_j."""
    xs = list(values)
    return [apply_nary(LOG_SOFTMAX, xs, k) for k in range(len(xs))]


def softmax(values: Iterable[Any]) -> list[Value]:
    """softmax(x)_i = e^(x_i) / sum_j e^(x_j), one node per output, never overflowing;
    d/dx_j = s_i (delta_ij - s_j)."""
    xs = list(values)
    return [apply_nary(SOFTMAX, xs, k) for k in range(len(xs))]


def mean(values: Iterable[Any]) -> Value:
    """The average of the inputs: sum(x) / n; nan for no inputs (0/0, as torch's mean)."""
    xs = list(values)
    if not xs:
        return Value(float("nan"))
    return sum(xs) * (1.0 / len(xs))


_ = builtins  # the module shadows builtins.sum on purpose; builtins stays reachable


def _binary_function(method: str, doc: str) -> Any:
    def fn(a: Any, b: Any) -> Value:
        if not isinstance(a, Value):
            a = Value(a)  # a plain number: a constant leaf (Value() names a wrong type)
        return getattr(a, method)(b)  # type: ignore[no-any-return]
    fn.__name__ = method
    fn.__doc__ = doc
    return fn


maximum = _binary_function("maximum", "torch.maximum(a, b): the larger; half the gradient each "
                           "at a tie.")
minimum = _binary_function("minimum", "torch.minimum(a, b): the smaller; half the gradient "
                           "each at a tie.")
atan2 = _binary_function("atan2", "torch.atan2(y, x): the angle of the point (x, y).")
hypot = _binary_function("hypot", "torch.hypot(a, b) = sqrt(a^2 + b^2).")
remainder = _binary_function("remainder", "torch.remainder(a, b) = a - b floor(a/b).")

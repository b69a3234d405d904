"""N-ary helpers that build ONE node each, and the softmax family built on them.

``sum`` and ``dot`` make a single node however many inputs they take (micrograd's ``sum()``
of a list makes n - 1 add nodes), so a neuron's weighted sum is one node with 2n + 1 edges.
``logsumexp`` is one stable node; ``log_softmax`` and ``softmax`` are built from it:

    log_softmax(x)_i = x_i - logsumexp(x)        softmax(x)_i = exp(log_softmax(x)_i)
"""

from __future__ import annotations

import builtins
from typing import Any, Iterable, Sequence

from autograd_core.rules import DOT, LOGSUMEXP, SUM
from autograd_core.value import Value, apply_nary


def sum(values: Iterable[Any], start: Any = None) -> Value:
    """sum_i x_i as one node (Values and plain numbers; numbers are constant inputs).

    ``start`` is added as one more input, for drop-in use where ``builtins.sum(xs, start)`` was.
    """
    xs = list(values)
    if start is not None:
        xs.append(start)
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
    """log softmax(x)_i = x_i - logsumexp(x), stable for large logits."""
    xs = list(values)
    lse = logsumexp(xs)
    return [x - lse for x in xs]


def softmax(values: Iterable[Any]) -> list[Value]:
    """softmax(x)_i = e^{x_i} / sum_j e^{x_j}, computed as exp(log_softmax(x)_i): no overflow."""
    return [v.exp() for v in log_softmax(values)]


def mean(values: Iterable[Any]) -> Value:
    """The average of the inputs: sum(x) / n."""
    xs = list(values)
    if not xs:
        raise ValueError("mean() needs at least one input, got an empty sequence")
    return sum(xs) * (1.0 / len(xs))


_ = builtins  # the module shadows builtins.sum on purpose; builtins stays reachable

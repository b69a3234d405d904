"""The chain rule, walked: the edge protocol, the topological order and the reference backward.

**The edge protocol** is the one rule for how a node sends gradient to its inputs. When the
backward pass reaches a node, its gradient ``upstream = d(root)/d(node)`` is complete, and the
node sends each input one contribution, in argument order::

    op node (add, tanh, dot, ...):   contribution_i = local_i * upstream
                                     (local_i = d(node)/d(input_i), stored when the node was made)
    gate node (a Function):          contributions  = gate.backward(upstream)
                                     (the gate computes upstream x local itself)

An input that is a constant (the 2 of ``x * 2``, stored as a float) takes no part: only Value
inputs receive. An input used twice (``x + x``) receives twice. An input's gradient is the sum
of what all of its consumers send. :func:`contributions` is that rule, in code.

**The order**: a node may send only once its own gradient is complete, that is after every node
that consumes it has sent. :func:`reverse_topological` gives such an order (root first).

**The walkers.** :func:`gradients` walks the graph in that order and sums the contributions;
:func:`reference_backward` is ``backward()`` written for reading, on top of it. ``backward()``
itself runs a fast loop (:mod:`autograd_core.backward`, and its C twin in ``_speedups.c``) that
inlines the op-node case of the protocol and keeps its sums on the nodes instead of in a dict;
a graph that holds a gate goes to :func:`gradients`, because a gate runs the user's code, which
may itself call ``backward()``. The tests check all of them against :func:`reference_backward`,
bit for bit, on random graphs. Higher-order gradients (``create_graph``) and ``detect_anomaly``
walk with :func:`gradients` too, with a recording or a checking variant of the protocol.

This module reads the nodes (see the storage layout in :mod:`autograd_core.value`) and imports
nothing of the engine, so every other module can build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

GATE = "function"  #: the op name of a Function gate's node
NO_GRAD = "no_grad"  #: the op name of a leaf that an op made under no_grad(): no history kept


def is_gate(node: Any) -> bool:
    """True for the node of a :class:`~autograd_core.function.Function` gate."""
    return node._op == GATE  # type: ignore[no-any-return]


def contributions(node: Any, upstream: Any) -> tuple[Any, ...]:
    """The edge protocol: what ``node`` sends each of its inputs when its gradient is
    ``upstream``, one entry per input of ``node.inputs`` (a constant's entry is not sent)."""
    if is_gate(node):
        return node.arg._contributions(upstream, len(node.inputs))  # type: ignore[no-any-return]
    return tuple(local * upstream for local in node.local_grads)


Protocol = Callable[[Any, Any], "tuple[Any, ...]"]


def gradients(root: Any, seed: Any = 1.0, send: Protocol = contributions) -> dict[Any, Any]:
    """``{node: seed * d(root)/d(node)}`` for every node of root's graph: the chain rule, walked.
    ``send`` is the edge protocol (a recording variant gives gradients as Values)."""
    grads = {root: seed}
    for node in reverse_topological(root):  # root first, each node after all of its consumers
        upstream = grads[node]  # complete: every consumer has sent its share
        for inp, contribution in zip(node.inputs, send(node, upstream)):
            if isinstance(inp, float):
                continue  # a constant input (the 2 of x * 2) gets no gradient
            grads[inp] = grads[inp] + contribution if inp in grads else contribution
    return grads


def reference_backward(root: Any, gradient: float = 1.0) -> None:
    """What ``root.backward(gradient)`` does, written to be read; the same bits in every
    ``.grad``. Intermediate nodes get this pass's gradient; leaves (inputs, parameters) add it
    to what they hold, so a second call adds the same amount again, as in PyTorch."""
    for node, g in gradients(root, gradient).items():
        node.grad = accumulate(node.grad, g) if node.is_leaf else g


def accumulate(old: Any, g: Any) -> Any:
    """A leaf's new gradient: ``old + g``, or ``g`` where it held a float zero (so that a
    gradient of -0.0 stays -0.0, as PyTorch's first accumulation does)."""
    if old.__class__ is float and old == 0.0:
        return g
    return old + g


def reverse_topological(roots: Any) -> list[Any]:
    """Every node of the graph below ``roots`` (a Value, or several), each after all of its
    consumers: the order in which backward sends. Kahn's algorithm run from the roots, with an
    explicit stack (a million-op chain needs no recursion); deterministic."""
    starts = [roots] if hasattr(roots, "parents") else list({id(r): r for r in roots}.values())
    consumers: dict[int, int] = {id(r): 0 for r in starts}  # id(node) -> edges into it
    stack = list(starts)
    while stack:
        for p in stack.pop().parents:
            n = consumers.get(id(p))
            consumers[id(p)] = 1 if n is None else n + 1
            if n is None:  # first sight
                stack.append(p)
    order = []
    stack = [r for r in reversed(starts) if consumers[id(r)] == 0]  # what nothing consumes
    while stack:
        node = stack.pop()
        order.append(node)
        for p in node.parents:
            n = consumers[id(p)] - 1
            consumers[id(p)] = n
            if n == 0:  # its last consumer has sent: its gradient is complete
                stack.append(p)
    return order


def topological_order(roots: Any) -> list[Any]:
    """Every node of the graph below ``roots`` (a Value, or several), inputs first and the roots
    last: the order of the forward pass."""
    order = reverse_topological(roots)
    order.reverse()
    return order


def walk(roots: Iterable[Any]) -> Iterable[Any]:
    """Every node reachable from ``roots``, once each, in no particular order."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            yield node
            stack.extend(node.parents)

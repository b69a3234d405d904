"""Reverse-mode propagation: the chain rule applied node by node.

For every node in reverse topological order and every edge to a parent::

    parent.grad += local * node.grad        # upstream gradient x local gradient

The order comes from Kahn's algorithm run backwards from the root: first count, for each node,
how many edges of the graph leave it (its consumers); then start at the root and release a node
once all of its consumers have sent it their contribution. Both passes use an explicit stack, so
a chain of a million ops needs no recursion, and the counter lives on the node (``_pending``), so
the fast path allocates no visited set and no order list.

Semantics (PyTorch's): leaves accumulate across calls, so a second ``backward()`` adds exactly
the same gradient again; intermediate nodes are overwritten with this call's d(root)/d(node).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from autograd_core import value as _value
from autograd_core.function import gate_grads, gate_grads_as_values
from autograd_core.rules import RULES
from autograd_core.value import AnomalyError, Value, _to_float

# One backward pass at a time in the process: passes keep per-node counters and accumulate into
# .grad, so two threads running backward() over graphs that share nodes (parameters) would lose
# gradients. Taking an uncontended lock costs well under a microsecond per call.
_backward_lock = threading.RLock()


def backward(root: Value, gradient: Any = 1.0, create_graph: bool = False) -> None:
    """Fill ``.grad`` on every node of ``root``'s graph with gradient * d(root)/d(node).

    Thread-safe: concurrent calls (for example two threads training models that share
    parameters) run one after the other, so no contribution is lost."""
    if not isinstance(root, Value):
        raise TypeError(f"backward() expects a Value, got {type(root).__name__}")
    seed = _to_float(gradient, "backward() gradient")
    if root._a is None and root._arg is _value.NO_GRAD:
        raise RuntimeError(
            "backward() on a Value computed under no_grad(): there is no graph to "
            "differentiate. Compute it outside no_grad() (or inside enable_grad()) to record "
            "the ops.")
    with _backward_lock:
        if create_graph or _value._anomaly:
            _backward_general(root, seed, create_graph)
            return
        if root._a is None:
            root.grad += seed
            return
        _backward_recorded(root, seed)


def _backward_recorded(root: Value, seed: float) -> None:
    stash: list[tuple[Value, Any]] = []
    try:
        (_value._compiled_backward or _backward_fast)(root, seed, stash)
    except BaseException:
        _undo(root, stash)
        raise
    for leaf, old in stash:
        leaf.grad = old + leaf.grad


def _backward_fast(root: Value, seed: float, stash: list[tuple[Value, Any]]) -> None:
    """The hot loop. Written out for the node layout of :mod:`autograd_core.value`: inputs in
    ``_a``/``_b`` (or a tuple in ``_a`` for n-ary ops), local gradients in ``_da``/``_db``;
    inputs that are not Values are constants and get nothing.

    Each call sums its gradients afresh (a per-call buffer): a node's first contribution is
    assigned, not added, so nothing needs zeroing first; a leaf that already held a gradient
    has it kept in ``stash`` and added back once at the end, so a second call adds exactly the
    same amount again, bit for bit, as PyTorch does."""
    # Pass 1: count each node's consumers (edges into it), as a negative number in _pending.
    root.grad = seed
    stack = [root]
    pop = stack.pop
    push = stack.append
    keep = stash.append
    while stack:
        node = pop()
        a = node._a
        if type(a) is Value:
            c = a._pending
            if c == 0:
                if a._a is not None:
                    push(a)
                elif a.grad:
                    keep((a, a.grad))
            a._pending = c - 1
        elif type(a) is tuple:
            for p in a:
                if type(p) is Value:
                    c = p._pending
                    if c == 0:
                        if p._a is not None:
                            push(p)
                        elif p.grad:
                            keep((p, p.grad))
                    p._pending = c - 1
        b = node._b
        if type(b) is Value:
            c = b._pending
            if c == 0:
                if b._a is not None:
                    push(b)
                elif b.grad:
                    keep((b, b.grad))
            b._pending = c - 1
    # Pass 2: upstream x local into each input. A negative counter means "no contribution yet":
    # the first one is assigned (no zeroing pass needed), later ones are added; an input is
    # released once all of its consumers have sent their share.
    push(root)
    while stack:
        node = pop()
        g = node.grad
        a = node._a
        if type(a) is Value:
            c = a._pending
            if c < 0:
                a.grad = node._da * g
                c = -c - 1
            else:
                a.grad += node._da * g
                c -= 1
            a._pending = c
            if c == 0 and a._a is not None:
                push(a)
        elif type(a) is tuple:
            da = node._da
            if da is None:  # a Function gate: it computes upstream x local itself
                da = gate_grads(node, g)
                g = 1.0
            for p, local in zip(a, da):
                if type(p) is Value:
                    c = p._pending
                    if c < 0:
                        p.grad = local * g
                        c = -c - 1
                    else:
                        p.grad += local * g
                        c -= 1
                    p._pending = c
                    if c == 0 and p._a is not None:
                        push(p)
        b = node._b
        if type(b) is Value:
            c = b._pending
            if c < 0:
                b.grad = node._db * g
                c = -c - 1
            else:
                b.grad += node._db * g
                c -= 1
            b._pending = c
            if c == 0 and b._a is not None:
                push(b)


def _undo(root: Value, stash: list[tuple[Value, Any]]) -> None:
    """After an interrupted backward: clear the counters so the graph can be used again, and
    give every leaf back the gradient it had (the stashed ones theirs, the others zero)."""
    for node in reverse_topological(root):
        node._pending = 0
        if node._a is None:
            node.grad = 0.0
    for leaf, old in stash:
        leaf.grad = old


def reverse_topological(root: Value) -> list[Value]:
    """Every node of root's graph, root first, each node after all of its consumers.

    Deterministic: the same graph always gives the same order."""
    consumers: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for p in node.parents:
            key = id(p)
            n = consumers.get(key)
            if n is None:
                consumers[key] = 1
                stack.append(p)
            else:
                consumers[key] = n + 1
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        for p in node.parents:
            key = id(p)
            n = consumers[key] - 1
            consumers[key] = n
            if n == 0:
                stack.append(p)
    return order


def topological_order(root: Value) -> list[Value]:
    """Every node of root's graph, inputs first and root last (the order of the forward pass)."""
    order = reverse_topological(root)
    order.reverse()
    return order


def _locals_as_values(node: Value) -> tuple[Any, ...]:
    """The node's local derivatives recomputed as Values from the op table, so that the
    backward pass itself is recorded (higher-order gradients)."""
    from autograd_core import value_math

    rule = RULES.get(node.op)
    if rule is None:
        name = type(node._arg).__name__ if node._arg is not None else node.op
        raise RuntimeError(
            f"cannot differentiate twice through {name!r}: its gradients were computed as "
            "plain numbers. Build it from the engine's ops (Value arithmetic) to get "
            "higher-order gradients.")
    ins = node.inputs
    if rule.arity == 1:
        return tuple(rule.local(value_math, ins[0], node, node._arg))
    if rule.arity == 2:
        return tuple(rule.local(value_math, ins[0], ins[1], node, node._arg))
    return tuple(rule.local(value_math, ins, node, node._arg))


def _propagate(root: Value, seed: Any, as_values: bool) -> tuple[list[Value], dict[int, Any]]:
    """Gradients of root w.r.t. every node, in a dict keyed by id(node); nodes untouched."""
    order = reverse_topological(root)
    grads: dict[int, Any] = {id(root): seed}
    check = _value._anomaly
    for node in order:
        if node._a is None:
            continue
        g = grads[id(node)]
        gate = node._da is None and node._a.__class__ is tuple
        if gate:  # a Function: it sends upstream x local itself
            local_grads = (gate_grads_as_values(node, g) if as_values
                           else gate_grads(node, g))
        else:
            local_grads = _locals_as_values(node) if as_values else node.local_grads
        for i, (p, local) in enumerate(zip(node.inputs, local_grads)):
            if p.__class__ is not Value:
                continue  # a constant input: no gradient
            if gate or (local.__class__ is float and local == 1.0):
                contrib = local if gate else g
            else:
                contrib = g * local
            if check and not math.isfinite(float(contrib)):
                raise AnomalyError(
                    f"detect_anomaly: backward through op {node.op!r} gave gradient "
                    f"{float(contrib)!r} to its input {i} (local gradient {float(local)!r} x "
                    f"upstream {float(g)!r}); this is the first non-finite gradient.")
            key = id(p)
            old = grads.get(key)
            grads[key] = contrib if old is None else old + contrib
    return order, grads


def _backward_general(root: Value, seed: float, create_graph: bool) -> None:
    from autograd_core.modes import enable_grad

    if create_graph:
        with enable_grad():
            order, grads = _propagate(root, Value(seed), as_values=True)
    else:
        order, grads = _propagate(root, seed, as_values=False)
    for node in order:
        g = grads[id(node)]
        if node._a is not None:
            node.grad = g
        elif isinstance(node.grad, float) and node.grad == 0.0:
            node.grad = g
        else:
            node.grad = node.grad + g


def grad(output: Value, inputs: Sequence[Value] | Value, create_graph: bool = False,
         allow_unused: bool = False) -> list[Any]:
    """d(output)/d(input) for each input, without touching any ``.grad`` (torch.autograd.grad).

    With ``create_graph=True`` the gradients are Values recorded in a graph of their own, so
    they can be differentiated again: ``grad(grad(f, [x], create_graph=True)[0], [x])`` is f''.
    An input the output does not depend on raises, unless ``allow_unused=True`` (then 0.0).
    """
    from autograd_core.modes import enable_grad

    if not isinstance(output, Value):
        raise TypeError(f"grad() expects a Value output, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    ins: list[Value] = [inputs] if single else list(inputs)  # type: ignore[list-item,arg-type]
    for i, x in enumerate(ins):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values; input {i} is {type(x).__name__}")
    if create_graph:
        with enable_grad():
            _, grads = _propagate(output, Value(1.0), as_values=True)
    else:
        _, grads = _propagate(output, 1.0, as_values=False)
    result = []
    for i, x in enumerate(ins):
        g = grads.get(id(x))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"input {i} ({x!r}) was not used to compute the output; pass "
                    "allow_unused=True to get 0.0 for it")
            g = 0.0
        result.append(g)
    return result


def zero_grad(roots: Iterable[Value]) -> None:
    """Set ``.grad = 0.0`` on every node reachable from the given roots."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.grad = 0.0
        stack.extend(node.parents)

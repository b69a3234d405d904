"""backward() and grad(): the chain rule over a whole graph, following the edge protocol.

The protocol, the order and the reference walker are in :mod:`autograd_core.walker`: for every
node in reverse topological order and every edge to an input::

    input.grad += local * node.grad        # upstream gradient x local gradient

``backward()`` picks one of three ways to walk, all giving the same bits:

* the fast loop, :func:`_backward_fast` (and its C twin ``_speedups.backward_fast``), for the
  everyday graph of ops: no dict, no order list; the sums and counters live on the nodes;
* the reference walker, :func:`autograd_core.walker.gradients`, for a graph that holds a
  Function gate (a gate runs the user's code, which may call ``backward()`` itself or wait for
  another thread's; the reference keeps its sums in a dict, off the nodes, so nothing it holds
  can be disturbed) and, with a checking protocol, under ``detect_anomaly()``;
* the reference walker with a recording protocol for ``create_graph=True``: the local gradients
  are evaluated on Values from the op table, so the backward pass is itself a graph.

Semantics (PyTorch's): leaves accumulate across calls, so a second ``backward()`` adds exactly
the same gradient again; intermediate nodes are overwritten with this call's d(root)/d(node),
except those that asked to :meth:`~autograd_core.value.Value.retain_grad` (they accumulate).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

from autograd_core import value as _value
from autograd_core import value_math as VM
from autograd_core.function import gate_grads_as_values
from autograd_core.modes import enable_grad
from autograd_core.rules import RULES
from autograd_core.value import AnomalyError, Value, _to_float
from autograd_core.walker import (
    GATE,
    NO_GRAD,
    accumulate,
    contributions,
    gradients,
    is_gate,
    reverse_topological,
    topological_order,
    walk,
)

__all__ = ["backward", "grad", "reverse_topological", "topological_order", "zero_grad"]

# The fast loop keeps counters and sums on the nodes, so two passes over graphs that share nodes
# (parameters) must not overlap: they take this lock. It is held only while engine code runs
# (the fast loop never calls user code; the reference walker takes it only to store its sums),
# so a gate that waits for another thread's backward() cannot deadlock on it.
_lock = threading.RLock()


def backward(root: Value, gradient: Any = 1.0, create_graph: bool = False) -> None:
    """Fill ``.grad`` on every node of ``root``'s graph with gradient * d(root)/d(node).

    Thread-safe: passes over graphs that share parameters never lose a contribution."""
    if not isinstance(root, Value):
        raise TypeError(f"backward() expects a Value, got {type(root).__name__}")
    seed = _to_float(gradient, "backward() gradient")
    if root._a is None and root._op == NO_GRAD:
        raise RuntimeError(
            "backward() on a Value computed under no_grad(): there is no graph to "
            "differentiate. Compute it outside no_grad() (or inside enable_grad()) to record "
            "the ops.")
    if create_graph:
        with enable_grad():
            _store(gradients(root, Value(seed), _recorded))
    elif _value._anomaly:
        _store(gradients(root, seed, _checked))
    elif root._a is None or not _run_fast(root, seed):
        _store(gradients(root, seed))


def _store(grads: dict[Any, Any]) -> None:
    """Write a walk's sums into ``.grad``: leaves and retained nodes accumulate, the others are
    overwritten (as :func:`autograd_core.walker.reference_backward` does)."""
    retained = _value._retained
    with _lock:
        for node, g in grads.items():
            keep = node._a is None or (retained and node in retained)
            node.grad = accumulate(node.grad, g) if keep else g


def _run_fast(root: Value, seed: float) -> bool:
    """The fast loop over root's graph; False (and nothing changed) if the graph holds a gate."""
    stash: list[tuple[Value, Any]] = []
    with _lock:
        retained = [(n, n.grad) for n in _value._retained] if _value._retained else ()
        try:
            done = (_value._compiled_backward or _backward_fast)(root, seed, stash)
        except BaseException:
            _undo(root, stash)
            raise
        if not done:
            _undo(root, stash, sent=False)
            for node, old in retained:
                node.grad = old
            return False
        for leaf, old in stash:
            leaf.grad = old + leaf.grad
        for node, old in retained:
            if node is root or node.grad is not old:  # this pass reached it (a new float)
                node.grad = accumulate(old, node.grad)
    return True


def _backward_fast(root: Value, seed: float, stash: list[tuple[Value, Any]]) -> bool:
    """The hot loop: the edge protocol's op case, inlined for the node layout of
    :mod:`autograd_core.value` (inputs in ``_a``/``_b`` or a tuple in ``_a``, local gradients in
    ``_da``/``_db``; inputs that are not Values are constants and get nothing).

    Pass 1 counts each node's consumers into ``_pending`` and sets each gradient to -0.0, the
    one float that adds without a trace (-0.0 + x is x, bit for bit, even for x = -0.0); a leaf
    that held a gradient has it kept in ``stash``, to add back at the end, so a second call adds
    exactly the same amount again. Pass 2 sends upstream x local into each input and releases
    an input once all of its consumers have sent, so ``_pending`` is 0 again everywhere after.
    Returns False, having sent nothing, if it meets a Function gate."""
    root.grad = seed
    stack = [root]
    pop = stack.pop
    push = stack.append
    keep = stash.append
    while stack:  # pass 1: count
        node = pop()
        a = node._a
        if type(a) is Value:
            c = a._pending
            if c == 0:
                if a._a is not None:
                    push(a)
                elif a.grad.__class__ is not float or a.grad:
                    keep((a, a.grad))
                a.grad = -0.0
            a._pending = c + 1
        elif type(a) is tuple:
            if node._op == GATE:
                return False
            for p in a:
                if type(p) is Value:
                    c = p._pending
                    if c == 0:
                        if p._a is not None:
                            push(p)
                        elif p.grad.__class__ is not float or p.grad:
                            keep((p, p.grad))
                        p.grad = -0.0
                    p._pending = c + 1
        b = node._b
        if type(b) is Value:
            c = b._pending
            if c == 0:
                if b._a is not None:
                    push(b)
                elif b.grad.__class__ is not float or b.grad:
                    keep((b, b.grad))
                b.grad = -0.0
            b._pending = c + 1
    push(root)
    while stack:  # pass 2: send
        node = pop()
        g = node.grad
        a = node._a
        if type(a) is Value:
            a.grad += node._da * g
            c = a._pending - 1
            a._pending = c
            if c == 0 and a._a is not None:
                push(a)
        elif type(a) is tuple:
            for p, local in zip(a, node._da):
                if type(p) is Value:
                    p.grad += local * g
                    c = p._pending - 1
                    p._pending = c
                    if c == 0 and p._a is not None:
                        push(p)
        b = node._b
        if type(b) is Value:
            b.grad += node._db * g
            c = b._pending - 1
            b._pending = c
            if c == 0 and b._a is not None:
                push(b)
    return True


def _undo(root: Value, stash: list[tuple[Value, Any]], sent: bool = True) -> None:
    """After an interrupted (``sent``) or abandoned fast pass: clear the counters so the graph
    can be used again, and give every leaf the pass touched back the gradient it had (the
    stashed ones theirs, the others zero). An abandoned pass stopped while counting: the leaves
    it touched are those it counted."""
    for node in walk([root]):
        if node._a is None and (sent or node._pending):
            node.grad = 0.0
        node._pending = 0
    for leaf, old in stash:
        leaf.grad = old


def _checked(node: Value, upstream: Any) -> tuple[Any, ...]:
    """The edge protocol under ``detect_anomaly()``: the first non-finite gradient sent to a
    Value raises, naming the op."""
    sent = contributions(node, upstream)
    for i, (inp, contribution) in enumerate(zip(node.inputs, sent)):
        if inp.__class__ is Value and not math.isfinite(contribution):
            local = node.local_grads[i]
            raise AnomalyError(
                f"detect_anomaly: backward through op {node._op!r} gave gradient "
                f"{contribution!r} to its input {i} (local gradient {local!r} x upstream "
                f"{upstream!r}); this is the first non-finite gradient.")
    return sent


def _recorded(node: Value, upstream: Value) -> tuple[Any, ...]:
    """The edge protocol for ``create_graph``: the contributions as Values, recorded, so that
    they can be differentiated again (the local gradients are re-evaluated on Values from the
    op table; a gate replays its forward on the input Values)."""
    if node._a is None:
        return ()
    if is_gate(node):
        return gate_grads_as_values(node, upstream)
    return tuple(upstream if local.__class__ is float and local == 1.0 else upstream * local
                 for local in _locals_as_values(node))


def _locals_as_values(node: Value) -> tuple[Any, ...]:
    rule = RULES.get(node._op)
    if rule is None:
        name = type(node._arg).__name__ if node._arg is not None else node._op
        raise RuntimeError(
            f"cannot differentiate twice through {name!r}: its gradients were computed as "
            "plain numbers. Build it from the engine's ops (Value arithmetic) to get "
            "higher-order gradients.")
    ins = node.inputs
    if rule.arity == 1:
        return tuple(rule.local(VM, ins[0], node, node._arg))
    if rule.arity == 2:
        return tuple(rule.local(VM, ins[0], ins[1], node, node._arg))
    return tuple(rule.local(VM, ins, node, node._arg))


def grad(output: Value, inputs: Sequence[Value] | Value, create_graph: bool = False,
         allow_unused: bool | None = None, materialize_grads: bool = False) -> list[Any]:
    """d(output)/d(input) for each input, without touching any ``.grad`` (torch.autograd.grad).

    With ``create_graph=True`` the gradients are Values recorded in a graph of their own, so
    they can be differentiated again: ``grad(grad(f, [x], create_graph=True)[0], [x])`` is f''.
    An input the output does not depend on raises, unless ``allow_unused=True`` or
    ``materialize_grads=True`` (then its gradient is 0.0, as PyTorch's materialized zeros).
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() expects a Value output, got {type(output).__name__}")
    if materialize_grads and allow_unused is False:
        raise ValueError("grad(): materialize_grads=True gives unused inputs a zero gradient, "
                         "which allow_unused=False forbids; leave allow_unused unset")
    single = isinstance(inputs, Value)
    ins: list[Value] = [inputs] if single else list(inputs)  # type: ignore[list-item,arg-type]
    for i, x in enumerate(ins):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values; input {i} is {type(x).__name__}")
    if create_graph:
        with enable_grad():
            grads = gradients(output, Value(1.0), _recorded)
    else:
        grads = gradients(output, 1.0, _checked if _value._anomaly else contributions)
    result = []
    for i, x in enumerate(ins):
        g = grads.get(x)
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(
                    f"input {i} ({x!r}) was not used to compute the output; pass "
                    "allow_unused=True (or materialize_grads=True) to get 0.0 for it")
            g = 0.0
        result.append(g)
    return result


def zero_grad(roots: Sequence[Value]) -> None:
    """Set ``.grad = 0.0`` on every node reachable from the given roots."""
    for node in walk(roots):
        node.grad = 0.0


_value._install_backward(backward)

"""Forward mode: directional derivatives in one sweep in forward order, from the same op table.

Reverse mode (``backward``) sends one number per edge *backwards*: ``input.grad += local *
node.grad``, and one pass gives the derivative of one output with respect to every input.
Forward mode sends one number per edge *forwards*, a tangent: for a direction ``v`` in input
space, each node's tangent is

    tangent(node) = sum_i local_i * tangent(input_i)          (tangent(x_j) = v_j at the inputs)

so one sweep gives the derivative of every node along one direction. With n inputs and one
output, the full gradient needs n forward sweeps but one backward pass: the reason backprop is
reverse mode. With one input and many outputs it is the other way round.

Both read the local derivatives each node stored when it was made (the op table, evaluated
once), so no derivative is written twice. :func:`hvp` combines the two, forward over reverse:
differentiate the gradient graph (``create_graph=True``) along ``v``, which gives the Hessian
times ``v`` without ever forming the Hessian.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_core.backward import grad
from autograd_core.value import Value, _to_float
from autograd_core.walker import topological_order


def _leaves(primals: Sequence[Any], what: str) -> list[Value]:
    if isinstance(primals, (Value, int, float)):
        raise TypeError(f"{what}: primals must be a sequence of numbers (one per argument of "
                        f"f), got {type(primals).__name__}; wrap one number as [x]")
    return [Value(p.data if isinstance(p, Value) else _to_float(p, f"{what} primal"))
            for p in primals]


def _directions(tangents: Sequence[Any], n: int, what: str) -> list[float]:
    ts = [_to_float(t, f"{what} tangent") for t in tangents]
    if len(ts) != n:
        raise ValueError(f"{what}: {len(ts)} tangent(s) for {n} primal(s); give one direction "
                         "component per input")
    return ts


def tangent_sweep(outputs: Sequence[Value], seeds: dict[int, Any]) -> dict[int, Any]:
    """Tangents of every node below ``outputs``, in one sweep in forward (topological) order:
    tangent(node) = sum_i local_i * tangent(input_i), with ``seeds`` (id(leaf) -> tangent) at
    the leaves and 0 at every other leaf. Returns id(node) -> tangent."""
    tangents = dict(seeds)
    seen: set[int] = set()
    for out in outputs:
        for node in topological_order(out):
            key = id(node)
            if key in seen:
                continue
            seen.add(key)
            if node._a is None:
                tangents.setdefault(key, 0.0)
                continue
            t: Any = 0.0  # (a Function gate's local_grads are its backward(1.0))
            for p, local in zip(node.inputs, node.local_grads):
                if p.__class__ is Value:
                    tp = tangents[id(p)]
                    if tp.__class__ is not float or tp != 0.0:
                        t = t + local * tp
            tangents[key] = t
    return tangents


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]
        ) -> tuple[Any, Any]:
    """f's output at ``primals`` and its directional derivative along ``tangents``:
    J(primals) @ tangents, in one forward sweep (``torch.func.jvp``).

    ``f`` takes one Value per primal and returns a Value (or a list of Values). Returns plain
    numbers: ``(f(x), df(x)·v)``, or two lists for a list output.

    >>> jvp(lambda x, y: x * y + x.sin(), [1.0, 2.0], [1.0, 0.0])[1]   # d/dx = y + cos x
    2.5403023058681398
    """
    xs = _leaves(primals, "jvp()")
    vs = _directions(tangents, len(xs), "jvp()")
    out = f(*xs)
    outs, single = _as_list(out, "jvp()")
    ts = tangent_sweep(outs, {id(x): v for x, v in zip(xs, vs)})
    values = [o.data for o in outs]
    derivs = [float(ts.get(id(o), 0.0)) for o in outs]
    return (values[0], derivs[0]) if single else (values, derivs)


def hvp(f: Callable[..., Any], primals: Sequence[Any], v: Sequence[Any]
        ) -> tuple[float, list[float]]:
    """f's value at ``primals`` and the Hessian-vector product H(primals) @ v, forward over
    reverse: the gradient as a graph (``grad(..., create_graph=True)``), then one tangent sweep
    over it along v (``torch.autograd.functional.hvp``). f returns one Value."""
    xs = _leaves(primals, "hvp()")
    vs = _directions(v, len(xs), "hvp()")
    out = f(*xs)
    outs, single = _as_list(out, "hvp()")
    if not single:
        raise TypeError("hvp() needs f to return one Value (a scalar function)")
    gs = grad(outs[0], xs, create_graph=True, allow_unused=True)
    grads = [g for g in gs if isinstance(g, Value)]
    ts = tangent_sweep(grads, {id(x): t for x, t in zip(xs, vs)})
    hv = [float(ts.get(id(g), 0.0)) if isinstance(g, Value) else 0.0 for g in gs]
    return outs[0].data, hv


def _as_list(out: Any, what: str) -> tuple[list[Value], bool]:
    if isinstance(out, Value):
        return [out], True
    if isinstance(out, (list, tuple)) and all(isinstance(o, Value) for o in out):
        return list(out), False
    raise TypeError(f"{what}: f must return a Value or a list of Values, got "
                    f"{type(out).__name__}")

"""The lectures' modular gate API (seed 000, ``MultiplyGate``): write forward and backward by hand.

Subclass :class:`Function`, write ``forward(self, *xs)`` on plain floats (keep what backward
needs on ``self``) and ``backward(self, upstream)`` returning one gradient per input, upstream
gradient times local gradient. Then call an instance (or ``MyGate.apply``) on Values as if it
were a built-in op::

    class MultiplyGate(Function):
        def forward(self, x, y):
            self.x, self.y = x, y
            return x * y
        def backward(self, dz):
            return [self.y * dz, self.x * dz]   # [dz/dx * dL/dz, dz/dy * dL/dz]

    z = MultiplyGate.apply(a, b)

How it plugs into the engine: the gate's node keeps the gate itself (``node.arg``) instead of
local gradients, and the backward pass calls ``gate.backward(upstream)`` when it reaches the
node, with the real upstream gradient d(root)/d(out), exactly once per pass, as the deck's
gate API does (the edge protocol of :mod:`autograd_core.walker`). What it returns is added
into the inputs' ``.grad``. (``node.local_grads``, which viz draws on the edges, is
``backward(1.0)``: for a scalar output the chain rule makes backward linear in the upstream,
backward(u) = u * backward(1).) ``check_grads`` verifies a hand-written backward against
central differences.

Each application keeps its own state: the first call of an instance runs on the instance
itself, a later call on a fresh copy of it, so ``z1 = mul(a, b); mul(c, d)`` leaves z1 with a
and b to differentiate (PyTorch gives each application its own ``ctx`` for the same reason).

Higher-order gradients (``backward(create_graph=True)``, ``grad(..., create_graph=True)``): the
engine runs the gate's ``forward`` again on a copy of the gate with the input *Values*, so that
what forward keeps on ``self`` is part of the graph, then calls ``backward`` with the upstream as
a Value. A gate written with operators and Value methods (``x * y``, ``x.exp()``) is then
differentiable any number of times. A gate whose forward works on floats only (``math.exp``)
still gives correct first derivatives; differentiating them once more raises, and only then.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from autograd_core import value as _value
from autograd_core.rules import defrule
from autograd_core.value import AnomalyError, Value, _number, split_inputs
from autograd_core.walker import GATE

# The op table's row for user gates: the node's parameter k is the Function instance itself.
# Its "local" is backward(1.0); the backward pass itself calls backward(upstream) instead.
FUNCTION = defrule(
    GATE, "f", 0,
    lambda m, xs, k: k.forward(*xs),
    lambda m, xs, out, k: _checked(k, k.backward(1.0), len(xs), values_ok=False),
    "whatever the gate's backward(upstream) returns, divided by upstream")

# The op name of a gradient that came out of a float-only gate under create_graph: its number
# is right, but it cannot be differentiated again.
ONCE_DIFFERENTIABLE = "once_differentiable"


class Function:
    """Base class for a hand-written op: override :meth:`forward` and :meth:`backward`."""

    def forward(self, *xs: float) -> float:
        """Compute the output from the input numbers; store on ``self`` what backward needs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, *xs)")

    def backward(self, upstream: float) -> Any:
        """Return d(loss)/d(x_i) = upstream * d(out)/d(x_i) for each input, in order. Called
        during the backward pass with the real upstream gradient d(loss)/d(out)."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(self, upstream)")

    def _contributions(self, upstream: Any, n_inputs: int) -> tuple[Any, ...]:
        """The edge protocol for a gate (:mod:`autograd_core.walker`): what it sends its
        inputs, ``backward(upstream)``, checked to be one number per input."""
        return _checked(self, self.backward(upstream), n_inputs, values_ok=False)

    @classmethod
    def apply(cls, *inputs: Any) -> Value:
        """A fresh instance of the gate applied to the inputs (Values or plain numbers)."""
        return cls()(*inputs)

    def __call__(self, *inputs: Any) -> Value:
        ins, xs = split_inputs(inputs, type(self).__name__)
        # What forward keeps on self belongs to this application: an instance already applied
        # holds another application's inputs, so this one runs on a copy.
        gate = copy.copy(self) if getattr(self, "_Function__applied", False) else self
        out = gate.forward(*xs)
        if isinstance(out, Value) or _number(out) is NotImplemented:
            raise TypeError(f"{type(self).__name__}.forward must return a plain number, got "
                            f"{type(out).__name__}")
        out = float(out)
        if _value._anomaly and not math.isfinite(out):
            raise AnomalyError(f"detect_anomaly: {type(self).__name__}.forward returned {out!r}")
        if not _value._grad_enabled:
            return _value._leaf(out)
        try:
            gate.__applied = True  # type: ignore[attr-defined]
        except AttributeError:  # __slots__ without room for the mark: applications share state
            pass
        # A gate's node stores no local gradients (_da None): the gate computes upstream x local
        # itself, through _contributions (the edge protocol, autograd_core.walker).
        return _value._node(out, GATE, gate, tuple(ins), None, None, None)


def _checked(gate: Any, grads: Any, n: int, values_ok: bool) -> tuple[Any, ...]:
    """What a gate's backward returned, as a tuple of n numbers (or Values when values_ok);
    a clear error otherwise."""
    name = type(gate).__name__
    try:
        grads = tuple(grads)
    except TypeError:
        grads = (grads,)
    if len(grads) != n:
        raise ValueError(f"{name}.backward returned {len(grads)} gradient(s) for {n} input(s); "
                         "return one per input, in order")
    out = []
    for i, g in enumerate(grads):
        if values_ok and g.__class__ is Value:
            out.append(g)
            continue
        x = _number(g)
        if x is NotImplemented:
            raise TypeError(f"{name}.backward gradient {i} must be a number, got "
                            f"{type(g).__name__}")
        out.append(x)
    return tuple(out)


def gate_grads_as_values(node: Value, upstream: Value) -> tuple[Any, ...]:
    """The same, recorded as a graph (create_graph): forward is replayed on a copy of the gate
    with the input Values, then backward is called with the upstream Value. If the gate cannot
    run on Values, its float gradients are returned as nodes that refuse a second derivative."""
    gate = node._arg
    replay = copy.copy(gate)
    try:
        out = replay.forward(*node._a)
        ok = out.__class__ is Value
    except Exception:  # the gate computes on floats only (math.exp, numpy, ...)
        ok = False
    if ok:
        return _checked(gate, replay.backward(upstream), len(node._a), values_ok=True)
    # First derivatives only: the right numbers, in nodes whose local gradients raise if a
    # second backward ever reaches them.
    grads = gate._contributions(upstream.data, len(node._a))
    ins = (upstream,) + tuple(p for p in node._a if p.__class__ is Value)
    refuse = _SecondDerivativeRefused(type(gate).__name__)
    return tuple(
        _value._node(g, ONCE_DIFFERENTIABLE, gate, ins, None, (refuse,) * len(ins), None)
        for g in grads)


class _SecondDerivativeRefused:
    """The local gradient of a once-differentiable node: multiplying it (what a backward pass
    does with a local gradient) raises, naming the gate and the fix."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _raise(self, *_: Any) -> Any:
        raise RuntimeError(
            f"cannot differentiate twice through the Function {self.name!r}: its forward works "
            "on plain floats only, so its gradients are numbers, not a graph. Write forward "
            "with the Value operators and methods (x * y, x.exp(), ...) and keep Values on "
            "self; then backward(create_graph=True) differentiates it again.")

    __mul__ = __rmul__ = __add__ = __radd__ = __float__ = _raise

    def __repr__(self) -> str:
        return f"<no second derivative through {self.name}>"


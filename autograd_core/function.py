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

How it plugs into the engine: the node stores local gradients. For a scalar output, the chain
rule makes backward linear in the upstream gradient, backward(u) = u * backward(1), so the
engine calls ``backward(1.0)`` once, right after forward, and stores what it returns as the
node's local gradients. ``check_grads`` verifies a hand-written backward against central
differences. A Function is first-order only: differentiating twice through it raises.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core import value as _value
from autograd_core.rules import defrule
from autograd_core.value import AnomalyError, Value, _number, split_inputs

# The op table's row for user gates: the node's parameter k is the Function instance itself.
FUNCTION = defrule(
    "function", "f", 0,
    lambda m, xs, k: k.forward(*xs),
    lambda m, xs, out, k: k._local_grads(len(xs)),
    "whatever the gate's backward(1.0) returns")


class Function:
    """Base class for a hand-written op: override :meth:`forward` and :meth:`backward`."""

    def forward(self, *xs: float) -> float:
        """Compute the output from the input numbers; store on ``self`` what backward needs."""
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, *xs)")

    def backward(self, upstream: float) -> Any:
        """Return d(loss)/d(x_i) = upstream * d(out)/d(x_i) for each input, in order."""
        raise NotImplementedError(f"{type(self).__name__} must define backward(self, upstream)")

    @classmethod
    def apply(cls, *inputs: Any) -> Value:
        """A fresh instance of the gate applied to the inputs (Values or plain numbers)."""
        return cls()(*inputs)

    def __call__(self, *inputs: Any) -> Value:
        ins, xs = split_inputs(inputs, type(self).__name__)
        out = self.forward(*xs)
        if isinstance(out, Value) or _number(out) is NotImplemented:
            raise TypeError(f"{type(self).__name__}.forward must return a plain number, got "
                            f"{type(out).__name__}")
        out = float(out)
        if _value._anomaly and not math.isfinite(out):
            raise AnomalyError(f"detect_anomaly: {type(self).__name__}.forward returned {out!r}")
        if not _value._grad_enabled:
            return _value._node(out, "", None, None, None, None, None)
        return _value._node(out, FUNCTION.name, self, tuple(ins), None,
                            self._local_grads(len(ins)), None)

    def _local_grads(self, n: int) -> tuple[float, ...]:
        grads = self.backward(1.0)
        try:
            grads = tuple(grads)
        except TypeError:
            grads = (grads,)
        if len(grads) != n:
            raise ValueError(f"{type(self).__name__}.backward returned {len(grads)} gradient(s) "
                             f"for {n} input(s); return one per input, in order")
        out = []
        for i, g in enumerate(grads):
            x = _number(g)
            if x is NotImplemented:
                raise TypeError(f"{type(self).__name__}.backward gradient {i} must be a number, "
                                f"got {type(g).__name__}")
            out.append(x)
        return tuple(out)

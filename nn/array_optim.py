"""The optimizers of :mod:`nn.optim`, run on a parameter array: fit(compiled=True)'s update.

A compiled program (:func:`autograd_core.compile`) returns the gradient of every parameter as one
numpy array. Writing it into 337 Values, letting the optimizer loop over them in Python and
reading the new numbers back would cost more than the program itself. So while
``fit(compiled=True)`` trains, the parameters and the optimizer's state (momentum buffers,
Adam's m and v) live in arrays, and the update is a few array operations: the SAME arithmetic,
operation for operation, as the eager optimizer's float loop (so the two agree to the last bit,
and are tested to 1e-12), with g = grad + weight_decay * p:

    SGD      b = momentum b + (1 - dampening) g   (b = g at the first step)
             d = g + momentum b if nesterov else b  (d = g without momentum);  p -= lr d
    Adam     m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g g
             p -= (lr / (1 - b1^t)) (m / (sqrt(v) / sqrt(1 - b2^t) + eps))
    AdamW    p *= 1 - lr weight_decay, then Adam with g = grad
    RMSprop  s = alpha s + (1 - alpha) g g;  centered: a = alpha a + (1 - alpha) g, s' = s - a a
             d = g / (sqrt(s') + eps);  with momentum: b = momentum b + d, d = b;  p -= lr d

The learning rate (a number or a schedule) and the step counter are the optimizer object's own,
so schedules and ``opt.steps`` behave as in the eager loop. :meth:`ArrayOptimizer.write_back`
puts the numbers where the eager objects keep them (``p.data``, the optimizer's buffers, and
``p.grad`` when training ends): fit calls it at the end of every epoch in which anything can
look at the model (a callback, early stopping; validation and metrics read the arrays) and when
training stops for any reason (the end, early stopping, Ctrl-C, an error), so eager and compiled
training can alternate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_core import Value
from nn.optim import SGD, Adam, AdamW, Optimizer, RMSprop

__all__ = ["ArrayOptimizer", "array_optimizer"]


class ArrayOptimizer:
    """Updates ``theta`` (an array in the order of ``order``, the program's parameters) as
    ``opt.step()`` would update the Values. Use :func:`array_optimizer` to make one."""

    def __init__(self, opt: Optimizer, order: list[Value]) -> None:
        pos = {id(p): i for i, p in enumerate(order)}
        self.opt = opt
        self.idx = np.array([pos[id(p)] for p in opt.params], dtype=np.intp)
        self.whole = bool(len(self.idx) == len(order) and np.array_equal(
            self.idx, np.arange(len(order))))
        self.state = self._read_state()
        self.grad: np.ndarray | None = None

    # --- state as arrays, and back ------------------------------------------------------------
    def _read_state(self) -> dict[str, np.ndarray | None]:
        opt = self.opt
        names = {SGD: ["_buf"], Adam: ["_m", "_v"], AdamW: ["_m", "_v"],
                 RMSprop: ["_sq", "_avg", "_buf"]}[type(opt)]
        return {k: None if getattr(opt, k) is None else np.array(getattr(opt, k), dtype=float)
                for k in names}

    def write_back(self, theta: np.ndarray, order: list[Value], grads: bool = True) -> None:
        """Write the parameters (and, with ``grads``, the last gradient) into the Values and the
        optimizer's state into its lists, as the eager loop leaves them."""
        for p, x in zip(order, theta.tolist()):
            p.data = x
        if grads and self.grad is not None:
            for p, g in zip(order, self.grad.tolist()):
                p.grad = g
        for k, arr in self.state.items():
            setattr(self.opt, k, None if arr is None else arr.tolist())

    # --- the update ---------------------------------------------------------------------------
    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One optimizer step: ``theta`` is updated in place from ``grad`` (both in the
        program's parameter order)."""
        opt = self.opt
        lr = opt.lr
        opt.steps += 1
        self.grad = grad
        if self.whole:
            p, g = theta, grad
        else:
            p, g = theta[self.idx], grad[self.idx]
        if isinstance(opt, Adam):
            p = self._adam(opt, lr, p, g)
        elif isinstance(opt, SGD):
            p = self._sgd(opt, lr, p, g)
        else:
            assert isinstance(opt, RMSprop)
            p = self._rmsprop(opt, lr, p, g)
        if not self.whole:
            theta[self.idx] = p

    def _sgd(self, opt: SGD, lr: float, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        wd, mu = opt.weight_decay, opt.momentum
        if wd:
            g = g + wd * p
        if mu:
            buf = self.state["_buf"]
            buf = g.copy() if buf is None else mu * buf + (1.0 - opt.dampening) * g
            self.state["_buf"] = buf
            g = g + mu * buf if opt.nesterov else buf
        p -= lr * g
        return p

    def _adam(self, opt: Adam, lr: float, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        b1, b2 = opt.betas
        t = opt.steps
        wd = opt.weight_decay
        if wd and opt._decoupled:
            p *= 1.0 - lr * wd
        elif wd:
            g = g + wd * p
        m = self.state["_m"]
        v = self.state["_v"]
        assert m is not None and v is not None
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * g * g
        self.state["_m"], self.state["_v"] = m, v
        step_size = lr / (1.0 - b1 ** t)
        bc2_sqrt = float(np.sqrt(1.0 - b2 ** t))
        p -= step_size * (m / (np.sqrt(v) / bc2_sqrt + opt.eps))
        return p

    def _rmsprop(self, opt: RMSprop, lr: float, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        a = opt.alpha
        if opt.weight_decay:
            g = g + opt.weight_decay * p
        sq = self.state["_sq"]
        assert sq is not None
        sq = a * sq + (1.0 - a) * g * g
        self.state["_sq"] = sq
        if opt.centered:
            avg = self.state["_avg"]
            assert avg is not None
            avg = a * avg + (1.0 - a) * g
            self.state["_avg"] = avg
            denom = np.sqrt(sq - avg * avg) + opt.eps
        else:
            denom = np.sqrt(sq) + opt.eps
        d = g / denom
        if opt.momentum:
            buf = self.state["_buf"]
            assert buf is not None
            d = opt.momentum * buf + d
            self.state["_buf"] = d
        p -= lr * d
        return p


def array_optimizer(opt: Any, order: list[Value]) -> ArrayOptimizer | None:
    """An :class:`ArrayOptimizer` for ``opt`` (SGD, Adam, AdamW or RMSprop exactly, updating
    only parameters of the program), or None when the update must run on the Values: a
    user's own Optimizer subclass, whose ``_update`` may do anything."""
    if type(opt) not in (SGD, Adam, AdamW, RMSprop):
        return None
    known = {id(p) for p in order}
    if not all(id(p) in known for p in opt.params):
        return None
    return ArrayOptimizer(opt, order)

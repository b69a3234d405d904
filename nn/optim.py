"""Optimizers: how each parameter moves once its gradient is known.

An optimizer holds a list of parameters and a learning rate (a number or a schedule, see
:mod:`nn.schedules`). ``step()`` updates every ``p.data`` in place from ``p.grad`` (plain float
arithmetic: no graph is built); ``zero_grad()`` clears the gradients before the next backward.
The update rules follow ``torch.optim`` exactly (tested step by step against it), with
g = p.grad + weight_decay * p:

    SGD      b = momentum b + (1 - dampening) g   (b = g at the first step)
             d = g + momentum b if nesterov else b  (d = g without momentum)
             p = p - lr d
    Adam     m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2     (t = 1, 2, ...)
             p = p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
    AdamW    p = p (1 - lr weight_decay), then Adam with g = p.grad
    RMSprop  s = alpha s + (1 - alpha) g^2;  centered: a = alpha a + (1 - alpha) g, s' = s - a^2
             d = g / (sqrt(s') + eps);  with momentum: b = momentum b + d, d = b
             p = p - lr d

Adam and RMSprop "learn the learning rate" (lecture 003): dividing by the running RMS of the
gradient gives every parameter its own step size.

A step is all-or-nothing: every new value (parameters and the optimizer's running averages)
is computed first, then all are assigned in one call that runs no Python bytecode, so Ctrl-C
(which Python delivers only between bytecodes) leaves the model and the optimizer exactly as
before the step or exactly as after it, never half-stepped. The learning rate a schedule gives
is checked at every step: a negative, NaN or infinite rate (gradient ascent, or poisoned
weights) raises ValueError before anything changes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from itertools import chain, repeat
from typing import Any

from autograd_core import Value
from nn.schedules import LearningRate, Schedule


def _nonneg(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{what} must be a non-negative number, got {x!r}")
    return float(x)


def _unit(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0.0 <= x < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {x!r}")
    return float(x)


class Optimizer:
    """Base class: ``params`` (a Module or Values), ``lr`` (a number, a Schedule or k -> lr)."""

    def __init__(self, params: Any, lr: LearningRate) -> None:
        if hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()
        if isinstance(params, Value):
            raise TypeError(f"{type(self).__name__} expects a list of parameters or a Module, "
                            "got a single Value; wrap it in a list: [p]")
        ps = list(params) if isinstance(params, Iterable) else None
        if ps is None:
            raise TypeError(f"{type(self).__name__} expects a list of parameters or a Module, "
                            f"got {type(params).__name__}")
        if not ps:
            raise ValueError(f"{type(self).__name__} got an empty parameter list; pass "
                             "model.parameters()")
        seen = set()
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__} parameters must be Values; item {i} is "
                                f"{type(p).__name__}")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {i} appears twice in the "
                                 "list; each parameter must be listed once")
            seen.add(id(p))
        if not (isinstance(lr, Schedule) or callable(lr)):
            lr = _nonneg(lr, f"{type(self).__name__} lr")
        self.params: list[Value] = ps
        self.schedule = lr
        self.steps = 0  #: how many step() calls so far

    @property
    def lr(self) -> float:
        """The learning rate the next step() will use (checked: finite and >= 0)."""
        s = self.schedule
        value = s(self.steps) if callable(s) else s
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not math.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self).__name__}: the learning rate schedule {s!r} gave {value!r} for "
                f"step {self.steps}; a learning rate must be a finite number >= 0 (a negative "
                "one climbs the loss, NaN poisons every weight). Nothing was changed")
        return float(value)

    @lr.setter
    def lr(self, value: float) -> None:
        self.schedule = _nonneg(value, f"{type(self).__name__} lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``: all new values are
        computed first, then assigned together, so Ctrl-C cannot split a step."""
        lr = self.lr
        new_data, new_state = self._update(lr, [float(p.grad) for p in self.params],
                                           self.steps + 1)
        new_state["steps"] = self.steps + 1
        # One C-level call (deque consuming map/chain; setattr on Value's slot; dict.update):
        # Python runs signal handlers, and so raises KeyboardInterrupt, only between
        # bytecodes, and none runs in here. Cheaper than swapping the SIGINT handler per step.
        deque(chain(map(setattr, self.params, repeat("data"), new_data),
                    map(vars(self).update, (new_state,))), maxlen=0)

    def _update(self, lr: float, grads: list[float], t: int
                ) -> tuple[list[float], dict[str, Any]]:
        """Step ``t`` (1, 2, ...): the parameters' new values and the optimizer's new state
        attributes, computed without changing anything."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if not k.startswith("_") and k not in ("params", "steps"))
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"


class SGD(Optimizer):
    """Gradient descent, with optional momentum (heavy ball or Nesterov) and weight decay."""

    def __init__(self, params: Any, lr: LearningRate = 0.01, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _nonneg(momentum, "SGD momentum")
        self.dampening = _nonneg(dampening, "SGD dampening")
        self.weight_decay = _nonneg(weight_decay, "SGD weight_decay")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = bool(nesterov)
        self._buf: list[float] | None = None

    def _update(self, lr: float, grads: list[float], t: int
                ) -> tuple[list[float], dict[str, Any]]:
        wd, mu = self.weight_decay, self.momentum
        params = self.params
        state: dict[str, Any] = {}
        if wd:
            grads = [g + wd * p.data for g, p in zip(grads, params, strict=True)]
        if mu:
            if self._buf is None:
                buf = list(grads)
            else:
                damp = 1.0 - self.dampening
                buf = [mu * b + damp * g for b, g in zip(self._buf, grads, strict=True)]
            state["_buf"] = buf
            grads = [g + mu * b for g, b in zip(grads, buf, strict=True)] if self.nesterov else buf
        return [p.data - lr * g for p, g in zip(params, grads, strict=True)], state


class Adam(Optimizer):
    """Adam with PyTorch's defaults (lr=1e-3, betas=(0.9, 0.999), eps=1e-8), bias-corrected.
    ``weight_decay`` adds weight_decay * p to the gradient (L2, as torch.optim.Adam)."""

    _decoupled = False

    def __init__(self, params: Any, lr: LearningRate = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{type(self).__name__} betas must be a pair (b1, b2), got "
                             f"{betas!r}")
        self.betas = (_unit(betas[0], "Adam betas[0]"), _unit(betas[1], "Adam betas[1]"))
        self.eps = _nonneg(eps, "Adam eps")
        self.weight_decay = _nonneg(weight_decay, "Adam weight_decay")
        n = len(self.params)
        self._m = [0.0] * n
        self._v = [0.0] * n

    def _update(self, lr: float, grads: list[float], t: int
                ) -> tuple[list[float], dict[str, Any]]:
        b1, b2 = self.betas
        wd = self.weight_decay
        params = self.params
        decay = 1.0  # AdamW shrinks p by lr * weight_decay first (x * 1.0 == x exactly)
        if wd and self._decoupled:
            decay = 1.0 - lr * wd
        elif wd:
            grads = [g + wd * p.data for g, p in zip(grads, params, strict=True)]
        m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(self._m, grads, strict=True)]
        v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(self._v, grads, strict=True)]
        step_size = lr / (1.0 - b1 ** t)
        bc2_sqrt = math.sqrt(1.0 - b2 ** t)
        eps = self.eps
        sqrt = math.sqrt
        new = [p.data * decay - step_size * (mi / (sqrt(vi) / bc2_sqrt + eps))
               for p, mi, vi in zip(params, m, v, strict=True)]
        return new, {"_m": m, "_v": v}


class AdamW(Adam):
    """Adam with decoupled weight decay (torch.optim.AdamW, weight_decay=0.01 by default):
    p is shrunk by lr * weight_decay before the Adam step instead of adding to the gradient."""

    _decoupled = True

    def __init__(self, params: Any, lr: LearningRate = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class RMSprop(Optimizer):
    """RMSprop with PyTorch's defaults (lr=0.01, alpha=0.99, eps=1e-8)."""

    def __init__(self, params: Any, lr: LearningRate = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = _unit(alpha, "RMSprop alpha")
        self.eps = _nonneg(eps, "RMSprop eps")
        self.weight_decay = _nonneg(weight_decay, "RMSprop weight_decay")
        self.momentum = _nonneg(momentum, "RMSprop momentum")
        self.centered = bool(centered)
        n = len(self.params)
        self._sq = [0.0] * n
        self._avg = [0.0] * n
        self._buf = [0.0] * n

    def _update(self, lr: float, grads: list[float], t: int
                ) -> tuple[list[float], dict[str, Any]]:
        a = self.alpha
        params = self.params
        if self.weight_decay:
            wd = self.weight_decay
            grads = [g + wd * p.data for g, p in zip(grads, params, strict=True)]
        sq = [a * s + (1.0 - a) * g * g for s, g in zip(self._sq, grads, strict=True)]
        state: dict[str, Any] = {"_sq": sq}
        if self.centered:
            avg = [a * s + (1.0 - a) * g for s, g in zip(self._avg, grads, strict=True)]
            state["_avg"] = avg
            denom = [math.sqrt(s - m * m) + self.eps for s, m in zip(sq, avg, strict=True)]
        else:
            denom = [math.sqrt(s) + self.eps for s in sq]
        d = [g / q for g, q in zip(grads, denom, strict=True)]
        if self.momentum:
            mu = self.momentum
            d = [mu * b + x for b, x in zip(self._buf, d, strict=True)]
            state["_buf"] = d
        return [p.data - lr * x for p, x in zip(params, d, strict=True)], state


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "adamw": AdamW,
                                          "rmsprop": RMSprop}

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

**Each rule is written once**, as the method ``update(m, lr, t, p, g, *state)`` over generic
arithmetic, called once per step with every parameter at once: ``p``, ``g`` and the running
state are FloatVectors (:mod:`nn.float_vector`) on the eager path (Python floats with
elementwise operators, no numpy) and numpy arrays in ``fit(compiled=True)`` (see
:mod:`nn.array_optim`); ``m`` is the backend that supplies ``sqrt`` for them (NaN for a
negative number on both, as PyTorch gives). The same IEEE operations in the same order on each
element: the two paths agree to the last bit. To add an optimizer, subclass
:class:`Optimizer`, name its per-parameter running state in ``state_names`` (with its starting
value in ``_initial_state``) and write ``update``; it then trains eagerly and compiled.

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
from nn._checks import is_real, nonneg, unit
from nn.float_vector import FLOATS, FloatVector
from nn.schedules import LearningRate, Schedule


class Optimizer:
    """Base class: ``params`` (a Module or Values), ``lr`` (a number, a Schedule or k -> lr).

    A subclass writes its rule once, as :meth:`update`, and lists its per-parameter running
    state in ``state_names`` (attributes holding one number per parameter, or None until the
    rule first sets them); ``_initial_state`` gives each one's starting value."""

    #: attributes holding the running state, one entry per parameter (e.g. Adam's "_m", "_v")
    state_names: tuple[str, ...] = ()
    #: each state attribute's starting value per parameter (None: set by the first step)
    _initial_state: tuple[float | None, ...] = ()

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
            lr = nonneg(lr, f"{type(self).__name__} lr")
        self.params: list[Value] = ps
        self.schedule = lr
        self.steps = 0  #: how many step() calls so far
        for name, start in zip(self.state_names, self._initial_state, strict=True):
            setattr(self, name, None if start is None else [start] * len(ps))

    @property
    def lr(self) -> float:
        """The learning rate the next step() will use (checked: finite and >= 0)."""
        s = self.schedule
        value = s(self.steps) if callable(s) else s
        if not is_real(value) or not math.isfinite(value) or value < 0:
            raise ValueError(
                f"{type(self).__name__}: the learning rate schedule {s!r} gave {value!r} for "
                f"step {self.steps}; a learning rate must be a finite number >= 0 (a negative "
                "one climbs the loss, NaN poisons every weight). Nothing was changed")
        return float(value)

    @lr.setter
    def lr(self, value: float) -> None:
        self.schedule = nonneg(value, f"{type(self).__name__} lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def update(self, m: Any, lr: float, t: int, p: Any, g: Any, *state: Any) -> tuple[Any, ...]:
        """The rule, written once: step ``t`` (1, 2, ...) at rate ``lr`` for parameter ``p``
        with gradient ``g`` and running ``state`` (in the order of ``state_names``); returns
        ``(new p, *new state)`` and changes nothing. ``p``, ``g`` and the state hold every
        parameter at once, as FloatVectors (eager) or numpy arrays (compiled), so write plain
        arithmetic (``p - lr * g``, numbers broadcast) and take square roots with ``m.sqrt``:
        the same method then serves the eager step and ``fit(compiled=True)``."""
        raise NotImplementedError(
            f"{type(self).__name__} must define update(m, lr, t, p, g, *state) -> (p, *state) "
            "(or override step())")

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``: all new values are
        computed first, then assigned together, so Ctrl-C cannot split a step."""
        lr = self.lr
        grads = [p.grad.data if p.grad.__class__ is Value else float(p.grad)
                 for p in self.params]  # a Value after backward(create_graph=True): its number
        new_data, new_state = self._update(lr, grads, self.steps + 1)
        new_state["steps"] = self.steps + 1
        # One C-level call (deque consuming map/chain; setattr on Value's slot; dict.update):
        # Python runs signal handlers, and so raises KeyboardInterrupt, only between
        # bytecodes, and none runs in here. Cheaper than swapping the SIGINT handler per step.
        deque(chain(map(setattr, self.params, repeat("data"), new_data),
                    map(vars(self).update, (new_state,))), maxlen=0)

    def _update(self, lr: float, grads: list[float], t: int
                ) -> tuple[list[float], dict[str, Any]]:
        """Step ``t``: the parameters' new values and the new state attributes, from
        :meth:`update` run once on FloatVectors (every parameter's float, elementwise in C),
        computed without changing anything."""
        n = len(self.params)
        state = [None if getattr(self, k) is None else FloatVector(getattr(self, k))
                 for k in self.state_names]
        try:
            new, *after = self.update(FLOATS, lr, t, FloatVector([p.data for p in self.params]),
                                      FloatVector(grads), *state)
        except (TypeError, ValueError) as e:
            raise TypeError(rule_error(self, "FloatVectors (every parameter's float at once)",
                                       e)) from e
        return _floats(new, n), {k: None if v is None else _floats(v, n)
                                 for k, v in zip(self.state_names, after, strict=True)}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if not k.startswith("_") and k not in ("params", "steps"))
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"


def rule_error(opt: Optimizer, given: str, e: Exception) -> str:
    """What to say when an optimizer's update fails on the vectors it is given."""
    return (f"{type(opt).__name__}.update runs once per step on {given}, and it raised "
            f"{type(e).__name__}: {e}. Write the rule with plain arithmetic and m.sqrt (not "
            "math.sqrt, or an if on a number), so that it serves the eager step and "
            "fit(compiled=True) alike")


def _floats(x: Any, n: int) -> list[float]:
    """What an update returned for n parameters, as n floats (a number stands for all)."""
    if isinstance(x, FloatVector):
        return x.values
    return [float(x)] * n


class SGD(Optimizer):
    """Gradient descent, with optional momentum (heavy ball or Nesterov) and weight decay."""

    state_names = ("_buf",)
    _initial_state = (None,)

    def __init__(self, params: Any, lr: LearningRate = 0.01, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = nonneg(momentum, "SGD momentum")
        self.dampening = nonneg(dampening, "SGD dampening")
        self.weight_decay = nonneg(weight_decay, "SGD weight_decay")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError("SGD nesterov=True needs momentum > 0 and dampening = 0")
        self.nesterov = bool(nesterov)

    def update(self, m: Any, lr: float, t: int, p: Any, g: Any, *state: Any) -> tuple[Any, ...]:
        (b,) = state
        wd, mu = self.weight_decay, self.momentum
        if wd:
            g = g + wd * p
        if mu:
            b = g if b is None else mu * b + (1.0 - self.dampening) * g
            g = g + mu * b if self.nesterov else b
        return p - lr * g, b


class Adam(Optimizer):
    """Adam with PyTorch's defaults (lr=1e-3, betas=(0.9, 0.999), eps=1e-8), bias-corrected.
    ``weight_decay`` adds weight_decay * p to the gradient (L2, as torch.optim.Adam)."""

    _decoupled = False
    state_names = ("_m", "_v")
    _initial_state = (0.0, 0.0)

    def __init__(self, params: Any, lr: LearningRate = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{type(self).__name__} betas must be a pair (b1, b2), got "
                             f"{betas!r}")
        self.betas = (unit(betas[0], "Adam betas[0]"), unit(betas[1], "Adam betas[1]"))
        self.eps = nonneg(eps, "Adam eps")
        self.weight_decay = nonneg(weight_decay, "Adam weight_decay")

    def update(self, m: Any, lr: float, t: int, p: Any, g: Any, *state: Any) -> tuple[Any, ...]:
        mean, var = state
        b1, b2 = self.betas
        wd = self.weight_decay
        decay = 1.0  # AdamW shrinks p by lr * weight_decay first
        if wd and self._decoupled:
            decay = 1.0 - lr * wd
        elif wd:
            g = g + wd * p
        mean = b1 * mean + (1.0 - b1) * g
        var = b2 * var + (1.0 - b2) * g * g
        step_size = lr / (1.0 - b1 ** t)
        bc2_sqrt = m.sqrt(1.0 - b2 ** t)
        if decay != 1.0:
            p = p * decay
        return p - step_size * (mean / (m.sqrt(var) / bc2_sqrt + self.eps)), mean, var


class AdamW(Adam):
    """Adam with decoupled weight decay (torch.optim.AdamW, weight_decay=0.01 by default):
    p is shrunk by lr * weight_decay before the Adam step instead of adding to the gradient."""

    _decoupled = True

    def __init__(self, params: Any, lr: LearningRate = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class RMSprop(Optimizer):
    """RMSprop with PyTorch's defaults (lr=0.01, alpha=0.99, eps=1e-8). Centered, the
    variance estimate s - a^2 can round below 0 for a constant gradient: its square root is
    then NaN, on both paths, as in PyTorch."""

    state_names = ("_sq", "_avg", "_buf")
    _initial_state = (0.0, 0.0, 0.0)

    def __init__(self, params: Any, lr: LearningRate = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = unit(alpha, "RMSprop alpha")
        self.eps = nonneg(eps, "RMSprop eps")
        self.weight_decay = nonneg(weight_decay, "RMSprop weight_decay")
        self.momentum = nonneg(momentum, "RMSprop momentum")
        self.centered = bool(centered)

    def update(self, m: Any, lr: float, t: int, p: Any, g: Any, *state: Any) -> tuple[Any, ...]:
        sq, avg, buf = state
        a = self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * p
        sq = a * sq + (1.0 - a) * g * g
        if self.centered:
            avg = a * avg + (1.0 - a) * g
            d = g / (m.sqrt(sq - avg * avg) + self.eps)
        else:
            d = g / (m.sqrt(sq) + self.eps)
        if self.momentum:
            buf = self.momentum * buf + d
            d = buf
        return p - lr * d, sq, avg, buf


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam, "adamw": AdamW,
                                          "rmsprop": RMSprop}

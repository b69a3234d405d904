"""Learning-rate schedules: the learning rate as a function of the optimizer step k = 0, 1, ...

Pass one as an optimizer's ``lr`` (``SGD(params, lr=LinearDecay(1.0, 0.1, 100))``); the
optimizer asks it for the rate before every step. Any function ``k -> float`` works too.

    Constant(lr)                       lr
    StepDecay(lr, step_size, gamma)    lr * gamma^floor(k / step_size)          (torch StepLR)
    LinearDecay(start, end, steps)     start + (end - start) * min(k, steps) / steps
                                       micrograd's demo 1.0 - 0.9 k / 100: LinearDecay(1, 0.1, 100)
    CosineDecay(lr, steps, min_lr)     min_lr + (lr - min_lr) (1 + cos(pi t)) / 2,
                                       t = min(k, steps) / steps  (torch CosineAnnealingLR)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from nn._checks import is_int, is_real


def _positive(x: Any, what: str, allow_zero: bool = False) -> float:
    if not is_real(x) or not math.isfinite(x) or (
            x < 0 if allow_zero else x <= 0):
        need = "a non-negative" if allow_zero else "a positive"
        raise ValueError(f"{what} must be {need} number, got {x!r}")
    return float(x)


def _count(x: Any, what: str) -> int:
    if not is_int(x) or x < 1:
        raise ValueError(f"{what} must be a positive int, got {x!r}")
    return int(x)


class Schedule:
    """Base class: ``schedule(k)`` is the learning rate for step k (k = 0 is the first)."""

    def __call__(self, k: int) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """The same rate at every step."""

    def __init__(self, lr: float) -> None:
        self.lr = _positive(lr, "Constant lr", allow_zero=True)

    def __call__(self, k: int) -> float:
        return self.lr


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` steps: lr * gamma^(k // step_size)."""

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr = _positive(lr, "StepDecay lr", allow_zero=True)
        self.step_size = _count(step_size, "StepDecay step_size")
        self.gamma = _positive(gamma, "StepDecay gamma", allow_zero=True)

    def __call__(self, k: int) -> float:
        return self.lr * self.gamma ** (k // self.step_size)


class LinearDecay(Schedule):
    """From ``start`` at k = 0 straight to ``end`` at k = steps, then constant at ``end``."""

    def __init__(self, start: float, end: float, steps: int) -> None:
        self.start = _positive(start, "LinearDecay start", allow_zero=True)
        self.end = _positive(end, "LinearDecay end", allow_zero=True)
        self.steps = _count(steps, "LinearDecay steps")

    def __call__(self, k: int) -> float:
        return self.start + (self.end - self.start) * min(k, self.steps) / self.steps


class CosineDecay(Schedule):
    """Half a cosine from ``lr`` at k = 0 down to ``min_lr`` at k = steps, then ``min_lr``."""

    def __init__(self, lr: float, steps: int, min_lr: float = 0.0) -> None:
        self.lr = _positive(lr, "CosineDecay lr", allow_zero=True)
        self.steps = _count(steps, "CosineDecay steps")
        self.min_lr = _positive(min_lr, "CosineDecay min_lr", allow_zero=True)

    def __call__(self, k: int) -> float:
        t = min(k, self.steps) / self.steps
        return self.min_lr + (self.lr - self.min_lr) * (1.0 + math.cos(math.pi * t)) / 2.0


LearningRate = float | Schedule | Callable[[int], float]

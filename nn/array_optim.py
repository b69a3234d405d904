"""An optimizer's own rule run on a parameter array: fit(compiled=True)'s update.

A compiled program (:func:`autograd_core.compile`) returns the gradient of every parameter as one
numpy array. Writing it into 337 Values, letting the optimizer loop over them in Python and
reading the new numbers back would cost more than the program itself. So while
``fit(compiled=True)`` trains, the parameters and the optimizer's running state (momentum
buffers, Adam's m and v) live in arrays, and each step calls the optimizer's
:meth:`~nn.optim.Optimizer.update` ONCE with whole arrays: the very method the eager ``step``
calls with FloatVectors (Python floats, elementwise), so the two agree to the last bit (tested
to 1e-12) and any optimizer that writes its rule as ``update`` (a user's own too) runs here.

The learning rate (a number or a schedule) and the step counter are the optimizer object's own,
so schedules and ``opt.steps`` behave as in the eager loop. A step is all-or-nothing, as the
eager one: the new parameters and state are computed first and then stored by one call that
runs no Python bytecode, so Ctrl-C leaves them all from before the step or all from after it.
:meth:`ArrayOptimizer.write_back` puts the numbers where the eager objects keep them
(``p.data``, the optimizer's state attributes, and ``p.grad`` when training ends): fit calls it
at the end of every epoch in which anything can look at the model (a callback, early stopping)
and when training stops for any reason (the end, early stopping, Ctrl-C, an error), so eager
and compiled training can alternate.
"""

from __future__ import annotations

from collections import deque
from operator import setitem
from types import SimpleNamespace
from typing import Any

import numpy as np

from autograd_core import Value
from nn.float_vector import sqrt as float_sqrt
from nn.optim import Optimizer, rule_error

__all__ = ["ARRAYS", "ArrayOptimizer", "array_optimizer"]


def _sqrt(x: Any) -> Any:
    """np.sqrt for arrays (NaN for a negative entry, with numpy's RuntimeWarning); a Python
    number (a per-step constant) gets the float backend's, so it stays a float."""
    return np.sqrt(x) if isinstance(x, np.ndarray) else float_sqrt(x)


#: The backend ``update`` gets on the compiled path: numpy arrays.
ARRAYS = SimpleNamespace(name="arrays", sqrt=_sqrt)


def runs_on_arrays(opt: Any) -> str | None:
    """None when ``opt``'s step is its :meth:`~nn.optim.Optimizer.update` rule (which then
    runs on arrays), else the reason it is not (said to the user by fit)."""
    cls = type(opt)
    name = cls.__name__
    if cls.update is Optimizer.update:
        return (f"{name} does not define update(m, lr, t, p, g, *state), the rule "
                "fit(compiled=True) runs on arrays")
    for method in ("step", "_update"):
        if getattr(cls, method) is not getattr(Optimizer, method):
            return (f"{name} overrides {method}(), which fit(compiled=True) cannot run on "
                    "arrays")
    return None


class ArrayOptimizer:
    """Updates ``theta`` (an array in the order of ``order``, the program's parameters) as
    ``opt.step()`` would update the Values. Use :func:`array_optimizer` to make one."""

    def __init__(self, opt: Optimizer, order: list[Value]) -> None:
        pos = {id(p): i for i, p in enumerate(order)}
        self.opt = opt
        self.idx = np.array([pos[id(p)] for p in opt.params], dtype=np.intp)
        self.whole = bool(len(self.idx) == len(order) and np.array_equal(
            self.idx, np.arange(len(order))))
        self.state: tuple[Any, ...] = tuple(
            None if getattr(opt, k) is None else np.array(getattr(opt, k), dtype=float)
            for k in opt.state_names)
        self.grad: np.ndarray | None = None

    def write_back(self, theta: np.ndarray, order: list[Value], grads: bool = True) -> None:
        """Write the parameters (and, with ``grads``, the last gradient) into the Values and the
        optimizer's state into its lists, as the eager loop leaves them."""
        for p, x in zip(order, theta.tolist()):
            p.data = x
        if grads and self.grad is not None:
            for p, g in zip(order, self.grad.tolist()):
                p.grad = g
        for k, arr in zip(self.opt.state_names, self.state, strict=True):
            setattr(self.opt, k, None if arr is None else arr.tolist())

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """One optimizer step: ``theta`` is updated in place from ``grad`` (both in the
        program's parameter order), all or nothing."""
        opt = self.opt
        lr = opt.lr
        t = opt.steps + 1
        if self.whole:
            p, g = theta, grad
        else:
            p, g = theta[self.idx], grad[self.idx]
        try:
            new_p, *new_state = opt.update(ARRAYS, lr, t, p, g, *self.state)
        except (TypeError, ValueError) as e:
            raise TypeError(rule_error(opt, "numpy arrays in fit(compiled=True)", e)) from e
        for i, s in enumerate(new_state):
            if s is g:  # SGD's first momentum buffer is g itself: keep a copy
                new_state[i] = s.copy()
        # one C-level call stores everything (see Optimizer.step): no half-applied step
        store: Any = setitem
        deque(map(store, (theta, vars(self), vars(self), vars(opt)),
                  (slice(None) if self.whole else self.idx, "state", "grad", "steps"),
                  (new_p, tuple(new_state), grad, t)), maxlen=0)


def array_optimizer(opt: Any, order: list[Value]) -> ArrayOptimizer | None:
    """An :class:`ArrayOptimizer` for ``opt`` (one whose rule is ``update``, updating only
    parameters of the program), or None when the update must run on the Values (see
    :func:`runs_on_arrays`, and an optimizer holding parameters the program does not use)."""
    if runs_on_arrays(opt) is not None:
        return None
    known = {id(p) for p in order}
    if not all(id(p) in known for p in opt.params):
        return None
    return ArrayOptimizer(opt, order)

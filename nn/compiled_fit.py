"""fit(compiled=True): the per-example loss (+ penalties) traced once, run on whole batches.

``prog`` is the objective of ONE example, ``loss_fn(model(x), t) + l2 + l1``, compiled with
:func:`autograd_core.compile`; ``prog.value_and_grad(Xb, Yb)`` gives the batch mean and its
gradient for every parameter, as ``objective.backward()`` does in the eager loop. The loss is
the one in :mod:`nn.losses`; a loss whose targets are class indices (cross_entropy) is traced in
the form :data:`nn.losses.TRACED` gives it, on one-hot rows (indexing by the label would make
the graph depend on the data). ``predict`` (the model's outputs, for metrics and validation)
and ``data_loss`` (without the penalties, for validation) are compiled too. The targets were
checked once by fit, for both loops (:func:`nn.losses.check_targets`).

While training, the parameters and the optimizer's state live in arrays and the optimizer's
own ``update`` runs on them (:mod:`nn.array_optim`); :meth:`CompiledRunner.sync` writes them
back into the Values.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import Value
from nn import losses as _losses
from nn.eager_fit import MetricFns, penalized
from nn.fit_data import Data
from nn.layers import Dropout
from nn.module import Module
from nn.optim import Optimizer


def _refuse_dropout(model: Any) -> None:
    if isinstance(model, Module):
        for m in model.modules():
            if isinstance(m, Dropout) and m.p > 0.0:
                raise ValueError(
                    f"fit(compiled=True) cannot train a model with dropout (p={m.p}): "
                    "tracing draws the dropout mask once and would replay the same mask "
                    "for every example and every step. Use compiled=False, or dropout=0")


class CompiledRunner:
    """Training steps on numpy arrays through compiled programs (see the module docstring)."""

    whole_in_order = True  #: one batch of everything is used as it is, without a copy

    def __init__(self, model: Any, fwd: Callable[[list[Any]], list[Value]],
                 loss_fn: Callable[..., Value], loss_name: str, l1: float, l2: float,
                 data: Data) -> None:
        from autograd_core import compile as _compile
        from autograd_core.compiled import DataDependentError

        _refuse_dropout(model)
        params = model.parameters()
        self.params, self.l1, self.l2 = params, float(l1), float(l2)
        traced = _losses.TRACED.get(loss_fn)
        self.one_hot = traced is not None
        per_loss = traced if traced is not None else loss_fn

        def outputs(x: list[Value]) -> Any:
            z = fwd(x)
            return z[0] if len(z) == 1 else z

        def per_example(x: list[Value], t: Any) -> Value:
            return per_loss(outputs(x), t)

        def objective(x: list[Value], t: Any) -> Value:
            return penalized(per_example(x, t), params, l1, l2)

        was_training = getattr(model, "training", None)
        try:
            self.predict = _compile(outputs, data.nin, params=params)
            self.k = 1 if self.predict.out_shape is None else self.predict.out_shape[0]
            assert data.y is not None
            tshape = (self.k,) if self.one_hot else tuple(data.y.shape[1:])
            self.prog = _compile(objective, data.nin, tshape, params=params)
            self.data_loss = (self.prog if not (l1 or l2)
                              else _compile(per_example, data.nin, tshape, params=params))
        except DataDependentError as e:
            raise ValueError(f"fit(compiled=True): the model or the loss {loss_name!r} looks at "
                             f"the numbers of its Values, so it cannot be compiled ({e}). Use "
                             "compiled=False, or write the loss with ops (relu, abs, clamp, "
                             "a one-hot target with dot)") from e
        finally:
            if was_training is not None and isinstance(model, Module):
                model.train(was_training)
        self.theta = self.prog.get_params()
        self.arr: Any = None
        self.arr_for: Any = None
        self._encoded: dict[int, tuple[Data, np.ndarray]] = {}

    def targets(self, data: Data) -> np.ndarray:
        """The targets as the float array the program takes (one-hot rows for class
        indices), made once per data set."""
        hit = self._encoded.get(id(data))
        if hit is None:
            y = data.y
            assert y is not None
            Y = np.eye(self.k)[y.astype(int)] if self.one_hot else np.asarray(y, dtype=float)
            hit = self._encoded[id(data)] = (data, Y)
        return hit[1]

    def penalty(self) -> float:
        """The penalties' value at the current parameters (to report the data loss alone)."""
        if not (self.l1 or self.l2):
            return 0.0
        theta = self.theta[:len(self.params)]
        total = 0.5 * self.l2 * float(np.dot(theta, theta)) if self.l2 else 0.0
        return total + self.l1 * float(np.abs(theta).sum()) if self.l1 else total

    def begin_epoch(self) -> None:
        """Nothing to do: the compiled programs have no train/eval mode."""

    def step(self, data: Data, batch: list[int], opt: Optimizer, want_outputs: bool
             ) -> tuple[float, np.ndarray | None]:
        """One optimizer step on the rows ``batch``: (mean data loss before the step,
        the outputs as an array when ``want_outputs``)."""
        X, Y = data.X, self.targets(data)
        if len(batch) != data.n:  # a whole batch comes in order: used without a copy
            idx = np.asarray(batch, dtype=np.intp)
            X, Y = X[idx], Y[idx]
        theta = self.theta
        outs = self.predict.forward(X, params=theta) if want_outputs else None
        pen = self.penalty()
        obj, grad = self.prog.value_and_grad(X, Y, params=theta)
        if self.arr_for is not opt:
            self._use(opt)
        if self.arr is not None:
            self.arr.step(theta, grad)
        else:  # the optimizer's update runs on the Values
            self.prog.set_params(theta)
            opt.zero_grad()
            for p, g in zip(self.prog.parameters, grad.tolist()):
                p.grad += g
            opt.step()
            theta[:] = self.prog.get_params()
        return obj - pen, outs

    def _use(self, opt: Optimizer) -> None:
        """Start stepping with ``opt``: on arrays when its rule allows, else on the Values,
        saying why (that path writes every parameter into its Value and back per step)."""
        from nn.array_optim import array_optimizer, runs_on_arrays

        self.sync()
        self.arr, self.arr_for = array_optimizer(opt, self.prog.parameters), opt
        if self.arr is None:
            why = runs_on_arrays(opt) or (f"{type(opt).__name__} holds parameters the model "
                                          "does not use")
            warnings.warn(f"fit(compiled=True): {why}, so every step writes the parameters into "
                          f"the Values, runs {type(opt).__name__}.step() and reads them back "
                          "(correct, but slower). Write the rule as update(m, lr, t, p, g, "
                          "*state) (see nn.optim) to run it on arrays", stacklevel=6)

    def sync(self, final: bool = False) -> None:
        """Write the parameters and the optimizer's state from the arrays into the Values
        and the optimizer object (the end of an epoch); ``final``: also the last gradient
        into ``.grad`` (the end of training)."""
        if self.arr is not None:
            self.arr.write_back(self.theta, self.prog.parameters, grads=final)

    def evaluate(self, data: Data, mfns: MetricFns) -> dict[str, float]:
        """Validation loss and metrics, like :func:`nn.evaluate` (no dropout to switch off)."""
        per = self.data_loss.forward(data.X, self.targets(data), params=self.theta)
        logs = {"loss": float(per.mean() - (self.penalty() if self.data_loss is self.prog
                                               else 0.0))}
        if mfns:
            arr = self.predict.forward(data.X, params=self.theta)
            for name, fn in mfns:
                logs[name] = float(fn(arr, data.y))
        return logs

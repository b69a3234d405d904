"""fit's eager loop: one optimizer step on a batch with the engine, as the lectures write it.

For each batch::

    predictions = [model(x) for x in batch]           # forward: builds the graph
    loss = loss_fn(predictions, targets) + penalty    # mean data loss (+ L1/L2)
    optimizer.zero_grad(); loss.backward()            # backward: every .grad filled
    optimizer.step()                                  # p.data -= lr * (update rule)

Pure Python over the rows of :class:`nn.fit_data.Data`: it runs where numpy is missing.
:class:`EagerRunner` and :class:`nn.compiled_fit.CompiledRunner` answer the same four calls
(``begin_epoch``, ``step``, ``sync``, ``evaluate``), which is all the loop in
:mod:`nn.training` needs to know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core import Value, no_grad
from nn import losses as _losses
from nn.fit_data import Data
from nn.module import Module
from nn.optim import Optimizer

MetricFns = list[tuple[str, Callable[[Any, Any], float]]]


def forward_fn(model: Any) -> Callable[[list[Any]], list[Value]]:
    """A function row -> list of output Values for the model."""
    fwd = getattr(model, "_forward", None)
    if fwd is not None and hasattr(model, "nin"):
        nin = model.nin

        def run(row: list[Any]) -> list[Value]:
            if len(row) != nin:
                raise ValueError(f"{type(model).__name__} expected {nin} inputs, got {len(row)}")
            return fwd(row)  # type: ignore[no-any-return]
        return run

    def call(row: list[Any]) -> list[Value]:
        out = model(row)
        return list(out) if isinstance(out, (list, tuple)) else [out]
    return call


def predictions(outs: list[list[Value]]) -> list[Any]:
    """What a loss takes: one Value per sample for one output, else a list per sample."""
    return [o[0] for o in outs] if outs and len(outs[0]) == 1 else outs  # type: ignore


def penalized(objective: Value, params: list[Value], l1: float, l2: float) -> Value:
    """``objective`` + the L2 and L1 penalties (see :mod:`nn.losses`), when asked for."""
    if l2:
        objective = objective + _losses.l2_penalty(params, l2)
    if l1:
        objective = objective + _losses.l1_penalty(params, l1)
    return objective


def evaluate_eager(model: Any, data: Data, loss_fn: Callable[..., Value], mfns: MetricFns,
                   stack: Callable[[list[Any]], Any]) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data``, in eval mode, recording no graph."""
    fwd = forward_fn(model)
    was_training = getattr(model, "training", False)
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            outs = [fwd(r) for r in data.rows]
            value = loss_fn(predictions(outs), data.targets).data
    finally:
        if isinstance(model, Module):
            model.train(was_training)
    logs = {"loss": float(value)}
    if mfns:
        arr = stack([[[v.data for v in o] for o in outs]])
        for name, fn in mfns:
            logs[name] = float(fn(arr, data.metric_targets()))
    return logs


class EagerRunner:
    """Training steps on the engine's Values (the default, ``fit(compiled=False)``)."""

    whole_in_order = False  #: one batch of everything is shuffled too (as it always was)

    def __init__(self, model: Any, loss_fn: Callable[..., Value], l1: float, l2: float,
                 stack: Callable[[list[Any]], Any]) -> None:
        self.model, self.loss_fn, self.l1, self.l2, self.stack = model, loss_fn, l1, l2, stack
        self.fwd = forward_fn(model)
        self.params = model.parameters()

    def begin_epoch(self) -> None:
        """Training mode for the epoch (a callback or validation may have switched it)."""
        if isinstance(self.model, Module):
            self.model.train()

    def step(self, data: Data, batch: list[int], opt: Optimizer, want_outputs: bool
             ) -> tuple[float, list[list[float]] | None]:
        """One optimizer step on the rows ``batch``: (mean data loss before the step, the
        outputs as lists of floats when ``want_outputs``)."""
        rows, targets, fwd = data.rows, data.targets, self.fwd
        outs = [fwd(rows[i]) for i in batch]
        data_loss = self.loss_fn(predictions(outs), [targets[i] for i in batch])
        objective = penalized(data_loss, self.params, self.l1, self.l2)
        opt.zero_grad()
        objective.backward()
        opt.step()
        return data_loss.data, ([[v.data for v in o] for o in outs] if want_outputs else None)

    def sync(self, final: bool = False) -> None:
        """Nothing to do: the Values are the model."""

    def evaluate(self, data: Data, mfns: MetricFns) -> dict[str, float]:
        """Validation loss and metrics (see :func:`evaluate_eager`)."""
        return evaluate_eager(self.model, data, self.loss_fn, mfns, self.stack)

"""fit(): the training loop of the lectures, with the bookkeeping done.

One epoch = one pass over the training data in minibatches; each batch is one optimizer step,
run by one of two runners that answer the same calls: :class:`nn.eager_fit.EagerRunner` (the
engine's Values: forward, loss, backward, step, as the lectures write it; pure Python) or, with
``compiled=True``, :class:`nn.compiled_fit.CompiledRunner` (the per-example loss traced once and
run on numpy arrays). The data are checked once (:mod:`nn.fit_data`) and so are the targets
(:func:`nn.losses.check_targets`), for both runners alike.

``batch_size=None`` (the default) uses the whole training set per step (batch gradient
descent), ``1`` is stochastic gradient descent, anything between is minibatch SGD.

After each epoch the History gets ``loss`` (the mean data loss over the epoch's batches,
without the penalty, so that it compares with ``val_loss``) and each metric computed on the
outputs seen during the epoch; with ``validation=(X_val, y_val)`` also ``val_loss`` and
``val_<metric>`` computed in eval mode without recording a graph. Early stopping watches one of
those keys; Ctrl-C (KeyboardInterrupt) ends training cleanly, keeping the latest weights and
the History so far (``history.interrupted`` is True).

X and y may be numpy arrays or, without numpy, lists (of rows, and of targets).
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from autograd_core import Value
from nn import losses as _losses
from nn import metrics as _metrics
from nn._checks import is_int, is_real, lookup
from nn.eager_fit import EagerRunner, MetricFns, evaluate_eager, forward_fn
from nn.fit_data import Data, as_data, batches
from nn.module import Module
from nn.optim import OPTIMIZERS, Optimizer

MetricSpec = str | Callable[[Any, Any], float]


class History:
    """What ``fit`` returns: ``history`` maps 'loss', 'val_loss', each metric name and
    'val_' + metric name to one float per completed epoch; ``epochs`` counts them."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epochs = 0
        self.interrupted = False  #: Ctrl-C ended training
        self.stopped_early = False  #: early stopping ended training
        self.best_epoch: int | None = None  #: 0-based epoch early stopping kept, if any
        self.stop_reason: str | None = None  #: why training ended before ``epochs``, if it did

    def append(self, logs: dict[str, float]) -> None:
        """Record one epoch's numbers."""
        for k, v in logs.items():
            self.history.setdefault(k, []).append(float(v))
        self.epochs += 1

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def last(self) -> dict[str, float]:
        """The final epoch's numbers."""
        return {k: v[-1] for k, v in self.history.items() if v}

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v:.4g}" for k, v in self.last().items())
        extra = " (interrupted)" if self.interrupted else (
            " (stopped early)" if self.stopped_early else "")
        return f"History({self.epochs} epochs{extra}: {last})"


class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs; with ``restore_best`` the weights of the best epoch are put back at the end.
    ``mode`` 'min' (losses), 'max' (accuracies) or 'auto' (max if the name contains 'acc')."""

    def __init__(self, monitor: str = "val_loss", patience: int = 10, min_delta: float = 0.0,
                 mode: str = "auto", restore_best: bool = True) -> None:
        if not is_int(patience) or patience < 1:
            raise ValueError(f"EarlyStopping patience must be a positive int, got {patience!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not is_real(min_delta) or min_delta < 0:
            raise ValueError(f"EarlyStopping min_delta must be >= 0, got {min_delta!r}")
        self.monitor = monitor
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.restore_best = restore_best
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self.wait = 0

    def update(self, epoch: int, logs: dict[str, float], model: Module) -> bool:
        """Record one epoch; True when training should stop."""
        if self.monitor not in logs:
            hint = (" pass validation=(X_val, y_val) to fit, or monitor='loss'"
                    if self.monitor.startswith("val_") else "")
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, which fit does not "
                             f"record (it records {sorted(logs)});{hint}")
        value = logs[self.monitor]
        better = self.best is None or (
            value < self.best - self.min_delta if self.mode == "min"
            else value > self.best + self.min_delta)
        if better:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                self.best_state = model.state_dict()
            return False
        self.wait += 1
        return self.wait >= self.patience


def _metric_fns(metrics: Sequence[MetricSpec] | MetricSpec | None, loss_name: str
                ) -> list[tuple[str, Callable[[Any, Any], float]]]:
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    out = []
    for m in metrics:
        if isinstance(m, str):
            fn = lookup(_metrics.METRICS, m, "metric", " or a function (outputs, y) -> float")
            if m == "accuracy" and loss_name in ("bce_with_logits", "hinge"):
                out.append((m, lambda o, t: _metrics.accuracy(o, t, threshold=0.0)))
            else:
                out.append((m, fn))
        elif callable(m):
            out.append((getattr(m, "__name__", "metric"), m))
        else:
            raise TypeError(f"a metric must be a name or a callable, got {type(m).__name__}")
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f"metric names must be unique, got {names}")
    return out


def _stack(parts: list[Any]) -> Any:
    """The outputs of an epoch's batches as one thing a metric takes: an array (n,) or (n, k)
    when numpy is installed, else a list of floats (one output) or of lists."""
    if not parts:
        return []
    if type(parts[0]).__module__ == "numpy":
        import numpy as np

        return np.concatenate(parts)
    rows = [r for part in parts for r in part]
    try:
        import numpy as np
    except ImportError:
        return [r[0] for r in rows] if rows and len(rows[0]) == 1 else rows
    a = np.array(rows, dtype=float)
    return a[:, 0] if a.shape[1] == 1 else a


def evaluate(model: Any, X: Any, y: Any, loss: str | Callable[..., Value] = "mse",
             metrics: Sequence[MetricSpec] | MetricSpec | None = None) -> dict[str, float]:
    """Loss and metrics of ``model`` on (X, y), in eval mode, without recording a graph."""
    data = as_data(X, y, "evaluate")
    loss_name, loss_fn = _losses.get(loss)
    return evaluate_eager(model, data, loss_fn, _metric_fns(metrics, loss_name), _stack)


def _make_optimizer(optimizer: Any, lr: Any, model: Any) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError("fit got both an Optimizer and lr; set the rate on the optimizer")
        return optimizer
    if isinstance(optimizer, str):
        cls = lookup(OPTIMIZERS, optimizer, "optimizer", " or an Optimizer object",
                     fold_case=True)
        return cls(model.parameters(), **({} if lr is None else {"lr": lr}))
    raise TypeError(f"optimizer must be a name ('sgd', 'adam', ...) or an Optimizer, got "
                    f"{type(optimizer).__name__}")


def _interactive() -> bool:
    """True in a terminal or a Jupyter kernel: where a progress bar is seen, not logged."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    if shell is not None and getattr(shell, "kernel", None) is not None:
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def _progress(epochs: int, progress: bool) -> Any:
    """A tqdm bar when asked for and someone can see it: not when stderr is a file or a pipe
    (CI logs, nohup), where each refresh would add a line."""
    if not progress or not _interactive():
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional (the 'plots' extra): train without a bar
        warnings.warn("fit(progress=True) shows a bar with tqdm, which is not installed: "
                      "pip install tqdm (or the 'plots' extra); training continues without a "
                      "bar (pass progress=False to silence this)", stacklevel=3)
        return None
    return tqdm(total=epochs, unit="epoch", leave=True)


#: fit stops (with a warning and ``history.stop_reason``) when the epoch loss grows beyond
#: this many times the first epoch's: diverging, though not yet infinite.
DIVERGENCE_FACTOR = 1e4


def _validation(validation: Any, nin: int | None) -> Data | None:
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError("fit validation must be a pair (X_val, y_val)")
    val = as_data(validation[0], validation[1], "fit validation")
    if nin is not None and val.nin != nin:
        raise ValueError(f"validation X has {val.nin} columns but the model expects {nin} "
                         "inputs")
    return val


def _stopper(early_stopping: Any, has_val: bool) -> EarlyStopping | None:
    if is_int(early_stopping):
        return EarlyStopping("val_loss" if has_val else "loss", int(early_stopping))
    if early_stopping is None or isinstance(early_stopping, EarlyStopping):
        return early_stopping
    raise TypeError(f"fit early_stopping must be an EarlyStopping, an int patience or None, "
                    f"got {type(early_stopping).__name__}")


def _classes(model: Any) -> int | None:
    """How many outputs the model has, when it says (an MLP does)."""
    nouts = getattr(model, "nouts", None)
    return nouts[-1] if isinstance(nouts, list) and nouts else None


def _divergence(history: History, logs: dict[str, float], epoch: int) -> str | None:
    """Why training must stop after this epoch's loss, if it must."""
    if not math.isfinite(logs["loss"]):
        return f"the loss became {logs['loss']} at epoch {epoch}; try a smaller learning rate"
    first = history.history["loss"][0]
    if first > 0 and logs["loss"] > DIVERGENCE_FACTOR * first:
        return (f"the loss grew from {first:.4g} (epoch 0) to {logs['loss']:.4g} at epoch "
                f"{epoch}, more than {DIVERGENCE_FACTOR:g} times: training is diverging; "
                "try a smaller learning rate")
    return None


def fit(model: Any, X: Any, y: Any, loss: str | Callable[..., Value] = "mse",
        optimizer: Optimizer | str = "sgd", epochs: int = 100, batch_size: int | None = None,
        validation: tuple[Any, Any] | None = None,
        metrics: Sequence[MetricSpec] | MetricSpec | None = None, *, lr: Any = None,
        l1: float = 0.0, l2: float = 0.0, early_stopping: EarlyStopping | int | None = None,
        shuffle: bool = True, seed: int | None = 0, progress: bool = True,
        compiled: bool = False,
        callbacks: Sequence[Callable[[int, dict[str, float]], Any]] = ()) -> History:
    """Train ``model`` on (X, y) and return the per-epoch :class:`History`.

    Args:
        model: an MLP (or any Module called on one input row).
        X, y: numpy arrays (or lists), one row per sample; y holds class indices for
            cross_entropy; boolean targets count as 0 and 1.
        loss: 'mse', 'binary_cross_entropy' ('bce'), 'bce_with_logits', 'cross_entropy',
            'hinge', or a function (predictions, targets) -> Value.
        optimizer: an Optimizer, or a name ('sgd', 'adam', 'adamw', 'rmsprop') built with
            ``lr`` (or that optimizer's default rate).
        epochs: passes over the training data.
        batch_size: samples per step; None = all of them (batch gradient descent).
        validation: (X_val, y_val), evaluated after every epoch.
        metrics: names ('accuracy', 'mse', 'mae', 'rmse') or functions (outputs, y) -> float.
        l1, l2: penalty strengths added to the loss (see :mod:`nn.losses`).
        early_stopping: an EarlyStopping, or an int patience on 'val_loss' (or on 'loss'
            without validation data).
        shuffle, seed: minibatch order, reproducible from seed.
        progress: show a tqdm progress bar (notebook-aware).
        compiled: trace the per-example loss (+ penalties) once with
            :func:`autograd_core.compile` and run every batch, its metrics and the validation
            on numpy arrays: the same updates as the eager loop (to rounding), many times
            faster. The batch loss is the mean of per-example losses, so a custom loss must
            be a mean over examples and built from ops only (no ``if`` on ``.data``); a
            model with dropout is refused (tracing would freeze the mask).
        callbacks: functions (epoch, logs) called after every epoch.
    """
    if not is_int(epochs) or epochs < 0:
        raise ValueError(f"fit epochs must be a non-negative int, got {epochs!r}")
    train = as_data(X, y, "fit")
    if batch_size is not None and (not is_int(batch_size) or batch_size < 1):
        raise ValueError(f"fit batch_size must be a positive int or None, got {batch_size!r}")
    nin = getattr(model, "nin", None)
    if nin is not None and train.nin != nin:
        shape = (train.n, train.nin)
        raise ValueError(f"{type(model).__name__} expected {nin} inputs, got {train.nin} "
                         f"(X has shape {shape})")
    val = _validation(validation, nin)
    loss_name, loss_fn = _losses.get(loss)
    if loss_name == "cross_entropy" and _classes(model) == 1:
        raise ValueError(_losses._ONE_LOGIT + f" (this model, {type(model).__name__}(..., "
                         f"{model.nouts}), has one output)")
    mfns = _metric_fns(metrics, loss_name)
    opt = _make_optimizer(optimizer, lr, model)
    for name, lam in (("l1", l1), ("l2", l2)):
        if not is_real(lam) or lam < 0:
            raise ValueError(f"fit {name} must be a non-negative number, got {lam!r}")
    stopper = _stopper(early_stopping, val is not None)
    runner: Any
    if compiled:
        if train.X is None:
            raise ImportError("fit(compiled=True) runs the model on numpy arrays, and numpy is "
                              "not installed here: pip install numpy, or use compiled=False")
        from nn.compiled_fit import CompiledRunner

        runner = CompiledRunner(model, forward_fn(model), loss_fn, loss_name, l1, l2, train)
    else:
        runner = EagerRunner(model, loss_fn, l1, l2, _stack)
    classes = runner.k if compiled else _classes(model)
    for data, who in ((train, "fit"), (val, "fit validation")):
        if data is not None:
            _losses.check_targets(loss_name, data.targets, classes, who)
    batching = (train.n if batch_size is None else int(batch_size), seed, shuffle)
    return _train(model, runner, train, val, opt, mfns, int(epochs), batching, stopper,
                  list(callbacks), _progress(int(epochs), progress))


def _train(model: Any, runner: Any, train: Data, val: Data | None, opt: Optimizer,
           mfns: MetricFns, epochs: int, batching: tuple[int, int | None, bool],
           stopper: EarlyStopping | None, callbacks: list[Callable[..., Any]], bar: Any
           ) -> History:
    """The epochs: steps, logs, callbacks, the bar and the reasons to stop early."""
    history = History()
    is_module = isinstance(model, Module)
    try:
        if is_module:
            model.train()
        for epoch in range(epochs):
            logs = _epoch(runner, train, opt, mfns, epoch, batching)
            if callbacks or stopper is not None:
                runner.sync()  # the epoch's weights into the Values: someone may look at them
            if val is not None:
                logs.update({"val_" + k: v for k, v in runner.evaluate(val, mfns).items()})
            history.append(logs)
            for cb in callbacks:
                cb(epoch, logs)
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
                bar.update(1)
            history.stop_reason = _divergence(history, logs, epoch)
            if history.stop_reason is not None:
                warnings.warn(history.stop_reason, RuntimeWarning, stacklevel=3)
                break
            if stopper is not None and stopper.update(epoch, logs, model):
                history.stopped_early = True
                history.stop_reason = (f"early stopping: {stopper.monitor} did not improve for "
                                       f"{stopper.patience} epochs")
                break
    except KeyboardInterrupt:
        history.interrupted = True
        history.stop_reason = (f"interrupted (Ctrl-C) after {history.epochs} complete epochs; "
                               "the model keeps its latest weights")
    finally:
        runner.sync(final=True)
        if bar is not None:
            bar.close()
        if is_module:
            model.train()
    if stopper is not None and stopper.best_epoch is not None:
        history.best_epoch = stopper.best_epoch
        if stopper.restore_best and stopper.best_state is not None and not history.interrupted:
            model.load_state_dict(stopper.best_state)
    return history


def _epoch(runner: Any, train: Data, opt: Optimizer, mfns: MetricFns, epoch: int,
           batching: tuple[int, int | None, bool]) -> dict[str, float]:
    """One pass over the training data: {'loss': mean data loss, each metric: value}."""
    batch_size, seed, shuffle = batching
    runner.begin_epoch()
    total, outs, seen = 0.0, [], []
    batch_seed = None if seed is None else seed * 1_000_003 + epoch
    for batch in batches(train.n, batch_size, batch_seed, shuffle, runner.whole_in_order):
        loss, out = runner.step(train, batch, opt, bool(mfns))
        total += loss * len(batch)
        if out is not None:
            outs.append(out)
            seen.append(batch)
    logs = {"loss": total / train.n}
    if mfns:
        outputs, targets = _stack(outs), train.targets_at(seen)
        for name, fn in mfns:
            logs[name] = float(fn(outputs, targets))
    return logs

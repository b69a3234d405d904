"""fit(): the training loop of the lectures, with the bookkeeping done.

One epoch = one pass over the training data in minibatches. For each batch::

    predictions = [model(x) for x in batch]           # forward: builds the graph
    loss = loss_fn(predictions, targets) + penalty    # mean data loss (+ L1/L2)
    optimizer.zero_grad(); loss.backward()            # backward: every .grad filled
    optimizer.step()                                  # p.data -= lr * (update rule)

``batch_size=None`` (the default) uses the whole training set per step (batch gradient
descent), ``1`` is stochastic gradient descent, anything between is minibatch SGD.

After each epoch the History gets ``loss`` (the mean data loss over the epoch's batches,
without the penalty, so that it compares with ``val_loss``) and each metric computed on the
outputs seen during the epoch; with ``validation=(X_val, y_val)`` also ``val_loss`` and
``val_<metric>`` computed in eval mode without recording a graph. Early stopping watches one of
those keys; Ctrl-C (KeyboardInterrupt) ends training cleanly, keeping the latest weights and
the History so far (``history.interrupted`` is True).
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
else:  # numpy is imported on first use, so this module imports where numpy is missing
    class _LazyNumpy:
        def __getattr__(self, name: str) -> Any:
            import numpy

            return getattr(numpy, name)

    np = _LazyNumpy()

from autograd_core import Value, no_grad
from autograd_core.functional import dot, logsumexp
from nn import losses as _losses
from nn import metrics as _metrics
from nn.data import minibatches
from nn.layers import Dropout
from nn.module import Module
from nn.optim import OPTIMIZERS, Optimizer

MetricSpec = str | Callable[["np.ndarray", "np.ndarray"], float]


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
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping patience must be a positive int, got {patience!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got {mode!r}")
        if not isinstance(min_delta, (int, float)) or min_delta < 0:
            raise ValueError(f"EarlyStopping min_delta must be >= 0, got {min_delta!r}")
        self.monitor = monitor
        self.patience = patience
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


def _forward_fn(model: Any) -> Callable[[list[float]], list[Value]]:
    """A function row -> list of output Values for the model."""
    fwd = getattr(model, "_forward", None)
    if fwd is not None and hasattr(model, "nin"):
        nin = model.nin

        def run(row: list[float]) -> list[Value]:
            if len(row) != nin:
                raise ValueError(f"{type(model).__name__} expected {nin} inputs, got {len(row)}")
            return fwd(row)  # type: ignore[no-any-return]
        return run

    def call(row: list[float]) -> list[Value]:
        out = model(row)
        return list(out) if isinstance(out, (list, tuple)) else [out]
    return call


def _metric_fns(metrics: Sequence[MetricSpec] | MetricSpec | None, loss_name: str
                ) -> list[tuple[str, Callable[[np.ndarray, np.ndarray], float]]]:
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    out = []
    for m in metrics:
        if isinstance(m, str):
            fn = _metrics.METRICS.get(m)
            if fn is None:
                raise ValueError(f"unknown metric {m!r}; use one of "
                                 f"{', '.join(repr(k) for k in _metrics.METRICS)} or a "
                                 "function (outputs, y) -> float")
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


def _as_xy(X: Any, y: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    Xa = np.asarray(X, dtype=float)
    ya = np.asarray(y)
    if Xa.ndim == 1:
        Xa = Xa.reshape(-1, 1)
    if Xa.ndim != 2 or len(Xa) == 0:
        raise ValueError(f"{who}: X must be a non-empty 2-D array (samples x features), got "
                         f"shape {Xa.shape}")
    if len(Xa) != len(ya):
        raise ValueError(f"{who}: X has {len(Xa)} samples but y has {len(ya)}; they must match")
    if ya.dtype.kind not in "biuf":
        raise TypeError(f"{who}: y must be numeric, got dtype {ya.dtype}")
    for name, arr in (("X", Xa), ("y", ya)):
        _check_finite(arr, name, who)
    if ya.ndim == 2 and ya.shape[1] == 1:
        ya = ya[:, 0]
    return Xa, ya


def _check_finite(arr: np.ndarray, name: str, who: str) -> None:
    """Refuse NaN or infinite data up front (one NaN would turn every weight into NaN),
    naming the array and its first bad row, as scikit-learn does."""
    if arr.dtype.kind != "f":
        return
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = bad.reshape(len(arr), -1).any(axis=1)
        i = int(np.argmax(rows))
        where = f"row {i}" + (f", column {int(np.argmax(bad[i]))}" if arr.ndim > 1 else "")
        value = arr[i][np.argmax(bad[i])] if arr.ndim > 1 else arr[i]
        keep = (f"np.isfinite({name}).all(axis=1)" if arr.ndim > 1 else f"np.isfinite({name})")
        raise ValueError(f"{who}: {name} contains {int(rows.sum())} row(s) with NaN or infinite "
                         f"values; the first is {where} ({value}). Remove or fill them first, "
                         f"e.g. keep = {keep}; X, y = X[keep], y[keep]")


def _batches3(Xa: np.ndarray, Ya: np.ndarray, ya: np.ndarray, batch_size: int,
              seed: int | None, shuffle: bool) -> Any:
    """The minibatches :func:`minibatches` yields, with the encoded targets ``Ya`` alongside.
    One batch of everything is not shuffled: its mean loss is the same in any order."""
    if batch_size >= len(Xa):
        yield Xa, Ya, ya
        return
    idx = np.arange(len(Xa))
    for Xb, ib in minibatches(Xa, idx, batch_size, seed=seed, shuffle=shuffle):
        rows = np.asarray(ib, dtype=int)
        yield Xb, Ya[rows], ya[rows]


def _run(fwd: Callable[[list[float]], list[Value]], rows: list[list[float]]
         ) -> list[list[Value]]:
    return [fwd(r) for r in rows]


def _preds(outs: list[list[Value]]) -> list[Any]:
    return [o[0] for o in outs] if outs and len(outs[0]) == 1 else outs  # type: ignore


def _out_array(outs: list[list[Value]]) -> np.ndarray:
    a = np.array([[v.data for v in o] for o in outs], dtype=float)
    return a[:, 0] if a.shape[1] == 1 else a


def evaluate(model: Any, X: Any, y: Any, loss: str | Callable[..., Value] = "mse",
             metrics: Sequence[MetricSpec] | MetricSpec | None = None) -> dict[str, float]:
    """Loss and metrics of ``model`` on (X, y), in eval mode, without recording a graph."""
    Xa, ya = _as_xy(X, y, "evaluate")
    loss_name, loss_fn = _losses.get(loss)
    return _evaluate(model, Xa, ya, loss_fn, _metric_fns(metrics, loss_name))


def _evaluate(model: Any, Xa: np.ndarray, ya: np.ndarray, loss_fn: Callable[..., Value],
              mfns: list[tuple[str, Callable[[np.ndarray, np.ndarray], float]]]
              ) -> dict[str, float]:
    fwd = _forward_fn(model)
    was_training = getattr(model, "training", False)
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            outs = _run(fwd, Xa.tolist())
            value = loss_fn(_preds(outs), ya.tolist()).data
    finally:
        if isinstance(model, Module):
            model.train(was_training)
    logs = {"loss": float(value)}
    arr = _out_array(outs)
    for name, fn in mfns:
        logs[name] = float(fn(arr, ya))
    return logs


def _make_optimizer(optimizer: Any, lr: Any, model: Any) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError("fit got both an Optimizer and lr; set the rate on the optimizer")
        return optimizer
    if isinstance(optimizer, str):
        cls = OPTIMIZERS.get(optimizer.lower())
        if cls is None:
            raise ValueError(f"unknown optimizer {optimizer!r}; use one of "
                             f"{', '.join(repr(k) for k in OPTIMIZERS)} or an Optimizer object")
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


class _CompiledRunner:
    """fit(compiled=True): the per-example loss (+ penalties) traced once, run on whole batches.

    ``prog`` is the objective of ONE example, ``loss_fn(model(x), t) + l2 + l1``, compiled with
    :func:`autograd_core.compile`; ``prog(Xb, Yb)`` returns the batch mean and adds its gradient
    to every parameter's ``.grad``, as ``objective.backward()`` does in the eager loop. A class
    label for cross_entropy becomes a one-hot row and the loss ``logsumexp(z) - dot(onehot, z)``
    (indexing by the label would make the graph depend on the data). ``predict`` (the model's
    outputs, for metrics and validation) and ``data_loss`` (without the penalties, for
    validation) are compiled too."""

    def __init__(self, model: Any, fwd: Callable[[list[Any]], list[Value]],
                 loss_fn: Callable[..., Value], loss_name: str, params: list[Value],
                 l1: float, l2: float, nin: int, y_example: np.ndarray) -> None:
        from autograd_core import compile as _compile
        from autograd_core.compiled import DataDependentError

        if isinstance(model, Module):
            for m in model.modules():
                if isinstance(m, Dropout) and m.p > 0.0:
                    raise ValueError(
                        f"fit(compiled=True) cannot train a model with dropout (p={m.p}): "
                        "tracing draws the dropout mask once and would replay the same mask "
                        "for every example and every step. Use compiled=False, or dropout=0")
        self.params = params
        self.l1, self.l2 = float(l1), float(l2)
        self.one_hot = loss_fn is _losses.cross_entropy

        def outputs(x: list[Value]) -> Any:
            z = fwd(x)
            return z[0] if len(z) == 1 else z

        def per_example(x: list[Value], t: Any) -> Value:
            z = fwd(x)
            if self.one_hot:
                return logsumexp(z) - dot(t, z)  # type: ignore[no-any-return]
            return loss_fn(z[0] if len(z) == 1 else z, t)

        def objective(x: list[Value], t: Any) -> Value:
            obj = per_example(x, t)
            if l2:
                obj = obj + _losses.l2_penalty(params, l2)
            if l1:
                obj = obj + _losses.l1_penalty(params, l1)
            return obj

        was_training = getattr(model, "training", None)
        try:
            self.predict = _compile(outputs, nin, params=params)
            self.k = 1 if self.predict.out_shape is None else self.predict.out_shape[0]
            tshape: tuple[int, ...] = (self.k,) if self.one_hot else tuple(y_example.shape[1:])
            self.prog = _compile(objective, nin, tshape, params=params)
            self.data_loss = (self.prog if not (l1 or l2)
                              else _compile(per_example, nin, tshape, params=params))
        except DataDependentError as e:
            raise ValueError(f"fit(compiled=True): the model or the loss {loss_name!r} looks at "
                             f"the numbers of its Values, so it cannot be compiled ({e}). Use "
                             "compiled=False, or write the loss with ops (relu, abs, clamp, "
                             "a one-hot target with dot)") from e
        finally:
            if was_training is not None and isinstance(model, Module):
                model.train(was_training)
        self.loss_name = loss_name
        # during training the parameters and the optimizer's state live in arrays
        # (nn.array_optim); sync() writes them back into the Values
        self.theta = self.prog.get_params()
        self.arr: Any = None
        self.arr_for: Any = None

    def targets(self, y: np.ndarray, who: str) -> np.ndarray:
        """Targets as the float array the program takes, checked as the eager loss checks them."""
        name = self.loss_name
        if self.one_hot:
            ok = np.isfinite(y) & (y == np.round(y)) & (y >= 0) & (y < self.k)
            if y.ndim != 1 or not ok.all():
                bad = y if y.ndim != 1 else y[~ok][:3]
                raise ValueError(f"{who}: cross_entropy targets must be class indices in "
                                 f"0..{self.k - 1}, got {bad!r}")
            return np.eye(self.k)[y.astype(int)]
        yf = np.asarray(y, dtype=float)
        if name == "hinge" and not np.isin(yf, (-1.0, 1.0)).all():
            raise ValueError(f"{who}: hinge targets must be -1 or +1; map 0/1 labels with "
                             "2 * y - 1")
        if name in ("binary_cross_entropy", "bce_with_logits") and not (
                (yf >= 0.0) & (yf <= 1.0)).all():
            raise ValueError(f"{who}: {name} targets must be in [0, 1]")
        return yf

    def penalty(self) -> float:
        """The penalties' value at the current parameters (to report the data loss alone)."""
        if not (self.l1 or self.l2):
            return 0.0
        theta = self.theta[:len(self.params)]
        total = 0.5 * self.l2 * float(np.dot(theta, theta)) if self.l2 else 0.0
        return total + self.l1 * float(np.abs(theta).sum()) if self.l1 else total

    def step(self, Xb: np.ndarray, Yb: np.ndarray, opt: Optimizer, want_outputs: bool
             ) -> tuple[float, np.ndarray | None]:
        """One optimizer step on a batch: (mean data loss before the step, outputs or None)."""
        from nn.array_optim import array_optimizer

        theta = self.theta
        outs = self.predict.forward(Xb, params=theta) if want_outputs else None
        pen = self.penalty()
        obj, grad = self.prog.value_and_grad(Xb, Yb, params=theta)
        if self.arr_for is not opt:
            self.sync()
            self.arr, self.arr_for = array_optimizer(opt, self.prog.parameters), opt
        if self.arr is not None:
            self.arr.step(theta, grad)
        else:  # an optimizer of the user's own: its update runs on the Values
            self.prog.set_params(theta)
            opt.zero_grad()
            for p, g in zip(self.prog.parameters, grad.tolist()):
                p.grad += g
            opt.step()
            theta[:] = self.prog.get_params()
        return obj - pen, outs

    def sync(self, final: bool = False) -> None:
        """Write the parameters and the optimizer's state from the arrays into the Values
        and the optimizer object (the end of an epoch); ``final``: also the last gradient
        into ``.grad`` (the end of training)."""
        if self.arr is not None:
            self.arr.write_back(self.theta, self.prog.parameters, grads=final)

    def evaluate(self, Xa: np.ndarray, Ya: np.ndarray, ya: np.ndarray,
                 mfns: list[tuple[str, Callable[[np.ndarray, np.ndarray], float]]]
                 ) -> dict[str, float]:
        """Validation loss and metrics, like :func:`evaluate` (no dropout to switch off)."""
        per = self.data_loss.forward(Xa, Ya, params=self.theta)
        logs = {"loss": float(per.mean() - (self.penalty() if self.data_loss is self.prog
                                               else 0.0))}
        if mfns:
            arr = self.predict.forward(Xa, params=self.theta)
            for name, fn in mfns:
                logs[name] = float(fn(arr, ya))
        return logs


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
        X, y: numpy arrays, one row per sample; y holds class indices for cross_entropy.
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
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit epochs must be a non-negative int, got {epochs!r}")
    Xa, ya = _as_xy(X, y, "fit")
    n = len(Xa)
    if batch_size is None:
        batch_size = n
    elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit batch_size must be a positive int or None, got {batch_size!r}")
    nin = getattr(model, "nin", None)
    if nin is not None and Xa.shape[1] != nin:
        raise ValueError(f"{type(model).__name__} expected {nin} inputs, got {Xa.shape[1]} "
                         f"(X has shape {Xa.shape})")
    val = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("fit validation must be a pair (X_val, y_val)")
        val = _as_xy(validation[0], validation[1], "fit validation")
        if nin is not None and val[0].shape[1] != nin:
            raise ValueError(f"validation X has {val[0].shape[1]} columns but the model "
                             f"expects {nin} inputs")
    loss_name, loss_fn = _losses.get(loss)
    nouts = getattr(model, "nouts", None)
    if loss_name == "cross_entropy" and isinstance(nouts, list) and nouts and nouts[-1] == 1:
        raise ValueError(_losses._ONE_LOGIT + f" (this model, {type(model).__name__}(..., "
                         f"{nouts}), has one output)")
    mfns = _metric_fns(metrics, loss_name)
    opt = _make_optimizer(optimizer, lr, model)
    for name, lam in (("l1", l1), ("l2", l2)):
        if isinstance(lam, bool) or not isinstance(lam, (int, float)) or lam < 0:
            raise ValueError(f"fit {name} must be a non-negative number, got {lam!r}")
    stopper: EarlyStopping | None
    if isinstance(early_stopping, int) and not isinstance(early_stopping, bool):
        stopper = EarlyStopping("val_loss" if val is not None else "loss", early_stopping)
    elif early_stopping is None or isinstance(early_stopping, EarlyStopping):
        stopper = early_stopping
    else:
        raise TypeError(f"fit early_stopping must be an EarlyStopping, an int patience or None, "
                        f"got {type(early_stopping).__name__}")
    params = model.parameters()
    fwd = _forward_fn(model)
    runner: _CompiledRunner | None = None
    if compiled:
        runner = _CompiledRunner(model, fwd, loss_fn, loss_name, params, l1, l2,
                                 Xa.shape[1], ya)
        Ya = runner.targets(ya, "fit")
        Yv = np.empty(0) if val is None else runner.targets(val[1], "fit validation")
    history = History()
    bar = _progress(epochs, progress)
    is_module = isinstance(model, Module)
    try:
        if is_module:
            model.train()
        for epoch in range(epochs):
            if is_module and runner is None:  # compiled: nothing switches to eval mode
                model.train()
            total, outs_all, ys_all = 0.0, [], []
            batch_seed = None if seed is None else seed * 1_000_003 + epoch
            if runner is not None:
                for Xb, Yb, yb in _batches3(Xa, Ya, ya, batch_size, batch_seed, shuffle):
                    bl, arr = runner.step(Xb, Yb, opt, bool(mfns))
                    total += bl * len(Xb)
                    if arr is not None:
                        outs_all.append(arr)
                        ys_all.append(yb)
            for Xb, yb in (() if runner is not None else
                           minibatches(Xa, ya, batch_size, seed=batch_seed, shuffle=shuffle)):
                outs = _run(fwd, Xb.tolist())
                data_loss = loss_fn(_preds(outs), yb.tolist())
                objective = data_loss
                if l2:
                    objective = objective + _losses.l2_penalty(params, l2)
                if l1:
                    objective = objective + _losses.l1_penalty(params, l1)
                opt.zero_grad()
                objective.backward()
                opt.step()
                total += data_loss.data * len(Xb)
                if mfns:
                    outs_all.append(_out_array(outs))
                    ys_all.append(yb)
            if runner is not None and (callbacks or stopper is not None):
                runner.sync()  # the epoch's weights into the Values: someone may look at them
            logs = {"loss": total / n}
            if mfns:
                outputs = np.concatenate(outs_all)
                targets = np.concatenate(ys_all)
                for name, fn in mfns:
                    logs[name] = float(fn(outputs, targets))
            if val is not None:
                vlogs = (_evaluate(model, val[0], val[1], loss_fn, mfns) if runner is None
                         else runner.evaluate(val[0], Yv, val[1], mfns))
                for key, value in vlogs.items():
                    logs["val_" + key] = value
            history.append(logs)
            for cb in callbacks:
                cb(epoch, logs)
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)
                bar.update(1)
            if not math.isfinite(logs["loss"]):
                history.stop_reason = (f"the loss became {logs['loss']} at epoch {epoch}; try a "
                                       "smaller learning rate")
                warnings.warn(history.stop_reason, RuntimeWarning, stacklevel=2)
                break
            first = history.history["loss"][0]
            if first > 0 and logs["loss"] > DIVERGENCE_FACTOR * first:
                history.stop_reason = (
                    f"the loss grew from {first:.4g} (epoch 0) to {logs['loss']:.4g} at epoch "
                    f"{epoch}, more than {DIVERGENCE_FACTOR:g} times: training is diverging; "
                    "try a smaller learning rate")
                warnings.warn(history.stop_reason, RuntimeWarning, stacklevel=2)
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
        if runner is not None:
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

"""Metrics: numbers that say how good predictions are, computed on plain numpy arrays.

``outputs`` are model outputs, shape (n,) for one output or (n, k) for k; ``y`` the targets.

    accuracy   fraction of samples whose predicted class is the true class:
               k outputs -> argmax; one output -> output > threshold (0.5 for probabilities or
               0/1 regression targets, 0 for logits, hinge scores and -1/+1 labels)
    mse        mean (output - y)^2       mae   mean |output - y|      rmse  sqrt(mse)

Any function ``(outputs, y) -> float`` can be passed to ``fit`` as a metric too; its
``__name__`` names it in the History.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
else:  # numpy is imported on first use, so this module imports where numpy is missing
    class _LazyNumpy:
        def __getattr__(self, name: str) -> Any:
            import numpy

            return getattr(numpy, name)

    np = _LazyNumpy()

Metric = Callable[["np.ndarray", "np.ndarray"], float]


def accuracy(outputs: Any, y: Any, threshold: float | None = None) -> float:
    """Fraction of correct class predictions (see the module docstring for the rule)."""
    out = np.asarray(outputs, dtype=float)
    ya = np.asarray(y)
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if len(out) != len(ya):
        raise ValueError(f"accuracy got {len(out)} outputs and {len(ya)} targets")
    if len(out) == 0:
        raise ValueError("accuracy got no samples")
    if out.ndim == 2:
        truth = ya.argmax(axis=1) if ya.ndim == 2 else ya.astype(int)
        return float(np.mean(out.argmax(axis=1) == truth))
    yf = ya.astype(float).reshape(len(ya))
    signed = bool(np.any(yf < 0))
    if threshold is None:
        threshold = 0.0 if signed else 0.5
    truth_pos = yf > (0.0 if signed else 0.5)
    return float(np.mean((out > threshold) == truth_pos))


def _pair(outputs: Any, y: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    out = np.asarray(outputs, dtype=float)
    ya = np.asarray(y, dtype=float)
    if out.size != ya.size:
        raise ValueError(f"{who} got {out.size} outputs and {ya.size} targets")
    return out.reshape(-1), ya.reshape(-1)


def mse(outputs: Any, y: Any) -> float:
    """Mean squared error (output - y)^2."""
    o, t = _pair(outputs, y, "mse")
    return float(np.mean((o - t) ** 2))


def mae(outputs: Any, y: Any) -> float:
    """Mean absolute error |output - y|."""
    o, t = _pair(outputs, y, "mae")
    return float(np.mean(np.abs(o - t)))


def rmse(outputs: Any, y: Any) -> float:
    """Root mean squared error, in the units of y."""
    return float(np.sqrt(mse(outputs, y)))


METRICS: dict[str, Metric] = {"accuracy": accuracy, "mse": mse, "mae": mae, "rmse": rmse}

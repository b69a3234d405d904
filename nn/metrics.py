"""Metrics: numbers that say how good predictions are.

``outputs`` are model outputs, shape (n,) for one output or (n, k) for k; ``y`` the targets.
Both may be numpy arrays (computed with numpy, as fit does when numpy is installed) or plain
Python lists (computed in pure Python, so metrics work where numpy is missing, e.g. in the
browser):

    accuracy   fraction of samples whose predicted class is the true class:
               k outputs -> argmax; one output -> output > threshold (0.5 for probabilities or
               0/1 regression targets, 0 for logits, hinge scores and -1/+1 labels)
    mse        mean (output - y)^2       mae   mean |output - y|      rmse  sqrt(mse)

Any function ``(outputs, y) -> float`` can be passed to ``fit`` as a metric too; its
``__name__`` names it in the History.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Metric = Callable[[Any, Any], float]


def _arrays(*xs: Any) -> bool:
    """True when any argument is a numpy array (the numpy path; numpy is then imported)."""
    return any(type(x).__module__ == "numpy" for x in xs)


def _flat(x: Any) -> list[float]:
    """A nested list of numbers, flattened."""
    out: list[float] = []
    stack = [x]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(reversed(v))
        else:
            out.append(float(v))
    return out


def accuracy(outputs: Any, y: Any, threshold: float | None = None) -> float:
    """Fraction of correct class predictions (see the module docstring for the rule)."""
    if _arrays(outputs, y):
        return _accuracy_np(outputs, y, threshold)
    out = [o[0] if isinstance(o, (list, tuple)) and len(o) == 1 else o for o in outputs]
    ya = list(y)
    if len(out) != len(ya):
        raise ValueError(f"accuracy got {len(out)} outputs and {len(ya)} targets")
    if not out:
        raise ValueError("accuracy got no samples")
    if isinstance(out[0], (list, tuple)):
        def argmax(row: Any) -> int:
            return max(range(len(row)), key=row.__getitem__)
        truth = [argmax(t) if isinstance(t, (list, tuple)) else int(t) for t in ya]
        return sum(argmax(o) == t for o, t in zip(out, truth, strict=True)) / len(out)
    yf = _flat(ya)
    signed = any(t < 0 for t in yf)
    if threshold is None:
        threshold = 0.0 if signed else 0.5
    cut = 0.0 if signed else 0.5
    return sum((o > threshold) == (t > cut) for o, t in zip(out, yf, strict=True)) / len(out)


def _accuracy_np(outputs: Any, y: Any, threshold: float | None) -> float:
    import numpy as np

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


def _errors(outputs: Any, y: Any, who: str) -> Any:
    """output - y for every entry: a flat numpy array, or a list without numpy."""
    if _arrays(outputs, y):
        import numpy as np

        out = np.asarray(outputs, dtype=float)
        ya = np.asarray(y, dtype=float)
        if out.size != ya.size:
            raise ValueError(f"{who} got {out.size} outputs and {ya.size} targets")
        return out.reshape(-1) - ya.reshape(-1)
    o, t = _flat(outputs), _flat(y)
    if len(o) != len(t):
        raise ValueError(f"{who} got {len(o)} outputs and {len(t)} targets")
    return [a - b for a, b in zip(o, t, strict=True)]


def _mean(xs: Any) -> float:
    if not isinstance(xs, list):
        return float(xs.mean())
    return math.fsum(xs) / len(xs) if xs else math.nan


def mse(outputs: Any, y: Any) -> float:
    """Mean squared error (output - y)^2."""
    e = _errors(outputs, y, "mse")
    return _mean([d * d for d in e] if isinstance(e, list) else e ** 2)


def mae(outputs: Any, y: Any) -> float:
    """Mean absolute error |output - y|."""
    e = _errors(outputs, y, "mae")
    return _mean([abs(d) for d in e] if isinstance(e, list) else abs(e))


def rmse(outputs: Any, y: Any) -> float:
    """Root mean squared error, in the units of y."""
    return math.sqrt(mse(outputs, y))


METRICS: dict[str, Metric] = {"accuracy": accuracy, "mse": mse, "mae": mae, "rmse": rmse}

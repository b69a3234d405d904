"""The data fit and evaluate train on: checked once, held as rows, batched by index.

:func:`as_data` checks ``(X, y)`` (a 2-D table of real numbers and one target per row, both
finite) and returns a :class:`Data`: the rows as Python lists, which the eager loop feeds to the
model, and, when numpy is installed, the same numbers as arrays, which the compiled loop and
the metrics use. Without numpy (in the browser) the checks run in pure Python on lists and
``Data.X``/``Data.y`` are None. Boolean targets count as 0 and 1 (``y = X[:, 0] > 0`` trains
as the 0/1 labels it means), on both loops; complex numbers are refused, as ``Value(1+2j)`` is.

:func:`batches` yields each minibatch as a list of row indices, shuffled from ``seed`` by
numpy's generator when numpy is installed (the order :func:`nn.data.minibatches` gives), else
by ``random.Random(seed)``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

from nn._checks import is_real


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class Data:
    """Checked training data: ``rows`` (lists of floats), ``targets`` (floats, ints or lists
    of floats), and the arrays ``X``, ``y`` when numpy is installed (else None)."""

    def __init__(self, rows: list[list[float]] | None, targets: list[Any], X: Any = None,
                 y: Any = None) -> None:
        self._rows, self.targets, self.X, self.y = rows, targets, X, y
        self.n = len(targets)
        self.nin = len(rows[0]) if rows is not None else int(X.shape[1])

    @property
    def rows(self) -> list[list[float]]:
        """X as lists of floats (made from the array when first asked for: the compiled loop
        never needs them)."""
        if self._rows is None:
            self._rows = self.X.tolist()
        return self._rows

    def targets_at(self, batches: list[list[int]]) -> Any:
        """The targets of these batches, in order: an array when numpy is installed."""
        if self.y is not None:
            np = _numpy()
            return self.y[np.concatenate([np.asarray(b, dtype=np.intp) for b in batches])]
        return [self.targets[i] for b in batches for i in b]

    def metric_targets(self) -> Any:
        return self.y if self.y is not None else self.targets


def as_data(X: Any, y: Any, who: str) -> Data:
    """Check and convert ``(X, y)``; ValueError or TypeError naming the problem."""
    np = _numpy()
    if np is not None:
        Xa, ya = _arrays(np, X, y, who)
        return Data(None, ya.tolist(), Xa, ya)
    rows, targets = _lists(X, y, who)
    return Data(rows, targets)


# --- with numpy --------------------------------------------------------------------------------
def _arrays(np: Any, X: Any, y: Any, who: str) -> tuple[Any, Any]:
    Xa = np.asarray(X)
    ya = np.asarray(y)
    for name, arr in (("X", Xa), ("y", ya)):
        if arr.dtype.kind == "c":
            raise TypeError(f"{who}: {name} holds complex numbers (dtype {arr.dtype}); a "
                            "network computes with real numbers, as Value(1+2j) is refused. "
                            f"Pass the part you mean: {name}.real, {name}.imag or abs({name})")
    Xa = np.asarray(Xa, dtype=float)
    if Xa.ndim == 1:
        Xa = Xa.reshape(-1, 1)
    if Xa.ndim != 2 or len(Xa) == 0:
        raise ValueError(f"{who}: X must be a non-empty 2-D array (samples x features), got "
                         f"shape {Xa.shape}")
    if len(Xa) != len(ya):
        raise ValueError(f"{who}: X has {len(Xa)} samples but y has {len(ya)}; they must match")
    if ya.dtype.kind not in "biuf":
        raise TypeError(f"{who}: y must be numeric, got dtype {ya.dtype}")
    if ya.dtype.kind == "b":
        ya = ya.astype(float)  # True/False as the labels 1/0
    for name, arr in (("X", Xa), ("y", ya)):
        _check_finite_array(np, arr, name, who)
    if ya.ndim == 2 and ya.shape[1] == 1:
        ya = ya[:, 0]
    return Xa, ya


def _check_finite_array(np: Any, arr: Any, name: str, who: str) -> None:
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


# --- without numpy: the same checks on lists ---------------------------------------------------
def _number(v: Any, who: str, name: str, where: str, keep_int: bool = False) -> Any:
    """One entry as a float (an int kept for targets), bools as 0/1; refuses the rest."""
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, complex):
        raise TypeError(f"{who}: {name} holds a complex number at {where} ({v!r}); a network "
                        "computes with real numbers, as Value(1+2j) is refused")
    if not is_real(v):
        raise TypeError(f"{who}: {name} must hold numbers; {where} is {type(v).__name__}: "
                        f"{v!r}")
    if keep_int and isinstance(v, int):
        return v
    return float(v)


def _is_row(v: Any) -> bool:
    return isinstance(v, (list, tuple))


def _lists(X: Any, y: Any, who: str) -> tuple[list[list[float]], list[Any]]:
    if not _is_row(X) or not X:
        shape = f"({len(X)},)" if _is_row(X) else type(X).__name__
        raise ValueError(f"{who}: X must be a non-empty 2-D array (samples x features) or a "
                         f"list of rows, got {shape}")
    rows = [[_number(v, who, "X", f"row {i}, column {j}") for j, v in enumerate(r)]
            if _is_row(r) else [_number(r, who, "X", f"row {i}")] for i, r in enumerate(X)]
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width or not r:
            raise ValueError(f"{who}: X must be a table: row 0 has {width} numbers but row {i} "
                             f"has {len(r)}")
    ys = list(y) if _is_row(y) else None
    if ys is None:
        raise TypeError(f"{who}: y must be a list (or array) of targets, one per row of X, got "
                        f"{type(y).__name__}")
    if len(rows) != len(ys):
        raise ValueError(f"{who}: X has {len(rows)} samples but y has {len(ys)}; they must match")
    targets = [[_number(v, who, "y", f"row {i}") for v in t] if _is_row(t)
               else _number(t, who, "y", f"row {i}", keep_int=True) for i, t in enumerate(ys)]
    if all(_is_row(t) and len(t) == 1 for t in targets):
        targets = [t[0] for t in targets]
    for name, table in (("X", rows), ("y", targets)):
        _check_finite_list(table, name, who)
    return rows, targets


def _check_finite_list(table: list[Any], name: str, who: str) -> None:
    bad = [i for i, r in enumerate(table)
           if not all(math.isfinite(v) for v in (r if _is_row(r) else [r]))]
    if bad:
        i = bad[0]
        row = table[i]
        if _is_row(row):
            j = next(j for j, v in enumerate(row) if not math.isfinite(v))
            where, value = f"row {i}, column {j}", row[j]
        else:
            where, value = f"row {i}", row
        raise ValueError(f"{who}: {name} contains {len(bad)} row(s) with NaN or infinite "
                         f"values; the first is {where} ({value}). Remove or fill them first")


# --- minibatches -------------------------------------------------------------------------------
def batches(n: int, batch_size: int, seed: int | None, shuffle: bool,
            whole_in_order: bool = False) -> Iterator[list[int]]:
    """Row indices of each minibatch covering ``range(n)`` once (the last may be smaller),
    in an order shuffled from ``seed``; ``whole_in_order``: one batch of everything keeps
    the rows' order (its mean loss is the same in any order)."""
    if whole_in_order and batch_size >= n:
        yield list(range(n))
        return
    np = _numpy()
    if not shuffle:
        order = list(range(n))
    elif np is not None:
        order = np.random.default_rng(seed).permutation(n).tolist()
    else:
        order = list(range(n))
        random.Random(seed).shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]

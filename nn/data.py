"""Small data sets and preprocessing, as numpy arrays ``(X, y)``.

Without numpy (in the browser, say) the fixed tables ``xor()`` and ``study_hours()`` are built
in pure Python and returned as lists of rows and a list of targets, which :func:`nn.fit` takes
as it takes arrays; the random generators, ``digits`` and the preprocessing need numpy (they
import it when called, and say so if it is missing). With numpy, every function returns arrays,
as always.

Generators (each reproducible from ``seed``, never touching numpy's global random state):

    xor()                  the 4 points of XOR, labels 0/1: not linearly separable (lecture 002)
    moons(n, noise, seed)  two interleaving half circles, labels 0/1 (micrograd's demo)
    circles(n, noise, factor, seed)   a ring around a disc, labels 0/1
    spirals(n, arms, noise, seed)     k interleaved spiral arms, labels 0..k-1 (CS231n)
    regression(n, noise, seed)        house prices from bedrooms, bathrooms, square feet
    study_hours()          the lecture's 8-row table: study hours, sleep hours, quiz -> exam
    digits()               scikit-learn's 8x8 handwritten digits (1797 x 64, labels 0..9)

Preprocessing: ``standardize`` (zero mean, unit variance per column), ``minmax_scale`` (each
column to [0, 1]), both using the statistics of a ``reference`` array (the training set) so
validation and test data are transformed the same way; ``train_val_test_split``; and seeded,
shuffled ``minibatches``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from nn._checks import is_int, is_real

if TYPE_CHECKING:
    import numpy as np

Pair = tuple["np.ndarray", "np.ndarray"]


def _numpy(who: str | None = None) -> Any:
    """The numpy module, imported now; None when it is missing and ``who`` is None, else an
    ImportError saying that ``who`` needs it."""
    try:
        import numpy
    except ImportError:
        if who is None:
            return None
        raise ImportError(f"{who} needs numpy, which is not installed here: pip install numpy "
                          "(nn.data.xor() and nn.data.study_hours() work without it)") from None
    return numpy


def _n(n: Any, what: str, minimum: int = 1) -> int:
    if not is_int(n) or n < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {n!r}")
    return int(n)


def _noise(x: Any, what: str = "noise") -> float:
    if not is_real(x) or not 0.0 <= x < math.inf:
        raise ValueError(f"{what} must be a non-negative number, got {x!r}")
    return float(x)


def _table(X: list[list[float]], y: list[float]) -> Any:
    """A fixed table as numpy arrays, or as the lists themselves without numpy."""
    np = _numpy()
    if np is None:
        return X, y
    return np.array(X, dtype=float), np.array(y, dtype=float)


def xor() -> Pair:
    """X = [[0,0],[0,1],[1,0],[1,1]], y = [0,1,1,0] (floats; lists of them without numpy)."""
    return _table([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],  # type: ignore[no-any-return]
                  [0.0, 1.0, 1.0, 0.0])


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> Pair:
    """Two interleaving half circles (sklearn's make_moons construction): the upper moon
    (cos t, sin t) has label 0, the lower one (1 - cos t, 0.5 - sin t) label 1, t in [0, pi];
    Gaussian noise of standard deviation ``noise`` is added to every coordinate."""
    np = _numpy("nn.data.moons()")
    n = _n(n, "moons n", 2)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    X = X + rng.normal(0.0, _noise(noise), X.shape)
    perm = rng.permutation(n)
    return X[perm], y[perm]


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = 0) -> Pair:
    """An outer circle of radius 1 (label 0) around an inner one of radius ``factor``
    (label 1), plus Gaussian noise: separable only by a non-linear boundary."""
    np = _numpy("nn.data.circles()")
    n = _n(n, "circles n", 2)
    if not isinstance(factor, (int, float)) or not 0.0 < factor < 1.0:
        raise ValueError(f"circles factor must be in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                        factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    X = X + rng.normal(0.0, _noise(noise), X.shape)
    perm = rng.permutation(n)
    return X[perm], y[perm]


def spirals(n: int = 300, arms: int = 3, noise: float = 0.2, seed: int | None = 0) -> Pair:
    """``arms`` spiral arms (CS231n's data set), ``n`` points in all, labels 0..arms-1 (ints).

    Arm j: radius r = linspace(0, 1), angle t = linspace(4j, 4(j + 1)) + noise * N(0, 1),
    point r (sin t, cos t)."""
    np = _numpy("nn.data.spirals()")
    arms = _n(arms, "spirals arms", 2)
    n = _n(n, "spirals n", arms)
    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for j in range(arms):
        m = n // arms + (1 if j < n % arms else 0)
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, m) + rng.normal(0.0, _noise(noise), m)
        Xs.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        ys.append(np.full(m, j, dtype=int))
    X, y = np.concatenate(Xs), np.concatenate(ys)
    perm = rng.permutation(n)
    return X[perm], y[perm]


def regression(n: int = 200, noise: float = 20.0, seed: int | None = 0) -> Pair:
    """Noisy house prices (lecture 002: bedrooms x1, bathrooms x2, square feet x3).

    X columns: bedrooms (1..5), bathrooms (1..3), square feet (~ 400 + 500 bedrooms + noise);
    y = 50 + 20 x1 + 15 x2 + 0.1 x3 + N(0, noise^2), in thousands of dollars. Standardize X
    before training: the columns differ by three orders of magnitude."""
    np = _numpy("nn.data.regression()")
    n = _n(n, "regression n")
    rng = np.random.default_rng(seed)
    bed = rng.integers(1, 6, n).astype(float)
    bath = rng.integers(1, 4, n).astype(float)
    sqft = np.round(400.0 + 500.0 * bed + rng.normal(0.0, 200.0, n)).clip(300.0, None)
    X = np.stack([bed, bath, sqft], 1)
    y = 50.0 + 20.0 * bed + 15.0 * bath + 0.1 * sqft + rng.normal(0.0, _noise(noise), n)
    return X, y


def study_hours() -> Pair:
    """The lecture's table (seed 000): X = [study hours, sleep hours, quiz], y = exam score,
    scores as fractions (78% -> 0.78); lists of floats without numpy."""
    X = [[12.0, 6.0, 0.78], [22.0, 6.5, 0.24], [115.0, 4.0, 1.00], [31.0, 9.0, 0.67],
         [0.0, 10.0, 0.58], [5.0, 8.0, 0.78], [92.0, 6.0, 0.82], [57.0, 8.0, 0.91]]
    return _table(X, [0.93, 0.68, 0.95, 0.75, 0.51, 0.60, 0.89, 0.97])  # type: ignore[no-any-return]


def digits() -> Pair:
    """scikit-learn's 8x8 handwritten digits: X (1797, 64) pixel intensities 0..16 (floats),
    y (1797,) labels 0..9. Needs scikit-learn (the data ship inside it; no download)."""
    np = _numpy("nn.data.digits()")
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError("nn.data.digits() needs scikit-learn, which ships the digits data; "
                          "install it with: pip install autograd-core[digits]") from e
    d = load_digits()
    return np.asarray(d.data, dtype=float), np.asarray(d.target, dtype=int)


# --- preprocessing ---------------------------------------------------------------------------
def _2d(X: Any, who: str) -> np.ndarray:
    np = _numpy(who)
    A = np.asarray(X, dtype=float)
    if A.ndim != 2 or A.shape[0] == 0:
        raise ValueError(f"{who} expects a non-empty 2-D array (samples x features), got shape "
                         f"{A.shape}")
    return A


def _with_reference(X: Any, reference: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    """X and the reference (X itself by default) as 2-D arrays with the same columns."""
    A = _2d(X, who)
    R = A if reference is None else _2d(reference, f"{who} reference")
    if R.shape[1] != A.shape[1]:
        raise ValueError(f"{who}: X has {A.shape[1]} columns but reference has {R.shape[1]}")
    return A, R


def standardize(X: Any, reference: Any = None) -> np.ndarray:
    """(X - mean) / std per column, mean and std taken from ``reference`` (default X itself).

    Use the training set as reference for validation and test data:
    ``standardize(X_test, reference=X_train)``. A constant column is only centred."""
    np = _numpy("nn.data.standardize()")
    A, R = _with_reference(X, reference, "standardize")
    mu = R.mean(axis=0)
    sd = R.std(axis=0)
    sd = np.where(sd == 0.0, 1.0, sd)
    return (A - mu) / sd  # type: ignore[no-any-return]


def minmax_scale(X: Any, reference: Any = None,
                 feature_range: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Each column mapped linearly so that the reference's min -> lo and max -> hi
    (``feature_range=(lo, hi)``); a constant column maps to lo."""
    np = _numpy("nn.data.minmax_scale()")
    A, R = _with_reference(X, reference, "minmax_scale")
    lo, hi = feature_range
    if not lo < hi:
        raise ValueError(f"minmax_scale feature_range must be (lo, hi) with lo < hi, got "
                         f"{feature_range!r}")
    mn, mx = R.min(axis=0), R.max(axis=0)
    span = np.where(mx - mn == 0.0, 1.0, mx - mn)
    return lo + (A - mn) / span * (hi - lo)  # type: ignore[no-any-return]


def _check_xy(X: Any, y: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    np = _numpy(who)
    Xa, ya = np.asarray(X), np.asarray(y)
    if Xa.ndim == 0 or ya.ndim == 0:
        raise ValueError(f"{who} expects arrays with one row per sample")
    if len(Xa) != len(ya):
        raise ValueError(f"{who}: X has {len(Xa)} samples but y has {len(ya)}; they must "
                         "match")
    return Xa, ya


def train_val_test_split(X: Any, y: Any, val: float = 0.15, test: float = 0.15,
                         seed: int | None = 0) -> tuple[Pair, Pair, Pair]:
    """Shuffle and split into ``(X_train, y_train), (X_val, y_val), (X_test, y_test)``.

    ``val`` and ``test`` are fractions of the samples (each rounded to a whole count); the
    rest is for training. ``val=0`` gives an empty validation pair."""
    np = _numpy("nn.data.train_val_test_split()")
    Xa, ya = _check_xy(X, y, "train_val_test_split")
    for name, f in (("val", val), ("test", test)):
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not 0.0 <= f < 1.0:
            raise ValueError(f"train_val_test_split {name} must be a fraction in [0, 1), got "
                             f"{f!r}")
    n = len(Xa)
    n_val, n_test = int(round(val * n)), int(round(test * n))
    if n - n_val - n_test < 1:
        raise ValueError(f"train_val_test_split: val={val} and test={test} leave no training "
                         f"samples out of {n}; use smaller fractions")
    perm = np.random.default_rng(seed).permutation(n)
    i_val, i_test, i_train = perm[:n_val], perm[n_val:n_val + n_test], perm[n_val + n_test:]
    return (Xa[i_train], ya[i_train]), (Xa[i_val], ya[i_val]), (Xa[i_test], ya[i_test])


def minibatches(X: Any, y: Any, batch_size: int, seed: int | None = None,
                shuffle: bool = True) -> Iterator[Pair]:
    """Yield ``(X_batch, y_batch)`` pairs covering every sample once (the last batch may be
    smaller), in an order shuffled by ``seed`` (``shuffle=False`` keeps the order).

    batch_size = len(X) is batch gradient descent, 1 is stochastic, between is minibatch."""
    np = _numpy("nn.data.minibatches()")
    Xa, ya = _check_xy(X, y, "minibatches")
    b = _n(batch_size, "minibatches batch_size")
    n = len(Xa)
    idx = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, b):
        sel = idx[start:start + b]
        yield Xa[sel], ya[sel]

"""Plots a learner would rather look at than read (matplotlib).

* :func:`plot_history`: loss and metric curves from a training History (train and validation);
* :func:`plot_decision_boundary`: a 2-D model's decision regions with the data points, for
  binary (one output) and multi-class (one output per class) models;
* :func:`plot_activations`: sigmoid, tanh, ReLU, leaky ReLU, ELU, softplus, hard tanh and
  softsign next to their derivatives. The curves are computed with the engine (a Value per
  point, ``backward()``), so the derivatives drawn are the op table's, not a second copy.

The colour convention of every picture in the project (plots, network diagrams, lessons) is
TensorFlow Playground's (:mod:`viz.colors`): :data:`POSITIVE` blue for class 1 / +1, positive
values and positive weights; :data:`NEGATIVE` orange for class 0 / -1, negative values and
negative weights. Decision regions shade from orange (output 0 or negative) to blue (output 1
or positive) on a *fixed* scale (0..1 for probabilities, symmetric around the threshold for
scores), so a model that says 0.5 everywhere looks white, not stretched into two colours.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global
state, no GUI backend needed; Jupyter shows it once), or draws into the ``ax`` it is given.
Save with ``fig.savefig("plot.png")``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from autograd_core import Value, no_grad
from autograd_core.rules import activations
from viz.colors import NEGATIVE, POSITIVE

if TYPE_CHECKING:  # numpy is imported by the functions that use it, so the colours and
    import numpy as np  # names here import where numpy is missing (the browser)

PLAYGROUND_BLUE = POSITIVE
PLAYGROUND_ORANGE = NEGATIVE
#: Colours of classes 0, 1, 2, ...: binary labels are orange (0 / -1) and blue (1 / +1).
CLASS_COLORS = [NEGATIVE, POSITIVE, "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf"]
#: Curve colours: training (blue, solid) and validation/test (orange, dashed).
TRAIN_COLOR = POSITIVE
VALIDATION_COLOR = NEGATIVE

# How plot_activations titles an activation of the op table (others: their symbol)
_TITLES = {"sigmoid": "sigmoid  1/(1+e^-x)", "tanh": "tanh", "relu": "ReLU  max(x, 0)",
           "leaky_relu": "leaky ReLU (slope 0.01)", "elu": "ELU (alpha 1)",
           "softplus": "softplus  log(1+e^x)"}
#: The activations :func:`plot_activations` knows: name -> (title, Value -> Value): the op
#: table's activations (:func:`autograd_core.rules.activations`), then two built from ops.
ACTIVATIONS: dict[str, tuple[str, Callable[[Value], Value]]] = {
    **{r.name: (_TITLES.get(r.name, r.symbol), getattr(Value, str(r.method)))
       for r in activations()},
    "hard_tanh": ("hard tanh  clamp(x, -1, 1)", lambda v: v.clamp(-1.0, 1.0)),
    "softsign": ("softsign  x/(1+|x|)", lambda v: v / (1 + abs(v))),
}


def _figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] | None = None) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as e:  # pragma: no cover - matplotlib is in the plots extra
        raise ImportError("viz plots need matplotlib: pip install 'autograd-core[plots]'") from e
    fig = Figure(figsize=size or (4.5 * ncols, 3.4 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


# --- training curves ----------------------------------------------------------------------------
def _history_dict(history: Any) -> dict[str, list[float]]:
    h = getattr(history, "history", history)
    if not isinstance(h, Mapping):
        raise TypeError("plot_history() expects a History (with .history) or a dict of "
                        f"metric name -> list of numbers, got {type(history).__name__}")
    out = {}
    for k, v in h.items():
        try:
            out[str(k)] = [float(x) for x in v]
        except (TypeError, ValueError):
            raise TypeError(f"plot_history(): history[{k!r}] must be a list of numbers") from None
    if not any(out.values()):
        raise ValueError("plot_history(): the history is empty; train for at least one epoch")
    return out


def solved_at(losses: Sequence[float], below: float) -> int | None:
    """The first epoch (counting from 1) whose loss is under ``below``, or None."""
    for i, v in enumerate(losses):
        if v < below:
            return i + 1
    return None


def plot_history(history: Any, metrics: Sequence[str] | None = None, ax: Any = None,
                 log_loss: bool = False, solved_below: float | None = None) -> Any:
    """Training curves: one panel per metric ('loss', 'accuracy', ...), each with the training
    curve (solid) and, when present, the validation one ('val_' + name, dashed).

    Args:
        history: an nn ``History`` (its ``.history`` dict) or a dict name -> per-epoch numbers.
        metrics: which metrics to draw (default: every name without the 'val_' prefix).
        ax: draw everything into this one Axes instead of a new figure.
        log_loss: log scale for panels whose name contains 'loss'.
        solved_below: the problem counts as solved once the training loss drops under this;
            every curve stops at that epoch (marked), instead of descending towards 1e-22.

    Returns:
        the Figure.
    """
    h = _history_dict(history)
    stop = solved_at(h["loss"], solved_below) if solved_below is not None and "loss" in h \
        else None
    if stop is not None:
        h = {k: v[:stop] for k, v in h.items()}
    if metrics is None:  # 'val_loss' joins 'loss' in one panel
        names = list(dict.fromkeys(k[4:] if k.startswith("val_") else k for k in h))
    else:
        names = list(metrics)
    for n in names:
        if n not in h and "val_" + n not in h:
            raise KeyError(f"plot_history(): no metric {n!r}; the history has {sorted(h)}")
    if ax is None:
        fig, axes = _figure(1, len(names))
        axs = list(axes[0])
    else:
        fig, axs = ax.figure, [ax] * len(names)
    for a, name in zip(axs, names):
        for key, style, tag, color in ((name, "-", "train", TRAIN_COLOR),
                                       ("val_" + name, "--", "validation", VALIDATION_COLOR)):
            ys = h.get(key)
            if ys:
                a.plot(range(1, len(ys) + 1), ys, style, color=color,
                       marker="o" if len(ys) < 30 else None,
                       markersize=3, label=f"{tag} {name}" if ax is not None else tag)
        if stop is not None and "loss" in name:
            a.axvline(stop, color="grey", lw=0.8, ls=":")
            a.annotate(f"solved at epoch {stop}", (stop, h[name][-1]), fontsize=8,
                       xytext=(-4, 6), textcoords="offset points", ha="right")
        a.set_xlabel("epoch")
        a.set_title(name)
        if log_loss and "loss" in name:
            a.set_yscale("log")
        a.grid(alpha=0.3)
        a.legend()
    return fig


# --- decision boundaries ------------------------------------------------------------------------
def _outputs(out: Any) -> list[float]:
    """A model's output as a list of floats: a Value, a number, or a sequence of them."""
    if isinstance(out, (Value, int, float)):
        return [float(out.data if isinstance(out, Value) else out)]
    try:
        return [float(o.data if isinstance(o, Value) else o) for o in out]
    except TypeError:
        raise TypeError("plot_decision_boundary(): the model must return a Value, a number, or "
                        f"a list of them; got {type(out).__name__}") from None


def decision_grid(model: Callable[[list[float]], Any], xlim: tuple[float, float],
                  ylim: tuple[float, float], resolution: int = 60
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model evaluated on a resolution x resolution grid (under ``no_grad``: no graph is
    built). Returns ``xx, yy, out`` with ``out`` of shape (resolution, resolution, n_outputs)."""
    import numpy as np

    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    rows = []
    with no_grad():
        for a, b in zip(xx.ravel().tolist(), yy.ravel().tolist()):
            rows.append(_outputs(model([a, b])))
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError("plot_decision_boundary(): the model returned outputs of different "
                         f"lengths {sorted(widths)} on different points")
    out = np.asarray(rows, dtype=float).reshape(resolution, resolution, -1)
    return xx, yy, out


def plot_decision_boundary(model: Callable[[list[float]], Any], X: Any, y: Any, ax: Any = None,
                           resolution: int = 60, padding: float = 0.5,
                           threshold: float | None = None, title: str | None = None) -> Any:
    """A 2-D model's decision regions with the data on top (micrograd's demo picture).

    Args:
        model: a callable mapping ``[x1, x2]`` to a Value (binary: a score, a logit, a tanh or
            a probability) or a list of Values (multi-class: one score per class, argmax wins).
        X: the points, shape (n, 2).
        y: their labels: two classes (e.g. -1/1 or 0/1) for a binary model; class indices
            0..k-1 for a k-output model.
        ax: the Axes to draw into (default: a new figure).
        resolution: grid points per side (the model runs resolution**2 times).
        padding: margin around the data.
        threshold: the binary boundary. ``None``: 0.5 when every output on the grid lies in
            [0, 1] (probabilities), else 0 (scores, logits, tanh).
        title: the panel's title.

    Returns:
        the Figure. Binary: the score is shaded (orange below the threshold, blue above, as in
        the Playground) on a fixed scale: 0..1 when the outputs are probabilities (threshold
        0.5), else symmetric around the threshold; the boundary is a black line (drawn only
        where the output changes by more than 1% of the scale); points take
        their class's colour (the lower label orange, the higher blue).
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary() needs 2-D points, X of shape (n, 2); got "
                         f"shape {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"plot_decision_boundary(): X has {len(X)} points but y has {len(y)} "
                         "labels")
    xlim = (X[:, 0].min() - padding, X[:, 0].max() + padding)
    ylim = (X[:, 1].min() - padding, X[:, 1].max() + padding)
    xx, yy, out = decision_grid(model, xlim, ylim, resolution)
    if ax is None:
        fig, axes = _figure(1, 1, (5.2, 4.6))
        ax = axes[0][0]
    fig = ax.figure
    from matplotlib.colors import ListedColormap, Normalize

    classes = np.unique(y)
    if out.shape[2] == 1:
        if len(classes) > 2:
            raise ValueError(f"plot_decision_boundary(): the model has one output but y has "
                             f"{len(classes)} classes; a k-class model needs k outputs")
        score = out[:, :, 0]
        if threshold is None:
            threshold = 0.5 if score.min() >= 0.0 and score.max() <= 1.0 else 0.0
        lo, hi = float(score.min()), float(score.max())
        if threshold == 0.5 and lo >= 0.0 and hi <= 1.0:  # probabilities: the fixed 0..1 scale
            vmin, vmax = 0.0, 1.0
        else:  # scores: symmetric around the threshold, so equal distances get equal colours
            r = max(abs(lo - threshold), abs(hi - threshold), 1e-9)
            vmin, vmax = threshold - r, threshold + r
        norm = Normalize(vmin=vmin, vmax=vmax)
        cmap = playground_cmap()
        cs = ax.contourf(xx, yy, score, levels=np.linspace(vmin, vmax, 21), cmap=cmap,
                         norm=norm, alpha=0.6, extend="both")
        # a boundary only where the output really changes (more than 1% of the colour scale):
        # a model that says 0.5 +- 0.0002 everywhere has no decision to draw
        if lo < threshold < hi and hi - lo > 0.01 * (vmax - vmin):
            ax.contour(xx, yy, score, levels=[threshold], colors="black", linewidths=1.5)
        fig.colorbar(cs, ax=ax, label="model output", shrink=0.85)
        colors = [NEGATIVE, POSITIVE]
    else:
        k = out.shape[2]
        bad = [c for c in classes if not float(c).is_integer() or not 0 <= c < k]
        if bad:
            raise ValueError(f"plot_decision_boundary(): the model has {k} outputs, so labels "
                             f"must be class indices 0..{k - 1}; got {bad[:5]}")
        pred = out.argmax(axis=2)
        colors = _class_colors(k)
        ax.contourf(xx, yy, pred, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(colors),
                    alpha=0.35)
    for i, c in enumerate(classes):
        idx = y == c
        col = colors[i] if out.shape[2] == 1 else colors[int(c)]
        ax.scatter(X[idx, 0], X[idx, 1], c=col, edgecolors="black", linewidths=0.6, s=28,
                   label=f"class {c:g}" if np.issubdtype(type(c), np.number) else str(c),
                   zorder=3)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="best", fontsize=8, framealpha=0.8)
    if title:
        ax.set_title(title)
    return fig


def playground_cmap() -> Any:
    """The colour map of decision regions: orange (0 / negative) -> white -> blue (1 /
    positive), for ``contourf`` on a fixed scale (``vmin=0, vmax=1`` for probabilities)."""
    from matplotlib.colors import ListedColormap

    return ListedColormap(_ramp(NEGATIVE, POSITIVE))


def _ramp(a: str, b: str, n: int = 256) -> list[tuple[float, float, float]]:
    """A colour ramp a -> white -> b."""
    import numpy as np

    ca = np.array([int(a[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    cb = np.array([int(b[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    white = np.ones(3)
    half = n // 2
    left = [tuple(ca + (white - ca) * t) for t in np.linspace(0, 1, half)]
    right = [tuple(white + (cb - white) * t) for t in np.linspace(0, 1, n - half)]
    return left + right  # type: ignore[return-value]


def _class_colors(k: int) -> list[str]:
    base = CLASS_COLORS
    if k > len(base):
        from matplotlib import colormaps

        cmap = colormaps["hsv"]
        return [cmap(i / k) for i in range(k)]  # type: ignore[misc]
    return base[:k]


# --- activation functions -----------------------------------------------------------------------
def activation_curve(name: str, xs: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) of an activation at each x, computed by the engine: one Value per point,
    ``backward()``, read ``x.grad`` (so f' is the op table's local gradient)."""
    import numpy as np

    if name not in ACTIVATIONS:
        raise KeyError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
    fn = ACTIVATIONS[name][1]
    f, df = [], []
    for x in xs:
        v = Value(float(x))
        out = fn(v)
        out.backward()
        f.append(out.data)
        df.append(v.grad)
    return np.asarray(f), np.asarray(df)


def plot_activations(names: Sequence[str] | None = None, xlim: tuple[float, float] = (-4.0, 4.0),
                     points: int = 401, ncols: int = 3) -> Any:
    """Each activation (solid) next to its derivative (dashed), one panel each.

    Args:
        names: activations to draw, from :data:`ACTIVATIONS` (default: all of them).
        xlim: the x range.
        points: samples per curve.
        ncols: panels per row.

    Returns:
        the Figure.
    """
    import numpy as np

    names = list(names) if names is not None else list(ACTIVATIONS)
    for n in names:
        if n not in ACTIVATIONS:
            raise KeyError(f"unknown activation {n!r}; choose from {', '.join(ACTIVATIONS)}")
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    fig, axes = _figure(nrows, ncols, (3.6 * ncols, 2.9 * nrows))
    xs = np.linspace(xlim[0], xlim[1], points)
    for i, name in enumerate(names):
        ax = axes[i // ncols][i % ncols]
        f, df = activation_curve(name, xs)
        ax.plot(xs, f, color=POSITIVE, lw=2, label="f(x)")
        ax.plot(xs, df, color=NEGATIVE, lw=2, ls="--", label="f'(x)")
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_title(ACTIVATIONS[name][0], fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    for j in range(len(names), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    return fig

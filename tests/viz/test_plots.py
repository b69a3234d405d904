"""Plots rendered to PNG with the Agg backend; the numbers behind the curves checked."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from autograd_core import Value
from tests.viz.helpers import TinyMLP
from viz.plots import (
    activation_curve,
    decision_grid,
    plot_activations,
    plot_decision_boundary,
    plot_history,
)

PNG = b"\x89PNG"


def _png(fig, tmp_path, name: str) -> bytes:
    path = tmp_path / name
    fig.savefig(path, dpi=60)
    data = path.read_bytes()
    assert data.startswith(PNG)
    return data


def test_history_curves_from_dict_and_history_object(tmp_path) -> None:
    h = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.4], "accuracy": [0.5, 0.8, 0.9]}
    fig = plot_history(h)
    ax_loss, ax_acc = fig.axes
    assert ax_loss.get_title() == "loss" and ax_acc.get_title() == "accuracy"
    assert [line.get_label() for line in ax_loss.lines] == ["train", "validation"]
    assert list(ax_loss.lines[1].get_ydata()) == [1.1, 0.7, 0.4]
    assert list(ax_loss.lines[0].get_xdata()) == [1, 2, 3]  # epochs from 1
    _png(fig, tmp_path, "history.png")

    class History:
        history = {"loss": [3.0, 2.0]}

    assert len(plot_history(History()).axes) == 1
    with pytest.raises(KeyError, match="no metric 'acc'"):
        plot_history(h, metrics=["acc"])
    with pytest.raises(TypeError, match="History"):
        plot_history([1, 2])


def test_activation_derivatives_come_from_the_engine(tmp_path) -> None:
    xs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    f, df = activation_curve("tanh", xs)
    assert np.allclose(df, 1 - np.tanh(xs) ** 2)
    f, df = activation_curve("sigmoid", xs)
    assert df[2] == 0.25
    _, df = activation_curve("relu", xs)
    assert list(df) == [0, 0, 0, 1, 1]  # relu'(0) = 0, as in PyTorch
    _, df = activation_curve("leaky_relu", xs)
    assert list(df) == [0.01, 0.01, 0.01, 1, 1]  # the decks' slope
    _, df = activation_curve("hard_tanh", xs)
    assert list(df) == [0, 1, 1, 1, 0]
    f, df = activation_curve("softsign", xs)
    assert f[4] == pytest.approx(2 / 3) and df[4] == pytest.approx(1 / 9)
    _, df = activation_curve("elu", xs)
    assert df[0] == pytest.approx(math.exp(-2.0))
    _, df = activation_curve("softplus", xs)
    assert df[4] == pytest.approx(1 / (1 + math.exp(-2.0)))
    fig = plot_activations()
    assert len([a for a in fig.axes if a.get_visible()]) == 8
    _png(fig, tmp_path, "activations.png")
    with pytest.raises(KeyError, match="unknown activation 'swish'"):
        plot_activations(["swish"])


def _blobs(n: int = 40) -> tuple[list[list[float]], list[int]]:
    r = random.Random(0)
    X = [[r.gauss(-1, 0.4), r.gauss(-1, 0.4)] for _ in range(n)]
    X += [[r.gauss(1, 0.4), r.gauss(1, 0.4)] for _ in range(n)]
    return X, [0] * n + [1] * n


def test_binary_boundary_threshold_and_png(tmp_path) -> None:
    X, y = _blobs()

    def score(p):  # boundary x1 + x2 = 0
        return Value(p[0]) + Value(p[1])

    fig = plot_decision_boundary(score, X, y, resolution=25)
    ax = fig.axes[0]
    assert ax.get_legend() is not None
    boundary = ax.collections[-3]  # the black threshold line drawn before the two scatters
    assert np.allclose(boundary.get_edgecolor()[0][:3], (0, 0, 0))
    _png(fig, tmp_path, "binary.png")
    # a probability model gets 0.5 as its threshold automatically
    xx, yy, out = decision_grid(lambda p: (Value(p[0]) + Value(p[1])).sigmoid(),
                                (-1, 1), (-1, 1), 5)
    assert out.shape == (5, 5, 1) and 0 < out.min() < 0.5 < out.max() < 1


def test_multiclass_boundary(tmp_path) -> None:
    X, _ = _blobs(20)
    X += [[1.0 + 0.1 * i, -1.0] for i in range(10)]
    y = [int(max(range(3), key=lambda k: [-a - b, a + b, a - b][k])) for a, b in X]

    def model(p):
        a, b = Value(p[0]), Value(p[1])
        return [-a - b, a + b, a - b]

    fig = plot_decision_boundary(model, X, y, resolution=20)
    _png(fig, tmp_path, "multiclass.png")
    with pytest.raises(ValueError, match="class indices 0..2"):
        plot_decision_boundary(model, X, [5] * len(X), resolution=5)


def test_decision_boundary_runs_without_building_graphs() -> None:
    mlp = TinyMLP()
    seen = []

    def model(p):
        out = mlp(p)
        seen.append(out.is_leaf)  # under no_grad the output has no history
        return out

    decision_grid(model, (-1, 1), (-1, 1), 3)
    assert seen == [True] * 9


def test_decision_boundary_input_errors() -> None:
    with pytest.raises(ValueError, match=r"X of shape \(n, 2\)"):
        plot_decision_boundary(lambda p: p[0], [[1, 2, 3]], [0])
    with pytest.raises(ValueError, match="one output but y has 3 classes"):
        plot_decision_boundary(lambda p: Value(p[0]), [[0, 0], [1, 1], [2, 2]], [0, 1, 2],
                               resolution=4)


def test_colour_convention_and_fixed_probability_scale() -> None:
    from viz import plots

    assert plots.POSITIVE == "#0877bd" and plots.NEGATIVE == "#f59322"
    assert plots.CLASS_COLORS[:2] == [plots.NEGATIVE, plots.POSITIVE]  # class 0 orange, 1 blue
    X, y = _blobs(5)
    # a model that says 0.5 + tiny everywhere: the 0..1 scale stays fixed, not stretched
    fig = plot_decision_boundary(lambda p: Value(0.5 + 1e-4 * p[0]), X, y, resolution=5)
    cbar = fig.axes[1]
    assert cbar.get_ylim() == pytest.approx((0.0, 1.0))
    assert len(fig.axes[0].collections) == 1 + 2  # the shading and the two classes: no boundary
    # scores: symmetric around 0
    fig = plot_decision_boundary(lambda p: Value(p[0] + 3.0), X, y, resolution=5)
    lo, hi = fig.axes[1].get_ylim()
    assert lo == pytest.approx(-hi)


def test_history_stops_when_solved() -> None:
    from viz.plots import solved_at

    losses = [1.0, 0.1, 1e-3, 1e-9, 1e-22]
    assert solved_at(losses, 1e-2) == 3 and solved_at(losses, 1e-30) is None
    fig = plot_history({"loss": losses, "val_loss": losses}, solved_below=1e-2)
    ax = fig.axes[0]
    assert [len(line.get_ydata()) for line in ax.lines[:2]] == [3, 3]
    assert any("solved at epoch 3" in t.get_text() for t in ax.texts)

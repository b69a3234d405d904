"""The numpy backend means what the float backend means, element by element (special values
included), and the compiled executor works with nn's models and losses."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograd_core import Value, numpy_math, scalar_math
from autograd_core.compiled import DataDependentError, compile
from autograd_core.functional import mean

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 20.0, 20.5, 25.0, -25.0, 700.0, 750.0,
           -745.5, -800.0, 1000.0, -1000.0, 1e-300, -1e-300, math.inf, -math.inf, math.nan]


def same(a: Any, b: Any) -> None:
    """Equal to the last bit or one rounding (libm vs numpy), nan where nan; zero signs are
    not compared."""
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float),
                               rtol=4e-16, atol=0.0, equal_nan=True)


@pytest.mark.parametrize("name", ["exp", "expm1", "log", "log1p", "sqrt", "tanh", "sigmoid",
                                  "softplus", "relu", "sign"])
def test_unary_functions_match_the_float_backend(name: str) -> None:
    x = np.array(SPECIAL)
    with np.errstate(all="ignore"):
        got = getattr(numpy_math, name)(x)
    same(got, [getattr(scalar_math, name)(v) for v in SPECIAL])


@pytest.mark.parametrize("name", ["div", "power"])
def test_binary_functions_match_the_float_backend(name: str) -> None:
    a, b = np.meshgrid(np.array(SPECIAL), np.array(SPECIAL + [1 / 3, 3.0, -2.0]))
    with np.errstate(all="ignore"):
        got = getattr(numpy_math, name)(a.ravel(), b.ravel())
    want = [getattr(scalar_math, name)(x, y)
            for x, y in zip(a.ravel().tolist(), b.ravel().tolist())]
    if name == "power":
        # IEEE pow: a negative base to a non-integer power is nan, also where the magnitude
        # overflows; scalar_math.power returns inf for (-1e-300) ** -745.5 (reported).
        x, y = a.ravel(), b.ravel()
        bad = (x < 0) & np.isfinite(x) & np.isfinite(y) & (y != np.round(y))
        assert np.isnan(got[bad]).all()
        want = np.where(bad, np.nan, want).tolist()
    same(got, want)


def test_relu_of_negative_zero_is_positive_zero() -> None:
    assert math.copysign(1.0, float(numpy_math.relu(np.array([-0.0]))[0])) == 1.0


@pytest.mark.parametrize("lo,hi", [(-1.0, 1.0), (None, 0.5), (0.5, None), (None, None),
                                   (1.0, -1.0)])
def test_clamp_and_inside(lo: float | None, hi: float | None) -> None:
    x = np.array(SPECIAL)
    same(numpy_math.clamp(x, lo, hi), [scalar_math.clamp(v, lo, hi) for v in SPECIAL])
    assert numpy_math.inside(x, lo, hi).tolist() == [scalar_math.inside(v, lo, hi) for v in SPECIAL]


def test_conditions_and_where() -> None:
    x = np.array(SPECIAL)
    assert numpy_math.gt(x, 0.0).tolist() == [scalar_math.gt(v, 0.0) for v in SPECIAL]
    assert numpy_math.ge(x, 0.0).tolist() == [scalar_math.ge(v, 0.0) for v in SPECIAL]
    assert numpy_math.is_zero(x).tolist() == [scalar_math.is_zero(v) for v in SPECIAL]
    assert numpy_math.both(numpy_math.gt(x, -1.0), numpy_math.ge(x, 1.0)).tolist() == [
        scalar_math.both(scalar_math.gt(v, -1.0), scalar_math.ge(v, 1.0)) for v in SPECIAL]
    same(numpy_math.where(numpy_math.gt(x, 0.0), x, -x),
         [scalar_math.where(scalar_math.gt(v, 0.0), v, -v) for v in SPECIAL])


COLUMNS = [[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0], [-math.inf, -math.inf, -math.inf],
           [math.inf, 1.0, 2.0], [math.nan, 1.0, 2.0], [-800.0, -801.0, 0.0], [5.0, 5.0, 5.0]]


@pytest.mark.parametrize("name", ["fsum", "logsumexp"])
def test_reductions_over_axis_0(name: str) -> None:
    xs = np.array(COLUMNS).T  # (n=3 operands, 7 columns)
    with np.errstate(all="ignore"):
        got = getattr(numpy_math, name)(xs)
    same(got, [getattr(scalar_math, name)(tuple(col)) for col in COLUMNS])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_stacked_like_the_input(name: str) -> None:
    xs = np.array(COLUMNS).T
    with np.errstate(all="ignore"):
        got = getattr(numpy_math, name)(xs)
    same(got.T, [getattr(scalar_math, name)(tuple(col)) for col in COLUMNS])


def test_dot_broadcasts_into_a_matrix_product() -> None:
    rng = np.random.default_rng(0)
    W = rng.normal(size=(5, 3))  # 5 inputs, 3 neurons
    X = rng.normal(size=(5, 7))  # 5 inputs, 7 examples
    same(numpy_math.dot(W[:, :, None], X[:, None, :]), W.T @ X)
    same(numpy_math.dot(X[:, None, :], W[:, :, None]), W.T @ X)
    same(numpy_math.dot([1.0, 2.0], [3.0, 4.0]), 11.0)


# --- nn's models and losses, compiled -----------------------------------------------------------
def test_nn_mlp_with_nn_losses_matches_eager() -> None:
    nn = pytest.importorskip("nn")
    losses = pytest.importorskip("nn.losses")
    model = nn.MLP(3, [6, 5, 1], activation="tanh", seed=0)
    params = model.parameters()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 3))
    Y = rng.choice([-1.0, 1.0], size=12)
    for loss in (losses.mse, losses.hinge):
        def fn(x: list[Value], y: Value) -> Value:
            return loss(model(x), y) + losses.l2_penalty(model, 1e-3)

        prog = compile(fn, 3, (), params=params)
        for p in params:
            p.grad = 0.0
        got = prog(X, Y)
        grads = [p.grad for p in params]
        for p in params:
            p.grad = 0.0
        ref = mean([fn([Value(v) for v in x], Value(t)) for x, t in zip(X.tolist(), Y.tolist())])
        ref.backward()
        assert got == pytest.approx(ref.data, rel=1e-12)
        np.testing.assert_allclose(grads, [p.grad for p in params], rtol=1e-12, atol=1e-14)


def test_a_loss_that_branches_on_data_is_refused() -> None:
    """A loss that picks a formula with ``if z.data >= 0``: compiled, that choice would be
    frozen, so it must be refused, not replayed. (nn's bce_with_logits used to do this; it is
    branch-free now, so the pattern is written out here.)"""
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], seed=0)

    def branching_bce(z: Value, t: Value) -> Value:
        if z.data >= 0:  # log(1 + e^-z) + z (1 - t) and log(1 + e^z) - z t are equal
            return (1 + (-z).exp()).log() + z * (1 - t)
        return (1 + z.exp()).log() - z * t

    with pytest.raises(DataDependentError, match="test_compiled_backend.py"):
        compile(lambda x, y: branching_bce(model(x), y), 2, ())
    losses = pytest.importorskip("nn.losses")
    prog = compile(lambda x, y: losses.bce_with_logits(model(x), y), 2, (),
                   params=model.parameters())
    X = np.array([[0.5, -1.0], [2.0, 0.3], [-1.5, 0.7]])
    Y = np.array([1.0, 0.0, 1.0])
    got = prog(X, Y)
    ref = mean([losses.bce_with_logits(model(x), t) for x, t in zip(X.tolist(), Y.tolist())])
    assert got == pytest.approx(ref.data, rel=1e-12)

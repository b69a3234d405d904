"""fit(compiled=True): the same training as the eager loop, run through autograd_core.compile."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn import MLP, SGD, Adam, data


def _params(model):
    return np.array([p.data for p in model.parameters()])


def _one_epoch(make_model, X, y, compiled, **kw):
    model = make_model()
    opt = kw.pop("opt", lambda m: SGD(m, lr=0.05))(model)
    h = nn.fit(model, X, y, optimizer=opt, epochs=1, progress=False, compiled=compiled,
               seed=3, **kw)
    return _params(model), h


def _close(a, b, rel=1e-10):
    scale = np.maximum(np.abs(a), np.abs(b))
    assert np.all(np.abs(a - b) <= rel * np.maximum(scale, 1e-12)), np.max(np.abs(a - b))


CASES = [
    ("mse", lambda: MLP(2, [8, 1], activation="tanh", seed=1), lambda y: y.astype(float)),
    ("hinge", lambda: MLP(2, [8, 8, 1], seed=2), lambda y: 2.0 * y - 1.0),
    ("bce_with_logits", lambda: MLP(2, [8, 1], activation="elu", seed=3),
     lambda y: y.astype(float)),
    ("binary_cross_entropy",
     lambda: MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=4),
     lambda y: y.astype(float)),
    ("cross_entropy", lambda: MLP(2, [8, 2], activation="leaky_relu", seed=5),
     lambda y: y.astype(int)),
]


@pytest.mark.parametrize("loss,make,target", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("kw", [{}, {"l2": 1e-3, "l1": 1e-4}], ids=["plain", "penalties"])
def test_one_epoch_compiled_equals_eager(loss, make, target, kw):
    X, y = data.moons(64, seed=0)
    t = target(y)
    Xv, yv = data.moons(30, seed=1)
    common = dict(loss=loss, batch_size=16, metrics=["accuracy"], validation=(Xv, target(yv)),
                  **kw)
    pe, he = _one_epoch(make, X, t, False, **common)
    pc, hc = _one_epoch(make, X, t, True, **common)
    _close(pe, pc)
    assert set(he.history) == set(hc.history)
    for k in he.history:
        assert hc[k] == pytest.approx(he[k], rel=1e-9, abs=1e-12), k


def test_multiclass_cross_entropy_with_adam_equals_eager():
    X, y = data.spirals(60, arms=3, seed=0)
    k = 3
    make = lambda: MLP(2, [6, k], activation="tanh", seed=7)  # noqa: E731
    pe, _ = _one_epoch(make, X, y, False, loss="cross_entropy", batch_size=20,
                       opt=lambda m: Adam(m, lr=0.01))
    pc, _ = _one_epoch(make, X, y, True, loss="cross_entropy", batch_size=20,
                       opt=lambda m: Adam(m, lr=0.01))
    _close(pe, pc)


def test_dropout_model_is_refused():
    X, y = data.xor()
    with pytest.raises(ValueError, match="dropout"):
        nn.fit(MLP(2, [4, 1], seed=0, dropout=0.2), X, y, compiled=True, progress=False)


def test_bad_targets_are_named():
    X, y = data.xor()
    with pytest.raises(ValueError, match="hinge targets"):
        nn.fit(MLP(2, [4, 1], seed=0), X, y, loss="hinge", compiled=True, progress=False)
    with pytest.raises(ValueError, match="class indices"):
        nn.fit(MLP(2, [4, 2], seed=0), X, y + 5, loss="cross_entropy", compiled=True,
               progress=False)


def test_data_dependent_custom_loss_is_reported():
    def bad(p, t):
        return p if p.data > 0 else -p

    X, y = data.xor()
    with pytest.raises(ValueError, match="cannot be compiled"):
        nn.fit(MLP(2, [4, 1], seed=0), X, y, loss=bad, compiled=True, progress=False)


# The lectures' must-show results (XOR, micrograd's demo, moons, spirals) run both eager and
# compiled: see the `compiled` parameter in tests/nn/test_training.py.

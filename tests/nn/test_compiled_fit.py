"""fit(compiled=True): the same training as the eager loop, run through autograd_core.compile."""

from __future__ import annotations

import math
import warnings

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


# --- the optimizer on arrays: the eager arithmetic, to 1e-12 ------------------------------------
OPTIMIZERS = {
    "sgd": lambda m: SGD(m, lr=0.1),
    "sgd momentum wd": lambda m: SGD(m, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3),
    "sgd nesterov": lambda m: SGD(m, lr=0.05, momentum=0.8, nesterov=True),
    "adam": lambda m: Adam(m, lr=0.02),
    "adam wd schedule": lambda m: Adam(m, lr=nn.schedules.CosineDecay(0.05, 20, 0.001),
                                       weight_decay=1e-3),
    "adamw": lambda m: nn.optim.AdamW(m, lr=0.02, weight_decay=0.05),
    "rmsprop": lambda m: nn.optim.RMSprop(m, lr=0.01),
    "rmsprop centered momentum wd": lambda m: nn.optim.RMSprop(
        m, lr=0.005, centered=True, momentum=0.5, weight_decay=1e-3),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_array_optimizer_equals_the_eager_optimizer(name):
    X, y = data.moons(48, seed=2)
    make = lambda: MLP(2, [6, 1], activation="tanh", seed=4)  # noqa: E731
    runs = {}
    for compiled in (False, True):
        model = make()
        opt = OPTIMIZERS[name](model)
        nn.fit(model, X, y.astype(float), optimizer=opt, epochs=3, batch_size=16, l2=1e-3,
               progress=False, compiled=compiled, seed=5)
        state = {k: v for k, v in vars(opt).items() if k.startswith("_") and v is not None}
        runs[compiled] = (_params(model), [p.grad for p in model.parameters()], opt.steps, state)
    (pe, ge, se, ste), (pc, gc, sc, stc) = runs[False], runs[True]
    _close(pe, pc, rel=1e-12)
    _close(np.array(ge), np.array(gc), rel=1e-9)  # the last batch's gradient, written back
    assert se == sc == 9
    assert set(ste) == set(stc)
    for k in ste:
        if isinstance(ste[k], list):
            _close(np.array(ste[k]), np.array(stc[k]), rel=1e-9)


def test_training_can_alternate_between_compiled_and_eager():
    X, y = data.moons(40, seed=3)
    a, b = MLP(2, [5, 1], seed=6), MLP(2, [5, 1], seed=6)
    oa, ob = Adam(a, lr=0.03), Adam(b, lr=0.03)
    for compiled in (True, False, True):
        nn.fit(a, X, y.astype(float), optimizer=oa, epochs=2, batch_size=10, progress=False,
               compiled=compiled, seed=1)
        nn.fit(b, X, y.astype(float), optimizer=ob, epochs=2, batch_size=10, progress=False,
               compiled=False, seed=1)
    _close(_params(a), _params(b), rel=1e-11)


def test_a_users_own_optimizer_runs_on_the_values():
    class HalfSGD(nn.optim.Optimizer):
        def _update(self, lr, grads, t):
            return [p.data - 0.5 * lr * g for p, g in zip(self.params, grads)], {}

    X, y = data.xor()
    pe, _ = _one_epoch(lambda: MLP(2, [4, 1], seed=0), X, y.astype(float), False,
                       opt=lambda m: HalfSGD(m, lr=0.2), batch_size=2)
    pc, _ = _one_epoch(lambda: MLP(2, [4, 1], seed=0), X, y.astype(float), True,
                       opt=lambda m: HalfSGD(m, lr=0.2), batch_size=2)
    _close(pe, pc, rel=1e-12)


def test_callbacks_see_the_weights_of_the_epoch():
    X, y = data.moons(32, seed=0)
    model = MLP(2, [4, 1], seed=1)
    seen = []
    nn.fit(model, X, y.astype(float), epochs=3, progress=False, compiled=True,
           callbacks=[lambda epoch, logs: seen.append(_params(model))])
    assert len(seen) == 3 and not np.array_equal(seen[0], seen[1])
    np.testing.assert_array_equal(seen[-1], _params(model))


def test_a_users_own_update_runs_on_arrays_and_equals_eager():
    class SignSGD(nn.optim.Optimizer):
        """p - lr * g / (|g| + eps): written once, over floats or arrays."""

        state_names = ("_count",)
        _initial_state = (0.0,)

        def update(self, m, lr, t, p, g, count):
            return p - lr * g / (m.sqrt(g * g) + 1e-12), count + 1.0

    X, y = data.moons(30, seed=4)
    runs = {}
    for compiled in (False, True):
        model = MLP(2, [4, 1], activation="tanh", seed=2)
        opt = SignSGD(model, lr=0.01)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "runs on the Values" warning: it ran on arrays
            nn.fit(model, X, y, optimizer=opt, epochs=2, batch_size=10, progress=False,
                   compiled=compiled, seed=1)
        runs[compiled] = (_params(model), opt._count, opt.steps)
    _close(runs[False][0], runs[True][0], rel=1e-12)
    assert runs[False][1] == runs[True][1] == [6.0] * 17 and runs[True][2] == 6


def test_a_users_update_that_only_works_on_single_floats_is_told_why():
    class FloatOnly(nn.optim.Optimizer):
        def update(self, m, lr, t, p, g):
            return (p - lr * g / math.sqrt(1.0 + g * g),)

    X, y = data.xor()
    model = MLP(2, [3, 1], seed=0)
    before = _params(model)
    for compiled, given in ((False, "FloatVectors"), (True, "numpy arrays")):
        with pytest.raises(TypeError, match=rf"FloatOnly.update runs once per step on {given}"
                                            r".*m\.sqrt \(not math\.sqrt"):
            nn.fit(model, X, y, optimizer=FloatOnly(model, lr=0.1), epochs=2, progress=False,
                   compiled=compiled)
    np.testing.assert_array_equal(_params(model), before)  # nothing half-stepped

"""What fit accepts, the same on both loops: numpy scalars as counts and rates, boolean
targets as 0/1, complex data refused; centered RMSprop's NaN; Ctrl-C inside a compiled step."""

from __future__ import annotations

import math
import signal

import numpy as np
import pytest

import nn
from autograd_core import Value
from nn import MLP, SGD, Adam, RMSprop, data
from nn.array_optim import ArrayOptimizer
from tests.interrupts import interrupt_at_many_points, median_time


def _params(model):
    return np.array([p.data for p in model.parameters()])


def test_numpy_scalars_are_counts_and_rates():
    X, y = data.xor()
    runs = []
    for cast_int, cast_real in ((int, float), (np.int64, np.float64)):
        m = MLP(2, [3, 1], activation="tanh", seed=0)
        sched = nn.StepDecay(cast_real(0.1), cast_int(5), cast_real(0.5))
        opt = SGD(m, lr=lambda k, s=sched: cast_real(s(k)), momentum=cast_real(0.9))
        h = nn.fit(m, X, y, optimizer=opt, epochs=cast_int(12), batch_size=cast_int(2),
                   early_stopping=nn.EarlyStopping("loss", patience=cast_int(50),
                                                   min_delta=cast_real(0.0)),
                   l2=cast_real(1e-4), progress=False)
        runs.append((h.history["loss"], _params(m)))
        nn.fit(MLP(2, [3, 1], seed=0), X, y, optimizer="adam", lr=cast_real(0.01),
               epochs=cast_int(2), progress=False)
    assert runs[0][0] == runs[1][0] and np.array_equal(runs[0][1], runs[1][1])
    for bad, match in ((dict(epochs=True), "epochs must be a non-negative int"),
                       (dict(batch_size=np.float64(2.0)), "batch_size must be a positive int"),
                       (dict(lr=np.bool_(True)), "lr must be a non-negative number")):
        with pytest.raises(ValueError, match=match):
            nn.fit(MLP(2, [3, 1], seed=0), X, y, optimizer="sgd", progress=False, **bad)


@pytest.mark.parametrize("loss", ["mse", "bce_with_logits", "cross_entropy"])
def test_boolean_targets_are_0_and_1_on_both_loops(loss):
    X, y = data.moons(40, seed=0)
    yb = y.astype(bool)
    k = 2 if loss == "cross_entropy" else 1
    runs = {}
    for compiled in (False, True):
        for target in (yb, y.astype(int) if k == 2 else y):
            m = MLP(2, [4, k], activation="tanh", seed=1)
            h = nn.fit(m, X, target, loss=loss, optimizer=SGD(m, lr=0.1), epochs=3,
                       batch_size=10, metrics=["accuracy"], progress=False, compiled=compiled)
            runs[compiled, target.dtype == bool] = (_params(m), h.history["loss"])
    for compiled in (False, True):  # bools train exactly as 0/1
        assert np.array_equal(runs[compiled, True][0], runs[compiled, False][0])
    np.testing.assert_allclose(runs[True, True][0], runs[False, True][0], rtol=1e-10)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_complex_data_is_refused(compiled):
    X, y = data.xor()
    m = MLP(2, [3, 1], seed=0)
    before = m.state_dict()
    with pytest.raises(TypeError, match=r"fit: X holds complex numbers \(dtype complex128\).*"
                                        r"X\.real"):
        nn.fit(m, X + 1j, y, progress=False, compiled=compiled)
    with pytest.raises(TypeError, match="fit validation: X holds complex numbers"):
        nn.fit(m, X, y, validation=(X * 1j, y), progress=False, compiled=compiled)
    with pytest.raises(TypeError, match="evaluate: y holds complex numbers"):
        nn.evaluate(m, X, y + 0j)
    assert m.state_dict() == before


def test_centered_rmsprop_gives_nan_on_both_paths_as_pytorch():
    """s - a^2 rounds below 0 at step 53 for alpha 0.5 and a constant gradient 1e-3: the
    square root is NaN (PyTorch's result), never ``ValueError: math domain error``."""
    p = Value(1.0)
    opt = RMSprop([p], lr=0.01, alpha=0.5, centered=True)
    arr = RMSprop([Value(1.0)], lr=0.01, alpha=0.5, centered=True)
    theta = np.array([1.0])
    on_arrays = ArrayOptimizer(arr, arr.params)
    eager, arrays = [], []
    for _ in range(60):
        p.grad = 1e-3
        opt.step()
        on_arrays.step(theta, np.array([1e-3]))
        eager.append(p.data)
        arrays.append(float(theta[0]))
    first = next(i for i, v in enumerate(eager) if math.isnan(v))
    assert first == 52 and math.isnan(arrays[52]) and not math.isnan(arrays[51])
    assert eager[:52] == arrays[:52]
    try:
        import torch
    except ImportError:
        return
    tp = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    topt = torch.optim.RMSprop([tp], lr=0.01, alpha=0.5, centered=True)
    for _ in range(60):  # s - a^2 cancels: only the NaN, not every digit, is comparable
        tp.grad = torch.tensor([1e-3], dtype=torch.float64)
        topt.step()
    assert math.isnan(tp.item())


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
@pytest.mark.parametrize("cls, kwargs", [(SGD, {"momentum": 0.9}), (Adam, {}),
                                         (RMSprop, {"centered": True, "momentum": 0.5})])
def test_ctrl_c_inside_a_compiled_step_is_all_or_nothing(cls, kwargs):
    """fit(compiled=True)'s step on arrays: KeyboardInterrupts fired at 40 points from early in
    a step to past its end leave the weights, the step count and the running state all from
    ``opt.steps`` whole steps."""
    n = 200_000
    params = [Value(0.0) for _ in range(n)]
    grad = np.sin(np.arange(n, dtype=float))
    start = np.cos(np.arange(n, dtype=float))

    def fresh():
        opt = cls(params, lr=0.01, **kwargs)
        return opt, ArrayOptimizer(opt, params), start.copy()

    opt, runner, theta = fresh()
    step_time = median_time(lambda: runner.step(theta, grad))
    interrupts = interrupt_at_many_points(lambda: runner.step(theta, grad), step_time)
    assert interrupts >= 5 and opt.steps > 3
    ref_opt, ref, ref_theta = fresh()
    for _ in range(opt.steps):
        ref.step(ref_theta, grad)
    assert ref_opt.steps == opt.steps
    assert np.array_equal(theta, ref_theta)
    runner.write_back(theta, params)
    got = {k: getattr(opt, k) for k in vars(opt) if k.startswith("_")}
    ref.write_back(ref_theta, params)
    assert got == {k: getattr(ref_opt, k) for k in vars(ref_opt) if k.startswith("_")}

"""Optimizers: hand-computed first steps, step-by-step agreement with torch.optim on identical
gradients, schedules inside optimizers, no graph building, and bad arguments."""

from __future__ import annotations

import math
import random

import pytest

from autograd_core import Value
from nn import MLP, SGD, Adam, AdamW, LinearDecay, RMSprop


def params(*xs):
    return [Value(x) for x in xs]


def step_with(opt, ps, grads):
    for p, g in zip(ps, grads, strict=True):
        p.grad = g
    opt.step()


def test_sgd_by_hand():
    p = params(1.0)
    opt = SGD(p, lr=0.1)
    step_with(opt, p, [2.0])
    assert p[0].data == pytest.approx(0.8)


def test_sgd_momentum_by_hand():
    p = params(1.0)
    opt = SGD(p, lr=0.1, momentum=0.9)
    step_with(opt, p, [1.0])  # b = 1, p = 1 - 0.1
    step_with(opt, p, [1.0])  # b = 0.9 + 1 = 1.9, p = 0.9 - 0.19
    assert p[0].data == pytest.approx(0.71)
    q = params(1.0)
    nes = SGD(q, lr=0.1, momentum=0.9, nesterov=True)
    step_with(nes, q, [1.0])  # b = 1, d = 1 + 0.9 = 1.9
    assert q[0].data == pytest.approx(0.81)


def test_adam_first_step_is_lr_times_sign():
    p = params(1.0, 1.0)
    opt = Adam(p)  # lr 1e-3: m_hat / sqrt(v_hat) = g / |g|
    step_with(opt, p, [2.0, -0.5])
    assert p[0].data == pytest.approx(1 - 1e-3 * 2 / (2 + 1e-8), rel=1e-14)
    assert p[1].data == pytest.approx(1 + 1e-3 * 0.5 / (0.5 + 1e-8), rel=1e-14)


def test_rmsprop_first_step_by_hand():
    p = params(1.0)
    opt = RMSprop(p)  # s = 0.01 g^2, d = g / (0.1 |g| + eps) = 10
    step_with(opt, p, [3.0])
    assert p[0].data == pytest.approx(1 - 0.01 * 3 / (0.3 + 1e-8), rel=1e-14)


def test_updates_build_no_graph_and_zero_grad():
    m = MLP(2, [3, 1], seed=0)
    opt = Adam(m, lr=0.01)
    m([1.0, 2.0]).backward()
    opt.step()
    assert all(p.is_leaf for p in m.parameters())
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())
    assert opt.steps == 1


def test_schedule_drives_the_rate():
    p = params(0.0)
    opt = SGD(p, lr=LinearDecay(1.0, 0.1, 100))
    seen = []
    for _ in range(3):
        seen.append(opt.lr)
        step_with(opt, p, [1.0])
    assert seen == pytest.approx([1.0, 0.991, 0.982])
    assert p[0].data == pytest.approx(-(1.0 + 0.991 + 0.982))
    opt2 = SGD(params(0.0), lr=lambda k: 0.5 ** k)
    assert opt2.lr == 1.0
    opt2.lr = 0.3
    assert opt2.lr == 0.3


@pytest.mark.parametrize("call,match", [
    (lambda: SGD([], lr=0.1), "empty parameter list"),
    (lambda: SGD([1.0], lr=0.1), "parameters must be Values; item 0 is float"),
    (lambda: SGD(Value(1.0), lr=0.1), "wrap it in a list"),
    (lambda: SGD([Value(1.0)] * 2, lr=0.1), "appears twice"),
    (lambda: SGD(params(1.0), lr=-1), "lr must be a non-negative number"),
    (lambda: SGD(params(1.0), nesterov=True), "nesterov=True needs momentum > 0"),
    (lambda: Adam(params(1.0), betas=(0.9, 1.0)), r"betas\[1\] must be in \[0, 1\)"),
    (lambda: Adam(params(1.0), betas=0.9), "betas must be a pair"),
    (lambda: RMSprop(params(1.0), alpha=1.5), r"alpha must be in \[0, 1\)"),
    (lambda: SGD(5, lr=0.1), "list of parameters or a Module"),
])
def test_bad_arguments(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --- torch.optim on identical gradients -----------------------------------------------------
CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.3)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.05)),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_matches_torch_optim(name, kwargs):
    torch = pytest.importorskip("torch")
    rng = random.Random(42)
    start = [rng.uniform(-2, 2) for _ in range(6)]
    ours = params(*start)
    opt = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "RMSprop": RMSprop}[name](ours, **kwargs)
    tp = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, name)([tp], **kwargs)
    for _ in range(6):
        grads = [rng.uniform(-3, 3) for _ in range(6)]
        step_with(opt, ours, grads)
        tp.grad = torch.tensor(grads, dtype=torch.float64)
        topt.step()
        got = [p.data for p in ours]
        want = tp.detach().tolist()
        assert got == pytest.approx(want, rel=1e-12, abs=1e-14)
    assert all(math.isfinite(p.data) for p in ours)


def test_a_step_after_backward_with_create_graph_uses_the_gradients_numbers():
    """After backward(create_graph=True) each .grad is a Value; step() moves by its number
    (as torch.optim does with a grad that has a graph), the same as after a plain backward."""
    import nn as _nn

    def trained(create_graph: bool) -> list[float]:
        model = _nn.MLP(2, [3, 1], seed=0)
        opt = _nn.SGD(model, lr=0.1)
        model([1.0, 2.0]).backward(create_graph=create_graph)
        opt.step()
        return [p.data for p in model.parameters()]

    assert trained(True) == trained(False)
    assert trained(True) != [p.data for p in _nn.MLP(2, [3, 1], seed=0).parameters()]

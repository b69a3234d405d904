"""Learning-rate schedules: closed forms by hand and torch.optim.lr_scheduler."""

from __future__ import annotations

import math

import pytest

from nn import Constant, CosineDecay, LinearDecay, StepDecay


def test_linear_decay_is_microgrades_demo():
    s = LinearDecay(1.0, 0.1, 100)
    assert [s(k) for k in range(101)] == pytest.approx([1.0 - 0.9 * k / 100 for k in range(101)])
    assert s(500) == pytest.approx(0.1)


def test_step_and_cosine_and_constant_by_hand():
    s = StepDecay(0.1, step_size=3, gamma=0.5)
    assert [s(k) for k in range(7)] == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025])
    c = CosineDecay(1.0, steps=4, min_lr=0.2)
    assert [c(k) for k in range(5)] == pytest.approx(
        [1.0, 0.2 + 0.8 * (1 + math.cos(math.pi / 4)) / 2, 0.6,
         0.2 + 0.8 * (1 + math.cos(3 * math.pi / 4)) / 2, 0.2])
    assert c(10) == pytest.approx(0.2)
    assert Constant(0.3)(99) == 0.3
    assert "StepDecay(" in repr(s)


@pytest.mark.parametrize("call,match", [
    (lambda: StepDecay(0.1, 0), "step_size must be a positive int"),
    (lambda: LinearDecay(1.0, 0.1, 0), "steps must be a positive int"),
    (lambda: CosineDecay(-1.0, 10), "lr must be a non-negative number"),
    (lambda: Constant(float("nan")), "lr must be a non-negative number"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _torch_lrs(make, n):
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    sched = make(torch, opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def test_against_torch_schedulers():
    S = "torch.optim.lr_scheduler"
    step = _torch_lrs(lambda t, o: t.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.3), 20)
    assert [StepDecay(1.0, 5, 0.3)(k) for k in range(20)] == pytest.approx(step, rel=1e-12), S
    cos = _torch_lrs(lambda t, o: t.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10,
                                                                         eta_min=0.1), 11)
    assert [CosineDecay(1.0, 10, 0.1)(k) for k in range(11)] == pytest.approx(cos, rel=1e-12)
    lin = _torch_lrs(lambda t, o: t.optim.lr_scheduler.LinearLR(
        o, start_factor=1.0, end_factor=0.1, total_iters=100), 120)
    assert [LinearDecay(1.0, 0.1, 100)(k) for k in range(120)] == pytest.approx(lin, rel=1e-12)

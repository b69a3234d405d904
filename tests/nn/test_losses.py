"""Losses and penalties: hand-derived values and gradients, PyTorch float64 when installed,
edge cases (saturated probabilities, huge logits) and bad inputs."""

from __future__ import annotations

import math
import random

import pytest

from autograd_core import Value
from nn import losses
from nn.losses import (
    bce_with_logits,
    binary_cross_entropy,
    cross_entropy,
    hinge,
    l1_penalty,
    l2_penalty,
    mse,
)


def vals(xs):
    return [Value(x) for x in xs]


def test_mse_by_hand():
    p = vals([1.0, 2.0])
    loss = mse(p, [0.0, 4.0])  # ((1-0)^2 + (2-4)^2) / 2 = 2.5
    assert loss.data == 2.5
    loss.backward()
    assert [v.grad for v in p] == [1.0, -2.0]  # 2 (p - t) / n
    assert mse(Value(3.0), 1.0).data == 4.0
    assert mse(vals([1.0, 2.0]), [0.0, 4.0], reduction="sum").data == 5.0
    assert mse([vals([1.0, 2.0])], [[0.0, 4.0]]).data == 2.5  # nested (one sample, 2 outputs)


def test_bce_lecture_002():
    p = Value(0.45)
    loss = binary_cross_entropy(p, 1.0)  # -ln(0.45)
    assert loss.data == pytest.approx(0.798508, abs=1e-6)
    loss.backward()
    assert p.grad == pytest.approx(-1 / 0.45, rel=1e-12)  # (p - t) / (p (1 - p))
    q = Value(0.3)
    binary_cross_entropy(q, 0.25).backward()
    assert q.grad == pytest.approx((0.3 - 0.25) / (0.3 * 0.7), rel=1e-12)


def test_bce_saturated_is_finite_and_never_nan():
    assert binary_cross_entropy(Value(0.0), 1.0).data == 100.0  # log clamped at -100
    assert binary_cross_entropy(Value(1.0), 0.0).data == 100.0
    z = Value(40.0)
    p = z.sigmoid()
    assert p.data == 1.0  # saturated
    loss = binary_cross_entropy(p, 1.0)
    loss.backward()
    assert loss.data == 0.0 and z.grad == 0.0
    z2 = Value(-800.0)
    binary_cross_entropy(z2.sigmoid(), 0.0).backward()
    assert z2.grad == 0.0


def test_bce_with_logits_by_hand_and_stable():
    z = Value(0.0)
    loss = bce_with_logits(z, 1.0)
    assert loss.data == pytest.approx(math.log(2.0), rel=1e-15)
    loss.backward()
    assert z.grad == pytest.approx(-0.5)  # sigmoid(0) - 1
    big = Value(1000.0)
    loss = bce_with_logits(big, 0.0)
    loss.backward()
    assert loss.data == 1000.0 and big.grad == 1.0
    neg = Value(-1000.0)
    loss = bce_with_logits(neg, 1.0)
    loss.backward()
    assert loss.data == 1000.0 and neg.grad == -1.0
    assert bce_with_logits(Value(30.0), 1.0).data == pytest.approx(math.exp(-30), rel=1e-12)


def test_cross_entropy_by_hand_and_stable():
    z = vals([1.0, 2.0, 3.0])
    loss = cross_entropy(z, 2)
    lse = math.log(math.e + math.e ** 2 + math.e ** 3)
    assert loss.data == pytest.approx(lse - 3.0, rel=1e-14)  # 0.40760596...
    loss.backward()
    soft = [math.exp(x - lse) for x in (1.0, 2.0, 3.0)]
    assert [v.grad for v in z] == pytest.approx([soft[0], soft[1], soft[2] - 1.0], rel=1e-12)
    huge = vals([1000.0, 0.0])
    assert cross_entropy(huge, 1).data == pytest.approx(1000.0)
    batch = cross_entropy([vals([0.0, 0.0]), vals([5.0, 0.0])], [0, 0])
    assert batch.data == pytest.approx((math.log(2) + math.log1p(math.exp(-5))) / 2)
    assert cross_entropy(vals([0.0, 1.0]), 1.0).data == pytest.approx(math.log1p(math.exp(-1)))


def test_hinge_by_hand():
    s = Value(0.3)
    loss = hinge(s, 1)
    loss.backward()
    assert loss.data == pytest.approx(0.7) and s.grad == -1.0
    s2 = Value(2.0)
    loss = hinge(s2, 1)
    loss.backward()
    assert loss.data == 0.0 and s2.grad == 0.0  # outside the margin: no gradient
    assert hinge(vals([0.5, 0.5]), [1, -1]).data == pytest.approx((0.5 + 1.5) / 2)


def test_penalties_by_hand():
    w = vals([3.0, -4.0])
    l2 = l2_penalty(w, 0.1)  # 0.1 / 2 * 25
    l2.backward()
    assert l2.data == pytest.approx(1.25) and [v.grad for v in w] == pytest.approx([0.3, -0.4])
    w = vals([3.0, -4.0, 0.0])
    l1 = l1_penalty(w, 0.1)
    l1.backward()
    assert l1.data == pytest.approx(0.7) and [v.grad for v in w] == pytest.approx([0.1, -0.1, 0])


@pytest.mark.parametrize("call,match", [
    (lambda: mse(vals([1.0, 2.0]), [1.0]), "got 2 predictions and 1 targets"),
    (lambda: mse([], []), "batch is empty"),
    (lambda: mse(Value(1.0), "a"), "target must be a number, got str"),
    (lambda: binary_cross_entropy(Value(0.5), 2.0), r"targets must be in \[0, 1\], got 2.0"),
    (lambda: bce_with_logits(Value(0.5), -1.0), r"must be in \[0, 1\]"),
    (lambda: cross_entropy(vals([1.0, 2.0]), 2), r"class index in 0..1, got 2"),
    (lambda: cross_entropy(vals([1.0, 2.0]), 0.5), "class index"),
    (lambda: cross_entropy(Value(1.0), 0), "list of logits"),
    (lambda: cross_entropy([vals([1.0]), vals([2.0])], [0]), "2 samples and 1 targets"),
    (lambda: hinge(Value(0.5), 0), "map 0/1 labels with 2 \\* y - 1"),
    (lambda: mse(vals([1.0]), [1.0], reduction="avg"), "reduction must be 'mean' or 'sum'"),
    (lambda: l2_penalty([1.0], 0.1), "expects Values"),
    (lambda: l1_penalty([], 0.1), "no parameters"),
    (lambda: losses.get("mae"), "unknown loss 'mae'"),
])
def test_bad_inputs(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# --- PyTorch float64 -------------------------------------------------------------------------
def _torch_check(ours_fn, torch_fn, preds, targets, nested=False):
    torch = pytest.importorskip("torch")
    pv = [vals(p) for p in preds] if nested else vals(preds)
    loss = ours_fn(pv, targets)
    loss.backward()
    pt = torch.tensor(preds, dtype=torch.float64, requires_grad=True)
    lt = torch_fn(pt, torch)
    lt.backward()
    assert loss.data == pytest.approx(lt.item(), rel=1e-12, abs=1e-14)
    ours_grads = [v.grad for row in pv for v in row] if nested else [v.grad for v in pv]
    assert ours_grads == pytest.approx(pt.grad.reshape(-1).tolist(), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_against_torch(reduction):
    rng = random.Random(0)
    n = 7
    x = [rng.uniform(-4, 4) for _ in range(n)]
    t01 = [float(rng.random() < 0.5) for _ in range(n)]
    soft = [rng.random() for _ in range(n)]
    pm = [rng.choice([-1.0, 1.0]) for _ in range(n)]
    probs = [rng.uniform(0.01, 0.99) for _ in range(n)]
    logits = [[rng.uniform(-3, 3) for _ in range(4)] for _ in range(n)]
    cls = [rng.randrange(4) for _ in range(n)]

    def ours(fn):
        return lambda p, t: fn(p, t, reduction=reduction)

    def F(torch):
        return torch.nn.functional

    _torch_check(ours(mse), lambda p, torch: F(torch).mse_loss(
        p, torch.tensor(soft, dtype=torch.float64), reduction=reduction), x, soft)
    for tgt in (t01, soft):
        _torch_check(ours(binary_cross_entropy), lambda p, torch, tgt=tgt: F(
            torch).binary_cross_entropy(p, torch.tensor(tgt, dtype=torch.float64),
                                        reduction=reduction), probs, tgt)
        _torch_check(ours(bce_with_logits), lambda p, torch, tgt=tgt: F(
            torch).binary_cross_entropy_with_logits(p, torch.tensor(tgt, dtype=torch.float64),
                                                    reduction=reduction), x, tgt)
    _torch_check(ours(cross_entropy), lambda p, torch: F(torch).cross_entropy(
        p, torch.tensor(cls), reduction=reduction), logits, cls, nested=True)

    def torch_hinge(p, torch):
        h = torch.relu(1 - torch.tensor(pm, dtype=torch.float64) * p)
        return h.mean() if reduction == "mean" else h.sum()
    _torch_check(ours(hinge), torch_hinge, x, pm)


def test_bce_with_logits_against_torch_for_extreme_logits():
    # abs=1e-15: at z = -50 ours gives log1p(e^-50) = 1.9e-22, torch rounds to 0
    torch = pytest.importorskip("torch")
    for z in (-800.0, -50.0, -21.0, -20.0, 0.0, 19.5, 20.5, 45.0, 800.0):
        for t in (0.0, 0.3, 1.0):
            v = Value(z)
            loss = bce_with_logits(v, t)
            loss.backward()
            zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
            lt = torch.nn.functional.binary_cross_entropy_with_logits(
                zt, torch.tensor(t, dtype=torch.float64))
            lt.backward()
            assert loss.data == pytest.approx(lt.item(), rel=1e-12, abs=1e-15), (z, t)
            assert v.grad == pytest.approx(zt.grad.item(), rel=1e-12, abs=1e-15), (z, t)


def test_penalties_against_torch():
    torch = pytest.importorskip("torch")
    w = [0.5, -1.5, 2.0, 0.0]
    pv = vals(w)
    (l2_penalty(pv, 0.3) + l1_penalty(pv, 0.2)).backward()
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    (0.3 / 2 * (wt ** 2).sum() + 0.2 * wt.abs().sum()).backward()
    assert [v.grad for v in pv] == pytest.approx(wt.grad.tolist(), rel=1e-12)

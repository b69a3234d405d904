"""Values and gradients match PyTorch float64 (skipped when torch is not installed)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, functional

from .random_dags import programs, run_torch, run_values

torch = pytest.importorskip("torch")


def close(a, b, rel=1e-12, abs_=1e-14):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def compare(steps, xs):
    vs = [Value(x) for x in xs]
    out = run_values(steps, vs)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    tout = run_torch(steps, ts)
    tout.backward()
    assert close(out.data, tout.item()), (out.data, tout.item())
    for v, t in zip(vs, ts):
        tg = 0.0 if t.grad is None else t.grad.item()
        assert close(v.grad, tg, rel=1e-10, abs_=1e-12), (v.grad, tg)


@settings(max_examples=200, deadline=None)
@given(programs(max_steps=15), st.lists(st.floats(-3.0, 3.0, allow_nan=False), min_size=3,
                                        max_size=3))
def test_random_dags_match_torch(steps, xs):
    compare(steps, xs)


UNARY = {
    "exp": (lambda v: v.exp(), torch.exp), "log": (lambda v: v.log(), torch.log),
    "sqrt": (lambda v: v.sqrt(), torch.sqrt), "tanh": (lambda v: v.tanh(), torch.tanh),
    "sigmoid": (lambda v: v.sigmoid(), torch.sigmoid), "relu": (lambda v: v.relu(), torch.relu),
    "leaky": (lambda v: v.leaky_relu(0.01), torch.nn.functional.leaky_relu),
    "elu": (lambda v: v.elu(), torch.nn.functional.elu),
    "softplus": (lambda v: v.softplus(), torch.nn.functional.softplus),
    "abs": (lambda v: abs(v), torch.abs), "cube": (lambda v: v ** 3, lambda t: t ** 3),
    "rsqrt": (lambda v: v ** -0.5, lambda t: t ** -0.5),
    "clamp": (lambda v: v.clamp(-1, 1), lambda t: torch.clamp(t, -1, 1)),
}
EDGE_POINTS = [-1000.0, -800.0, -50.0, -20.5, -1.0, -0.0, 0.0, 1e-300, 0.5, 1.0, 20.0, 25.0,
               800.0, 1000.0, math.inf, -math.inf]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_match_torch_at_edge_points(name):
    ours, theirs = UNARY[name]
    for x in EDGE_POINTS:
        if name == "rsqrt" and math.copysign(1.0, x) < 0:
            continue  # torch computes t ** -0.5 as 1/sqrt(t) (-inf at -0.0, nan at -inf) where
            # IEEE pow gives +inf and +0; we follow IEEE pow. Negative finite bases: nan in both.
        v = Value(x)
        out = ours(v)
        out.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        tout = theirs(t)
        tout.backward()
        assert close(out.data, tout.item()), (name, x, out.data, tout.item())
        assert close(v.grad, t.grad.item()), (name, x, v.grad, t.grad.item())


@pytest.mark.parametrize("a, b", [(0.0, 0.0), (0.0, 2.0), (0.0, -1.0), (-2.0, 3.0), (-2.0, 0.5),
                                  (2.0, -0.5), (1e-3, 40.0), (3.0, 0.0)])
def test_pow_matches_torch_including_masks(a, b):
    va, vb = Value(a), Value(b)
    out = va ** vb
    out.backward()
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    tout = ta ** tb
    tout.backward()
    assert close(out.data, tout.item())
    assert close(va.grad, ta.grad.item()), (va.grad, ta.grad.item())
    assert close(vb.grad, tb.grad.item()), (vb.grad, tb.grad.item())


@pytest.mark.parametrize("a, b", [(1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (3.0, -0.0), (2.0, 1e-200)])
def test_div_matches_torch_at_zero(a, b):
    va, vb = Value(a), Value(b)
    out = va / vb
    out.backward()
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    (ta / tb).backward()
    assert close(out.data, (ta / tb).item())
    assert close(va.grad, ta.grad.item()) and close(vb.grad, tb.grad.item())


def test_softmax_family_matches_torch():
    rng = np.random.default_rng(1)
    for scale in (1.0, 100.0, 1000.0):
        xs = (rng.standard_normal(6) * scale).tolist()
        w = rng.standard_normal(6).tolist()
        vs = [Value(x) for x in xs]
        out = functional.sum([wi * s for wi, s in zip(w, functional.softmax(vs))])
        out = out + functional.logsumexp(vs) * 0.3 + functional.log_softmax(vs)[2]
        out.backward()
        t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
        tw = torch.tensor(w, dtype=torch.float64)
        tout = (tw * torch.softmax(t, 0)).sum() + torch.logsumexp(t, 0) * 0.3 \
            + torch.log_softmax(t, 0)[2]
        tout.backward()
        assert close(out.data, tout.item(), rel=1e-11)
        for v, g in zip(vs, t.grad.tolist()):
            assert close(v.grad, g, rel=1e-9, abs_=1e-12)


def test_second_derivatives_match_torch():
    from autograd_core import grad

    for x0 in (-1.3, 0.2, 2.0):
        x = Value(x0)
        f = (x.tanh() * x.sigmoid() + x ** 3).softplus() * x.exp()
        (g,) = grad(f, [x], create_graph=True)
        (gg,) = grad(g, [x])
        t = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        tf = torch.nn.functional.softplus(torch.tanh(t) * torch.sigmoid(t) + t ** 3) * torch.exp(t)
        (tg,) = torch.autograd.grad(tf, t, create_graph=True)
        (tgg,) = torch.autograd.grad(tg, t)
        assert close(g.data, tg.item(), rel=1e-11) and close(gg, tgg.item(), rel=1e-10)

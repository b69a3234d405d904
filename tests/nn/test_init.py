"""Initialisers: exact draws from a seeded generator, variances (and PyTorch's), seeds that
reproduce without touching global random state."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from nn import MLP, Layer, init


@pytest.mark.parametrize("name,expected", [
    ("uniform", lambda r, fi, fo: r.uniform(-1, 1)),
    ("xavier_uniform", lambda r, fi, fo: r.uniform(-math.sqrt(6 / (fi + fo)),
                                                   math.sqrt(6 / (fi + fo)))),
    ("xavier_normal", lambda r, fi, fo: r.gauss(0, math.sqrt(2 / (fi + fo)))),
    ("he_uniform", lambda r, fi, fo: r.uniform(-math.sqrt(6 / fi), math.sqrt(6 / fi))),
    ("he_normal", lambda r, fi, fo: r.gauss(0, math.sqrt(2 / fi))),
    ("small_normal", lambda r, fi, fo: r.gauss(0, 1) * 0.01),
    ("zeros", lambda r, fi, fo: 0.0),
])
def test_layer_weights_are_the_formula_applied_to_the_seeded_stream(name, expected):
    layer = Layer(3, 5, init=name, seed=11)
    r = random.Random(11)
    want = [expected(r, 3, 5) for _ in range(15)]
    got = [w.data for n in layer.neurons for w in n.w]
    assert got == pytest.approx(want, rel=1e-15)
    assert all(n.b.data == 0.0 for n in layer.neurons)


VARIANCE = {"uniform": lambda fi, fo: 1 / 3, "xavier_uniform": lambda fi, fo: 2 / (fi + fo),
            "xavier_normal": lambda fi, fo: 2 / (fi + fo), "he_uniform": lambda fi, fo: 2 / fi,
            "he_normal": lambda fi, fo: 2 / fi, "small_normal": lambda fi, fo: 1e-4}


@pytest.mark.parametrize("name", sorted(VARIANCE))
def test_variance(name):
    fi, fo = 50, 30
    fn = init.resolve(name)
    r = random.Random(0)
    xs = [fn(r, fi, fo) for _ in range(20000)]
    assert statistics.pvariance(xs) == pytest.approx(VARIANCE[name](fi, fo), rel=0.04)


@pytest.mark.parametrize("name,torch_name,kw", [
    ("xavier_uniform", "xavier_uniform_", {}), ("xavier_normal", "xavier_normal_", {}),
    ("he_uniform", "kaiming_uniform_", {"nonlinearity": "relu"}),
    ("he_normal", "kaiming_normal_", {"nonlinearity": "relu"})])
def test_variance_matches_torch(name, torch_name, kw):
    torch = pytest.importorskip("torch")
    fi, fo = 50, 400
    w = torch.empty(fo, fi, dtype=torch.float64)
    torch.manual_seed(0)
    getattr(torch.nn.init, torch_name)(w, **kw)
    fn = init.resolve(name)
    r = random.Random(0)
    ours = [fn(r, fi, fo) for _ in range(fi * fo)]
    assert statistics.pvariance(ours) == pytest.approx(w.var(unbiased=False).item(), rel=0.05)
    if name.endswith("uniform"):
        assert max(abs(x) for x in ours) <= w.abs().max().item() * 1.01


def test_seed_reproduces_and_leaves_global_state_alone():
    state = random.getstate()
    a = [p.data for p in MLP(2, [8, 1], init="he", seed=5).parameters()]
    assert random.getstate() == state
    b = [p.data for p in MLP(2, [8, 1], init="he", seed=5).parameters()]
    c = [p.data for p in MLP(2, [8, 1], init="he", seed=6).parameters()]
    assert a == b and a != c


def test_no_seed_uses_global_random_like_micrograd():
    random.seed(7)
    a = [p.data for p in MLP(2, [3, 1]).parameters()]
    random.seed(7)
    assert a == [p.data for p in MLP(2, [3, 1]).parameters()]


def test_zeros_never_breaks_symmetry():
    m = MLP(2, [3, 1], activation="tanh", init="zeros", seed=0)
    for p in m.layers[1].neurons[0].w:
        p.data = 0.5  # even with a non-zero output layer...
    m([1.0, -2.0]).backward()
    grads = [tuple(w.grad for w in n.w) for n in m.layers[0].neurons]
    assert grads[0] == grads[1] == grads[2]  # ...every hidden neuron gets the same gradient


def test_aliases_and_callables_and_errors():
    assert init.resolve("glorot") is init.xavier_uniform
    assert init.resolve("kaiming") is init.he_normal
    layer = Layer(2, 2, init=lambda r, fi, fo: 0.25, seed=0)
    assert all(w.data == 0.25 for n in layer.neurons for w in n.w)
    with pytest.raises(ValueError, match="unknown init 'xavierr'"):
        MLP(2, [1], init="xavierr")
    with pytest.raises(TypeError, match="seed must be an int or None, got str"):
        MLP(2, [1], seed="1")  # type: ignore[arg-type]

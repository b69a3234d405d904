"""MLP.to_torch(): same outputs in float64 (to 1e-12), every named activation, dropout, and the
messages when it cannot convert."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nn import MLP


@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "softplus",
                                 "linear"])
def test_outputs_match(act):
    torch = pytest.importorskip("torch")
    model = MLP(3, [8, 5, 2], activation=act, output_activation="sigmoid", seed=0)
    net = model.to_torch()
    assert isinstance(net, torch.nn.Sequential)
    X = np.random.default_rng(0).normal(0, 2, (20, 3))
    ours = model.predict(X)
    theirs = net(torch.tensor(X, dtype=torch.float64)).detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_single_output_and_dropout_layers():
    torch = pytest.importorskip("torch")
    model = MLP(2, [16, 16, 1], dropout=0.2, seed=1)
    net = model.to_torch().eval()
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    model.eval()
    X = np.array([[0.3, -1.2], [2.0, 0.5]])
    out = net(torch.tensor(X)).detach().numpy()[:, 0]
    np.testing.assert_allclose(model.predict(X), out, rtol=1e-12, atol=1e-12)
    assert sum(p.numel() for p in net.parameters()) == 337


def test_python_activation_cannot_convert():
    pytest.importorskip("torch")
    with pytest.raises(ValueError, match="Python function as activation"):
        MLP(2, [2, 1], activation=lambda v: v.tanh(), seed=0).to_torch()


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match=r"pip install autograd-core\[torch\]"):
        MLP(2, [1], seed=0).to_torch()

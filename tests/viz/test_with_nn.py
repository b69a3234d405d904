"""viz on the real nn objects: MLP graphs collapsed by neuron, network diagrams, History plots,
decision boundaries of a trained model."""

from __future__ import annotations

import re

import pytest

nn = pytest.importorskip("nn")

from autograd_core import Value  # noqa: E402
from viz.graph import draw_graph  # noqa: E402
from viz.network import draw_network  # noqa: E402
from viz.plots import plot_decision_boundary, plot_history  # noqa: E402


def test_mlp_graph_collapses_to_one_node_per_neuron() -> None:
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=0)
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    loss = (model(x) - 1.0) ** 2
    loss.backward()
    full = draw_graph(loss, params=model)
    small = draw_graph(loss, params=model, collapse_neurons=True)
    n_full = full.source.count("shape=record")
    n_small = small.source.count("shape=record")
    assert n_full == 2 + model.num_parameters() + 8 * 3 + 2 + 2  # + out-1, **2
    assert n_small == 2 + 9 + 2
    assert small.source.count("neuron\\ntanh(w.x + b)") == 8
    # the collapsed edges still carry the chain rule: x1's sends add up to x1.grad
    sends = re.findall(r"n0 -> n\d+op \[label=<.*?= sends (\S+)</b>",
                       draw_graph(loss, params=model, collapse_neurons=True,
                                  precision=15).source)
    assert sum(map(float, sends)) == pytest.approx(x[0].grad, rel=1e-12)


def test_network_diagram_of_an_nn_mlp() -> None:
    model = nn.MLP(3, [5, 2], activation="relu", seed=1)
    src = draw_network(model).source
    assert len(re.findall(r" -> ", src)) == 3 * 5 + 5 * 2
    assert "hidden 1 (relu)" in src and "output (linear)" in src


def test_history_and_boundary_of_a_trained_model(tmp_path) -> None:
    X, y = nn.data.xor()
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", init="xavier",
                   seed=0)
    history = nn.fit(model, X, y, loss="bce", optimizer="adam", lr=0.1, epochs=5,
                     validation=(X, y), metrics=["accuracy"], progress=False)
    fig = plot_history(history)
    assert [a.get_title() for a in fig.axes] == ["loss", "accuracy"]
    fig.savefig(tmp_path / "h.png", dpi=50)
    fig = plot_decision_boundary(model, X, y, resolution=12)
    fig.savefig(tmp_path / "b.png", dpi=50)
    assert (tmp_path / "b.png").read_bytes().startswith(b"\x89PNG")

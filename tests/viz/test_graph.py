"""draw_graph: records, op nodes, edge annotations, colours, limits, neuron collapsing."""

from __future__ import annotations

import re

import graphviz
import pytest

from autograd_core import Value
from tests.viz.helpers import TinyMLP, chain_rule_example, check_snapshot
from viz.graph import COLORS, GraphTooLargeError, dot_source, draw_dot, draw_graph, fmt, op_text


def test_snapshot_before_backward() -> None:
    f = chain_rule_example()
    check_snapshot("chain_rule_before.dot", draw_graph(f).source)


def test_snapshot_after_backward() -> None:
    f = chain_rule_example()
    f.backward()
    check_snapshot("chain_rule_after.dot", draw_graph(f).source)


def test_after_backward_has_the_lecture_numbers() -> None:
    f = chain_rule_example()
    f.backward()
    src = draw_graph(f).source
    # records: label | data | grad, with the lecture's values
    assert "{ x | data -2 | grad -4 }" in src
    assert "{ y | data 5 | grad -4 }" in src
    assert "{ z | data -4 | grad 3 }" in src
    assert "{ q | data 3 | grad -4 }" in src
    assert "{ f | data -12 | grad 1 }" in src
    # q -> * : local df/dq = z = -4, upstream 1, sends -4; z -> * : local q = 3, sends 3
    edges = re.findall(r"(n\d) -> (n\dop) \[label=<(.*?)>\]\n", src)
    text = {(a, b): re.sub("<[^>]+>", " ", lab) for a, b, lab in edges}
    assert len(edges) == 4
    assert "local -4" in text[("n2", "n4op")] and "= sends -4" in text[("n2", "n4op")]
    assert "local 3" in text[("n3", "n4op")] and "= sends 3" in text[("n3", "n4op")]
    for x in ("n0", "n1"):  # x and y each get local 1 x upstream -4 = -4
        assert "local 1" in text[(x, "n2op")]
        assert "upstream -4" in text[(x, "n2op")]
        assert "= sends -4" in text[(x, "n2op")]


def test_before_backward_grads_are_unknown_not_zero() -> None:
    src = draw_graph(chain_rule_example()).source
    assert src.count("| grad ? }") == 5
    assert "grad 0" not in src
    assert "upstream" not in src.split("legend")[0]  # only local gradients on the edges yet
    assert "local 1" in src
    assert "not computed yet" in src  # the legend explains the '?'


def test_show_grads_overrides_the_automatic_choice() -> None:
    f = chain_rule_example()
    assert "grad 0" in draw_graph(f, show_grads=True).source
    f.backward()
    assert "grad ?" in draw_graph(f, show_grads=False).source


def test_deterministic_across_identical_graphs() -> None:
    a, b = chain_rule_example(), chain_rule_example()
    assert draw_graph(a).source == draw_graph(b).source == draw_graph(a).source
    assert dot_source(a) == draw_graph(a).source


def test_returns_digraph_and_micrograd_alias() -> None:
    f = chain_rule_example()
    assert isinstance(draw_dot(f), graphviz.Digraph)
    assert draw_dot is draw_graph
    assert "rankdir=TB" in draw_dot(f, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(f, rankdir="sideways")
    with pytest.raises(TypeError, match="expects a Value"):
        draw_graph(3.0)  # type: ignore[arg-type]


def test_x_plus_x_draws_two_edges_each_sending_its_share() -> None:
    x = Value(3.0, "x")
    y = x + x
    y.backward()
    src = draw_graph(y).source
    assert src.count("n0 -> n1op") == 2
    assert src.count("= sends 1") == 2
    assert "{ x | data 3 | grad 2 }" in src


def test_constants_are_small_boxes_with_dashed_edges() -> None:
    x = Value(3.0, "x")
    y = x * 2
    y.backward()
    src = draw_graph(y).source
    assert re.search(r'n1c1 \[label=2 fillcolor="#e6e6e6"', src)
    assert re.search(r"n1c1 -> n1op \[color=\"#888888\" style=dashed\]", src)
    assert "= sends 2" in src  # x receives local 2 x upstream 1
    assert "constant (no grad)" in src


def test_op_labels_from_the_op_table() -> None:
    x = Value(2.0)
    assert op_text(x ** 3) == "**3"
    assert op_text(x ** 0.5) == "**0.5"
    assert op_text(x.tanh()) == "tanh"
    assert op_text(x.relu()) == "ReLU"
    assert op_text(x.leaky_relu(0.1)) == "LeakyReLU 0.1"
    assert op_text(x.clamp(min=0.0)) == "clamp [0, inf]"
    assert op_text(x / x) == "/"
    src = draw_graph(x ** 3).source
    assert 'label="**3"' in src
    assert 'tooltip="d(x^k)/dx = k x^(k-1)"' in src  # the derivative, from the op table


def test_params_inputs_output_get_distinct_colours(mlp: TinyMLP) -> None:
    out = mlp([1.0, Value(-0.5, "x2")])
    src = draw_graph(out, params=mlp).source
    assert f'fillcolor="{COLORS["parameter"]}"' in src
    assert f'fillcolor="{COLORS["input"]}"' in src
    assert f'fillcolor="{COLORS["output"]}"' in src
    assert f'fillcolor="{COLORS["constant"]}"' in src
    n_params = src.count(f'fillcolor="{COLORS["parameter"]}" shape=record')
    assert n_params == len(mlp.parameters()) == 13
    with pytest.raises(TypeError, match="params must be Values"):
        draw_graph(out, params=[1.0])


def test_max_nodes_stops_with_advice() -> None:
    x = Value(1.0)
    y = x
    for _ in range(30):
        y = y * 1.01
    with pytest.raises(GraphTooLargeError, match=r"31 Value nodes.*max_nodes=10.*collapse_neurons"):
        draw_graph(y, max_nodes=10)
    assert draw_graph(y, max_nodes=None).source.count("record") == 31


def test_collapse_neurons_folds_dot_bias_activation(mlp: TinyMLP) -> None:
    out = mlp([Value(1.0, "x1"), Value(-0.5, "x2")])
    out.backward()
    full = draw_graph(out, params=mlp).source
    small = draw_graph(out, params=mlp, collapse_neurons=True).source
    # inputs, params, dot/add/tanh per hidden neuron, dot/add for the linear output
    assert full.count("shape=record") == 2 + 13 + 3 * 3 + 2
    assert small.count("shape=record") == 2 + 4  # inputs and one output per neuron
    assert small.count("neuron\\ntanh(w.x + b)\\n") == 3
    assert small.count("neuron\\nw.x + b\\n") == 1  # the linear output neuron
    assert small.count("3 params hidden") == 3 and small.count("4 params hidden") == 1
    # the edges into a collapsed neuron carry d(neuron)/d(x_i) = tanh'(z) w_i; check x1 -> n0
    n = mlp.layers[0].neurons[0]
    h = n([1.0, -0.5])
    local = (1 - h.data ** 2) * 0.5
    assert f"local {fmt(local)}" in small


def test_collapsed_edges_still_add_up_to_the_gradients(mlp: TinyMLP) -> None:
    x1, x2 = Value(1.0, "x1"), Value(-0.5, "x2")
    out = mlp([x1, x2])
    out.backward()
    small = draw_graph(out, params=mlp, collapse_neurons=True, precision=15).source
    for name, x in (("n0", x1), ("n1", x2)):
        sends = re.findall(name + r" -> n\d+op \[label=<.*?= sends (\S+)</b>", small)
        assert len(sends) == 3  # one edge into each hidden neuron
        assert sum(float(v) for v in sends) == pytest.approx(x.grad, rel=1e-12)


def test_fmt() -> None:
    assert fmt(-0.0) == "0"
    assert fmt(0.7615941559557649) == "0.7616"
    assert fmt(float("nan")) == "nan"
    assert fmt(Value(2.5)) == "2.5"


def test_gradients_that_are_values_after_create_graph() -> None:
    x = Value(2.0, "x")
    y = x ** 3
    y.backward(create_graph=True)  # x.grad is a Value (12), itself differentiable
    src = draw_graph(y).source
    assert "{ x | data 2 | grad 12 }" in src
    assert "local 12" in src and "= sends 12" in src


def test_leaf_root() -> None:
    leaf = Value(1.5, "w")
    assert "{ w | data 1.5 | grad ? }" in draw_graph(leaf).source
    leaf.backward()
    assert "{ w | data 1.5 | grad 1 }" in draw_graph(leaf).source


def test_numbers_zero_up_to_rounding_print_as_zero_relative_to_the_graph() -> None:
    """Lesson 09's neuron: z = 0.3 * 20/9 + 0.4 * (-5/3) is -1.1e-16 in floating point beside
    numbers of order 1; it prints 0. A small number in a graph of small numbers keeps its
    digits."""
    from viz.graph import draw_graph, fmt

    w1, w2 = Value(0.3, label="w1"), Value(0.4, label="w2")
    z = w1 * (20 / 9) + w2 * (-5 / 3)
    z.label = "z"
    assert z.data != 0.0 and abs(z.data) < 1e-15
    p = z.sigmoid()
    p.backward()
    src = draw_graph(p).source
    assert "data 0 " in src.replace("}", " ").replace("|", " ") and "e-16" not in src
    tiny = Value(3e-16, label="t") * 2.0
    assert "6e-16" in draw_graph(tiny).source            # nothing larger in its graph
    assert fmt(-1.1e-16, 4, scale=2.0) == "0" and fmt(1e-9, 4, scale=2.0) == "1e-09"

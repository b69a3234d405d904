"""draw_network: an MLP drawn like TensorFlow Playground."""

from __future__ import annotations

import re

import pytest

from tests.viz.helpers import TinyMLP, needs_dot
from viz.network import (
    NEGATIVE,
    POSITIVE,
    activation_name,
    draw_network,
    weight_label_positions,
    weight_style,
)


def test_layout_nodes_and_edges(mlp: TinyMLP) -> None:
    src = draw_network(mlp, output_names=["y"]).source
    assert len(re.findall(r"^\s*i\d \[", src, re.M)) == 2
    assert len(re.findall(r"^\s*L0n\d \[", src, re.M)) == 3
    assert len(re.findall(r"^\s*L1n\d \[", src, re.M)) == 1
    assert len(re.findall(r" -> ", src)) == 2 * 3 + 3 * 1
    assert "hidden 1 (tanh)" in src and "output (linear)" in src
    assert "b 0.1" in src and "b -0.2" in src and "b 0.3\\ny" in src


def test_weight_colour_and_width_follow_sign_and_size(mlp: TinyMLP) -> None:
    src = draw_network(mlp).source
    # the largest |w| (1.2, x1 -> neuron 2) is the thickest and blue; -1.0 is orange
    big = re.search(r'i0 -> L0n2 \[color="([^"]+)" penwidth=([\d.]+)', src)
    neg = re.search(r'i1 -> L0n0 \[color="([^"]+)" penwidth=([\d.]+)', src)
    assert big and neg
    assert big.group(1) == POSITIVE and float(big.group(2)) == 6.0
    assert neg.group(1) == NEGATIVE and float(neg.group(2)) == pytest.approx(0.3 + 5.7 / 1.2)
    assert weight_style(0.0, 1.0)["penwidth"] == "0.30"


def test_neurons_keep_their_order(mlp: TinyMLP) -> None:
    src = draw_network(mlp).source
    ys = [float(y) for y in re.findall(r'L0n\d \[.*?pos="[\d.-]+,([\d.-]+)!"', src)]
    assert ys == sorted(ys, reverse=True)  # neuron 0 on top


def test_activation_names() -> None:
    class Micrograd:
        nonlin = True

    class Fn:
        activation = staticmethod(lambda z: z)

    assert activation_name(Micrograd()) == "relu"
    assert activation_name(Fn()) == "<lambda>"
    assert activation_name(object()) is None


def test_bad_models_are_named() -> None:
    with pytest.raises(TypeError, match=r"MLP-like model with \.layers.*got int"):
        draw_network(3)
    mlp = TinyMLP()
    with pytest.raises(ValueError, match="input_names has 3 names but the model has 2 inputs"):
        draw_network(mlp, input_names=["a", "b", "c"])


@needs_dot
def test_renders(mlp: TinyMLP, tmp_path) -> None:
    from viz.render import render

    svg = render(draw_network(mlp), tmp_path / "net.svg").read_text()
    assert svg.count('class="node"') == 2 + 3 + 1 + 3 + 1  # inputs, neurons, titles, legend
    assert "weight &gt; 0" in svg and "bias &lt; 0" in svg


def test_colours_are_the_plots_convention() -> None:
    from viz import plots

    assert (POSITIVE, NEGATIVE) == (plots.POSITIVE, plots.NEGATIVE)


def test_legend_can_be_left_out(mlp: TinyMLP) -> None:
    assert "legend [" in draw_network(mlp).source
    assert "legend [" not in draw_network(mlp, legend=False).source


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("sizes", [[2, 3, 1], [3, 4, 4, 1], [2, 8, 8, 2], [4, 1, 4], [3, 4, 2]])
def test_weight_labels_never_overlap(sizes: list[int], rankdir: str) -> None:
    """Every pair of label centres is further apart than a label is wide (0.4 in, "-0.12" at
    8 pt) horizontally, or tall (0.2 in) vertically."""
    from viz.network import _spacing

    dx, dy = _spacing(sizes, True, rankdir)
    spots = list(weight_label_positions(sizes, dx, dy, rankdir).values())
    assert len(spots) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    wide, tall = (0.4, 0.2) if rankdir == "LR" else (0.2, 0.4)  # (along, across)
    for n, (a1, c1) in enumerate(spots):
        for a2, c2 in spots[n + 1:]:
            assert abs(a1 - a2) >= wide or abs(c1 - c2) >= tall, ((a1, c1), (a2, c2))


def test_weight_labels_sit_on_their_edges(mlp: TinyMLP) -> None:
    src = draw_network(mlp, show_weights=True).source
    # 6 + 3 labels, each a node coloured like its edge
    labels = re.findall(r'^\s*w\d+_\d+_\d+ \[.*fontcolor="([^"]+)"', src, re.M)
    assert len(labels) == 9 and set(labels) <= {POSITIVE, NEGATIVE}
    spots = weight_label_positions([2, 3, 1], 2.2)
    a, c = spots[(0, 0, 2)]  # on the straight line from input 0 to neuron 2
    assert 0 < a < 2.2 and c == pytest.approx(0.5 + (a / 2.2) * (-1.0 - 0.5))

"""A multilayer perceptron drawn the way TensorFlow Playground draws one.

:func:`draw_network` lays an MLP out in columns: the inputs, then each layer's neurons as
circles, every weight as an edge coloured by its sign (blue positive, orange negative, as in
the Playground) and thickened by its size, and each neuron's bias written in it and shown by
its fill colour. A legend says what the colours and widths mean. With ``show_weights`` each
weight's value is written on its edge at a spot of its own (see :func:`weight_label_positions`),
so no two labels overlap however the edges cross. It reads any MLP-shaped object:
``model.layers[i].neurons[j].w`` (a list of Values or numbers) and ``.b`` (nn's MLP and
micrograd's both qualify).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import graphviz

from autograd_core.value import Value
from viz.colors import NEGATIVE, POSITIVE  # the one colour convention (Playground blue/orange)
from viz.display import Graph
from viz.graph import fmt

__all__ = ["NEGATIVE", "POSITIVE", "activation_name", "draw_network", "weight_label_positions",
           "weight_style"]
MAX_PENWIDTH = 6.0
MIN_PENWIDTH = 0.3


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def activation_name(obj: Any) -> str | None:
    """The activation of a neuron or layer as text, from ``.activation`` (nn: a name or a
    function) or micrograd's ``.nonlin`` flag (True: ReLU); None when it cannot be told."""
    act = getattr(obj, "activation", None)
    if isinstance(act, str):
        return act
    if callable(act):
        return str(getattr(act, "__name__", type(act).__name__))
    nonlin = getattr(obj, "nonlin", None)
    if isinstance(nonlin, bool):
        return "relu" if nonlin else "linear"
    return None


def _layers(model: Any) -> list[list[tuple[list[float], float]]]:
    """[(weights, bias) per neuron] per layer, checked."""
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"draw_network() expects an MLP-like model with .layers (each with "
                        f".neurons, each with .w and .b), got {type(model).__name__}")
    out = []
    for i, layer in enumerate(layers):
        neurons = getattr(layer, "neurons", None)
        if neurons is None:
            raise TypeError(f"draw_network(): layer {i} ({type(layer).__name__}) has no .neurons; "
                            "only layers of neurons (nn.Layer) can be drawn")
        rows = []
        for j, n in enumerate(neurons):
            try:
                rows.append(([_number(w) for w in n.w], _number(n.b)))
            except AttributeError:
                raise TypeError(
                    f"draw_network(): neuron {j} of layer {i} has no .w and .b") from None
        if not rows:
            raise ValueError(f"draw_network(): layer {i} has no neurons")
        out.append(rows)
    if not out:
        raise ValueError("draw_network(): the model has no layers")
    for i in range(1, len(out)):
        if any(len(w) != len(out[i - 1]) for w, _ in out[i]):
            raise ValueError(f"draw_network(): layer {i} neurons do not have one weight per "
                             f"output of layer {i - 1} ({len(out[i - 1])})")
    return out


def _mix(color: str, t: float) -> str:
    """``color`` blended with white: t = 0 gives white, t = 1 the colour."""
    r, g, b = (int(color[k:k + 2], 16) for k in (1, 3, 5))
    t = max(0.0, min(1.0, t))
    return "#" + "".join(f"{round(255 + (c - 255) * t):02x}" for c in (r, g, b))


def weight_style(w: float, scale: float) -> dict[str, str]:
    """Edge attributes for a weight: colour by sign, pen width by |w| / scale."""
    t = abs(w) / scale if scale > 0 else 0.0
    return {"color": POSITIVE if w >= 0 else NEGATIVE,
            "penwidth": f"{MIN_PENWIDTH + (MAX_PENWIDTH - MIN_PENWIDTH) * t:.2f}"}


def _spacing(sizes: Sequence[int], show_weights: bool, rankdir: str = "LR"
             ) -> tuple[float, float]:
    """(between columns, between neurons of a column) in inches: wider when weight labels
    (about 0.4 in wide, 0.16 in tall) must fit."""
    if not show_weights:
        return 2.2, 1.0
    if rankdir == "LR":
        return max(2.2, 0.75 * max(sizes) + 0.8), 1.0
    return max(2.2, 0.45 * max(sizes) + 0.6), 1.6


def weight_label_positions(sizes: Sequence[int], dx: float, dy: float = 1.0,
                           rankdir: str = "LR") -> dict[tuple[int, int, int], tuple[float, float]]:
    """Where each weight's label sits, in (along, across) inches: {(layer, i, j): point}.

    'LR' (columns side by side, a label is wide along): the label of the edge from neuron i
    to neuron j of the next column sits at the fraction t_j = 0.22 + 0.56 j / (n - 1) of the
    way (n neurons in the next column). Labels on edges into different neurons are
    0.56 dx / (n - 1) apart along; labels on edges into the same neuron are (1 - t_j) dy >=
    0.22 dy apart across, because their sources are dy apart.

    'TB' (columns stacked, a label is wide across): the fraction follows the source instead,
    t_i = 0.3 + 0.5 i / (m - 1) (m neurons in the column above). Labels on edges out of
    different neurons are 0.5 dx / (m - 1) apart along; labels on edges out of the same neuron
    are t_i dy >= 0.3 dy apart across. Either way no two labels share a spot.
    """
    tallest = max(sizes)
    out = {}

    def row(r: int, n: int) -> float:
        return ((tallest - 1) / 2 - r + (n - 1) / 2 - (tallest - 1) / 2) * dy

    for k in range(len(sizes) - 1):
        n_src, n_dst = sizes[k], sizes[k + 1]
        for j in range(n_dst):
            for i in range(n_src):
                if rankdir == "LR":
                    t = 0.5 if n_dst == 1 else 0.22 + 0.56 * j / (n_dst - 1)
                else:
                    t = 0.55 if n_src == 1 else 0.3 + 0.5 * i / (n_src - 1)
                yi, yj = row(i, n_src), row(j, n_dst)
                out[(k, i, j)] = ((k + t) * dx, yi + t * (yj - yi))
    return out


def _checked_names(layers: list[list[tuple[list[float], float]]],
                   input_names: Sequence[str] | None,
                   output_names: Sequence[str] | None) -> Sequence[str]:
    """The input names to draw (x1, x2, ... by default), after checking that both name lists
    match the model's number of inputs and outputs, so a wrong list fails with its counts."""
    nin = len(layers[0][0][0])
    if input_names is None:
        input_names = [f"x{i + 1}" for i in range(nin)]
    if len(input_names) != nin:
        raise ValueError(f"draw_network(): input_names has {len(input_names)} names but the "
                         f"model has {nin} inputs")
    n_out = len(layers[-1])
    if output_names is not None and len(output_names) != n_out:
        raise ValueError(f"draw_network(): output_names has {len(output_names)} names but the "
                         f"model has {n_out} outputs")
    return input_names


class _Layout:
    """Pinned positions (neato ``pos="x,y!"``) of the columns, so neurons keep their order and
    columns line up: ``along`` runs from the inputs to the outputs, ``across`` within a column
    (centred); 'TB' turns both a quarter turn."""

    def __init__(self, sizes: Sequence[int], show_weights: bool, rankdir: str) -> None:
        self.sizes = list(sizes)
        self.rankdir = rankdir
        self.tallest = max(sizes)
        self.dx, self.dy = _spacing(sizes, show_weights, rankdir)
        self.head = (self.tallest - 1) / 2 * self.dy + 0.8  # where the column titles sit

    def at(self, along: float, across: float) -> str:
        """The ``pos`` attribute of a point given in (along, across) inches."""
        if self.rankdir == "TB":
            return f"{-across:.3f},{-along:.3f}!"
        return f"{along:.3f},{across:.3f}!"

    def pos(self, col: int, row: int, n: int) -> str:
        """The ``pos`` of neuron ``row`` of column ``col`` (which has ``n`` neurons)."""
        tallest = self.tallest
        across = ((tallest - 1) / 2 - row + (n - 1) / 2 - (tallest - 1) / 2) * self.dy
        return self.at(col * self.dx, across)

    def title(self, col: int) -> str:
        """The ``pos`` of column ``col``'s title, above (LR) or left of (TB) the column."""
        if self.rankdir == "TB":
            return f"{-self.head - 0.6:.3f},{-col * self.dx:.3f}!"
        return f"{col * self.dx:.3f},{self.head:.3f}!"


def _draw_title(g: Graph, lay: _Layout, col: int, text: str) -> None:
    """A column's title ("input", "hidden 1 (relu)", "output (linear)")."""
    g.node(f"title{col}", label=text, shape="plaintext", pos=lay.title(col), fontsize="12")


def _draw_neurons(g: Graph, lay: _Layout, model: Any,
                  layers: list[list[tuple[list[float], float]]], input_names: Sequence[str],
                  output_names: Sequence[str] | None, precision: int) -> None:
    """The input circles, then each layer's title and neurons: a neuron shows its bias written
    in and filled blue/orange by the bias's sign, stronger for larger |b|."""
    bmax = max((abs(b) for layer in layers for _, b in layer), default=0.0)
    _draw_title(g, lay, 0, "input")
    for i, nm in enumerate(input_names):
        g.node(f"i{i}", label=nm, shape="circle", style="filled", fillcolor="#eeeeee",
               width="0.6", fixedsize="true", pos=lay.pos(0, i, len(input_names)))
    acts = [activation_name(layer) for layer in model.layers]
    for k, layer in enumerate(layers):
        last = k == len(layers) - 1
        kind = "output" if last else f"hidden {k + 1}"
        _draw_title(g, lay, k + 1, f"{kind} ({acts[k]})" if acts[k] else kind)
        for j, (_, b) in enumerate(layer):
            t = abs(b) / bmax if bmax > 0 else 0.0
            fill = _mix(POSITIVE if b >= 0 else NEGATIVE, 0.15 + 0.6 * t)
            name = f"\\n{output_names[j]}" if last and output_names is not None else ""
            g.node(f"L{k}n{j}", label=f"b {fmt(b, precision)}{name}", shape="circle",
                   style="filled", fillcolor=fill, width="0.75", fixedsize="true",
                   tooltip=f"layer {k}, neuron {j}: bias {b!r}",
                   pos=lay.pos(k + 1, j, len(layer)))


def _draw_weights(g: Graph, lay: _Layout, layers: list[list[tuple[list[float], float]]],
                  show_weights: bool, precision: int) -> None:
    """Every weight as an edge styled by :func:`weight_style`; with ``show_weights`` also its
    value, as a label node of its own at its spot from :func:`weight_label_positions` (an edge
    label would land on other edges and labels where edges cross)."""
    wmax = max((abs(w) for layer in layers for ws, _ in layer for w in ws), default=0.0)
    spots = weight_label_positions(lay.sizes, lay.dx, lay.dy, lay.rankdir) if show_weights else {}
    for k, layer in enumerate(layers):
        src = ([f"i{i}" for i in range(lay.sizes[0])] if k == 0
               else [f"L{k - 1}n{i}" for i in range(len(layers[k - 1]))])
        for j, (ws, _) in enumerate(layer):
            for i, w in enumerate(ws):
                attrs = weight_style(w, wmax)
                attrs["tooltip"] = f"w = {w!r}"
                g.edge(src[i], f"L{k}n{j}", **attrs)
                if show_weights:  # a label node of its own, on the edge, never on another
                    a, c = spots[(k, i, j)]
                    g.node(f"w{k}_{i}_{j}", label=fmt(w, precision), shape="plaintext",
                           fontsize="8", style="filled", fillcolor="#ffffffd0", margin="0.01",
                           width="0", height="0", fontcolor=attrs["color"], pos=lay.at(a, c),
                           tooltip=f"w = {w!r}")


def _draw_legend(g: Graph, lay: _Layout) -> None:
    """The key of the colours and widths: under the network (LR) or right of it (TB)."""
    key = ('<<table border="0" cellborder="0" cellspacing="2">'
           f'<tr><td><font color="{POSITIVE}"><b>&#9472;&#9472;</b></font></td>'
           '<td align="left">weight &gt; 0</td>'
           f'<td><font color="{NEGATIVE}"><b>&#9472;&#9472;</b></font></td>'
           '<td align="left">weight &lt; 0</td>'
           '<td align="left">width: |w| (thickest = largest)</td></tr>'
           f'<tr><td bgcolor="{_mix(POSITIVE, 0.6)}"> </td><td align="left">bias &gt; 0</td>'
           f'<td bgcolor="{_mix(NEGATIVE, 0.6)}"> </td><td align="left">bias &lt; 0</td>'
           '<td align="left">b: the bias written in the neuron</td></tr></table>>')
    far = len(lay.sizes) - 1  # the last column
    g.node("legend", label=key, shape="plaintext", fontsize="9",
           pos=lay.at(far * lay.dx / 2, -lay.head - 0.1) if lay.rankdir == "LR"
           else lay.at(far * lay.dx + 1.2, 0.0))


def draw_network(model: Any, *, input_names: Sequence[str] | None = None,
                 output_names: Sequence[str] | None = None, show_weights: bool = False,
                 rankdir: str = "LR", precision: int = 2, legend: bool = True) -> graphviz.Digraph:
    """The MLP as a layered diagram (a :class:`graphviz.Digraph`).

    Args:
        model: an MLP-like object (``.layers[i].neurons[j].w`` and ``.b``).
        input_names: names of the inputs (default x1, x2, ...).
        output_names: names of the outputs, written next to the last layer's neurons.
        show_weights: also print each weight's value on its edge (readable for small nets).
        rankdir: 'LR' (inputs on the left, as in the Playground) or 'TB' (inputs on top).
        precision: significant digits of the numbers shown.
        legend: draw the key (edge colours and widths, neuron fill) under the network.

    Edges: blue for w >= 0, orange for w < 0, width proportional to |w| / max|w|. Neurons:
    fill blue or orange by the bias's sign, stronger for larger |b|; the bias is written in.
    Hover over an edge or neuron in the SVG to read its exact value. Positions are pinned
    (Graphviz's neato engine), so neuron j of a layer is always the j-th from the top.
    """
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"draw_network(): rankdir must be 'LR' or 'TB', got {rankdir!r}")
    layers = _layers(model)
    input_names = _checked_names(layers, input_names, output_names)
    lay = _Layout([len(input_names)] + [len(layer) for layer in layers], show_weights, rankdir)
    g = Graph("network", engine="neato",  # a Digraph that displays as SVG + PNG in Jupyter
              graph_attr={"splines": "line", "outputorder": "edgesfirst"},
              node_attr={"fontname": "Helvetica", "fontsize": "10"},
              edge_attr={"arrowhead": "none", "fontname": "Helvetica", "fontsize": "8"})
    _draw_neurons(g, lay, model, layers, input_names, output_names, precision)
    _draw_weights(g, lay, layers, show_weights, precision)
    if legend:
        _draw_legend(g, lay)
    return g

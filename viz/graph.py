"""Graphs of Values: the computational graph with the chain rule written on every edge.

:func:`draw_graph` (micrograd's name :func:`draw_dot` works too) turns the graph below a Value
into a :class:`viz.display.Graph` (a :class:`graphviz.Digraph` that displays in Jupyter as SVG
and PNG, and as a readable note when Graphviz is missing); as text it is plain DOT
(:func:`dot_source`). What the picture shows:

* every Value as a record ``label | data | grad``; before ``backward()`` the grad reads
  ``grad ?`` (not computed yet), never a misleading ``0``;
* an op node (``+``, ``*``, ``tanh``, ``**3``...) between a Value and its inputs; hover over it in
  the SVG to read its derivative from the engine's op table;
* inputs, parameters, constants and the output in distinct colours, explained by a legend;
* on each edge from an input to an op, the lecture's three numbers::

      local     d(out)/d(in)             (known as soon as the node is built)
      upstream  d(root)/d(out)           (after backward)
      = sends   local x upstream         (what this edge adds to the input's grad)

  ``x + x`` draws two edges, each sending its share. Constant inputs (the 2 of ``x * 2``) are
  small grey boxes joined by a dashed edge: they take part but get no gradient.

Large graphs stay readable: ``max_nodes`` stops with a message saying what to do, and
``collapse_neurons=True`` draws a neuron's ``act(w.x + b)`` (the engine's ``dot`` node, its bias
add and its activation) as one node whose hidden weights and bias are counted in its label.

The DOT text is deterministic: node names come from topological positions, never from ``id()``,
so the same graph gives the same text on every run (tests compare it to stored snapshots).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd_core.backward import reverse_topological
from autograd_core.rules import activations
from autograd_core.value import Value
from viz.display import Graph

#: Fill colours of the node kinds (also used by the legend).
COLORS: dict[str, str] = {
    "input": "#cfe8ff",  # light blue
    "parameter": "#c8f0c8",  # light green
    "constant": "#e6e6e6",  # light grey
    "output": "#ffd966",  # gold
    "intermediate": "#ffffff",
    "op": "#e6dcf5",  # lavender
    "neuron": "#f9d5e5",  # pink
}
#: Text colours of the three numbers on an edge.
EDGE_COLORS: dict[str, str] = {"local": "#1f4e9c", "upstream": "#b35900", "sends": "#b00020"}
#: Outline colour of the node being processed in a backward step.
HIGHLIGHT = "#d62728"

#: Default limit on the number of Value nodes drawn.
DEFAULT_MAX_NODES = 250

#: Ops that ``collapse_neurons`` folds into a neuron (after the weighted sum and bias).
ACTIVATION_OPS = frozenset(rule.name for rule in activations())

_KIND_TEXT = {
    "input": "input",
    "parameter": "parameter",
    "constant": "constant (no grad)",
    "output": "output",
    "intermediate": "intermediate",
    "op": "op (hover: derivative)",
    "neuron": "neuron act(w.x+b)",
}


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes`` allows."""


def _num(x: Any) -> float:
    """A gradient or datum as a float (gradients are Values after create_graph=True)."""
    return x.data if isinstance(x, Value) else float(x)


#: A number smaller than this fraction of the largest magnitude in its graph is rounding noise
#: (``0.1 + 0.2 - 0.3`` is 5.6e-17, not a value): it prints as ``0``.
ZERO_RELATIVE = 1e-12


def graph_scale(values: Iterable[Any]) -> float:
    """The largest finite magnitude among ``values``: the scale numbers are rounded against."""
    scale = 0.0
    for x in values:
        try:
            v = abs(_num(x))
        except (TypeError, ValueError):
            continue
        if v > scale and not math.isinf(v):
            scale = v
    return scale


def fmt(x: Any, precision: int = 4, scale: float = 0.0) -> str:
    """A number as short text: ``precision`` significant digits, ``-0`` shown as ``0``, and a
    number that is zero up to rounding relative to ``scale`` (smaller than ``ZERO_RELATIVE *
    scale``, e.g. -1.11e-16 in a graph of numbers of order 1) shown as ``0``."""
    v = _num(x)
    if v == 0.0 or abs(v) < ZERO_RELATIVE * scale:
        return "0"
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return f"{v:.{precision}g}"


def _record_escape(text: str) -> str:
    """Escape the characters that have a meaning inside a Graphviz record label."""
    out = text.replace("\\", "\\\\")
    for ch in "{}|<>\"":
        out = out.replace(ch, "\\" + ch)
    return out


def op_text(node: Value) -> str:
    """What the op node of ``node`` shows: the op table's symbol, with its constant parameter
    where it has one (``**3`` for ``x ** 3``, ``LeakyReLU 0.1``)."""
    rule = node.rule
    symbol = rule.symbol if rule is not None else node.op
    arg = node.arg
    if node.op == "powc":
        return f"**{fmt(arg)}"
    if arg is None:
        return symbol
    if node.op == "clamp":
        lo, hi = arg
        return f"clamp [{'-inf' if lo is None else fmt(lo)}, {'inf' if hi is None else fmt(hi)}]"
    if isinstance(arg, (int, float)):
        return f"{symbol} {fmt(arg)}"
    return symbol


def parameter_ids(params: Any) -> set[int]:
    """ids of the parameters in ``params``: an iterable of Values, or a model with
    ``.parameters()`` (an nn MLP, a micrograd MLP)."""
    if params is None:
        return set()
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    ids = set()
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"params must be Values (or a model with .parameters()), got "
                            f"{type(p).__name__}: {p!r}")
        ids.add(id(p))
    return ids


@dataclass
class _Neuron:
    """A collapsed neuron: the engine nodes dot -> (+ b) -> act drawn as one op node."""

    top: Value
    members: tuple[Value, ...]  # dot first, top last
    edges: list[tuple[int, Any, float]]  # (position, input, d(top)/d(input)) drawn
    hidden: int  # parameters folded into the node
    act: str | None  # the activation's symbol
    bias: bool


def _find_neurons(order: list[Value], consumers: Mapping[int, int],
                  param_ids: set[int]) -> dict[int, _Neuron]:
    """Neurons in the graph, keyed by id of their top node. A neuron starts at a ``dot`` node;
    it takes in the ``+ bias`` add and then the activation when each is the only consumer of
    what came before. Weights (the first half of the dot's inputs) and the bias are hidden when
    they are leaves used nowhere else (and, if ``param_ids`` is given, are parameters)."""
    consumer_of: dict[int, Value] = {}
    for node in order:
        for p in node.parents:
            consumer_of[id(p)] = node  # only read where the consumer is unique
    neurons: dict[int, _Neuron] = {}
    for node in order:
        if node.op != "dot":
            continue
        members = [node]
        n_in = len(node.inputs)
        weight_pos = set(range(n_in // 2))
        edges: list[tuple[int, Any, float]] = [
            (j, u, _num(g)) for j, (u, g) in enumerate(zip(node.inputs, node.local_grads))]
        bias_pos: int | None = None
        top = node
        nxt = consumer_of.get(id(top)) if consumers.get(id(top)) == 1 else None
        if nxt is not None and nxt.op in ("add", "sub") and nxt.parents.count(top) == 1:
            k = next(j for j, u in enumerate(nxt.inputs) if u is top)
            scale = _num(nxt.local_grads[k])
            edges = [(j, u, g * scale) for j, u, g in edges]
            other = 1 - k
            edges.append((n_in, nxt.inputs[other], _num(nxt.local_grads[other])))
            bias_pos = n_in
            members.append(nxt)
            top = nxt
            nxt = consumer_of.get(id(top)) if consumers.get(id(top)) == 1 else None
        act = None
        if nxt is not None and nxt.op in ACTIVATION_OPS:
            scale = _num(nxt.local_grads[0])
            edges = [(j, u, g * scale) for j, u, g in edges]
            members.append(nxt)
            top = nxt
            act = op_text(nxt)
        if len(members) == 1 and n_in < 4:
            continue  # a bare small dot product: nothing to gain

        def hide(j: int, u: Any) -> bool:
            if not isinstance(u, Value) or not u.is_leaf or consumers.get(id(u), 0) != 1:
                return False
            if param_ids:
                return id(u) in param_ids
            return j in weight_pos or j == bias_pos

        kept = [(j, u, g) for j, u, g in edges if not hide(j, u)]
        neurons[id(top)] = _Neuron(top, tuple(members), kept, len(edges) - len(kept), act,
                                   bias_pos is not None)
    return neurons


def _consumer_counts(order: Iterable[Value]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for node in order:
        for p in node.parents:
            counts[id(p)] = counts.get(id(p), 0) + 1
    return counts


def _too_large(n: int, max_nodes: int, collapse: bool) -> GraphTooLargeError:
    hint = ("draw a smaller part (one neuron's output, one loss term)" if collapse else
            "pass collapse_neurons=True to draw each neuron as one node, draw a smaller part "
            "(one neuron's output, one loss term)")
    return GraphTooLargeError(
        f"the graph has {n} Value nodes to draw, more than max_nodes={max_nodes}: Graphviz "
        f"would be slow and the picture unreadable. {hint[0].upper() + hint[1:]}, or raise the "
        "limit with max_nodes=None.")


def _hidden_ids(neurons: Mapping[int, _Neuron], consumers: Mapping[int, int]) -> set[int]:
    """The ids of the nodes a collapsed neuron stands for: every member but its output, and
    the leaves (weights, bias) that feed only that neuron and are not one of its shown
    inputs -- they are counted in the neuron's "params hidden"."""
    skip: set[int] = set()
    for group in neurons.values():
        skip.update(id(m) for m in group.members[:-1])
        shown = {id(u) for _, u, _ in group.edges}
        for m in group.members:
            skip.update(id(u) for u in m.parents if u.is_leaf and id(u) not in shown
                        and consumers.get(id(u)) == 1)
    return skip


def _node_kind(node: Value, root: Value, param_ids: set[int]) -> str:
    """The legend entry (and fill colour) of a Value node."""
    if node is root:
        return "output"
    if node.is_leaf:
        return "parameter" if id(node) in param_ids else "input"
    return "intermediate"


def _op_node(g: Graph, node: Value, op: str,
             nr: _Neuron | None) -> tuple[str, list[tuple[int, Any, float]]]:
    """Draw the node that made ``node`` -- its op, or the whole neuron ``nr`` when collapsed
    -- and return its legend kind and input edges as (position, input, local gradient)."""
    if nr is not None:
        z = "w.x + b" if nr.bias else "w.x"
        text = f"{nr.act}({z})" if nr.act else z
        hidden = f"\\n{nr.hidden} params hidden" if nr.hidden else ""
        g.node(op, label=f"neuron\\n{text}{hidden}", shape="box",
               style="filled,rounded", fillcolor=COLORS["neuron"],
               tooltip=f"{text}: d(out)/d(x_i) = " + ("act'(z) w_i" if nr.act else "w_i"))
        return "neuron", [(j, u, loc) for j, u, loc in nr.edges]
    rule = node.rule
    g.node(op, label=op_text(node), shape="ellipse", style="filled",
           fillcolor=COLORS["op"], tooltip=rule.math if rule is not None else node.op)
    return "op", [(j, u, _num(loc))
                  for j, (u, loc) in enumerate(zip(node.inputs, node.local_grads))]


def build_graph(root: Value, *, grads: Mapping[int, Any] | None,
                annotated: set[int] | None = None, highlight: Value | None = None,
                params: Any = None, rankdir: str = "LR", max_nodes: int | None = None,
                collapse_neurons: bool = False, legend: bool = True, precision: int = 4,
                title: str | None = None, edge_labels: bool = True) -> Graph:
    """The engine of :func:`draw_graph` and of the backward-step frames.

    ``grads`` maps ``id(node)`` to the gradient to print (a node missing from it shows
    ``grad ?``); ``annotated`` holds the ids of the nodes whose input edges show upstream and
    product (``None``: the nodes in ``grads``); ``highlight`` is outlined in red with its input
    edges in bold. Other arguments as in :func:`draw_graph`.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph() expects a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"rankdir must be one of 'LR', 'RL', 'TB', 'BT', got {rankdir!r}")
    rev = reverse_topological(root)
    order = rev[::-1]
    consumers = _consumer_counts(order)
    param_ids = parameter_ids(params)
    neurons = _find_neurons(order, consumers, param_ids) if collapse_neurons else {}
    skip = _hidden_ids(neurons, consumers)
    visible = [n for n in order if id(n) not in skip]
    if max_nodes is not None and len(visible) > max_nodes:
        raise _too_large(len(visible), max_nodes, collapse_neurons)
    if annotated is None:
        annotated = set(grads) if grads is not None else set()

    scale = graph_scale([n.data for n in visible] +
                        ([grads[id(n)] for n in visible if id(n) in grads] if grads else []))

    def num(x: Any) -> str:
        return fmt(x, precision, scale)

    name = {id(n): f"n{i}" for i, n in enumerate(visible)}
    horizontal = rankdir in ("LR", "RL")
    g = Graph("autograd", graph_attr={"rankdir": rankdir},
              node_attr={"fontname": "Helvetica", "fontsize": "12"},
              edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    g.root = root
    if title:
        g.attr(label=title, labelloc="t", fontname="Helvetica", fontsize="14")
    kinds_seen: set[str] = set()
    unknown_grad = False

    for node in visible:
        nid = name[id(node)]
        kind = _node_kind(node, root, param_ids)
        kinds_seen.add(kind)
        if grads is not None and id(node) in grads:
            grad_text = f"grad {num(grads[id(node)])}"
        else:
            grad_text = "grad ?"
            unknown_grad = True
        fields = [f"data {num(node.data)}", grad_text]
        if node.label:
            fields.insert(0, _record_escape(node.label))
        label = " | ".join(fields)
        attrs = {"shape": "record", "style": "filled", "fillcolor": COLORS[kind]}
        if node is highlight:
            attrs.update(color=HIGHLIGHT, penwidth="3")
        g.node(nid, label="{ " + label + " }" if horizontal else label, **attrs)
        if node.is_leaf:
            continue

        op = f"{nid}op"
        op_kind, edges = _op_node(g, node, op, neurons.get(id(node)))
        kinds_seen.add(op_kind)
        g.edge(op, nid)
        current = node is highlight
        up = grads.get(id(node)) if grads is not None and id(node) in annotated else None
        for j, u, local in edges:
            if not isinstance(u, Value):
                kinds_seen.add("constant")
                cid = f"{nid}c{j}"
                g.node(cid, label=num(u), shape="box", style="filled",
                       fillcolor=COLORS["constant"], fontsize="10", height="0.3",
                       width="0.3")
                g.edge(cid, op, style="dashed", color="#888888")
                continue
            eattrs: dict[str, str] = {}
            if edge_labels:
                eattrs["label"] = _edge_label(local, up, precision, scale)
            if current:
                eattrs.update(color=HIGHLIGHT, penwidth="2.5")
            g.edge(name[id(u)], op, **eattrs)

    if legend:
        g.node("legend", label=_legend(kinds_seen, edge_labels, unknown_grad), shape="plain",
               fontsize="9")
    return g


def _edge_label(local: float, upstream: Any, precision: int, scale: float = 0.0) -> str:
    """The HTML label of an edge: local, and once known, upstream and their product."""
    c = EDGE_COLORS
    rows = [f'<font color="{c["local"]}">local {html.escape(fmt(local, precision, scale))}'
            '</font>']
    if upstream is not None:
        up = _num(upstream)
        rows.append(f'<font color="{c["upstream"]}">&#215; upstream '
                    f"{html.escape(fmt(up, precision, scale))}</font>")
        rows.append(f'<font color="{c["sends"]}"><b>= sends '
                    f"{html.escape(fmt(local * up, precision, scale))}</b></font>")
    return "<" + "<br/>".join(rows) + ">"


def _legend(kinds: set[str], edge_labels: bool, unknown_grad: bool) -> str:
    """A compact HTML table: one row of the colours present, then what the edge numbers mean."""
    cells = [f'<td bgcolor="{COLORS[k]}">{html.escape(_KIND_TEXT[k])}</td>'
             for k in ("input", "parameter", "constant", "intermediate", "output", "op",
                       "neuron") if k in kinds]
    span = f' colspan="{len(cells)}"' if len(cells) > 1 else ""
    rows = ["<tr>" + "".join(cells) + "</tr>"]
    lines = []
    if unknown_grad:
        lines.append("grad ? = not computed yet (backward() fills it in)")
    if edge_labels:
        c = EDGE_COLORS
        lines.append(f'on each edge: <font color="{c["local"]}">local = d(out)/d(in)</font>,  '
                     f'<font color="{c["upstream"]}">upstream = d(root)/d(out)</font>,  '
                     f'<font color="{c["sends"]}"><b>sends = local &#215; upstream</b></font>'
                     " (added to the input's grad)")
    rows += [f'<tr><td{span} align="left">{line}</td></tr>' for line in lines]
    return ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
            + "".join(rows) + "</table>>")


def _has_grads(root: Value) -> bool:
    """True once backward has filled the root's gradient (backward() sets it to the seed, 1)."""
    return _num(root.grad) != 0.0


def draw_graph(root: Value, rankdir: str = "LR", *, show_grads: bool | None = None,
               params: Any = None, max_nodes: int | None = DEFAULT_MAX_NODES,
               collapse_neurons: bool = False, legend: bool = True, precision: int = 4,
               title: str | None = None, edge_labels: bool = True) -> Graph:
    """The computational graph below ``root`` as a :class:`viz.display.Graph` (a Digraph).

    Args:
        root: the Value to draw (usually the loss or the output).
        rankdir: Graphviz layout direction: 'LR' (inputs left, micrograd's) or 'TB', 'RL', 'BT'.
        show_grads: whether to print gradients and the upstream x local products. ``None``
            (default) decides from the root: backward() sets ``root.grad`` to 1, so a nonzero
            root gradient means gradients are there; before that every grad reads ``grad ?``.
        params: the model's parameters (an iterable of Values, or a model with
            ``.parameters()``); those leaves are coloured as parameters, other leaves as inputs.
        max_nodes: raise :class:`GraphTooLargeError` when more Value nodes would be drawn
            (``None``: no limit).
        collapse_neurons: draw each neuron ``act(w.x + b)`` as one node; its weights and bias
            are hidden and its input edges carry d(out)/d(x_i) = act'(z) w_i.
        legend: add a table explaining colours and edge numbers.
        precision: significant digits of the numbers.
        title: a caption above the graph.
        edge_labels: print local/upstream/sends on the edges.

    Returns:
        a :class:`viz.display.Graph` (a Digraph): displays inline in Jupyter as SVG + PNG;
        ``.source`` is the DOT text; render it with
        :func:`viz.render.render` (svg, png, pdf).

    >>> from autograd_core import Value
    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> f = (x + y) * z
    >>> "grad ?" in draw_graph(f).source      # before backward: not computed yet
    True
    >>> f.backward()
    >>> "sends -4" in draw_graph(f).source    # q = x + y sends -4 to x and to y
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph() expects a Value, got {type(root).__name__}: {root!r}")
    if show_grads is None:
        show_grads = _has_grads(root)
    grads = _current_grads(root) if show_grads else None
    return build_graph(root, grads=grads, params=params, rankdir=rankdir, max_nodes=max_nodes,
                       collapse_neurons=collapse_neurons, legend=legend, precision=precision,
                       title=title, edge_labels=edge_labels)


def _current_grads(root: Value) -> dict[int, Any]:
    return {id(n): n.grad for n in reverse_topological(root)}


#: micrograd's name for :func:`draw_graph`.
draw_dot = draw_graph


def dot_source(root: Value, **kwargs: Any) -> str:
    """The DOT text of :func:`draw_graph` (same arguments): deterministic, no Graphviz needed."""
    return draw_graph(root, **kwargs).source

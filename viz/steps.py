"""Backward, one node at a time: the frames of backprop for slides, notebooks and terminals.

:func:`backward_steps` replays the engine's backward pass over the graph below a Value: one
:class:`Step` per node in reverse topological order (the order ``backward()`` uses), holding the
node, its upstream gradient d(root)/d(node), and for each input the local gradient and the
contribution ``local x upstream`` it sends. It reads the local gradients the engine stored on
the nodes and touches no ``.grad``, so it works before or after ``backward()``.

The frames can be shown as

* a plain-text table (:func:`steps_table`), for terminals;
* graphs (:func:`step_graph`): the current node outlined in red, its edges in bold, gradients
  filled in so far, the rest still ``grad ?``;
* an ipywidgets slider in Jupyter (:func:`step_slider`);
* an animated GIF (:func:`save_gif`, needs pillow) or a self-contained HTML page with a slider
  (:func:`save_html`), for slides.
"""

from __future__ import annotations

import html
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd_core.backward import reverse_topological
from autograd_core.value import Value
from viz.display import Graph
from viz.graph import DEFAULT_MAX_NODES, _num, build_graph, fmt, op_text
from viz.render import pipe, to_svg


@dataclass(frozen=True)
class Contribution:
    """What one edge of a step sends back: ``sends = local * upstream`` into ``input``."""

    position: int  #: index of the input among the node's inputs
    input: Any  #: the input: a Value, or a float for a constant input
    local: float  #: d(node)/d(input)
    sends: float | None  #: local * upstream; None for a constant (it gets no gradient)
    grad_so_far: float | None  #: the input's gradient after this step adds its share


@dataclass(frozen=True)
class Step:
    """One frame of the backward pass."""

    index: int  #: 0 for the root
    node: Value  #: the node whose gradient is complete and is now sent to its inputs
    upstream: float  #: d(root)/d(node)
    contributions: tuple[Contribution, ...]  #: one per input, in argument order (none: a leaf)
    grads: Mapping[int, float]  #: id(node) -> gradient filled in so far, after this step
    done: frozenset[int]  #: ids of the nodes processed so far, this one included


def backward_steps(root: Value, gradient: float = 1.0,
                   max_nodes: int | None = DEFAULT_MAX_NODES) -> list[Step]:
    """One :class:`Step` per node of ``root``'s graph, root first, in the order backward() uses.

    Leaves get a step too (their gradient is final; they send nothing). The gradients reached at
    the end equal what ``root.backward(gradient)`` computes for every node.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() expects a Value, got {type(root).__name__}")
    order = reverse_topological(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(f"the graph has {len(order)} nodes, more than max_nodes={max_nodes}: one "
                         "frame per node would be too many to follow. Step through a smaller "
                         "expression, or pass max_nodes=None.")
    grads: dict[int, float] = {id(root): float(gradient)}
    done: set[int] = set()
    steps = []
    for i, node in enumerate(order):
        up = grads[id(node)]
        contribs = []
        for j, (u, local) in enumerate(zip(node.inputs, node.local_grads)):
            loc = _num(local)
            if isinstance(u, Value):
                sends = loc * up
                grads[id(u)] = grads.get(id(u), 0.0) + sends
                contribs.append(Contribution(j, u, loc, sends, grads[id(u)]))
            else:
                contribs.append(Contribution(j, u, loc, None, None))
        done.add(id(node))
        steps.append(Step(i, node, up, tuple(contribs), dict(grads), frozenset(done)))
    return steps


def _names(steps: list[Step]) -> dict[int, str]:
    """A name per node for tables and captions: its label, else #k by topological position."""
    n = len(steps)
    return {id(s.node): s.node.label or f"#{n - 1 - s.index}" for s in steps}


def describe(step: Step, names: Mapping[int, str] | None = None) -> str:
    """One sentence saying what a step does, e.g.
    ``q (+): upstream -4; sends 1 x -4 = -4 to x, 1 x -4 = -4 to y``."""
    names = names or {}
    who = names.get(id(step.node)) or step.node.label or "node"
    if step.node.is_leaf:
        return f"{who} is a leaf: its gradient {fmt(step.upstream)} is final"
    parts = []
    for c in step.contributions:
        if c.sends is None:
            parts.append(f"nothing to the constant {fmt(c.input)}")
        else:
            target = names.get(id(c.input)) or c.input.label or "an input"
            parts.append(f"{fmt(c.local)} x {fmt(step.upstream)} = {fmt(c.sends)} to {target}")
    return f"{who} ({op_text(step.node)}): upstream {fmt(step.upstream)}; sends " + ", ".join(parts)


def steps_table(steps_or_root: list[Step] | Value) -> str:
    """The backward pass as a plain-text table: one row per edge, grouped by step::

        step  node  op  upstream  input  local  sends  input grad so far
        1     f     *   1         q      -4     -4     -4
                                  z      3      3      3
    """
    steps = backward_steps(steps_or_root) if isinstance(steps_or_root, Value) else steps_or_root
    names = _names(steps)
    header = ["step", "node", "op", "upstream", "input", "local", "sends", "input grad so far"]
    rows: list[list[str]] = []
    for s in steps:
        head = [str(s.index + 1), names[id(s.node)], op_text(s.node) if not s.node.is_leaf
                else "leaf", fmt(s.upstream)]
        if not s.contributions:
            rows.append(head + ["", "", "", "(final gradient)"])
        for k, c in enumerate(s.contributions):
            lead = head if k == 0 else ["", "", "", ""]
            if c.sends is None:
                rows.append(lead + [f"const {fmt(c.input)}", fmt(c.local), "-", "(no gradient)"])
            else:
                rows.append(lead + [names.get(id(c.input), "?"), fmt(c.local), fmt(c.sends),
                                    fmt(c.grad_so_far)])
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
             for r in [header] + rows]
    return "\n".join(lines)


def step_graph(steps: list[Step], i: int, **kwargs: Any) -> Graph:
    """Frame ``i`` as a graph: gradients filled in so far, step i's node outlined in red and its
    input edges in bold with local x upstream = sends. Negative ``i`` counts from the end.
    Extra keyword arguments go to :func:`viz.graph.build_graph` (rankdir, params, precision,
    legend, title)."""
    if not steps:
        raise ValueError("no steps to draw: backward_steps() returned an empty list")
    if not -len(steps) <= i < len(steps):
        raise IndexError(
            f"step {i} out of range: there are {len(steps)} steps (0..{len(steps) - 1})")
    s = steps[i]
    root = steps[0].node
    title = f"step {s.index + 1}/{len(steps)}: {describe(s, _names(steps))}"
    kwargs.setdefault("title", title)
    kwargs.setdefault("max_nodes", None)
    return build_graph(root, grads=s.grads, annotated=set(s.done), highlight=s.node, **kwargs)


def start_graph(steps: list[Step], **kwargs: Any) -> Graph:
    """The frame before backward starts: data and local gradients only, every grad ``?``."""
    kwargs.setdefault("title", "before backward: every node knows its local gradients")
    kwargs.setdefault("max_nodes", None)
    return build_graph(steps[0].node, grads=None, **kwargs)


def frames(root: Value, include_start: bool = True, **kwargs: Any) -> list[Graph]:
    """All frames as graphs: optionally the start frame, then one per step."""
    steps = backward_steps(root)
    out = [start_graph(steps, **kwargs)] if include_start else []
    out += [step_graph(steps, i, **kwargs) for i in range(len(steps))]
    return out


def save_gif(root: Value, path: str | os.PathLike[str], duration_ms: int = 1500,
             **kwargs: Any) -> Path:
    """An animated GIF of the backward pass (start frame, then one frame per node), looping.
    Needs pillow (``pip install 'autograd-core[plots]'``) and Graphviz's ``dot``."""
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - pillow is in the plots extra
        raise ImportError("save_gif needs pillow: pip install 'autograd-core[plots]' "
                          "(or pip install pillow)") from e
    images = [Image.open(io.BytesIO(pipe(g, "png"))).convert("RGB")
              for g in frames(root, **kwargs)]
    w = max(im.width for im in images)
    h = max(im.height for im in images)
    canvas = []
    for im in images:  # frames differ in size: centre each on a common white canvas
        c = Image.new("RGB", (w, h), "white")
        c.paste(im, ((w - im.width) // 2, (h - im.height) // 2))
        canvas.append(c.convert("P", palette=Image.Palette.ADAPTIVE))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    canvas[0].save(out, save_all=True, append_images=canvas[1:], duration=duration_ms, loop=0)
    return out


_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:1em}} .frame{{display:none}} .frame.on{{display:block}}
#cap{{margin:.5em 0;font-weight:bold}}</style></head>
<body><h3>{title}</h3>
<div><button id="prev">&#9664;</button>
<input id="s" type="range" min="0" max="{last}" value="0" style="width:60%">
<button id="next">&#9654;</button> <span id="n"></span></div>
<div id="cap"></div>
{frames}
<script>
const caps = {captions};
const s = document.getElementById('s');
function show(i) {{
  document.querySelectorAll('.frame').forEach((f, k) => f.classList.toggle('on', k == i));
  document.getElementById('cap').textContent = caps[i];
  document.getElementById('n').textContent = (+i + 1) + ' / ' + caps.length;
  s.value = i;
}}
s.oninput = () => show(s.value);
document.getElementById('prev').onclick = () => show(Math.max(0, s.value - 1));
document.getElementById('next').onclick = () => show(Math.min({last}, +s.value + 1));
show(0);
</script></body></html>
"""


def _captions(steps: list[Step]) -> list[str]:
    names = _names(steps)
    return (["before backward: every node knows its local gradients"]
            + [f"step {s.index + 1}/{len(steps)}: {describe(s, names)}" for s in steps])


def html_page(root: Value, title: str = "backward, step by step", **kwargs: Any) -> str:
    """A self-contained HTML page (inline SVG frames, a slider and buttons; no internet)."""
    steps = backward_steps(root)
    kwargs.setdefault("title", "")
    graphs = [start_graph(steps, **kwargs)] + [step_graph(steps, i, **kwargs)
                                               for i in range(len(steps))]
    divs = "\n".join(f'<div class="frame">{to_svg(g)}</div>' for g in graphs)
    captions = json.dumps(_captions(steps)).replace("</", "<\\/")
    return _HTML.format(title=html.escape(title), last=len(graphs) - 1, frames=divs,
                        captions=captions)


def save_html(root: Value, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Write :func:`html_page` to ``path`` (open it in a browser or embed it in slides)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_page(root, **kwargs), encoding="utf-8")
    return out


def step_slider(root: Value, **kwargs: Any) -> Any:
    """An ipywidgets slider stepping through the backward pass in Jupyter (returns a VBox).
    Needs ipywidgets (``pip install 'autograd-core[plots]'``) and Graphviz's ``dot``."""
    try:
        import ipywidgets as widgets
    except ImportError as e:  # pragma: no cover - ipywidgets is in the plots extra
        raise ImportError("step_slider needs ipywidgets: pip install 'autograd-core[plots]'") from e
    steps = backward_steps(root)
    kwargs.setdefault("title", "")
    svgs = [to_svg(start_graph(steps, **kwargs))]
    svgs += [to_svg(step_graph(steps, i, **kwargs)) for i in range(len(steps))]
    caps = _captions(steps)
    slider = widgets.IntSlider(value=0, min=0, max=len(svgs) - 1, description="step",
                               continuous_update=True)
    caption = widgets.Label(value=caps[0])
    picture = widgets.HTML(value=svgs[0])

    def on_change(change: dict[str, Any]) -> None:
        i = change["new"]
        caption.value = caps[i]
        picture.value = svgs[i]

    slider.observe(on_change, names="value")
    box = widgets.VBox([widgets.HBox([widgets.Play(min=0, max=len(svgs) - 1, interval=1500),
                                      slider]), caption, picture])
    widgets.jslink((box.children[0].children[0], "value"), (slider, "value"))
    return box

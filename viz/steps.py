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
* an ipywidgets slider in Jupyter (:func:`step_slider`), linked on the browser side so it
  steps through from saved widget state with no kernel (exported HTML, the course site);
* an animated GIF (:func:`save_gif`, needs pillow) or a self-contained HTML page with a slider,
  play/pause and the keyboard (:func:`save_html`), for slides and the course site.

The pictures (:func:`frame_plan`) are: before backward, one per node that sends gradients, and
one for all the leaves together (a leaf sends nothing, so a frame each would show nothing new);
each caption says which edge sends what (``edge x → + (q) sends local 1 × upstream -4 = -4``).
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

from autograd_core.value import Value
from autograd_core.walker import contributions, reverse_topological
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
    grads: dict[int, float] = {id(root): _num(gradient)}
    done: set[int] = set()
    steps = []
    for i, node in enumerate(order):  # the reference walker's loop, one frame per node
        up = grads[id(node)]
        contribs = []
        sent = contributions(node, up)  # the edge protocol: local x upstream, or a gate's own
        for j, (u, local, sends) in enumerate(zip(node.inputs, node.local_grads, sent)):
            loc = _num(local)
            if isinstance(u, Value):
                sends = _num(sends)
                grads[id(u)] = grads[id(u)] + sends if id(u) in grads else sends
                contribs.append(Contribution(j, u, loc, sends, grads[id(u)]))
            else:
                contribs.append(Contribution(j, u, loc, None, None))
        done.add(id(node))
        steps.append(Step(i, node, up, tuple(contribs), dict(grads), frozenset(done)))
    return steps


def script_json(data: Any) -> str:
    """JSON safe to place inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` are
    written as ``\\u003c``-style escapes (so no label can close the element or open a comment
    such as ``<!--<script>``, which would swallow the rest of the page) and U+2028/U+2029 too
    (line terminators in older JavaScript). ``JSON.parse`` reads back the same strings."""
    text = json.dumps(data)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


#: An unlabelled node's name is the expression it computes, in its inputs' names, up to this
#: many characters; past that the innermost parts are written ``…``.
NAME_WIDTH = 28


def _names(steps: list[Step]) -> dict[int, str]:
    """A name per node for tables and captions: its label, else the expression it computes
    from its inputs' names (``x1*w1 + x2*w2``), shortened with ``…`` when long: a caption
    says "x1*w1 (*): upstream 0.5 ...", never a position number like "#6"."""
    names: dict[int, str] = {}
    for s in reversed(steps):  # inputs before the nodes that use them
        node = s.node
        if node.label:
            names[id(node)] = node.label
            continue
        names[id(node)] = _expression(node, names)
    return names


def _expression(node: Value, names: Mapping[int, str]) -> str:
    """``a*b``, ``a + b``, ``tanh(a)`` from the inputs' names (constants by value)."""
    ins = [names.get(id(u), "…") if isinstance(u, Value) else fmt(u) for u in node.inputs]
    ins = [f"({t})" if " " in t and len(node.inputs) > 1 else t for t in ins]
    symbol = op_text(node)
    if len(ins) == 2 and symbol in ("+", "-"):
        text = f"{ins[0]} {symbol} {ins[1]}"
    elif len(ins) == 2 and symbol in ("*", "/", "**"):
        text = f"{ins[0]}{symbol}{ins[1]}"
    else:
        text = f"{symbol}({', '.join(ins)})"
    if len(text) > NAME_WIDTH:
        short = ["…" if len(t) > 8 else t for t in ins]
        text = (f"{short[0]} {symbol} {short[1]}" if len(ins) == 2 and symbol in ("+", "-")
                else f"{short[0]}{symbol}{short[1]}" if len(ins) == 2 and len(symbol) <= 2
                else f"{symbol}({', '.join(short)})")
    return text


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


@dataclass(frozen=True)
class Frame:
    """One picture of a step-through: the graph, a caption and one line per edge that sends."""

    graph: Graph  #: the graph at this moment (gradients filled in so far)
    caption: str  #: what happens, e.g. ``q (+): upstream -4; sends ...``
    edges: tuple[str, ...]  #: ``edge x → + (q) sends local 1 × upstream -4 = -4 to x.grad ...``


def _edge_lines(step: Step, names: Mapping[int, str]) -> tuple[str, ...]:
    """Which edge sends what in ``step``: one sentence per input of the node."""
    who = names.get(id(step.node), "node")
    op = op_text(step.node)
    lines = []
    for c in step.contributions:
        if c.sends is None:
            lines.append(f"edge {fmt(c.input)} \u2192 {op} ({who}): a constant, it gets no "
                         "gradient")
            continue
        target = names.get(id(c.input), "an input")
        lines.append(f"edge {target} \u2192 {op} ({who}) sends local {fmt(c.local)} \u00d7 "
                     f"upstream {fmt(step.upstream)} = {fmt(c.sends)} to {target}.grad "
                     f"(now {fmt(c.grad_so_far)})")
    return tuple(lines)


def frame_plan(root: Value, titles: bool = False, **kwargs: Any) -> list[Frame]:
    """The frames of a step-through: before backward, one per node that sends gradients (in
    backward's order), and one last frame for all the leaves together (a leaf sends nothing,
    so a frame each would show nothing new). ``titles=True`` also writes the caption into each
    picture (for the GIF, which has no caption line). Other keyword arguments go to
    :func:`viz.graph.build_graph` (rankdir, params, precision, legend)."""
    steps = backward_steps(root)
    names = _names(steps)
    kwargs.setdefault("max_nodes", None)
    user_title = kwargs.pop("title", None)
    inner = [s for s in steps if not s.node.is_leaf]
    total = len(inner) + 2

    def title(k: int, caption: str) -> str:
        if user_title is not None:
            return user_title
        return f"{k + 1}/{total}: {caption}" if titles else ""

    start = "before backward: every node knows its local gradients, every grad is ?"
    out = [Frame(start_graph(steps, title=title(0, start), **kwargs), start, ())]
    for k, s in enumerate(inner, start=1):
        caption = describe(s, names)
        out.append(Frame(build_graph(root, grads=s.grads, annotated=set(s.done),
                                     highlight=s.node, title=title(k, caption), **kwargs),
                         caption, _edge_lines(s, names)))
    leaves = [s for s in steps if s.node.is_leaf]
    caption = ("the leaves' gradients are final (a leaf sends nothing): " + ", ".join(
        f"{names[id(s.node)]}.grad = {fmt(s.upstream)}" for s in reversed(leaves)))
    last = steps[-1]
    out.append(Frame(build_graph(root, grads=last.grads, annotated=set(last.done),
                                 title=title(total - 1, caption), **kwargs), caption, ()))
    return out


def frames(root: Value, include_start: bool = True, **kwargs: Any) -> list[Graph]:
    """The step-through's pictures (:func:`frame_plan`, captions written in), optionally
    without the start frame."""
    kwargs.setdefault("titles", True)
    out = [f.graph for f in frame_plan(root, **kwargs)]
    return out if include_start else out[1:]


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


def responsive_svg(svg: str) -> str:
    """Graphviz SVG that shrinks to its container (``max-width: 100%``, height from the
    viewBox) instead of overflowing a narrow window."""
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


_PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;
 padding:.5em 1em;max-width:1400px;color:#222;line-height:1.35}
h1{font-size:1.15em;margin:.3em 0}
.bar{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin:.3em 0}
.bar input[type=range]{flex:1 1 8em;min-width:6em}
button{font:inherit;min-width:2.6em;padding:.25em .6em;cursor:pointer}
#counter{font-weight:bold;white-space:nowrap;font-variant-numeric:tabular-nums}
#cap{margin:.3em 0 .5em;min-height:3.2em}
#cap .what{font-weight:bold}
#cap ul{margin:.2em 0;padding-left:1.2em}
.frame{display:none}.frame.on{display:block}
.frame svg{max-width:100%;height:auto;display:block}
.frame .narrow{display:none}
@media (max-width:640px){.frame .wide{display:none}.frame .narrow{display:block}}
.help{color:#666;font-size:.85em}
"""

_PAGE_JS = """
const caps = JSON.parse(document.getElementById('captions').textContent);
const last = caps.length - 1;
const s = document.getElementById('s'), play = document.getElementById('play');
const frames = document.querySelectorAll('.frame');
let timer = null;
function esc(t) { const d = document.createElement('span'); d.textContent = t; return d.innerHTML; }
function show(i) {
  i = Math.max(0, Math.min(last, +i));
  frames.forEach((f, k) => f.classList.toggle('on', k === i));
  const c = caps[i];
  document.getElementById('cap').innerHTML = '<div class="what">' + esc(c.caption) + '</div>'
    + (c.edges.length ? '<ul>' + c.edges.map(e => '<li>' + esc(e) + '</li>').join('') + '</ul>'
       : '');
  document.getElementById('counter').textContent = 'step ' + (i + 1) + ' / ' + caps.length;
  document.body.dataset.frame = i;
  s.value = i;
}
function stop() {
  if (timer !== null) { clearInterval(timer); timer = null; }
  play.textContent = '\\u25B6 play'; play.setAttribute('aria-pressed', 'false');
}
function start() {
  if (+s.value >= last) show(0);
  play.textContent = '\\u275A\\u275A pause'; play.setAttribute('aria-pressed', 'true');
  timer = setInterval(() => { if (+s.value >= last) stop(); else show(+s.value + 1); }, DELAY);
}
function toggle() { if (timer === null) start(); else stop(); }
s.oninput = () => { stop(); show(s.value); };
document.getElementById('prev').onclick = () => { stop(); show(+s.value - 1); };
document.getElementById('next').onclick = () => { stop(); show(+s.value + 1); };
play.onclick = toggle;
document.addEventListener('keydown', e => {
  if (e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
  const go = {ArrowLeft: -1, ArrowUp: -1, PageUp: -1, ArrowRight: 1, ArrowDown: 1, PageDown: 1};
  if (e.key in go) { stop(); show(+s.value + go[e.key]); }
  else if (e.key === 'Home') { stop(); show(0); }
  else if (e.key === 'End') { stop(); show(last); }
  else if (e.key === ' ' || e.key === 'k') toggle();
  else return;
  e.preventDefault();
});
show(0);
"""

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style></head>
<body data-frame="0"><h1>{title}</h1>
<div class="bar">
<button id="prev" title="previous step (left arrow)" aria-label="previous step">&#9664;</button>
<button id="play" title="play / pause (space)" aria-pressed="false">&#9654; play</button>
<button id="next" title="next step (right arrow)" aria-label="next step">&#9654;</button>
<input id="s" type="range" min="0" max="{last}" value="0" aria-label="step">
<span id="counter" aria-live="polite"></span></div>
<div id="cap" aria-live="polite"></div>
{frames}
<p class="help">Keys: &#8592; &#8594; one step, space play/pause, Home/End first/last.
Every edge shows <b>local</b> x <b>upstream</b> = what it <b>sends</b> to its input's grad.</p>
<script type="application/json" id="captions">{captions}</script>
<script>const DELAY = {delay};{js}</script></body></html>
"""


def html_page(root: Value, title: str = "backward, step by step", delay_ms: int = 1200,
              **kwargs: Any) -> str:
    """A self-contained HTML page of the backward pass: inline SVG frames scaled to the window,
    a step counter, back/play/next buttons, a slider and the keyboard (arrows, space,
    Home/End); each frame's caption says which edge sends what. Nothing is loaded from the
    network. Keyword arguments go to :func:`frame_plan`."""
    plan = frame_plan(root, **kwargs)
    wide = [responsive_svg(to_svg(f.graph)) for f in plan]
    if "rankdir" in kwargs:
        divs = "\n".join(f'<div class="frame" data-frame="{k}">{svg}</div>'
                         for k, svg in enumerate(wide))
    else:
        # A narrow window (a phone, a split screen) gets the same frames laid out top to
        # bottom and without the legend table (the line under the picture explains the edge
        # numbers), which stay legible where a left-to-right graph would shrink to a strip.
        narrow_kwargs = {**kwargs, "rankdir": "TB", "legend": False}
        tall = [responsive_svg(to_svg(f.graph)) for f in frame_plan(root, **narrow_kwargs)]
        divs = "\n".join(f'<div class="frame" data-frame="{k}"><div class="wide">{w}</div>'
                         f'<div class="narrow">{t}</div></div>'
                         for k, (w, t) in enumerate(zip(wide, tall)))
    captions = script_json([{"caption": f.caption, "edges": list(f.edges)} for f in plan])
    return _HTML.format(title=html.escape(title), last=len(plan) - 1, frames=divs,
                        captions=captions, css=_PAGE_CSS, js=_PAGE_JS,
                        delay=int(delay_ms))


def save_html(root: Value, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Write :func:`html_page` to ``path`` (open it in a browser or embed it in slides)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html_page(root, **kwargs), encoding="utf-8")
    return out


class StepPage:
    """The self-contained step-through page shown inside a notebook cell (an ``<iframe>`` with
    the page inlined), for where a widget cannot run; ``.html`` is the page itself."""

    def __init__(self, html_text: str, height: int = 520) -> None:
        self.html = html_text
        self.height = height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;'
                f'height:{self.height}px;border:1px solid #ddd" title="backward, step by step">'
                "</iframe>")

    def save(self, path: str | os.PathLike[str]) -> Path:
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.html, encoding="utf-8")
        return out


class MissingDotNote:
    """What :func:`step_slider` shows without Graphviz: the install commands and the backward
    pass as a step table (readable, and a Run All goes on)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<pre style="white-space:pre-wrap">{html.escape(self.text)}</pre>'


def _page_height(svgs: list[str]) -> int:
    """A height for the iframe: the tallest frame (Graphviz writes it in pt) plus the controls."""
    tallest = 200.0
    for svg in svgs:
        head = svg[:svg.index(">")]
        if 'height="' in head:
            value = head.split('height="', 1)[1].split('"', 1)[0].removesuffix("pt")
            try:
                tallest = max(tallest, float(value) * 4 / 3)
            except ValueError:
                pass
    return int(min(tallest, 900) + 190)


def step_slider(root: Value, **kwargs: Any) -> Any:
    """The backward pass in Jupyter, one frame per step: a Play button and a slider linked on
    the browser side to a stack of frames (caption + graph), so an executed notebook saved
    with its widget state steps through with no kernel (exported to HTML, on the course site).

    Returns an ipywidgets VBox ``[HBox([Play, IntSlider]), Stack([HTML, ...])]``; its display
    also carries the self-contained page (:func:`html_page`) as ``text/html`` for viewers that
    cannot run widgets. Without ipywidgets it returns that page (:class:`StepPage`); without
    Graphviz's ``dot``, a note with the install commands and the step table
    (:class:`MissingDotNote`). Keyword arguments go to :func:`frame_plan`.
    """
    from viz.display import missing_dot_text
    from viz.render import GraphvizNotFoundError

    plan = frame_plan(root, **kwargs)
    try:
        svgs = [responsive_svg(to_svg(f.graph)) for f in plan]
    except GraphvizNotFoundError:
        return MissingDotNote(missing_dot_text(plan[-1].graph))
    page = html_page(root, **kwargs)
    height = _page_height(svgs)
    try:
        import ipywidgets as widgets
    except ImportError:
        return StepPage(page, height)

    class StepSlider(widgets.VBox):  # type: ignore[misc]
        """A VBox whose display also carries the standalone page, for widget-less viewers."""

        def _repr_mimebundle_(self, **kw: Any) -> Any:
            bundle = super()._repr_mimebundle_(**kw)
            if isinstance(bundle, dict):
                bundle.setdefault("text/html", StepPage(page, height)._repr_html_())
            return bundle

    n = len(plan)

    def frame_html(k: int, f: Frame) -> str:
        edges = "".join(f"<li>{html.escape(e)}</li>" for e in f.edges)
        return (f'<div class="ac-step" data-frame="{k}" style="font-family:sans-serif">'
                f"<b>step {k + 1} / {n}:</b> "
                f"{html.escape(f.caption)}" + (f'<ul style="margin:.2em 0">{edges}</ul>'
                                                if edges else "")
                + f"</div>{svgs[k]}")

    stack = widgets.Stack([widgets.HTML(value=frame_html(k, f)) for k, f in enumerate(plan)],
                          selected_index=0)
    slider = widgets.IntSlider(value=0, min=0, max=n - 1, description="step",
                               continuous_update=True, readout=False)  # the caption counts
    play = widgets.Play(value=0, min=0, max=n - 1, interval=1200, description="play")
    box = StepSlider([widgets.HBox([play, slider]), stack])
    # browser-side links: saved with the widget state, they work with no kernel
    box.links = (widgets.jslink((play, "value"), (slider, "value")),
                 widgets.jslink((slider, "value"), (stack, "selected_index")))
    return box

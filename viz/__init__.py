"""viz: pictures of the chain rule, of networks and of training.

* :func:`draw_graph` / :func:`draw_dot` - the computational graph below a Value, every edge
  annotated with local x upstream = the gradient it sends (:mod:`viz.graph`);
* :func:`render` - to svg, png or pdf, with a clear error when Graphviz is missing
  (:mod:`viz.render`);
* :func:`backward_steps`, :func:`steps_table`, :func:`step_slider`, :func:`save_gif`,
  :func:`save_html` - the backward pass one node at a time (:mod:`viz.steps`);
* :func:`draw_network` - an MLP drawn like TensorFlow Playground (:mod:`viz.network`);
* :func:`plot_history`, :func:`plot_decision_boundary`, :func:`plot_activations` - matplotlib
  plots (:mod:`viz.plots`, imported on first use so the graph tools work without matplotlib);
* ``python -m viz "(x+y)*z" x=-2 y=5 z=-4 -o f.svg`` - the same from a terminal
  (:mod:`viz.__main__`, parsing with :mod:`viz.expr`: an ``ast`` whitelist, never ``eval``).
"""

from __future__ import annotations

from typing import Any

from autograd_core import __version__ as __version__
from viz.graph import GraphTooLargeError, dot_source, draw_dot, draw_graph
from viz.network import draw_network
from viz.render import GraphvizNotFoundError, render
from viz.steps import backward_steps, save_gif, save_html, step_slider, steps_table

_PLOTS = ("plot_history", "plot_decision_boundary", "plot_activations")

__all__ = [
    "GraphTooLargeError", "GraphvizNotFoundError", "backward_steps", "dot_source", "draw_dot",
    "draw_graph", "draw_network", "render", "save_gif", "save_html", "step_slider",
    "steps_table", *_PLOTS,
]


def __getattr__(name: str) -> Any:
    """The plotting functions, imported lazily (matplotlib is an optional extra)."""
    if name in _PLOTS:
        from viz import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'viz' has no attribute {name!r}")

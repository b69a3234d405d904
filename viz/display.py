"""How graphs show up in Jupyter: SVG and PNG together, and a readable page without Graphviz.

Every graph the project draws (:func:`viz.draw_graph`, the backward-step frames,
:func:`viz.draw_network`) is a :class:`Graph`: a :class:`graphviz.Digraph` (so ``.source``,
``.render(...)`` and :func:`viz.render` work unchanged) whose Jupyter display carries

* ``image/svg+xml``: sharp, with the op nodes' tooltips, what JupyterLab shows in a trusted
  notebook;
* ``image/png``: what an *untrusted* notebook, GitHub and nbviewer show (they refuse inline SVG);
* ``text/plain``: a one-line summary for terminals.

When Graphviz's ``dot`` program is missing, displaying a graph raises nothing (a "Run All"
goes on): the output is a readable note with the install commands, the DOT text of the graph
and, for a graph drawn from a Value, the backward pass as a step table (:func:`viz.steps_table`).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from typing import Any

import graphviz

from viz.render import GraphvizNotFoundError, RenderTimeoutError, pipe

#: What to run to install Graphviz's ``dot``, by system (shown when it is missing).
INSTALL_COMMANDS: tuple[tuple[str, str], ...] = (
    ("Debian/Ubuntu", "sudo apt-get install graphviz"),
    ("Fedora", "sudo dnf install graphviz"),
    ("macOS", "brew install graphviz"),
    ("conda", "conda install -c conda-forge graphviz"),
    ("Windows", "winget install graphviz  (then add its bin folder to PATH)"),
)

#: Graphs with more Value nodes than this get no step table in the missing-``dot`` note.
STEP_TABLE_LIMIT = 60


class Graph(graphviz.Digraph):
    """A :class:`graphviz.Digraph` that displays as SVG + PNG in Jupyter (see the module doc).

    ``root`` is the Value the graph was drawn from (None for a network diagram); it is only read
    to print the step table when ``dot`` is missing.
    """

    root: Any = None

    def _repr_mimebundle_(self, include: Iterable[str] | None = None,
                          exclude: Iterable[str] | None = None,
                          **kwargs: Any) -> dict[str, Any]:
        """The display bundle: svg, png (base64, as notebooks store it) and plain text; or,
        without Graphviz, a plain-text and HTML note that says how to install it."""
        try:
            bundle: dict[str, Any] = {
                "image/svg+xml": pipe(self, "svg").decode("utf-8"),
                "image/png": base64.b64encode(pipe(self, "png")).decode("ascii"),
                "text/plain": self.summary(),
            }
        except (GraphvizNotFoundError, graphviz.ExecutableNotFound):
            text = missing_dot_text(self)
            bundle = {"text/plain": text,
                      "text/html": f'<pre style="white-space:pre-wrap">{html.escape(text)}</pre>'}
        except RenderTimeoutError as err:  # a graph too big to lay out in time: say so, go on
            text = f"{err}\n\nThe graph in DOT:\n{self.source}"
            bundle = {"text/plain": text,
                      "text/html": f'<pre style="white-space:pre-wrap">{html.escape(text)}</pre>'}
        if include is not None:
            keep = set(include)
            bundle = {k: v for k, v in bundle.items() if k in keep}
        if exclude is not None:
            bundle = {k: v for k, v in bundle.items() if k not in set(exclude)}
        return bundle

    def summary(self) -> str:
        """One line for terminals: the graph's name and how many nodes and edges it has."""
        nodes = sum(1 for line in self.body if _is_node(line))
        edges = sum(1 for line in self.body if " -> " in line)
        return f"<graph {self.name!r}: {nodes} nodes, {edges} edges; .source for the DOT text>"


def _is_node(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and " -> " not in stripped and not stripped.startswith(
        ("graph ", "node ", "edge ", "label=", "labelloc=", "fontname=", "fontsize=", "rankdir="))


def missing_dot_text(graph: graphviz.Digraph) -> str:
    """What a graph shows when ``dot`` is missing: install commands, the backward pass as a step
    table (graphs drawn from a small Value), and the DOT text (paste it into any Graphviz
    viewer)."""
    lines = ["Graphviz's `dot` program is not installed, so this graph cannot be drawn here.",
             "Install it, then restart the kernel and run the cell again:"]
    lines += [f"    {system + ':':15} {cmd}" for system, cmd in INSTALL_COMMANDS]
    root = getattr(graph, "root", None)
    if root is not None:
        from viz.steps import backward_steps, steps_table  # viz.steps imports viz.graph

        try:
            steps = backward_steps(root, max_nodes=STEP_TABLE_LIMIT)
        except ValueError:
            pass
        else:
            lines += ["", "The backward pass, one row per edge (sends = local x upstream):", "",
                      steps_table(steps)]
    lines += ["", "The graph as DOT text:", "", graph.source.rstrip()]
    return "\n".join(lines)

"""Rendering graphs to files and bytes (svg, png, pdf), with a clear error without Graphviz.

Building a graph and its DOT text needs only the ``graphviz`` Python package; turning it into
a picture needs Graphviz's ``dot`` program. When ``dot`` is missing, :func:`render` and
:func:`pipe` raise :class:`GraphvizNotFoundError` naming the program and the command that
installs it, and write nothing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import graphviz

#: Output formats by file extension (``.dot``/``.gv`` write the DOT text itself).
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or `conda install graphviz`; then check that "
                "`dot -V` works in a terminal")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not on the PATH, so graphs cannot be rendered."""


def dot_program() -> str | None:
    """The path of Graphviz's ``dot`` program, or None when it is not installed."""
    return shutil.which("dot")


def _missing(fmt: str) -> GraphvizNotFoundError:
    return GraphvizNotFoundError(
        f"cannot render the graph as {fmt}: Graphviz's `dot` program was not found on the PATH; "
        f"{INSTALL_HINT}. (Building graphs and their DOT text works without it: use "
        "`graph.source`.)")


def pipe(graph: graphviz.Digraph | graphviz.Graph, fmt: str = "svg") -> bytes:
    """The graph rendered in memory as ``fmt`` ('svg', 'png', 'pdf'; 'dot' gives the source)."""
    if fmt == "dot":
        return graph.source.encode()
    if dot_program() is None:
        raise _missing(fmt)
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as e:
        raise _missing(fmt) from e


def to_svg(graph: graphviz.Digraph | graphviz.Graph) -> str:
    """The graph as SVG text (starting at the ``<svg`` tag, ready to embed in HTML)."""
    text = pipe(graph, "svg").decode("utf-8")
    return text[text.index("<svg"):]


def format_for(path: str | os.PathLike[str]) -> str:
    """The output format a file name asks for; ValueError naming the accepted extensions."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ValueError(f"cannot tell the output format from {str(path)!r}: use a file name "
                         f"ending in {', '.join(FORMATS)}")
    return FORMATS[ext]


def render(graph: graphviz.Digraph | graphviz.Graph, path: str | os.PathLike[str],
           fmt: str | None = None) -> Path:
    """Write the graph to ``path`` as svg, png or pdf (from the extension unless ``fmt`` is
    given) and return the path. The file appears only once rendering succeeded."""
    fmt = fmt or format_for(path)
    data = pipe(graph, fmt)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")  # same folder: an atomic rename
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out

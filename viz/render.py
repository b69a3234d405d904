"""Rendering graphs to files and bytes (svg, png, pdf), with a clear error without Graphviz.

Building a graph and its DOT text needs only the ``graphviz`` Python package; turning it into
a picture needs Graphviz's ``dot`` program. When ``dot`` is missing, :func:`render` and
:func:`pipe` raise :class:`GraphvizNotFoundError` naming the program and the command that
installs it, and write nothing.

Every run of ``dot`` has a time limit (:data:`DEFAULT_TIMEOUT` seconds unless ``timeout=`` says
otherwise): Graphviz's layout time grows quickly with the number of edges, and a graph of a few
dozen nodes with one leaf feeding all of them can keep ``dot`` busy for minutes. Past the limit
``dot`` is stopped and :class:`RenderTimeoutError` names the limit and how to raise it.
:func:`time_budget` caps several runs together (the frames of a GIF).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import graphviz

#: Output formats by file extension (``.dot``/``.gv`` write the DOT text itself).
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}

INSTALL_HINT = ("install Graphviz: `sudo apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or `conda install graphviz`; then check that "
                "`dot -V` works in a terminal")


#: Seconds one ``dot`` run may take before it is stopped (change it here, or pass ``timeout=``).
DEFAULT_TIMEOUT = 30.0


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not on the PATH, so graphs cannot be rendered."""


class RenderTimeoutError(RuntimeError):
    """``dot`` ran longer than its time limit and was stopped; nothing was written."""


class RenderError(RuntimeError):
    """``dot`` ran but failed (its own error message is included)."""


_budget = threading.local()  # the deadline of the innermost time_budget() of this thread


@contextlib.contextmanager
def time_budget(seconds: float, hint: str = "") -> Iterator[None]:
    """Every ``dot`` run inside the block shares one deadline ``seconds`` from now; a run
    that would pass it raises :class:`RenderTimeoutError` (with ``hint`` saying how to
    raise the limit). Used for the frames of a GIF or HTML page."""
    outer = getattr(_budget, "value", None)
    deadline = time.monotonic() + seconds
    if outer is not None:
        deadline = min(deadline, outer[0])
    _budget.value = (deadline, seconds, hint)
    try:
        yield
    finally:
        _budget.value = outer


def _timeout_error(fmt: str, seconds: float, hint: str) -> RenderTimeoutError:
    how = hint or ("pass timeout=SECONDS, or set viz.render.DEFAULT_TIMEOUT; or draw a smaller "
                   "graph")
    return RenderTimeoutError(
        f"Graphviz's `dot` did not finish rendering the graph as {fmt} within {seconds:g} s and "
        f"was stopped (layout time grows quickly with the number of edges): {how}")


def dot_program() -> str | None:
    """The path of Graphviz's ``dot`` program, or None when it is not installed."""
    return shutil.which("dot")


def _missing(fmt: str) -> GraphvizNotFoundError:
    return GraphvizNotFoundError(
        f"cannot render the graph as {fmt}: Graphviz's `dot` program was not found on the PATH; "
        f"{INSTALL_HINT}. (Building graphs and their DOT text works without it: use "
        "`graph.source`.)")


def pipe(graph: graphviz.Digraph | graphviz.Graph, fmt: str = "svg",
         timeout: float | None = None) -> bytes:
    """The graph rendered in memory as ``fmt`` ('svg', 'png', 'pdf'; 'dot' gives the source).

    ``dot`` is stopped after ``timeout`` seconds (default :data:`DEFAULT_TIMEOUT`, and never
    past the deadline of an enclosing :func:`time_budget`): :class:`RenderTimeoutError`."""
    if fmt == "dot":
        return graph.source.encode()
    program = dot_program()
    if program is None:
        raise _missing(fmt)
    limit = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    if not limit > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    run_for, reported, hint = limit, limit, ""
    budget = getattr(_budget, "value", None)
    if budget is not None:  # a shared deadline (time_budget) that ends sooner wins
        deadline, total, budget_hint = budget
        left = deadline - time.monotonic()
        if left < limit:
            run_for, reported, hint = left, total, budget_hint
            if left <= 0:
                raise _timeout_error(fmt, total, hint)
    engine = getattr(graph, "engine", "dot") or "dot"
    try:
        r = subprocess.run([program, f"-K{engine}", f"-T{fmt}"], input=graph.source.encode(),
                           capture_output=True, timeout=run_for)
    except FileNotFoundError as e:  # found by which() but cannot be started
        raise _missing(fmt) from e
    except subprocess.TimeoutExpired:
        raise _timeout_error(fmt, reported, hint) from None
    if r.returncode != 0:
        raise RenderError(f"Graphviz's `dot` failed rendering the graph as {fmt} (exit "
                          f"{r.returncode}): {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def to_svg(graph: graphviz.Digraph | graphviz.Graph, timeout: float | None = None) -> str:
    """The graph as SVG text (starting at the ``<svg`` tag, ready to embed in HTML)."""
    text = pipe(graph, "svg", timeout).decode("utf-8")
    return text[text.index("<svg"):]


def format_for(path: str | os.PathLike[str]) -> str:
    """The output format a file name asks for; ValueError naming the accepted extensions."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ValueError(f"cannot tell the output format from {str(path)!r}: use a file name "
                         f"ending in {', '.join(FORMATS)}")
    return FORMATS[ext]


def render(graph: graphviz.Digraph | graphviz.Graph, path: str | os.PathLike[str],
           fmt: str | None = None, timeout: float | None = None) -> Path:
    """Write the graph to ``path`` as svg, png or pdf (from the extension unless ``fmt`` is
    given) and return the path. The file appears only once rendering succeeded (``dot``
    stopped after ``timeout`` seconds, see :func:`pipe`)."""
    fmt = fmt or format_for(path)
    data = pipe(graph, fmt, timeout)
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

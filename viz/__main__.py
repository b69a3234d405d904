"""``python -m viz``: draw an expression's graph, gradients included, from the command line.

    python -m viz "(x+y)*z" x=-2 y=5 z=-4 -o f.svg

builds the expression with Values (parsed by :mod:`viz.expr`: a whitelist over ``ast``, never
``eval``), runs ``backward()``, and writes the graph with every edge's local x upstream = sends.
The output format follows the extension: .svg .png .pdf (a picture), .dot/.gv (the DOT text),
.gif or .html (the backward pass step by step). Without ``-o`` the DOT text goes to stdout.

Limits keep a typed expression from tying up the machine: at most ``--max-nodes`` Values in
the graph (default 40: Graphviz's layout time grows steeply with size, a leaf feeding 50 products
already takes ``dot`` many seconds), every ``dot`` run stopped after ``--timeout`` seconds (for
.gif/.html the whole animation shares that time), and at most ``--max-frames`` frames in an
animation. Every problem is one ``error:`` line on stderr.

Exit codes: 0 written; 2 bad input (the expression, a value, the file name, an output that
cannot be written, a limit exceeded; nothing written); 1 rendering failed (Graphviz's ``dot``
is not installed, failed, or ran out of time).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from autograd_core import Value, topological_order
from viz.expr import ExprError, allowed, build, parse_assignments
from viz.graph import draw_graph, fmt
from viz.render import (
    FORMATS,
    GraphvizNotFoundError,
    RenderError,
    RenderTimeoutError,
    render,
    time_budget,
)
from viz.steps import backward_steps, save_gif, save_html, steps_table

STEP_FORMATS = {".gif": "gif", ".html": "html"}
MAX_NODES = 40  #: default --max-nodes
MAX_FRAMES = 20  #: default --max-frames
TIMEOUT = 30.0  #: default --timeout, seconds


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") \
            from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return n


def _seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        x = float("nan")
    if not 0 < x < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return x


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m viz",
        description="Draw the computational graph of an expression, with the chain rule "
                    "(local x upstream = sends) on every edge.",
        epilog=f"Expressions: {allowed()}. Example: python -m viz \"(x+y)*z\" x=-2 y=5 z=-4 "
               "-o f.svg. An expression starting with '-' needs a leading space: \" -x*y\".")
    p.add_argument("expression", help='the expression, quoted: "(x+y)*z"')
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER",
                   help="a value for each variable: x=-2 y=5 z=-4")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write: .svg .png .pdf .dot/.gv, or .gif/.html for the "
                        "backward pass step by step (default: DOT text to stdout)")
    p.add_argument("--rankdir", choices=["LR", "TB", "RL", "BT"], default="LR",
                   help="layout direction (default LR: inputs on the left)")
    p.add_argument("--no-backward", action="store_true",
                   help="draw before backward: local gradients only, grads shown as ?")
    p.add_argument("--steps", action="store_true",
                   help="also print the backward pass as a table")
    p.add_argument("--precision", type=int, default=4, help="significant digits (default 4)")
    p.add_argument("--name", default=None,
                   help="label of the result node (default f, or out if f is a variable)")
    p.add_argument("--max-nodes", type=_positive_int, default=MAX_NODES, metavar="N",
                   help=f"refuse graphs with more than N Values (default {MAX_NODES}): "
                        "Graphviz's layout time grows steeply with size")
    p.add_argument("--max-frames", type=_positive_int, default=MAX_FRAMES, metavar="N",
                   help=f"refuse .gif/.html animations of more than N frames (default "
                        f"{MAX_FRAMES}; one frame per node, plus the start)")
    p.add_argument("--timeout", type=_seconds, default=TIMEOUT, metavar="SECONDS",
                   help=f"stop Graphviz's dot after this long (default {TIMEOUT:g}; for "
                        ".gif/.html, the whole animation)")
    return p


def _output_problem(out: Path) -> str | None:
    """Why ``out`` cannot be written (checked before any work), or None. Missing folders are
    not created: a typo in a folder name should not silently make new folders."""
    parent = out.parent
    if out.is_dir():
        example = str(out / ("graph" + out.suffix))
        return f"{str(out)!r} is a folder; give a file name, such as {example!r}"
    if not parent.exists():
        return (f"the folder {str(parent)!r} does not exist; create it first (mkdir -p "
                f"{parent}) or write somewhere else")
    if not parent.is_dir():
        return f"{str(parent)!r} is a file, not a folder, so {str(out)!r} cannot be written there"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"no permission to write in the folder {str(parent)!r}; write somewhere else"
    return None


@contextlib.contextmanager
def _wall_clock(seconds: float, message: str) -> Iterator[None]:
    """Raise :class:`RenderTimeoutError` in the block once ``seconds`` have passed (POSIX, main
    thread: a timer signal). Converting and writing GIF frames (pillow) can take longer than
    the ``dot`` runs, which :func:`viz.render.time_budget` alone limits elsewhere."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise RenderTimeoutError(message)

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _write_steps(root: Value, out: Path, ext: str, args: argparse.Namespace) -> None:
    """The .gif/.html animation, written to a temporary file beside ``out`` and renamed into
    place, so a failure leaves nothing behind."""
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.tmp{out.suffix}")
    hint = (f"raise --timeout (now {args.timeout:g} s, shared by all frames), or draw a "
            "smaller expression (every frame is as large as the whole graph)")
    whole = (f"writing the step-by-step {ext} took longer than {args.timeout:g} s and was "
             f"stopped; nothing was written: {hint}")
    try:
        with _wall_clock(args.timeout, whole), time_budget(args.timeout, hint):
            if ext == ".gif":
                save_gif(root, tmp, rankdir=args.rankdir, precision=args.precision)
            else:
                save_html(root, tmp, rankdir=args.rankdir, precision=args.precision)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    out = Path(args.output) if args.output else None
    if out is not None:
        ext = out.suffix.lower()
        if ext not in FORMATS and ext not in STEP_FORMATS:
            exts = ", ".join(list(FORMATS) + list(STEP_FORMATS))
            print(f"error: cannot tell the output format from {args.output!r}: use a file name "
                  f"ending in {exts}", file=sys.stderr)
            return 2
        problem = _output_problem(out)
        if problem:
            print(f"error: cannot write {args.output!r}: {problem}", file=sys.stderr)
            return 2
    if not 1 <= args.precision <= 17:
        print(f"error: --precision must be between 1 and 17, got {args.precision}",
              file=sys.stderr)
        return 2
    try:
        values = parse_assignments(args.values)
        root, leaves = build(args.expression, values)
    except ExprError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    n_nodes = len(topological_order(root))
    if n_nodes > args.max_nodes:
        print(f"error: the expression makes a graph of {n_nodes} Values, more than "
              f"--max-nodes {args.max_nodes}: Graphviz's layout time grows steeply with size "
              "(a leaf used 50 times already takes it many seconds); draw a smaller "
              f"expression, or raise the limit with --max-nodes {n_nodes}", file=sys.stderr)
        return 2
    if out is not None and out.suffix.lower() in STEP_FORMATS:
        n_frames = len(backward_steps(root, max_nodes=None)) + 1
        if n_frames > args.max_frames:
            print(f"error: the step-by-step {out.suffix.lower()} would have {n_frames} frames, "
                  f"more than --max-frames {args.max_frames} (each frame is one Graphviz run); "
                  f"draw a smaller expression, or raise the limit with --max-frames {n_frames}",
                  file=sys.stderr)
            return 2
    root.label = args.name or ("out" if "f" in leaves else "f")
    if not args.no_backward:
        root.backward()
    summary = f"{root.label} = {fmt(root.data, args.precision)}"
    if not args.no_backward and leaves:
        summary += "; " + ", ".join(f"d{root.label}/d{n} = {fmt(v.grad, args.precision)}"
                                    for n, v in leaves.items())
    if args.steps:  # with the DOT text on stdout, the table goes to stderr: stdout stays DOT
        print(steps_table(root), file=sys.stdout if out is not None else sys.stderr)
    graph = draw_graph(root, rankdir=args.rankdir, precision=args.precision, max_nodes=None)
    if out is None:
        sys.stdout.write(graph.source)
        print(summary, file=sys.stderr)
        return 0
    try:
        ext = out.suffix.lower()
        if ext in STEP_FORMATS:
            _write_steps(root, out, ext, args)
        else:
            render(graph, out, timeout=args.timeout)
    except RenderTimeoutError as e:
        msg = str(e)
        if ext not in STEP_FORMATS:
            msg = msg.replace("pass timeout=SECONDS, or set viz.render.DEFAULT_TIMEOUT",
                              f"raise --timeout (now {args.timeout:g} s)")
        print(f"error: {msg}", file=sys.stderr)
        return 1
    except (GraphvizNotFoundError, RenderError) as e:
        print(f"error: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    except OSError as e:
        if e.errno is None:  # not the file system: e.g. pillow could not read a frame
            print(f"error: rendering failed: {e}", file=sys.stderr)
            return 1
        print(f"error: cannot write {args.output!r}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

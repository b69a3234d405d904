"""``python -m viz``: draw an expression's graph, gradients included, from the command line.

    python -m viz "(x+y)*z" x=-2 y=5 z=-4 -o f.svg

builds the expression with Values (parsed by :mod:`viz.expr`: a whitelist over ``ast``, never
``eval``), runs ``backward()``, and writes the graph with every edge's local x upstream = sends.
The output format follows the extension: .svg .png .pdf (a picture), .dot/.gv (the DOT text),
.gif or .html (the backward pass step by step). Without ``-o`` the DOT text goes to stdout.

Exit codes: 0 written; 2 bad input (the expression, a value, the file name; nothing written);
1 rendering failed (e.g. Graphviz's ``dot`` is not installed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from viz.expr import ExprError, allowed, build, parse_assignments
from viz.graph import draw_graph, fmt
from viz.render import FORMATS, GraphvizNotFoundError, render
from viz.steps import save_gif, save_html, steps_table

STEP_FORMATS = {".gif": "gif", ".html": "html"}


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
    return p


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
    root.label = args.name or ("out" if "f" in leaves else "f")
    if not args.no_backward:
        root.backward()
    summary = f"{root.label} = {fmt(root.data, args.precision)}"
    if not args.no_backward and leaves:
        summary += "; " + ", ".join(f"d{root.label}/d{n} = {fmt(v.grad, args.precision)}"
                                    for n, v in leaves.items())
    if args.steps:
        print(steps_table(root))
    graph = draw_graph(root, rankdir=args.rankdir, precision=args.precision, max_nodes=None)
    if out is None:
        sys.stdout.write(graph.source)
        print(summary, file=sys.stderr)
        return 0
    try:
        ext = out.suffix.lower()
        if ext == ".gif":
            save_gif(root, out, rankdir=args.rankdir, precision=args.precision)
        elif ext == ".html":
            save_html(root, out, rankdir=args.rankdir, precision=args.precision)
        else:
            render(graph, out)
    except GraphvizNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

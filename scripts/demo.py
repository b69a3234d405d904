"""The main job: backprop in one run, from the lecture's chain rule to a trained network.

    bash scripts/main.sh              # sets everything up, then runs this
    .venv/bin/python scripts/demo.py --out output

1. the lectures' f = (x + y) z at x=-2, y=5, z=-4: forward, backward step by step, gradients;
2. an MLP 2-4-1 (tanh) learning XOR, with a progress bar;
3. pictures in the output folder: the graph with the chain rule on every edge (SVG), the
   decision boundary and the loss curve (PNG);
4. how to open the notebooks.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nn  # noqa: E402
from autograd_core import Value  # noqa: E402
from nn import MLP, SGD, data  # noqa: E402
from viz import draw_graph, plot_decision_boundary, plot_history, render, steps_table  # noqa: E402
from viz.examples import chain_rule_example  # noqa: E402


def chain_rule() -> Value:
    f = chain_rule_example()  # x, y, z = -2, 5, -4; q = x + y; f = q * z (lecture 000)
    q, z = f.inputs
    x, y = q.inputs
    print("1. The chain rule on f = (x + y) * z at x = -2, y = 5, z = -4")
    print(f"   forward: q = x + y = {q.data:g}, f = q * z = {f.data:g}")
    f.backward()
    print("   backward, node by node (upstream gradient x local gradient):")
    for line in steps_table(f).splitlines():
        print("   " + line)
    print(f"   df/dx = {x.grad:g}, df/dy = {y.grad:g}, df/dz = {z.grad:g}\n")
    return f


def xor(progress: bool) -> tuple[MLP, nn.History]:
    print("2. An MLP 2-4-1 (tanh) learns XOR: no straight line separates it, one hidden layer does")
    X, y = data.xor()
    model = MLP(2, [4, 1], activation="tanh", init="xavier", seed=0)
    history = nn.fit(model, X, y, loss="mse", optimizer=SGD(model, lr=0.1, momentum=0.9),
                     epochs=500, progress=progress)
    preds = [model(list(map(float, row))).data for row in X]
    for row, target, p in zip(X, y, preds):
        print(f"   {row.tolist()} -> {p:+.3f} (target {target:g})")
    print(f"   final MSE {history.history['loss'][-1]:.5f}\n")
    return model, history


def pictures(out: Path, f: Value, model: MLP, history: nn.History) -> None:
    print(f"3. Pictures in {out.resolve()}/")
    out.mkdir(parents=True, exist_ok=True)
    graph = draw_graph(f)
    if shutil.which("dot"):
        print(f"   {render(graph, out / 'chain_rule_graph.svg')}")
    else:
        (out / "chain_rule_graph.dot").write_text(graph.source)
        print(f"   {out / 'chain_rule_graph.dot'} (Graphviz's dot is missing, so DOT text instead "
              "of SVG: sudo apt-get install graphviz)")
    X, y = data.xor()
    fig = plot_decision_boundary(model, X, y, threshold=0.5,
                                 title="XOR: decision boundary of the MLP 2-4-1")
    fig.savefig(out / "xor_decision_boundary.png", dpi=110)
    print(f"   {out / 'xor_decision_boundary.png'}")
    fig = plot_history(history)
    fig.savefig(out / "xor_loss.png", dpi=110)
    print(f"   {out / 'xor_loss.png'}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="autograd-core demo: chain rule, XOR, pictures")
    ap.add_argument("--out", default="output", help="folder for the pictures (default: output)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)
    f = chain_rule()
    model, history = xor(progress=not args.no_progress)
    pictures(Path(args.out), f, model, history)
    print("4. The lessons: make lab   (or: EXTRAS=notebooks bash scripts/setup.sh && "
          ".venv/bin/jupyter lab notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

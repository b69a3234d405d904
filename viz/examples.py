"""The README's pictures, regenerated: ``python -m viz.examples [OUT_DIR] [--quick]``.

Writes into ``docs/images/`` (or OUT_DIR):

* ``chain_rule_graph.svg`` - the lectures' f = (x + y) z at x=-2, y=5, z=-4 after backward;
* ``backward_steps.gif`` - the same graph, one backward step per frame;
* ``activations.png`` - six activations next to their derivatives (computed by the engine);
* ``network.svg`` and ``decision_boundary.png`` - an ``nn.MLP(2, [16, 16, 1])`` trained on the
  two-moons data, drawn like TensorFlow Playground, and its decision boundary (needs ``nn``;
  ``--quick`` trains fewer epochs).

Each function builds one picture and returns the path it wrote, so notebooks can reuse them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd_core import Value
from viz.graph import draw_graph
from viz.network import draw_network
from viz.render import render
from viz.steps import save_gif

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "docs" / "images"


def chain_rule_example() -> Value:
    """f = (x + y) z at x = -2, y = 5, z = -4 (lecture 000), with the lecture's names q and f."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def chain_rule_graph(path: str | Path) -> Path:
    """The chain-rule graph after backward: x and y get -4, z gets 3."""
    f = chain_rule_example()
    f.backward()
    return render(draw_graph(f), path)


def backward_steps_gif(path: str | Path, duration_ms: int = 1800) -> Path:
    """The chain-rule example's backward pass as an animated GIF."""
    return save_gif(chain_rule_example(), path, duration_ms=duration_ms)


def activations_png(path: str | Path) -> Path:
    """Activations and their derivatives (matplotlib, Agg)."""
    from viz.plots import plot_activations

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    plot_activations().savefig(out, dpi=90)
    return out


def trained_moons_model(epochs: int = 200, seed: int = 0) -> tuple[Any, Any, Any, Any]:
    """An ``nn.MLP(2, [16, 16, 1])`` (tanh) trained on 100 two-moons points with the hinge loss
    of micrograd's demo. Returns (model, X, y, history); y is 0/1."""
    import nn

    X, y = nn.data.moons(100, noise=0.1, seed=seed)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", init="xavier", seed=seed)
    history = nn.fit(model, X, y * 2 - 1, loss="hinge", optimizer="adam", lr=0.02,
                     epochs=epochs, batch_size=None, progress=False, seed=seed)
    return model, X, y, history


def decision_boundary_png(path: str | Path, model: Any = None, X: Any = None, y: Any = None,
                          resolution: int = 80, epochs: int = 200) -> Path:
    """A trained model's decision boundary over its data (trains the moons model if none is
    given)."""
    from viz.plots import plot_decision_boundary

    if model is None:
        model, X, y, _ = trained_moons_model(epochs)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = plot_decision_boundary(model, X, y, resolution=resolution,
                                 title="MLP(2, [16, 16, 1]) on two moons")
    fig.savefig(out, dpi=90)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Write every picture; prints each path."""
    p = argparse.ArgumentParser(prog="python -m viz.examples", description=__doc__.split("\n")[0])
    p.add_argument("out_dir", nargs="?", default=str(DEFAULT_DIR))
    p.add_argument("--quick", action="store_true", help="train 20 epochs instead of 200")
    args = p.parse_args(argv)
    out = Path(args.out_dir)
    print(chain_rule_graph(out / "chain_rule_graph.svg"))
    print(backward_steps_gif(out / "backward_steps.gif"))
    print(activations_png(out / "activations.png"))
    try:
        import nn  # noqa: F401
    except ImportError:
        print("nn is not importable: skipped network.svg and decision_boundary.png",
              file=sys.stderr)
        return 0
    model, X, y, history = trained_moons_model(20 if args.quick else 200)
    print(render(draw_network(model, output_names=["score"]), out / "network.svg"))
    print(decision_boundary_png(out / "decision_boundary.png", model, X, y))
    print(f"final training loss {history.history['loss'][-1]:.4f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

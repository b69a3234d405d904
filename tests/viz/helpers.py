"""Shared helpers for the viz tests: the lectures' f = (x + y) z, tiny MLP stand-ins."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autograd_core import Value
from autograd_core.functional import dot
from viz.examples import chain_rule_example  # noqa: F401  (lecture 000's f = (x + y) z)

SNAPSHOTS = Path(__file__).parent / "snapshots"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAS_DOT, reason="Graphviz's `dot` program is not installed (apt-get install graphviz)")


def check_snapshot(name: str, text: str) -> None:
    """Compare text with tests/viz/snapshots/<name>; UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"snapshot {name} did not exist; wrote it. Check it and rerun.")
    assert text == path.read_text(encoding="utf-8"), (
        f"DOT text differs from snapshots/{name}; if the change is intended, rerun with "
        "UPDATE_SNAPSHOTS=1 and review the diff")


class TinyNeuron:
    """A neuron shaped like nn's: act(dot(w, x) + b)."""

    def __init__(self, ws: list[float], b: float, activation: str = "tanh") -> None:
        self.w = [Value(w) for w in ws]
        self.b = Value(b)
        self.activation = activation

    def __call__(self, x: list) -> Value:
        z = dot(self.w, x, self.b)
        return z if self.activation == "linear" else getattr(z, self.activation)()


class TinyLayer:
    def __init__(self, rows: list[tuple[list[float], float]], activation: str = "tanh") -> None:
        self.neurons = [TinyNeuron(w, b, activation) for w, b in rows]
        self.activation = activation

    def __call__(self, x: list) -> list[Value]:
        return [n(x) for n in self.neurons]


class TinyMLP:
    """A 2-3-1 MLP stand-in with fixed weights (the nn package's MLP has the same shape)."""

    def __init__(self) -> None:
        self.layers = [
            TinyLayer([([0.5, -1.0], 0.1), ([-0.3, 0.8], -0.2), ([1.2, 0.4], 0.0)], "tanh"),
            TinyLayer([([1.0, -0.7, 0.5], 0.3)], "linear"),
        ]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer.neurons for p in n.w + [n.b]]

    def __call__(self, x: list) -> Value:
        for layer in self.layers:
            x = layer(x)
        return x[0]

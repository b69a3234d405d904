"""The course index's lesson blurbs: markdown and maths turned into readable plain text."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402


def test_plain_text_keeps_names_and_symbols() -> None:
    text = build_site._plain(
        "Six functions: `initialize_parameters`, `nn_model`; a **Value** with +, *, tanh; "
        "$a = \\sigma(w \\cdot x + b)$ and $\\theta \\leftarrow \\theta - \\alpha \\nabla J$; "
        "see *The spelled-out intro\nto micrograd*, [the video](https://example.org/v) and "
        "autograd_core.")
    assert text == ("Six functions: initialize_parameters, nn_model; a Value with +, *, tanh; "
                    "a = σ(w · x + b) and θ ← θ - α ∇ J; see The spelled-out intro to "
                    "micrograd, the video and autograd_core.")

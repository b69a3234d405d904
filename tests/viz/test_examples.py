"""The README picture script (the slow trained-model pictures are left to the script)."""

from __future__ import annotations

import html

from tests.viz.helpers import needs_dot
from viz.examples import activations_png, chain_rule_graph


@needs_dot
def test_chain_rule_graph_svg(tmp_path) -> None:
    svg = html.unescape(chain_rule_graph(tmp_path / "g.svg").read_text())
    for text in ("data -12", "grad 1", "grad -4", "grad 3", "= sends -4", "= sends 3"):
        assert text in svg


def test_activations_png(tmp_path) -> None:
    assert activations_png(tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")

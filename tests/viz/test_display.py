"""Graphs in Jupyter: SVG + PNG in the display bundle, a readable note without Graphviz."""

from __future__ import annotations

import base64
import importlib
import struct

import pytest

from tests.viz.helpers import chain_rule_example, needs_dot
from viz.display import Graph
from viz.graph import draw_graph
from viz.steps import backward_steps, step_graph

render_mod = importlib.import_module("viz.render")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_dot
def test_bundle_has_svg_and_png_through_ipython() -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    f = chain_rule_example()
    f.backward()
    data, _ = formatters.DisplayFormatter().format(draw_graph(f))
    assert {"image/svg+xml", "image/png", "text/plain"} <= set(data)
    svg = data["image/svg+xml"]
    assert "<svg" in svg and "sends &#45;4" in svg
    width, height = _png_size(base64.b64decode(data["image/png"]))
    assert width > 200 and height > 100  # a real picture, not a placeholder
    assert data["text/plain"] == "<graph 'autograd': 8 nodes, 6 edges; .source for the DOT text>"


@needs_dot
def test_include_and_exclude_filter_the_bundle() -> None:
    g = draw_graph(chain_rule_example())
    assert set(g._repr_mimebundle_(include=["image/png"])) == {"image/png"}
    assert "image/svg+xml" not in g._repr_mimebundle_(exclude=["image/svg+xml"])


def test_graphs_are_digraphs_that_remember_their_root() -> None:
    f = chain_rule_example()
    g = draw_graph(f)
    assert isinstance(g, Graph) and g.root is f
    assert isinstance(step_graph(backward_steps(f), 0), Graph)


def test_missing_dot_shows_install_commands_dot_text_and_step_table(monkeypatch) -> None:
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: None)
    f = chain_rule_example()
    f.backward()
    g = draw_graph(f)
    bundle = g._repr_mimebundle_()  # raises nothing: a Run All goes on
    assert set(bundle) == {"text/plain", "text/html"}
    text = bundle["text/plain"]
    assert "sudo apt-get install graphviz" in text and "brew install graphviz" in text
    assert g.source.rstrip() in text
    rows = [line.split() for line in text.splitlines()]
    assert ["1", "f", "*", "1", "q", "-4", "-4", "-4"] in rows  # f sends -4 to q
    assert ["3", "q", "+", "-4", "x", "1", "-4", "-4"] in rows  # q sends 1 x -4 to x
    assert "&lt;label&gt;" not in bundle["text/html"] and "<pre" in bundle["text/html"]


def test_network_diagrams_display_the_same_way(monkeypatch) -> None:
    from tests.viz.helpers import TinyMLP
    from viz.network import draw_network

    g = draw_network(TinyMLP())
    assert isinstance(g, Graph) and g.root is None
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: None)
    text = g._repr_mimebundle_()["text/plain"]
    assert "apt-get install graphviz" in text and "step table" not in text
    assert g.source.rstrip() in text


def test_a_render_timeout_shows_a_note_and_the_dot_text(monkeypatch) -> None:
    import viz.display as display
    from viz.render import RenderTimeoutError

    def too_slow(*args, **kwargs):
        raise RenderTimeoutError("Graphviz's dot did not finish within 0.5 s")

    monkeypatch.setattr(display, "pipe", too_slow)
    graph = draw_graph(chain_rule_example())
    bundle = graph._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "within 0.5 s" in bundle["text/plain"] and "digraph" in bundle["text/plain"]

"""Rendering to svg/png/pdf with Graphviz, and the error without it."""

from __future__ import annotations

import html
import importlib
import time

import pytest

from tests.viz.helpers import chain_rule_example, needs_dot
from viz.graph import draw_graph
from viz.render import (
    GraphvizNotFoundError,
    RenderError,
    RenderTimeoutError,
    format_for,
    pipe,
    render,
    to_svg,
)

render_mod = importlib.import_module("viz.render")  # the module (viz.render is also a function)


@needs_dot
def test_svg_has_every_node_and_the_gradients(tmp_path) -> None:
    f = chain_rule_example()
    f.backward()
    path = render(draw_graph(f), tmp_path / "f.svg")
    svg = html.unescape(path.read_text())  # Graphviz writes - as &#45;
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    assert svg.count('class="node"') == 5 + 2 + 1  # Values, op nodes, legend
    assert svg.count('class="edge"') == 6
    for text in ("data -12", "grad 1", "grad -4", "grad 3", "= sends -4", "= sends 3"):
        assert text in svg
    assert "d(ab)/da = b" in svg  # the op table's derivative as the op node's tooltip


@needs_dot
@pytest.mark.parametrize("ext, magic", [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_png_and_pdf_by_extension(tmp_path, ext: str, magic: bytes) -> None:
    out = render(draw_graph(chain_rule_example()), tmp_path / f"sub/f{ext}")
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in out.parent.iterdir()] == [f"f{ext}"]  # no stray source files


@needs_dot
def test_to_svg_is_embeddable() -> None:
    assert to_svg(draw_graph(chain_rule_example())).startswith("<svg")


def test_dot_extension_needs_no_graphviz(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: None)
    g = draw_graph(chain_rule_example())
    assert render(g, tmp_path / "f.dot").read_text() == g.source


def test_missing_dot_names_program_and_install_command(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: None)
    g = draw_graph(chain_rule_example())  # building still works
    assert "digraph" in g.source
    with pytest.raises(GraphvizNotFoundError) as e:
        render(g, tmp_path / "f.svg")
    msg = str(e.value)
    assert "`dot`" in msg and "sudo apt-get install graphviz" in msg
    assert "brew install graphviz" in msg and "conda install graphviz" in msg
    assert list(tmp_path.iterdir()) == []  # nothing written
    with pytest.raises(GraphvizNotFoundError):
        pipe(g, "png")


def test_missing_executable_during_pipe(monkeypatch) -> None:
    """Graphviz found by which() but failing to start still gives the friendly error."""
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: "/nonexistent/bin/dot")
    g = draw_graph(chain_rule_example())
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        pipe(g, "svg")


def _fake_dot(tmp_path, monkeypatch, body: str) -> None:
    script = tmp_path / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    monkeypatch.setattr(render_mod.shutil, "which", lambda name: str(script))


def test_every_dot_run_has_a_timeout(tmp_path, monkeypatch) -> None:
    """A layout that never finishes is stopped, and the error says how to allow longer."""
    _fake_dot(tmp_path, monkeypatch, "sleep 30")
    g = draw_graph(chain_rule_example())
    out = tmp_path / "out" / "f.svg"
    t0 = time.monotonic()
    with pytest.raises(RenderTimeoutError) as e:
        render(g, out, timeout=0.3)
    assert time.monotonic() - t0 < 10  # stopped, not waited for
    assert "within 0.3 s" in str(e.value) and "timeout=SECONDS" in str(e.value)
    assert not out.exists()
    monkeypatch.setattr(render_mod, "DEFAULT_TIMEOUT", 0.2)  # the default applies to to_svg too
    with pytest.raises(RenderTimeoutError, match="within 0.2 s"):
        to_svg(g)
    with pytest.raises(ValueError, match="positive number of seconds"):
        pipe(g, "svg", timeout=0)


def test_time_budget_is_shared_by_several_runs(tmp_path, monkeypatch) -> None:
    _fake_dot(tmp_path, monkeypatch, "sleep 0.4; printf '<svg></svg>'")
    g = draw_graph(chain_rule_example())
    done = 0
    with pytest.raises(RenderTimeoutError) as e, \
            render_mod.time_budget(1.0, "raise the budget"):
        for _ in range(10):  # 10 x 0.4 s does not fit in 1 s
            assert to_svg(g) == "<svg></svg>"
            done += 1
    assert done in (1, 2) and "within 1 s" in str(e.value) and "raise the budget" in str(e.value)


def test_dot_failure_names_dots_message(tmp_path, monkeypatch) -> None:
    _fake_dot(tmp_path, monkeypatch, "echo 'syntax error in line 1' >&2; exit 3")
    with pytest.raises(RenderError, match="exit 3.*syntax error in line 1"):
        pipe(draw_graph(chain_rule_example()), "png")


def test_format_for() -> None:
    assert format_for("a/b.SVG") == "svg"
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf"):
        format_for("f.jpeg")

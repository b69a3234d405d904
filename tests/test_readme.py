"""The README as a newcomer reads it: its code runs, its install paths are complete, its
picture of the backward pass is near the top, its numbers live in docs/benchmarks.md, and it
speaks of the project only (not of how it was built)."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def section(title: str) -> str:
    """The text of the README section whose heading is ``title`` (up to the next heading)."""
    m = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", README, re.M | re.S)
    assert m, f"no section {title!r}"
    return m.group(1)


def code_blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_quickstart_runs_and_names_each_thing_once(tmp_path, monkeypatch) -> None:
    (code,) = code_blocks(section("Quickstart"), "python")
    assigned: dict[str, int] = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assigned[node.id] = assigned.get(node.id, 0) + 1
    reused = [name for name, n in assigned.items() if n > 1]
    assert not reused, f"the quickstart binds {reused} to two different things"
    if not shutil.which("dot"):
        code = code.replace('render(draw_graph(f), "f.svg")', "draw_graph(f)")
    monkeypatch.chdir(tmp_path)
    env: dict[str, object] = {}
    exec(compile(code, "README quickstart", "exec"), env)  # noqa: S102 - our own README
    assert (env["f"].data, env["x"].grad, env["z"].grad) == (-12.0, -4.0, 3.0)  # type: ignore[attr-defined]
    model, X = env["model"], env["X"]
    preds = model.predict(X)  # type: ignore[attr-defined]
    assert ((preds > 0.5) == env["targets"]).all()


def test_step_through_gif_is_near_the_top() -> None:
    before_install = README[:README.index("## Two commands")]
    assert "(docs/images/backward_steps.gif)" in before_install
    assert (ROOT / "docs" / "images" / "backward_steps.gif").read_bytes().startswith(b"GIF8")


def test_plain_pip_path_for_every_system() -> None:
    text = section("Or with pip alone (any system, Windows included)")
    (block,) = code_blocks(text, "bash")
    for line in ("python -m venv .venv", ".venv\\Scripts\\activate",
                 "source .venv/bin/activate", 'python -m pip install -e ".[plots]"',
                 "python scripts/demo.py --out output", 'python -m pip install -e ".[notebooks]"',
                 "jupyter lab notebooks"):
        assert line in block, line
    assert "--out" in (ROOT / "scripts" / "demo.py").read_text()


def test_benchmark_tables_live_in_docs_with_a_summary_in_the_readme() -> None:
    summary = section("Benchmarks")
    assert "[docs/benchmarks.md](docs/benchmarks.md)" in summary and "|" not in summary
    assert "| n = 100,000" not in README and "| implementation |" not in README
    tables = BENCHMARKS.read_text(encoding="utf-8")
    for row in ("| chain of +c, *c ", "| micrograd 0.1.0 as installed |", "| digits 64-32-10"):
        assert row in tables, row


@pytest.mark.parametrize("path", [ROOT / "README.md", BENCHMARKS])
def test_no_wording_about_how_the_project_was_built(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in (r"\bissue\s*\d", r"\bissue's\b", r"\bthis session\b", r"\bsession's\b"):
        assert not re.search(pattern, text, re.I), (path.name, pattern)


def test_import_next_to_pytorch_is_explained_and_works() -> None:
    text = section("Next to PyTorch, and if another `nn` is installed")
    assert "import nn as agnn" in text and "pip uninstall" in text
    torch = pytest.importorskip("torch")
    (code,) = code_blocks(text, "python")
    env: dict[str, object] = {}
    exec(compile(code, "README torch", "exec"), env)  # noqa: S102 - our own README
    assert isinstance(env["twin"], torch.nn.Sequential)
    assert "nn" not in env  # ours is agnn, torch's is tnn: nothing is called plain nn

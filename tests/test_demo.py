"""The README's first command runs scripts/demo.py: it must print the lecture's numbers and
write the three pictures it promises."""

import runpy
import shutil
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.py"


def test_demo_prints_the_chain_rule_and_writes_pictures(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["demo.py", "--out", str(tmp_path), "--no-progress"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(DEMO), run_name="__main__")
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "forward: q = x + y = 3, f = q * z = -12" in out
    assert "df/dx = -4, df/dy = -4, df/dz = 3" in out
    assert "final MSE 0.00" in out
    graph = "chain_rule_graph.svg" if shutil.which("dot") else "chain_rule_graph.dot"
    for name in (graph, "xor_decision_boundary.png", "xor_loss.png"):
        assert (tmp_path / name).stat().st_size > 1000, name

"""python -m viz: good expressions write a picture; bad input exits 2 and writes nothing."""

from __future__ import annotations

import html
import importlib
import subprocess
import sys

import pytest

from tests.viz.helpers import needs_dot
from viz.__main__ import main


@needs_dot
def test_subprocess_writes_svg_and_says_where(tmp_path) -> None:
    out = tmp_path / "f.svg"
    r = subprocess.run([sys.executable, "-m", "viz", "(x+y)*z", "x=-2", "y=5", "z=-4", "-o",
                        str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"wrote {out} (f = -12; df/dx = -4, df/dy = -4, df/dz = 3)"
    svg = html.unescape(out.read_text())
    assert "<svg" in svg and "= sends -4" in svg and "grad 3" in svg


@needs_dot
@pytest.mark.parametrize("ext, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF"),
                                        ("gif", b"GIF8"), ("html", b"<!DOCTYPE")])
def test_formats_by_extension(tmp_path, capsys, ext: str, magic: bytes) -> None:
    out = tmp_path / f"g.{ext}"
    assert main(["tanh(x*w + b)", "x=1", "w=0.5", "b=-0.2", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out}" in capsys.readouterr().out


def test_dot_to_stdout_without_output(capsys) -> None:
    assert main(["x*x", "x=3"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("digraph autograd {") and cap.out.count("n0 -> n1op") == 2
    assert "df/dx = 6" in cap.err


def test_no_backward_and_steps(capsys) -> None:
    assert main(["(x+y)*z", "x=-2", "y=5", "z=-4", "--no-backward", "--steps"]) == 0
    out = capsys.readouterr().out
    assert "| grad ? }" in out
    assert "step  node" in out  # the table


def test_result_named_out_when_f_is_a_variable(capsys) -> None:
    assert main(["f*2", "f=1"]) == 0
    assert "dout/df = 2" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["__import__('os').system('x')"], "is not allowed"),
    (["x.__class__", "x=1"], "attribute access is not allowed: 'x.__class__'"),
    (["foo(x)", "x=1"], "unknown function 'foo'"),
    (["x*y", "x=1"], "no value for 'y'"),
    (["x", "x=abc"], "'abc' in 'x=abc' is not a number"),
    (["x", "x=1", "y=2"], "'y' given but not used"),
    (["x", "x=1", "-o", "f.jpeg"], "cannot tell the output format from 'f.jpeg'"),
    (["x", "x=1", "--precision", "0"], "--precision must be between 1 and 17"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    code = main(argv + (["-o", "out.svg"] if "-o" not in argv else []))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert list(tmp_path.iterdir()) == []


def test_subprocess_bad_expression_exit_code(tmp_path) -> None:
    r = subprocess.run([sys.executable, "-m", "viz", "__import__('os').system('touch pwned')",
                        "-o", str(tmp_path / "f.svg")], capture_output=True, text=True,
                       timeout=60, cwd=tmp_path)
    assert r.returncode == 2
    assert "__import__('os').system" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_graphviz_exit_1(tmp_path, monkeypatch, capsys) -> None:
    render_mod = importlib.import_module("viz.render")

    monkeypatch.setattr(render_mod.shutil, "which", lambda name: None)
    assert main(["x*2", "x=1", "-o", str(tmp_path / "f.png")]) == 1
    assert "sudo apt-get install graphviz" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

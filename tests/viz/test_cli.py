"""python -m viz: good expressions write a picture; bad input exits 2 and writes nothing."""

from __future__ import annotations

import html
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

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
    cap = capsys.readouterr()
    assert "| grad ? }" in cap.out
    assert "step  node" in cap.err  # the table, beside the DOT text on stdout


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


def _fake_dot(tmp_path, monkeypatch, seconds: float, then_real: bool = False) -> None:
    """A stand-in `dot` that sleeps (a layout that never finishes, without the CPU cost),
    then, with ``then_real``, runs the real one."""
    script = tmp_path / "bin" / "dot"
    script.parent.mkdir()
    real = f'exec {shutil.which("dot")} "$@"' if then_real else ""
    script.write_text(f"#!/bin/sh\nsleep {seconds}\n{real}\n")
    script.chmod(0o755)
    monkeypatch.setattr(importlib.import_module("viz.render").shutil, "which",
                        lambda name: str(script))


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_node_limit_refuses_before_running_dot(tmp_path, monkeypatch, capsys) -> None:
    """x*x*...*x of 51 factors kept `dot` busy for 8 s: refused at once, with the override."""
    _fake_dot(tmp_path, monkeypatch, 60)  # would hang the test if it ran
    out = tmp_path / "f.svg"
    assert main(["*".join(["x"] * 51), "x=1", "-o", str(out)]) == 2
    err = _one_error_line(capsys)
    assert "51 Values, more than --max-nodes 40" in err and "--max-nodes 51" in err
    assert not out.exists()
    # the override works (DOT to stdout runs no program)
    assert main(["*".join(["x"] * 51), "x=1", "--max-nodes", "51"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


def test_dot_timeout_stops_it_with_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    _fake_dot(tmp_path, monkeypatch, 30)
    out = tmp_path / "f.svg"
    assert main(["x*x", "x=1", "-o", str(out), "--timeout", "0.5"]) == 1
    err = _one_error_line(capsys)
    assert "within 0.5 s" in err and "raise --timeout (now 0.5 s)" in err
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]


@needs_dot
@pytest.mark.parametrize("ext", [".gif", ".html"])
def test_animation_shares_one_time_budget(tmp_path, monkeypatch, capsys, ext: str) -> None:
    _fake_dot(tmp_path, monkeypatch, 0.3, then_real=True)  # each frame 0.3 s: 6 frames need 1.8 s
    assert main(["((x*2+1)*3+1)", "x=1", "-o", str(tmp_path / f"f{ext}"),
                 "--timeout", "1"]) == 1
    err = _one_error_line(capsys)
    assert "raise --timeout (now 1 s, shared by all frames)" in err
    assert [p.name for p in tmp_path.iterdir()] == ["bin"]  # no frame file, no temporary


def test_frame_budget(tmp_path, capsys) -> None:
    out = tmp_path / "f.gif"
    expr = "+".join(f"x*{k}" for k in range(1, 8))  # steps: x, 7 products, 6 sums; + start
    assert main([expr, "x=1", "-o", str(out), "--max-frames", "10"]) == 2
    err = _one_error_line(capsys)
    assert "more than --max-frames 10" in err and "15 frames" in err and "--max-frames 15" in err
    assert not out.exists()


@pytest.mark.parametrize("text", [
    "+".join(["x"] * 661), "**".join(["x"] * 600), " " + "-" * 1900 + "x",
    "+".join(["1"] * 989 + ["x"]),
])
def test_deep_expressions_give_one_error_line_or_work(capsys, text: str) -> None:
    code = main([text, "x=1"])
    cap = capsys.readouterr()
    if code == 0:  # 1+1+...+x folds its constants: a small graph
        assert cap.out.startswith("digraph") and "f = 990" in cap.err
    else:
        assert code == 2 and "--max-nodes" in _one_error_line_text(cap.err)
    assert "Traceback" not in cap.err and "RecursionError" not in cap.err


def _one_error_line_text(err: str) -> str:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_deep_expression_draws_with_a_raised_limit(capsys) -> None:
    assert main(["+".join(["x"] * 661), "x=1", "--max-nodes", "1000"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("digraph") and "df/dx = 661" in cap.err


@pytest.mark.parametrize("ext", [".svg", ".dot", ".gif", ".html"])
@pytest.mark.parametrize("case", ["missing_folder", "parent_is_file", "target_is_folder",
                                  "proc"])
def test_unwritable_output_one_error_line(tmp_path, capsys, ext: str, case: str) -> None:
    (tmp_path / "afile").write_text("x")
    (tmp_path / f"adir{ext}").mkdir()
    target = {"missing_folder": tmp_path / "nope" / f"f{ext}",
              "parent_is_file": tmp_path / "afile" / f"f{ext}",
              "target_is_folder": tmp_path / f"adir{ext}",
              "proc": Path("/proc/nope") / f"f{ext}"}[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["x*y", "x=1", "y=2", "-o", str(target)]) == 2
    err = _one_error_line(capsys)
    assert f"cannot write {str(target)!r}" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no folder made, nothing left
    assert list((tmp_path / f"adir{ext}").iterdir()) == []


def test_steps_with_dot_on_stdout_keep_stdout_valid_dot(capsys) -> None:
    assert main(["(x+y)*z", "x=-2", "y=5", "z=-4", "--steps"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("digraph autograd {") and cap.out.rstrip().endswith("}")
    assert "step  node" not in cap.out and "step  node" in cap.err


def test_nfkc_names_bind_the_expression_variable(capsys) -> None:
    assert main(["fi*2", "\ufb01=1.5"]) == 0
    assert "f = 3; df/dfi = 2" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["x", "x=1", "--max-nodes", "0"], "expected a positive whole number"),
    (["x", "x=1", "--timeout", "nan"], "expected a positive number of seconds"),
])
def test_limit_options_checked(capsys, argv, message) -> None:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2 and message in capsys.readouterr().err


def test_folded_constants_keep_the_engines_sign(capsys) -> None:
    assert main(["x + (-10)**401", "x=1"]) == 0
    assert "f = -inf" in capsys.readouterr().err

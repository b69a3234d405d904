"""The lessons: sources and notebooks in sync, every lesson runs, every exercise judges right.

* Each lesson is a pair ``notebooks/NN_name.py`` (jupytext percent script, the source) and
  ``NN_name.ipynb`` (with outputs). The pair must hold the same cells (type and source): edit
  the .py (or the .ipynb in JupyterLab with jupytext) and re-run ``notebooks/run_lessons.py``.
* The committed outputs carry no memory addresses, progress-bar rates or timing metadata.
* Every lesson executes top to bottom from its .py; its cells assert the numbers and claims
  the text makes, so a regression anywhere in autograd_core, nn or viz fails here.
* Every registered exercise (``notebooks/exercises/lesson_NN.py``) says "right" to its
  solution, and to its typical wrong answer gives the specific feedback it promises.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(NOTEBOOKS_DIR))

import exercises  # noqa: E402
import run_lessons  # noqa: E402

SOURCES = [p.stem for p in run_lessons.lessons()]


def _cells(nb: Any) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_lessons_found() -> None:
    assert len(SOURCES) >= 6, SOURCES
    ipynbs = sorted(p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert ipynbs == SOURCES, "every lesson needs both NN_name.py and NN_name.ipynb"


@pytest.mark.parametrize("name", SOURCES)
def test_pair_in_sync(name: str) -> None:
    source = jupytext.read(NOTEBOOKS_DIR / f"{name}.py")
    notebook = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    a, b = _cells(source), _cells(notebook)
    for i, (ca, cb) in enumerate(zip(a, b)):
        assert ca == cb, (f"{name}: cell {i} differs between {name}.py and {name}.ipynb; "
                          f"run: .venv/bin/python notebooks/run_lessons.py {name}")
    assert len(a) == len(b), (f"{name}: {len(a)} cells in the .py, {len(b)} in the .ipynb; "
                              f"run: .venv/bin/python notebooks/run_lessons.py {name}")


@pytest.mark.parametrize("name", SOURCES)
def test_committed_outputs_deterministic(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any(c.outputs for c in code), f"{name}.ipynb carries no outputs; run run_lessons.py"
    assert run_lessons.nondeterministic_outputs(nb) == []
    assert not any("execution" in c.metadata for c in nb.cells), "timings in cell metadata"


def test_nondeterminism_detector_catches() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text="<Value object at 0x7f3a2b1c9d00> 100%|##| 5/5 [12.3it/s]")]
    assert len(run_lessons.nondeterministic_outputs(nb)) == 2


@pytest.mark.parametrize("name", SOURCES)
def test_lesson_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lesson runs from its .py, and its committed outputs are what it prints now: a
    change anywhere (the code generator, a number, a picture's DOT) that leaves the .ipynb
    showing old outputs fails here."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = run_lessons.read_source(NOTEBOOKS_DIR / f"{name}.py")
    try:
        run_lessons.execute(nb)
    except Exception as err:  # nbclient's CellExecutionError: the failing cell and traceback
        pytest.fail(f"{name} failed:\n{err}")
    committed = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    stale = run_lessons.stale_outputs(committed, nb)
    assert stale == [], (f"{name}.ipynb's outputs are stale; run: .venv/bin/python "
                         f"notebooks/run_lessons.py {name}\n" + "\n".join(stale))


def test_stale_output_detector() -> None:
    """A changed number or line of generated code is caught; a timing is not a change."""
    def nb_with(*texts: str) -> Any:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
        nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=t)
                               for t in texts]
        return nb

    stale = run_lessons.stale_outputs
    base = nb_with("Z1 = W1 @ x + b1\nloss 0.693147 in 0.42 s\n")
    assert stale(base, nb_with("Z1 = W1 @ x + b1\nloss 0.693147 in 1.3 s\n")) == []
    changed = stale(base, nb_with("Z1 = x @ W1 + b1\nloss 0.693147 in 0.42 s\n"))
    assert len(changed) == 1 and "code cell 0, output 0" in changed[0]
    assert stale(base, nb_with("Z1 = W1 @ x + b1\nloss 0.693148 in 0.42 s\n"))
    assert run_lessons.stale_outputs(base, nb_with()) != []


# --- exercises ------------------------------------------------------------------------------
EXERCISES = sorted(exercises.all_exercises())


def test_every_lesson_has_exercises() -> None:
    lessons_with = {e.split(".")[0] for e in EXERCISES}
    for name in SOURCES:
        assert name[:2] in lessons_with, f"{name} registers no exercises"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_solution_is_right(exercise_id: str, capsys: pytest.CaptureFixture) -> None:
    ex = exercises.get(exercise_id)
    assert exercises.check(exercise_id, ex.solution) is True
    out = capsys.readouterr().out
    assert "right" in out and "not yet" not in out and "Traceback" not in out
    exercises.solution(exercise_id)
    assert capsys.readouterr().out.strip(), "solution() printed nothing"


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_wrong_answer_gets_specific_feedback(exercise_id: str,
                                                      capsys: pytest.CaptureFixture) -> None:
    ex = exercises.get(exercise_id)
    assert exercises.check(exercise_id, ex.wrong) is False
    out = capsys.readouterr().out
    assert "not yet" in out and ex.wrong_says in out, out
    assert "hint: " + ex.hint in out
    assert "Traceback" not in out


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_placeholder_not_answered(exercise_id: str,
                                           capsys: pytest.CaptureFixture) -> None:
    assert exercises.check(exercise_id, ...) is False
    assert "not answered yet" in capsys.readouterr().out


def test_checker_names_an_error_instead_of_a_traceback(capsys: pytest.CaptureFixture) -> None:
    judge = exercises.predicate(lambda f: None if f(2) == 4 else "f(2) should be 4")
    ok, msg = judge(lambda x: x * x)
    assert ok
    ok, msg = judge(lambda x: x + 3)
    assert not ok and msg == "f(2) should be 4"
    exercises.register("99.demo", "square it", judge, lambda x: x * x, None, "", "square")
    try:
        assert exercises.check("99.demo", lambda x: 1 / 0) is False
        out = capsys.readouterr().out
        assert "your code raised ZeroDivisionError: division by zero" in out
        assert "Traceback" not in out
    finally:
        exercises._REGISTRY.pop("99.demo")


def test_unknown_exercise_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="this lesson has"):
        exercises.get("01.no_such_exercise")

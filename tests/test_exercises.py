"""The exercise checker, worked through as a student would: every exercise with its solution,
its typical mistake, the solution in numpy types and garbage; gates that ignore the upstream
gradient; the build-your-own exercise against the engine's own Value; answers of the wrong
kind in plain words; and the checker loading without numpy (as in the browser, under Pyodide).
"""

from __future__ import annotations

import inspect
import math
import sys
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(NOTEBOOKS_DIR))

import exercises  # noqa: E402
from exercises import lesson_07  # noqa: E402

import autograd_core as ac  # noqa: E402
from tests.without_numpy import run_without_numpy  # noqa: E402

EXERCISES = sorted(exercises.all_exercises())


def _said(exercise_id: str, answer: Any, capsys: pytest.CaptureFixture) -> tuple[bool, str]:
    ok = exercises.check(exercise_id, answer)
    return ok, capsys.readouterr().out


# --- numpy-typed answers ---------------------------------------------------------------------
def _to_numpy(x: Any) -> Any:
    """The same answer in numpy's types: floats as np.float64, sequences as arrays."""
    if isinstance(x, bool) or isinstance(x, str):
        return x
    if isinstance(x, (int, float)):
        return np.float64(x)
    if isinstance(x, (tuple, list)) and all(isinstance(v, (int, float)) for v in x):
        return np.array(x, dtype=float)
    if isinstance(x, dict):
        return {k: _to_numpy(v) for k, v in x.items()}
    return x


def numpy_variants(solution: Any) -> list[Any]:
    """The solution as a numpy-typed student would give it; [] when no numpy type applies
    (text, sets of names)."""
    if isinstance(solution, (bool, str, set, frozenset)):
        return []
    if isinstance(solution, (int, float)):
        out = [np.float64(solution), np.array(solution), np.array([solution])]
        if float(solution).is_integer():
            out.append(np.int64(int(solution)))
        return out
    if isinstance(solution, (tuple, list)):
        return [np.array(solution, dtype=float), tuple(np.float64(v) for v in solution)]
    if inspect.isclass(solution) and issubclass(solution, ac.Function):
        class NumpyGate(solution):  # type: ignore[misc, valid-type]
            def backward(self, upstream: float) -> Any:
                return np.array(super().backward(upstream), dtype=float)
        return [NumpyGate]
    if inspect.isclass(solution):
        class NumpyLeaves(solution):  # type: ignore[misc, valid-type]
            def __init__(self, data: Any, parents: Any = ()) -> None:
                super().__init__(data, parents)
                self.data = np.float64(self.data)
        return [NumpyLeaves]
    if callable(solution):
        def numpy_typed(*args: Any) -> Any:
            return _to_numpy(solution(*args))
        return [numpy_typed]
    return []


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_numpy_typed_solution_is_right(exercise_id: str, capsys: pytest.CaptureFixture) -> None:
    variants = numpy_variants(exercises.get(exercise_id).solution)
    if not variants:
        pytest.skip("the answer is text or a set of names: no numpy type applies")
    for answer in variants:
        ok, out = _said(exercise_id, answer, capsys)
        assert ok, f"{answer!r}: {out}"
        assert "right" in out and "Traceback" not in out


# --- garbage -----------------------------------------------------------------------------------
GARBAGE = ["banana", None, object(), [1.0] * 7, {"x": 1.0}, float("nan"), 1e300,
           lambda *args: "banana"]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_garbage_is_wrong_in_plain_words(exercise_id: str,
                                         capsys: pytest.CaptureFixture) -> None:
    for answer in GARBAGE:
        ok, out = _said(exercise_id, answer, capsys)
        assert ok is False, f"{answer!r} judged right: {out}"
        assert "not yet" in out and "Traceback" not in out, out
        if not callable(answer):  # nothing of the learner's ran: nothing "raised"
            assert "raised" not in out, f"{answer!r}: {out}"


# --- gates that ignore the upstream gradient ------------------------------------------------
GATE_EXERCISES = [e for e in EXERCISES
                  if getattr(exercises.get(e).judge, "kind", None) in ("gate", "backward_fn")]


def _upstream_blind(exercise_id: str) -> Any:
    sol = exercises.get(exercise_id).solution
    if inspect.isclass(sol):
        class Blind(sol):  # type: ignore[misc, valid-type]
            def backward(self, upstream: float) -> Any:
                return super().backward(1.0)   # the local gradient alone
        return Blind
    return lambda *args: sol(*args[:-1], 1.0)


def test_there_are_gate_exercises() -> None:
    assert {"01.divide_gate", "02.sigmoid_backward"} <= set(GATE_EXERCISES)


@pytest.mark.parametrize("exercise_id", GATE_EXERCISES)
def test_a_backward_that_ignores_upstream_is_wrong(exercise_id: str,
                                                   capsys: pytest.CaptureFixture) -> None:
    ok, out = _said(exercise_id, _upstream_blind(exercise_id), capsys)
    assert ok is False
    assert "your backward ignores the upstream gradient" in out


# --- answers of the wrong kind ------------------------------------------------------------------
def test_mistyped_id_is_plain_words(capsys: pytest.CaptureFixture) -> None:
    ok, out = _said("01.nudge", 0.03, capsys)
    assert ok is False and "no exercise '01.nudge'" in out and "01.nudge_z" in out
    ok, out = _said("1.nudge_z", 0.03, capsys)
    assert ok is False and "ids look like '01.nudge_z'" in out and "Traceback" not in out


def test_text_none_and_wrong_lengths(capsys: pytest.CaptureFixture) -> None:
    ok, out = _said("01.two_paths", "-1, 4, 2", capsys)
    assert not ok and "not text" in out and "without quotes" in out
    ok, out = _said("01.nudge_z", "0.03", capsys)
    assert not ok and "not text" in out
    ok, out = _said("01.nudge_z", None, capsys)
    assert not ok and "your answer is None" in out
    ok, out = _said("01.two_paths", [-1.0, 4.0], capsys)
    assert not ok and "give 3 gradients" in out and "you gave 2" in out
    ok, out = _said("01.nudge_z", [0.03, 0.03], capsys)
    assert not ok and "one number, you gave 2" in out
    ok, out = _said("01.two_paths", np.array([-1.0, 4.0, 2.0, 0.0]), capsys)
    assert not ok and "you gave 4" in out


def test_sign_errors_are_named(capsys: pytest.CaptureFixture) -> None:
    ok, out = _said("03.coin_flip_loss", -math.log(2), capsys)
    assert not ok and "wrong sign" in out and "too low" not in out
    ok, out = _said("01.two_paths", (1.0, 4.0, 2.0), capsys)
    assert not ok and "wrong sign" in out
    ok, out = _said("10.l2_grad", np.float64(-0.05), capsys)
    assert not ok and "wrong sign" in out
    ok, out = _said("10.l2_grad", 0.06, capsys)  # a size error is not a sign error
    assert not ok and "wrong sign" not in out and "too high" in out


def test_values_are_numbers(capsys: pytest.CaptureFixture) -> None:
    ok, _ = _said("01.nudge_z", ac.Value(0.03), capsys)
    assert ok
    ok, _ = _said("01.two_paths", [ac.Value(-1.0), ac.Value(4.0), ac.Value(2.0)], capsys)
    assert ok


# --- build your own: not the engine -------------------------------------------------------------
EngineValue = ac.Value


class Composed:
    """Holds an engine Value and forwards to it (what the engine suggests instead of
    subclassing): still the engine doing the work."""

    def __init__(self, data, parents=()):  # type: ignore[no-untyped-def]
        self.v = data if isinstance(data, EngineValue) else EngineValue(data)
        self.parents = parents

    data = property(lambda self: self.v.data)
    grad = property(lambda self: self.v.grad)

    def __add__(self, other):  # type: ignore[no-untyped-def]
        return Composed(self.v + getattr(other, "v", other))

    def __mul__(self, other):  # type: ignore[no-untyped-def]
        return Composed(self.v * getattr(other, "v", other))

    def tanh(self):  # type: ignore[no-untyped-def]
        return Composed(self.v.tanh())

    def backward(self):  # type: ignore[no-untyped-def]
        self.v.backward()


class Wrapper(lesson_07.SolutionValue):
    def exp(self):  # type: ignore[no-untyped-def]
        return type(self)(ac.Value(self.data).exp().data, ((self, math.exp(self.data)),))


class LocalImport(lesson_07.SolutionValue):
    def tanh(self):  # type: ignore[no-untyped-def]
        import autograd_core

        t = autograd_core.Value(self.data).tanh().data
        return type(self)(t, ((self, 1 - t * t),))


@pytest.mark.parametrize("exercise_id", ["07.add", "07.mul", "07.tanh", "07.backward",
                                         "07.value_class"])
@pytest.mark.parametrize("cls", [ac.Value, Composed, Wrapper, LocalImport])
def test_build_your_own_refuses_the_engine(exercise_id: str, cls: type,
                                           capsys: pytest.CaptureFixture) -> None:
    ok, out = _said(exercise_id, cls, capsys)
    assert ok is False and "not your own class" in out, out


def test_build_your_own_steps_name_the_bugs(capsys: pytest.CaptureFixture) -> None:
    ok, out = _said("07.backward", lesson_07.AssignValue, capsys)
    assert not ok and "+=, not =" in out and "a.grad is 1" in out
    ok, out = _said("07.mul", lesson_07.SwappedMul, capsys)
    assert not ok and "with respect to a is -3; yours is 2" in out


# --- the checker in the browser -----------------------------------------------------------------
def test_checker_loads_and_judges_without_numpy() -> None:
    """Under Pyodide there is no numpy: importing the checker and every lesson's exercises,
    and judging lesson 07's, must not need it."""
    done = run_without_numpy(
        f"sys.path.insert(0, {str(NOTEBOOKS_DIR)!r})\n"
        "import exercises\n"
        "from exercises.lesson_07 import SolutionValue, AssignValue\n"
        "assert exercises.check('07.value_class', SolutionValue) is True\n"
        "assert exercises.check('07.backward', AssignValue) is False\n"
        "assert exercises.check('01.two_paths', (-1.0, 4.0, 2.0)) is True\n"
        "assert len(exercises.all_exercises()) > 30\n"
        "assert 'numpy' not in sys.modules\n"
        "print('ok')\n", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")


def test_no_exercise_module_imports_numpy_at_import_time() -> None:
    """Module-level imports only (inside a judge, numpy may be imported where it is used)."""
    import ast

    for path in sorted((NOTEBOOKS_DIR / "exercises").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "numpy" for n in names), \
                f"{path.name}: 'import numpy' at module level; import it inside the judge"


def test_check_entry_point_is_stable() -> None:
    params = list(inspect.signature(exercises.check).parameters)
    assert params == ["exercise_id", "answer"]
    assert list(inspect.signature(exercises.feedback).parameters) == ["exercise_id", "answer"]

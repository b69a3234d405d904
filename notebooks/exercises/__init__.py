"""The lessons' exercise checker: answers in plain words, never a traceback.

A lesson ends in "your turn" cells. The learner writes an answer (a number, a tuple of
gradients, a gate's backward, a whole class) and calls::

    from exercises import check, hint, solution
    check("01.nudge_z", answer)      # prints feedback, returns True when right

``check`` prints one of:

* ``not answered yet`` when the answer is still the placeholder ``...``;
* ``right`` with a one-line confirmation;
* ``not yet`` naming what is off (which input's gradient, by how much, at which point) and a
  hint. Errors raised by the learner's code are caught and named, never shown as a traceback.

``solution("01.nudge_z")`` prints a worked solution (kept out of the lesson's screen on
purpose), ``hint(...)`` prints the hint alone.

Each lesson registers its exercises in its own module ``exercises/lesson_NN.py`` with
:func:`register`: an id (``"NN.name"``), the judge (made by one of the factories below), the
solution, a typical wrong answer and a piece of the feedback that wrong answer must produce.
``tests/test_notebooks.py`` runs every registered exercise with its solution (must be right)
and with its typical wrong answer (must be told the specific thing). Gradient answers are
judged against the engine, with ``autograd_core.check_grads`` (central differences) underneath
for gates and functions the learner writes.

Judges (each returns a function ``answer -> (right, feedback)``):

* :func:`number`: one number, within a tolerance;
* :func:`gradients`: several named numbers (one gradient per input);
* :func:`gate`: a ``Function`` subclass with forward/backward, checked by ``check_grads``;
* :func:`backward_fn`: a function ``backward(*inputs, upstream)`` returning one gradient per
  input, compared with the engine's gradients of a reference forward;
* :func:`predicate`: anything else, judged by a function returning a message or ``None``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import random
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Judge = Callable[[Any], "tuple[bool, str]"]


@dataclass(frozen=True)
class Exercise:
    """One "your turn" question: how to judge it, its solution and its typical mistake."""

    id: str
    question: str
    judge: Judge
    solution: Any
    wrong: Any
    wrong_says: str
    hint: str
    explanation: str = ""


_REGISTRY: dict[str, Exercise] = {}
_loaded = False


def register(id: str, question: str, judge: Judge, solution: Any, wrong: Any, wrong_says: str,
             hint: str, explanation: str = "") -> Exercise:
    """Add an exercise. ``wrong`` is a typical wrong answer; its feedback must contain
    ``wrong_says`` (tested). ``explanation`` is printed by :func:`solution` after the code."""
    if id in _REGISTRY:
        raise ValueError(f"exercise {id!r} is registered twice; give the second one another id")
    ex = Exercise(id, question, judge, solution, wrong, wrong_says, hint, explanation)
    _REGISTRY[id] = ex
    return ex


def _load_all() -> None:
    """Import every ``exercises.lesson_*`` module (each registers its exercises)."""
    global _loaded
    if _loaded:
        return
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if mod.startswith("lesson_"):
            importlib.import_module(f"{__name__}.{mod}")
    _loaded = True


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id (all lesson modules loaded)."""
    _load_all()
    return dict(_REGISTRY)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; a KeyError naming the known ids of that lesson otherwise."""
    _load_all()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        lesson = exercise_id.split(".")[0]
        same = sorted(k for k in _REGISTRY if k.startswith(lesson + "."))
        raise KeyError(f"no exercise {exercise_id!r}; this lesson has {same}") from None


# --- what the learner calls ---------------------------------------------------------------------
def feedback(exercise_id: str, answer: Any) -> tuple[bool, str]:
    """``(right, message)`` for an answer, without printing (what :func:`check` prints)."""
    ex = get(exercise_id)
    if answer is ... or (isinstance(answer, (tuple, list, set, frozenset))
                         and any(a is ... for a in answer)):
        return False, f"[{ex.id}] not answered yet: replace the ... with your answer."
    try:
        ok, message = ex.judge(answer)
    except NotAnswered:
        return False, (f"[{ex.id}] not answered yet: part of your code is still ...; fill it "
                       "in and run the cell again.")
    except Exception as e:  # the learner's code failed: name it, no traceback
        ok, message = False, f"your code raised {type(e).__name__}: {e}"
    if ok:
        return True, f"[{ex.id}] right! {message}".rstrip()
    return False, f"[{ex.id}] not yet: {message}\n  hint: {ex.hint}"


def check(exercise_id: str, answer: Any) -> bool:
    """Judge an answer and print the feedback in plain words; True when right."""
    ok, message = feedback(exercise_id, answer)
    print(message)
    return ok


def hint(exercise_id: str) -> None:
    """Print the exercise's hint."""
    print(get(exercise_id).hint)


def solution_text(exercise_id: str) -> str:
    """A worked solution: the source of a solution function or class, or the value."""
    ex = get(exercise_id)
    sol = ex.solution
    if inspect.isfunction(sol) or inspect.isclass(sol):
        body = textwrap.dedent(inspect.getsource(sol)).rstrip()
    else:
        body = f"answer = {sol!r}"
    return body + ("\n\n" + ex.explanation.strip() if ex.explanation else "")


def solution(exercise_id: str) -> None:
    """Print a worked solution (try first: ``hint(id)`` gives a nudge instead)."""
    print(solution_text(exercise_id))


# --- judges ---------------------------------------------------------------------------------
def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


class NotAnswered(Exception):
    """The learner's function still returns the placeholder ``...``."""


def _num(x: Any, what: str) -> float:
    if x is ...:
        raise NotAnswered(what)
    try:
        v = float(getattr(x, "data", x))
    except (TypeError, ValueError):
        raise TypeError(f"{what} should be a number, got {type(x).__name__} {x!r}") from None
    return v


def _off(yours: float, right: float) -> str:
    if math.isnan(yours):
        return "yours is nan"
    d = yours - right
    if right != 0 and _close(yours, -right, 1e-9):
        return f"yours is {yours:.6g}: the right size but the wrong sign"
    return f"yours is {yours:.6g}, which is {abs(d):.4g} too {'high' if d > 0 else 'low'}"


def number(expected: float, tol: float = 1e-4, what: str = "the answer",
           mistakes: Mapping[float, str] | None = None, right_says: str = "") -> Judge:
    """One number within a relative tolerance ``tol`` (absolute below 1). ``mistakes`` maps
    known wrong values to what they reveal ("you forgot the upstream gradient")."""

    def judge(answer: Any) -> tuple[bool, str]:
        a = _num(answer, what)
        if _close(a, expected, tol):
            return True, right_says or f"{what} is {a:.6g}."
        for value, meaning in (mistakes or {}).items():
            if _close(a, value, tol):
                return False, f"{what}: {_off(a, expected)}. {meaning}"
        return False, f"{what}: {_off(a, expected)}."

    return judge


def gradients(expected: Mapping[str, float], tol: float = 1e-4,
              mistakes: Mapping[str, str] | None = None) -> Judge:
    """Several named gradients, given as a dict (names as keys) or a sequence in the order of
    ``expected``. The feedback names every input whose gradient is off and by how much.
    ``mistakes`` maps an input's name to a remark added when that gradient is the one off."""
    names = list(expected)

    def judge(answer: Any) -> tuple[bool, str]:
        if isinstance(answer, Mapping):
            missing = [n for n in names if n not in answer]
            if missing:
                return False, f"the answer has no gradient for {', '.join(missing)}"
            got = [_num(answer[n], f"d/d{n}") for n in names]
        else:
            seq = list(answer) if isinstance(answer, Sequence) else [answer]
            if len(seq) != len(names):
                return False, (f"give {len(names)} gradients, one for each of "
                               f"{', '.join(names)}; you gave {len(seq)}")
            got = [_num(v, f"d/d{n}") for v, n in zip(seq, names)]
        bad = [(n, g, expected[n]) for n, g in zip(names, got) if not _close(g, expected[n], tol)]
        if not bad:
            return True, ", ".join(f"d/d{n} = {g:.6g}" for n, g in zip(names, got)) + "."
        parts = [f"the gradient for {n} is off: {_off(g, e)}" for n, g, e in bad]
        notes = [mistakes[n] for n, _, _ in bad if mistakes and n in mistakes]
        return False, "; ".join(parts) + ("." if not notes else ". " + " ".join(notes))

    return judge


def _point_text(names: Sequence[str], xs: Sequence[float]) -> str:
    return ", ".join(f"{n} = {x:g}" for n, x in zip(names, xs))


def gate(names: Sequence[str], points: Sequence[Sequence[float]],
         forward: Callable[..., float] | None = None) -> Judge:
    """A ``Function`` subclass (forward and backward by hand), judged at each point by
    ``autograd_core.check_grads``: its backward against central differences of its own
    forward. ``forward`` (on floats), when given, also checks the forward's value."""

    def judge(answer: Any) -> tuple[bool, str]:
        import autograd_core as ac

        if not (inspect.isclass(answer) and issubclass(answer, ac.Function)):
            return False, ("the answer should be a class derived from autograd_core.Function "
                           f"(with forward and backward), got {answer!r}")
        for xs in points:
            where = _point_text(names, xs)
            if forward is not None:
                got = float(answer.apply(*xs).data)
                want = float(forward(*xs))
                if not _close(got, want, 1e-6):
                    return False, f"at {where} the forward gives {got:.6g}; it should be {want:.6g}"
            pairs = ac.check_grads(lambda *v: answer.apply(*v), xs, raise_on_error=False)
            bad = [(n, a, b) for n, (a, b) in zip(names, pairs) if not _close(a, b, 1e-4)]
            if bad:
                return False, f"at {where}: " + "; ".join(
                    f"the gradient for {n} is off: {_off(a, b)} (central difference {b:.6g})"
                    for n, a, b in bad)
        return True, f"backward agrees with central differences at {len(points)} points."

    return judge


def backward_fn(reference: Callable[..., Any], names: Sequence[str],
                points: Sequence[Sequence[float]], upstream: float = 1.5) -> Judge:
    """A function ``backward(*inputs, upstream)`` returning one gradient per input, judged
    against the engine: the gradients of ``upstream * reference(*Values)``. The upstream is
    not 1, so forgetting to multiply by it shows (and is named)."""

    def judge(answer: Any) -> tuple[bool, str]:
        from autograd_core import Value

        if not callable(answer):
            return False, f"the answer should be a function backward({', '.join(names)}, " \
                          f"upstream), got {answer!r}"
        for xs in points:
            vals = [Value(x) for x in xs]
            out = reference(*vals)
            out.backward()
            want = [upstream * v.grad for v in vals]
            got = answer(*xs, upstream)
            got = list(got) if isinstance(got, (tuple, list)) else [got]
            if len(got) != len(names):
                return False, (f"backward should return {len(names)} gradients (one for each "
                               f"of {', '.join(names)}), it returned {len(got)}")
            got = [_num(g, f"d/d{n}") for g, n in zip(got, names)]
            bad = [(n, g, w) for n, g, w in zip(names, got, want) if not _close(g, w, 1e-6)]
            if bad:
                where = f"at {_point_text(names, xs)} with upstream {upstream:g}"
                msg = "; ".join(f"the gradient for {n} is off: {_off(g, w)}" for n, g, w in bad)
                if all(_close(g * upstream, w, 1e-6) for _, g, w in bad):
                    msg += " (exactly the local gradient: multiply it by the upstream)"
                return False, f"{where}: {msg}"
        return True, f"matches the engine at {len(points)} points."

    return judge


def predicate(test: Callable[[Any], str | None], right_says: str = "") -> Judge:
    """Any other check: ``test(answer)`` returns None when right, else what is wrong."""

    def judge(answer: Any) -> tuple[bool, str]:
        problem = test(answer)
        return (True, right_says) if problem is None else (False, problem)

    return judge


def random_points(n: int, k: int, seed: int, lo: float = -2.0, hi: float = 2.0
                  ) -> list[list[float]]:
    """``n`` reproducible points of ``k`` numbers each, rounded to 2 decimals (away from 0)."""
    rng = random.Random(seed)
    pts = []
    for _ in range(n):
        p = [round(rng.uniform(lo, hi), 2) for _ in range(k)]
        pts.append([x if abs(x) > 0.05 else 0.5 for x in p])
    return pts

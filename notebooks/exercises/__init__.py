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


def _load_lesson(lesson: str) -> None:
    """Import ``exercises.lesson_NN`` (it registers that lesson's exercises), if it exists."""
    if lesson.isdigit() and f"lesson_{lesson}" in _lesson_modules():
        importlib.import_module(f"{__name__}.lesson_{lesson}")


def _lesson_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("lesson_"))


def _load_all() -> None:
    """Import every ``exercises.lesson_*`` module (each registers its exercises).

    No lesson module imports numpy at import time (those that need it import it inside their
    judges), so the checker loads where numpy does not exist: in the browser under Pyodide."""
    global _loaded
    if _loaded:
        return
    for mod in _lesson_modules():
        importlib.import_module(f"{__name__}.{mod}")
    _loaded = True


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id (all lesson modules loaded)."""
    _load_all()
    return dict(_REGISTRY)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; a KeyError naming the known ids of that lesson otherwise."""
    lesson = str(exercise_id).split(".")[0]
    if exercise_id not in _REGISTRY:
        _load_lesson(lesson)          # only this lesson's module: fast, and numpy-free
    if exercise_id not in _REGISTRY:
        _load_all()
    try:
        return _REGISTRY[exercise_id]
    except (KeyError, TypeError):
        same = sorted(k for k in _REGISTRY if k.startswith(lesson + "."))
        if same:
            raise KeyError(f"no exercise {exercise_id!r}; this lesson has {same}") from None
        raise KeyError(f"no exercise {exercise_id!r}; this lesson has none. The ids look like "
                       f"'01.nudge_z': the lesson's number, a dot, a name") from None


# --- what the learner calls ---------------------------------------------------------------------
def feedback(exercise_id: str, answer: Any) -> tuple[bool, str]:
    """``(right, message)`` for an answer, without printing (what :func:`check` prints).

    Never raises: a mistyped id, ``None``, text where a number belongs, a list of the wrong
    length and errors in the learner's code all come back as a sentence."""
    try:
        ex = get(exercise_id)
    except KeyError as e:
        return False, f"not checked: {e.args[0]}"
    if answer is None:
        return False, (f"[{ex.id}] not yet: your answer is None. Put the answer after the = "
                       "(a function that forgets to return gives None too).\n"
                       f"  hint: {ex.hint}")
    if answer is ... or (isinstance(answer, (tuple, list, set, frozenset))
                         and any(a is ... for a in answer)):
        return False, f"[{ex.id}] not answered yet: replace the ... with your answer."
    try:
        ok, message = ex.judge(answer)
    except NotAnswered:
        return False, (f"[{ex.id}] not answered yet: part of your code is still ...; fill it "
                       "in and run the cell again.")
    except WrongKind as e:  # the answer is the wrong kind of thing: no "your code raised"
        ok, message = False, str(e)
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


class WrongKind(Exception):
    """The answer is not the kind of thing asked for (text for a number, a list of the wrong
    length): the message is the feedback, in plain words."""


def _short(x: Any) -> str:
    r = repr(x)
    return r if len(r) <= 60 else r[:57] + "..."


def _is_value(x: Any) -> bool:
    """A Value of the engine, or a learner's Value-like object: a number in ``.data`` and a
    ``.grad``. (numpy arrays also have a ``.data``, a memory buffer: not this.)"""
    return (hasattr(x, "grad") and hasattr(x, "data") and not hasattr(x, "shape")
            and not isinstance(x, type))


def _as_list(x: Any) -> list[Any] | None:
    """A sequence of answers as a list: lists, tuples, numpy arrays (any shape, flattened),
    other iterables of numbers; None when ``x`` is one thing (a number, text, a Value)."""
    if isinstance(x, (str, bytes, Mapping)) or _is_value(x):
        return None
    if hasattr(x, "shape") and hasattr(x, "tolist"):          # numpy array or scalar
        flat = x.tolist()
        if not isinstance(flat, list):
            return None                                       # a numpy scalar / 0-d array
        out: list[Any] = []
        stack = [flat]
        while stack:                                          # flatten nested lists in order
            item = stack.pop(0)
            if isinstance(item, list):
                stack = list(item) + stack
            else:
                out.append(item)
        return out
    if isinstance(x, (list, tuple)):
        return list(x)
    return None


def _num(x: Any, what: str) -> float:
    """One number from an answer of any numeric type: int, float, numpy scalar, a 0-d or
    one-element array or list, a Value (its ``.data``). Anything else: :class:`WrongKind`
    naming what was given, in plain words."""
    if x is ...:
        raise NotAnswered(what)
    if x is None:
        raise WrongKind(f"{what} is None: give a number (did a function forget to return?)")
    if isinstance(x, bool):
        raise WrongKind(f"{what} should be a number, got {x!r} (a yes/no)")
    if _is_value(x):
        return _num(x.data, what)
    if isinstance(x, (str, bytes)):
        raise WrongKind(f"{what} should be a number, not text: you gave {_short(x)}; write "
                        "the number itself, without quotes")
    seq = _as_list(x)
    if seq is not None:
        if len(seq) == 1:
            return _num(seq[0], what)
        raise WrongKind(f"{what} should be one number, you gave {len(seq)} of them "
                        f"({_short(x)})")
    try:
        return float(x.item() if hasattr(x, "item") and hasattr(x, "shape") else x)
    except (TypeError, ValueError, OverflowError):
        raise WrongKind(f"{what} should be a number, got {type(x).__name__} {_short(x)}"
                        ) from None


def _numbers(answer: Any, names: Sequence[str], what: str = "gradients") -> list[float]:
    """One number per name from a dict (names as keys), a sequence in the order of ``names``
    (list, tuple, numpy array) or, for one name, a single number."""
    if isinstance(answer, Mapping):
        missing = [n for n in names if n not in answer]
        if missing:
            raise WrongKind(f"the answer has no entry for {', '.join(missing)} (it has "
                            f"{', '.join(map(str, answer))})")
        return [_num(answer[n], f"d/d{n}") for n in names]
    if isinstance(answer, (str, bytes)):
        example = "(" + ", ".join(f"{k + 1.5:g}" for k in range(len(names))) + ")"
        raise WrongKind(f"give the {what} as numbers, not text: you gave {_short(answer)}; "
                        f"write them like {example}, without quotes")
    seq = _as_list(answer)
    if seq is None:
        seq = [answer]
    if len(seq) != len(names):
        raise WrongKind(f"give {len(names)} {what}, one for each of {', '.join(names)}; you "
                        f"gave {len(seq)}")
    return [_num(v, f"d/d{n}") for v, n in zip(seq, names)]


def _off(yours: float, right: float, tol: float = 1e-9) -> str:
    """How a wrong number is off: its sign ("wrong sign"), or how much too high or low."""
    if math.isnan(yours):
        return "yours is nan"
    d = yours - right
    if right != 0 and abs(yours + right) <= max(tol, 1e-3) * abs(right):
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
                return False, f"{what}: {_off(a, expected, tol)}. {meaning}"
        return False, f"{what}: {_off(a, expected, tol)}."

    return judge


def gradients(expected: Mapping[str, float], tol: float = 1e-4,
              mistakes: Mapping[str, str] | None = None) -> Judge:
    """Several named gradients, given as a dict (names as keys) or a sequence in the order of
    ``expected``. The feedback names every input whose gradient is off and by how much.
    ``mistakes`` maps an input's name to a remark added when that gradient is the one off."""
    names = list(expected)

    def judge(answer: Any) -> tuple[bool, str]:
        got = _numbers(answer, names)
        bad = [(n, g, expected[n]) for n, g in zip(names, got) if not _close(g, expected[n], tol)]
        if not bad:
            return True, ", ".join(f"d/d{n} = {g:.6g}" for n, g in zip(names, got)) + "."
        parts = [f"the gradient for {n} is off: {_off(g, e, tol)}" for n, g, e in bad]
        notes = [mistakes[n] for n, _, _ in bad if mistakes and n in mistakes]
        return False, "; ".join(parts) + ("." if not notes else ". " + " ".join(notes))

    return judge


def _point_text(names: Sequence[str], xs: Sequence[float]) -> str:
    return ", ".join(f"{n} = {x:g}" for n, x in zip(names, xs))


UPSTREAM_WORDS = "your backward ignores the upstream gradient"


def gate(names: Sequence[str], points: Sequence[Sequence[float]],
         forward: Callable[..., float] | None = None, upstream: float = -1.5) -> Judge:
    """A ``Function`` subclass (forward and backward by hand), judged at each point by
    ``autograd_core.check_grads`` on ``upstream * gate(...)``: the engine hands the gate the
    upstream gradient ``upstream`` (not 1, so a backward that ignores it is caught and named:
    "your backward ignores the upstream gradient"), and its answer must equal ``upstream``
    times the central differences of its own forward. ``forward`` (on floats), when given,
    also checks the forward's value."""

    def judge(answer: Any) -> tuple[bool, str]:
        import autograd_core as ac

        if not (inspect.isclass(answer) and issubclass(answer, ac.Function)):
            raise WrongKind("the answer should be a class derived from autograd_core.Function "
                            f"(with forward and backward), got {_short(answer)}")
        for xs in points:
            where = _point_text(names, xs)
            if forward is not None:
                got = float(answer.apply(*xs).data)
                want = float(forward(*xs))
                if not _close(got, want, 1e-6):
                    return False, f"at {where} the forward gives {got:.6g}; it should be {want:.6g}"
            pairs = ac.check_grads(lambda *v: answer.apply(*v) * upstream, xs,
                                   raise_on_error=False)
            bad = [(n, a, b) for n, (a, b) in zip(names, pairs) if not _close(a, b, 1e-4)]
            if bad:
                if all(_close(a * upstream, b, 1e-4) for _, a, b in bad):
                    return False, (f"at {where} with upstream {upstream:g}: {UPSTREAM_WORDS} "
                                   "(it returns the local gradient alone; multiply by upstream)")
                return False, f"at {where} with upstream {upstream:g}: " + "; ".join(
                    f"the gradient for {n} is off: {_off(a, b, 1e-4)} (upstream x central "
                    f"difference {b:.6g})" for n, a, b in bad)
        return True, (f"backward agrees with central differences at {len(points)} points, "
                      f"upstream {upstream:g}.")

    judge.kind = "gate"  # type: ignore[attr-defined]  # the tests build an upstream-blind twin
    return judge


def backward_fn(reference: Callable[..., Any], names: Sequence[str],
                points: Sequence[Sequence[float]], upstream: float = 1.5) -> Judge:
    """A function ``backward(*inputs, upstream)`` returning one gradient per input, judged
    against the engine: the gradients of ``upstream * reference(*Values)``. The upstream is
    not 1, so forgetting to multiply by it shows (and is named)."""

    def judge(answer: Any) -> tuple[bool, str]:
        from autograd_core import Value

        if not callable(answer) or inspect.isclass(answer):
            raise WrongKind(f"the answer should be a function backward({', '.join(names)}, "
                            f"upstream), got {_short(answer)}")
        for xs in points:
            vals = [Value(x) for x in xs]
            out = reference(*vals)
            out.backward()
            want = [upstream * v.grad for v in vals]
            result = answer(*xs, upstream)
            if result is ...:
                raise NotAnswered("backward")
            if result is None:
                return False, "backward returns None: return the gradient(s)"
            try:
                got = _numbers(result, names)
            except WrongKind as e:
                return False, f"backward returned {_short(result)}: {e}"
            bad = [(n, g, w) for n, g, w in zip(names, got, want) if not _close(g, w, 1e-6)]
            if bad:
                where = f"at {_point_text(names, xs)} with upstream {upstream:g}"
                if all(_close(g * upstream, w, 1e-6) for _, g, w in bad):
                    return False, (f"{where}: {UPSTREAM_WORDS}: it returns exactly the local "
                                   "gradient; multiply it by the upstream")
                msg = "; ".join(f"the gradient for {n} is off: {_off(g, w)}" for n, g, w in bad)
                return False, f"{where}: {msg}"
        return True, f"matches the engine at {len(points)} points."

    judge.kind = "backward_fn"  # type: ignore[attr-defined]
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

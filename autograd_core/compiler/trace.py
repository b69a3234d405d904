"""Stage 1, tracing: run the user's function once on placeholder Values and keep the graph.

``compile(fn, *shapes)`` calls ``fn`` once on *placeholders*, one Value for each number of one
example. The engine records the graph as it always does. Its leaves are the placeholders
(different for every example) and *parameters*: every other leaf it reaches, such as an MLP's
weights, the same for every example. Plain numbers (the 2 of ``x * 2``) are constants.

**Data-dependent graphs.** A traced function must not look at the numbers: ``if v.data > 0``
would take one branch during tracing and then replay that branch for every example, silently
wrong. So while a thread traces, ``.data`` of every Value is guarded in that thread: the engine's
own modules may read it (to compute the traced example), but a read from any other code raises
:class:`DataDependentError` naming the file and line, as do ``float(v)``, ``v.detach()``, the
comparisons ``<``, ``<=``, ``>``, ``>=``, ``bool(v)``, and ops run under ``no_grad()``, whose
results would be frozen at the traced numbers. The fix is to express the choice with ops
(``relu``, ``abs``, ``clamp``, a one-hot label with ``dot``), which the compiled program
evaluates per example. Other threads are not affected, and may trace at the same time.

**Why the guard looks at the caller's frame.** The placeholders are ordinary Values, so that
``fn`` runs unchanged (an ``nn.MLP``, a user's own classes) and the engine computes the traced
example with its own code: every op reads its inputs' ``.data``. A tracer that needed no frame
inspection would have to hand ``fn`` objects that are not Values (JAX's tracers), and then
every op, every ``nn`` layer and every user class written against Value would need a second
implementation for them. Telling the engine's reads from the user's by the reading code's
module is the price of tracing the real engine; it is paid only while some thread traces (the
guard is installed on entering and removed on leaving, also on Ctrl-C).
"""

from __future__ import annotations

import operator
import sys
import threading
from types import FrameType
from typing import Any

from autograd_core import value as _value
from autograd_core.backward import topological_order
from autograd_core.value import Value

__all__ = ["DataDependentError", "Tracing"]

_ENGINE_PREFIX = "autograd_core."
get_data = operator.attrgetter("data")
_guard_lock = threading.Lock()  # guards installing / removing the descriptor
_tracers = [0]                  # how many threads are tracing now (the guard is installed if > 0)
_slot: list[Any] = [None]       # Value.data's own descriptor while the guard stands in for it
_local = threading.local()      # .depth: how many traces this thread is inside


class DataDependentError(RuntimeError):
    """The traced function looked at a number, so its graph may depend on the data.

    While tracing, every Value stands for all the examples of a batch at once; its number is just
    one example's. Branching on it would freeze one branch into the program for every example."""


def _user_frame(frame: FrameType | None) -> FrameType | None:
    """The innermost frame outside the engine's own modules (where a user's code runs)."""
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_ENGINE_PREFIX):
        frame = frame.f_back
    return frame


def _where(frame: FrameType | None) -> str:
    if frame is None:
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}()"


def _error(obj: Value | None, what: str, frame: FrameType | None) -> DataDependentError:
    desc = ""
    if obj is not None:
        desc = f" (op {obj.op!r}" if obj.op else " (a leaf"
        if obj.label:
            desc += f" labelled {obj.label!r}"
        desc += ")"
    return DataDependentError(
        f"compile(): the traced function {what}{desc} at {_where(frame)}. While compiling, "
        "a Value stands for every example of a batch at once and its number is only the "
        "traced example's: code that branches on it (if v.data > 0, v < w, max(), int(), a "
        "detached copy) would freeze one case into the program and give silently wrong "
        "results for the other examples. Express the choice with the engine's ops instead "
        "(relu, abs, clamp, maximum, minimum, leaky_relu; pick a class with a one-hot vector "
        "and dot), or call the function eagerly, without compile().")


# Value methods that turn its number into a Python value: a read of .data inside them is the
# user's decision on a number, whoever wrote the method.
_READERS = {"__lt__": "compared Values with <", "__le__": "compared Values with <=",
            "__gt__": "compared Values with >", "__ge__": "compared Values with >=",
            "__bool__": "used a Value as a truth value"}


class _DataGuard:
    """Stands in for ``Value.data`` while some thread traces: in a tracing thread, engine code
    reads numbers as usual and any other read raises :class:`DataDependentError`; in every other
    thread it is the plain slot."""

    def __init__(self, slot: Any) -> None:
        self.slot = slot
        self.user_codes = {Value.__float__.__code__: "called float() on a Value",
                           Value.detach.__code__: "called detach() on a Value"}
        for name, what in _READERS.items():
            code = getattr(Value.__dict__.get(name), "__code__", None)
            if code is not None:
                self.user_codes[code] = what

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        if getattr(_local, "depth", 0):
            frame = sys._getframe(1)
            what = self.user_codes.get(frame.f_code)
            if what is None and not frame.f_globals.get("__name__", "").startswith(_ENGINE_PREFIX):
                what = "read .data of a Value"
            if what is not None:
                raise _error(obj, what, _user_frame(frame))
            if not _value.is_grad_enabled():
                raise DataDependentError(
                    f"compile(): an op ran inside no_grad() while tracing, at "
                    f"{_where(_user_frame(frame))}. Its result would become a constant frozen at "
                    "the traced example's numbers, wrong for every other example and after "
                    "every parameter update. Remove no_grad() from the compiled function.")
        return self.slot.__get__(obj, owner)

    def __set__(self, obj: Any, data: Any) -> None:
        self.slot.__set__(obj, data)


def _install() -> None:
    """Count this thread in; the first tracing thread installs the guard."""
    with _guard_lock:
        if _tracers[0] == 0:
            slot = Value.__dict__.get("data")
            if slot is None or not hasattr(slot, "__get__") or not hasattr(slot, "__set__"):
                raise RuntimeError("compile() needs Value.data to be a slot (a data descriptor);"
                                   " autograd_core.compiler.trace must be updated for the new "
                                   "layout")
            _slot[0] = slot
            type.__setattr__(Value, "data", _DataGuard(slot))
        _tracers[0] += 1


def _uninstall() -> None:
    """Count this thread out; the last tracing thread puts the plain slot back."""
    with _guard_lock:
        _tracers[0] -= 1
        if _tracers[0] == 0:
            type.__setattr__(Value, "data", _slot[0])
            _slot[0] = None


class Tracing:
    """Context for one trace: ops recorded (even inside an outer no_grad), anomaly checks off
    (the placeholder numbers are arbitrary), and ``Value.data`` guarded in this thread.

    Exception-safe: an exception (Ctrl-C included) while entering undoes what was done, so the
    guard never stays installed and the lock is never left held."""

    def __enter__(self) -> None:
        self.modes = (_value.is_grad_enabled(), _value.is_anomaly_enabled())
        self.steps = 0
        try:
            _install()
            self.steps = 1
            _local.depth = getattr(_local, "depth", 0) + 1
            self.steps = 2
            _value._set_modes(True, False)
        except BaseException:
            self._undo()
            raise

    def _undo(self) -> None:
        try:
            _value._set_modes(*self.modes)
        finally:
            if self.steps >= 2:
                _local.depth -= 1
            if self.steps >= 1:
                _uninstall()
            self.steps = 0

    def __exit__(self, *exc: Any) -> None:
        self._undo()


def _dim(d: Any) -> int | None:
    """d as a non-negative int (Python's or numpy's), else None."""
    if isinstance(d, bool) or not hasattr(d, "__index__"):
        return None
    n = operator.index(d)
    return n if n >= 0 else None


def shape_of(spec: Any, i: int) -> tuple[int, ...]:
    """A shape argument of ``compile``: an int d means (d,), a tuple of ints is itself."""
    if _dim(spec) is not None:
        return (operator.index(spec),)
    if isinstance(spec, tuple) and all(_dim(d) is not None for d in spec):
        return tuple(operator.index(d) for d in spec)
    raise TypeError(f"compile(): the shape of input {i} must be an int (a list of that many "
                    f"numbers) or a tuple of ints (() for a single number), got {spec!r}")


def example_numbers(x: Any, shape: tuple[int, ...], i: int) -> list[float]:
    """The numbers of one example of one input (nested lists, or an array), flat, checked
    against ``shape``; zeros for None."""
    size = 1
    for d in shape:
        size *= d
    if x is None:
        return [0.0] * size
    if hasattr(x, "tolist"):  # a numpy array or scalar
        x = x.tolist()
    flat: list[Any] = []
    found: list[int] = []

    def walk(v: Any, depth: int) -> None:
        if isinstance(v, (list, tuple)):
            if len(found) <= depth:
                found.append(len(v))
            elif found[depth] != len(v):
                raise ValueError(f"example[{i}] is ragged: rows of different lengths")
            for w in v:
                walk(w, depth + 1)
        else:
            if depth < len(found):
                raise ValueError(f"example[{i}] is ragged: rows of different lengths")
            flat.append(v)

    walk(x, 0)
    if tuple(found) != shape:
        raise ValueError(f"example[{i}] has shape {tuple(found)}, expected {shape}")
    if any(isinstance(v, complex) for v in flat):
        raise TypeError(f"example[{i}] holds complex numbers; the engine computes with real "
                        "numbers only")
    return [float(v) for v in flat]


def placeholders(shape: tuple[int, ...], data: list[float], name: str) -> tuple[Any, list[Value]]:
    """Leaves standing for one input of one example: a Value for shape (), a list of Values for
    (d,), nested lists for more dimensions. Returns (the structure fn receives, flat list)."""
    flat = [Value(x, label=f"{name}[{i}]" if shape else name) for i, x in enumerate(data)]
    if not shape:
        return flat[0], flat

    def nest(items: list[Value], dims: tuple[int, ...]) -> list[Any]:
        if len(dims) == 1:
            return list(items)
        step = len(items) // dims[0] if dims[0] else 0
        return [nest(items[j * step:(j + 1) * step], dims[1:]) for j in range(dims[0])]

    return nest(flat, shape), flat


def flatten_outputs(result: Any) -> tuple[list[Value], tuple[int, ...] | None]:
    """The traced function's result as a flat list of Values, and the output shape (None for a
    single Value)."""
    if isinstance(result, Value):
        return [result], None
    if isinstance(result, (list, tuple)):
        flat = list(result)
        if flat and all(isinstance(v, Value) for v in flat):
            return flat, (len(flat),)
    raise TypeError("compile(): the traced function must return a Value (a loss, or one "
                    f"output) or a non-empty list of Values, got {type(result).__name__}")


def topological(outputs: list[Value]) -> list[Value]:
    """Every node the outputs depend on, inputs before the ops that use them: the engine's own
    order (:func:`autograd_core.topological_order`) for each output, merged."""
    if len(outputs) == 1:
        return topological_order(outputs[0])
    order: list[Value] = []
    seen: set[int] = set()
    for root in outputs:
        for v in topological_order(root):
            if id(v) not in seen:
                seen.add(id(v))
                order.append(v)
    return order


def add_parameters(order: list[Value], blocks: list[list[Value]], params: list[Value]) -> None:
    """Append to ``params`` every leaf of ``order`` that is neither a placeholder (a Value of
    ``blocks``) nor in ``params`` already, in graph order: the parameters a traced function
    reached on its own (an MLP's weights), after the ones the caller named."""
    ph = {id(v) for block in blocks for v in block}
    seen = {id(p) for p in params}
    for v in order:
        if v.is_leaf and id(v) not in ph and id(v) not in seen:
            params.append(v)
            seen.add(id(v))

"""Stage 1, tracing: run the user's function once on placeholder Values and keep the graph.

``compile(fn, *shapes)`` calls ``fn`` once on *placeholders*, one Value for each number of one
example. The engine records the graph as it always does. Its leaves are the placeholders
(different for every example) and *parameters*: every other leaf it reaches, such as an MLP's
weights, the same for every example. Plain numbers (the 2 of ``x * 2``) are constants.

**Data-dependent graphs.** A traced function must not look at the numbers: ``if v.data > 0``
would take one branch during tracing and then replay that branch for every example, silently
wrong. So while tracing, ``.data`` of every Value is guarded: the engine's own modules may read
it (to compute the traced example), but a read from any other code raises
:class:`DataDependentError` naming the file and line, as do ``float(v)``, ``v.detach()`` and ops
run under ``no_grad()``, whose results would be frozen at the traced numbers. Engine code that
turns a number into a Python decision (the comparisons ``<``, ``<=``, ``>``, ``>=``) calls
:func:`refuse_data_dependence`, which raises the same error while this thread traces and does
nothing otherwise. The fix is to express the choice with ops (``relu``, ``abs``, ``clamp``, a
one-hot label with ``dot``), which the compiled program evaluates per example.
"""

from __future__ import annotations

import operator
import sys
import threading
from numbers import Integral
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from autograd_core import value as _value
from autograd_core.value import Value

__all__ = ["DataDependentError", "Tracing", "is_tracing", "refuse_data_dependence"]

_ENGINE_PREFIX = "autograd_core."
get_data = operator.attrgetter("data")
_guard_lock = threading.Lock()
_tracing_thread: list[int | None] = [None]  # the thread tracing now (one trace at a time)


class DataDependentError(RuntimeError):
    """The traced function looked at a number, so its graph may depend on the data.

    While tracing, every Value stands for all the examples of a batch at once; its number is just
    one example's. Branching on it would freeze one branch into the program for every example."""


def is_tracing() -> bool:
    """True while the calling thread is inside ``compile()``'s trace of a function."""
    return _tracing_thread[0] == threading.get_ident()


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
        desc = f" (op {obj._op!r}" if obj._op else " (a leaf"
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


def refuse_data_dependence(what: str, obj: Value | None = None) -> None:
    """Raise :class:`DataDependentError` if this thread is tracing, else return at once.

    For engine code that turns a Value's number into a Python decision, e.g. in
    ``Value.__lt__``: ``refuse_data_dependence("compared Values with <", self)``. The message
    names ``what``, the node, and the user's file and line (the innermost frame outside
    ``autograd_core``)."""
    if _tracing_thread[0] is not None and _tracing_thread[0] == threading.get_ident():
        raise _error(obj, what, _user_frame(sys._getframe(1)))


# Value methods that turn its number into a Python value: a read of .data inside them is the
# user's decision on a number, whoever wrote the method.
_READERS = {"__lt__": "compared Values with <", "__le__": "compared Values with <=",
            "__gt__": "compared Values with >", "__ge__": "compared Values with >=",
            "__bool__": "used a Value as a truth value", "__int__": "called int() on a Value",
            "__index__": "used a Value as an index"}


class _DataGuard:
    """Stands in for ``Value.data`` while tracing: engine code reads numbers as usual, any other
    read raises :class:`DataDependentError`. Other threads are not affected."""

    def __init__(self, slot: Any, thread: int) -> None:
        self.slot = slot
        self.thread = thread
        self.user_codes = {Value.__float__.__code__: "called float() on a Value",
                           Value.detach.__code__: "called detach() on a Value"}
        for name, what in _READERS.items():
            fn = Value.__dict__.get(name)
            code = getattr(fn, "__code__", None)
            if code is not None:
                self.user_codes[code] = what

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        if threading.get_ident() == self.thread:
            frame = sys._getframe(1)
            code = frame.f_code
            what = self.user_codes.get(code)
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


class Tracing:
    """Context for one trace: ops recorded (even inside an outer no_grad), anomaly checks off
    (the placeholder numbers are arbitrary), and ``Value.data`` guarded."""

    def __enter__(self) -> None:
        self.modes = (_value.is_grad_enabled(), _value.is_anomaly_enabled())
        slot = Value.__dict__.get("data")
        if slot is None or not hasattr(slot, "__get__") or not hasattr(slot, "__set__"):
            raise RuntimeError("compile() needs Value.data to be a slot (a data descriptor); "
                               "autograd_core.compiler.trace must be updated for the new layout")
        self.slot = slot
        self.installed = not isinstance(slot, _DataGuard)
        if self.installed:
            _guard_lock.acquire()
            type.__setattr__(Value, "data", _DataGuard(slot, threading.get_ident()))
            _tracing_thread[0] = threading.get_ident()
        _value._set_modes(True, False)

    def __exit__(self, *exc: Any) -> None:
        _value._set_modes(*self.modes)
        if self.installed:
            _tracing_thread[0] = None
            type.__setattr__(Value, "data", self.slot)
            _guard_lock.release()


def shape_of(spec: Any, i: int) -> tuple[int, ...]:
    """A shape argument of ``compile``: an int d means (d,), a tuple of ints is itself."""
    if isinstance(spec, Integral) and not isinstance(spec, bool) and int(spec) >= 0:
        return (int(spec),)
    if isinstance(spec, tuple) and all(isinstance(d, Integral) and not isinstance(d, bool)
                                       and int(d) >= 0 for d in spec):
        return tuple(int(d) for d in spec)
    raise TypeError(f"compile(): the shape of input {i} must be an int (a list of that many "
                    f"numbers) or a tuple of ints (() for a single number), got {spec!r}")


def placeholders(shape: tuple[int, ...], data: np.ndarray, name: str) -> tuple[Any, list[Value]]:
    """Leaves standing for one input of one example: a Value for shape (), a list of Values for
    (d,), nested lists for more dimensions. Returns (the structure fn receives, flat list)."""
    flat = [Value(float(x), label=f"{name}[{i}]" if shape else name)
            for i, x in enumerate(data.reshape(-1).tolist())]
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
    """Every node the outputs depend on, inputs before the ops that use them (iterative DFS,
    deterministic: parents in argument order)."""
    order: list[Value] = []
    seen: set[int] = set()
    for root in outputs:
        stack: list[tuple[Value, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for p in reversed(node.parents):
                if id(p) not in seen:
                    stack.append((p, False))
    return order

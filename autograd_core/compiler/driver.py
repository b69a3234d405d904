"""``compile()``: trace a function once, then hand the graph to a backend.

The backends share everything up to the traced graph: the shapes, the parameters, the
placeholders, the trace with its data-dependence guard. ``backend="numpy"`` (the default)
schedules the graph into array operations and runs whole batches
(:class:`~autograd_core.compiler.program.Program`); ``backend="python"`` writes one plain-Python
statement per node, forward and backward, and runs one example at a time over floats, with no
numpy at all (:class:`~autograd_core.compiler.pyprogram.PyProgram`). Each backend is imported
only when it is asked for, so this module, and ``import autograd_core``, need no numpy.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any, Union

from autograd_core.compiler.trace import (
    Tracing,
    example_numbers,
    flatten_outputs,
    placeholders,
    shape_of,
)
from autograd_core.value import Value

__all__ = ["BACKENDS", "compile"]

Shape = Union[int, tuple[int, ...]]  # noqa: UP007  (runtime alias; py3.10 safe)
BACKENDS = ("numpy", "python")


def _params(params: Sequence[Value] | None) -> list[Value]:
    plist: list[Value] = []
    seen: set[int] = set()
    for i, p in enumerate(params or []):
        if not isinstance(p, Value) or not p.is_leaf:
            raise TypeError(f"params[{i}] must be a leaf Value (a parameter), got {p!r}")
        if id(p) not in seen:
            seen.add(id(p))
            plist.append(p)
    return plist


def compile(fn: Callable[..., Any], *shapes: Shape, params: Sequence[Value] | None = None,
            example: Sequence[Any] | None = None, reduction: str = "mean",
            backend: str = "numpy") -> Any:
    """Trace ``fn`` on one symbolic example and compile it.

    ``fn(*inputs)`` builds the graph of ONE example from Values and returns a Value (a loss or
    a single output) or a list of Values (outputs). Each of ``shapes`` describes one argument:
    an int ``d`` (fn receives a list of d Values), ``()`` (one Value), or a tuple such as
    ``(8, 8)`` (nested lists).

    ``params``: the shared leaves (a model's ``parameters()``) in the order gradients use;
    any other leaf the graph reaches is appended. ``example``: numbers for the traced example
    (one per argument; zeros by default), only to make the traced graph nice to look at.
    ``reduction``: "mean" (default) or "sum" of the per-example losses of a batch (numpy).
    ``backend``: "numpy" (default): a :class:`~autograd_core.compiler.program.Program` that
    runs batches, an array of shape ``(N, *shape)`` per argument; "python": a
    :class:`~autograd_core.compiler.pyprogram.PyProgram` that runs one example at a time on
    floats, needs no numpy, and prints as staged code (``dq = z * df``).

    Raises :class:`~autograd_core.compiler.trace.DataDependentError` if ``fn`` reads a number
    while being traced, TypeError for an op that cannot be compiled (a Function gate).
    """
    if not callable(fn):
        raise TypeError(f"compile() expects a function, got {type(fn).__name__}")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(map(repr, BACKENDS))}, "
                         f"got {backend!r}")
    norm = [shape_of(s, i) for i, s in enumerate(shapes)]
    if example is not None and len(example) != len(norm):
        raise ValueError(f"example must give one value per input ({len(norm)}), "
                         f"got {len(example)}")
    plist = _params(params)
    inputs: list[Any] = []
    blocks: list[list[Value]] = []
    names = "xyzuvw"
    for i, shape in enumerate(norm):
        data = example_numbers(None if example is None else example[i], shape, i)
        struct, vals = placeholders(shape, data, names[i] if i < len(names) else f"in{i}")
        inputs.append(struct)
        blocks.append(vals)
    # the graph makes many objects and no cycles: the cyclic collector would only rescan them
    collecting = gc.isenabled()
    try:  # disabled inside the try, so that Ctrl-C right after it cannot leave it off
        gc.disable()
        with Tracing():
            result = fn(*inputs)
        outputs, out_shape = flatten_outputs(result)
        ph = {id(v) for block in blocks for v in block}
        for i, p in enumerate(plist):
            if id(p) in ph:
                raise ValueError(f"params[{i}] is one of the traced inputs")
        if backend == "python":
            from autograd_core.compiler.pyprogram import PyProgram

            return PyProgram(fn, norm, inputs, blocks, outputs, out_shape, plist)
        from autograd_core.compiler.program import Program

        return Program(fn, norm, inputs, blocks, outputs, out_shape, plist, reduction)
    finally:
        if collecting:
            gc.enable()

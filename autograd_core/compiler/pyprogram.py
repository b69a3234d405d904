"""The plain-Python program: ``compile(..., backend="python")``, one example at a time.

:class:`PyProgram` runs straight-line Python over floats (no numpy, so it runs in the browser
under Pyodide), one statement per node forward and one per edge backward
(:mod:`~autograd_core.compiler.lower_python`). :meth:`PyProgram.source` prints it as CS231n's
notes write a backward pass by hand::

    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> def f():
    ...     q = x + y; q.label = "q"
    ...     out = q * z; out.label = "f"
    ...     return out
    >>> prog = compile(f, params=[x, y, z], backend="python")
    >>> print(prog.source())        # q = x + y, f = q * z, then df = 1.0, dq = z * df, ...
    >>> prog.value_and_grad()       # (-12.0, [-4.0, -4.0, 3.0])

API (the numpy :class:`~autograd_core.compiler.program.Program`'s, for one example):
``value_and_grad(*example, params=None) -> (loss, [gradient per parameter])``,
``forward(*example, params=None)`` (a float, or a list of floats for several outputs),
``prog(*example)`` (the loss; adds the gradients into each parameter's ``.grad``),
``get_params()`` / ``set_params(list)`` (plain lists, in :attr:`parameters` order), and
:meth:`function`, the generated function itself (``f(theta, *example)``) for the fastest loop.
An example passes, per input, a float for shape ``()``, a list of floats for ``(d,)``, nested
lists for more dimensions.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

from autograd_core.compiler import printer
from autograd_core.compiler.lower_python import lower_python
from autograd_core.compiler.trace import add_parameters, get_data, topological
from autograd_core.value import Value

__all__ = ["PyProgram"]

_serial = itertools.count(1)


def _build(src: str, closure: dict[str, Any], name: str, label: str) -> Callable[..., Any]:
    filename = f"<compiled python {label} #{next(_serial)}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns: dict[str, Any] = {}
    exec(builtins_compile(src, filename), ns)  # our own generated text  # noqa: S102
    return ns["_make"](**closure)  # type: ignore[no-any-return]


def builtins_compile(src: str, filename: str) -> Any:
    import builtins

    return builtins.compile(src, filename, "exec")


class PyProgram:
    """A traced function compiled to plain Python over floats. Made by
    ``compile(fn, *shapes, backend="python")``; see the module docstring for the API."""

    def __init__(self, fn: Callable[..., Any], shapes: list[tuple[int, ...]], inputs: list[Any],
                 blocks: list[list[Value]], outputs: list[Value],
                 out_shape: tuple[int, ...] | None, params: list[Value]) -> None:
        self.fn = fn
        self.shapes = shapes
        self.inputs = inputs
        self.graph: Any = outputs[0] if out_shape is None else outputs
        self.out_shape = out_shape
        order = topological(outputs)
        add_parameters(order, blocks, params)
        self.parameters = params
        self.n_nodes = len(order)
        names = "xyzuvw"
        self._input_names = [names[i] if i < len(names) else f"in{i}" for i in range(len(shapes))]
        self._label = getattr(fn, "__name__", "fn")
        self._parts = (order, blocks, params, outputs)
        self._src: dict[str, str] = {}
        self._fns: dict[str, Callable[..., Any]] = {}
        self._make("value_and_grad" if out_shape is None else "forward")

    def _make(self, which: str) -> Callable[..., Any]:
        fn = self._fns.get(which)
        if fn is None:
            order, blocks, params, outputs = self._parts
            low = lower_python(order, blocks, params, outputs, self.shapes, self._input_names,
                               want_grad=which == "value_and_grad")
            src = printer.closure(low.function, sorted(low.closure))
            fn = self._fns[which] = _build(src, low.closure, which, self._label)
            self._src[which] = src
        return fn

    def function(self, which: str = "value_and_grad") -> Callable[..., Any]:
        """The generated function: ``value_and_grad(theta, *example) -> (loss, grads)`` or
        ``forward(theta, *example)``; ``theta`` is a list of the parameters' numbers. No
        checks: the fastest way to run the program in a loop."""
        self._check_which(which)
        return self._make(which)

    def _check_which(self, which: str) -> None:
        if which not in ("value_and_grad", "forward"):
            raise ValueError(f"which must be 'value_and_grad' or 'forward', got {which!r}")
        if which == "value_and_grad" and self.out_shape is not None:
            raise TypeError("value_and_grad() needs a function returning ONE Value (a loss); "
                            f"this one returns {len(self.out_shape)} Values: use forward()")

    def source(self, which: str = "value_and_grad") -> str:
        """The Python this program runs: forward one line per node, backward one per edge
        (``dq = z * df``). ``which``: "value_and_grad" or "forward"."""
        if which == "value_and_grad" and self.out_shape is not None:
            raise TypeError("this program returns several Values and has no gradient code; "
                            "use source('forward')")
        self._check_which(which)
        self._make(which)
        return self._src[which]

    def describe(self) -> str:
        return (f"{self.n_nodes} nodes ({len(self.parameters)} parameters): one statement per "
                "node forward, one per edge backward, plain Python over floats")

    def __repr__(self) -> str:
        return (f"<PyProgram {self._label}: {self.n_nodes} nodes, "
                f"{len(self.parameters)} parameters>")

    # --- parameters ---------------------------------------------------------------------------
    def get_params(self) -> list[float]:
        """The parameters' current numbers, in :attr:`parameters` order."""
        return list(map(get_data, self.parameters))

    def set_params(self, theta: Any) -> None:
        """Write a list of numbers back into the parameters' ``.data``."""
        theta = self._theta(theta)
        for p, x in zip(self.parameters, theta):
            p.data = x

    def _theta(self, theta: Any) -> list[float]:
        if theta is None:
            return list(map(get_data, self.parameters))
        if hasattr(theta, "tolist"):
            theta = theta.tolist()
        theta = list(theta)
        if len(theta) != len(self.parameters):
            raise ValueError(f"params must be a list of {len(self.parameters)} numbers, one per "
                             f"parameter, got {len(theta)}")
        for i, t in enumerate(theta):
            if isinstance(t, (complex, bool)) or not isinstance(t, (int, float)):
                if not (hasattr(t, "__float__") and not isinstance(t, complex)):
                    raise TypeError(f"params[{i}] must be a real number, got "
                                    f"{type(t).__name__}: {t!r}")
        return [float(t) for t in theta]

    # --- running ------------------------------------------------------------------------------
    def _run(self, which: str, example: tuple[Any, ...], params: Any) -> Any:
        self._check_which(which)
        if len(example) != len(self.shapes):
            raise TypeError(f"this program takes {len(self.shapes)} input(s), one per input of "
                            f"the traced function, got {len(example)}")
        args = [_example(x, shape, i) for i, (x, shape) in enumerate(zip(example, self.shapes))]
        return self._make(which)(self._theta(params), *args)

    def forward(self, *example: Any, params: Any = None) -> Any:
        """The traced function's output for one example: a float, or a list of floats."""
        return self._run("forward", example, params)

    def value_and_grad(self, *example: Any, params: Any = None) -> tuple[float, list[float]]:
        """The loss for one example and its gradient with respect to each parameter (a list in
        :attr:`parameters` order); touches no Value. ``params`` (a list) replaces the
        parameters' current ``.data`` for this call."""
        loss, grads = self._run("value_and_grad", example, params)
        return loss, grads

    def __call__(self, *example: Any) -> float:
        """The loss for one example; adds its gradient into each parameter's ``.grad``, as
        ``loss.backward()`` would."""
        loss, grads = self.value_and_grad(*example)
        for p, g in zip(self.parameters, grads):
            p.grad += g
        return loss


def _example(x: Any, shape: tuple[int, ...], i: int) -> Any:
    """One input of one example, checked: a real number for shape (), else nested lists."""
    if hasattr(x, "tolist"):
        x = x.tolist()
    if not shape:
        if isinstance(x, (complex, bool, Value)) or not isinstance(x, (int, float)):
            raise TypeError(f"input {i} must be a real number (its shape is ()), got "
                            f"{type(x).__name__}: {x!r}")
        return float(x)
    if not isinstance(x, (list, tuple)) or len(x) != shape[0]:
        got = len(x) if isinstance(x, (list, tuple)) else type(x).__name__
        raise ValueError(f"input {i} must be a list of {shape[0]} (shape {shape}), got {got}")
    return [_example(v, shape[1:], i) for v in x]

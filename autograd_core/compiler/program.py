"""The numpy program: :class:`Program`, which runs the generated code on batches.

``compile(fn, *shapes)`` (:mod:`~autograd_core.compiler.driver`) traces ``fn``
(:mod:`~autograd_core.compiler.trace`); this backend schedules the
graph into groups (:mod:`~autograd_core.compiler.schedule`), lowers the groups to a numpy program
in the intermediate form (:mod:`~autograd_core.compiler.lower`), simplifies it
(:mod:`~autograd_core.compiler.simplify`), prints it (:mod:`~autograd_core.compiler.printer`)
and compiles that text into two Python functions:
``forward`` (the outputs for a batch) and ``value_and_grad`` (the batch loss and its gradient
with respect to every parameter). :meth:`Program.source` shows their text.

Semantics. The batch loss is the *mean* of the per-example losses (``reduction="sum"`` for the
sum), so the gradients equal ``mean(losses).backward()`` on the eager engine; a term built from
parameters only (weight decay) is the same for every example, so its mean is itself. Parameters
are read from their ``.data`` at every call (or passed as an array), so optimizer updates are
seen without recompiling. Intermediate nodes get no ``.grad`` (they are rows of arrays, not
Values). Every call allocates its own arrays, so threads may share a program. Anything random
inside the function (a dropout mask) is drawn once, at tracing, and then fixed: compile the
model in eval mode, or re-compile when the randomness must change.
"""

from __future__ import annotations

import builtins
import itertools
import linecache
from collections.abc import Callable
from typing import Any, Union

import numpy as np

from autograd_core.compiler import printer
from autograd_core.compiler.lower import lower
from autograd_core.compiler.schedule import Schedule, schedule
from autograd_core.compiler.simplify import simplify
from autograd_core.compiler.trace import add_parameters, get_data, topological
from autograd_core.value import Value

__all__ = ["Program"]

Shape = Union[int, tuple[int, ...]]  # noqa: UP007  (runtime alias; py3.10 safe)
_serial = itertools.count(1)


def _build(src: str, ns: dict[str, Any], name: str, label: str) -> Callable[..., Any]:
    filename = f"<compiled {label} #{next(_serial)}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    code = builtins.compile(src, filename, "exec")
    exec(code, ns)  # our own generated text, never user input  # noqa: S102
    return ns[name]  # type: ignore[no-any-return]


def _real(x: Any, what: str) -> np.ndarray:
    """x as a float64 array; TypeError for complex numbers (numpy would keep the real part)."""
    a = np.asarray(x)
    if np.iscomplexobj(a) or (a.dtype == object and any(isinstance(v, complex)
                                                        for v in a.reshape(-1).tolist())):
        raise TypeError(f"{what} holds complex numbers; the engine computes with real numbers "
                        "only (Value(1+2j) is refused too). Pass the real part (x.real) or the "
                        "magnitude (abs(x)) explicitly.")
    return np.asarray(a, dtype=float)


class Program:
    """A traced function, compiled to run on batches. Made by :func:`compile`.

    Attributes for learners: ``graph`` (the traced Value, or list of Values: draw it with viz),
    ``inputs`` (the placeholders, shaped as ``fn`` received them), ``parameters`` (the shared
    leaves, in the order of gradient arrays), ``n_nodes``, ``n_groups``, :meth:`describe` and
    :meth:`source` (the numpy code that runs).
    """

    def __init__(self, fn: Callable[..., Any], shapes: list[tuple[int, ...]], inputs: list[Any],
                 blocks: list[list[Value]], outputs: list[Value],
                 out_shape: tuple[int, ...] | None, params: list[Value], reduction: str) -> None:
        self.fn = fn
        self.shapes = shapes
        self.inputs = inputs
        self.graph: Any = outputs[0] if out_shape is None else outputs
        self.out_shape = out_shape
        self.reduction = reduction
        order = topological(outputs)
        add_parameters(order, blocks, params)
        self.parameters = params
        sch: Schedule = schedule(order, blocks, params, outputs)
        self._schedule = sch
        self.n_nodes = sch.n_nodes
        self.n_ops = sch.n_ops
        self.n_groups = len(sch.groups)
        self.n_contractions = sch.n_contractions
        self._label = label = getattr(fn, "__name__", "fn")
        self._notes: dict[int, str] = {}
        self._forward_src = ""
        self._forward_fn: Callable[..., Any] | None = None
        if out_shape is not None:
            self._make_forward()
        self._grad_src = ""
        self._grad_fn: Callable[..., Any] | None = None
        if out_shape is None:
            self._grad_src, ns = self._generate(want_grad=True)
            self._grad_fn = _build(self._grad_src, ns, "value_and_grad", label)

    def _make_forward(self) -> Callable[..., Any]:
        """The forward-only function, generated on first use."""
        if self._forward_fn is None:
            self._forward_src, ns = self._generate(want_grad=False)
            self._forward_fn = _build(self._forward_src, ns, "forward", self._label)
        return self._forward_fn

    def _generate(self, want_grad: bool) -> tuple[str, dict[str, Any]]:
        """Lower the schedule, simplify, print: the source and the namespace it runs in."""
        low = lower(self._schedule, self.reduction, want_grad, self.shapes)
        self._notes.update(low.notes)
        fn = simplify(low.function, low.n_forward, low.keep)
        return printer.function(fn), low.ns

    def source(self, which: str = "value_and_grad") -> str:
        """The numpy code this program runs, as text: ``print(prog.source())``.

        ``which``: "value_and_grad" (the default, for a function returning one Value: forward,
        loss, backward) or "forward" (the outputs only). One line per step of the schedule (a
        long chain of one-row steps is one ``for`` loop, its changing numbers in a table such as
        ``chain_steps``); a comment names the op-table rule behind it. ``theta`` is the
        parameter array (the order
        of :attr:`parameters`), ``x_in``... the batch arrays, ``s`` the shared numbers
        (parameters, then constants, then results computed from them only), ``m`` the numpy
        backend :mod:`autograd_core.numpy_math`, ``W1_idx``-style names index arrays into
        ``s``. Label your parameters (``Value(0.1, label="W1[0,1]")``) to name the arrays
        after them; otherwise layers are W1, b1, Z1, A1..."""
        if which == "forward":
            self._make_forward()
            return self._forward_src
        if which != "value_and_grad":
            raise ValueError(f"source() shows 'value_and_grad' or 'forward', got {which!r}")
        if not self._grad_src:
            raise TypeError("this program returns several Values and has no gradient code; "
                            "use source('forward')")
        return self._grad_src

    def describe(self) -> str:
        """One line per group, in execution order: what runs as one array operation."""
        head = (f"{self.n_nodes} nodes ({len(self.parameters)} parameters, {self.n_ops} ops after "
                f"merging chains of additions and recognising {self.n_contractions} dot "
                f"products) -> {self.n_groups} groups")
        return "\n".join([head] + ["  " + g.describe() + self._notes.get(id(g), "")
                                   for g in self._schedule.groups])

    def __repr__(self) -> str:
        return (f"<Program {getattr(self.fn, '__name__', 'fn')}: {self.n_nodes} nodes, "
                f"{len(self.parameters)} parameters, {self.n_groups} groups>")

    # --- parameters ---------------------------------------------------------------------------
    def get_params(self) -> np.ndarray:
        """The parameters' current numbers, as a float64 array in :attr:`parameters` order."""
        return np.fromiter(map(get_data, self.parameters), dtype=float,
                           count=len(self.parameters))

    def set_params(self, theta: Any) -> None:
        """Write an array of numbers back into the parameters' ``.data``."""
        theta = self._check_params(theta)
        for p, x in zip(self.parameters, theta.tolist()):
            p.data = x

    def _check_params(self, theta: Any) -> np.ndarray:
        theta = _real(theta, "params")
        if theta.shape != (len(self.parameters),):
            raise ValueError(f"params must be an array of shape ({len(self.parameters)},), one "
                             f"number per parameter, got shape {theta.shape}")
        return theta

    # --- running ------------------------------------------------------------------------------
    def _args(self, batch: tuple[Any, ...], params: Any) -> list[Any]:
        if len(batch) != len(self.shapes):
            raise TypeError(f"this program takes {len(self.shapes)} batch array(s), one per "
                            f"input of the traced function, got {len(batch)}")
        arrays: list[Any] = [self.get_params() if params is None else self._check_params(params)]
        n = -1
        for i, (x, shape) in enumerate(zip(batch, self.shapes)):
            a = _real(x, f"batch input {i}")
            if a.ndim == 0 or a.shape[1:] != shape or (n >= 0 and a.shape[0] != n):
                want = "(" + ", ".join(["N"] + [str(d) for d in shape]) + (",)" if not shape
                                                                           else ")")
                raise ValueError(f"batch input {i} must have shape {want} (N examples of the "
                                 f"traced input's shape), got {a.shape}")
            n = a.shape[0]
            arrays.append(a)
        if n <= 0:
            raise ValueError("the batch is empty: pass at least one example")
        return arrays

    def forward(self, *batch: Any, params: Any = None) -> np.ndarray:
        """The traced function's output for every example: shape (N,) for a function returning
        one Value, (N, k) for one returning k Values. No gradients."""
        args = self._args(batch, params)
        n = args[1].shape[0]
        with np.errstate(all="ignore"):
            outs = self._make_forward()(*args)
        if self.out_shape is None:
            return np.array(np.broadcast_to(outs, (n,)), dtype=float)
        return np.stack([np.broadcast_to(o, (n,)) for o in outs], axis=1)

    def value_and_grad(self, *batch: Any, params: Any = None) -> tuple[float, np.ndarray]:
        """The batch loss and its gradient with respect to each parameter; touches no Value.

        The loss is ``mean_i fn(example_i)`` (``reduction="mean"``, the default) or the sum; the
        gradient array follows :attr:`parameters`. ``params`` (an array) replaces the parameters'
        current ``.data`` for this call: the fast path for an optimizer working on arrays."""
        if self._grad_fn is None:
            raise TypeError(f"value_and_grad() needs a function returning ONE Value (a loss); "
                            f"this one returns {len(self.out_shape or ())} Values: use forward()")
        args = self._args(batch, params)
        with np.errstate(all="ignore"):
            loss, grad = self._grad_fn(*args)
        return loss, grad

    def __call__(self, *batch: Any) -> float:
        """Run a batch forward and backward: returns the mean (or summed) loss and adds its
        gradient into each parameter's ``.grad``, as ``loss.backward()`` on the eager mean would
        (intermediate nodes get no gradient: they are not Values here)."""
        loss, grads = self.value_and_grad(*batch)
        for p, g in zip(self.parameters, grads.tolist()):
            p.grad += g
        return loss

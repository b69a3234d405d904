"""Compile the scalar graph of one example once, then run it on whole batches with numpy.

Why. The scalar engine makes one Python object per operation per example, which is what lets a
learner look at every node, and also what makes training on a few thousand examples slow. For a
batch, every example's graph has the same *shape*; only the numbers differ. Lecture 002
vectorizes by hand: examples become columns, a layer of neurons becomes a matrix product. This
module does that automatically, for any function built from the engine's ops.

How, in four steps.

1. **Trace.** ``compile(fn, *shapes)`` calls ``fn`` once on *placeholder* Values, one for each
   number of one example. The engine records the graph as it always does. Its leaves are the
   placeholders (different for every example) and *parameters*: every other leaf it reaches, such
   as an MLP's weights, the same for every example. Plain numbers (the 2 of ``x * 2``) are
   constants.

2. **Levels.** Every node gets a level: leaves are at level 0, an op is one level above its
   deepest input. All the nodes of one level can be computed at the same time, because their
   inputs are all ready.

3. **Groups: gather, op, scatter.** Within a level, the nodes with the same op (same constant
   parameter, same kinds of inputs) form a *group*, and a group runs as ONE array operation. The
   values live in a table ``V`` with one row per node and one column per example::

       inputs = V[input_rows]                          gather: (g nodes) x (N examples)
       out = rule.forward(numpy_math, inputs..., k)    the op table's own forward, on arrays
       V[output_rows] = out                            scatter (each group owns a block of rows)

   So the work is one numpy call per group, and the number of groups grows with the graph's depth
   rather than its node count: 16 neurons of a layer are 16 rows of one call. Nodes that do not
   depend on the examples (parameters, constants, a weight-decay term built from parameters) live
   in a second table ``S`` with a single column, computed once per batch and broadcast.

   N-ary ops become reductions over a stacked axis. A group of ``dot`` nodes (one per neuron)
   gathers its weights as an (n, g, 1) block and its inputs as an (n, 1, N) block, the same
   inputs for every neuron; :func:`autograd_core.numpy_math.dot` turns that into ``W^T X``: the
   layer is one matrix product, exactly the lecture's hand-vectorized layer.

4. **Backward.** The same groups in reverse order. ``G``, a group's upstream gradient, has the
   group's shape (g x N); times each local gradient from ``rule.local(numpy_math, ...)`` it gives
   each input's contribution, which is *scatter-added* into the gradient table (``+=``, so a node
   used by several ops, or twice by one, receives every contribution, as in the scalar
   ``backward()``). A parameter is the same in every column, so its contribution is also summed
   across the batch: that sum is what makes the gradient of the *summed* loss, and seeding
   ``G = 1/N`` at the loss makes it the gradient of the mean.

Two scheduling details. A chain of additions (Python's ``sum(p * p for p in params)`` builds
one add per term, one level deeper each) is merged into a single n-ary ``sum`` before grouping,
so it costs one reduction, not one level per term. And a gradient row's first contribution is
written with ``=`` rather than ``+=``, so the gradient table needs no zeroing per batch.

No derivative is written here: forward and local gradients are the op table's
(:mod:`autograd_core.rules`), evaluated with the numpy backend. For ``dot`` and ``sum`` the local
gradients are not even computed as arrays: the executor calls the rule once on symbolic
*probes* and reads off its structure (dot's gradient with respect to ``w_i`` is input ``x_i``;
sum's is the constant 1), then contracts the upstream gradient with the right block of inputs:
``G X^T`` for the weights and ``W G`` for the inputs, two matrix products.

**Data-dependent graphs.** A traced function must not look at the numbers: ``if v.data > 0``
would take one branch during tracing and then replay that branch for every example, silently
wrong. So while tracing, ``.data`` of every Value is guarded: the engine's own modules may read
it (to compute the traced example), but a read from any other code raises
:class:`DataDependentError` naming the file and line, as do ``float(v)``, ``v.detach()`` and ops
run under ``no_grad()``, whose results would be frozen at the traced numbers. The fix is to
express the choice with ops (``relu``, ``abs``, ``clamp``, a one-hot label with ``dot``), which
the compiled program evaluates per example.

Use::

    from autograd_core import Value, compile
    model = nn.MLP(2, [16, 16, 1])            # any function of Values works
    def loss(x, y):                           # ONE example: x = [Value, Value], y = Value
        return (1 - y * model(x)).relu() + 1e-4 * sum(p * p for p in model.parameters())
    step = compile(loss, 2, (), params=model.parameters())
    mean_loss = step(X, Y)       # X: (N, 2), Y: (N,); p.grad += d mean_i(loss_i) / dp

``step.value_and_grad(X, Y, params=theta)`` is the pure array form (nothing touches the Values),
and ``compile(model, 2).forward(X)`` gives the outputs for a batch.

Semantics chosen. The batch loss is the *mean* of the per-example losses (``reduction="sum"``
for the sum), so the gradients equal ``mean(losses).backward()`` on the eager engine; a term
built from parameters only (weight decay) is the same for every example, so its mean is itself.
Parameters are read from their ``.data`` at every call, so optimizer updates are seen without
recompiling. Intermediate nodes get no ``.grad`` (they are rows of an array, not Values). The
program reuses its buffers: one call at a time per program (not thread-safe). Anything random
inside the function (a dropout mask) is drawn once, at tracing, and then fixed: compile the
model in eval mode, or re-compile when the randomness must change.
"""

from __future__ import annotations

import operator
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any, Union

import numpy as np

from autograd_core import numpy_math as NM
from autograd_core import value as _value
from autograd_core.rules import RULES, Rule
from autograd_core.value import Value

__all__ = ["DataDependentError", "Program", "compile"]

Shape = Union[int, tuple[int, ...]]  # noqa: UP007  (runtime alias; py3.10 safe)
Array = Any

_V = 0  # the per-example table: one row per node, one column per example
_S = 1  # the shared table: one row per parameter, constant or op of those only; one column

_NOT_COMPILABLE = {"function": "a Function gate runs its own Python on plain floats, which "
                               "cannot be replayed on arrays; build it from the engine's ops"}


class DataDependentError(RuntimeError):
    """The traced function looked at a number, so its graph may depend on the data.

    While tracing, every Value stands for all the examples of a batch at once; its number is just
    one example's. Branching on it would freeze one branch into the program for every example."""


# ================================================================================================
# 1. Tracing, and the guard against data-dependent graphs
# ================================================================================================

_ENGINE_PREFIX = "autograd_core."
_get_data = operator.attrgetter("data")
_guard_lock = threading.Lock()


def _user_frame(frame: FrameType | None) -> FrameType | None:
    """The innermost frame outside the engine's own modules (where a user's code runs)."""
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_ENGINE_PREFIX):
        frame = frame.f_back
    return frame


def _where(frame: FrameType | None) -> str:
    if frame is None:
        return "an unknown place"
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}()"


class _DataGuard:
    """Stands in for ``Value.data`` while tracing: engine code reads numbers as usual, any other
    read raises :class:`DataDependentError`. Other threads are not affected."""

    def __init__(self, slot: Any, thread: int) -> None:
        self.slot = slot
        self.thread = thread
        self.user_codes = {Value.__float__.__code__: "called float() on a Value",
                           Value.detach.__code__: "called detach() on a Value"}

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
                raise self._error(obj, what, _user_frame(frame))
            if not _value._grad_enabled:
                raise DataDependentError(
                    f"compile(): an op ran inside no_grad() while tracing, at "
                    f"{_where(_user_frame(frame))}. Its result would become a constant frozen at "
                    "the traced example's numbers, wrong for every other example and after "
                    "every parameter update. Remove no_grad() from the compiled function.")
        return self.slot.__get__(obj, owner)

    def __set__(self, obj: Any, data: Any) -> None:
        self.slot.__set__(obj, data)

    def _error(self, obj: Value, what: str, frame: FrameType | None) -> DataDependentError:
        desc = f"op {obj._op!r}" if obj._op else "a leaf"
        if obj.label:
            desc += f" labelled {obj.label!r}"
        return DataDependentError(
            f"compile(): the traced function {what} ({desc}) at {_where(frame)}. While compiling, "
            "a Value stands for every example of a batch at once and its number is only the "
            "traced example's: code that branches on it (if v.data > 0, max(), int(), a "
            "detached copy) would freeze one case into the program and give silently wrong "
            "results for the other examples. Express the choice with the engine's ops instead "
            "(relu, abs, clamp, leaky_relu; pick a class with a one-hot vector and dot), or call "
            "the function eagerly, without compile().")


class _Tracing:
    """Context for one trace: ops recorded (even inside an outer no_grad), anomaly checks off
    (the placeholder numbers are arbitrary), and ``Value.data`` guarded."""

    def __enter__(self) -> None:
        self.modes = (_value._grad_enabled, _value._anomaly)
        slot = Value.__dict__.get("data")
        if slot is None or not hasattr(slot, "__get__") or not hasattr(slot, "__set__"):
            raise RuntimeError("compile() needs Value.data to be a slot (a data descriptor); "
                               "autograd_core.compiled must be updated for the new Value layout")
        self.slot = slot
        self.installed = not isinstance(slot, _DataGuard)
        if self.installed:
            _guard_lock.acquire()
            type.__setattr__(Value, "data", _DataGuard(slot, threading.get_ident()))
        _value._set_modes(True, False)

    def __exit__(self, *exc: Any) -> None:
        _value._set_modes(*self.modes)
        if self.installed:
            type.__setattr__(Value, "data", self.slot)
            _guard_lock.release()


def _shape_of(spec: Any, i: int) -> tuple[int, ...]:
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool) and spec >= 0:
        return (int(spec),)
    if isinstance(spec, tuple) and all(isinstance(d, (int, np.integer)) and not isinstance(d, bool)
                                       and d >= 0 for d in spec):
        return tuple(int(d) for d in spec)
    raise TypeError(f"compile(): the shape of input {i} must be an int (a list of that many "
                    f"numbers) or a tuple of ints (() for a single number), got {spec!r}")


def _placeholders(shape: tuple[int, ...], data: np.ndarray, name: str) -> tuple[Any, list[Value]]:
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


def _flatten_outputs(result: Any) -> tuple[list[Value], tuple[int, ...] | None]:
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


# ================================================================================================
# 2.-3. The plan: levels, groups, rows; and the kernels that gather, compute and scatter
# ================================================================================================

def _topological(outputs: list[Value]) -> list[Value]:
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


_SUMS = ("add", "sum")


def _merge_sums(order: list[Value], outputs: list[Value]) -> dict[int, tuple[str, Any, tuple]]:
    """Each op node's (op, k, inputs), with chains of additions merged into one n-ary sum.

    ``sum(p * p for p in params)`` with Python's ``sum`` builds a chain of 2-input adds, one level
    deeper per term: replayed level by level it would cost one array operation per term. An add
    (or sum) whose only consumer is another add or sum is folded into that consumer, which
    becomes one ``sum`` node over all the terms, in the same left-to-right order. The value is the
    same sum and every term's local gradient is still 1 (the op table's ``sum`` rule), so this is
    a change of schedule, not of math. Nodes folded away are absent from the result."""
    consumers: dict[int, int] = {}
    last: dict[int, Value] = {}
    for v in order:
        for x in v.inputs:
            if isinstance(x, Value):
                consumers[id(x)] = consumers.get(id(x), 0) + 1
                last[id(x)] = v
    for v in outputs:
        consumers[id(v)] = consumers.get(id(v), 0) + 1
    folded = {id(v) for v in order
              if v.op in _SUMS and consumers.get(id(v)) == 1 and id(v) in last
              and last[id(v)].op in _SUMS}
    spec: dict[int, tuple[str, Any, tuple]] = {}
    for v in order:
        if v.is_leaf or id(v) in folded:
            continue
        if v.op not in _SUMS or not any(isinstance(x, Value) and id(x) in folded
                                        for x in v.inputs):
            spec[id(v)] = (v.op, v.arg, v.inputs)
            continue
        terms: list[Any] = []
        stack = list(reversed(v.inputs))
        while stack:
            x = stack.pop()
            if isinstance(x, Value) and id(x) in folded:
                stack.extend(reversed(x.inputs))
            else:
                terms.append(x)
        spec[id(v)] = ("sum", None, tuple(terms))
    return spec


def _as_slice(rows: np.ndarray) -> slice | None:
    """rows as a slice when they are consecutive (a view instead of a copy)."""
    n = len(rows)
    if n and rows[-1] - rows[0] == n - 1 and (n == 1 or bool(np.all(np.diff(rows) == 1))):
        return slice(int(rows[0]), int(rows[0]) + n)
    return None


def _row_adder(rows: np.ndarray, assign: bool) -> Callable[[np.ndarray, np.ndarray], None]:
    """``G[rows] += C`` that is right when ``rows`` repeats a row (then the repeats' contributions
    must all arrive: sorted, summed per row with reduceat, added once). With ``assign`` the rows
    receive their first contribution: ``G[rows] = C`` (no need to zero G beforehand)."""
    sl = _as_slice(rows)
    if sl is not None:
        if assign:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[sl] = C
        else:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[sl] += C
    elif len(np.unique(rows)) == len(rows):
        if assign:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[rows] = C
        else:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[rows] += C
    else:
        order = np.argsort(rows, kind="stable")
        srt = rows[order]
        starts = np.flatnonzero(np.concatenate(([True], srt[1:] != srt[:-1])))
        urows = srt[starts]
        if assign:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[urows] = np.add.reduceat(C[order], starts, axis=0)
        else:
            def add(G: np.ndarray, C: np.ndarray) -> None:
                G[urows] += np.add.reduceat(C[order], starts, axis=0)
    return add


class _Slot:
    """Where one input of a group comes from: the table (V or S) and, for each member of the
    group, the row. For an n-ary op, a *segment* of inputs of the same kind: rows of shape
    (m, g). ``collapsed`` when every member reads the same rows (the inputs of a layer, which
    every neuron reads): then the gather is (1, N) or (m, 1, N) and broadcasts."""

    def __init__(self, buf: int, rows: np.ndarray, needs: bool, group_batched: bool) -> None:
        self.buf = buf
        self.rows = rows
        self.needs = needs  # some node here is a parameter or depends on one
        g = rows.shape[-1]
        self.collapsed = g == 1 or bool(np.all(rows == rows[..., :1]))
        self.g_axis = rows.ndim - 1  # the members' axis in the gathered array
        self.sum_g = self.collapsed and g > 1
        self.sum_n = buf == _S and group_batched  # shared input of a per-example op
        # the axes its contributions are summed over: members, examples
        self.axes = tuple(ax for ax, on in ((self.g_axis, self.sum_g),
                                            (self.g_axis + 1, self.sum_n)) if on)
        self.assign = False  # set by the planner: this scatter is the rows' first write
        b = buf
        if rows.ndim == 1:
            if self.collapsed:
                r = int(rows[0])
                self.get: Callable[[list[np.ndarray]], np.ndarray] = lambda bufs: bufs[b][r:r + 1]
                self.targets = rows[:1]
            else:
                sl = _as_slice(rows)
                if sl is not None:
                    self.get = lambda bufs: bufs[b][sl]
                else:
                    self.get = lambda bufs: bufs[b][rows]
                self.targets = rows
            self.layout = 0  # contributions arrive as (rows, columns) already
        else:
            if self.collapsed:
                col = rows[:, 0]
                sl = _as_slice(col)
                if sl is not None:
                    self.get = lambda bufs: bufs[b][sl, None]
                else:
                    col2 = col[:, None]
                    self.get = lambda bufs: bufs[b][col2]
                self.targets = col
                self.layout = 1  # (m, 1, N): drop the members' axis
            else:
                self.get = lambda bufs: bufs[b][rows]
                self.targets = rows.reshape(-1)
                self.layout = 2  # (m, g, N): one row per (input, member)

    def finalize(self) -> None:
        """Make :attr:`add`, the scatter-add of a contribution (shaped like the gather) into the
        gradient table, once the planner has decided :attr:`assign`."""
        adder = _row_adder(self.targets, self.assign)
        b = self.buf
        if self.layout == 0:
            def add(gbufs: list[np.ndarray], C: np.ndarray) -> None:
                adder(gbufs[b], C)
        elif self.layout == 1:
            def add(gbufs: list[np.ndarray], C: np.ndarray) -> None:
                adder(gbufs[b], C[:, 0, :])
        else:
            k = len(self.targets)

            def add(gbufs: list[np.ndarray], C: np.ndarray) -> None:
                adder(gbufs[b], C.reshape(k, -1))
        self.add: Callable[[list[np.ndarray], np.ndarray], None] = add


def _contract(L: np.ndarray, G: np.ndarray, sum_g: bool, sum_n: bool,
              axes: tuple[int, ...]) -> np.ndarray:
    """sum over broadcast axes of L * G, for L of shape (m, a, b) and G of shape (g, N).

    The two products a ``dot`` group needs are matrix products: weight gradients
    (L = inputs (m, 1, N), summed over the examples) are ``L G^T``; input gradients
    (L = weights (m, g, 1), summed over the neurons) are ``L G``. Otherwise the product is
    summed over ``axes``: the axes its input was broadcast along (the members, when every member
    reads the same input; the examples, when the input is a parameter)."""
    if sum_n and not sum_g and L.shape[1] == 1 and L.shape[2] != 1:
        return np.matmul(L[:, 0, :], G.T)[:, :, None]
    if sum_g and not sum_n and L.shape[2] == 1 and L.shape[1] != 1:
        return np.matmul(L[:, :, 0], G)[:, None, :]
    P = L * G
    return P.sum(axis=axes, keepdims=True) if axes else P


class _Blocks:
    """The n inputs of an n-ary group as consecutive blocks of different shapes, e.g. a dot's
    weights (n, g, 1) then its inputs (n, 1, N). A rule sees a sequence: slicing at a block
    boundary returns that block as is (so ``dot(a[:n], a[n:])`` gets W and X unbroadcast);
    anything else, or ``np.asarray``, broadcasts and concatenates."""

    def __init__(self, parts: list[np.ndarray], bounds: list[int]) -> None:
        self.parts = parts
        self.bounds = bounds  # start of each part, then the total
        self.n = bounds[-1]

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        if i.__class__ is slice and i.step is None:
            if len(self.parts) == 2:  # the common case, dot(a[:n], a[n:]): no arithmetic
                mid = self.bounds[1]
                if i.start in (None, 0) and i.stop == mid:
                    return self.parts[0]
                if i.start == mid and i.stop in (None, self.n):
                    return self.parts[1]
            start, stop, _ = i.indices(self.n)
            if start in self.bounds and stop in self.bounds and start < stop:
                a, b = self.bounds.index(start), self.bounds.index(stop)
                if b == a + 1:
                    return self.parts[a]
                return _Blocks(self.parts[a:b], [x - start for x in self.bounds[a:b + 1]])
        return np.asarray(self)[i]

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter(np.asarray(self))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        tail = np.broadcast_shapes(*[p.shape[1:] for p in self.parts])
        return np.concatenate([np.broadcast_to(p, p.shape[:1] + tail) for p in self.parts])


class _Probe:
    """A symbolic stand-in for input i, used to read the structure of an n-ary local rule."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class _NoMath:
    """A backend with no functions: a local rule that computes something is not structural."""

    def __getattr__(self, name: str) -> Any:
        raise TypeError("not structural")


def _structure(rule: Rule, n: int, k: Any) -> list[Any] | None:
    """Read an n-ary rule's local gradients off the table without computing them: call
    ``rule.local`` on probes. For dot it returns the probes permuted (d/dw_i = x_i,
    d/dx_i = w_i), for sum the constant 1.0 n times. Returns, per input, the index of the input
    its local gradient is, or the constant; None when the rule computes (logsumexp)."""
    probes = tuple(_Probe(i) for i in range(n))
    try:
        res = tuple(rule.local(_NoMath(), probes, _Probe(-1), k))
    except Exception:
        return None
    if len(res) != n:
        return None
    out: list[Any] = []
    for r in res:
        if isinstance(r, _Probe) and 0 <= r.index < n and r is probes[r.index]:
            out.append(r.index)
        elif isinstance(r, (int, float)) and not isinstance(r, bool):
            out.append(("const", float(r)))
        else:
            return None
    return out


class _Group:
    """Nodes of one op, at one level, with the same parameter k and kinds of inputs."""

    def __init__(self, rule: Rule, k: Any, batched: bool, level: int, members: list[Value],
                 n_inputs: int):
        self.rule = rule
        self.n_inputs = n_inputs
        self.k = k
        self.batched = batched
        self.level = level
        self.members = members
        self.buf = _V if batched else _S
        self.start = 0  # first output row
        self.needs = False
        self.note = ""
        self.slots: list[_Slot] = []
        self.segs: list[tuple[int, int, _Slot]] = []

    def describe(self) -> str:
        n = f", {self.n_inputs} inputs each" if self.rule.arity == 0 else ""
        table = "per-example" if self.batched else "shared"
        return (f"{table} level {self.level}: {self.rule.name} x{len(self.members)}{n}"
                f"{self.note}")


Kernel = Callable[..., None]


def _elementwise(group: _Group, slots: list[_Slot], gid: int) -> tuple[Kernel, Kernel]:
    """Forward and backward of a unary or binary group: gathered (g, N) arrays, one call of the
    rule's forward, one call of its local, then upstream x local scattered into each input."""
    rule, k, ob = group.rule, group.k, group.buf
    osl = slice(group.start, group.start + len(group.members))
    fwd, loc = rule.forward, rule.local
    get0 = slots[0].get
    if rule.arity == 1:
        def forward(bufs: list[np.ndarray], saved: list[Any]) -> None:
            x = get0(bufs)
            bufs[ob][osl] = fwd(NM, x, k)
            saved[gid] = (x,)
    else:
        get1 = slots[1].get

        def forward(bufs: list[np.ndarray], saved: list[Any]) -> None:
            a = get0(bufs)
            b = get1(bufs)
            bufs[ob][osl] = fwd(NM, a, b, k)
            saved[gid] = (a, b)

    todo = [(j, s.add, s.axes) for j, s in enumerate(slots) if s.needs]

    def backward(bufs: list[np.ndarray], gbufs: list[np.ndarray], saved: list[Any]) -> None:
        G = gbufs[ob][osl]
        locs = loc(NM, *saved[gid], bufs[ob][osl], k)
        for j, add, axes in todo:
            L = locs[j]
            if L.__class__ is float:
                P = G if L == 1.0 else (-G if L == -1.0 else L * G)
            else:
                P = L * G
            add(gbufs, P.sum(axis=axes, keepdims=True) if axes else P)

    return forward, backward


def _nary(group: _Group, segs: list[tuple[int, int, _Slot]], gid: int) -> tuple[Kernel, Kernel]:
    """Forward and backward of an n-ary group (sum, dot, logsumexp, softmax...): inputs stacked
    on a leading axis in blocks of one kind each; the rule reduces over that axis."""
    rule, k, ob = group.rule, group.k, group.buf
    n = segs[-1][1]
    osl = slice(group.start, group.start + len(group.members))
    gets = [s.get for _, _, s in segs]
    bounds = [a for a, _, _ in segs] + [n]
    fwd = rule.forward
    single = len(segs) == 1

    def forward(bufs: list[np.ndarray], saved: list[Any]) -> None:
        parts = [get(bufs) for get in gets]
        arg = parts[0] if single else _Blocks(parts, bounds)
        bufs[ob][osl] = fwd(NM, arg, k)
        saved[gid] = parts

    structure = _structure(rule, n, k)
    todo = [(a, b, s) for a, b, s in segs if s.needs]
    if structure is not None:
        group.note = "; local gradients read structurally"
        # split each segment into runs: consecutive inputs whose local gradient is a consecutive
        # run of one block's inputs (d dot/dw_i = x_i), or constants (d sum/dx_i = 1)
        plan = []
        for a, b, s in todo:
            runs: list[tuple[Any, ...]] = []
            i = a
            while i < b:
                item = structure[i]
                if isinstance(item, tuple):
                    j = i
                    while j < b and isinstance(structure[j], tuple):
                        j += 1
                    c = np.array([structure[t][1] for t in range(i, j)]).reshape(-1, 1, 1)
                    runs.append(("const", None if bool(np.all(c == 1.0)) else c, j - i))
                else:
                    blk = max(t for t in range(len(segs)) if segs[t][0] <= item)
                    blk_end = segs[blk][1]
                    j = i + 1
                    while (j < b and not isinstance(structure[j], tuple)
                           and structure[j] == item + (j - i) and item + (j - i) < blk_end):
                        j += 1
                    o0 = item - segs[blk][0]
                    runs.append(("in", blk, o0, o0 + (j - i)))
                i = j
            plan.append((runs, s.add, s.sum_g, s.sum_n, s.axes))

        def backward(bufs: list[np.ndarray], gbufs: list[np.ndarray], saved: list[Any]) -> None:
            G = gbufs[ob][osl]
            parts = saved[gid]
            for runs, add, sum_g, sum_n, axes in plan:
                pieces = []
                for run in runs:
                    if run[0] == "in":
                        pieces.append(_contract(parts[run[1]][run[2]:run[3]], G, sum_g, sum_n,
                                                axes))
                    else:
                        R = G[None].sum(axis=axes, keepdims=True) if axes else G[None]
                        c = run[1]
                        pieces.append(np.repeat(R, run[2], axis=0) if c is None else c * R)
                add(gbufs, pieces[0] if len(pieces) == 1 else np.concatenate(pieces))
    else:
        loc = rule.local

        def backward(bufs: list[np.ndarray], gbufs: list[np.ndarray], saved: list[Any]) -> None:
            G = gbufs[ob][osl]
            parts = saved[gid]
            A = parts[0] if single else np.asarray(_Blocks(parts, bounds))
            locs = loc(NM, A, bufs[ob][osl], k)
            L = np.stack(np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in locs]))
            if L.ndim == 1:
                L = L.reshape(-1, 1, 1)
            for a, b, s in todo:
                P = L[a:b] * G
                s.add(gbufs, P.sum(axis=s.axes, keepdims=True) if s.axes else P)

    return forward, backward


# ================================================================================================
# 4. The program
# ================================================================================================

class Program:
    """A traced function, compiled to run on batches. Made by :func:`compile`.

    Attributes for learners: ``graph`` (the traced Value, or list of Values: draw it with viz),
    ``inputs`` (the placeholders, shaped as ``fn`` received them), ``parameters`` (the shared
    leaves, in the order of gradient arrays), ``n_nodes``, ``n_groups`` and :meth:`describe`.
    """

    def __init__(self, fn: Callable[..., Any], shapes: list[tuple[int, ...]], inputs: list[Any],
                 placeholders: list[Value], outputs: list[Value],
                 out_shape: tuple[int, ...] | None, params: list[Value], reduction: str) -> None:
        self.fn = fn
        self.shapes = shapes
        self.inputs = inputs
        self.graph: Any = outputs[0] if out_shape is None else outputs
        self.out_shape = out_shape
        self.reduction = reduction
        self._buffers: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._build(placeholders, outputs, params)

    # --- planning -----------------------------------------------------------------------------
    def _build(self, placeholders: list[Value], outputs: list[Value], params: list[Value]) -> None:
        order = _topological(outputs)
        info: dict[int, tuple[int, int]] = {}  # id(node) -> (table, row)
        batched: dict[int, bool] = {}
        needs: dict[int, bool] = {}
        level: dict[int, int] = {}
        for i, v in enumerate(placeholders):
            info[id(v)] = (_V, i)
            batched[id(v)] = True
            needs[id(v)] = False
            level[id(v)] = 0
        seen_params = {id(p) for p in params}
        for v in order:
            if v.is_leaf and id(v) not in info and id(v) not in seen_params:
                params.append(v)
                seen_params.add(id(v))
        self.parameters = params
        for i, p in enumerate(params):
            info[id(p)] = (_S, i)
            batched[id(p)] = False
            needs[id(p)] = True
            level[id(p)] = 0
        consts: dict[str, tuple[int, float]] = {}
        n_shared = len(params)

        def const_row(x: float) -> int:
            nonlocal n_shared
            key = float(x).hex()
            if key not in consts:
                consts[key] = (n_shared, float(x))
                n_shared += 1
            return consts[key][0]

        for v in order:
            if not v.is_leaf and (v.op not in RULES or v.op in _NOT_COMPILABLE):
                why = _NOT_COMPILABLE.get(v.op, "it is not in the op table")
                raise TypeError(f"compile(): cannot compile op {v.op!r}: {why}.")
        spec = _merge_sums(order, outputs)
        groups: dict[tuple[Any, ...], _Group] = {}
        for v in order:
            if id(v) not in spec:
                continue
            op, arg, ins = spec[id(v)]
            rule = RULES[op]
            kinds = []
            lv = 0
            b = nd = False
            for x in ins:
                if isinstance(x, Value):
                    xb = batched[id(x)]
                    kinds.append(_V if xb else _S)
                    b = b or xb
                    nd = nd or needs[id(x)]
                else:
                    const_row(x)
                    kinds.append(_S)
            for x in ins:
                if isinstance(x, Value) and batched[id(x)] == b:
                    lv = max(lv, level[id(x)])
            batched[id(v)] = b
            needs[id(v)] = nd
            level[id(v)] = lv + 1
            key = (b, lv + 1, op, repr(arg), tuple(kinds))
            grp = groups.get(key)
            if grp is None:
                grp = groups[key] = _Group(rule, arg, b, lv + 1, [], len(ins))
            grp.members.append(v)
            grp.needs = grp.needs or nd

        # execution order: shared groups by level, then per-example groups by level
        plan = sorted(groups.values(), key=lambda gr: (gr.batched, gr.level))
        n_rows = [len(placeholders), n_shared]

        def where(x: Any) -> tuple[int, int]:
            if isinstance(x, Value):
                return info[id(x)]
            return (_S, consts[float(x).hex()][0])

        for grp in plan:
            # members sorted by where their inputs live, so that consumers of this group tend to
            # read consecutive rows (a slice: no copy)
            keyed = sorted(((tuple(where(x) for x in spec[id(v)][2]), i, v)
                            for i, v in enumerate(grp.members)), key=lambda t: (t[0], t[1]))
            grp.members = [v for _, _, v in keyed]
            locs = [ins for ins, _, _ in keyed]
            grp.start = n_rows[grp.buf]
            for i, v in enumerate(grp.members):
                info[id(v)] = (grp.buf, grp.start + i)
            n_rows[grp.buf] += len(grp.members)
            kinds = [t for t, _ in locs[0]]
            rows = np.array([[r for _, r in ins] for ins in locs], dtype=np.intp).T  # (n, g)
            member_ins = [spec[id(v)][2] for v in grp.members]
            need_in = [any(isinstance(ins[j], Value) and needs[id(ins[j])] for ins in member_ins)
                       for j in range(len(kinds))]
            if grp.rule.arity in (1, 2):
                grp.slots = [_Slot(kinds[j], rows[j], need_in[j], grp.batched)
                             for j in range(len(kinds))]
            else:
                segs = []
                lo = 0
                while lo < len(kinds):
                    hi = lo
                    while hi < len(kinds) and kinds[hi] == kinds[lo]:
                        hi += 1
                    segs.append((lo, hi, _Slot(kinds[lo], rows[lo:hi], any(need_in[lo:hi]),
                                               grp.batched)))
                    lo = hi
                grp.segs = segs
                grp.slots = [sl for _, _, sl in segs]
        self._outs = [info[id(v)] for v in outputs]

        # Gradient rows get their first contribution by assignment, later ones by +=: walk the
        # backward pass in its order and mark rows as written. Then the per-example gradient
        # table needs no zeroing, unless a scatter mixes written and unwritten rows.
        written = np.zeros(n_rows[_V], dtype=bool)
        if self._outs[0][0] == _V:
            written[self._outs[0][1]] = True
        self._zero_gv = False
        for grp in reversed(plan):
            for sl in grp.slots:
                if grp.needs and sl.needs and sl.buf == _V:
                    hit = written[sl.targets]
                    if not hit.any():
                        sl.assign = True
                    elif not hit.all():
                        self._zero_gv = True
                    written[sl.targets] = True
                sl.finalize()

        self._forward: list[Kernel] = []
        backward: list[Kernel] = []
        for gid, grp in enumerate(plan):
            if grp.rule.arity in (1, 2):
                f, bk = _elementwise(grp, grp.slots, gid)
            else:
                segs = grp.segs
                f, bk = _nary(grp, segs, gid)
                if grp.rule.name == "dot" and len(segs) == 2 and segs[1][2].collapsed \
                        and not segs[0][2].collapsed and segs[0][2].buf == _S and grp.batched:
                    grp.note += "; one matrix product W^T X"
            self._forward.append(f)
            if grp.needs:
                backward.append(bk)
        backward.reverse()
        self._backward = backward
        self._groups = plan
        self.n_nodes = len(order)
        self.n_ops = len(spec)
        self.n_groups = len(plan)
        self._n_rows = n_rows
        self._S = np.zeros((n_rows[_S], 1))
        self._GS = np.zeros((n_rows[_S], 1))
        for row, x in consts.values():
            self._S[row, 0] = x
        self._ph_rows: list[slice] = []
        start = 0
        for shape in self.shapes:
            size = int(np.prod(shape)) if shape else 1
            self._ph_rows.append(slice(start, start + size))
            start += size

    def describe(self) -> str:
        """One line per group, in execution order: what runs as one array operation."""
        head = (f"{self.n_nodes} nodes ({len(self.parameters)} parameters, {self.n_ops} ops after "
                f"merging chains of additions) -> {self.n_groups} groups")
        return "\n".join([head] + ["  " + g.describe() for g in self._groups])

    def __repr__(self) -> str:
        return (f"<Program {getattr(self.fn, '__name__', 'fn')}: {self.n_nodes} nodes, "
                f"{len(self.parameters)} parameters, {self.n_groups} groups>")

    # --- parameters ---------------------------------------------------------------------------
    def get_params(self) -> np.ndarray:
        """The parameters' current numbers, as a float64 array in :attr:`parameters` order."""
        return np.fromiter(map(_get_data, self.parameters), dtype=float,
                           count=len(self.parameters))

    def set_params(self, theta: Any) -> None:
        """Write an array of numbers back into the parameters' ``.data``."""
        theta = self._check_params(theta)
        for p, x in zip(self.parameters, theta.tolist()):
            p.data = x

    def _check_params(self, theta: Any) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (len(self.parameters),):
            raise ValueError(f"params must be an array of shape ({len(self.parameters)},), one "
                             f"number per parameter, got shape {theta.shape}")
        return theta

    # --- running ------------------------------------------------------------------------------
    def _run(self, batch: tuple[Any, ...], params: Any) -> tuple[list[np.ndarray], int]:
        if len(batch) != len(self.shapes):
            raise TypeError(f"this program takes {len(self.shapes)} batch array(s), one per "
                            f"input of the traced function, got {len(batch)}")
        arrays = []
        n = -1
        for i, (x, shape) in enumerate(zip(batch, self.shapes)):
            a = np.asarray(x, dtype=float)
            if a.ndim == 0 or a.shape[1:] != shape or (n >= 0 and a.shape[0] != n):
                want = "(" + ", ".join(["N"] + [str(d) for d in shape]) + (",)" if not shape
                                                                           else ")")
                raise ValueError(f"batch input {i} must have shape {want} (N examples of the "
                                 f"traced input's shape), got {a.shape}")
            n = a.shape[0]
            arrays.append(a)
        if n <= 0:
            raise ValueError("the batch is empty: pass at least one example")
        bufs = self._buffers.get(n)
        if bufs is None:
            if len(self._buffers) > 4:
                self._buffers.clear()
            bufs = self._buffers[n] = (np.empty((self._n_rows[_V], n)),
                                       np.empty((self._n_rows[_V], n)))
        V = bufs[0]
        for sl, a in zip(self._ph_rows, arrays):
            V[sl] = a.reshape(n, -1).T
        S = self._S
        P = len(self.parameters)
        if params is None:
            S[:P, 0] = self.get_params()
        else:
            S[:P, 0] = self._check_params(params)
        return [V, S], n

    def _forward_pass(self, tables: list[np.ndarray]) -> list[Any]:
        saved: list[Any] = [None] * self.n_groups
        for f in self._forward:
            f(tables, saved)
        return saved

    def forward(self, *batch: Any, params: Any = None) -> np.ndarray:
        """The traced function's output for every example: shape (N,) for a function returning
        one Value, (N, k) for one returning k Values. No gradients."""
        tables, n = self._run(batch, params)
        with np.errstate(all="ignore"):
            self._forward_pass(tables)
        cols = [np.broadcast_to(tables[t][r], (n,)) for t, r in self._outs]
        out = np.array(cols[0]) if self.out_shape is None else np.stack(cols, axis=1)
        return out

    def value_and_grad(self, *batch: Any, params: Any = None) -> tuple[float, np.ndarray]:
        """The batch loss and its gradient with respect to each parameter; touches no Value.

        The loss is ``mean_i fn(example_i)`` (``reduction="mean"``, the default) or the sum; the
        gradient array follows :attr:`parameters`. ``params`` (an array) replaces the parameters'
        current ``.data`` for this call: the fast path for an optimizer working on arrays."""
        if self.out_shape is not None:
            raise TypeError(f"value_and_grad() needs a function returning ONE Value (a loss); "
                            f"this one returns {len(self._outs)} Values: use forward()")
        tables, n = self._run(batch, params)
        V, S = tables
        GV = self._buffers[n][1]
        GS = self._GS
        t, r = self._outs[0]
        mean = self.reduction == "mean"
        with np.errstate(all="ignore"):
            saved = self._forward_pass(tables)
            if t == _V:
                loss = float(V[r].sum() * (1.0 / n)) if mean else float(V[r].sum())
            else:
                loss = float(S[r, 0]) if mean else float(S[r, 0] * n)
            if self._zero_gv:
                GV.fill(0.0)
            GS.fill(0.0)
            if t == _V:
                GV[r] = 1.0 / n if mean else 1.0
            else:
                GS[r] = 1.0 if mean else float(n)
            gtables = [GV, GS]
            for bk in self._backward:
                bk(tables, gtables, saved)
        return loss, GS[:len(self.parameters), 0].copy()

    def __call__(self, *batch: Any) -> float:
        """Run a batch forward and backward: returns the mean (or summed) loss and adds its
        gradient into each parameter's ``.grad``, as ``loss.backward()`` on the eager mean would
        (intermediate nodes get no gradient: they are not Values here)."""
        loss, grads = self.value_and_grad(*batch)
        for p, g in zip(self.parameters, grads.tolist()):
            p.grad += g
        return loss


def compile(fn: Callable[..., Any], *shapes: Shape, params: Sequence[Value] | None = None,
            example: Sequence[Any] | None = None, reduction: str = "mean") -> Program:
    """Trace ``fn`` on one symbolic example and compile it to run on batches.

    ``fn(*inputs)`` builds the graph of ONE example from Values and returns a Value (a loss or
    a single output) or a list of Values (outputs). Each of ``shapes`` describes one argument:
    an int ``d`` (fn receives a list of d Values), ``()`` (one Value), or a tuple such as
    ``(8, 8)`` (nested lists). A batch then passes, for each argument, an array of shape
    ``(N, *shape)``.

    ``params``: the shared leaves (a model's ``parameters()``) in the order gradient arrays use;
    any other leaf the graph reaches is appended. ``example``: numbers for the traced example
    (one per argument; zeros by default), only to make the traced graph nice to look at.
    ``reduction``: "mean" (default) or "sum" of the per-example losses.

    Raises :class:`DataDependentError` if ``fn`` reads a number while being traced (see the
    module's docstring), TypeError for an op that cannot run on arrays (a Function gate).
    """
    if not callable(fn):
        raise TypeError(f"compile() expects a function, got {type(fn).__name__}")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    norm = [_shape_of(s, i) for i, s in enumerate(shapes)]
    if example is not None and len(example) != len(norm):
        raise ValueError(f"example must give one value per input ({len(norm)}), "
                         f"got {len(example)}")
    plist: list[Value] = []
    seen: set[int] = set()
    for i, p in enumerate(params or []):
        if not isinstance(p, Value) or not p.is_leaf:
            raise TypeError(f"params[{i}] must be a leaf Value (a parameter), got {p!r}")
        if id(p) not in seen:
            seen.add(id(p))
            plist.append(p)
    inputs: list[Any] = []
    flat: list[Value] = []
    names = "xyzuvw"
    for i, shape in enumerate(norm):
        data = np.zeros(shape) if example is None else np.asarray(example[i], dtype=float)
        if data.shape != shape:
            raise ValueError(f"example[{i}] has shape {data.shape}, expected {shape}")
        struct, vals = _placeholders(shape, data, names[i] if i < len(names) else f"in{i}")
        inputs.append(struct)
        flat.extend(vals)
    with _Tracing():
        result = fn(*inputs)
    outputs, out_shape = _flatten_outputs(result)
    ph = {id(v) for v in flat}
    for i, p in enumerate(plist):
        if id(p) in ph:
            raise ValueError(f"params[{i}] is one of the traced inputs")
    return Program(fn, norm, inputs, flat, outputs, out_shape, plist, reduction)

"""Value: one scalar node of the computational graph.

A Value holds its number (``data``), its gradient (``grad``), and, if an op made it, the op's
name (``_op``), its inputs in argument order and the local derivative of its output with respect
to each input, computed from the op table (:mod:`autograd_core.rules`) at the moment the node is
made. Backprop then needs no closures: ``input.grad += local * node.grad`` for every edge, in
reverse topological order (:mod:`autograd_core.backward`). No node refers to itself, so a
dropped graph is freed by reference counting alone, never by the cyclic garbage collector.

Storage layout (the one place this module is clever, for speed and memory). A unary or binary
op keeps its inputs in the slots ``_a`` and ``_b`` and their local derivatives in ``_da`` and
``_db``; an n-ary op (sum, dot, logsumexp) keeps a tuple of inputs in ``_a`` and a tuple of local
derivatives in ``_da``; a leaf has ``_a = None``. A plain number on either side of an operator
(the 2 of ``x * 2``) is stored as that float, a constant input: like PyTorch, it takes part in
the computation but is not a node and gets no gradient. So building an op allocates exactly one
object the cyclic garbage collector has to track, which is what keeps a 100,000-op graph fast to
build. Read the graph through :attr:`Value.inputs`, :attr:`Value.parents` and
:attr:`Value.local_grads` rather than the slots.

The micrograd surface (``data``, ``grad``, ``_prev``, ``_op``, ``backward()``, ``relu()``,
``tanh()``, ``exp()``, the operators) works unchanged.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any, Union

from autograd_core import scalar_math as F
from autograd_core.rules import (
    ABS,
    ADD,
    CLAMP,
    DIV,
    ELU,
    EXP,
    LEAKY_RELU,
    LOG,
    MUL,
    NEG,
    POW,
    POWC,
    RELU,
    RULES,
    SIGMOID,
    SOFTPLUS,
    SQRT,
    SUB,
    TANH,
    Rule,
)

Number = Union[int, float]  # noqa: UP007  (a runtime alias; py3.10 safe)
Operand = Union["Value", int, float]  # noqa: UP007

# Recording state, read on every op. ``_fast`` is True when ops are recorded and anomaly
# detection is off: the common case takes a single global read. modes.py changes these.
_grad_enabled = True
_anomaly = False
_fast = True

_new = object.__new__


class AnomalyError(RuntimeError):
    """Raised inside ``detect_anomaly()`` at the first op that makes a non-finite value."""


def _number(x: Any) -> Any:
    """A plain number as a float (a constant input), or NotImplemented for anything else, so that
    Python raises its usual "unsupported operand type(s)" TypeError naming both types."""
    cls = x.__class__
    if cls is float:
        return x
    if cls is int or (isinstance(x, Real) and cls is not Value):
        return float(x)
    return NotImplemented


def _to_float(x: Any, what: str = "Value") -> float:
    """A plain number as a float; TypeError naming the type for anything else."""
    cls = x.__class__
    if cls is float:
        return x
    if cls is int or (isinstance(x, Real) and not isinstance(x, Value)):
        return float(x)
    if isinstance(x, Value):
        raise TypeError(f"{what} expects a plain number (int or float), got a Value; "
                        "use the Value itself, or its .data for the number")
    raise TypeError(f"{what} expects an int or float, got {cls.__name__}: {x!r}")


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back through it.

    >>> x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    >>> f = (x + y) * z
    >>> f.backward()
    >>> f.data, x.grad, y.grad, z.grad
    (-12.0, -4.0, -4.0, 3.0)
    """

    __slots__ = ("data", "grad", "label", "_op", "_arg", "_pending", "_a", "_b", "_da", "_db",
                 "__weakref__")

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    label: str | None
    _op: str
    _arg: Any
    _pending: int
    _a: Any
    _b: Any
    _da: Any
    _db: Any

    def __init__(self, data: Number, label: str | None = None) -> None:
        self.data = _to_float(data)
        self.grad = 0.0
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.label = label
        self._op = ""
        self._arg = None
        self._pending = 0
        self._a = None
        self._b = None
        self._da = None
        self._db = None

    # --- reading the graph (viz, compile, learners) -------------------------------------------
    @property
    def op(self) -> str:
        """The op-table name of the op that made this node ('add', 'tanh', ...); '' for a leaf."""
        return self._op

    @property
    def inputs(self) -> tuple[Any, ...]:
        """The op's inputs in argument order: Values, and floats for constant inputs
        (``x * 2`` gives ``(x, 2.0)``; ``x + x`` gives ``(x, x)``). Empty for a leaf."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a  # type: ignore[no-any-return]
        if self._b is None:  # unary ops have no second input; binary ones always do
            return (a,)
        return (a, self._b)

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d(self)/d(input) for each of :attr:`inputs`, in the same order."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return self._da  # type: ignore[no-any-return]
        if self._b is None:
            return (self._da,)
        return (self._da, self._db)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value inputs (constants left out), in argument order, repeats kept."""
        return tuple([x for x in self.inputs if x.__class__ is Value])

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for :attr:`parents`."""
        return self.parents

    @property
    def arg(self) -> Any:
        """The op's constant parameter (the exponent of ``x ** 3``, a slope), or None."""
        return self._arg

    @property
    def rule(self) -> Rule | None:
        """The op-table row of the op that made this node, or None for a leaf."""
        return RULES.get(self._op)

    @property
    def is_leaf(self) -> bool:
        """True for nodes no op made: inputs and parameters."""
        return self._a is None

    def __repr__(self) -> str:
        lab = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{lab})"

    def __float__(self) -> float:
        return self.data

    # --- binary operators (a plain number on either side is a constant input) -----------------
    def __add__(self, other: Operand) -> Value:
        t = type(other)
        if t is Value:
            return _binary(ADD, self, other, self.data, other.data)  # type: ignore[union-attr]
        if t is not float:
            other = _number(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(ADD, self, other, self.data, other)

    def __radd__(self, other: Number) -> Value:
        x = _number(other)
        return x if x is NotImplemented else _binary(ADD, x, self, x, self.data)

    def __sub__(self, other: Operand) -> Value:
        t = type(other)
        if t is Value:
            return _binary(SUB, self, other, self.data, other.data)  # type: ignore[union-attr]
        if t is not float:
            other = _number(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(SUB, self, other, self.data, other)

    def __rsub__(self, other: Number) -> Value:
        x = _number(other)
        return x if x is NotImplemented else _binary(SUB, x, self, x, self.data)

    def __mul__(self, other: Operand) -> Value:
        t = type(other)
        if t is Value:
            return _binary(MUL, self, other, self.data, other.data)  # type: ignore[union-attr]
        if t is not float:
            other = _number(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(MUL, self, other, self.data, other)

    def __rmul__(self, other: Number) -> Value:
        x = _number(other)
        return x if x is NotImplemented else _binary(MUL, x, self, x, self.data)

    def __truediv__(self, other: Operand) -> Value:
        t = type(other)
        if t is Value:
            return _binary(DIV, self, other, self.data, other.data)  # type: ignore[union-attr]
        if t is not float:
            other = _number(other)
            if other is NotImplemented:
                return NotImplemented
        return _binary(DIV, self, other, self.data, other)

    def __rtruediv__(self, other: Number) -> Value:
        x = _number(other)
        return x if x is NotImplemented else _binary(DIV, x, self, x, self.data)

    def __pow__(self, other: Operand) -> Value:
        """``x ** 2`` (a constant exponent: op 'powc') or ``x ** y`` (both differentiable)."""
        if type(other) is Value:
            return _binary(POW, self, other, self.data, other.data)  # type: ignore[union-attr]
        k = _number(other)
        return k if k is NotImplemented else _unary(POWC, self, k)

    def __rpow__(self, other: Number) -> Value:
        """``2 ** x``: a constant base, a differentiable exponent."""
        x = _number(other)
        return x if x is NotImplemented else _binary(POW, x, self, x, self.data)

    # --- unary operators and functions --------------------------------------------------------
    def __neg__(self) -> Value:
        return _unary(NEG, self, None)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ABS, self, None)

    def exp(self) -> Value:
        """e^x (overflows to inf)."""
        return _unary(EXP, self, None)

    def log(self) -> Value:
        """Natural logarithm (log 0 = -inf, log of a negative = nan)."""
        return _unary(LOG, self, None)

    def sqrt(self) -> Value:
        """Square root (sqrt of a negative = nan)."""
        return _unary(SQRT, self, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _unary(TANH, self, None)

    def sigmoid(self) -> Value:
        """Logistic function 1/(1 + e^-x), stable for large |x|."""
        return _unary(SIGMOID, self, None)

    def relu(self) -> Value:
        """max(x, 0); its derivative at 0 is 0, as in PyTorch."""
        return _unary(RELU, self, None)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x if x > 0 else slope * x."""
        return _unary(LEAKY_RELU, self, _to_float(slope, "leaky_relu slope"))

    def elu(self, alpha: float = 1.0) -> Value:
        """x if x > 0 else alpha (e^x - 1)."""
        return _unary(ELU, self, _to_float(alpha, "elu alpha"))

    def softplus(self) -> Value:
        """log(1 + e^x), stable; equals x above 20 as in PyTorch."""
        return _unary(SOFTPLUS, self, None)

    def clamp(self, min: float | None = None, max: float | None = None) -> Value:
        """x limited to [min, max] (either may be None); gradient 0 where it is clipped."""
        lo = None if min is None else _to_float(min, "clamp min")
        hi = None if max is None else _to_float(max, "clamp max")
        return _unary(CLAMP, self, (lo, hi))

    # --- gradients ----------------------------------------------------------------------------
    def backward(self, gradient: Number = 1.0, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every node of this graph with d(self)/d(node).

        Leaves (inputs, parameters) accumulate: a second call adds the same gradient again, as
        in PyTorch. Intermediate nodes are overwritten with this call's values. With
        ``create_graph=True`` the gradients are Values, themselves differentiable.
        """
        from autograd_core.backward import backward

        backward(self, gradient, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on every node of the graph below (and including) this one."""
        from autograd_core.backward import zero_grad

        zero_grad([self])

    def detach(self) -> Value:
        """A new leaf with the same number, cut from this graph (gradients stop here)."""
        return Value(self.data, self.label)


def _node_py(data: float, op: str, arg: Any, a: Any, b: Any, da: Any, db: Any) -> Value:
    """Make an op's output node (no validation: the engine's own constructor). The compiled
    twin in ``_speedups.node`` replaces it when built (see the end of this module)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = None
    v._op = op
    v._arg = arg
    v._pending = 0
    v._a = a
    v._b = b
    v._da = da
    v._db = db
    return v


_node: Callable[[float, str, Any, Any, Any, Any, Any], Value] = _node_py


def _leaf(data: float) -> Value:
    """An op's output made while recording is off (``no_grad``): a leaf with no history."""
    return _node(data, "", None, None, None, None, None)


def _binary(rule: Rule, a: Any, b: Any, x: float, y: Any) -> Value:
    """Apply a two-input rule; a and b are Values or floats (constants), x and y their numbers.
    (The hottest function of the engine.)"""
    out = rule.forward(F, x, y, None)
    if not _fast:
        return _slow(rule, (a, b), (x, y), out, None)
    da, db = rule.local(F, x, y, out, None)
    return _node(out, rule.name, None, a, b, da, db)


def _unary(rule: Rule, a: Value, k: Any) -> Value:
    x = a.data
    out = rule.forward(F, x, k)
    if not _fast:
        return _slow(rule, (a,), (x,), out, k)
    return _node(out, rule.name, k, a, None, rule.local(F, x, out, k)[0], None)


def split_inputs(values: Iterable[Any], who: str) -> tuple[tuple[Any, ...], tuple[float, ...]]:
    """The inputs of an op as stored on its node (Values, and floats for plain numbers) and
    their numbers. TypeError naming ``who`` and the position for anything else."""
    ins = []
    xs = []
    for i, v in enumerate(values):
        if type(v) is Value:
            ins.append(v)
            xs.append(v.data)  # type: ignore[union-attr]
        else:
            c = _number(v)
            if c is NotImplemented:
                raise TypeError(f"{who} input {i} must be a Value or a plain number, got "
                                f"{type(v).__name__}: {v!r}")
            ins.append(c)
            xs.append(c)
    if not ins:
        raise ValueError(f"{who} needs at least one input, got an empty sequence")
    return tuple(ins), tuple(xs)


def apply_nary(rule: Rule, values: Iterable[Operand], k: Any = None) -> Value:
    """One node for an n-ary op (sum, dot, logsumexp) over many inputs; plain numbers are
    constant inputs."""
    ins, xs = split_inputs(values, f"{rule.name}()")
    return _apply_tuple(rule, ins, xs, k)


def _apply_tuple(rule: Rule, ins: tuple[Any, ...], xs: tuple[float, ...], k: Any) -> Value:
    out = rule.forward(F, xs, k)
    if _fast:
        return _node(out, rule.name, k, ins, None, tuple(rule.local(F, xs, out, k)), None)
    return _slow(rule, ins, xs, out, k)


def _slow(rule: Rule, ins: tuple[Any, ...], xs: tuple[float, ...], out: float, k: Any) -> Value:
    """Node creation when not recording (no_grad) or when checking for anomalies."""
    if _anomaly and not math.isfinite(out):
        shown = ", ".join(repr(x) for x in xs)
        raise AnomalyError(
            f"detect_anomaly: op {rule.name!r} returned {out!r} from input(s) ({shown}); this is "
            "the first non-finite value in the graph. Check the inputs of this op.")
    if not _grad_enabled:
        return _leaf(out)
    if rule.arity == 1:
        return _node(out, rule.name, k, ins[0], None, rule.local(F, xs[0], out, k)[0], None)
    if rule.arity == 2:
        da, db = rule.local(F, xs[0], xs[1], out, k)
        return _node(out, rule.name, k, ins[0], ins[1], da, db)
    return _node(out, rule.name, k, ins, None, tuple(rule.local(F, xs, out, k)), None)


def _set_modes(grad_enabled: bool, anomaly: bool) -> None:
    """Switch recording and anomaly checking (used by :mod:`autograd_core.modes`)."""
    global _grad_enabled, _anomaly, _fast
    _grad_enabled = grad_enabled
    _anomaly = anomaly
    _fast = grad_enabled and not anomaly


def is_grad_enabled() -> bool:
    """True when ops are being recorded (outside ``no_grad()``)."""
    return _grad_enabled


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()``."""
    return _anomaly


# --- the optional C accelerator -------------------------------------------------------------
# autograd_core/_speedups.c compiles the two hot spots, node construction (_node) and the
# backward loop (backward._backward_fast), line for line and bit for bit. It is built at install
# time when a C compiler is there; AUTOGRAD_CORE_PURE_PYTHON=1 keeps it off.
_speedups: Any = None
_compiled_backward: Any = None  # read by backward.backward()

try:
    from autograd_core import _speedups  # type: ignore[attr-defined,no-redef]
except ImportError:
    _speedups = None
else:
    _speedups.bind(Value)


def use_accelerator(on: bool = True) -> bool:
    """Run the engine's hot spots compiled (on) or as their pure-Python reference (off), for
    example to step through ``_backward_fast`` in a debugger. Returns the previous setting.
    Gradients are the same bits either way. RuntimeError if asked on where it is not built."""
    global _node, _compiled_backward
    was = accelerated()
    if on and _speedups is None:
        raise RuntimeError("the C accelerator autograd_core/_speedups.c is not built; reinstall "
                           "with a C compiler and the Python headers present (pip install -e .)")
    _node = _speedups.node if on else _node_py
    _compiled_backward = _speedups.backward_fast if on else None
    return was


def accelerated() -> bool:
    """True when the engine runs its hot spots compiled (see :func:`use_accelerator`)."""
    return _compiled_backward is not None


if _speedups is not None and os.environ.get("AUTOGRAD_CORE_PURE_PYTHON", "") in ("", "0"):
    use_accelerator(True)

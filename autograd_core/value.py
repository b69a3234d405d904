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

The other slots, one meaning each: ``_op`` names what made the node (an op-table name; ``''``
for a Value the user made; ``'function'`` for a Function gate, whose node stores no local
gradients, ``_da`` None, because the gate computes upstream x local itself; ``'no_grad'`` for
an op's result under no_grad(), a leaf); ``_arg`` is the op's constant parameter (the exponent
of ``x ** 3``; for a gate, the gate); ``_pending`` counts, during a backward pass only, the
consumers that have still to send this node its gradient (0 otherwise). How gradient crosses an
edge is written once, in :mod:`autograd_core.walker`.

The micrograd surface (``data``, ``grad``, ``_prev``, ``_op``, ``backward()``, ``relu()``,
``tanh()``, ``exp()``, the operators) works unchanged.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any, Union

from autograd_core import scalar_math as F
from autograd_core.rules import (
    ABS,
    ACOS,
    ACOSH,
    ADD,
    ASIN,
    ASINH,
    ATAN,
    ATAN2,
    ATANH,
    CEIL,
    CLAMP,
    COS,
    COSH,
    DIV,
    ELU,
    EXP,
    EXP2,
    EXPM1,
    FLOOR,
    HYPOT,
    LEAKY_RELU,
    LOG,
    LOG1P,
    LOG2,
    LOG10,
    MAXIMUM,
    MINIMUM,
    MUL,
    NEG,
    POW,
    POWC,
    RELU,
    REMAINDER,
    ROUND,
    RULES,
    SIGMOID,
    SIGN,
    SIN,
    SINC,
    SINH,
    SOFTPLUS,
    SQRT,
    SUB,
    TAN,
    TANH,
    TRUNC,
    Rule,
)
from autograd_core.walker import GATE, NO_GRAD, contributions, walk

Number = Union[int, float]  # noqa: UP007  (a runtime alias; py3.10 safe)
Operand = Union["Value", int, float]  # noqa: UP007

# Recording state. Modes are per thread, as PyTorch's grad mode is: a prediction under
# no_grad() in one thread never stops another thread's training from recording. The hot path
# reads one global, ``_fast``, which is True while *no* thread is in a non-default mode (ops
# recorded, anomaly detection off); otherwise ops take ``_slow``, which reads this thread's
# modes. modes.py changes them through ``_set_modes``; ``value._grad_enabled`` and
# ``value._anomaly`` read the calling thread's (see the module ``__getattr__`` below).
class _ThreadModes(threading.local):
    grad_enabled = True
    anomaly = False


_modes = _ThreadModes()
_fast = True
_threads_off_default = 0
_modes_lock = threading.Lock()

# Results computed under no_grad() are leaves with no history whose op is NO_GRAD (walker.py):
# backward() refuses to start from them (there is no graph to differentiate).
__all__ = ["NO_GRAD", "AnomalyError", "Value"]

_new = object.__new__


class AnomalyError(RuntimeError):
    """Raised inside ``detect_anomaly()`` at the first op that makes a non-finite value."""


def __getattr__(name: str) -> Any:
    """``value._grad_enabled`` and ``value._anomaly``: the calling thread's modes."""
    if name == "_grad_enabled":
        return _modes.grad_enabled
    if name == "_anomaly":
        return _modes.anomaly
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    shape = getattr(x, "shape", None)
    if shape is not None and getattr(x, "dtype", None) is not None:
        if shape == () and getattr(x.dtype, "kind", "") in "biuf":
            return float(x)  # a 0-d numpy array holds one number, as torch.tensor(3.0) does
        raise TypeError(f"{what} expects one number, got an array of shape {tuple(shape)} "
                        f"(dtype {x.dtype}); a Value is a scalar: make one Value per element, "
                        "e.g. [Value(v) for v in a.ravel().tolist()]")
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise TypeError(
            f"class {cls.__name__}(Value): Value cannot be subclassed. The engine tells graph "
            "nodes from constants by their exact type (that is what keeps it fast), so a "
            "subclass's instances would silently get no gradient. Keep a Value as an attribute "
            "of your class instead (composition), or add a function that builds on Values.")

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
        return "" if self._a is None else self._op

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
            if self._op == GATE:  # its backward at upstream 1 (see function.py)
                return contributions(self, 1.0)
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
        """Refused: ``math.sin(v)`` or ``float(v)`` would take the number out of the graph and
        silently drop that term from every gradient (micrograd raises here too)."""
        _ = self.data  # inside compile() tracing, this read raises DataDependentError first
        raise TypeError(
            "a Value is not converted to a float implicitly: math.sin(v), math.exp(v) or "
            "float(v) would silently drop that term from the gradient. Use the Value's method "
            "(v.sin(), v.exp(), ...) to stay in the graph, or v.item() (or v.data) to take the "
            "number out on purpose.")

    def item(self) -> float:
        """The number, as a plain float (``tensor.item()``): no gradient flows through it."""
        return self.data

    # --- comparisons and truth (a 0-d tensor's behaviour; == stays identity) -------------------
    # <, <=, >, >= compare the numbers and return a plain bool, so max(values), min(values) and
    # sorted(values) work and return the Value objects themselves. Like any branch on a number,
    # they are not differentiable: the result is a bool, with no graph. == is identity (as in
    # micrograd), so Values can be members of sets and keys of dicts; compare numbers with
    # v.data == 3.0. Inside compile() tracing, all of these raise DataDependentError.
    def __lt__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is NotImplemented else self.data < o  # type: ignore[no-any-return]

    def __le__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is NotImplemented else self.data <= o  # type: ignore[no-any-return]

    def __gt__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is NotImplemented else self.data > o  # type: ignore[no-any-return]

    def __ge__(self, other: Operand) -> bool:
        o = _compare_operand(other)
        return NotImplemented if o is NotImplemented else self.data >= o  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        """Identity, as in micrograd (Values stay usable in sets and dicts). Comparing with a
        plain number is always False and warns: compare ``v.data == 3.0`` instead."""
        if other.__class__ is Value:
            return self is other
        if _number(other) is not NotImplemented:
            _warn_identity("==", other)
            return False
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        """Not identity (see ``==``); with a plain number always True, with a warning."""
        if other.__class__ is Value:
            return self is not other
        if _number(other) is not NotImplemented:
            _warn_identity("!=", other)
            return True
        return NotImplemented

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        """A 0-d tensor's truth value: ``data != 0`` (nan is true). Not differentiable."""
        return self.data != 0.0

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

    def __mod__(self, other: Operand) -> Value:
        """``a % b`` = a - b floor(a/b), the sign of the divisor (Python's, torch.remainder)."""
        t = type(other)
        if t is Value:
            return _binary(REMAINDER, self, other, self.data, other.data)  # type: ignore[union-attr]
        o = _number(other)
        return o if o is NotImplemented else _binary(REMAINDER, self, o, self.data, o)

    def __rmod__(self, other: Number) -> Value:
        x = _number(other)
        return x if x is NotImplemented else _binary(REMAINDER, x, self, x, self.data)

    def remainder(self, other: Operand) -> Value:
        """``self % other`` (torch.remainder)."""
        return self % other

    def _binary_op(self, rule: Rule, other: Operand, what: str) -> Value:
        if type(other) is Value:
            return _binary(rule, self, other, self.data, other.data)  # type: ignore[union-attr]
        o = _number(other)
        if o is NotImplemented:
            raise TypeError(f"{what} expects a Value or a plain number, got "
                            f"{type(other).__name__}: {other!r}")
        return _binary(rule, self, o, self.data, o)

    def maximum(self, other: Operand) -> Value:
        """The larger of self and other (torch.maximum): the gradient goes to the larger; at a
        tie each gets half; nan if either is nan."""
        return self._binary_op(MAXIMUM, other, "maximum()")

    def minimum(self, other: Operand) -> Value:
        """The smaller of self and other (torch.minimum): the gradient goes to the smaller; at a
        tie each gets half; nan if either is nan."""
        return self._binary_op(MINIMUM, other, "minimum()")

    def atan2(self, other: Operand) -> Value:
        """atan2(self, other): the angle of the point (x=other, y=self), in (-pi, pi]."""
        return self._binary_op(ATAN2, other, "atan2()")

    def hypot(self, other: Operand) -> Value:
        """sqrt(self^2 + other^2), without overflow in the squares."""
        return self._binary_op(HYPOT, other, "hypot()")

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

    def sin(self) -> Value:
        """Sine (nan at +-inf)."""
        return _unary(SIN, self, None)

    def cos(self) -> Value:
        """Cosine (nan at +-inf)."""
        return _unary(COS, self, None)

    def tan(self) -> Value:
        """Tangent."""
        return _unary(TAN, self, None)

    def asin(self) -> Value:
        """Inverse sine; nan outside [-1, 1], gradient inf at +-1."""
        return _unary(ASIN, self, None)

    def acos(self) -> Value:
        """Inverse cosine; nan outside [-1, 1], gradient -inf at +-1."""
        return _unary(ACOS, self, None)

    def atan(self) -> Value:
        """Inverse tangent."""
        return _unary(ATAN, self, None)

    def sinh(self) -> Value:
        """Hyperbolic sine (overflows to +-inf)."""
        return _unary(SINH, self, None)

    def cosh(self) -> Value:
        """Hyperbolic cosine (overflows to inf)."""
        return _unary(COSH, self, None)

    def asinh(self) -> Value:
        """Inverse hyperbolic sine."""
        return _unary(ASINH, self, None)

    def acosh(self) -> Value:
        """Inverse hyperbolic cosine; nan below 1."""
        return _unary(ACOSH, self, None)

    def atanh(self) -> Value:
        """Inverse hyperbolic tangent; +-inf at +-1, nan outside [-1, 1]."""
        return _unary(ATANH, self, None)

    def log1p(self) -> Value:
        """log(1 + x), accurate near 0."""
        return _unary(LOG1P, self, None)

    def expm1(self) -> Value:
        """e^x - 1, accurate near 0."""
        return _unary(EXPM1, self, None)

    def log2(self) -> Value:
        """Base-2 logarithm."""
        return _unary(LOG2, self, None)

    def log10(self) -> Value:
        """Base-10 logarithm."""
        return _unary(LOG10, self, None)

    def exp2(self) -> Value:
        """2^x."""
        return _unary(EXP2, self, None)

    def sinc(self) -> Value:
        """The normalised sinc sin(pi x)/(pi x), 1 at 0 (torch.sinc)."""
        return _unary(SINC, self, None)

    def sign(self) -> Value:
        """-1, 0 or 1; gradient 0 (PyTorch's convention for piecewise-constant ops)."""
        return _unary(SIGN, self, None)

    def floor(self) -> Value:
        """Largest integer <= x, as a Value; gradient 0."""
        return _unary(FLOOR, self, None)

    def ceil(self) -> Value:
        """Smallest integer >= x, as a Value; gradient 0."""
        return _unary(CEIL, self, None)

    def round(self) -> Value:
        """Nearest integer, ties to even (torch.round), as a Value; gradient 0."""
        return _unary(ROUND, self, None)

    def trunc(self) -> Value:
        """x rounded towards 0, as a Value; gradient 0."""
        return _unary(TRUNC, self, None)

    # --- gradients ----------------------------------------------------------------------------
    def _backward(self) -> None:
        """One node's step of the chain rule, as in Karpathy's micrograd lecture: for each
        Value input, ``input.grad += local * self.grad`` (upstream x local; the edge protocol
        of :mod:`autograd_core.walker`). Nothing on a leaf. ``backward()`` runs the same
        arithmetic for every node in reverse topological order; calling ``_backward()`` by
        hand, root first, shows one step at a time."""
        for p, contribution in zip(self.inputs, contributions(self, self.grad)):
            if p.__class__ is Value:
                p.grad += contribution

    def __reduce__(self) -> Any:
        """Pickle and copy.deepcopy support, iterative: the graph is stored as a flat list in
        forward order (inputs by position), so a 100,000-op chain needs no recursion."""
        return _reduce(self)

    def backward(self, gradient: Number = 1.0, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every node of this graph with d(self)/d(node).

        Leaves (inputs, parameters) accumulate: a second call adds the same gradient again, as
        in PyTorch. Intermediate nodes are overwritten with this call's values. With
        ``create_graph=True`` the gradients are Values, themselves differentiable.
        """
        _backward_pass(self, gradient, create_graph)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on every node of the graph below (and including) this one."""
        for node in walk([self]):
            node.grad = 0.0

    def retain_grad(self) -> None:
        """Make this intermediate node's ``.grad`` accumulate across backward passes, as a
        leaf's does (``tensor.retain_grad()``); without it, each pass overwrites it. No effect
        on a leaf, which always accumulates."""
        if self._a is not None:
            _retained.add(self)

    @property
    def retains_grad(self) -> bool:
        """True for an intermediate node after :meth:`retain_grad`."""
        return self in _retained

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
    """An op's output made while recording is off (``no_grad``): a leaf with no history,
    marked so that ``backward()`` from it says there is no graph."""
    return _node(data, NO_GRAD, None, None, None, None, None)


def _compare_operand(other: Any) -> Any:
    """The number a comparison with ``other`` reads, or NotImplemented."""
    if other.__class__ is Value:
        return other.data
    return _number(other)


def _reduce(root: Value) -> Any:
    """Pickle and deepcopy a Value without recursion: a leaf holding a number is its numbers; any
    other Value is the flat list of every node it reaches through its inputs and through
    gradients that are Values (after ``create_graph=True``, whose graphs reach back into the
    first), rebuilt in two steps (make the nodes, then link them), so depth and cycles through
    ``.grad`` cost nothing. Leaves holding a number stay objects of their own, which pickle's
    memo shares (a model's parameters stay the graph's)."""
    if root._a is None and root.grad.__class__ is not Value:
        return (_rebuild_leaf, (root.data, root.grad, root.label, root._op))
    index: dict[int, int] = {}
    nodes: list[Value] = []
    stack = [root]
    while stack:
        v = stack.pop()
        if id(v) in index:
            continue
        index[id(v)] = len(nodes)
        nodes.append(v)
        for x in (*v.inputs, v.grad):
            if x.__class__ is Value and (x._a is not None or x.grad.__class__ is Value):
                stack.append(x)

    def ref(x: Any) -> Any:
        return _Ref(index[id(x)]) if x.__class__ is Value and id(x) in index else x

    records = [(v.data, v.label, v._op, v._arg,
                tuple(map(ref, v._a)) if v._a.__class__ is tuple else ref(v._a),
                ref(v._b), v._da, v._db, ref(v.grad)) for v in nodes]
    return (_rebuild_graph, (records,))


class _Ref:
    """In a pickled graph: 'the node at this position of the record list'."""

    __slots__ = ("i",)

    def __init__(self, i: int) -> None:
        self.i = i

    def __reduce__(self) -> Any:
        return (_Ref, (self.i,))


def _rebuild_leaf(data: float, grad: Any, label: str | None, op: Any) -> Value:
    v = _node_py(data, op or "", None, None, None, None, None)
    v.grad = grad
    v.label = label
    return v


def _rebuild_graph(records: list[tuple[Any, ...]]) -> Value:
    nodes = [_node_py(r[0], r[2], r[3], None, None, r[6], r[7]) for r in records]

    def deref(x: Any) -> Any:
        return nodes[x.i] if x.__class__ is _Ref else x

    for v, (_, label, _, _, a, b, _, _, grad) in zip(nodes, records):
        v._a = tuple(map(deref, a)) if a.__class__ is tuple else deref(a)
        v._b = deref(b)
        v.grad = deref(grad)
        v.label = label
    return nodes[0]


def _warn_identity(op: str, other: Any) -> None:
    """The warning of ``v == 3.0`` and ``v != 3.0``, shown at the caller's line."""
    verdict = "False" if op == "==" else "True"
    warnings.warn(
        f"Value {op} {other!r} compares identity and is always {verdict} (== on Values is "
        f"identity, so they work in sets and dicts); compare the number: v.data {op} "
        f"{other!r}", stacklevel=3)


# Intermediate nodes whose .grad accumulates across passes (Value.retain_grad); read by backward.
_retained: weakref.WeakSet[Value] = weakref.WeakSet()


def _no_backward(root: Value, gradient: Any, create_graph: bool) -> None:
    raise RuntimeError("autograd_core.backward is not imported; import autograd_core")


# Value.backward() runs autograd_core.backward.backward, which builds on this module (it
# records create_graph with Values), so it installs itself here when imported (the package
# imports it); this module imports nothing above it.
_backward_pass: Callable[[Value, Any, bool], None] = _no_backward


def _install_backward(fn: Callable[[Value, Any, bool], None]) -> None:
    global _backward_pass
    _backward_pass = fn


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
    modes = _modes
    if modes.anomaly and not math.isfinite(out):
        shown = ", ".join(repr(x) for x in xs)
        raise AnomalyError(
            f"detect_anomaly: op {rule.name!r} returned {out!r} from input(s) ({shown}); this is "
            "the first non-finite value in the graph. Check the inputs of this op.")
    if not modes.grad_enabled:
        return _leaf(out)
    if rule.arity == 1:
        return _node(out, rule.name, k, ins[0], None, rule.local(F, xs[0], out, k)[0], None)
    if rule.arity == 2:
        da, db = rule.local(F, xs[0], xs[1], out, k)
        return _node(out, rule.name, k, ins[0], ins[1], da, db)
    return _node(out, rule.name, k, ins, None, tuple(rule.local(F, xs, out, k)), None)


def _set_modes(grad_enabled: bool, anomaly: bool) -> None:
    """Switch recording and anomaly checking for the calling thread (used by
    :mod:`autograd_core.modes` and by compile's tracing). Keeps ``_fast`` True exactly while
    every thread is in the default mode."""
    global _fast, _threads_off_default
    m = _modes
    was_default = m.grad_enabled and not m.anomaly
    m.grad_enabled = grad_enabled
    m.anomaly = anomaly
    now_default = grad_enabled and not anomaly
    if was_default != now_default:
        with _modes_lock:
            _threads_off_default += -1 if now_default else 1
            _fast = _threads_off_default == 0


def is_grad_enabled() -> bool:
    """True when ops are being recorded in this thread (outside ``no_grad()``)."""
    return _modes.grad_enabled


def is_anomaly_enabled() -> bool:
    """True inside ``detect_anomaly()`` in this thread."""
    return _modes.anomaly


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
    _speedups.bind(Value, GATE)


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


def _env_flag(name: str) -> bool:
    """An environment switch read as a boolean: 1/true/yes/on (any case) are on; unset, empty,
    0/false/no/off are off; anything else is an error that names the accepted words."""
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"environment variable {name}={os.environ[name]!r} is not a boolean; "
                     "use 1/true/yes/on or 0/false/no/off")


if _speedups is not None and not _env_flag("AUTOGRAD_CORE_PURE_PYTHON"):
    use_accelerator(True)

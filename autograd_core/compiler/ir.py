"""The compiler's intermediate form: expressions and statements as small typed objects.

Lowering (:mod:`~autograd_core.compiler.lower`) builds a program out of these objects, the
simplifier (:mod:`~autograd_core.compiler.simplify`) rewrites them, and the printer
(:mod:`~autograd_core.compiler.printer`) is the only place that turns them into Python text.
Nothing reads printed text back: a decision about an expression looks at its type and fields.

Each expression knows its *precedence* (Python's, as small integers: ``+ -`` 11, ``* / @`` 12,
unary minus 13, ``**`` 14, an atom 100), so the printer puts parentheses exactly where Python
needs them and the simplifier can ask whether an expression would need them at a given place.
Expressions also overload arithmetic (``a + b`` makes an :class:`BinOp`), which is how the op
table's formulas, written over a backend ``m`` and plain operators, evaluate to expressions:
tanh's local derivative ``1.0 - out * out`` on ``Name("A1")`` is
``BinOp("-", Num(1.0), BinOp("*", Name("A1"), Name("A1")))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Union

__all__ = ["ATOM", "AugAssign", "Assign", "Attr", "BinOp", "Call", "Comment", "Do", "Expr",
           "For", "Function", "Lst", "Name", "Neg", "Note", "NotSymbolic", "Num", "Return", "Slice",
           "Stmt", "Subscript", "Tup", "as_expr", "attr", "call", "is_num", "same"]

ATOM = 100
PREC = {"+": 11, "-": 11, "*": 12, "/": 12, "@": 12, "**": 14}
NEG_PREC = 13  #: unary minus (and what its operand needs)


class NotSymbolic(Exception):
    """A rule did something that cannot become an expression (a Python branch on an operand)."""


def is_num(x: Any, value: float) -> bool:
    """x is the float ``value`` with a positive sign (``-0.0`` is not ``0.0`` here)."""
    return isinstance(x, float) and x == value and math.copysign(1.0, x) == 1.0


def as_expr(x: Any) -> Expr:
    """An operand as an expression: expressions as they are, numbers as :class:`Num`."""
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool):
        raise NotSymbolic("bool")
    if isinstance(x, (int, float)):
        return Num(x)
    if x is None:
        return Name("None")
    if isinstance(x, tuple):
        return Tup(tuple(as_expr(v) for v in x))
    if type(x).__module__ == "numpy" and hasattr(x, "item"):  # a numpy scalar constant
        item = x.item()
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return Num(item)
    raise NotSymbolic(type(x).__name__)


class Expr:
    """Base of the expression nodes. Arithmetic builds larger expressions; anything that would
    need the number (``bool``, ``float``, comparisons, iteration) raises :class:`NotSymbolic`."""

    __slots__ = ()

    @property
    def prec(self) -> int:
        """Python's precedence of the outermost operator (ATOM for names, calls...)."""
        return ATOM

    def __add__(self, o: Any) -> Expr: return BinOp("+", self, as_expr(o))
    def __radd__(self, o: Any) -> Expr: return BinOp("+", as_expr(o), self)
    def __sub__(self, o: Any) -> Expr: return BinOp("-", self, as_expr(o))
    def __rsub__(self, o: Any) -> Expr: return BinOp("-", as_expr(o), self)
    # x * 1.0 is x, bit for bit (nan, inf and -0.0 included): the mean of one term, a unit scale
    def __mul__(self, o: Any) -> Expr: return self if is_num(o, 1.0) else BinOp("*", self,
                                                                                as_expr(o))
    def __rmul__(self, o: Any) -> Expr: return self if is_num(o, 1.0) else BinOp("*", as_expr(o),
                                                                                 self)
    def __truediv__(self, o: Any) -> Expr: return BinOp("/", self, as_expr(o))
    def __rtruediv__(self, o: Any) -> Expr: return BinOp("/", as_expr(o), self)
    def __matmul__(self, o: Any) -> Expr: return BinOp("@", self, as_expr(o))
    def __pow__(self, o: Any) -> Expr: return BinOp("**", self, as_expr(o))
    def __rpow__(self, o: Any) -> Expr: return BinOp("**", as_expr(o), self)
    def __neg__(self) -> Expr: return Neg(self)
    def __pos__(self) -> Expr: return self
    def __abs__(self) -> Expr: return Call(Name("abs"), (self,))

    def __getitem__(self, i: Any) -> Expr:
        if isinstance(i, bool) or not isinstance(i, int):
            raise NotSymbolic("an index that is not a number")
        return Subscript(self, (Num(i),))  # row i of a stacked result (softmax(x)[k])

    def __bool__(self) -> bool:
        raise NotSymbolic("a rule branched on an operand")

    def __float__(self) -> float:
        raise NotSymbolic("a rule read a number")

    def __lt__(self, o: Any) -> bool:
        raise NotSymbolic("comparison")

    __le__ = __gt__ = __ge__ = __lt__

    def __iter__(self) -> Any:
        raise NotSymbolic("iteration")

    def __len__(self) -> int:
        raise NotSymbolic("len")


@dataclass(eq=False, frozen=True)
class Name(Expr):
    """A variable of the generated code (``Z1``, ``s``, ``m``)."""
    id: str


@dataclass(eq=False, frozen=True)
class Num(Expr):
    """A number literal; a negative one prints as ``-1.5`` and needs parentheses after ``*``."""
    value: float

    @property
    def prec(self) -> int:
        v = self.value
        return 11 if (v < 0 or (isinstance(v, float) and math.copysign(1.0, v) < 0)) else ATOM


@dataclass(eq=False, frozen=True)
class BinOp(Expr):
    """``left op right`` for op in + - * / @ **."""
    op: str
    left: Expr
    right: Expr

    @property
    def prec(self) -> int:
        return PREC[self.op]

    @property
    def operand_prec(self) -> tuple[int, int]:
        """The precedence the left and the right operand need to stand without parentheses:
        ``**`` binds tighter than a unary minus on its left (``(-x) ** 2``) and groups to the
        right; the other operators group to the left (``a - (b - c)``)."""
        return (15, 13) if self.op == "**" else (PREC[self.op], PREC[self.op] + 1)


@dataclass(eq=False, frozen=True)
class Neg(Expr):
    """``-operand``."""
    operand: Expr

    @property
    def prec(self) -> int:
        return NEG_PREC


@dataclass(eq=False, frozen=True)
class Call(Expr):
    """``func(args..., key=value...)``."""
    func: Expr
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()


@dataclass(eq=False, frozen=True)
class Attr(Expr):
    """``obj.name`` (a backend function ``m.tanh``, a method ``X.sum``, ``W.T``)."""
    obj: Expr
    name: str


@dataclass(eq=False, frozen=True)
class Slice:
    """``start:stop:step`` inside a subscript (None parts are left out)."""
    start: int | None = None
    stop: int | None = None
    step: int | None = None


Index = Union[Expr, Slice, None]  # noqa: UP007  (None is numpy's new axis; Name("...") too)


@dataclass(eq=False, frozen=True)
class Subscript(Expr):
    """``obj[i, j, ...]``."""
    obj: Expr
    index: tuple[Index, ...]


@dataclass(eq=False, frozen=True)
class Tup(Expr):
    """A tuple display ``(a, b)`` (``(a,)`` for one item; ``(a, b,)`` with ``trailing``)."""
    items: tuple[Expr, ...]
    trailing: bool = False


@dataclass(eq=False, frozen=True)
class Lst(Expr):
    """A list display ``[a, b]``."""
    items: tuple[Expr, ...]


def attr(obj: str, name: str) -> Attr:
    return Attr(Name(obj), name)


def call(func: Expr | str, *args: Any, **kwargs: Any) -> Call:
    """``func(*args, **kwargs)``; a dotted string such as ``"np.zeros"`` names the function."""
    if isinstance(func, str):
        head, *rest = func.split(".")
        f: Expr = Name(head)
        for part in rest:
            f = Attr(f, part)
        func = f
    return Call(func, tuple(_arg(a) for a in args),
                tuple((k, _arg(v)) for k, v in kwargs.items()))


def _arg(x: Any) -> Expr:
    return Name(repr(x)) if isinstance(x, bool) else as_expr(x)


# --- statements ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """A statement's comment: ``head`` names the rule (``tanh``), ``rest`` says more
    (``: d(tanh x)/dx = 1 - tanh(x)^2``). Statements merged by the simplifier keep the heads."""
    head: str = ""
    rest: str = ""

    def __bool__(self) -> bool:
        return bool(self.head or self.rest)


@dataclass
class Assign:
    """``target = value``; ``target`` is a name or a subscript (``d[3] = 1.0``)."""
    target: Expr
    value: Expr
    note: Note = field(default_factory=Note)


@dataclass
class AugAssign:
    """``target += value`` (an in-place update)."""
    target: Expr
    value: Expr
    note: Note = field(default_factory=Note)


@dataclass
class Do:
    """An expression run for its effect (``np.add.at(d, ix, c)``); ``writes`` names the array
    it updates in place."""
    value: Expr
    writes: str | None = None
    note: Note = field(default_factory=Note)


@dataclass
class Comment:
    """A comment line."""
    text: str


@dataclass
class Return:
    value: Expr


@dataclass
class For:
    """``for targets in iter: body``: a run of steps of the same shape, rolled into a loop
    over a table of the numbers that differ from step to step (see
    :mod:`~autograd_core.compiler.loops`). ``writes``: the names the body assigns."""
    targets: Tup
    iter: Expr
    body: list[Stmt]
    writes: tuple[str, ...] = ()
    note: Note = field(default_factory=Note)


Stmt = Union[Assign, AugAssign, Do, Comment, Return, For]  # noqa: UP007


@dataclass
class Function:
    """``def name(args): body``."""
    name: str
    args: list[str]
    body: list[Stmt]


def root_name(e: Expr) -> str | None:
    """The variable an assignment target or in-place update writes (``d`` of ``d[3:5]``)."""
    while isinstance(e, (Subscript, Attr)):
        e = e.obj
    return e.id if isinstance(e, Name) else None


def same(a: Any, b: Any) -> bool:
    """Structural equality of two expressions (the same code), iteratively."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        if type(x) is not type(y):
            return False
        if isinstance(x, (tuple, list)):
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif isinstance(x, (Expr, Slice)):
            for f in fields(x):  # type: ignore[arg-type]
                stack.append((getattr(x, f.name), getattr(y, f.name)))
        elif x != y or (isinstance(x, float) and math.copysign(1.0, x) != math.copysign(1.0, y)):
            return False
    return True

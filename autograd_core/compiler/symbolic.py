"""The op table's formulas evaluated on expressions instead of numbers.

A rule is written over a backend ``m`` and plain operators (tanh's local derivative is
``1.0 - out * out``). Called with :class:`SymMath` as ``m`` and expressions of the intermediate
form (:mod:`~autograd_core.compiler.ir`) as operands, it returns the expression of the same
computation: ``m.tanh(Z1)`` for the forward, ``1.0 - A1 * A1`` for the local derivative. This is
how the compiler writes code without writing a derivative. A rule that branches on an operand
in Python cannot become an expression (:class:`~autograd_core.compiler.ir.NotSymbolic`); the
compiled code then calls the rule itself at run time.

:class:`SymSeq` is the n inputs of an n-ary rule as consecutive blocks (``W`` then ``X``), which
the rule slices (``a[:n // 2]``). :func:`constant_locals` and :func:`input_locals` read off an
n-ary rule whether its local derivatives are numbers (sum's ones) or its own inputs (dot's
``d/dw_i = x_i``), by calling it on probes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core.compiler.ir import (
    Attr,
    Call,
    Expr,
    Name,
    NotSymbolic,
    Num,
    Slice,
    Subscript,
    Tup,
    as_expr,
    attr,
    is_num,
)
from autograd_core.rules import Rule

__all__ = ["SymMath", "SymSeq", "constant_locals", "input_locals", "is_mask"]


class SymMath:
    """A backend whose functions print calls instead of making them: ``m.tanh(Z1)``. Only
    the names the given backend module defines exist (so a rule's expression runs there)."""

    def __init__(self, backend: Any, spell: Callable[[str], Expr] | None = None) -> None:
        self._backend = backend
        self._spell = spell  # how a function is named in code (default: m.name)

    def __getattr__(self, name: str) -> Callable[..., Expr]:
        fn = getattr(self._backend, name, None)
        if name.startswith("_") or not callable(fn):
            raise NotSymbolic(name)

        func = attr("m", name) if self._spell is None else self._spell(name)

        def make(*args: Any) -> Expr:
            return Call(func, tuple(to_expr(a) for a in args))
        return make


def is_mask(e: Any) -> Expr | None:
    """For ``m.where(c, 1.0, 0.0)`` (a 0/1 local derivative): the condition ``c``, whose boolean
    array times a float array gives the same numbers; else None."""
    if (isinstance(e, Call) and isinstance(e.func, Attr) and e.func.name == "where"
            and isinstance(e.func.obj, Name) and e.func.obj.id == "m" and len(e.args) == 3):
        one, zero = e.args[1], e.args[2]
        if (isinstance(one, Num) and is_num(one.value, 1.0) and isinstance(zero, Num)
                and is_num(zero.value, 0.0)):
            return e.args[0]
    return None


def to_expr(x: Any) -> Expr:
    if isinstance(x, SymSeq):
        return x.expr()
    return as_expr(x)


class SymSeq:
    """The n inputs of an n-ary group as consecutive blocks of code (``W`` then ``X``), for an
    n-ary rule to slice: ``a[:n // 2]`` on block boundaries is the block itself, inside a
    block a slice of it; across blocks a shorter SymSeq. As an expression, the blocks are
    stacked (``_cat``)."""

    def __init__(self, parts: list[tuple[int, int, Expr]]) -> None:
        self.parts = parts
        self.n = parts[-1][1]

    def __len__(self) -> int:
        return self.n

    def expr(self) -> Expr:
        if len(self.parts) == 1:
            return self.parts[0][2]
        return Call(Name("_cat"), (Tup(tuple(p[2] for p in self.parts), trailing=True),))

    def __getitem__(self, i: Any) -> Expr | SymSeq:
        if not isinstance(i, slice) or i.step not in (None, 1):
            raise NotSymbolic("an n-ary rule indexed one input")
        a, e, _ = i.indices(self.n)
        pieces: list[tuple[int, int, Expr]] = []
        for pa, pe, sym in self.parts:
            lo, hi = max(a, pa), min(e, pe)
            if lo >= hi:
                continue
            part = sym if (lo, hi) == (pa, pe) else Subscript(sym, (Slice(lo - pa, hi - pa),))
            pieces.append((lo - a, hi - a, part))
        if not pieces:
            raise NotSymbolic("an empty slice")
        return pieces[0][2] if len(pieces) == 1 else SymSeq(pieces)

    def __iter__(self) -> Any:
        raise NotSymbolic("iteration over the inputs")


class _Probe:
    """A stand-in for one input, to see whether an n-ary rule's local gradients are numbers
    or the inputs themselves."""

    def __init__(self, index: int = -1) -> None:
        self.index = index


class _NoMath:
    def __getattr__(self, name: str) -> Any:
        raise NotSymbolic(name)


def input_locals(rule: Rule, n: int, k: Any) -> list[int] | None:
    """When each local gradient of an n-ary rule is one of its inputs (dot: d/dw_i = x_i,
    d/dx_i = w_i), the index of that input for each; else None."""
    probes = tuple(_Probe(i) for i in range(n))
    try:
        res = tuple(rule.local(_NoMath(), probes, _Probe(), k))
    except Exception:
        return None
    if len(res) != n or not all(isinstance(r, _Probe) and 0 <= r.index < n for r in res):
        return None
    return [r.index for r in res]


def constant_locals(rule: Rule, n: int, k: Any) -> list[float] | None:
    """The local gradients of an n-ary rule when they are plain numbers whatever the inputs
    (the sum rule's ones); else None."""
    try:
        res = tuple(rule.local(_NoMath(), tuple(_Probe() for _ in range(n)), _Probe(), k))
    except Exception:
        return None
    if len(res) != n or not all(isinstance(r, (int, float)) and not isinstance(r, bool)
                                for r in res):
        return None
    return [float(r) for r in res]

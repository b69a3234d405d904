"""Lowering's workbench: where a group's operands live, and where their gradients go.

:class:`Emitter` holds what lowering builds up for one program (names, constant index arrays,
the forward and backward statements) and the operations every kind of group needs: the
expression reading some rows of an array (a slice when the rows are regular, an index array
otherwise), binding an expression to a new name, and sending a gradient contribution to the
rows it belongs to in the cheapest correct form (``d += c``, ``d[2:5] += c``,
``np.add.at``, ``np.bincount`` for rows of the shared vector that repeat).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from autograd_core import numpy_math
from autograd_core.compiler import runtime
from autograd_core.compiler.ir import (
    Assign,
    Attr,
    AugAssign,
    Call,
    Comment,
    Do,
    Expr,
    Name,
    Note,
    NotSymbolic,
    Num,
    Slice,
    Stmt,
    Subscript,
    Tup,
    as_expr,
    call,
)
from autograd_core.compiler.names import Namer
from autograd_core.compiler.schedule import Group, Node, Schedule
from autograd_core.rules import RULES, Rule

__all__ = ["Emitter", "Operand", "Ref", "method", "one_per_row", "row_slice", "runs", "sub"]


class Ref(NamedTuple):
    """Where one input of one member lives: kind "V" (row ``row`` of batched array ``name``),
    "S" (row ``row`` of the shared vector s) or "C" (the constant ``value``, row ``row`` of s)."""
    kind: str
    name: str
    row: int
    value: float = 0.0

    @property
    def key(self) -> tuple[str, int]:
        return (self.name, self.row)


class Operand:
    """One input slot of a group (or one block of an n-ary group's inputs): its expression,
    and the rows it reads, for the scatter of gradients."""

    def __init__(self, expr: Expr, kind: str, collapsed: bool, refs: list[Ref],
                 needs: bool) -> None:
        self.expr = expr
        self.kind = kind  # "V" batched rows, "S" rows of s, "C" one constant
        self.collapsed = collapsed  # every member reads the same row (broadcasts)
        self.refs = refs
        self.needs = needs


def runs(refs: list[Ref]) -> list[tuple[str, list[int], int, int]]:
    """Batched refs split into maximal runs from the same array: (name, rows, first, end)."""
    out: list[tuple[str, list[int], int, int]] = []
    for i, r in enumerate(refs):
        if out and out[-1][0] == r.name:
            out[-1][1].append(r.row)
            out[-1] = (r.name, out[-1][1], out[-1][2], i + 1)
        else:
            out.append((r.name, [r.row], i, i + 1))
    return out


def row_slice(rows: list[int]) -> Slice | None:
    """rows as a slice (4:8, 2:50:3) when they are equally spaced and increasing."""
    if len(rows) == 1:
        return Slice(rows[0], rows[0] + 1)
    step = rows[1] - rows[0]
    if step < 1 or any(b - a != step for a, b in zip(rows, rows[1:])):
        return None
    return Slice(rows[0], rows[-1] + 1, step if step > 1 else None)


def sub(obj: Expr | str, *index: Any) -> Subscript:
    return Subscript(Name(obj) if isinstance(obj, str) else obj,
                     tuple(i if i is None or isinstance(i, (Expr, Slice)) else as_expr(i)
                           for i in index))


def method(obj: Expr, name: str, *args: Any, **kwargs: Any) -> Call:
    return call(Attr(obj, name), *args, **kwargs)


def _is_method(e: Expr, name: str) -> bool:
    return isinstance(e, Call) and isinstance(e.func, Attr) and e.func.name == name


def one_per_row(e: Expr) -> bool:
    """An expression made to hold one number per row already (``c.ravel()``, ``c[:, 0]``,
    ``c.sum(axis=1)``), so no broadcast is needed before a bincount."""
    if _is_method(e, "ravel"):
        return True
    if isinstance(e, Call) and _is_method(e, "sum") and any(k == "axis" for k, _ in e.kwargs):
        return True
    return (isinstance(e, Subscript) and len(e.index) == 2 and isinstance(e.index[0], Slice)
            and isinstance(e.index[1], Num))


class Emitter:
    """The statements of one program being lowered, and the helpers that make them."""

    def __init__(self, sch: Schedule, reduction: str, want_grad: bool) -> None:
        self.sch = sch
        self.reduction = reduction
        self.want_grad = want_grad
        self.P = len(sch.params)
        self.ns: dict[str, Any] = {"np": np, "m": numpy_math, "_cat": runtime.cat,
                                   "_local": runtime.stack_locals}
        self.namer = Namer(set(self.ns))
        self.size: dict[str, int] = {}
        self.fwd: list[Stmt] = []
        self.bwd: list[Stmt] = []
        self.gstate: dict[str, str] = {}
        self.consts_by_key: dict[bytes, Name] = {}
        self.n_tmp = 0
        self.keep: set[str] = set()
        self.input_names: list[str] = []
        self.gname: dict[int, str] = {}     # a batched group's array name
        self.layer: dict[int, int] = {}     # a group's layer number (matrix products, Z, A)
        self.note: dict[int, str] = {}      # how a group was run, for describe()
        self.zgroups: set[int] = set()      # the groups named Z{layer}: W @ X + b

    # --- names and constants -------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        return self.namer.fresh(base)

    def const_array(self, arr: np.ndarray, hint: str = "_i") -> Name:
        arr = np.ascontiguousarray(arr)
        key = arr.dtype.str.encode() + str(arr.shape).encode() + arr.tobytes()
        name = self.consts_by_key.get(key)
        if name is None:
            self.n_tmp += 1
            text = f"_i{self.n_tmp}" if hint == "_i" else self.fresh(hint)
            self.namer.take(text)
            self.ns[text] = arr
            name = self.consts_by_key[key] = Name(text)
        return name

    def index_array(self, rows: list[int] | np.ndarray) -> Name:
        return self.const_array(np.array(rows, dtype=np.intp))

    def k_expr(self, k: Any) -> Expr:
        """A rule's constant k in code: the number itself, else a name bound to it."""
        try:
            return as_expr(k)
        except NotSymbolic:
            name = self.fresh("k")
            self.ns[name] = k
            return Name(name)

    def rule_name(self, rule: Rule) -> Name:
        name = f"rule_{rule.name}"
        self.ns[name] = RULES[rule.name]
        return Name(name)

    # --- where values live ---------------------------------------------------------------------
    def value_of(self, grp: Group) -> Expr:
        """The expression of a group's values: its array's name, or its rows of s."""
        if grp.batched:
            return Name(self.gname[id(grp)])
        return sub("s", Slice(grp.start, grp.start + len(grp.members)))

    def ref(self, x: Any) -> Ref:
        if not isinstance(x, Node):
            return Ref("C", "", self.sch.const(x), float(x))
        if not x.batched:
            return Ref("S", "s", x.row)
        if x.op == "input":
            return Ref("V", self.input_names[int(x.k)], x.index)
        assert x.group is not None
        return Ref("V", self.gname[id(x.group)], x.row)

    def v_rows(self, name: str, rows: list[int]) -> Expr:
        if rows == list(range(self.size[name])):
            return Name(name)
        sl = row_slice(rows)
        return sub(name, sl if sl is not None else self.index_array(rows))

    def s_rows(self, rows: list[int], col: bool, base: str = "s") -> Expr:
        sl = row_slice(rows)
        first: Expr | Slice = sl if sl is not None else self.index_array(rows)
        return sub(base, first, None) if col else sub(base, first)

    def matrix(self, table: np.ndarray, hint: str, base: str = "s") -> Expr:
        """Rows of s forming a (g, h) matrix: a view of s when they are laid out row by row
        (each row consecutive, rows equally spaced: a layer's weights), else an index array.
        ``base="gs"`` gives the same rows of the gradient vector."""
        g, h = table.shape
        a = int(table[0, 0])
        r = int(table[1, 0] - table[0, 0]) if g > 1 else h
        if (np.array_equal(table, a + r * np.arange(g)[:, None] + np.arange(h)[None, :])
                and r >= h and a + g * r <= self.sch.n_shared):
            view: Expr = method(sub(base, Slice(a, a + g * r)), "reshape", g, r)
            return view if r == h else sub(view, Slice(), Slice(None, h))
        return sub(base, self.const_array(table, hint))

    def operand(self, xs: list[Any], batched_group: bool, collapse: bool = True) -> Operand:
        """One input slot of an elementwise group (xs: the slot's input for each member).
        ``collapse``: one row read by every member may be read once and broadcast (not so for
        the inputs of a matrix product, whose rows are a dimension of the product)."""
        refs = [self.ref(x) for x in xs]
        needs = any(isinstance(x, Node) and x.needs for x in xs)
        g = len(refs)
        if refs[0].kind == "V":
            rs = runs(refs)
            if len(rs) == 1:
                name, rows = rs[0][0], rs[0][1]
                if g > 1 and len(set(rows)) == 1 and collapse:
                    return Operand(self.v_rows(name, rows[:1]), "V", True, refs, needs)
                return Operand(self.v_rows(name, rows), "V", False, refs, needs)
            parts = Tup(tuple(self.v_rows(n, r) for n, r, _, _ in rs))
            return Operand(self.bind(call("np.concatenate", parts), "cat"), "V", False, refs,
                           needs)
        if all(r.kind == "C" for r in refs) and len({r.value for r in refs}) == 1:
            return Operand(Num(refs[0].value), "C", True, refs, False)
        rows = [r.row for r in refs]
        if len(set(rows)) == 1:
            return Operand(sub("s", rows[0]), "S", True, refs, needs)
        return Operand(self.s_rows(rows, batched_group), "S", False, refs, needs)

    def bind(self, expr: Expr, hint: str, comment: str = "") -> Name:
        """A forward statement computing expr into a new name; returns the name."""
        name = self.fresh(hint)
        self.fwd.append(Assign(Name(name), expr, Note(comment)))
        return Name(name)

    def bind_b(self, expr: Expr) -> Name:
        """A backward statement computing expr into a new name; returns the name."""
        name = self.fresh("c")
        self.bwd.append(Assign(Name(name), expr))
        return Name(name)

    def comment(self, text: str) -> None:
        self.bwd.append(Comment(text))

    # --- gradients -----------------------------------------------------------------------------
    def accumulate(self, name: str, rows: list[int], C: Expr, fresh: bool) -> None:
        """d{name}[rows] += C, in the cheapest correct form."""
        d = "d" + name
        state = self.gstate.get(d)
        size = self.size[name]
        if rows == list(range(size)):
            if state is None:
                self.bwd.append(Assign(Name(d), C))
                self.gstate[d] = "owned" if fresh else "alias"
            elif state == "owned":
                self.bwd.append(AugAssign(Name(d), C))
            else:
                self.bwd.append(Assign(Name(d), Name(d) + C))
                self.gstate[d] = "owned"
            return
        if state is None:
            self.bwd.append(Assign(Name(d), call("np.zeros", Tup((Num(size), Name("N"))))))
        elif state == "alias":
            self.bwd.append(Assign(Name(d), method(Name(d), "copy")))
        self.gstate[d] = "owned"
        sl = row_slice(rows)
        if len(set(rows)) < len(rows):
            self.bwd.append(Do(call("np.add.at", Name(d), self.index_array(rows), C), d))
        elif sl is not None:
            self.bwd.append(AugAssign(sub(d, sl), C))
        else:
            self.bwd.append(AugAssign(sub(d, self.index_array(rows)), C))

    def accumulate_s(self, rows: list[int], C: Expr) -> None:
        """gs[rows] += C (C: one number per row, or one number for a single row)."""
        sl = row_slice(rows)
        if len(set(rows)) < len(rows):  # a row repeats: bincount sums its contributions
            w = C if one_per_row(C) else call("np.broadcast_to", C, Tup((Num(len(rows)),)))
            counts = call("np.bincount", self.index_array(rows), w, self.sch.n_shared)
            self.bwd.append(AugAssign(Name("gs"), counts))
        elif len(rows) == 1 and _is_method(C, "sum") and not C.args and not C.kwargs:  # type: ignore[attr-defined]
            self.bwd.append(AugAssign(sub("gs", rows[0]), C))
        elif sl is not None:
            self.bwd.append(AugAssign(sub("gs", sl), C))
        else:
            self.bwd.append(AugAssign(sub("gs", self.index_array(rows)), C))

    def scatter(self, op: Operand, C: Expr, fresh: bool, batched_group: bool) -> None:
        """Send contribution C (shaped like the group's output) to the operand's rows."""
        if not op.needs or op.kind == "C":
            return
        if op.kind == "V":
            if op.collapsed:
                r0 = op.refs[0]
                self.accumulate(r0.name, [r0.row], method(C, "sum", axis=0, keepdims=True), True)
                return
            rs = runs(op.refs)
            if len(rs) > 1 and not isinstance(C, (Name, Attr)):
                C = self.bind_b(C)
                fresh = False
            for name, rows, a, b in rs:
                part = C if len(rs) == 1 else sub(C, Slice(a, b))
                self.accumulate(name, rows, part, fresh and len(rs) == 1)
            return
        rows = [r.row for r in op.refs]
        if batched_group:
            C = method(C, "sum") if op.collapsed else method(C, "sum", axis=1)
        elif op.collapsed and len(op.refs) > 1:  # one shared row read by several members
            C = method(C, "sum")
        if isinstance(op.expr, Name) and op.expr.id in self.keep:
            # a named operand (a layer's biases b1): name its gradient
            self.bwd.append(Assign(Name("d" + op.expr.id), C))
            C = Name("d" + op.expr.id)
        self.accumulate_s(rows[:1] if op.collapsed else rows, C)


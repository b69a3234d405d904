"""Lowering one group of the schedule: its forward statement now, its backward ones later.

Each function takes the :class:`~autograd_core.compiler.emit.Emitter` and a group, appends the
group's forward statement, and returns a closure that appends its backward statements (called
in reverse order of the groups, once the upstream gradient exists), or None when nothing
upstream of a parameter runs through it. The expressions are the op table's own formulas
evaluated on expressions (:mod:`~autograd_core.compiler.symbolic`): tanh's rule
``1.0 - out * out`` becomes ``dZ1 = dA1 * (1.0 - A1 * A1)``.

* :func:`elementwise`: a unary or binary rule, one statement for the whole group.
* :func:`identity`: a sum of one input is that input.
* :func:`nary`: an n-ary rule (sum, dot, logsumexp, softmax) on its inputs stacked on a
  leading axis; dot and sum are written out from their locals read off the table.
* :func:`matmul`: a group of dot nodes that all read the same inputs is one matrix product,
  ``Z = W @ X``, with ``dW = dZ @ X.T`` and ``dX = W.T @ dZ``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import numpy_math
from autograd_core.compiler.emit import Emitter, Operand, Ref, method, runs, sub
from autograd_core.compiler.ir import (
    Assign,
    Attr,
    AugAssign,
    BinOp,
    Call,
    Expr,
    Name,
    Neg,
    Note,
    NotSymbolic,
    Num,
    Slice,
    Subscript,
    Tup,
    as_expr,
    call,
    same,
)
from autograd_core.compiler.names import stem
from autograd_core.compiler.schedule import Group, Node
from autograd_core.compiler.symbolic import (
    SymMath,
    SymSeq,
    constant_locals,
    input_locals,
    is_mask,
)

__all__ = ["elementwise", "identity", "matmul", "nary"]

Back = Callable[[], None]
SM = SymMath(numpy_math)


def _broadcast(e: Expr, g: int, batched: bool) -> Expr:
    shape = Tup((Num(g), Name("N"))) if batched else Tup((Num(g),))
    return call("np.broadcast_to", e, shape)


def _note(rule: Any) -> Note:
    return Note(rule.name, f": {rule.math}")


def _emit_forward(em: Emitter, grp: Group, value: Expr, note: Note) -> Expr:
    """The group's forward statement; returns the expression of its gradient."""
    if grp.batched:
        name = em.gname[id(grp)]
        em.fwd.append(Assign(Name(name), value, note))
        return Name("d" + name)
    rows = Slice(grp.start, grp.start + len(grp.members))
    em.fwd.append(Assign(sub("s", rows), value, note))
    return sub("gs", rows)


def _has_upstream(em: Emitter, grp: Group) -> bool:
    return not grp.batched or em.gstate.get("d" + em.gname[id(grp)]) is not None


def _bias_names(em: Emitter, grp: Group, ops: list[Operand]) -> None:
    """The shared operand of a layer's ``Z = W @ X + b`` gets the name b1 (or its label)."""
    layer = em.layer.get(id(grp), 0)
    g = len(grp.members)
    for op in ops:
        if op.kind == "S" and (not op.collapsed or g == 1):
            nodes = [em.sch.params[r.row] if r.kind == "S" and r.row < em.P else None
                     for r in op.refs]
            st = stem([x.label if isinstance(x, Node) else None for x in nodes])
            name = em.bind(op.expr, st or f"b{layer}",
                           f"the biases of layer {layer}, one per neuron")
            op.expr = name
            em.keep.add(name.id)


def _contribution(L: Any, dZ: Expr) -> tuple[Expr, bool]:
    """upstream x local, and whether the result is a new array (not an alias of dZ)."""
    mask = is_mask(L)
    if mask is not None:  # a 0/1 local: the boolean mask itself
        return BinOp("*", dZ, mask), True
    if isinstance(L, Expr):
        return BinOp("*", dZ, L), True
    if float(L) == 1.0:
        return dZ, False
    if float(L) == -1.0:
        return Neg(dZ), True
    return BinOp("*", as_expr(L), dZ), True


def elementwise(em: Emitter, grp: Group) -> Back | None:
    """A unary or binary rule over the whole group in one statement."""
    rule, k, b = grp.rule, grp.k, grp.batched
    g = len(grp.members)
    ops = [em.operand([m.inputs[j] for m in grp.members], b) for j in range(rule.arity)]
    if b and id(grp) in em.zgroups:
        _bias_names(em, grp, ops)
    # a constant operand enters the rule as the number itself (so x * 1.0 is x)
    syms: list[Any] = [op.refs[0].value if op.kind == "C" else op.expr for op in ops]
    try:
        fexpr = as_expr(rule.forward(SM, *syms, k))
    except NotSymbolic:
        fexpr = call(Attr(em.rule_name(rule), "forward"), Name("m"), *syms,
                     em.k_expr(k))
    if g > 1 and all(op.collapsed for op in ops):
        fexpr = _broadcast(fexpr, g, b)
    dZ = _emit_forward(em, grp, fexpr, _note(rule))
    outs = Name(em.gname[id(grp)]) if b else sub("s", Slice(grp.start, grp.start + g))
    todo = [j for j, op in enumerate(ops) if op.needs]
    if not todo:
        return None

    def back() -> None:
        if not _has_upstream(em, grp):
            return
        em.comment(f"{rule.name} backward: upstream x local")
        try:
            locs: tuple[Any, ...] = tuple(rule.local(SM, *syms, outs, k))
        except NotSymbolic:
            lname = em.bind_b(call(Attr(em.rule_name(rule), "local"), Name("m"), *syms,
                                   outs, em.k_expr(k)))
            locs = tuple(Subscript(lname, (Num(j),)) for j in range(rule.arity))
        slots = todo
        if len(todo) == 2 and ops[0].refs == ops[1].refs and same(ops[0].expr, ops[1].expr):
            # both inputs are the same rows (p * p): one contribution, the two locals added
            locs = (locs[0] + locs[1], None)
            slots = [0]
        for j in slots:
            C, fresh = _contribution(locs[j], dZ)
            em.scatter(ops[j], C, fresh, b)
    return back


def identity(em: Emitter, grp: Group) -> Back | None:
    """A sum of one input is that input (its local gradient is the rule's 1)."""
    b = grp.batched
    op = em.operand([m.inputs[0] for m in grp.members], b)
    value = op.expr
    if len(grp.members) > 1 and op.collapsed:
        value = _broadcast(value, len(grp.members), b)
    dZ = _emit_forward(em, grp, value, Note("sum of one input"))
    if not op.needs:
        return None

    def back() -> None:
        if _has_upstream(em, grp):
            em.scatter(op, dZ, False, b)
    return back


# --- n-ary rules --------------------------------------------------------------------------------

class Block:
    """Consecutive inputs [first, end) of an n-ary group that are read as one array."""

    def __init__(self, first: int, end: int, kind: str, collapsed: bool, expr: Expr,
                 table: list[list[Ref]]) -> None:
        self.first, self.end, self.kind = first, end, kind
        self.collapsed, self.expr, self.table = collapsed, expr, table


def _block_expr(em: Emitter, table: list[list[Ref]], kind: str, collapsed: bool,
                batched: bool) -> Expr:
    """A block of an n-ary group's inputs: shape (inputs, members|1, examples|1) in a batched
    group, (inputs, members|1) in a shared one."""
    if kind == "S":
        if collapsed:
            rows = em.s_rows([row[0].row for row in table], False)
            return sub(rows, Slice(), None, None) if batched else sub(rows, Slice(), None)
        ix = em.const_array(np.array([[r.row for r in row] for row in table], dtype=np.intp))
        return sub(sub("s", ix), Name("..."), None) if batched else sub("s", ix)
    names = {r.name for row in table for r in row}
    if collapsed and len(names) == 1:
        name = table[0][0].name
        return sub(em.v_rows(name, [row[0].row for row in table]), Slice(), None)
    if len(names) == 1:
        name = table[0][0].name
        return sub(name, em.const_array(np.array([[r.row for r in row] for row in table],
                                                 dtype=np.intp)))
    # one input position whose members read different arrays
    parts = Tup(tuple(em.v_rows(nm, r) for nm, r, _, _ in runs(table[0])))
    return sub(call("np.concatenate", parts), None)


def _blocks(em: Emitter, grp: Group, cuts: set[int]) -> list[Block]:
    members, n, g = grp.members, grp.n_inputs, len(grp.members)
    kinds = ["V" if isinstance(x, Node) and x.batched else "S" for x in members[0].inputs]
    blocks: list[Block] = []
    j = 0
    while j < n:
        refs_j = [em.ref(m.inputs[j]) for m in members]
        e = j + 1
        if kinds[j] == "S":
            while e < n and kinds[e] == "S" and e not in cuts:
                e += 1
        else:
            names = {r.name for r in refs_j}
            if len(names) == 1:
                while e < n and kinds[e] == "V" and e not in cuts and {
                        em.ref(m.inputs[e]).name for m in members} == names:
                    e += 1
        table = [[em.ref(m.inputs[i]) for m in members] for i in range(j, e)]
        collapsed = g == 1 or all(len({r.key for r in row}) == 1 for row in table)
        blocks.append(Block(j, e, kinds[j], collapsed,
                            _block_expr(em, table, kinds[j], collapsed, grp.batched), table))
        j = e
    return blocks


def nary(em: Emitter, grp: Group) -> Back:
    """An n-ary rule: the forward from the table on the inputs' blocks (or on them stacked)."""
    rule, k, b, n = grp.rule, grp.k, grp.batched, grp.n_inputs
    consts = constant_locals(rule, n, k)
    perm = None if consts is not None else input_locals(rule, n, k)
    # where the inputs a local gradient reads stop being consecutive (dot's two halves)
    cuts = set() if perm is None else {i for i in range(1, n) if perm[i] != perm[i - 1] + 1}
    blocks = _blocks(em, grp, cuts)
    seq = SymSeq([(blk.first, blk.end, blk.expr) for blk in blocks])
    stacked: list[Name] = []

    def XS() -> Name:
        """The inputs stacked into one array (bound to a name the first time)."""
        if not stacked:
            hint = f"in_{em.gname[id(grp)] if b else rule.name}"
            stacked.append(em.bind(seq.expr(), hint, f"the {n} inputs of each {rule.name}, "
                                                     "stacked"))
        return stacked[0]

    generic = consts is None and perm is None  # the backward needs the stacked inputs
    try:
        out = rule.forward(SM, SymSeq([(0, n, XS())]) if generic else seq, k)
        if not isinstance(out, Expr):
            raise NotSymbolic("not an expression")
        fexpr: Expr = out
    except Exception:  # a rule that computes in Python: call it on the stacked inputs
        fexpr = call(Attr(em.rule_name(rule), "forward"), Name("m"), XS(),
                     em.k_expr(k))
    if len(grp.members) > 1 and all(blk.collapsed for blk in blocks):
        fexpr = _broadcast(fexpr, len(grp.members), b)
    dZ = _emit_forward(em, grp, fexpr, _note(rule))

    def back() -> None:
        if _has_upstream(em, grp):
            em.comment(f"{rule.name} backward: upstream x local")
            _nary_back(em, grp, blocks, seq, consts, perm, XS, dZ)
    return back


def _nary_back(em: Emitter, grp: Group, blocks: list[Block], seq: SymSeq,
               consts: list[float] | None, perm: list[int] | None, XS: Callable[[], Name],
               dZ: Expr) -> None:
    rule, k, b, n, g = grp.rule, grp.k, grp.batched, grp.n_inputs, len(grp.members)
    ones = consts is not None and all(c == 1.0 for c in consts)
    if ones and g == 1 and all(blk.kind == "S" for blk in blocks):
        em.accumulate_s([row[0].row for blk in blocks for row in blk.table], dZ)
        return
    Cn: Expr | None = None
    if ones:
        Cn = em.bind_b(call("np.broadcast_to", dZ, BinOp("+", Tup((Num(n),)),
                                                          Attr(dZ, "shape"))))
    elif consts is not None:
        cname = em.const_array(np.array(consts).reshape((n, 1, 1) if b else (n, 1)),
                               "local_" + rule.name)
        Cn = em.bind_b(BinOp("*", cname, dZ))
    elif perm is None:
        local = call(Attr(em.rule_name(rule), "local"), Name("m"), XS(),
                     em.value_of(grp), em.k_expr(k))
        Cn = em.bind_b(BinOp("*", call("_local", local, 3 if b else 2), dZ))

    def part_of(a: int, e: int) -> Expr:
        if Cn is not None:
            return sub(Cn, Slice(a, e))
        assert perm is not None  # each local is an input: d dot/dw_i = x_i
        L = seq[perm[a]:perm[a] + (e - a)]
        return em.bind_b(BinOp("*", L.expr() if isinstance(L, SymSeq) else L, dZ))

    for blk in blocks:
        a, e, table = blk.first, blk.end, blk.table
        if not any(isinstance(m.inputs[i], Node) and m.inputs[i].needs
                   for m in grp.members for i in range(a, e)):
            continue
        part = part_of(a, e)
        if blk.kind == "V":
            if blk.collapsed:
                C = method(part, "sum", axis=1) if g > 1 else sub(part, Slice(), Num(0))
                op = Operand(Name("_"), "V", False, [row[0] for row in table], True)
                em.scatter(op, C, g > 1, True)  # a sum is a new array, a slice not
            else:
                op = Operand(Name("_"), "V", False, [r for row in table for r in row], True)
                em.scatter(op, method(part, "reshape", (e - a) * g, -1), False, True)
        else:
            if b:
                part = method(part, "sum", axis=2)
            if blk.collapsed:
                C = method(part, "sum", axis=1) if g > 1 else sub(part, Slice(), Num(0))
                em.accumulate_s([row[0].row for row in table], C)
            else:
                em.accumulate_s([r.row for row in table for r in row], method(part, "ravel"))


# --- matrix products ----------------------------------------------------------------------------

def matmul(em: Emitter, grp: Group, wh: int, h: int) -> Back:
    """A group of dots reading the same inputs X: ``Z = W @ X`` with W (g, h) rows of s."""
    members = grp.members
    widx = range(wh * h, wh * h + h)
    xidx = range((1 - wh) * h, (1 - wh) * h + h)
    L = em.layer.get(id(grp), 0)
    xop = em.operand([members[0].inputs[i] for i in xidx], True, collapse=False)  # X (h, N)
    X = xop.expr
    wrows = np.array([[em.ref(m.inputs[i]).row for i in widx] for m in members], dtype=np.intp)
    wnodes = [m.inputs[i] for m in members for i in widx]
    wneeds = any(isinstance(x, Node) and x.needs for x in wnodes)
    W = em.fresh(stem([x.label if isinstance(x, Node) else None for x in wnodes]) or f"W{L}")
    em.keep.add(W)
    g = len(members)
    em.fwd.append(Assign(Name(W), em.matrix(wrows, f"{W}_idx"),
                         Note(f"the weights of layer {L}: {g} x {h}, a row per neuron")))
    Z = em.gname[id(grp)]
    em.fwd.append(Assign(Name(Z), BinOp("@", Name(W), X),
                         Note("dot", ": d(w.x)/dw_i = x_i, d(w.x)/dx_i = w_i")))
    em.note[id(grp)] = "; one matrix product W @ X"
    dZ = Name("d" + Z)

    def back() -> None:
        if not _has_upstream(em, grp):
            return
        em.comment("dot backward: d/dW = dZ X^T, d/dX = W^T dZ")
        if wneeds:
            dW = Name("d" + W)
            em.bwd.append(Assign(dW, BinOp("@", dZ, Attr(X, "T"))))
            rows = wrows.reshape(-1).tolist()
            if len(set(rows)) < len(rows):
                em.accumulate_s(rows, method(dW, "ravel"))
            else:
                gW = em.matrix(wrows, f"{W}_idx", base="gs")
                if isinstance(gW, Call):  # a reshaped view: update it in place through [:]
                    gW = sub(gW, Slice())
                em.bwd.append(AugAssign(gW, dW))
        if xop.needs:
            em.scatter(xop, BinOp("@", Attr(Name(W), "T"), dZ), True, True)
    return back

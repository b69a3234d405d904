"""Stage 4, simplifying: fewer, more readable statements, the same computation.

Lowering writes one statement per group and per gradient contribution, most of them
temporaries. This pass takes the lowered function and returns a new one in which

* a forward temporary read exactly once is written into that use, when it needs no
  parentheses there (``Z1 = W1 @ x + b1`` rather than ``WX1 = W1 @ x; Z1 = WX1 + b1``) and the
  result stays shallow: at most :data:`MAX_DEPTH` levels, so a 20,000-deep chain becomes
  many short lines, never one expression Python's parser refuses;
* a forward temporary nobody reads is dropped;
* a name that only renames another (``dWX1 = dZ1``) is replaced by the other;
* a comment announcing a step that left no code is dropped.

It works on the expressions' structure (names, precedences), never on text, and visits every
statement a bounded number of times: linear in the length of the program.
"""

from __future__ import annotations

from dataclasses import replace

from autograd_core.compiler.ir import (
    ATOM,
    NEG_PREC,
    Assign,
    Attr,
    AugAssign,
    BinOp,
    Call,
    Comment,
    Do,
    Expr,
    For,
    Function,
    Lst,
    Name,
    Neg,
    Note,
    Num,
    Return,
    Stmt,
    Subscript,
    Tup,
    root_name,
)

__all__ = ["MAX_DEPTH", "simplify"]

MAX_DEPTH = 24
Use = tuple[int, int, int]  # (statement, precedence needed there, nesting depth there)


def _children(e: Expr, need: int) -> list[tuple[Expr, int]]:
    """The sub-expressions of e with the precedence each needs to go without parentheses."""
    if isinstance(e, (Name, Num)):
        return []
    if isinstance(e, BinOp):
        left, right = e.operand_prec
        return [(e.left, left), (e.right, right)]
    if isinstance(e, Neg):
        return [(e.operand, NEG_PREC)]
    if isinstance(e, Call):
        return [(e.func, ATOM)] + [(a, 0) for a in e.args] + [(v, 0) for _, v in e.kwargs]
    if isinstance(e, Attr):
        return [(e.obj, ATOM)]
    if isinstance(e, Subscript):
        return [(e.obj, ATOM)] + [(i, 0) for i in e.index if isinstance(i, Expr)]
    if isinstance(e, (Tup, Lst)):
        return [(v, 0) for v in e.items]
    return []


def _exprs(st: Stmt) -> list[Expr]:
    """The expressions a statement reads (an assignment's target only when it is not a
    plain name: ``d[3] += c`` reads d)."""
    if isinstance(st, Assign):
        return [st.value] if isinstance(st.target, Name) else [st.target, st.value]
    if isinstance(st, AugAssign):
        return [st.target, st.value]
    if isinstance(st, (Do, Return)):
        return [st.value]
    if isinstance(st, For):  # a loop reads what its body reads
        return [st.iter] + [e for b in st.body for e in _exprs(b)]
    return []


def _index_uses(stmts: list[Stmt]) -> dict[str, list[Use]]:
    uses: dict[str, list[Use]] = {}
    for j, st in enumerate(stmts):
        for top in _exprs(st):
            stack: list[tuple[Expr, int, int]] = [(top, 0, 0)]
            while stack:
                e, need, depth = stack.pop()
                if isinstance(e, Name):
                    uses.setdefault(e.id, []).append((j, need, depth))
                for child, n in _children(e, need):
                    stack.append((child, n, depth + 1))
    return uses


def _depth(e: Expr, sub_depth: dict[str, int]) -> int:
    if isinstance(e, Name):
        return sub_depth.get(e.id, 1)
    return 1 + max((_depth(c, sub_depth) for c, _ in _children(e, 0)), default=0)


def _resolve(e: Expr, subst: dict[str, Expr], ren: dict[str, str]) -> Expr:
    """e with inlined names replaced by their expressions and renamed names by the others."""
    if isinstance(e, Name):
        if e.id in subst:
            return _resolve(subst[e.id], subst, ren)
        if e.id in ren:
            return Name(ren[e.id])
        return e
    if isinstance(e, BinOp):
        return BinOp(e.op, _resolve(e.left, subst, ren), _resolve(e.right, subst, ren))
    if isinstance(e, Neg):
        return Neg(_resolve(e.operand, subst, ren))
    if isinstance(e, Call):
        return Call(_resolve(e.func, subst, ren), tuple(_resolve(a, subst, ren) for a in e.args),
                    tuple((k, _resolve(v, subst, ren)) for k, v in e.kwargs))
    if isinstance(e, Attr):
        return Attr(_resolve(e.obj, subst, ren), e.name)
    if isinstance(e, Subscript):
        return Subscript(_resolve(e.obj, subst, ren), tuple(
            _resolve(i, subst, ren) if isinstance(i, Expr) else i for i in e.index))
    if isinstance(e, Tup):
        return Tup(tuple(_resolve(v, subst, ren) for v in e.items), e.trailing)
    if isinstance(e, Lst):
        return Lst(tuple(_resolve(v, subst, ren) for v in e.items))
    return e


def _temp(st: Stmt | None, keep: set[str], defs: dict[str, int]) -> str | None:
    """The name a statement defines, if it is a temporary the simplifier may remove."""
    if isinstance(st, Assign) and isinstance(st.target, Name):
        name = st.target.id
        if name not in keep and defs.get(name) == 1:
            return name
    return None


def _inline(stmts: list[Stmt | None], n_fwd: int, keep: set[str], defs: dict[str, int],
            uses: dict[str, list[Use]], subst: dict[str, Expr], notes: dict[int, Note]) -> None:
    sub_depth: dict[str, int] = {}
    for i in range(n_fwd):
        st = stmts[i]
        name = _temp(st, keep, defs)
        if name is None:
            continue
        assert isinstance(st, Assign)
        found = [u for u in uses.get(name, ()) if u[0] > i and stmts[u[0]] is not None]
        if not found:
            stmts[i] = None
            continue
        if len(found) != 1 or found[0][0] >= n_fwd:
            continue
        j, need, at = found[0]
        if isinstance(stmts[j], For):  # a loop's body reads it at every step: keep the name
            continue
        value = st.value
        while isinstance(value, Name) and value.id in subst:
            value = subst[value.id]
        depth = _depth(st.value, sub_depth)
        if value.prec < need or at + depth > MAX_DEPTH:
            continue
        subst[name] = st.value
        sub_depth[name] = depth
        cons = stmts[j]
        assert isinstance(cons, (Assign, AugAssign, Do))
        mine = notes.get(i, st.note)
        if mine:
            theirs = notes.get(j, cons.note)
            notes[j] = Note(f"{mine.head} + {theirs.head}") if theirs else mine
        stmts[i] = None


def _last_changes(stmts: list[Stmt | None]) -> dict[str, int]:
    """For each name, the index of the last statement that assigns it or updates it in place."""
    last: dict[str, int] = {}
    for j, st in enumerate(stmts):
        if isinstance(st, (Assign, AugAssign)):
            name = root_name(st.target)
            if name is not None:
                last[name] = j
        elif isinstance(st, Do) and st.writes is not None:
            last[st.writes] = j
        elif isinstance(st, For):
            for name in st.writes:
                last[name] = j
    return last


def _renames(stmts: list[Stmt | None], keep: set[str], defs: dict[str, int],
             subst: dict[str, Expr]) -> dict[str, str]:
    last = _last_changes(stmts)
    ren: dict[str, str] = {}
    for i, st in enumerate(stmts):
        name = _temp(st, keep, defs)
        if name is None:
            continue
        assert isinstance(st, Assign)
        value = st.value
        while isinstance(value, Name) and value.id in subst:
            value = subst[value.id]
        if not isinstance(value, Name):
            continue
        new = ren.get(value.id, value.id)
        if last.get(new, -1) > i:
            continue
        ren[name] = new
        stmts[i] = None
    return ren


def _rebuilt(st: Stmt, subst: dict[str, Expr], ren: dict[str, str]) -> Stmt:
    if isinstance(st, Assign):
        target = st.target if isinstance(st.target, Name) else _resolve(st.target, subst, ren)
        return Assign(target, _resolve(st.value, subst, ren), st.note)
    if isinstance(st, AugAssign):
        return AugAssign(_resolve(st.target, subst, ren), _resolve(st.value, subst, ren),
                         st.note)
    if isinstance(st, Do):
        return Do(_resolve(st.value, subst, ren), st.writes, st.note)
    if isinstance(st, Return):
        return Return(_resolve(st.value, subst, ren))
    if isinstance(st, For):
        return replace(st, iter=_resolve(st.iter, subst, ren),
                       body=[_rebuilt(b, subst, ren) for b in st.body])
    return st


def simplify(fn: Function, n_fwd: int, keep: set[str]) -> Function:
    """The simplified function (a new one; ``fn`` is not changed). ``n_fwd``: how many of the
    first statements are the forward pass (only those are written into their uses);
    ``keep``: names that stay (arguments, layer arrays a reader looks for)."""
    stmts: list[Stmt | None] = list(fn.body)
    defs: dict[str, int] = {}
    for st in stmts:
        if isinstance(st, Assign) and isinstance(st.target, Name):
            defs[st.target.id] = defs.get(st.target.id, 0) + 1
    uses = _index_uses(fn.body)
    subst: dict[str, Expr] = {}
    notes: dict[int, Note] = {}
    _inline(stmts, n_fwd, keep, defs, uses, subst, notes)
    ren = _renames(stmts, keep, defs, subst)
    touched = {u[0] for name in (*subst, *ren) for u in uses.get(name, ())}
    out: list[Stmt] = []
    for j, st in enumerate(stmts):
        if st is None:
            continue
        if j in touched:
            st = _rebuilt(st, subst, ren)
        if j in notes:
            assert isinstance(st, (Assign, AugAssign, Do))
            st = replace(st, note=notes[j])
        out.append(st)
    out = [st for i, st in enumerate(out) if not isinstance(st, Comment) or (
        i + 1 < len(out) and not isinstance(out[i + 1], Comment))]
    return Function(fn.name, list(fn.args), out)

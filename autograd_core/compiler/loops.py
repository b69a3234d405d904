"""Rolling a long chain of one-row steps into a loop.

A deep narrow graph, ``y = (y * 0.9999).tanh()`` 5,000 times, schedules into one group per
node, each a single row: lowered one statement per group, the program has a line per node and
Python's own ``compile()`` of those lines costs more than the whole compilation of a wide MLP of
the same size. This pass finds *runs*: chains of one-member batched groups, each reading the
previous step's value (used nowhere else) and otherwise only constants, whose sequence of rules
repeats with a short period (``mul, tanh``). Such a run is written as one ``for`` statement
over a table of the constants that differ from step to step (none here), forward and backward::

    tanh3 = x * s[0]
    H_tanh3 = [tanh3]
    for _ in range(5000):                   # a loop of 5000 x (mul, tanh)
        tanh3 = tanh3 * 0.9999
        H_tanh3.append(tanh3)
        tanh3 = m.tanh(tanh3)
        H_tanh3.append(tanh3)
    ...
    for t in _back1:                        # table: the steps' positions in H, in reverse
        dtanh3 = dtanh3 * (1.0 - H_tanh3[t + 2] * H_tanh3[t + 2])
        dtanh3 = dtanh3 * 0.9999

The body is the op table's formulas evaluated on expressions, as for every other group, so the
loop runs the same floating-point operations in the same order as the unrolled code: the
results are equal bit for bit. ``H`` keeps every step's value for the backward pass (step ``t``
reads ``H[t]`` and writes ``H[t + 1]``). Compile time is then per period, not per node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd_core import numpy_math
from autograd_core.compiler.emit import Emitter, method, sub
from autograd_core.compiler.ir import (
    Assign,
    BinOp,
    Do,
    Expr,
    For,
    Lst,
    Name,
    Note,
    Num,
    Stmt,
    Tup,
    as_expr,
    call,
)
from autograd_core.compiler.lower_groups import _contribution
from autograd_core.compiler.schedule import Group, Node
from autograd_core.compiler.symbolic import SymMath, is_mask

__all__ = ["MAX_PERIOD", "MIN_STEPS", "Run", "find_runs", "lower_run"]

MIN_STEPS = 32  # shorter chains are cheap to write out, and read better that way
MAX_PERIOD = 8
SM = SymMath(numpy_math)
Back = Callable[[], None]


@dataclass
class Run:
    """``groups`` (one step each, in order) repeating a pattern of ``period`` steps ``reps``
    times; ``pos[q]``: which input of step q is the previous value; ``consts[q]``: step q's
    constant input in each repetition (empty for a one-input rule)."""
    groups: list[Group]
    period: int
    reps: int
    pos: list[int]
    consts: list[list[float]]


def _signature(grp: Group) -> tuple[str, str, int] | None:
    """(rule, k, the input that is the previous value) for a group that can be a step."""
    if not grp.batched or len(grp.members) != 1 or grp.rule.arity not in (1, 2):
        return None
    pos = -1
    for j, x in enumerate(grp.members[0].inputs):
        if isinstance(x, Node):
            if pos >= 0 or not x.batched:
                return None
            pos = j
    return None if pos < 0 else (grp.rule.name, repr(grp.k), pos)


def _period(sigs: list[tuple[str, str, int]]) -> tuple[int, int]:
    """The period covering most of ``sigs`` from its start, and its number of repetitions."""
    best = (1, 0)
    for p in range(1, min(MAX_PERIOD, len(sigs) // 2) + 1):
        k = p
        while k < len(sigs) and sigs[k] == sigs[k - p]:
            k += 1
        if (k // p) * p > best[0] * best[1]:
            best = (p, k // p)
        if k == len(sigs):  # the whole chain repeats: a longer period covers no more
            break
    return best


def _symbolic(sigs: list[tuple[str, str, int]], grps: list[Group]) -> bool:
    """Every step's rule (forward and local) is an expression with its constant a name."""
    for (_, _, pos), grp in zip(sigs, grps):
        args: list[Any] = [Name("c"), Name("c")]
        args[pos] = Name("v")
        args = args[:grp.rule.arity]
        try:
            as_expr(grp.rule.forward(SM, *args, grp.k))
            loc = grp.rule.local(SM, *args, Name("o"), grp.k)[pos]
            if is_mask(loc) is None:
                as_expr(loc)
        except Exception:  # a rule that computes in Python is lowered step by step
            return False
    return True


def find_runs(groups: list[Group]) -> dict[int, Run]:
    """The runs of ``groups`` (execution order), keyed by the id of each run's last group."""
    consumer: dict[int, Group] = {}
    for grp in groups:
        if len(grp.members) == 1:
            for x in grp.members[0].inputs:
                if isinstance(x, Node):
                    consumer[id(x)] = grp
    runs: dict[int, Run] = {}
    seen: set[int] = set()
    for start in groups:
        first = None if id(start) in seen else _signature(start)
        if first is None:
            continue
        chain = [start]
        sigs = [first]
        while True:
            m = chain[-1].members[0]
            nxt = consumer.get(id(m))
            if m.users != 1 or nxt is None or id(nxt) in seen:
                break
            sig = _signature(nxt)
            if sig is None or nxt.members[0].inputs[sig[2]] is not m:
                break
            chain.append(nxt)
            sigs.append(sig)
        seen.update(id(g) for g in chain)
        p, reps = _period(sigs)
        if p * reps < MIN_STEPS or not _symbolic(sigs[:p], chain[:p]):
            continue
        chain = chain[:p * reps]
        pos = [s[2] for s in sigs[:p]]
        consts = [[float(chain[r * p + q].members[0].inputs[1 - pos[q]]) for r in range(reps)]
                  if chain[q].rule.arity == 2 else [] for q in range(p)]
        runs[id(chain[-1])] = Run(chain, p, reps, pos, consts)
    return runs


def _table(em: Emitter, run: Run, backward: bool) -> tuple[Tup, Expr, list[Expr]]:
    """The loop's targets and iterable, and each step's constant (a number when it is the
    same in every repetition, else a loop variable)."""
    p, reps = run.period, run.reps
    consts: list[Expr] = []
    columns: list[list[Any]] = []
    names: list[Expr] = []
    if backward:
        names.append(Name(em.fresh("t")))
        columns.append([r * p for r in range(reps)])
    for vals in run.consts:
        if not vals or all(v == vals[0] and str(v) == str(vals[0]) for v in vals):
            consts.append(Num(vals[0]) if vals else Num(0.0))
            continue
        c = Name(em.fresh("c"))
        names.append(c)
        columns.append(vals)
        consts.append(c)
    if not columns:
        return Tup((Name("_"),)), call("range", reps), consts
    rows: list[Any] = list(zip(*columns)) if len(columns) > 1 else columns[0]
    if backward:
        rows.reverse()
    table = em.fresh("chain_back" if backward else "chain_steps")
    em.namer.take(table)
    em.ns[table] = rows
    return Tup(tuple(names)), Name(table), consts


def _args(run: Run, q: int, value: Expr, consts: list[Expr]) -> list[Expr]:
    args = [consts[q], consts[q]]
    args[run.pos[q]] = value
    return args[:run.groups[q].rule.arity]


def lower_run(em: Emitter, run: Run) -> Back | None:
    """The run's forward loop now; returns the closure writing its backward loop."""
    first, last = run.groups[0], run.groups[-1]
    v = Name(em.gname[id(last)])
    x0 = first.members[0].inputs[run.pos[0]]
    op = em.operand([x0], True)
    em.keep.add(v.id)
    grad = em.want_grad and last.needs
    H = Name("H_" + v.id)
    em.fwd.append(Assign(v, op.expr, Note("the chain's input")))
    if grad:
        em.namer.take(H.id)
        em.keep.add(H.id)
        em.fwd.append(Assign(H, Lst((v,)), Note("every step's value, for the backward pass")))
    targets, it, consts = _table(em, run, False)
    body: list[Stmt] = []
    value: Expr = v
    for q, grp in enumerate(run.groups[:run.period]):
        value = as_expr(grp.rule.forward(SM, *_args(run, q, value, consts), grp.k))
        if grad:
            body += [Assign(v, value), Do(method(H, "append", v), H.id)]
            value = v
    if not grad:
        body.append(Assign(v, value))
    names = ", ".join(g.rule.name for g in run.groups[:run.period])
    em.fwd.append(For(targets, it, body, (v.id,), Note(f"a loop of {run.reps} x ({names})")))
    em.note[id(last)] = f"; the last of {len(run.groups)} steps rolled into one loop"
    if not grad:
        return None

    def back() -> None:
        dv = Name("d" + v.id)
        if em.gstate.get(dv.id) is None:
            return
        em.keep.add(dv.id)
        em.comment(f"the loop backward: {names} in reverse, upstream x local")
        targets, it, consts = _table(em, run, True)
        t = targets.items[0]
        stmts: list[Stmt] = []
        for q in reversed(range(run.period)):
            grp = run.groups[q]
            xq = sub(H, BinOp("+", t, Num(q)) if q else t)
            out = sub(H, BinOp("+", t, Num(q + 1)))
            loc = grp.rule.local(SM, *_args(run, q, xq, consts), out, grp.k)[run.pos[q]]
            C, _ = _contribution(loc, dv)
            if C is not dv:
                stmts.append(Assign(dv, C))
        em.bwd.append(For(targets, it, stmts or [Assign(dv, dv)], (dv.id,)))
        em.scatter(op, dv, False, True)
    return back


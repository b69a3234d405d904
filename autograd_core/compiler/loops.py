"""Rolling a long chain of one-row steps into a loop.

A deep narrow graph, ``y = (y * 0.9999).tanh()`` 5,000 times, schedules into one group per
node, each a single row: lowered one statement per group, the program has a line per node and
Python's own ``compile()`` of those lines costs more than the whole compilation of a wide MLP of
the same size. This pass finds *runs*: chains of one-member batched groups, each reading the
previous step's value (used nowhere else) and otherwise only a constant or a shared number (a
parameter, whose gradient the backward loop adds into ``gs``), whose sequence of rules repeats
with a short period (``mul, tanh``). Such a run is written as one ``for`` statement over a
table of the constants (or rows of s) that differ from step to step (none here), forward and
backward::

    losses = x * s[0]                       # mul + the chain's input
    H_losses = [losses]                     # every step's value, for the backward pass
    for _ in range(5000):                   # a loop of 5000 x (mul, tanh)
        losses = losses * 0.9999
        H_losses.append(losses)
        losses = m.tanh(losses)
        H_losses.append(losses)
    ...
    for t in range(9998, -1, -2):
        dlosses = dlosses * (1.0 - H_losses[t + 2] * H_losses[t + 2])
        dlosses = dlosses * 0.9999

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
    AugAssign,
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
    other input in each repetition (empty for a one-input rule): a number, or for a *shared*
    other input (``shared[q]``, a parameter) its row of s; ``needs[q]``: that shared input
    needs a gradient."""
    groups: list[Group]
    period: int
    reps: int
    pos: list[int]
    consts: list[list[float]]
    shared: list[bool]
    needs: list[bool]


Sig = tuple[str, str, int, bool]


def _signature(grp: Group) -> Sig | None:
    """(rule, k, the input that is the previous value, whether the other input is shared) for
    a group that can be a step."""
    if not grp.batched or len(grp.members) != 1 or grp.rule.arity not in (1, 2):
        return None
    pos = -1
    shared = False
    for j, x in enumerate(grp.members[0].inputs):
        if isinstance(x, Node):
            if not x.batched:
                shared = True
            elif pos >= 0:
                return None
            else:
                pos = j
    k = grp.k
    return None if pos < 0 else (grp.rule.name, "" if k is None else repr(k), pos, shared)


def _period(sigs: list[Sig], o: int) -> tuple[int, int]:
    """The period covering most of ``sigs`` from ``o`` on, and its number of repetitions."""
    best = (1, 0)
    n = len(sigs)
    for p in range(1, min(MAX_PERIOD, (n - o) // 2) + 1):
        k = o + p
        while k < n and sigs[k] == sigs[k - p]:
            k += 1
        reps = (k - o) // p
        if reps * p > best[0] * best[1]:
            best = (p, reps)
        if k == n:  # the rest of the chain repeats: a longer period covers no more
            break
    return best


def _segments(sigs: list[Sig]) -> list[tuple[int, int, int]]:
    """The periodic stretches of a chain worth a loop: (first step, period, repetitions). A
    stretch may start a few steps in (a chain's first step often differs: ``x * w``)."""
    out = []
    i = 0
    while len(sigs) - i >= MIN_STEPS:
        o, p, reps = i, 1, 0
        for start in range(i, min(i + MAX_PERIOD, len(sigs))):
            sp, sreps = _period(sigs, start)
            if sp * sreps > p * reps:
                o, p, reps = start, sp, sreps
            if len(sigs) - start - p * reps < p:  # covers the rest: a later start cannot win
                break
        if p * reps < MIN_STEPS:
            i += MAX_PERIOD
            continue
        out.append((o, p, reps))
        i = o + p * reps
    return out


def _symbolic(sigs: list[Sig], grps: list[Group]) -> bool:
    """Every step's rule (forward and local) is an expression with its constant a name."""
    for (_, _, pos, _), grp in zip(sigs, grps):
        args: list[Any] = [Name("c"), Name("c")]
        args[pos] = Name("v")
        args = args[:grp.rule.arity]
        try:
            as_expr(grp.rule.forward(SM, *args, grp.k))
            for loc in grp.rule.local(SM, *args, Name("o"), grp.k)[:grp.rule.arity]:
                if is_mask(loc) is None:
                    as_expr(loc)
        except Exception:  # a rule that computes in Python is lowered step by step
            return False
    return True


def find_runs(groups: list[Group]) -> dict[int, Run]:
    """The runs of ``groups`` (execution order), keyed by the id of each run's last group."""
    steps: dict[int, tuple[Group, Sig]] = {}  # a value's id -> the step that reads it
    starts: list[tuple[Group, Sig]] = []
    for grp in groups:
        sig = _signature(grp)
        if sig is not None:
            steps[id(grp.members[0].inputs[sig[2]])] = (grp, sig)
            starts.append((grp, sig))
    runs: dict[int, Run] = {}
    seen: set[int] = set()
    for start, first in starts:
        if id(start) in seen:
            continue
        chain = [start]
        sigs = [first]
        while True:
            m = chain[-1].members[0]
            step = steps.get(id(m)) if m.users == 1 else None
            if step is None or id(step[0]) in seen:
                break
            chain.append(step[0])
            sigs.append(step[1])
        seen.update(id(g) for g in chain)
        for o, p, reps in _segments(sigs):
            if _symbolic(sigs[o:o + p], chain[o:o + p]):
                stretch = chain[o:o + p * reps]
                runs[id(stretch[-1])] = _run(stretch, sigs[o:o + p], p, reps)
    return runs


def _run(chain: list[Group], sigs: list[Sig], p: int, reps: int) -> Run:
    pos = [sig[2] for sig in sigs]
    shared = [sig[3] for sig in sigs]
    others = [[chain[r * p + q].members[0].inputs[1 - pos[q]] for r in range(reps)]
              if chain[q].rule.arity == 2 else [] for q in range(p)]
    consts = [[float(x.row) if shared[q] else float(x) for x in xs]
              for q, xs in enumerate(others)]
    needs = [shared[q] and any(x.needs for x in xs) for q, xs in enumerate(others)]
    return Run(chain[:p * reps], p, reps, pos, consts, shared, needs)


def _table(em: Emitter, run: Run, backward: bool) -> tuple[Tup, Expr, list[Expr]]:
    """The loop's targets and iterable, and each step's constant (a number when it is the
    same in every repetition, else a loop variable; for a shared input, its row of s)."""
    p, reps = run.period, run.reps
    consts: list[Expr] = []
    columns: list[list[Any]] = []
    names: list[Expr] = []
    if backward:
        names.append(Name(em.fresh("t")))
        columns.append([r * p for r in range(reps)])
    for vals in run.consts:
        shared = run.shared[len(consts)]
        if shared:
            vals = [int(v) for v in vals]
        if not vals or all(v == vals[0] and str(v) == str(vals[0]) for v in vals):
            consts.append(Num(vals[0]) if vals else Num(0.0))
            continue
        c = Name(em.fresh("r" if shared else "c"))
        names.append(c)
        columns.append(vals)
        consts.append(c)
    if not columns:
        return Tup((Name(em.fresh("_")),)), call("range", reps), consts
    if backward and len(columns) == 1:  # only the positions: count them down
        return Tup(tuple(names)), call("range", (reps - 1) * p, -1, -p), consts
    rows: list[Any] = list(zip(*columns)) if len(columns) > 1 else columns[0]
    if backward:
        rows.reverse()
    table = em.fresh("chain_back" if backward else "chain_steps")
    em.namer.take(table)
    em.ns[table] = rows
    return Tup(tuple(names)), Name(table), consts


def _args(run: Run, q: int, value: Expr, consts: list[Expr]) -> list[Expr]:
    """Step q's operands: the running value, and its constant or its row of s."""
    other = sub("s", consts[q]) if run.shared[q] else consts[q]
    args = [other, other]
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
    em.fwd.append(Assign(v, op.expr, Note("the chain's input")))
    H = Name(em.fresh("H_" + v.id) if grad else "H")
    if grad:
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
            locs = grp.rule.local(SM, *_args(run, q, xq, consts), out, grp.k)
            if run.needs[q]:  # a parameter's share, summed over the examples, first
                Cs, _ = _contribution(locs[1 - run.pos[q]], dv)
                stmts.append(AugAssign(sub("gs", consts[q]), method(Cs, "sum")))
            C, _ = _contribution(locs[run.pos[q]], dv)
            if C is not dv:
                stmts.append(Assign(dv, C))
        em.bwd.append(For(targets, it, stmts or [Assign(dv, dv)], (dv.id,)))
        em.scatter(op, dv, False, True)
    return back


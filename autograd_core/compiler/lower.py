"""Stage 3, lowering: the schedule as a numpy program in the intermediate form.

Every group of the schedule becomes one statement: a batched group is an array with one row per
member and one column per example (``Z1``, ``A1``...), a shared group writes its rows of ``s``,
the vector of shared numbers (parameters first, then constants, then results computed from
those only). The backward pass is the same groups in reverse order, each input receiving
*upstream x local*; a parameter's contribution is summed over the examples. The result is an
:class:`~autograd_core.compiler.ir.Function` (``value_and_grad(theta, *inputs)`` or
``forward(theta, *inputs)``) and the namespace it runs in; the simplifier then writes
temporaries into their single use, and the printer makes the text.

No derivative is written here: :mod:`~autograd_core.compiler.lower_groups` evaluates the op
table's rules on expressions. Names come from the Values' labels where the members of a group
share a safe prefix (a weight labelled ``W1[0,1]`` names its matrix ``W1``), otherwise they are
systematic: layer L's weights ``W{L}``, bias ``b{L}``, pre-activation ``Z{L}``, activation
``A{L}``, any other group ``{op}{n}``; the gradient of ``Z1`` is ``dZ1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_core.compiler import lower_groups
from autograd_core.compiler.emit import Emitter, method, sub
from autograd_core.compiler.ir import (
    Assign,
    Attr,
    BinOp,
    Comment,
    Expr,
    Function,
    Name,
    Note,
    Num,
    Return,
    Slice,
    Stmt,
    Tup,
    call,
)
from autograd_core.compiler.names import stem
from autograd_core.compiler.schedule import Group, Node, Schedule

__all__ = ["Lowered", "lower"]


@dataclass
class Lowered:
    """A lowered program: the function, the statements that belong to its forward part
    (``n_forward``), the names the simplifier must keep, its namespace and describe() notes."""
    function: Function
    n_forward: int
    keep: set[str]
    ns: dict[str, Any]
    notes: dict[int, str]


def _systematic(em: Emitter, grp: Group, matmuls: dict[int, tuple[int, int]]) -> str:
    """Z{L} for the add that puts a bias on layer L's product, A{L} for the activation of
    Z{L}, else the op's name and a number."""
    for j in range(grp.n_inputs):
        xs = [m.inputs[j] for m in grp.members]
        if not all(isinstance(x, Node) and x.batched and x.group is not None for x in xs):
            continue
        g0 = xs[0].group
        if len({id(x.group) for x in xs}) != 1 or [x.row for x in xs] != list(
                range(len(g0.members))):
            continue
        layer = em.layer.get(id(g0), 0)
        if not layer:
            continue
        if id(g0) in matmuls and grp.rule.name in ("add", "sum"):
            em.zgroups.add(id(grp))
            em.layer[id(grp)] = layer
            return f"Z{layer}"
        if (id(g0) in matmuls or id(g0) in em.zgroups) and grp.rule.arity == 1:
            em.layer[id(grp)] = layer
            return f"A{layer}"
    em.n_tmp += 1
    return f"{grp.rule.name}{em.n_tmp}"


def _matmul_split(grp: Group) -> tuple[int, int] | None:
    """For a dot group that is one matrix product: (which half holds the shared weights,
    0 or 1; the half length); None otherwise."""
    if grp.rule.name != "dot" or not grp.batched or grp.n_inputs % 2:
        return None
    h = grp.n_inputs // 2
    m0 = grp.members[0]
    kinds = ["V" if isinstance(x, Node) and x.batched else "S" for x in m0.inputs]
    for wh in (0, 1):
        w = range(wh * h, wh * h + h)
        x = range((1 - wh) * h, (1 - wh) * h + h)
        if all(kinds[i] == "S" for i in w) and all(kinds[i] == "V" for i in x):
            if all(m.inputs[i] is m0.inputs[i] for m in grp.members for i in x):
                return wh, h
    return None


def _name_everything(em: Emitter) -> dict[int, tuple[int, int]]:
    sch = em.sch
    for bi, block in enumerate(sch.inputs):
        bstem = stem([n.label for n in block]) or ("xyzuvw"[bi] if bi < 6 else f"in{bi}")
        arr = em.fresh(bstem)
        em.namer.take(arr + "_in")  # the function's argument
        em.input_names.append(arr)
        em.size[arr] = len(block)
    matmuls: dict[int, tuple[int, int]] = {}
    roots = {id(sch.outputs[0].group)} if len(sch.outputs) == 1 and sch.outputs[0].batched \
        else set()
    layers = 0
    for grp in sch.groups:
        if not grp.batched:
            continue
        name: str | None = stem([m.label for m in grp.members])
        split = _matmul_split(grp)
        if split is not None:
            layers += 1
            matmuls[id(grp)] = split
            name = name or f"WX{layers}"
            em.layer[id(grp)] = layers
        if name is None:
            name = ("losses" if em.want_grad else "out") if id(grp) in roots else \
                _systematic(em, grp, matmuls)
        em.gname[id(grp)] = em.fresh(name)
        em.size[em.gname[id(grp)]] = len(grp.members)
        if id(grp) in em.zgroups:
            em.keep.add(em.gname[id(grp)])
    return matmuls


def _total(e: Expr, mean: bool) -> Expr:
    """float(e.sum() * (1.0 / N)) for the mean, float(e.sum()) for the sum."""
    total: Expr = method(e, "sum")
    return call("float", BinOp("*", total, BinOp("/", Num(1.0), Name("N"))) if mean else total)


def _seed(em: Emitter) -> Expr:
    """The backward pass's seed statements; returns the loss expression."""
    root = em.sch.outputs[0]
    mean = em.reduction == "mean"
    if root.op == "input":  # the loss is an input: no parameter can change it
        return _total(sub(em.input_names[int(root.k)], root.index), mean)
    if root.batched:
        assert root.group is not None
        name = em.gname[id(root.group)]
        size = em.size[name]
        row: Expr = Name(name) if size == 1 else sub(name, Slice(root.row, root.row + 1))
        d = Name("d" + name)
        one_n = Tup((Num(1), Name("N")))
        if size == 1:
            seed = call("np.full", one_n, BinOp("/", Num(1.0), Name("N"))) if mean else \
                call("np.ones", one_n)
            em.bwd.append(Assign(d, seed, Note("the seed: d loss / d losses" +
                                               (" = 1/N" if mean else ""))))
        else:
            em.bwd.append(Assign(d, call("np.zeros", Tup((Num(size), Name("N"))))))
            em.bwd.append(Assign(sub(d, root.row), BinOp("/", Num(1.0), Name("N")) if mean
                                 else Num(1.0), Note("the seed")))
        em.gstate[d.id] = "owned"
        return _total(row, mean)
    em.bwd.append(Assign(sub("gs", root.row), Num(1.0) if mean else call("float", Name("N")),
                         Note("the seed")))
    value = sub("s", root.row)
    return call("float", value) if mean else call("float", BinOp("*", value, Name("N")))


def _out_expr(em: Emitter, n: Node) -> Expr:
    if not n.batched:
        return call("np.full", Name("N"), sub("s", n.row))
    if n.op == "input":
        return sub(em.input_names[int(n.k)], n.index)
    assert n.group is not None
    return sub(em.gname[id(n.group)], n.row)


def _emit(em: Emitter) -> tuple[list[Expr], Expr | None]:
    """Every group's forward statement, then (for a gradient) the seed and the backward
    statements in reverse order; returns the outputs and the loss expression."""
    matmuls = _name_everything(em)
    backs: list[Callable[[], None]] = []
    for grp in em.sch.groups:
        back: Callable[[], None] | None
        if id(grp) in matmuls:
            back = lower_groups.matmul(em, grp, *matmuls[id(grp)])
        elif grp.rule.name == "sum" and grp.n_inputs == 1:
            back = lower_groups.identity(em, grp)
        elif grp.rule.arity in (1, 2):
            back = lower_groups.elementwise(em, grp)
        else:
            back = lower_groups.nary(em, grp)
        if back is not None and em.want_grad and grp.needs:
            backs.append(back)
    outputs = [_out_expr(em, n) for n in em.sch.outputs]
    if not em.want_grad:
        return outputs, None
    loss = _seed(em)
    for back in reversed(backs):
        back()
    return outputs, loss


def _prologue(em: Emitter, shapes: list[tuple[int, ...]]) -> list[Stmt]:
    """N, the shared vector s and the inputs as (rows, examples) arrays."""
    sch, P = em.sch, em.P
    nc = len(sch.consts)
    extra = sch.n_shared - P - nc
    pre: list[Stmt] = []
    if em.input_names:
        pre.append(Assign(Name("N"), sub(Attr(Name(f"{em.input_names[0]}_in"), "shape"), 0),
                          Note("the number of examples (a column each)")))
    if nc or extra:
        em.ns["consts"] = np.array(sch.consts, dtype=float)
        parts: list[Expr] = [Name("theta"), Name("consts")]
        if extra:
            parts.append(call("np.empty", extra))
        pre.append(Assign(Name("s"), call("np.concatenate", Tup(tuple(parts))),
                          Note(f"shared numbers: {P} parameters, {nc} constant{'s' * (nc != 1)}"
                               + (f", {extra} results of them" if extra else ""))))
    else:
        pre.append(Assign(Name("s"), Name("theta"), Note(f"shared numbers: the {P} parameters")))
    for bi, shape in enumerate(shapes):
        nm = em.input_names[bi]
        arg = Name(f"{nm}_in")
        if not shape:
            value: Expr = sub(arg, None, Slice())
        elif len(shape) == 1:
            value = Attr(arg, "T")
        else:
            value = Attr(method(arg, "reshape", Name("N"), -1), "T")
        rows = em.size[nm]
        pre.append(Assign(Name(nm), value, Note(f"input {nm}: {rows} row{'s' * (rows != 1)}, "
                                                "a column per example")))
    return pre


def lower(sch: Schedule, reduction: str, want_grad: bool,
          shapes: list[tuple[int, ...]]) -> Lowered:
    """The schedule as ``value_and_grad`` (want_grad) or ``forward``, in the intermediate
    form."""
    em = Emitter(sch, reduction, want_grad)
    outputs, loss = _emit(em)
    body = _prologue(em, shapes) + em.fwd
    n_fwd = len(body)
    if loss is not None:
        body.append(Assign(Name("loss"), loss, Note(f"the {reduction} over the examples")))
        body.append(Comment("backward: the same steps in reverse, upstream x local"))
        body.append(Assign(Name("gs"), call("np.zeros", sch.n_shared), Note("gradients of s")))
        body.extend(em.bwd)
        body.append(Return(Tup((Name("loss"), sub("gs", Slice(None, em.P))))))
        name = "value_and_grad"
    else:
        body.append(Return(outputs[0] if len(outputs) == 1 else Tup(tuple(outputs), True)))
        name = "forward"
    args = ["theta"] + [f"{n}_in" for n in em.input_names]
    keep = em.keep | set(em.input_names) | {"N", "s", "loss", "gs"}
    return Lowered(Function(name, args, body), n_fwd, keep, em.ns, em.note)

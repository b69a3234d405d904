"""Lowering for the plain-Python backend: one statement per node, forward then backward.

This is the "staged computation" of CS231n's notes on backpropagation, written out by the
compiler: the forward pass names every intermediate value (``q = x + y``, ``f = q * z``), the
backward pass walks the same nodes in reverse and gives every input its gradient as
*local x upstream* (``dq = z * df``, ``dz = q * df``, ``dx = dq``), adding when a value is used
twice. The local derivatives are the op table's (:mod:`autograd_core.rules`) evaluated on
expressions with the scalar backend's names (:mod:`autograd_core.scalar_math`), so no
derivative is written here, and the program runs where numpy does not exist.

Names: a node's label when it is a safe ASCII identifier (:mod:`~autograd_core.compiler.names`),
else the op and a number (``tanh3``); an input ``x`` of 2 numbers is ``x0, x1``; the gradient of
``q`` is ``dq``. Backend functions and rules are bound once, as closure variables ``_tanh``,
``_rule_softmax`` (a name no label can take), so the hot code reads only local variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd_core import scalar_math
from autograd_core.compiler.ir import (
    Assign,
    Attr,
    AugAssign,
    Call,
    Comment,
    Expr,
    Function,
    Lst,
    Name,
    Neg,
    NotSymbolic,
    Num,
    Return,
    Stmt,
    Subscript,
    Tup,
    as_expr,
)
from autograd_core.compiler.names import Namer, safe_identifier
from autograd_core.compiler.schedule import NOT_COMPILABLE
from autograd_core.compiler.symbolic import SymMath
from autograd_core.rules import RULES, Rule
from autograd_core.value import Value

__all__ = ["PyLowered", "lower_python"]


@dataclass
class PyLowered:
    """The lowered function, the names it needs bound around it (``closure``: name -> object),
    and the name of each node's variable (by ``id``)."""
    function: Function
    closure: dict[str, Any]
    names: dict[int, str]


class _Ctx:
    def __init__(self) -> None:
        self.closure: dict[str, Any] = {}
        self.sym = SymMath(scalar_math, self.backend_name)
        self.n_k = 0

    def backend_name(self, fn: str) -> Expr:
        self.closure["_" + fn] = getattr(scalar_math, fn)
        return Name("_" + fn)

    def rule(self, rule: Rule) -> Name:
        name = f"_rule_{rule.name}"
        self.closure[name] = RULES[rule.name]
        self.closure["m"] = scalar_math
        return Name(name)

    def k(self, k: Any) -> Expr:
        try:
            return as_expr(k)
        except NotSymbolic:
            self.n_k += 1
            self.closure[f"_k{self.n_k}"] = k
            return Name(f"_k{self.n_k}")


def _name_nodes(order: list[Value], blocks: Sequence[Sequence[Value]], params: list[Value],
                shapes: list[tuple[int, ...]], input_names: list[str]) -> dict[int, str]:
    namer = Namer({"theta"} | {f"{n}_in" for n in input_names})
    names: dict[int, str] = {}
    for base, block, shape in zip(input_names, blocks, shapes):
        for i, v in enumerate(block):
            names[id(v)] = namer.fresh(base if not shape else f"{base}{i}")
    for i, p in enumerate(params):
        names[id(p)] = namer.fresh(p.label or "" if safe_identifier(p.label) else f"p{i}")
    n_ops = 0
    for v in order:
        if id(v) not in names:
            n_ops += 1
            names[id(v)] = namer.fresh(v.label or "" if safe_identifier(v.label) else
                                       f"{v.op}{n_ops}")
    return names


def _operands(v: Value, names: dict[int, str]) -> list[Any]:
    """A node's inputs as expressions; constants as the numbers themselves (so x * 1.0 is x)."""
    return [Name(names[id(x)]) if isinstance(x, Value) else float(x) for x in v.inputs]


def _forward(ctx: _Ctx, v: Value, rule: Rule, ops: list[Any]) -> Expr:
    args: list[Any] = ops if rule.arity else [tuple(ops)]
    try:
        return as_expr(rule.forward(ctx.sym, *args, v.arg))
    except NotSymbolic:  # a rule that computes in Python: call it at run time
        return Call(Attr(ctx.rule(rule), "forward"),
                    (Name("m"), *[as_expr(a) for a in args], ctx.k(v.arg)))


def _locals(ctx: _Ctx, v: Value, rule: Rule, ops: list[Any], out: Name,
            body: list[Stmt], tmp: str) -> tuple[Any, ...]:
    args: list[Any] = ops if rule.arity else [tuple(ops)]
    try:
        return tuple(rule.local(ctx.sym, *args, out, v.arg))
    except NotSymbolic:
        body.append(Assign(Name(tmp), Call(Attr(ctx.rule(rule), "local"), (
            Name("m"), *[as_expr(a) for a in args], out, ctx.k(v.arg)))))
        return tuple(Subscript(Name(tmp), (Num(j),)) for j in range(len(ops)))


def _times(local: Any, upstream: Name) -> Expr:
    """local x upstream, written as CS231n writes it (``z * df``, ``dq`` for a local of 1)."""
    if isinstance(local, Expr):
        return local * upstream
    if float(local) == -1.0:
        return Neg(upstream)
    return float(local) * upstream


def lower_python(order: list[Value], blocks: Sequence[Sequence[Value]], params: list[Value],
                 outputs: list[Value], shapes: list[tuple[int, ...]], input_names: list[str],
                 want_grad: bool) -> PyLowered:
    """``value_and_grad(theta, *inputs) -> (loss, [d loss/d p for p in params])`` (want_grad)
    or ``forward(theta, *inputs) -> output(s)``, one statement per node."""
    ctx = _Ctx()
    names = _name_nodes(order, blocks, params, shapes, input_names)
    body: list[Stmt] = []
    if params:
        body.append(Assign(Tup(tuple(Name(names[id(p)]) for p in params)), Name("theta")))
    args = ["theta"]
    for base, block, shape in zip(input_names, blocks, shapes):
        if not shape:
            args.append(names[id(block[0])])
            continue
        args.append(f"{base}_in")
        flat: Expr = Name(f"{base}_in") if len(shape) == 1 else Call(Name("_flat"),
                                                                      (Name(f"{base}_in"),))
        if len(shape) > 1:
            ctx.closure["_flat"] = _flat
        body.append(Assign(Tup(tuple(Name(names[id(v)]) for v in block)), flat))
    body.append(Comment("forward"))
    needs: dict[int, bool] = {id(p): True for p in params}
    for v in order:
        if v.is_leaf:
            continue
        if v.op not in RULES or v.op in NOT_COMPILABLE:
            why = NOT_COMPILABLE.get(v.op, "it is not in the op table")
            raise TypeError(f"compile(): cannot compile op {v.op!r}: {why}.")
        needs[id(v)] = any(needs.get(id(x), False) for x in v.inputs if isinstance(x, Value))
        body.append(Assign(Name(names[id(v)]), _forward(ctx, v, RULES[v.op],
                                                         _operands(v, names))))
    if not want_grad:
        outs = [Name(names[id(v)]) for v in outputs]
        body.append(Return(outs[0] if len(outs) == 1 else Lst(tuple(outs))))
        return PyLowered(Function("forward", args, body), ctx.closure, names)
    _backward(ctx, order, params, outputs[0], names, needs, body)
    return PyLowered(Function("value_and_grad", args, body), ctx.closure, names)


def _backward(ctx: _Ctx, order: list[Value], params: list[Value], root: Value,
              names: dict[int, str], needs: dict[int, bool], body: list[Stmt]) -> None:
    body.append(Comment("backward: each input gets local x upstream, node by node in reverse"))
    grad: dict[int, Name] = {id(root): Name("d" + names[id(root)])}
    body.append(Assign(grad[id(root)], Num(1.0)))
    for v in reversed(order):
        if v.is_leaf or not needs.get(id(v), False) or id(v) not in grad:
            continue
        rule = RULES[v.op]
        ops = _operands(v, names)
        locs = _locals(ctx, v, rule, ops, Name(names[id(v)]), body, "_l")
        for x, local in zip(v.inputs, locs):
            if not isinstance(x, Value) or not needs.get(id(x), False):
                continue
            contribution = _times(local, grad[id(v)])
            if id(x) in grad:
                body.append(AugAssign(grad[id(x)], contribution))
            else:
                grad[id(x)] = Name("d" + names[id(x)])
                body.append(Assign(grad[id(x)], contribution))
    for p in params:  # a parameter the loss does not reach has gradient 0
        if id(p) not in grad:
            grad[id(p)] = Name("d" + names[id(p)])
            body.append(Assign(grad[id(p)], Num(0.0)))
    body.append(Return(Tup((Name(names[id(root)]), Lst(tuple(grad[id(p)] for p in params))))))


def _flat(x: Any) -> list[Any]:
    """The numbers of nested lists, row by row (an input of more than one dimension)."""
    out: list[Any] = []
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            out.append(item)
    return out

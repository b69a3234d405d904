"""Stage 2, scheduling: from the traced Values to groups of nodes that run as one array op.

The trace is one example's graph. Lecture 002 vectorises such a graph by hand: examples become
columns, a layer of neurons becomes a matrix product. This stage finds that structure in any
graph, in four passes over a small intermediate form (:class:`Node`: op, constant k, inputs):

1. **Classify.** A node is *batched* when it depends on a placeholder (a different number for
   every example), *shared* otherwise (parameters, constants, a weight-decay term built from
   parameters: computed once per batch and broadcast). ``needs`` marks nodes that depend on a
   parameter, the only ones the backward pass visits.

2. **Merge chains of additions.** Python's ``sum(p * p for p in params)`` or a loop
   ``acc = acc + w * x`` builds a chain of 2-input adds, one level deeper per term. An add (or
   sum) whose only consumer is another add or sum folds into it: one n-ary ``sum`` over all the
   terms, in the same left-to-right order. Every term's local gradient is still 1 (the op
   table's ``sum`` rule): a change of schedule, not of math.

3. **Recognise contractions.** In a batched sum, the terms ``w * x`` with one factor shared
   (a weight, a constant) and the other batched (an input, a hidden unit), each used only by
   that sum, are a dot product when there are at least two of them: they become one ``dot``
   node (the op table's rule, inputs ``w_1..w_n, x_1..x_n``), and what remains (a bias, a
   constant) is added to it. So
   ``dot(w, x, b)``, ``sum(w*x) + b``, ``sum((w*x for ...), b)``, the ``acc = acc + w*x`` loop
   and ``2*x1 + 3*x2`` all reach the next pass as the same ``dot`` + ``add``.

4. **Group.** Every node gets a level (one above its deepest input of the same kind, batched or
   shared). Within a level, nodes with the same op, the same constant k and the same kinds of
   inputs form a :class:`Group`: 16 neurons of a layer are 16 rows of one group, and a group of
   ``dot`` nodes that all read the same inputs is one matrix product ``W @ X``. Shared groups
   run first, then batched groups level by level. The number of groups grows with the depth of
   the graph, not with its width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.rules import RULES, Rule
from autograd_core.value import Value

__all__ = ["Group", "Node", "Schedule", "schedule"]

NOT_COMPILABLE = {"function": "a Function gate runs its own Python on plain floats, which "
                              "cannot be replayed on arrays; build it from the engine's ops"}
_SUMS = ("add", "sum")


class Node:
    """One node of the intermediate form: a placeholder (``op == "input"``), a parameter
    (``op == "param"``) or an op of the table with constant parameter ``k`` and ``inputs``
    (Nodes, or floats for constants). ``label`` comes from the traced Value when it had one."""

    __slots__ = ("op", "k", "inputs", "batched", "needs", "label", "level", "index", "group",
                 "row", "users")

    def __init__(self, op: str, k: Any, inputs: tuple[Any, ...], label: str | None = None,
                 index: int = -1) -> None:
        self.op = op
        self.k = k
        self.inputs = inputs
        self.label = label
        self.index = index  # a placeholder's row in its input block, a parameter's position
        self.batched = op == "input"
        self.needs = op == "param"
        self.level = 0
        self.group: Group | None = None
        self.row = -1  # the row of its group (or of the shared vector s) holding its value
        self.users = 0

    @property
    def is_leaf(self) -> bool:
        return self.op in ("input", "param")

    def __repr__(self) -> str:
        return f"Node({self.op}, level {self.level}, {'batched' if self.batched else 'shared'})"


class Group:
    """Nodes (``members``) of one op at one level, with the same k and kinds of inputs: one
    numpy statement computes all of them, a (g, N) array for batched groups (one row per member,
    one column per example), g entries of the shared vector for shared ones."""

    def __init__(self, rule: Rule, k: Any, batched: bool, level: int, n_inputs: int) -> None:
        self.rule = rule
        self.k = k
        self.batched = batched
        self.level = level
        self.n_inputs = n_inputs
        self.members: list[Node] = []
        self.needs = False
        self.start = 0   # a shared group's first row in s
        self.seq = 0     # position in the execution order

    def describe(self) -> str:
        n = f", {self.n_inputs} inputs each" if self.rule.arity == 0 else ""
        table = "per-example" if self.batched else "shared"
        return f"{table} level {self.level}: {self.rule.name} x{len(self.members)}{n}"


class Schedule:
    """The result of this stage: ``inputs`` (one list of placeholder Nodes per argument),
    ``params`` (the parameter Nodes, in the order of gradient arrays), ``consts`` (the constant
    numbers, in the order of their rows in s after the parameters), ``groups`` in execution
    order, ``outputs``, and counts for describe()."""

    def __init__(self) -> None:
        self.inputs: list[list[Node]] = []
        self.params: list[Node] = []
        self.consts: list[float] = []
        self.const_row: dict[str, int] = {}
        self.groups: list[Group] = []
        self.outputs: list[Node] = []
        self.n_nodes = 0
        self.n_ops = 0
        self.n_contractions = 0
        self.n_shared = 0  # rows of s: parameters, constants, shared op results

    def const(self, x: float) -> int:
        """The row of s holding the constant x (added on first use)."""
        key = float(x).hex()
        row = self.const_row.get(key)
        if row is None:
            row = self.const_row[key] = len(self.params) + len(self.consts)
            self.consts.append(float(x))
        return row


def _as_nodes(order: list[Value], placeholders: Sequence[Sequence[Value]],
              params: list[Value]) -> tuple[dict[int, Node], list[list[Node]], list[Node]]:
    nodes: dict[int, Node] = {}
    inputs: list[list[Node]] = []
    for block in placeholders:
        row = []
        for i, v in enumerate(block):
            n = nodes[id(v)] = Node("input", len(inputs), (), v.label, i)
            row.append(n)
        inputs.append(row)
    pnodes = []
    for i, p in enumerate(params):
        n = nodes[id(p)] = Node("param", None, (), p.label, i)
        pnodes.append(n)
    for v in order:
        if id(v) in nodes:
            continue
        if v.is_leaf:
            raise AssertionError("every leaf is a placeholder or a parameter")
        if v.op not in RULES or v.op in NOT_COMPILABLE:
            why = NOT_COMPILABLE.get(v.op, "it is not in the op table")
            raise TypeError(f"compile(): cannot compile op {v.op!r}: {why}.")
        ins = tuple(nodes[id(x)] if isinstance(x, Value) else float(x) for x in v.inputs)
        nodes[id(v)] = Node(v.op, v.arg, ins, v.label)
    return nodes, inputs, pnodes


def _classify(order: list[Node]) -> None:
    for n in order:
        if n.is_leaf:
            continue
        n.batched = any(isinstance(x, Node) and x.batched for x in n.inputs)
        n.needs = any(isinstance(x, Node) and x.needs for x in n.inputs)


def _count_users(order: list[Node], outputs: list[Node]) -> None:
    for n in order:
        n.users = 0
    for n in order:
        for x in n.inputs:
            if isinstance(x, Node):
                x.users += 1
    for n in outputs:
        n.users += 1


def _copy(n: Node, inputs: tuple[Any, ...], op: str | None = None, k: Any = None) -> Node:
    """A new node like n (its kind, label, flags) with other inputs (and another op)."""
    m = Node(n.op if op is None else op, n.k if op is None else k, inputs, n.label, n.index)
    m.batched, m.needs = n.batched, n.needs
    return m


def _remap(x: Any, new: dict[int, Node]) -> Any:
    return new.get(id(x), x) if isinstance(x, Node) else x


def _merge_sums(order: list[Node], outputs: list[Node]) -> tuple[list[Node], list[Node]]:
    """Fold every add/sum used only by another add/sum into it (pass 2); returns a new graph
    (order and outputs; the given nodes are not changed)."""
    _count_users(order, outputs)
    last: dict[int, Node] = {}
    for n in order:
        for x in n.inputs:
            if isinstance(x, Node):
                last[id(x)] = n
    folded = {id(n) for n in order
              if n.op in _SUMS and n.users == 1 and id(n) in last and last[id(n)].op in _SUMS
              and n.batched == last[id(n)].batched}
    new: dict[int, Node] = {}
    kept = []
    for n in order:
        if id(n) in folded:
            continue
        if n.op in _SUMS and any(isinstance(x, Node) and id(x) in folded for x in n.inputs):
            terms: list[Any] = []
            stack = list(reversed(n.inputs))
            while stack:
                x = stack.pop()
                if isinstance(x, Node) and id(x) in folded:
                    stack.extend(reversed(x.inputs))
                else:
                    terms.append(x)
            # Python's sum() starts from 0: a constant 0 adds nothing (x + 0.0 is x)
            if len(terms) > 2 and any(not isinstance(t, Node) and t == 0.0 for t in terms):
                terms = [t for t in terms if isinstance(t, Node) or t != 0.0]
            m = _copy(n, tuple(_remap(t, new) for t in terms), "sum", None)
        else:
            m = _copy(n, tuple(_remap(x, new) for x in n.inputs))
        new[id(n)] = m
        kept.append(m)
    return kept, [_remap(o, new) for o in outputs]


def _shared(x: Any) -> bool:
    return not isinstance(x, Node) or not x.batched


def _dot_plan(n: Node) -> tuple[list[Any], list[Any], list[Any], list[Node]] | None:
    """For a batched sum: its products of a shared and a batched factor, each used only here,
    as (weights, inputs, the other terms, the products); None for fewer than two."""
    ws: list[Any] = []
    xs: list[Any] = []
    rest: list[Any] = []
    absorbed: list[Node] = []
    for t in n.inputs:
        if isinstance(t, Node) and t.op == "mul" and t.users == 1:
            a, b = t.inputs
            if _shared(a) != _shared(b):
                w, x = (a, b) if _shared(a) else (b, a)
                ws.append(w)
                xs.append(x)
                absorbed.append(t)
                continue
        rest.append(t)
    if len(ws) < 2:  # one product is a multiply, not a dot product
        return None
    rest = [t for t in rest if isinstance(t, Node) or t != 0.0]  # acc = 0; acc += w * x
    return ws, xs, rest, absorbed


def _contractions(order: list[Node], outputs: list[Node]
                  ) -> tuple[list[Node], list[Node], int]:
    """Pass 3: products of a shared and a batched factor inside a batched sum become one dot.
    Returns a new graph (order, outputs) and the number of dots made."""
    _count_users(order, outputs)
    plans = {id(n): plan for n in order if n.batched and n.op in _SUMS
             for plan in [_dot_plan(n)] if plan is not None}
    absorbed = {id(t) for plan in plans.values() for t in plan[3]}
    new: dict[int, Node] = {}
    out: list[Node] = []
    for n in order:
        if id(n) in absorbed:
            continue
        plan = plans.get(id(n))
        if plan is None:
            m = new[id(n)] = _copy(n, tuple(_remap(x, new) for x in n.inputs))
            out.append(m)
            continue
        ws, xs, rest, _ = plan
        dot = Node("dot", None, tuple(_remap(x, new) for x in ws + xs))
        dot.batched = True
        dot.needs = any(isinstance(x, Node) and x.needs for x in ws + xs)
        if not rest:
            m = new[id(n)] = _copy(n, dot.inputs, "dot", None)
            out.append(m)
            continue
        m = new[id(n)] = _copy(n, (dot, *[_remap(t, new) for t in rest]),
                               "add" if len(rest) == 1 else "sum", None)
        out += [dot, m]
    return out, [_remap(o, new) for o in outputs], len(plans)


def schedule(order_v: list[Value], placeholders: Sequence[Sequence[Value]],
             params: list[Value], outputs_v: list[Value]) -> Schedule:
    """Run the four passes on a traced graph (``order_v`` topological, leaves included)."""
    sch = Schedule()
    nodes, sch.inputs, sch.params = _as_nodes(order_v, placeholders, params)
    outputs = [nodes[id(v)] for v in outputs_v]
    sch.outputs = outputs
    order = [nodes[id(v)] for v in order_v if not nodes[id(v)].is_leaf]
    sch.n_nodes = len(order_v)
    _classify(order)
    order, outputs = _merge_sums(order, outputs)
    order, outputs, sch.n_contractions = _contractions(order, outputs)
    sch.outputs = outputs
    sch.n_ops = len(order)
    _count_users(order, outputs)

    for p in sch.params:
        p.row = p.index
    groups: dict[tuple[Any, ...], Group] = {}
    for n in order:
        lv = 0
        kinds = []
        for x in n.inputs:
            if isinstance(x, Node):
                kinds.append("V" if x.batched else "S")
                if x.batched == n.batched:
                    lv = max(lv, x.level)
            else:
                sch.const(x)
                kinds.append("S")
        n.level = lv + 1
        key = (n.batched, n.level, n.op, repr(n.k), tuple(kinds))
        grp = groups.get(key)
        if grp is None:
            grp = groups[key] = Group(RULES[n.op], n.k, n.batched, n.level, len(n.inputs))
        grp.members.append(n)
        grp.needs = grp.needs or n.needs
        n.group = grp

    plan = sorted(groups.values(), key=lambda g: (g.batched, g.level))
    rows = len(sch.params) + len(sch.consts)
    for seq, grp in enumerate(plan):
        grp.seq = seq
        # members ordered by where their inputs live, so that a consumer tends to read
        # consecutive rows (a slice, not a copy)
        grp.members.sort(key=lambda m: tuple(_where(x, sch) for x in m.inputs))
        for i, m in enumerate(grp.members):
            m.row = i if grp.batched else rows + i
        if not grp.batched:
            grp.start = rows
            rows += len(grp.members)
    sch.n_shared = rows
    sch.groups = plan
    return sch


def _where(x: Any, sch: Schedule) -> tuple[int, int, int]:
    if not isinstance(x, Node):
        return (0, 0, sch.const(x))
    if x.op == "input":
        return (1, int(x.k), x.index)
    if not x.batched:
        return (0, 0, x.row)
    g = x.group
    return (2, g.seq if g is not None else 0, x.row)

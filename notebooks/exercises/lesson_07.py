"""Lesson 07 (build your own): a learner's micrograd-sized Value checked against the engine,
and the local derivative of a new op."""

from __future__ import annotations

import math
import random
from typing import Any

from exercises import NotAnswered, _num, predicate, register


def random_graph(make: Any, seed: int, n_leaves: int = 3, n_ops: int = 8
                 ) -> tuple[list[Any], Any, str]:
    """A random expression over ``n_leaves`` inputs built with the class ``make`` (anything
    with ``make(number)``, ``+``, ``*`` and ``.tanh()``). Every op picks its operands among
    all values so far, so values are reused (the sum-over-paths case). The same seed gives
    the same graph for every class. Returns (leaves, root, the expression as text)."""
    rng = random.Random(seed)
    leaves = [make(round(rng.uniform(-2, 2), 2)) for _ in range(n_leaves)]
    nodes: list[Any] = list(leaves)
    names = [f"x{i}" for i in range(n_leaves)]
    for _ in range(n_ops):
        op = rng.choice(["+", "*", "tanh", "+c", "*c"])
        i, j = rng.randrange(len(nodes)), rng.randrange(len(nodes))
        c = round(rng.uniform(-1.5, 1.5), 2)
        if op == "+":
            new, name = nodes[i] + nodes[j], f"({names[i]} + {names[j]})"
        elif op == "*":
            new, name = nodes[i] * nodes[j], f"({names[i]} * {names[j]})"
        elif op == "tanh":
            new, name = nodes[i].tanh(), f"tanh({names[i]})"
        elif op == "+c":
            new, name = nodes[i] + c, f"({names[i]} + {c})"
        else:
            new, name = c * nodes[i], f"({c} * {names[i]})"
        nodes.append(new)
        names.append(name)
    root = nodes[-1]
    for k in range(len(nodes) - 2, -1, -1):  # fold in the other values so all leaves matter
        if k % 3 == 0:
            root = root + nodes[k]
    return leaves, root, names[-1]


CASES = [
    ("a + b", lambda a, b: a + b), ("a * b", lambda a, b: a * b),
    ("tanh(a)", lambda a, b: a.tanh()), ("a + a", lambda a, b: a + a),
    ("a * a", lambda a, b: a * a), ("(a * b + a).tanh()", lambda a, b: (a * b + a).tanh()),
]


def _compare(cls: Any, n_graphs: int = 20) -> str | None:
    """None when ``cls`` gives the engine's values and gradients on the fixed cases and on
    ``n_graphs`` random graphs; else what differs, where."""
    from autograd_core import Value

    if not isinstance(cls, type):
        return f"the answer should be your class (e.g. MyValue), got {cls!r}"
    probe = cls(0.5)
    if probe.tanh() in (None, ...) or probe.backward() is ...:
        raise NotAnswered("tanh or backward")
    for text, f in CASES:
        mine_in = [cls(3.0), cls(-0.5)]
        ref_in = [Value(3.0), Value(-0.5)]
        mine, ref = f(*mine_in), f(*ref_in)
        mine.backward()
        ref.backward()
        if abs(_num(mine.data, "data") - ref.data) > 1e-9:
            return (f"on {text} with a = 3, b = -0.5 your value is {mine.data}, the engine's "
                    f"{ref.data}")
        for name, m, r in zip("ab", mine_in, ref_in):
            g = _num(m.grad, f"d/d{name}")
            if abs(g - r.grad) > 1e-9:
                msg = (f"on {text} with a = 3, b = -0.5 your gradient for {name} is {g:.6g}, "
                       f"the engine's {r.grad:.6g}")
                if text in ("a + a", "a * a"):
                    msg += (": a value used twice must receive the sum of both edges' "
                            "contributions (+=, not =)")
                return msg
    for seed in range(n_graphs):
        mine_leaves, mine_root, text = random_graph(cls, seed)
        ref_leaves, ref_root, _ = random_graph(Value, seed)
        mine_root.backward()
        ref_root.backward()
        if not math.isclose(mine_root.data, ref_root.data, rel_tol=1e-9, abs_tol=1e-12):
            return (f"random graph {seed} (its last op {text}): value {mine_root.data}, the "
                    f"engine's {ref_root.data}")
        for i, (m, r) in enumerate(zip(mine_leaves, ref_leaves)):
            if not math.isclose(m.grad, r.grad, rel_tol=1e-9, abs_tol=1e-12):
                return (f"random graph {seed}: the gradient for x{i} is {m.grad:.6g}, the "
                        f"engine's {r.grad:.6g}")
    return None


class SolutionValue:
    """A micrograd-sized Value: each node keeps (parent, local gradient) pairs."""

    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents            # ((parent, d self / d parent), ...)

    def __add__(self, other):
        other = other if isinstance(other, SolutionValue) else SolutionValue(other)
        return SolutionValue(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = other if isinstance(other, SolutionValue) else SolutionValue(other)
        return SolutionValue(self.data * other.data, ((self, other.data), (other, self.data)))

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return SolutionValue(t, ((self, 1 - t * t),))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:                      # topological order, iteratively
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p, _ in node.parents)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):      # upstream x local, accumulated
            for parent, local in node.parents:
                parent.grad += local * node.grad


class AssignValue(SolutionValue):
    """The naive engine's bug: '=' instead of '+=' in backward."""

    def __add__(self, other):
        other = other if isinstance(other, AssignValue) else AssignValue(other)
        return AssignValue(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = other if isinstance(other, AssignValue) else AssignValue(other)
        return AssignValue(self.data * other.data, ((self, other.data), (other, self.data)))

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return AssignValue(t, ((self, 1 - t * t),))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p, _ in node.parents)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node.parents:
                parent.grad = local * node.grad


register(
    "07.value_class",
    "Your Value class: values and gradients equal to the engine's on fixed cases and 20 random "
    "graphs.",
    predicate(_compare, right_says="your Value agrees with autograd_core on every case and on "
                                   "20 random graphs."),
    solution=SolutionValue,
    wrong=AssignValue,
    wrong_says="must receive the sum of both edges' contributions (+=, not =)",
    hint="keep (parent, local gradient) pairs on each node; backward: topological order, then "
         "in reverse, parent.grad += local * node.grad.",
)


def _exp_local(f: Any) -> str | None:
    if not callable(f):
        return f"the answer should be a function local(x, out), got {f!r}"
    for x in (-1.0, 0.0, 0.5, 2.0):
        out = math.exp(x)
        got = _num(f(x, out), "the local gradient")
        if not math.isclose(got, out, rel_tol=1e-9):
            return (f"at x = {x:g} (out = e^x = {out:.6g}) your local gradient is {got:.6g}; "
                    f"d/dx e^x is {out:.6g}")
    return None


register(
    "07.exp_local",
    "Write the op table's local gradient of exp: local(x, out) = d out / d x.",
    predicate(_exp_local, right_says="d/dx e^x = e^x = out: the rule can reuse the output."),
    solution=lambda x, out: out,
    wrong=lambda x, out: x * out,
    wrong_says="d/dx e^x is",
    hint="e^x is its own derivative, and the rule receives the output already computed.",
    explanation="local = lambda x, out: out  (autograd_core/rules.py writes EXP's local "
                "gradient as (out,): no second exp).",
)

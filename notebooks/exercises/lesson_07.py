"""Lesson 07 (build your own): a learner's micrograd-sized Value checked against the engine,
and the local derivative of a new op."""

from __future__ import annotations

import inspect
import math
import random
from typing import Any

from exercises import NotAnswered, WrongKind, _num, _short, predicate, register


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
    ("a - b", lambda a, b: a - b), ("exp(a * b)", lambda a, b: (a * b).exp()),
    ("2 - a", lambda a, b: 2 - a), ("a * 3 + 1", lambda a, b: a * 3 + 1),
]

_ENGINE = ("autograd_core", "nn")


def _from_engine(obj: Any) -> bool:
    mod = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
    if not isinstance(mod, str):
        mod = getattr(type(obj), "__module__", "") or ""
    return mod.split(".")[0] in _ENGINE


def _uses_engine(cls: type) -> str | None:
    """Why ``cls`` is (or leans on) the engine it is checked against, or None.

    Refused: autograd_core's Value or a subclass of any engine class; a method that imports
    autograd_core or reads an engine name from its module (``ac.Value``, ``Value`` imported
    from autograd_core); results that carry engine objects in their attributes."""
    for klass in cls.__mro__:
        if klass is not object and _from_engine(klass):
            return (f"it is (or is derived from) {klass.__module__}.{klass.__name__}: the "
                    "engine cannot check itself. Write your own class")
    for name, attr in vars(cls).items():
        func = getattr(attr, "__func__", attr)
        code = getattr(func, "__code__", None)
        if code is None:
            continue
        names: set[str] = set()
        stack = [code]
        while stack:
            c = stack.pop()
            names.update(c.co_names)
            stack.extend(k for k in c.co_consts if hasattr(k, "co_names"))
        if any(n.split(".")[0] in _ENGINE for n in names):
            return f"its {name} imports the engine. Write the arithmetic yourself"
        glob = getattr(func, "__globals__", {})
        for n in sorted(names):
            if n in glob and _from_engine(glob[n]):
                return (f"its {name} uses {n}, which comes from the engine. Write the "
                        "arithmetic yourself")
    return None


def _carries_engine(node: Any) -> bool:
    for v in vars(node).values() if hasattr(node, "__dict__") else ():
        items = v if isinstance(v, (tuple, list)) else (v,)
        for item in items:
            inner = item if isinstance(item, (tuple, list)) else (item,)
            if any(_from_engine(i) and not isinstance(i, (int, float)) for i in inner):
                return True
    return False


def _parents(node: Any) -> list[tuple[Any, float]]:
    """The node's ``parents`` as (parent, local gradient) pairs, checked for shape."""
    ps = getattr(node, "parents", None)
    if ps is None:
        raise WrongKind("the result has no .parents: store the pairs (parent, local gradient) "
                        "in self.parents")
    try:
        pairs = [(p, float(local)) for p, local in ps]
    except (TypeError, ValueError):
        raise WrongKind(f".parents should hold (parent, local gradient) pairs, it holds "
                        f"{ps!r}") from None
    return pairs


def _step_check(cls: Any, text: str, make: Any, data: float,
                locals_: list[tuple[int, float]]) -> str | None:
    """Build ``make(a, b)`` from a = cls(2), b = cls(-3); check the data and the parents."""
    if not isinstance(cls, type):
        raise WrongKind(f"the answer should be your class (Value), got {cls!r}")
    reason = _uses_engine(cls)
    if reason:
        return f"not your own class: {reason}."
    a, b = cls(2.0), cls(-3.0)
    out = make(a, b)
    if out is ... or out is None:
        raise NotAnswered(text)
    if not (hasattr(out, "data") and hasattr(out, "grad")):
        return f"{text} returned {_short(out)}, not a Value (with .data and .grad)"
    if not math.isclose(_num(out.data, "data"), data, abs_tol=1e-12):
        return f"with a = 2, b = -3: {text} has data {out.data!r}, it should be {data:g}"
    pairs = _parents(out)
    inputs = (a, b)
    if len(pairs) != len(locals_):
        return (f"{text} should have {len(locals_)} parent pair(s), it has {len(pairs)}")
    for (parent, local), (k, want) in zip(pairs, locals_):
        if parent is not inputs[k]:
            return (f"in {text} a parent is not the input object itself: keep the Value "
                    "(self, other), not a copy or its number")
        if not math.isclose(local, want, abs_tol=1e-12):
            return (f"with a = 2, b = -3 the local gradient of {text} with respect to "
                    f"{'ab'[k]} is {want:g}; yours is {local:g}")
    return None


def _judge_add(cls: Any) -> str | None:
    return _step_check(cls, "a + b", lambda a, b: a + b, -1.0, [(0, 1.0), (1, 1.0)])


def _judge_mul(cls: Any) -> str | None:
    return _step_check(cls, "a * b", lambda a, b: a * b, -6.0, [(0, -3.0), (1, 2.0)])


def _judge_tanh(cls: Any) -> str | None:
    t = math.tanh(2.0)
    return _step_check(cls, "a.tanh()", lambda a, b: a.tanh(), t, [(0, 1.0 - t * t)])


def _judge_backward(cls: Any) -> str | None:
    """(x + y) z at the lecture's point, a value used twice, and gradients that accumulate on
    the leaves across two backward calls (as in PyTorch and autograd_core)."""
    if not isinstance(cls, type):
        raise WrongKind(f"the answer should be your class (Value), got {cls!r}")
    reason = _uses_engine(cls)
    if reason:
        return f"not your own class: {reason}."
    x, y, z = cls(-2.0), cls(5.0), cls(-4.0)
    f = (x + y) * z
    if f.backward() is ...:
        raise NotAnswered("backward")
    got = (x.grad, y.grad, z.grad)
    if not all(math.isclose(_num(g, "grad"), w) for g, w in zip(got, (-4.0, -4.0, 3.0))):
        return f"f = (x + y) z at (-2, 5, -4): your gradients are {got}, they should be (-4, -4, 3)"
    for text, make, want in [("b = a + a", lambda a: a + a, 2.0),
                             ("b = a * a", lambda a: a * a, 6.0),
                             ("b = (a + a) * a", lambda a: (a + a) * a, 12.0)]:
        a = cls(3.0)
        make(a).backward()
        if not math.isclose(_num(a.grad, "grad"), want):
            return (f"{text} at a = 3: your a.grad is {a.grad:g}, it should be {want:g} "
                    "(a value used twice must receive the sum of both edges' contributions: "
                    "+=, not =)")
    return None


def _compare(cls: Any, n_graphs: int = 20) -> str | None:
    """None when ``cls`` gives the engine's values and gradients on the fixed cases and on
    ``n_graphs`` random graphs; else what differs, where. The engine's own Value, or a class
    that uses the engine, is refused."""
    from autograd_core import Value

    if not isinstance(cls, type):
        raise WrongKind(f"the answer should be your class (e.g. Value), got {cls!r}")
    reason = _uses_engine(cls)
    if reason:
        return f"not your own class: {reason}."
    probe = cls(0.5)
    for op in ("tanh", "exp", "backward"):
        if not callable(getattr(probe, op, None)):
            return f"your class has no {op}() yet"
    if probe.tanh() in (None, ...) or probe.exp() in (None, ...) or probe.backward() is ...:
        raise NotAnswered("tanh, exp or backward")
    if _carries_engine(probe + cls(1.0)):
        return "not your own class: its results carry the engine's Values inside."
    for text, f in CASES:
        mine_in = [cls(3.0), cls(-0.5)]
        ref_in = [Value(3.0), Value(-0.5)]
        try:
            mine = f(*mine_in)
        except TypeError as e:
            return f"{text} fails with a = 3, b = -0.5: {e}"
        ref = f(*ref_in)
        if mine is None or mine is ...:
            raise NotAnswered(text)
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

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def tanh(self):
        t = math.tanh(self.data)
        return SolutionValue(t, ((self, 1 - t * t),))

    def exp(self):
        e = math.exp(self.data)
        return SolutionValue(e, ((self, e),))

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
            if node.parents:              # fresh buffers inside; leaves accumulate
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

    def exp(self):
        e = math.exp(self.data)
        return AssignValue(e, ((self, e),))

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


class SwappedMul(SolutionValue):
    """The multiply gate's classic slip: each input's local gradient is itself, not the other."""

    def __mul__(self, other):
        other = other if isinstance(other, SolutionValue) else SwappedMul(other)
        return SwappedMul(self.data * other.data, ((self, self.data), (other, other.data)))


class NoParentsAdd(SolutionValue):
    """__add__ that computes the number but forgets the graph."""

    def __add__(self, other):
        other = other if isinstance(other, SolutionValue) else NoParentsAdd(other)
        return NoParentsAdd(self.data + other.data)


class TanhOfOutput(SolutionValue):
    """tanh whose local gradient is 1 - x^2 (the input) instead of 1 - t^2 (the output)."""

    def tanh(self):
        return TanhOfOutput(math.tanh(self.data), ((self, 1 - self.data ** 2),))


register(
    "07.add",
    "Value.__add__: the sum's data and its two (parent, local gradient) pairs.",
    predicate(_judge_add, right_says="a + b keeps both inputs with local gradient 1."),
    solution=SolutionValue,
    wrong=NoParentsAdd,
    wrong_says="should have 2 parent pair(s), it has 0",
    hint="return Value(self.data + other.data, ((self, 1.0), (other, 1.0))): d(a+b)/da = 1.",
)

register(
    "07.mul",
    "Value.__mul__: the product's data and its two (parent, local gradient) pairs.",
    predicate(_judge_mul, right_says="a * b: the local gradient for a is b, for b it is a."),
    solution=SolutionValue,
    wrong=SwappedMul,
    wrong_says="the local gradient of a * b with respect to a is -3",
    hint="d(ab)/da = b and d(ab)/db = a: the multiply gate swaps its inputs (lesson 1).",
)

register(
    "07.backward",
    "Value.backward: the lecture's (x + y) z, and values used twice.",
    predicate(_judge_backward, right_says="(-4, -4, 3), and a + a gives a.grad = 2."),
    solution=SolutionValue,
    wrong=AssignValue,
    wrong_says="+=, not =",
    hint="visit the nodes root first (reverse topological order) and for every (parent, "
         "local) pair add local * node.grad into parent.grad.",
)

register(
    "07.tanh",
    "Value.tanh: t = tanh(x) and its local gradient.",
    predicate(_judge_tanh, right_says="d tanh(x)/dx = 1 - t^2, read from the output."),
    solution=SolutionValue,
    wrong=TanhOfOutput,
    wrong_says="the local gradient of a.tanh()",
    hint="d tanh(x)/dx = 1 - tanh(x)^2: use the output t, not the input x.",
)

register(
    "07.value_class",
    "Your whole Value (with -, exp): values and gradients equal to the engine's on ten cases "
    "and 20 random graphs.",
    predicate(_compare, right_says="your Value agrees with autograd_core on every case and on "
                                   "20 random graphs."),
    solution=SolutionValue,
    wrong=AssignValue,
    wrong_says="must receive the sum of both edges' contributions (+=, not =)",
    hint="a - b is a + (-1) * b (so __neg__, __sub__ and __rsub__ from + and *); exp keeps "
         "(self, e) because d e^x/dx = e^x.",
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

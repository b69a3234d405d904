"""A program written for micrograd runs unchanged after changing its import.

The two tests below are micrograd 0.1.0's own test_engine.py, with torch's reference numbers
written in (they are the values micrograd's README prints)."""

import math

from autograd_core import Value


def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y
    assert ymg.data == -20.0
    assert xmg.grad == 46.0


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert math.isclose(g.data, 24.70408163265306, rel_tol=1e-12)
    assert math.isclose(a.grad, 138.83381924198252, rel_tol=1e-12)
    assert math.isclose(b.grad, 645.5772594752186, rel_tol=1e-12)


def test_micrograd_training_idiom():
    """micrograd's demo loop: p.data -= lr * p.grad, then zero the grads by hand."""
    w = [Value(0.5), Value(-0.3)]
    b = Value(0.1)
    data = [([1.0, 2.0], 1.0), ([-1.0, 0.5], -1.0)]
    losses = []
    for _ in range(30):
        loss = sum(((w[0] * x[0] + w[1] * x[1] + b).tanh() - y) ** 2 for x, y in data)
        for p in w + [b]:
            p.grad = 0
        loss.backward()
        for p in w + [b]:
            p.data -= 0.1 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.05 < losses[0]


def test_op_strings_and_prev_sets_as_micrograd_makes_them():
    """Karpathy's lecture draw_dot and students' tests read c._op == '+' and c._prev == {a, b}."""
    a, b = Value(2.0), Value(-3.0)
    c = a + b
    d = a * b
    assert (c._op, d._op) == ("+", "*")
    assert c._prev == {a, b} and d._prev == {a, b} and isinstance(c._prev, set)
    assert (a ** 3)._op == "**3" and (a ** -1)._op == "**-1" and (a ** 0.5)._op == "**0.5"
    assert (a.relu()._op, a.tanh()._op, a.exp()._op) == ("ReLU", "tanh", "exp")
    assert a._op == "" and a._prev == set()
    assert (a * 2)._prev == {a}  # a plain number is a constant here, not a node


def test_lecture_draw_dot_walks_prev_and_labels_ops():
    """The lecture's trace(): nodes and edges from _prev, an op node per non-empty _op."""
    x1, x2, w1, w2, b = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.88)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(o)
    assert len(nodes) == 10 and len(edges) == 9
    assert sorted(v._op for v in nodes if v._op) == ["*", "*", "+", "+", "tanh"]


def test_pow_method_as_pytorch_names_it():
    a = Value(3.0)
    y = a.pow(2)
    y.backward()
    assert y.data == 9.0 and a.grad == 6.0 and y._op == "**2"

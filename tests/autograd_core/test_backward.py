"""backward(): order, reuse, accumulation, intermediate gradients, modes."""

import math

import pytest

from autograd_core import (
    AnomalyError,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    no_grad,
    topological_order,
    zero_grad,
)
from autograd_core.backward import reverse_topological


def test_reused_node_keeps_both_edges():
    x = Value(3.0)
    y = x * x
    assert y.inputs == (x, x)
    y.backward()
    assert x.grad == 6.0
    x2 = Value(3.0)
    z = x2 + x2
    z.backward()
    assert x2.grad == 2.0


def test_diamond_graph_sums_paths():
    x = Value(2.0)
    a = x * 3  # da/dx = 3
    b = x.exp()  # db/dx = e^2
    c = a * b  # dc/da = b, dc/db = a
    c.backward()
    assert math.isclose(x.grad, 3 * math.exp(2) + 6 * math.exp(2), rel_tol=1e-15)
    assert a.grad == b.data and b.grad == a.data


def test_a_million_op_chain_needs_no_recursion_limit():
    import sys

    limit = sys.getrecursionlimit()
    x = Value(0.5)
    y = x
    for _ in range(500_000):
        y = y * 1.0
        y = y + 0.0
    y.backward()
    assert x.grad == 1.0
    assert sys.getrecursionlimit() == limit
    assert len(topological_order(y)) == 1_000_001


def test_backward_from_an_intermediate_node_and_a_leaf():
    x = Value(2.0)
    y = x * 5
    z = y + 1
    y.backward()
    assert x.grad == 5.0 and z.grad == 0.0
    leaf = Value(1.0)
    leaf.backward()
    leaf.backward()
    assert leaf.grad == 2.0


def test_backward_with_a_seed_gradient():
    x = Value(3.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 3.0
    with pytest.raises(TypeError, match="gradient"):
        (x * x).backward(gradient="1")
    with pytest.raises(TypeError, match="expects a Value"):
        from autograd_core.backward import backward
        backward(3.0)


def test_order_is_deterministic_and_topological():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    f = (x * y + x).tanh() * y
    order1 = [id(v) for v in topological_order(f)]
    order2 = [id(v) for v in topological_order(f)]
    assert order1 == order2
    pos = {id(v): i for i, v in enumerate(topological_order(f))}
    for v in topological_order(f):
        for p in v.parents:
            assert pos[id(p)] < pos[id(v)]
    assert reverse_topological(f)[0] is f


def test_zero_grad_clears_the_whole_graph():
    x = Value(2.0)
    y = (x * x).tanh()
    y.backward()
    assert x.grad != 0.0
    y.zero_grad()
    assert all(v.grad == 0.0 for v in topological_order(y))
    y.backward()
    g = x.grad
    zero_grad([y])
    y.backward()
    assert x.grad == g


def test_no_grad_records_nothing_and_nests():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
        with enable_grad():
            z = x * 2
        w = x.tanh()
    assert y.is_leaf and y.data == 7.0 and w.is_leaf
    assert not z.is_leaf
    q = x * 2
    assert not q.is_leaf  # recording restored on exit


def test_no_grad_restores_state_after_an_exception():
    x = Value(1.0)
    with pytest.raises(ZeroDivisionError), no_grad():
        raise ZeroDivisionError
    assert not (x * 2).is_leaf


def test_detect_anomaly_names_the_forward_op():
    x = Value(0.0)
    with detect_anomaly(), pytest.raises(AnomalyError, match="op 'log' returned -inf"):
        (x * 2).log()
    (x * 2).log()  # outside the context: plain IEEE result


def test_detect_anomaly_names_the_backward_op():
    x = Value(0.0)
    y = x.sqrt()  # forward fine: 0.0; backward: 1 / (2 sqrt 0) = inf
    with detect_anomaly(), pytest.raises(AnomalyError, match="backward through op 'sqrt'"):
        y.backward()


def test_interrupted_backward_leaves_the_graph_usable():
    x = Value(0.0)
    y = x.sqrt() * 2
    with detect_anomaly(), pytest.raises(AnomalyError):
        y.backward()
    z = x * 3 + 1
    z.backward()
    assert x.grad == 3.0


def test_functional_grad_does_not_touch_grad():
    x, y = Value(2.0), Value(3.0)
    f = x * y
    gx, gy = grad(f, [x, y])
    assert (gx, gy) == (3.0, 2.0)
    assert x.grad == 0.0 and y.grad == 0.0
    unused = Value(1.0)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        grad(f, [unused])
    assert grad(f, [unused], allow_unused=True) == [0.0]
    assert grad(f, x) == [3.0]

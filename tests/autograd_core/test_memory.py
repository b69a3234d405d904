"""No reference cycles: a dropped graph is freed by reference counting alone."""

import gc
import weakref

from autograd_core import Value, grad
from autograd_core.functional import dot, softmax


def build(x):
    y = x
    for _ in range(100):
        y = (y * 1.01 + 0.5).tanh() * y
    z = dot([y, x], [x, 2.0]) + softmax([y, x, 1.0])[0]
    return z


def test_graph_is_freed_without_the_cyclic_collector():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.3)
        z = build(x)
        z.backward()
        refs = [weakref.ref(z), weakref.ref(z.inputs[0])]
        inner = z.inputs[0]
        while not inner.is_leaf:
            refs.append(weakref.ref(inner))
            inner = inner.parents[0]
        del z, inner
        assert all(r() is None for r in refs), "a node survived: some node is in a cycle"
        assert x.grad != 0.0
    finally:
        gc.enable()


def test_higher_order_graphs_are_freed_too():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.3)
        (g,) = grad(build(x), [x], create_graph=True)
        r = weakref.ref(g)
        del g
        assert r() is None
    finally:
        gc.enable()


def test_gc_finds_no_garbage_after_training_like_loops():
    gc.collect()
    gc.disable()
    try:
        w = Value(0.1)
        for _ in range(50):
            loss = (build(w) - 1.0) ** 2
            loss.backward()
            w.data -= 0.01 * w.grad
            w.grad = 0.0
        del loss
        assert gc.collect() == 0
    finally:
        gc.enable()

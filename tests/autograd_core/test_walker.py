"""The reference walker (autograd_core.walker) against backward(): the same bits in every
``.grad``, on random graphs with reuse (``x + x``, a node used by many ops), with Function gates
in them, on leaves that already hold gradients, with the accelerator on and off."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Function, Value
from autograd_core import value as V
from autograd_core.walker import (
    contributions,
    gradients,
    reference_backward,
    reverse_topological,
    topological_order,
)

from .random_dags import programs, run_values


class Scale(Function):
    """A gate: 3 * x * y, written by hand (the decks' gate API)."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return 3.0 * x * y

    def backward(self, up):
        return [3.0 * self.y * up, 3.0 * self.x * up]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def build(steps, xs, leaf_grads, gate_every):
    vs = [Value(x) for x in xs]
    for v, g in zip(vs, leaf_grads):
        v.grad = g
    out = run_values(steps, vs)
    if gate_every:  # gates on top, fed by the output and by an input used again
        out = Scale.apply(out, vs[0]) + out * vs[0]
        out = Scale()(out, out).tanh()
    return out


def snapshot(out):
    return [(n.op, bits(n.data), bits(n.grad)) for n in topological_order(out)]


def run(walk, steps, xs, leaf_grads, gate_every, times):
    out = build(steps, xs, leaf_grads, gate_every)
    for _ in range(times):
        walk(out)
    return snapshot(out)


floats = st.floats(-3.0, 3.0, allow_nan=False)
modes = [True, False] if V._speedups is not None else [False]


@pytest.mark.parametrize("accelerated", modes)
@settings(max_examples=120, deadline=None)
@given(programs(max_steps=16), st.lists(floats, min_size=3, max_size=3),
       st.lists(st.sampled_from([0.0, 1.5, -0.25]), min_size=3, max_size=3),
       st.booleans(), st.integers(1, 2))
def test_reference_walker_gives_backwards_bits(accelerated, steps, xs, leaf_grads, gate, times):
    was = V.use_accelerator(accelerated) if V._speedups is not None else False
    try:
        fast = run(lambda o: o.backward(), steps, xs, leaf_grads, gate, times)
    finally:
        if V._speedups is not None:
            V.use_accelerator(was)
    reference = run(reference_backward, steps, xs, leaf_grads, gate, times)
    assert fast == reference


def test_repeated_input_sends_twice():
    x = Value(3.0)
    y = x + x  # two edges into x
    z = y * x  # and a third
    reference_backward(z)
    assert x.grad == 2 * 3.0 + 6.0  # d(2x * x)/dx = 4x = 12
    assert y.grad == 3.0


def test_reference_walker_on_the_lectures_example():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    reference_backward(f)
    assert (f.grad, q.grad, x.grad, y.grad, z.grad) == (1.0, -4.0, -4.0, -4.0, 3.0)
    reference_backward(f)  # leaves accumulate, intermediate nodes are overwritten
    assert (q.grad, x.grad, z.grad) == (-4.0, -8.0, 6.0)


def test_edge_protocol_for_ops_constants_and_gates():
    x = Value(2.0)
    node = x * 5.0  # a constant input: its entry is computed but never sent
    assert contributions(node, 0.5) == (2.5, 1.0)
    g = Scale.apply(x, 4.0)
    assert contributions(g, 2.0) == (24.0, 12.0)  # 3 * y * up, 3 * x * up
    assert gradients(g)[x] == 12.0


def test_topological_order_of_several_roots():
    a = Value(1.0)
    b = a * 2.0
    c = b + a
    order = topological_order([c, b])  # b is consumed by c: it comes before c
    assert order.index(a) < order.index(b) < order.index(c)
    assert len(order) == 3
    assert reverse_topological(c) == list(reversed(topological_order(c)))


def test_reference_walker_fits_on_one_screen():
    import inspect

    from autograd_core import walker

    lines = (inspect.getsource(walker.reference_backward)
             + inspect.getsource(walker.gradients)).splitlines()
    assert len(lines) <= 30

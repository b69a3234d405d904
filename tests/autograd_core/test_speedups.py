"""The C accelerator (autograd_core/_speedups.c) against its Python reference.

``_speedups.node`` must make the same node as ``value._node_py`` and ``_speedups.backward_fast``
must leave the same bits in every ``.grad`` as ``backward._backward_fast``, on random graphs, on
leaves that already hold gradients, and when something fails half-way."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, dot, topological_order, vsum
from autograd_core import value as V

from .random_dags import programs, run_values

needs_accelerator = pytest.mark.skipif(V._speedups is None,
                                       reason="the C accelerator is not built")


@pytest.fixture(autouse=True)
def accelerator_on():
    """Each test starts with the accelerator on where it is built (also when the suite runs with
    AUTOGRAD_CORE_PURE_PYTHON=1), and leaves the setting as it found it."""
    if V._speedups is None:
        yield
        return
    was = V.use_accelerator(True)
    try:
        yield
    finally:
        V.use_accelerator(was)


@contextmanager
def pure_python():
    """Run the engine on its pure-Python reference path."""
    was = V.use_accelerator(False)
    try:
        yield
    finally:
        V.use_accelerator(was)


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def grads_of(steps, xs, leaf_grads, times):
    vs = [Value(x) for x in xs]
    for v, g in zip(vs, leaf_grads):
        v.grad = g
    out = run_values(steps, vs)
    for _ in range(times):
        out.backward()
    nodes = topological_order(out)
    return [(n.op, bits(n.data), bits(n.grad), n._pending) for n in nodes]


floats = st.floats(-3.0, 3.0, allow_nan=False)


@needs_accelerator
@settings(max_examples=150, deadline=None)
@given(programs(max_steps=20), st.lists(floats, min_size=3, max_size=3),
       st.lists(st.sampled_from([0.0, 1.5, -0.25]), min_size=3, max_size=3),
       st.integers(1, 3))
def test_compiled_gradients_are_the_pure_python_bits(steps, xs, leaf_grads, times):
    compiled = grads_of(steps, xs, leaf_grads, times)
    with pure_python():
        reference = grads_of(steps, xs, leaf_grads, times)
    assert compiled == reference


@needs_accelerator
def test_compiled_node_is_the_python_node():
    x = Value(2.0, label="x")
    args = (3.0, "mul", 0.5, x, 2.0, 2.0, 2.0)
    for n in (V._node(*args), V._node_py(*args)):
        assert type(n) is Value
        assert (n.data, n.grad, n.label, n.op, n.arg, n._pending) == (3.0, 0.0, None, "mul", 0.5, 0)
        assert n.inputs == (x, 2.0) and n.local_grads == (2.0, 2.0)


@needs_accelerator
def test_compiled_node_rejects_a_wrong_call():
    with pytest.raises(TypeError, match="takes 7 arguments"):
        V._node(1.0, "add")


@needs_accelerator
def test_no_reference_is_leaked_or_lost():
    c = 0.123456789  # a float object only this test holds
    x = Value(1.0)
    before = (sys.getrefcount(c), sys.getrefcount(x))
    y = x
    for _ in range(1000):
        y = y * c + c
    y.backward()
    assert x.grad == pytest.approx(c ** 1000, abs=0)  # 0.0: the product underflows
    del y
    assert (sys.getrefcount(c), sys.getrefcount(x)) == before


@needs_accelerator
def test_counts_beyond_the_small_int_cache():
    x = Value(0.5)
    out = dot([x] * 3000, [x] * 3000)  # 6000 edges into x
    out = out + x * x
    out.backward()
    assert x.grad == 6002 * 0.5  # d/dx 3001 x^2 = 6002 x
    assert x._pending == 0


@needs_accelerator
def test_a_value_gradient_on_a_leaf_takes_the_generic_path():
    x = Value(3.0)
    (x ** 3).backward(create_graph=True)  # x.grad is now a Value: 3x^2
    assert isinstance(x.grad, Value)
    (x * 2.0).backward()
    assert isinstance(x.grad, Value) and x.grad.data == 29.0


@needs_accelerator
def test_a_failure_half_way_leaves_the_graph_as_it_was():
    for path in ("compiled", "pure"):
        x, w = Value(1.0), Value(2.0)
        x.grad = 5.0
        node = vsum([x])
        out = node + w * x  # w * x is sent its gradient before the sum fails
        node._da = ("not a number",)  # sabotage the sum's stored local gradient
        if path == "pure":
            with pure_python(), pytest.raises(TypeError):
                out.backward()
        else:
            with pytest.raises(TypeError):
                out.backward()
        assert x.grad == 5.0 and w.grad == 0.0, path
        assert all(n._pending == 0 for n in topological_order(out)), path
        node._da = (1.0,)
        out.backward()
        assert (x.grad, w.grad) == (5.0 + 1.0 + 2.0, 1.0), path


@needs_accelerator
def test_use_accelerator_switches_both_hot_spots_and_returns_the_old_setting():
    assert V.use_accelerator(False) is True
    try:
        assert not V.accelerated() and V._node is V._node_py and V._compiled_backward is None
        x = Value(2.0)
        (x * x + x).backward()
        assert x.grad == 5.0
    finally:
        assert V.use_accelerator(True) is False
    assert V.accelerated() and V._node is not V._node_py


def test_switched_off_by_the_environment():
    env = dict(os.environ, AUTOGRAD_CORE_PURE_PYTHON="1")
    code = ("from autograd_core import Value; from autograd_core.value import accelerated\n"
            "x, y, z = Value(-2.0), Value(5.0), Value(-4.0); f = (x + y) * z; f.backward()\n"
            "print(accelerated(), f.data, x.grad, y.grad, z.grad)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "-12.0", "-4.0", "-4.0", "3.0"]


def test_the_accelerator_is_built_where_a_c_compiler_is():
    if os.environ.get("AUTOGRAD_CORE_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("switched off by AUTOGRAD_CORE_PURE_PYTHON")
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler on this machine: the engine runs its pure-Python path")
    assert V.accelerated(), (
        "a C compiler is here but autograd_core/_speedups.c was not built: run "
        "`.venv/bin/pip install -e .` again and read its output (Python headers missing?)")

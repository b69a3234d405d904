"""Long chains of one-row steps are rolled into a loop (autograd_core/compiler/loops.py): the
same numbers as the eager engine and as the unrolled program, bit for bit, at any depth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd_core import Value
from autograd_core.compiler import compile, loops

from .test_compiled import assert_close, eager

X = np.array([[0.3], [-1.2], [2.0], [0.05]])


def _chain(depth: int, w: Value | None = None, consts: Callable[[int], float] | None = None
           ) -> Callable[[list[Value]], Value]:
    def fn(x: list[Value]) -> Value:
        y = x[0] if w is None else x[0] * w
        for i in range(depth):
            y = (y * (0.9999 if consts is None else consts(i))).tanh()
        return y
    return fn


def _loops(src: str) -> int:
    return sum(line.lstrip().startswith("for ") for line in src.splitlines())


def _both(fn: Callable[..., Value], shapes: list[Any], params: list[Value],
          monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The program rolled and the same program with rolling switched off."""
    rolled = compile(fn, *shapes, params=params)
    monkeypatch.setattr(loops, "MIN_STEPS", 10**9)
    plain = compile(fn, *shapes, params=params)
    monkeypatch.undo()
    return rolled, plain


@pytest.mark.parametrize("depth", [16, 17, 40, 333, 2000])
def test_a_chain_at_any_depth_equals_eager_and_the_unrolled_program(
        depth: int, monkeypatch: pytest.MonkeyPatch) -> None:
    w = Value(0.7)
    rolled, plain = _both(_chain(depth, w), [1], [w], monkeypatch)
    assert _loops(rolled.source()) == (2 if 2 * depth >= loops.MIN_STEPS else 0)
    if 2 * depth >= loops.MIN_STEPS:  # no constant changes: the loops count, forward and back
        assert f"in range({depth}):" in rolled.source()
        assert f"in range({2 * depth - 2}, -1, -2):" in rolled.source()
    assert _loops(plain.source()) == 0
    loss, grad = rolled.value_and_grad(X)
    ref_loss, ref_grad = eager(_chain(depth, w), [w], [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    p_loss, p_grad = plain.value_and_grad(X)
    assert loss == p_loss and np.array_equal(grad, p_grad)  # the same operations, bit for bit
    assert np.array_equal(rolled.forward(X), plain.forward(X))


def test_a_chain_without_parameters_runs_forward_only_as_one_loop() -> None:
    prog = compile(_chain(500), 1)
    src = prog.source("forward")
    assert _loops(src) == 1 and "m.tanh(out * 0.9999)" in src
    y = X[:, 0]
    for _ in range(500):
        y = np.tanh(y * 0.9999)
    assert_close(prog.forward(X), y, 1e-12)
    assert _loops(prog.source()) == 1  # no parameter: the gradient needs no loop back


def test_constants_that_differ_from_step_to_step_come_from_a_table(
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = Value(-0.4)
    scale = (lambda i: 0.5 + 0.001 * i)
    rolled, plain = _both(_chain(300, w, scale), [1], [w], monkeypatch)
    src = rolled.source()
    assert "0.9999" not in src and _loops(src) == 2
    ref_loss, ref_grad = eager(_chain(300, w, scale), [w], [X])
    loss, grad = rolled.value_and_grad(X)
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    assert (loss, grad.tolist()) == (lambda r: (r[0], r[1].tolist()))(plain.value_and_grad(X))


def test_a_chain_of_three_rules_with_a_constant_on_the_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = Value(0.3)

    def fn(x: list[Value]) -> Value:
        y = x[0] * w
        for _ in range(100):
            y = (0.5 - y).sigmoid() * 1.5 + 0.25
        return y
    rolled, plain = _both(fn, [1], [w], monkeypatch)
    assert _loops(rolled.source()) == 2
    loss, grad = rolled.value_and_grad(X)
    ref_loss, ref_grad = eager(fn, [w], [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    assert (loss, grad.tolist()) == (lambda r: (r[0], r[1].tolist()))(plain.value_and_grad(X))


def test_a_chain_feeding_an_mlp_and_an_mlp_feeding_a_chain() -> None:
    rng = np.random.default_rng(3)
    W1 = [[Value(float(rng.uniform(-1, 1))) for _ in range(2)] for _ in range(4)]
    W2 = [Value(float(rng.uniform(-1, 1))) for _ in range(4)]
    a = Value(0.8)

    def fn(x: list[Value]) -> Value:
        h = x[0] * a
        for _ in range(60):
            h = (h * 0.999).tanh()
        inp = [h, x[1]]
        hid = [sum(w * v for w, v in zip(row, inp)).relu() for row in W1]
        y = sum(w * v for w, v in zip(W2, hid))
        for _ in range(50):
            y = (y * 0.99).tanh()
        return (y - x[1]) ** 2
    params = [a, *[w for row in W1 for w in row], *W2]
    Xb = rng.uniform(-1, 1, (6, 2))
    prog = compile(fn, 2, params=params)
    assert _loops(prog.source()) == 4 and len(prog.parameters) == len(params)
    loss, grad = prog.value_and_grad(Xb)
    ref_loss, ref_grad = eager(fn, params, [Xb])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)


def test_a_value_used_twice_ends_the_run_and_stays_correct() -> None:
    w = Value(0.6)

    def fn(x: list[Value]) -> Value:
        y = x[0] * w
        for i in range(200):
            y = (y * 0.999).tanh()
            if i == 100:
                y = y * y + y  # read twice: the chain breaks here, and resumes after
        return y + x[0] * x[0]
    prog = compile(fn, 1, params=[w])
    loss, grad = prog.value_and_grad(X)
    ref_loss, ref_grad = eager(fn, [w], [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    assert _loops(prog.source()) == 4


def test_several_outputs_read_from_inside_a_chain() -> None:
    def fn(x: list[Value]) -> list[Value]:
        y = x[0]
        outs = []
        for i in range(120):
            y = (y * 0.99).tanh()
            if i in (59, 119):
                outs.append(y)
        return outs
    prog = compile(fn, 1)
    y = X[:, 0]
    want = []
    for i in range(120):
        y = np.tanh(y * 0.99)
        if i in (59, 119):
            want.append(y)
    assert_close(prog.forward(X), np.stack(want, axis=1), 1e-12)


def test_a_chain_reading_the_same_parameters_at_every_step(
        monkeypatch: pytest.MonkeyPatch) -> None:
    w, b = Value(0.9), Value(0.1)

    def fn(x: list[Value]) -> Value:
        h = x[0]
        for _ in range(80):
            h = (h * w + b).tanh()
        return h
    rolled, plain = _both(fn, [1], [w, b], monkeypatch)
    src = rolled.source()
    assert _loops(src) == 2 and "gs[0] +=" in src and "gs[1] +=" in src
    loss, grad = rolled.value_and_grad(X)
    ref_loss, ref_grad = eager(fn, [w, b], [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    assert (loss, grad.tolist()) == (lambda r: (r[0], r[1].tolist()))(plain.value_and_grad(X))


def test_a_chain_with_a_parameter_of_its_own_at_every_step(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ws = [Value(0.5 + 0.01 * i) for i in range(60)]

    def fn(x: list[Value]) -> Value:
        h = x[0]
        for i, w in enumerate(ws):
            h = (w * h).sigmoid() if i % 2 else (h - w).tanh()
        return h
    rolled, plain = _both(fn, [1], ws, monkeypatch)
    assert _loops(rolled.source()) == 2
    loss, grad = rolled.value_and_grad(X)
    ref_loss, ref_grad = eager(fn, ws, [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)
    assert (loss, grad.tolist()) == (lambda r: (r[0], r[1].tolist()))(plain.value_and_grad(X))
    assert np.array_equal(rolled.forward(X), plain.forward(X))


@pytest.mark.parametrize("label", ["_", "t", "c", "range", "H_losses", "chain_steps",
                                   "chain_back", "losses", "dlosses", "x", "s"])
def test_labels_never_collide_with_the_loops_names(label: str) -> None:
    w = Value(0.9, label=label)

    def fn(x: list[Value]) -> Value:
        x[0].label = label
        h = x[0] * w
        for i in range(40):
            h = (h * (0.5 + 0.01 * i)).tanh()
            h.label = label
        return h + x[0]
    prog = compile(fn, 1, params=[w])
    assert _loops(prog.source()) == 2
    loss, grad = prog.value_and_grad(X)
    ref_loss, ref_grad = eager(fn, [w], [X])
    assert_close(loss, ref_loss, 1e-12)
    assert_close(grad, ref_grad, 1e-12)

"""The compiler under hostile input: deep chains, labels that are keywords, non-ASCII or
NFKC-normalised onto the program's own names, two threads tracing at once, Ctrl-C at the worst
moments, complex arrays."""

from __future__ import annotations

import gc
import threading
from typing import Any

import numpy as np
import pytest

import autograd_core
from autograd_core import Value
from autograd_core.compiler import DataDependentError, compile, driver, program, trace

from .test_compiled import assert_close, check, eager

# --- any depth compiles, in time linear in the graph -------------------------------------------

def _chain(depth: int, w: Value | None = None) -> Any:
    def fn(x: list[Value]) -> Value:
        y = x[0] if w is None else x[0] * w
        for _ in range(depth):
            y = (y * 0.9999).tanh()
        return y
    return fn


def test_a_deep_chain_without_parameters_compiles_and_runs() -> None:
    # used to fail from about 300 deep: "too many nested parentheses" in the inlined code
    X = np.array([[0.3], [-1.2], [2.0]])
    prog = compile(_chain(1500), 1)
    y = X[:, 0]
    for _ in range(1500):
        y = np.tanh(y * 0.9999)
    np.testing.assert_allclose(prog.forward(X), y, rtol=1e-12)
    assert prog.value_and_grad(X)[0] == pytest.approx(y.mean(), rel=1e-12)
    assert max(len(line) for line in prog.source().splitlines()) < 400


def test_a_deep_chain_with_a_parameter_matches_eager() -> None:
    w = Value(0.7)
    check(_chain(600, w), [1], [w], [np.array([[0.3], [-1.2], [2.0]])])


# --- labels never change or break the program --------------------------------------------------

LABELS = ["while", "yield", "async", "await", "raise", "try", "None", "lambda",
          "σ", "ŷ", "λ1", "δz",
          "ｓ", "ℕ", "ｔｈｅｔａ", "ｘ", "ﬁ", "fi", "ｍ", "ｎｐ", "ｇｓ", "N", "s", "m", "np", "gs",
          "theta", "x_in", "dZ1", "W1", "_cat", "rule_tanh", "loss", "sum", "float", "a\nb",
          "W1[0,0]", "x[0]"]


@pytest.mark.parametrize("on_nodes", [False, True])
@pytest.mark.parametrize("label", LABELS)
def test_labels_never_change_what_a_program_computes(label: str, on_nodes: bool) -> None:
    # every place a label could name something: weight matrices, biases, a layer's
    # pre-activations and activations, a lone parameter
    rng = np.random.default_rng(len(label))
    W = [[Value(float(rng.normal()), label=f"{label}[{i},{j}]") for j in range(2)]
         for i in range(3)]
    b = [Value(float(rng.normal()), label=label) for _ in range(3)]
    v = Value(0.3, label=label)
    params = [p for row in W for p in row] + b + [v]

    def fn(x: list[Value], y: Value) -> Value:
        zs = [sum((w * xi for w, xi in zip(row, x)), bi) for row, bi in zip(W, b)]
        hs = [z.tanh() for z in zs]
        out = (hs[0] * v + hs[1] - hs[2]) * 1.0
        if on_nodes:
            for z, h in zip(zs, hs):
                z.label, h.label = label, label + "2"
            out.label = label
        return (out - y) ** 2

    X, Y = rng.normal(size=(6, 2)), rng.normal(size=6)
    prog = check(fn, [2, ()], params, [X, Y])
    assert prog.source().isascii()  # names are made by the compiler; labels never become code


def test_a_label_that_normalises_to_m_keeps_the_backend() -> None:
    # NFKC turns 'ｍ' into 'm': as a variable it would replace the numpy backend
    a = Value(0.5, label="ｍ")
    b = Value(-0.3, label="ｎｐ")
    c = Value(0.2, label="ｇｓ")
    check(lambda x: (x[0] * a + b).tanh() * c, [1], [a, b, c], [np.array([[0.5], [-2.0]])])


# --- tracing state is per thread ---------------------------------------------------------------

def test_a_second_thread_compiling_while_another_traces_still_refuses_data_dependence() -> None:
    inside = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def slow(x: list[Value]) -> Value:
        inside.set()
        release.wait(10)
        return x[0] * 2

    def first() -> None:
        try:
            compile(slow, 1)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=first)
    t.start()
    try:
        assert inside.wait(10)

        def branchy(x: list[Value]) -> Value:
            return x[0] * 1 if x[0].data > 0 else x[0] * -1

        with pytest.raises(DataDependentError, match="read .data"):
            compile(branchy, 1)
        honest = compile(lambda x: abs(x[0]), 1)
        np.testing.assert_array_equal(honest.forward(np.array([[-3.0], [3.0]])), [3.0, 3.0])
    finally:
        release.set()
        t.join(10)
    assert not errors
    assert not isinstance(Value.__dict__["data"], trace._DataGuard)
    assert Value(2.5).data == 2.5


# --- Ctrl-C leaves nothing behind --------------------------------------------------------------

def test_ctrl_c_while_entering_tracing_releases_the_lock_and_the_guard(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = trace._value._set_modes

    def interrupted(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 1:  # the first call: entering the trace, after the guard went in
            raise KeyboardInterrupt
        real(*args)

    monkeypatch.setattr(trace._value, "_set_modes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        compile(lambda x: x[0] * 2, 1)
    monkeypatch.undo()
    assert not isinstance(Value.__dict__["data"], trace._DataGuard)
    assert Value(1.5).data == 1.5  # reading .data works again in this thread
    done: list[Any] = []
    t = threading.Thread(target=lambda: done.append(compile(lambda x: x[0] * 3, 1)))
    t.start()
    t.join(10)
    assert done, "another thread's compile() hangs on the tracing lock"
    np.testing.assert_array_equal(done[0].forward(np.array([[2.0]])), [6.0])


def test_ctrl_c_right_after_gc_disable_turns_it_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    class InterruptedGC:
        def __getattr__(self, name: str) -> Any:
            return getattr(gc, name)

        def disable(self) -> None:
            gc.disable()
            raise KeyboardInterrupt

    assert gc.isenabled()
    monkeypatch.setattr(driver, "gc", InterruptedGC())
    try:
        with pytest.raises(KeyboardInterrupt):
            compile(lambda x: x[0] * 2, 1)
        assert gc.isenabled()
    finally:
        gc.enable()


# --- complex numbers are refused, not cut to their real part -----------------------------------

def test_complex_arrays_are_refused() -> None:
    w = Value(0.5)
    prog = compile(lambda x: x[0] * w, 1, params=[w])
    Z = np.array([[1 + 2j], [3.0 + 0j]])
    with pytest.raises(TypeError, match="complex"):
        prog.forward(Z)
    with pytest.raises(TypeError, match="complex"):
        prog.value_and_grad(Z)
    with pytest.raises(TypeError, match="complex"):
        prog.value_and_grad(np.array([[1.0]]), params=np.array([1j]))
    with pytest.raises(TypeError, match="complex"):
        prog.forward([[1 + 2j]])
    with pytest.raises(TypeError):
        Value(1 + 2j)  # type: ignore[arg-type]


# --- the exports -------------------------------------------------------------------------------

def test_the_compiled_shim_and_the_package_export_what_exists() -> None:
    from autograd_core import compiled

    assert compiled.compile is autograd_core.compile is compile
    assert compiled.Program is program.Program
    assert compiled.DataDependentError is DataDependentError
    assert not hasattr(trace, "is_tracing") and not hasattr(trace, "refuse_data_dependence")


# --- a matrix product whose inputs repeat one row ----------------------------------------------

def test_a_dot_product_reading_one_input_twice_is_a_matrix_product_of_both() -> None:
    # w1 * x0 + w2 * x0: one neuron, two weights, the same input twice
    w1, w2 = Value(0.4), Value(-1.3)
    X = np.array([[0.5, 1.0], [-2.0, 0.3]])
    prog = check(lambda x: w1 * x[0] + w2 * x[0] + x[0], [2], [w1, w2], [X])
    loss, g = prog.value_and_grad(X)
    assert_close(loss, np.mean(X[:, 0] * (0.4 - 1.3 + 1.0)))
    assert_close(g, [X[:, 0].mean(), X[:, 0].mean()])
    assert eager(lambda x: w1 * x[0] + w2 * x[0] + x[0], [w1, w2], [X])[0] == pytest.approx(loss)

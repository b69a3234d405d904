"""The engine's semantics beyond single ops: comparisons and truth, Value._backward(), forward
mode, empty reductions, no_grad results, numpy scalars, subclasses, pickling long graphs,
thread-local modes and concurrent backward, clamp's edge cases, the accelerator switch."""

from __future__ import annotations

import copy
import math
import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import Value, no_grad, numpy_math


# --- comparisons and truth ----------------------------------------------------------------------
def test_comparisons_read_the_numbers_and_return_bools():
    a, b = Value(1.0), Value(3.0)
    assert (a < b, a <= b, a > b, a >= b) == (True, True, False, False)
    assert (a < 2, 2 < a, a >= 1.0, 0.5 > a) == (True, False, True, False)
    assert type(a < b) is bool


def test_max_min_sorted_return_the_value_objects():
    vs = [Value(2.0), Value(-1.0), Value(5.0), Value(0.5)]
    assert max(vs) is vs[2] and min(vs) is vs[1]
    assert [v.data for v in sorted(vs)] == [-1.0, 0.5, 2.0, 5.0]
    m = max(vs)
    (m * 2.0).backward()  # max() picks a node; the gradient flows to that one only
    assert [v.grad for v in vs] == [0.0, 0.0, 2.0, 0.0]


def test_equality_is_identity_and_number_equality_warns():
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and len({a, b, a}) == 2 and {a: 1}[a] == 1
    with pytest.warns(UserWarning, match=r"compare the number: v.data == 1.0"):
        assert not (a == 1.0)


def test_truth_value_is_a_zero_d_tensors():
    assert bool(Value(2.0)) and not bool(Value(0.0)) and not bool(Value(-0.0))
    assert bool(Value(math.nan))


def test_comparisons_refuse_other_types():
    with pytest.raises(TypeError, match="'<' not supported"):
        Value(1.0) < "2"  # noqa: B015


# --- the lecture's per-node _backward() ---------------------------------------------------------
def test_underscore_backward_steps_through_the_lecture_neuron():
    """Karpathy's neuron: x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432, o = tanh(n)."""
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    assert math.isclose(n.grad, 0.5, rel_tol=1e-15)  # 1 - tanh(n)^2 = 1 - 0.7071^2
    n._backward()
    assert b.grad == n.grad and x1w1x2w2.grad == n.grad
    x1w1x2w2._backward()
    x1w1._backward()
    x2w2._backward()
    assert (x1.grad, w1.grad) == (-3.0 * n.grad, 2.0 * n.grad)
    assert (x2.grad, w2.grad) == (1.0 * n.grad, 0.0)
    x1._backward()  # a leaf: nothing to do
    # the same arithmetic as backward()
    grads = [x1.grad, x2.grad, w1.grad, w2.grad, b.grad]
    for v in (x1, x2, w1, w2, b):
        v.grad = 0.0
    o.backward()
    assert [x1.grad, x2.grad, w1.grad, w2.grad, b.grad] == grads


# --- forward mode --------------------------------------------------------------------------------
def test_jvp_gives_the_directional_derivative():
    f = lambda x, y: x * y + x.sin()  # noqa: E731
    out, d = ag.jvp(f, [1.0, 2.0], [1.0, 0.0])
    assert out == 2.0 + math.sin(1.0) and d == 2.0 + math.cos(1.0)
    _, d2 = ag.jvp(f, [1.0, 2.0], [0.5, -3.0])
    assert math.isclose(d2, 0.5 * (2.0 + math.cos(1.0)) - 3.0 * 1.0, rel_tol=1e-15)
    outs, ds = ag.jvp(lambda x: [x * x, x.exp()], [3.0], [1.0])
    assert outs == [9.0, math.exp(3.0)] and ds == [6.0, math.exp(3.0)]


def test_jvp_equals_backward_column_by_column():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=4).tolist()

    def f(a, b, c, d):
        return (a * b + c.tanh() * d).exp() / (1.0 + (a - d) ** 2)

    vs = [Value(x) for x in xs]
    f(*vs).backward()
    for i in range(4):
        e = [0.0] * 4
        e[i] = 1.0
        assert math.isclose(ag.jvp(f, xs, e)[1], vs[i].grad, rel_tol=1e-13)


def test_hvp_of_a_quadratic_and_a_cubic():
    # f = x^2 y + 3 y^2: H = [[2y, 2x], [2x, 6]]
    out, hv = ag.hvp(lambda x, y: x * x * y + 3.0 * y * y, [1.5, -2.0], [1.0, 0.5])
    assert out == 1.5 * 1.5 * -2.0 + 12.0
    assert hv == [2 * -2.0 * 1.0 + 2 * 1.5 * 0.5, 2 * 1.5 * 1.0 + 6.0 * 0.5]


def test_jvp_and_hvp_errors():
    with pytest.raises(ValueError, match="1 tangent"):
        ag.jvp(lambda x, y: x * y, [1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="sequence of numbers"):
        ag.jvp(lambda x: x, 1.0, [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        ag.jvp(lambda x: 3.0, [1.0], [1.0])


def test_jvp_and_hvp_match_torch():
    torch = pytest.importorskip("torch")

    def f(x, y, z):
        return (x * y).sin() + z.atan2(x) * y.exp() + x.maximum(z) ** 2

    def tf(x, y, z):
        return torch.sin(x * y) + torch.atan2(z, x) * torch.exp(y) + torch.maximum(x, z) ** 2

    p, v = [0.3, -1.2, 0.8], [1.0, -0.5, 2.0]
    tp = tuple(torch.tensor(a, dtype=torch.float64) for a in p)
    tv = tuple(torch.tensor(a, dtype=torch.float64) for a in v)
    out, d = ag.jvp(f, p, v)
    tout, td = torch.func.jvp(tf, tp, tv)
    assert math.isclose(out, tout.item(), rel_tol=1e-14)
    assert math.isclose(d, td.item(), rel_tol=1e-13)
    _, hv = ag.hvp(f, p, v)
    _, thv = torch.autograd.functional.hvp(tf, tp, tv)
    for a, b in zip(hv, thv):
        assert math.isclose(a, b.item(), rel_tol=1e-12, abs_tol=1e-14)


# --- edges ---------------------------------------------------------------------------------------
def test_backward_from_a_no_grad_result_raises():
    x = Value(2.0)
    with no_grad():
        y = x * 3.0
    assert y.is_leaf
    with pytest.raises(RuntimeError, match="computed under no_grad\\(\\): there is no graph"):
        y.backward()
    Value(1.0).backward()  # a real leaf is fine: d(x)/d(x) = 1


def test_numpy_scalars_and_zero_d_arrays_are_accepted_other_arrays_refused():
    assert Value(np.float64(2.5)).data == 2.5 and Value(np.float32(0.5)).data == 0.5
    assert Value(np.array(3.0)).data == 3.0 and Value(np.int64(4)).data == 4.0
    with pytest.raises(TypeError, match=r"array of shape \(2,\)"):
        Value(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"array of shape \(1, 1\)"):
        Value(np.ones((1, 1)))


def test_subclassing_value_is_refused_with_the_fix():
    with pytest.raises(TypeError, match="cannot be subclassed.*composition"):
        class P(Value):  # noqa: F841
            pass


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_100000_op_graph_pickles_and_deep_copies(how):
    x = Value(0.5, label="x")
    y = x
    for i in range(50_000):
        y = y + 0.25 if i % 2 else y * 1.0001
    y = y + x  # x used twice
    copied = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    assert copied is not y and copied.data == y.data
    copied.backward()
    y.backward()
    leaves = [n for n in ag.topological_order(copied) if n.is_leaf]
    assert len(leaves) == 1 and leaves[0].label == "x" and leaves[0].grad == x.grad


# --- threads -------------------------------------------------------------------------------------
def test_no_grad_in_one_thread_does_not_stop_another_thread_recording():
    entered, release = threading.Event(), threading.Event()

    def predictor():
        with no_grad():
            entered.set()
            release.wait(10)

    t = threading.Thread(target=predictor)
    t.start()
    entered.wait(10)
    try:
        assert ag.is_grad_enabled()  # this thread still records
        w = Value(2.0)
        loss = w * w
        loss.backward()
        assert w.grad == 4.0 and not loss.is_leaf
    finally:
        release.set()
        t.join()
    with no_grad():
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_threads_entering_and_leaving_no_grad_leave_recording_on():
    def worker():
        for _ in range(2000):
            with no_grad():
                Value(1.0) * 2.0

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not (Value(1.0) * 2.0).is_leaf
    from autograd_core import value as V

    assert V._fast and V._threads_off_default == 0


@pytest.mark.parametrize("accelerated", [True, False])
def test_concurrent_backward_on_shared_parameters_loses_nothing(accelerated):
    from autograd_core.value import _speedups

    if accelerated and _speedups is None:
        pytest.skip("the C accelerator is not built")
    was = ag.use_accelerator(accelerated)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        w = Value(1.0)
        n_threads, reps, terms = 4, 30, 200

        def worker():
            for _ in range(reps):
                ag.vsum([w * float(i) for i in range(terms)]).backward()

        threads = [threading.Thread(target=worker) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert w.grad == n_threads * reps * sum(range(terms))
    finally:
        sys.setswitchinterval(old)
        ag.use_accelerator(was)


# --- clamp as PyTorch ----------------------------------------------------------------------------
def test_clamp_with_min_above_max_gives_max_everywhere_and_nan_bounds_propagate():
    assert [Value(x).clamp(3.0, 1.0).data for x in (0.0, 2.0, 5.0)] == [1.0, 1.0, 1.0]
    assert math.isnan(Value(0.5).clamp(math.nan, 1.0).data)
    assert math.isnan(Value(0.5).clamp(0.0, math.nan).data)
    with np.errstate(all="ignore"):
        got = numpy_math.clamp(np.array([0.0, 2.0, 5.0]), 3.0, 1.0).tolist()
        assert got == [1.0, 1.0, 1.0]
        assert np.isnan(numpy_math.clamp(np.array([0.5]), math.nan, 1.0)).all()
    x = Value(2.0)
    x.clamp(3.0, 1.0).backward()
    assert x.grad == 0.0


def test_clamp_matches_torch_at_its_edges():
    torch = pytest.importorskip("torch")
    for lo, hi in [(3.0, 1.0), (math.nan, 1.0), (0.0, math.nan), (-1.0, 1.0), (None, 0.5)]:
        for x in (-2.0, 0.0, 0.5, 1.0, 2.0, 5.0, math.nan):
            v = Value(x)
            out = v.clamp(lo, hi)
            out.backward()
            t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
            tout = torch.clamp(t, lo, hi)
            tout.backward()
            same = (out.data == tout.item()) or (math.isnan(out.data) and math.isnan(tout.item()))
            assert same, (x, lo, hi, out.data, tout.item())
            assert v.grad == t.grad.item(), (x, lo, hi)


# --- the accelerator switch ----------------------------------------------------------------------
@pytest.mark.parametrize("raw,pure", [("1", True), ("true", True), ("YES", True), ("on", True),
                                      ("0", False), ("false", False), ("", False), ("no", False)])
def test_pure_python_switch_reads_a_boolean(raw, pure):
    code = "import autograd_core as ag; print(ag.accelerated())"
    env = {"AUTOGRAD_CORE_PURE_PYTHON": raw, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    from autograd_core.value import _speedups

    expected = (not pure) and _speedups is not None
    assert out.stdout.strip() == str(expected), out.stderr


def test_pure_python_switch_refuses_other_words():
    code = "import autograd_core"
    env = {"AUTOGRAD_CORE_PURE_PYTHON": "maybe", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0 and "is not a boolean; use 1/true/yes/on" in out.stderr

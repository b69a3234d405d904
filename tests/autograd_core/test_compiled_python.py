"""compile(..., backend="python"): plain Python over floats, one example at a time, equal to
the eager engine to 1e-12, printed as staged code, and importable where numpy is not."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_core import Value, compile
from autograd_core.compiler import DataDependentError
from tests.without_numpy import run_without_numpy

from .random_dags import programs, run_values

RTOL = 1e-12


def close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) <= RTOL * max(1.0, abs(b))


def eager_one(fn: Any, params: list[Value], example: list[Any]) -> tuple[float, list[float]]:
    for p in params:
        p.grad = 0.0
    args = [Value(x) if not isinstance(x, list) else [Value(v) for v in x] for x in example]
    out = fn(*args)
    out.backward()
    grads = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    return out.data, grads


def test_the_cs231n_circuit_prints_as_staged_code_and_gives_its_gradients() -> None:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")

    def f() -> Value:
        q = x + y
        q.label = "q"
        out = q * z
        out.label = "f"
        return out

    prog = compile(f, params=[x, y, z], backend="python")
    assert prog.value_and_grad() == (-12.0, [-4.0, -4.0, 3.0])
    src = prog.source()
    for line in ["q = x + y", "f = q * z", "df = 1.0", "dq = z * df", "dz = q * df",
                 "dx = dq", "dy = dq", "return f, [dx, dy, dz]"]:
        assert line in src, line
    prog()  # adds into .grad like backward()
    assert [x.grad, y.grad, z.grad] == [-4.0, -4.0, 3.0]
    assert prog.get_params() == [-2.0, 5.0, -4.0]
    assert prog.value_and_grad(params=[1.0, 2.0, 3.0]) == (9.0, [3.0, 3.0, 3.0])


def test_an_mlp_matches_eager_per_example_and_trains_with_lists() -> None:
    import random

    rng = random.Random(0)
    W1 = [[Value(rng.uniform(-1, 1)) for _ in range(2)] for _ in range(8)]
    b1 = [Value(0.0) for _ in range(8)]
    W2 = [Value(rng.uniform(-1, 1)) for _ in range(8)]
    b2 = Value(0.1)
    params = [w for row in W1 for w in row] + b1 + W2 + [b2]

    def loss(x: list[Value], y: Value) -> Value:
        h = [sum((w * xi for w, xi in zip(row, x)), b).tanh() for row, b in zip(W1, b1)]
        out = sum((w * hi for w, hi in zip(W2, h)), b2).tanh()
        return (out - y) ** 2

    prog = compile(loss, 2, (), params=params, backend="python")
    for _ in range(5):
        example = [[rng.uniform(-2, 2), rng.uniform(-2, 2)], rng.choice([-1.0, 1.0])]
        got_loss, got = prog.value_and_grad(*example)
        ref_loss, ref = eager_one(loss, params, example)
        assert close(got_loss, ref_loss)
        assert all(close(a, b) for a, b in zip(got, ref))
    theta = prog.get_params()
    step = prog.function()
    before = sum(step(theta, [0.5, -0.5], 1.0)[0] for _ in range(1))
    for _ in range(50):
        _, g = step(theta, [0.5, -0.5], 1.0)
        theta = [t - 0.1 * gi for t, gi in zip(theta, g)]
    assert step(theta, [0.5, -0.5], 1.0)[0] < before
    prog.set_params(theta)
    assert prog.get_params() == theta


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(n_inputs=4, max_steps=14), st.integers(0, 2**31 - 1))
def test_random_graphs_match_eager(steps: list[Any], seed: int) -> None:
    import random

    rng = random.Random(seed)
    params = [Value(rng.uniform(-1.5, 1.5)) for _ in range(2)]

    def fn(x: list[Value]) -> Value:
        return run_values(steps, [x[0], params[0], x[1], params[1]])

    prog = compile(fn, 2, params=params, backend="python")
    for _ in range(2):
        example = [[rng.uniform(-2, 2), rng.uniform(-2, 2)]]
        loss, grads = prog.value_and_grad(*example)
        ref_loss, ref = eager_one(fn, prog.parameters, example)
        assert close(loss, ref_loss), (loss, ref_loss)
        assert all(close(a, b) for a, b in zip(grads, ref)), (grads, ref)


def test_every_rule_of_the_table_matches_eager() -> None:
    a, b = Value(0.3), Value(-0.7)
    cases = {
        "unary": lambda x: (x[0] * a).sin() + (x[0] * b).exp() + abs(x[0] * a) + (
            x[0] * b).sigmoid() + (x[0] * a).relu() + (x[0] * a).clamp(-0.1, 0.1) + (
            x[0] * b).softplus() + (x[0] * a).elu(0.5) + (x[0] * b).leaky_relu(0.2) + (
            x[0] * a) ** 3,
        "binary": lambda x: (x[0] * a) / (b + 2.0) + (x[1] * b).maximum(x[0] * a) + (
            x[0] * a).atan2(x[1] * b) + (x[1] * b) ** (a + 1.0),
    }
    for fn in cases.values():
        prog = compile(fn, 2, params=[a, b], backend="python")
        for example in ([[0.4, -1.3]], [[-2.0, 0.5]], [[0.0, 0.0]]):
            loss, grads = prog.value_and_grad(*example)
            ref_loss, ref = eager_one(fn, [a, b], example)
            assert close(loss, ref_loss) and all(close(g, r) for g, r in zip(grads, ref))


def test_n_ary_rules_and_several_outputs() -> None:
    from autograd_core.functional import dot, logsumexp, softmax

    w = [Value(0.2), Value(-0.4), Value(1.1)]

    def fn(x: list[Value]) -> Value:
        s = softmax([x[0] * w[0], x[1] * w[1], w[2]])
        return logsumexp([s[0], s[2] * 3.0]) + dot(w, [x[0], x[1], s[1]])

    prog = compile(fn, 2, params=w, backend="python")
    loss, grads = prog.value_and_grad([0.3, -2.0])
    ref_loss, ref = eager_one(fn, w, [[0.3, -2.0]])
    assert close(loss, ref_loss) and all(close(g, r) for g, r in zip(grads, ref))
    multi = compile(lambda x: [x[0] * w[0], x[1] + w[1]], 2, backend="python")
    assert multi.forward([2.0, 3.0]) == [0.4, 2.6]
    with pytest.raises(TypeError, match="forward"):
        multi.value_and_grad([2.0, 3.0])


def test_labels_and_bad_input_are_handled() -> None:
    w = Value(0.5, label="while")
    v = Value(0.25, label="ｍ")
    prog = compile(lambda x, y: (x[0] * w + v - y) ** 2, 1, (), params=[w, v], backend="python")
    assert prog.source().isascii()
    assert prog.value_and_grad([2.0], 1.0)[0] == (2.0 * 0.5 + 0.25 - 1.0) ** 2
    with pytest.raises(TypeError, match="complex"):
        prog.value_and_grad([2.0], 1 + 2j)
    with pytest.raises(ValueError, match="list of 1"):
        prog.value_and_grad([2.0, 3.0], 1.0)
    with pytest.raises(DataDependentError):
        compile(lambda x: x[0] * 2 if x[0].data > 0 else x[0], 1, backend="python")
    with pytest.raises(ValueError, match="backend"):
        compile(lambda x: x[0], 1, backend="torch")


def test_it_runs_where_numpy_cannot_be_imported() -> None:
    out = run_without_numpy("""
        import autograd_core
        from autograd_core import Value, compile
        x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
        prog = compile(lambda: (x + y) * z, params=[x, y, z], backend="python")
        print(prog.value_and_grad())
        w = Value(0.5)
        p = compile(lambda a, t: ((a[0] * w).tanh() - t) ** 2, 2, (), params=[w],
                    backend="python")
        print(p.value_and_grad([1.0, 2.0], 0.5)[0] > 0)
        assert "numpy" not in sys.modules
        try:
            compile(lambda a: a[0] * w, 1)
        except ImportError as e:
            print("numpy backend:", type(e).__name__)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["(-12.0, [-4.0, -4.0, 3.0])", "True",
                                       "numpy backend: ImportError"]


def test_function_gates_are_refused_with_the_reason() -> None:
    from autograd_core import Function

    class Square(Function):
        def forward(self, *xs: float) -> float:
            self.x = xs[0]
            return xs[0] * xs[0]

        def backward(self, dz: float) -> list[float]:
            return [2 * self.x * dz]

    with pytest.raises(TypeError, match="Function gate.*engine's ops"):
        compile(lambda x: Square.apply(x[0]), 1, backend="python")

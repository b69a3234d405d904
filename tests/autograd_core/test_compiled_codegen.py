"""The compiler's generated code against the eager engine (1e-12, float64): every way of writing
a neuron becomes one matrix product per layer; every rule of the op table, found generically;
random graphs mixing all of them with shared subexpressions, constants, parameters used twice
and outputs used twice; and the source a learner reads."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn
from autograd_core import Value
from autograd_core.compiler import DataDependentError, Program, compile
from autograd_core.functional import dot, log_softmax, logsumexp, softmax
from autograd_core.functional import sum as vsum
from autograd_core.rules import RULES

from .test_compiled import assert_close, check, eager

# --- every way of writing a neuron --------------------------------------------------------------


def _neuron_sum_start(w: list[Value], x: list[Any], b: Value) -> Value:
    return sum((wi * xi for wi, xi in zip(w, x)), b)  # micrograd's Neuron


def _neuron_sum_plus_b(w: list[Value], x: list[Any], b: Value) -> Value:
    return sum(wi * xi for wi, xi in zip(w, x)) + b


def _neuron_b_first(w: list[Value], x: list[Any], b: Value) -> Value:
    return b + sum(xi * wi for wi, xi in zip(w, x))  # factors swapped, bias on the left


def _neuron_loop_from_b(w: list[Value], x: list[Any], b: Value) -> Value:
    acc = b
    for wi, xi in zip(w, x):
        acc = acc + wi * xi
    return acc


def _neuron_loop_from_zero(w: list[Value], x: list[Any], b: Value) -> Value:
    acc: Any = 0
    for wi, xi in zip(w, x):
        acc += wi * xi
    return acc + b


def _neuron_dot(w: list[Value], x: list[Any], b: Value) -> Value:
    return dot(w, x, b)


def _neuron_vsum(w: list[Value], x: list[Any], b: Value) -> Value:
    return vsum([wi * xi for wi, xi in zip(w, x)] + [b])


def _neuron_scaled_weights(w: list[Value], x: list[Any], b: Value) -> Value:
    return sum(((0.5 * wi) * xi for wi, xi in zip(w, x)), b)  # weights computed from params


NEURONS: dict[str, Callable[[list[Value], list[Any], Value], Value]] = {
    "micrograd sum(gen, b)": _neuron_sum_start, "sum(gen) + b": _neuron_sum_plus_b,
    "b + sum(x*w)": _neuron_b_first, "loop acc = b": _neuron_loop_from_b,
    "loop acc = 0": _neuron_loop_from_zero, "dot(w, x, b)": _neuron_dot,
    "functional sum": _neuron_vsum, "shared-op weights": _neuron_scaled_weights,
}


class NeuronMLP:
    """An MLP whose neurons are written by ``neuron``: tanh hidden layers, linear output."""

    def __init__(self, sizes: list[int], neuron: Callable[..., Value], seed: int) -> None:
        rng = random.Random(seed)
        self.neuron = neuron
        self.layers = [[([Value(rng.uniform(-1, 1)) for _ in range(nin)],
                         Value(rng.uniform(-0.5, 0.5))) for _ in range(nout)]
                       for nin, nout in zip(sizes, sizes[1:])]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for w, b in layer for p in [*w, b]]

    def __call__(self, x: list[Any]) -> list[Value]:
        h = x
        for i, layer in enumerate(self.layers):
            h = [self.neuron(w, h, b) for w, b in layer]
            if i < len(self.layers) - 1:
                h = [v.tanh() for v in h]
        return h


@pytest.mark.parametrize("form", sorted(NEURONS))
def test_every_way_of_writing_a_neuron_is_one_matrix_product_per_layer(form: str) -> None:
    model = NeuronMLP([3, 5, 4, 2], NEURONS[form], seed=len(form))
    rng = np.random.default_rng(len(form))
    X, Y = rng.normal(size=(9, 3)), rng.normal(size=(9, 2))

    def loss(x: list[Value], y: list[Value]) -> Value:
        out = model(x)
        data: Value = vsum([(o - t) ** 2 for o, t in zip(out, y)])
        return data + 1e-3 * sum(p * p for p in model.parameters())

    prog = check(loss, [3, 2], model.parameters(), [X, Y])
    assert prog.describe().count("one matrix product") == 3
    src = prog.source()
    assert src.count(" @ ") >= 3 + 3 + 2  # forward, weight gradients, input gradients
    assert "Z1 = W1 @ x + b1" in src or "Z1 = W1 @ x + " in src or form == "b + sum(x*w)"


def test_products_with_constants_are_a_product_with_a_constant_matrix() -> None:
    p = Value(0.3)

    def fn(x: list[Value]) -> Value:
        a = 2.0 * x[0] + x[1] * 3.0 + x[2] * 0.5  # a linear map with constant weights
        b = x[0] * -1.0 + 4.0 * x[1] + 2.5 * x[2]
        return (a * p).tanh() + (b + p).sigmoid()

    prog = check(fn, [3], [p], [np.random.default_rng(1).normal(size=(6, 3))])
    assert "one matrix product" in prog.describe()


def test_nn_layers_and_micrograd_neurons_give_the_same_program() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=1)
    mg = NeuronMLP([2, 16, 16, 1], _neuron_sum_start, seed=0)
    for (w, b), n in zip([wb for layer in mg.layers for wb in layer],
                         [n for layer in model.layers for n in layer.neurons]):
        for wi, ni in zip(w, n.w):
            wi.data = ni.data
        b.data = n.b.data

    def relu_mg(x: list[Value]) -> Value:
        h = x
        for i, layer in enumerate(mg.layers):
            h = [_neuron_sum_start(w, h, b) for w, b in layer]
            if i < 2:
                h = [v.relu() for v in h]
        return h[0]

    X = np.random.default_rng(3).normal(size=(20, 2))
    y = np.sign(X[:, 0])
    pa = compile(lambda x, t: (1 - t * model(x)).relu(), 2, (), params=model.parameters())
    pb = compile(lambda x, t: (1 - t * relu_mg(x)).relu(), 2, (), params=mg.parameters())
    la, ga = pa.value_and_grad(X, y)
    lb, gb = pb.value_and_grad(X, y)
    assert_close(la, lb)
    assert_close(ga, gb)
    assert pa.n_groups == pb.n_groups
    assert pa.source().count("@") == pb.source().count("@")


# --- every rule of the op table, found generically ---------------------------------------------

def _pos(v: Any) -> Any:
    return v.softplus() + 0.1 if isinstance(v, Value) else abs(v) + 0.1


def _tanh(v: Any) -> Any:
    return v.tanh() if isinstance(v, Value) else float(np.tanh(v))


# inputs kept inside each op's domain (and away from kinks the engine and numpy break alike)
DOMAIN: dict[str, Callable[[Value], Value]] = {
    "acos": lambda v: 0.9 * v.tanh(), "asin": lambda v: 0.9 * v.tanh(),
    "atanh": lambda v: 0.9 * v.tanh(), "acosh": lambda v: _pos(v) + 1.0,
    "log": _pos, "log2": _pos, "log10": _pos, "log1p": _pos, "sqrt": _pos,
    "tan": lambda v: 1.2 * v.tanh(), "exp": lambda v: v.tanh(), "exp2": lambda v: v.tanh(),
    "expm1": lambda v: v.tanh(), "cosh": lambda v: v.tanh(), "sinh": lambda v: v.tanh(),
}
OPERATORS: dict[str, Callable[..., Value]] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / _pos(b), "pow": lambda a, b: _pos(a) ** _tanh(b),
    "remainder": lambda a, b: a % (_pos(b) + 0.5), "neg": lambda a: -a, "abs": lambda a: abs(a),
    "powc": lambda a: a ** 3, "leaky_relu": lambda a: a.leaky_relu(0.1),
    "elu": lambda a: a.elu(0.7), "clamp": lambda a: a.clamp(-0.4, 0.3),
}
NARY = {"sum", "dot", "logsumexp", "softmax", "log_softmax", "function"}


def apply_rule(name: str, a: Value, b: Any = None) -> Value:
    """Op ``name`` of the table on a (and b for binary ops), through the Value API."""
    rule = RULES[name]
    if name in OPERATORS:
        return OPERATORS[name](a) if rule.arity == 1 else OPERATORS[name](a, b)
    a = DOMAIN.get(name, lambda v: v)(a)
    if rule.arity == 1:
        return getattr(a, name)()  # type: ignore[no-any-return]
    return getattr(a, name)(b)  # type: ignore[no-any-return]


ELEMENTWISE = sorted(n for n in RULES if n not in NARY)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_elementwise_rule_matches_eager(name: str) -> None:
    rng = np.random.default_rng(sum(map(ord, name)))
    p = [Value(float(v)) for v in rng.uniform(-1.2, 1.2, size=4)]
    arity = RULES[name].arity

    def fn(x: list[Value]) -> Value:
        u = x[0] * p[0] + p[1]  # batched, depends on parameters
        if arity == 1:
            return apply_rule(name, u) + apply_rule(name, p[2]) * x[1]  # also a shared op
        v = x[1] * p[2]
        return (apply_rule(name, u, v) + apply_rule(name, v, 0.7)
                + apply_rule(name, p[3], u) * 0.5)

    X = rng.normal(size=(13, 2))
    check(fn, [2], p, [X])


def test_every_rule_of_the_table_is_tested() -> None:
    assert set(RULES) - NARY <= set(ELEMENTWISE)
    assert NARY - {"function"} <= {"sum", "dot", "logsumexp", "softmax", "log_softmax"}


# --- random graphs with every op ----------------------------------------------------------------

@st.composite
def graphs(draw: Any, n_leaves: int = 6, max_steps: int = 16) -> list[tuple[str, tuple[int, ...]]]:
    """Programs over leaves [x0, x1, x2, p0, p1, p0 again] (a parameter used twice); step k
    makes node 6+k from any earlier nodes (reuse), an op of the table or a constant operand."""
    ops = ELEMENTWISE + ["sum", "dot", "logsumexp", "softmax", "log_softmax", "const"]
    steps = []
    for k in range(draw(st.integers(2, max_steps))):
        n = n_leaves + k
        op = draw(st.sampled_from(ops))
        arity = 3 if op in NARY else (2 if op == "const" else RULES[op].arity)
        idx = tuple(draw(st.integers(0, n - 1)) for _ in range(arity))
        steps.append((op, idx))
    return steps


def run_graph(steps: list[tuple[str, tuple[int, ...]]], leaves: list[Value]) -> Value:
    nodes: list[Any] = list(leaves)
    for op, idx in steps:
        a = [nodes[i] for i in idx]
        if op == "const":
            out = a[0] * 1.5 + 0.25
        elif op == "sum":
            out = vsum([a[0], 2.0, a[1], a[2]])
        elif op == "dot":
            out = dot([a[0], a[1], 0.5], [a[2], a[0], a[1]])
        elif op == "logsumexp":
            out = logsumexp(a)
        elif op == "softmax":
            out = softmax(a)[1]
        elif op == "log_softmax":
            out = log_softmax(a)[0]
        else:
            out = apply_rule(op, *[v.tanh() for v in a])  # bounded inputs: no overflow
        nodes.append(out)
    last = nodes[-1]
    return last * nodes[len(leaves)] + last.tanh()  # the last output used twice, and reuse


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.integers(0, 2**31 - 1))
def test_random_graphs_with_every_op_match_eager(steps: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = [Value(float(v)) for v in rng.uniform(-1.5, 1.5, size=2)]

    def fn(x: list[Value]) -> Value:
        return run_graph(steps, [x[0], x[1], x[2], p[0], p[1], p[0]])

    check(fn, [3], p, [rng.uniform(-2, 2, size=(5, 3))])


def test_forward_with_an_output_used_twice_and_a_shared_output() -> None:
    p = [Value(0.4), Value(-0.3)]

    def fn(x: list[Value]) -> list[Value]:
        h = (x[0] * p[0] + x[1] * p[1]).tanh()
        return [h, h * 2.0, h, p[0] * p[1], x[1]]

    X = np.random.default_rng(0).normal(size=(7, 2))
    prog = compile(fn, 2, params=p)
    ref = [[v.data for v in fn([Value(a), Value(b)])] for a, b in X.tolist()]
    assert_close(prog.forward(X), ref)
    assert "def forward" in prog.source("forward")
    with pytest.raises(TypeError, match="source\\('forward'\\)"):
        prog.source()


# --- nn models and losses -----------------------------------------------------------------------

NN_LOSSES = ["mse", "hinge", "binary_cross_entropy", "bce_with_logits", "cross_entropy"]


@pytest.mark.parametrize("loss", NN_LOSSES)
@pytest.mark.parametrize("act", ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "softplus"])
def test_nn_models_and_losses_match_eager(loss: str, act: str) -> None:
    rng = np.random.default_rng(len(loss) * 7 + len(act))
    k = 3 if loss == "cross_entropy" else 1
    out_act = "sigmoid" if loss == "binary_cross_entropy" else None
    model = nn.MLP(3, [4, k], activation=act, output_activation=out_act, seed=2)
    fn = nn.losses.get(loss)[1]
    X = rng.normal(size=(8, 3))
    if loss == "cross_entropy":
        Y = np.eye(k)[rng.integers(0, k, size=8)]

        def per(x: list[Value], t: list[Value]) -> Value:
            z: Any = model(x)
            return logsumexp(z) - dot(t, z) + nn.losses.l1_penalty(model, 1e-3)
        check(per, [3, k], model.parameters(), [X, Y])
        return
    Y = rng.choice([-1.0, 1.0], size=8) if loss == "hinge" else rng.uniform(0, 1, size=8)

    def per_example(x: list[Value], t: Value) -> Value:
        return fn(model(x), t) + nn.losses.l2_penalty(model, 1e-3)

    check(per_example, [3, ()], model.parameters(), [X, Y])


# --- data dependence: comparisons too -----------------------------------------------------------

@pytest.mark.parametrize("how", ["<", "max", "sorted", "bool"])
def test_comparisons_while_tracing_are_refused_with_file_and_line(how: str) -> None:
    w = Value(1.0)

    def fn(x: list[Value]) -> Value:
        h = x[0] * w
        if how == "<":
            return h if h < x[1] else -h
        if how == "max":
            return max(h, x[1])
        if how == "sorted":
            return sorted([h, x[1]])[0]
        return h if h else x[1]

    if how == "bool" and "__bool__" not in Value.__dict__:
        pytest.skip("Value has no truth value of its own")
    with pytest.raises(DataDependentError, match=r"test_compiled_codegen\.py:\d+"):
        compile(fn, 2)


# --- the source the learner reads ---------------------------------------------------------------

def test_source_of_the_lecture_network_reads_like_the_lecture() -> None:
    rng = np.random.default_rng(0)

    def values(a: np.ndarray, name: str) -> list[list[Value]]:
        return [[Value(float(a[i, j]), label=f"{name}[{i},{j}]") for j in range(a.shape[1])]
                for i in range(a.shape[0])]

    W1, b1 = values(rng.normal(size=(4, 2)), "W1"), values(np.zeros((4, 1)), "b1")
    W2, b2 = values(rng.normal(size=(1, 4)), "W2"), values(np.zeros((1, 1)), "b2")
    params = [p for mat in (W1, b1, W2, b2) for row in mat for p in row]

    def example_loss(x: list[Value], y: Value) -> Value:
        a1 = [sum((W1[i][j] * x[j] for j in range(2)), b1[i][0]).tanh() for i in range(4)]
        a2 = sum((W2[0][i] * a1[i] for i in range(4)), b2[0][0]).sigmoid()
        return -(y * a2.log() + (1 - y) * (1 - a2).log())

    prog = compile(example_loss, 2, (), params=params)
    src = prog.source()
    for line in ["Z1 = W1 @ x + b1", "A1 = m.tanh(Z1)", "Z2 = W2 @ A1 + ", "A2 = m.sigmoid(Z2)",
                 "dW2 = dZ2 @ A1.T", "dA1 = W2.T @ dZ2", "dZ1 = dA1 * (1.0 - A1 * A1)",
                 "dW1 = dZ1 @ x.T", "# tanh: d(tanh x)/dx = 1 - tanh(x)^2"]:
        assert line in src, line
    assert len(src.splitlines()) < 60
    X = rng.normal(size=(50, 2))
    Y = (X[:, 0] * X[:, 1] > 0).astype(float)
    check(example_loss, [2, ()], params, [X, Y])


def test_source_is_the_code_that_runs() -> None:
    w = Value(0.5)
    prog: Program = compile(lambda x: (x[0] * w).exp(), 1, params=[w])
    src = prog.source()
    ns: dict[str, Any] = {}
    assert prog._grad_fn is not None
    exec(src.replace("value_and_grad", "again"), prog._grad_fn.__globals__, ns)  # noqa: S102
    X = np.array([[0.1], [0.7]])
    loss, g = ns["again"](np.array([0.5]), X)
    assert (loss, g.tolist()) == (lambda r: (r[0], r[1].tolist()))(prog.value_and_grad(X))
    assert_close(loss, eager(lambda x: (x[0] * w).exp(), [w], [X])[0])


def test_a_loss_that_is_an_input_or_a_parameter() -> None:
    X = np.arange(6.0).reshape(3, 2)
    loss, grads = compile(lambda x: x[1], 2).value_and_grad(X)
    assert (loss, grads.tolist()) == (3.0, [])
    w = Value(2.0)
    assert compile(lambda x: w, 2).value_and_grad(X)[0] == 2.0
    loss, grads = compile(lambda x: w * w, 2, reduction="sum").value_and_grad(X)
    assert (loss, grads.tolist()) == (12.0, [12.0])  # 3 examples x w^2, 3 x 2w


def test_a_zero_local_gradient_times_an_infinite_upstream_is_nan_as_in_the_engine() -> None:
    p = Value(1.0)

    def fn(x: list[Value]) -> Value:
        return (x[0] * p).relu() * float("inf") + (x[0] * p).clamp(-1.0, 1.0) * float("inf")

    X = np.array([[-2.0], [0.5], [3.0]])
    prog = compile(fn, 1, params=[p])
    assert "m.gt(" in prog.source() and "m.inside(" in prog.source()  # the masks
    for i in range(3):
        loss, g = prog.value_and_grad(X[i:i + 1])
        ref_loss, ref_g = eager(fn, [p], [X[i:i + 1]])
        np.testing.assert_array_equal(g, ref_g)  # nan where the engine gives nan
        assert loss == ref_loss or (np.isnan(loss) and np.isnan(ref_loss))


@pytest.mark.parametrize("kind", ["Neuron", "Layer", "MLP with dropout, eval mode"])
def test_nn_neuron_layer_and_eval_mode_dropout_compile(kind: str) -> None:
    rng = np.random.default_rng(5)
    module: Any
    if kind == "Neuron":
        module = nn.Neuron(3, activation="tanh", seed=1)
    elif kind == "Layer":
        module = nn.Layer(3, 4, activation="elu", seed=2)
    else:
        module = nn.MLP(3, [5, 2], dropout=0.3, seed=3)
        module.eval()

    def fn(x: list[Value]) -> Value:
        out = module(x)
        outs = out if isinstance(out, list) else [out]
        return vsum([o * o for o in outs])

    prog = check(fn, [3], module.parameters(), [rng.normal(size=(7, 3))])
    if kind != "Neuron":
        assert "one matrix product" in prog.describe()

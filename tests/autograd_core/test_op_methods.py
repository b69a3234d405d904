"""The op table is the only list of ops: Value's methods and operators, their typed signatures,
the backends' functions, the command line's names and the activations all derive from it."""

from __future__ import annotations

import inspect
import math
from pathlib import Path

import pytest

import autograd_core
from autograd_core import RULES, Value
from autograd_core import op_methods as op_methods_module
from autograd_core.op_methods import OpMethods, source, stub


def test_the_typed_signatures_are_current() -> None:
    path = Path(op_methods_module.__file__).with_name("op_signatures.pyi")
    assert path.read_text(encoding="utf-8") == stub(), (
        "autograd_core/op_signatures.pyi is stale: run python scripts/op_signatures.py")


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.method], ids=lambda r: r.name)
def test_every_method_of_the_table_is_a_documented_value_method(rule: autograd_core.Rule) -> None:
    fn = getattr(Value, rule.method)
    assert fn.__doc__.startswith(rule.doc) and rule.math in fn.__doc__
    params = list(inspect.signature(fn).parameters)
    assert params == ["self"] + (["other"] if rule.arity == 2 else [p for p, _ in rule.params])
    x = Value(0.25)
    out = fn(x, Value(0.5)) if rule.arity == 2 else fn(x)
    assert out.op == rule.name and out.parents[0] is x


@pytest.mark.parametrize("rule", [r for r in RULES.values() if r.operator], ids=lambda r: r.name)
def test_every_operator_of_the_table_builds_its_op(rule: autograd_core.Rule) -> None:
    x = Value(0.75)
    if rule.arity == 1:
        out = getattr(x, f"__{rule.operator}__")()
        assert out.op == rule.name and out.inputs == (x,)
        return
    fwd = getattr(x, f"__{rule.operator}__")(2)
    ref = getattr(x, f"__r{rule.operator}__")(2)
    assert fwd.op == ref.op == rule.name
    assert fwd.inputs == (x, 2.0) and ref.inputs == (2.0, x)
    assert getattr(x, f"__{rule.operator}__")("a") is NotImplemented


def test_methods_keep_their_parameter_names_defaults_and_checks() -> None:
    x = Value(-2.0)
    assert x.leaky_relu().data == -0.02 and x.leaky_relu(slope=0.5).data == -1.0
    assert x.elu(alpha=2.0).arg == 2.0 and x.clamp(max=-3.0).data == -3.0
    assert x.clamp(min=-1.0).arg == (-1.0, None) and x.clamp().arg == (None, None)
    with pytest.raises(TypeError, match="leaky_relu slope expects an int or float, got str"):
        x.leaky_relu("0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clamp max expects"):
        x.clamp(max="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hypot\(\) expects a Value or a plain number, got str"):
        x.hypot("1")  # type: ignore[arg-type]


def test_pow_is_torch_name_for_the_power_operator() -> None:
    x, y = Value(3.0), Value(2.0)
    p = x.pow(2)
    assert p.op == "powc" and p.data == 9.0 and p.arg == 2.0
    q = x.pow(y)
    q.backward()
    assert q.op == "pow" and q.data == 9.0
    assert x.grad == 6.0 and y.grad == pytest.approx(9.0 * 1.0986122886681098, rel=1e-15)
    with pytest.raises(TypeError, match=r"pow\(\) expects a Value or a plain number, got str"):
        x.pow("2")  # type: ignore[arg-type]


def test_the_generated_text_is_what_runs() -> None:
    text = source()
    assert "def sin(self):\n    return _unary(SIN, self, None)" in text
    assert "def leaky_relu(self, slope=0.01):" in text
    assert Value.sin.__qualname__ == "OpMethods.sin" and "sin" in vars(OpMethods)
    assert Value.__mro__ == (Value, OpMethods, object)


def test_no_op_method_is_defined_by_hand_in_value() -> None:
    """value.py holds the node and the graph; every op's method comes from the table."""
    names = {r.method for r in RULES.values() if r.method}
    names |= {f"__{r.operator}__" for r in RULES.values() if r.operator}
    assert not names & set(vars(Value))


def test_the_activation_tables_are_the_op_tables_activations() -> None:
    """nn's named activations, viz's neuron view and plot_activations read one list."""
    import nn.activations
    import viz.graph
    import viz.plots
    from autograd_core.rules import activations

    names = [r.name for r in activations()]
    assert names[:6] == ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"]
    assert list(nn.activations.ACTIVATIONS) == names + ["linear"]
    assert viz.graph.ACTIVATION_OPS == frozenset(names)
    assert list(viz.plots.ACTIVATIONS)[: len(names)] == names
    z = Value(-2.0)
    assert nn.activations.ACTIVATIONS["leaky_relu"](z).data == -0.02  # PyTorch's default slope
    assert nn.activations.ACTIVATIONS["elu"](z).arg == 1.0


NEW_ROW = '''
import numpy as np
import autograd_core.value as V
from autograd_core import compile
from autograd_core.op_methods import install
from autograd_core.rules import defrule

# the only edit a new op needs (its math uses functions every backend has)
defrule("silu", "SiLU", 1, lambda m, x, k: x * m.sigmoid(x),
        lambda m, x, out, k: (m.sigmoid(x) * (1.0 + x * (1.0 - m.sigmoid(x))),),
        "d(x s(x))/dx = s(x)(1 + x(1 - s(x)))", doc="x sigmoid(x).", activation=True)
install(V.Value, V._unary, V._binary, V._number, V._to_float)  # what importing value.py does

import nn, viz.graph, viz.plots
from viz.expr import build

x = V.Value(0.7)
y = x.silu()
y.backward(create_graph=True)
x.grad.backward()
w = V.Value(0.7)
prog = compile(lambda a: (a[0] * w).silu(), 1, params=[w])
loss, grads = prog.value_and_grad(np.array([[1.0]]))
print(y.data, w.data * (1 / (1 + np.exp(-0.7))), loss, build("silu(x)", {"x": 0.7})[0].data,
      nn.MLP(2, [3, 1], activation="silu").layers[0].activation, "silu" in viz.graph.ACTIVATION_OPS,
      viz.plots.ACTIVATIONS["silu"][0], y._op, V.Value.silu.__doc__.splitlines()[0])
'''


def test_a_new_row_is_a_method_a_cli_name_an_activation_and_compiles() -> None:
    """Adding an op is adding its row: in a fresh interpreter, one defrule() gives x.silu()
    (higher order too), silu(x) on the command line, activation="silu", its viz entries and
    a compiled program, with no other edit."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", NEW_ROW], capture_output=True, text=True,
                         check=True).stdout.split()
    s = 1 / (1 + math.exp(-0.7))
    assert float(out[0]) == pytest.approx(0.7 * s, rel=1e-15) and out[0] == out[3]
    assert float(out[1]) == pytest.approx(0.7 * s, rel=1e-15)
    assert float(out[2]) == pytest.approx(0.7 * s, rel=1e-15)  # the compiled program
    assert out[4:] == ["silu", "True", "SiLU", "SiLU", "x", "sigmoid(x)."]

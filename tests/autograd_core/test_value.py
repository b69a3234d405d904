"""Value construction, operators with plain numbers, and the read-only graph surface."""

import math

import numpy as np
import pytest

from autograd_core import Value


@pytest.mark.parametrize("x", [3, -2.5, np.float64(1.25), np.float32(0.5), np.int64(7), True])
def test_accepts_ints_floats_and_numpy_scalars(x):
    v = Value(x)
    assert type(v.data) is float
    assert v.data == float(x)
    assert v.grad == 0.0


@pytest.mark.parametrize("bad, name", [("1.0", "str"), (None, "NoneType"), (1 + 2j, "complex"),
                                       ([1.0], "list")])
def test_rejects_non_numbers_naming_the_type(bad, name):
    with pytest.raises(TypeError, match=name):
        Value(bad)


def test_rejects_another_value_with_a_hint():
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))


def test_label_must_be_str():
    assert Value(1.0, label="x").label == "x"
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)


def test_operators_with_numbers_on_either_side():
    x = Value(3.0)
    assert (x + 2).data == 5.0 and (2 + x).data == 5.0
    assert (x - 2).data == 1.0 and (2 - x).data == -1.0
    assert (x * 2).data == 6.0 and (2 * x).data == 6.0
    assert (x / 2).data == 1.5 and (6 / x).data == 2.0
    assert (x ** 2).data == 9.0 and (2 ** x).data == 8.0
    assert (x ** Value(2.0)).data == 9.0
    assert (-x).data == -3.0 and abs(-x).data == 3.0 and (+x) is x


def test_constants_are_inputs_not_nodes():
    x = Value(3.0)
    y = x * 2
    assert y.inputs == (x, 2.0)
    assert y.parents == (x,)
    assert y.local_grads == (2.0, 3.0)
    z = 2 - x
    assert z.inputs == (2.0, x) and z.local_grads == (1.0, -1.0)


def test_unsupported_operand_raises_type_error_naming_both_types():
    with pytest.raises(TypeError, match="'Value' and 'str'"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="'str' and 'Value'"):
        "a" - Value(1.0)
    with pytest.raises(TypeError):
        Value(1.0) ** [2]


def test_graph_read_access():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    s = x + x
    assert s.op == "add" and s.inputs == (x, x) and s.parents == (x, x)
    assert s.rule is not None and s.rule.symbol == "+"
    assert x.is_leaf and not s.is_leaf and x.op == "" and x.inputs == () and x.rule is None
    c = x.leaky_relu(0.2)
    assert c.op == "leaky_relu" and c.arg == 0.2 and c.inputs == (x,)
    p = y ** 3
    assert p.op == "powc" and p.arg == 3.0 and p.local_grads == (12.0,)
    assert [v.op for v in (x.exp(), x.log(), x.sqrt(), x.tanh(), x.sigmoid(), x.relu(),
                           x.elu(), x.softplus(), x.clamp(0, 1))] == [
        "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "elu", "softplus", "clamp"]


def test_micrograd_private_names_still_work():
    x = Value(2.0)
    y = x * x + 1
    assert y._op == "add"
    assert len(y._prev) == 1 and y._prev[0]._op == "mul"
    assert y._prev[0]._prev == (x, x)


def test_repr_and_item():
    v = Value(2.5, label="w")
    assert repr(v) == "Value(data=2.5, grad=0.0, label='w')"
    assert v.item() == 2.5 and type(v.item()) is float
    assert math.isclose(Value(1.0).exp().item(), math.e)


def test_math_functions_on_a_value_raise_instead_of_dropping_the_term():
    # Karpathy's exercise: with math.exp(b) silently read as a number, b.grad came out 12.99
    # instead of 10.257 (the exp term vanished from the gradient).
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(TypeError, match=r"v\.sin\(\), v\.exp\(\).*v\.item\(\)"):
        math.exp(b)
    with pytest.raises(TypeError, match="silently drop"):
        math.sin(a)
    with pytest.raises(TypeError):
        float(a)
    f = a * b + b.exp()  # the method keeps the term: df/db = a + e^b
    f.backward()
    assert b.grad == 2.0 + math.exp(3.0)


def test_detach_makes_a_leaf():
    x = Value(2.0)
    y = (x * 3).detach()
    assert y.is_leaf and y.data == 6.0
    z = y * x
    z.backward()
    assert x.grad == 6.0 and y.grad == 2.0


def test_op_parameters_are_validated():
    with pytest.raises(TypeError, match="slope"):
        Value(1.0).leaky_relu("0.1")
    with pytest.raises(TypeError, match="alpha"):
        Value(1.0).elu(None)

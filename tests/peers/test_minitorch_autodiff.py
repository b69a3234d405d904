"""minitorch's autodiff tests, ported.

Source: minitorch/minitorch, tests/test_autodiff.py
(commit 7d35d597ad226e73289e6920fbc1e83ea6148c8b),
every test, same functions, same numbers. (tests/test_scalar_autograd.py is an empty file there.)

Adaptations:
- ``minitorch.ScalarFunction`` with ``forward(ctx, ...)`` / ``backward(ctx, d_output)`` static
  methods -> ``autograd_core.Function`` with ``forward(self, ...)`` / ``backward(self, upstream)``:
  the gate instance plays minitorch's ``ctx``, and ``ctx.save_for_backward(x, y)`` /
  ``ctx.saved_values`` become ``self.saved_values = (x, y)`` / ``self.saved_values``.
- ``minitorch.Scalar`` -> ``autograd_core.Value``; ``Scalar.derivative`` -> ``Value.grad``;
  ``backward(d_output=5)`` -> ``backward(5)`` (our parameter is named ``gradient``, as torch's).
- ``Scalar.chain_rule(d_output)`` (one node's step: the (input, gradient sent to it) pairs, one
  per input, in order) -> :func:`chain_rule` below: the node's ``inputs`` paired with what the
  gate's ``backward(d_output)`` returns (the gate instance is the node's ``arg``). minitorch
  wraps a plain number input in a Scalar and lists it; here it stays a constant input (a float)
  of the node and is listed the same way, so the counts and positions match minitorch's.
- test_chain_rule1/2 build a Scalar with a hand-written ``ScalarHistory(Function1, ctx,
  inputs=[x, x])`` and data 0.0; a Value's history is only ever made by applying the op, so these
  apply ``Function1`` to the same inputs (its data is then 10.0, which the tests do not read).
- ``@pytest.mark.task1_x`` markers dropped.
"""

from typing import Any

from autograd_core import Function, Value

# ## Task 1.3 - Tests for the autodifferentiation machinery.

# Simple sanity check and debugging tests.


class Function1(Function):
    def forward(self, x: float, y: float) -> float:
        "$f(x, y) = x + y + 10$"
        return x + y + 10

    def backward(self, d_output: float) -> tuple[float, float]:
        "Derivatives are $f'_x(x, y) = 1$ and $f'_y(x, y) = 1$"
        return d_output, d_output


class Function2(Function):
    def forward(self, x: float, y: float) -> float:
        "$f(x, y) = x \times y + x$"
        self.saved_values = (x, y)
        return x * y + x

    def backward(self, d_output: float) -> tuple[float, float]:
        "Derivatives are $f'_x(x, y) = y + 1$ and $f'_y(x, y) = x$"
        x, y = self.saved_values
        return d_output * (y + 1), d_output * x


def chain_rule(node: Value, d_output: Any) -> list[tuple[Any, Any]]:
    """minitorch's ``Scalar.chain_rule``: for each input of ``node``, in order, the input and the
    gradient this node sends it. For a gate that is what its ``backward(d_output)`` returns (the
    gate instance is the node's ``arg``), as minitorch calls ``last_fn.backward(ctx, d_output)``;
    for a built-in op, d_output times the op's local derivative (upstream x local)."""
    if isinstance(node.arg, Function):
        derivs = list(node.arg.backward(d_output))
    else:
        derivs = [d_output * local for local in node.local_grads]
    return list(zip(node.inputs, derivs))


# Checks for the chain rule function.


def test_chain_rule1() -> None:
    x = Value(0.0)
    constant = Function1.apply(x, x)
    back = chain_rule(constant, d_output=5)
    assert len(list(back)) == 2


def test_chain_rule2() -> None:
    var = Value(0.0)
    constant = Function1.apply(var, var)
    back = chain_rule(constant, d_output=5)
    back = list(back)
    assert len(back) == 2
    variable, deriv = back[0]
    assert deriv == 5


def test_chain_rule3() -> None:
    "Check that constrants are ignored and variables get derivatives."
    constant = 10
    var = Value(5)

    y = Function2.apply(constant, var)

    back = chain_rule(y, d_output=5)
    back = list(back)
    assert len(back) == 2
    variable, deriv = back[1]
    assert variable is var  # minitorch: `# assert variable.name == var.name`
    assert deriv == 5 * 10


def test_chain_rule4() -> None:
    var1 = Value(5)
    var2 = Value(10)

    y = Function2.apply(var1, var2)

    back = chain_rule(y, d_output=5)
    back = list(back)
    assert len(back) == 2
    variable, deriv = back[0]
    assert variable is var1  # minitorch: `# assert variable.name == var1.name`
    assert deriv == 5 * (10 + 1)
    variable, deriv = back[1]
    assert variable is var2  # minitorch: `# assert variable.name == var2.name`
    assert deriv == 5 * 5


# ## Task 1.4 - Run some simple backprop tests

# Main tests are in test_scalar.py


def test_backprop1() -> None:
    # Example 1: F1(0, v)
    var = Value(0)
    var2 = Function1.apply(0, var)
    var2.backward(5)
    assert var.grad == 5


def test_backprop2() -> None:
    # Example 2: F1(0, 0)
    var = Value(0)
    var2 = Function1.apply(0, var)
    var3 = Function1.apply(0, var2)
    var3.backward(5)
    assert var.grad == 5


def test_backprop3() -> None:
    # Example 3: F1(F1(0, v1), F1(0, v1))
    var1 = Value(0)
    var2 = Function1.apply(0, var1)
    var3 = Function1.apply(0, var1)
    var4 = Function1.apply(var2, var3)
    var4.backward(5)
    assert var1.grad == 10


def test_backprop4() -> None:
    # Example 4: F1(F1(0, v1), F1(0, v1))
    var0 = Value(0)
    var1 = Function1.apply(0, var0)
    var2 = Function1.apply(0, var1)
    var3 = Function1.apply(0, var1)
    var4 = Function1.apply(var2, var3)
    var4.backward(5)
    assert var0.grad == 10

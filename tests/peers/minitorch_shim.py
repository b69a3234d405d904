"""What minitorch's scalar tests import from minitorch, mapped onto this engine.

minitorch (minitorch/minitorch, commit 7d35d597ad226e73289e6920fbc1e83ea6148c8b) is a teaching
library whose tests import helpers from the library itself. This module holds those helpers,
each transcribed from its source and mapped onto autograd_core:

- ``operators``: minitorch/operators.py, the float prelude (mul, add, lt, sigmoid, relu_back...).
  Ours is the op table's float backend (:mod:`autograd_core.scalar_math`) and the op table's
  local derivatives (:data:`autograd_core.RULES`): ``relu_back(x, d)`` is ``d`` times the relu
  row's local derivative at x, and so on, so the operator tests test our table. The plain
  arithmetic ones (``id``, ``add``, ``mul``, ``neg``, ``lt``, ``eq``, ``max``) are Python's.
  Deliberate difference: minitorch's ``log(x)`` is ``math.log(x + 1e-6)`` (a student guard against
  log 0); ours is the exact log (log 0 = -inf, as PyTorch). At minitorch's tolerance (1e-2) and at
  the points its tests use (x + 100000) the two agree.
- ``MathTest`` / ``MathTestVariable``: minitorch/testing.py, verbatim but for the names below.
  ``MathTestVariable`` spells each function with Value methods exactly as minitorch spells it with
  Scalar methods (``x.sigmoid()``, ``(x + 100000).log()``, ``a + 1.2 > b``...).
- ``central_difference`` (minitorch/autodiff.py, a student exercise): ours is
  :func:`autograd_core.numerical_grads`, the same central difference (f(x+h) - f(x-h)) / 2h.
- ``derivative_check`` (minitorch/scalar.py): verbatim, with ``Scalar.derivative`` -> ``Value.grad``
  and ``check.data`` -> the float ``numerical_grads`` returns.
- ``assert_close``, ``small_floats``... (minitorch tests/strategies.py): verbatim. minitorch loads a
  global hypothesis profile with ``deadline=None``; here each test says ``settings(deadline=None)``
  so the rest of the suite keeps its own settings.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

import numpy as np
from hypothesis.strategies import floats, integers

from autograd_core import RULES, Value, numerical_grads
from autograd_core import scalar_math as F

# --- minitorch/operators.py, mapped -------------------------------------------------------------


def _is_close(x: float, y: float) -> bool:
    "$f(x) = |x - y| < 1e-2$ (minitorch's definition)"
    return abs(x - y) < 1e-2


def _relu_back(x: float, d: float) -> float:
    "d * relu'(x), relu' read from the op table (0 at x <= 0, as in PyTorch)"
    return d * RULES["relu"].local(F, x, F.relu(x), None)[0]


def _inv(x: float) -> float:
    "1/x with IEEE semantics (the op table's div)"
    return F.div(1.0, x)


def _inv_back(x: float, d: float) -> float:
    "d * d(1/x)/dx = d * (-1/x^2), read from the div row: d(a/b)/db at a = 1"
    return d * RULES["div"].local(F, 1.0, x, _inv(x), None)[1]


def _log_back(x: float, d: float) -> float:
    "d * d(log x)/dx = d / x, read from the log row"
    return d * RULES["log"].local(F, x, F.log(x), None)[0]


operators = SimpleNamespace(
    id=lambda x: x,
    add=operator.add,
    mul=operator.mul,
    neg=operator.neg,
    lt=lambda x, y: 1.0 if x < y else 0.0,
    eq=lambda x, y: 1.0 if x == y else 0.0,
    max=lambda x, y: x if x > y else y,
    is_close=_is_close,
    sigmoid=F.sigmoid,
    relu=F.relu,
    log=F.log,
    exp=F.exp,
    inv=_inv,
    relu_back=_relu_back,
    inv_back=_inv_back,
    log_back=_log_back,
    sum=math.fsum,
)


# --- minitorch/testing.py ----------------------------------------------------------------------

A = TypeVar("A")


class MathTest(Generic[A]):
    @staticmethod
    def neg(a: A) -> A:
        "Negate the argument"
        return -a  # type: ignore[operator]

    @staticmethod
    def addConstant(a: A) -> A:
        "Add contant to the argument"
        return 5 + a  # type: ignore[operator]

    @staticmethod
    def square(a: A) -> A:
        "Manual square"
        return a * a  # type: ignore[operator]

    @staticmethod
    def cube(a: A) -> A:
        "Manual cube"
        return a * a * a  # type: ignore[operator]

    @staticmethod
    def subConstant(a: A) -> A:
        "Subtract a constant from the argument"
        return a - 5  # type: ignore[operator]

    @staticmethod
    def multConstant(a: A) -> A:
        "Multiply a constant to the argument"
        return 5 * a  # type: ignore[operator]

    @staticmethod
    def div(a: A) -> A:
        "Divide by a constant"
        return a / 5  # type: ignore[operator]

    @staticmethod
    def inv(a: A) -> A:
        "Invert after adding"
        return operators.inv(a + 3.5)  # type: ignore[no-any-return,operator]

    @staticmethod
    def sig(a: A) -> A:
        "Apply sigmoid"
        return operators.sigmoid(a)  # type: ignore[no-any-return]

    @staticmethod
    def log(a: A) -> A:
        "Apply log to a large value"
        return operators.log(a + 100000)  # type: ignore[no-any-return,operator]

    @staticmethod
    def relu(a: A) -> A:
        "Apply relu"
        return operators.relu(a + 5.5)  # type: ignore[no-any-return,operator]

    @staticmethod
    def exp(a: A) -> A:
        "Apply exp to a smaller value"
        return operators.exp(a - 200)  # type: ignore[no-any-return,operator]

    @staticmethod
    def explog(a: A) -> A:
        return operators.log(a + 100000) + operators.exp(a - 200)  # type: ignore

    @staticmethod
    def add2(a: A, b: A) -> A:
        "Add two arguments"
        return a + b  # type: ignore[operator]

    @staticmethod
    def mul2(a: A, b: A) -> A:
        "Mul two arguments"
        return a * b  # type: ignore[operator]

    @staticmethod
    def div2(a: A, b: A) -> A:
        "Divide two arguments"
        return a / (b + 5.5)  # type: ignore[operator]

    @staticmethod
    def gt2(a: A, b: A) -> A:
        return operators.lt(b, a + 1.2)  # type: ignore

    @staticmethod
    def lt2(a: A, b: A) -> A:
        return operators.lt(a + 1.2, b)  # type: ignore

    @staticmethod
    def eq2(a: A, b: A) -> A:
        return operators.eq(a, (b + 5.5))  # type: ignore

    @staticmethod
    def sum_red(a: Iterable[A]) -> A:
        return operators.sum(a)  # type: ignore[no-any-return]

    @staticmethod
    def mean_red(a: Iterable[A]) -> A:
        return operators.sum(a) / float(len(a))  # type: ignore

    @staticmethod
    def mean_full_red(a: Iterable[A]) -> A:
        return operators.sum(a) / float(len(a))  # type: ignore

    @staticmethod
    def complex(a: A) -> A:
        return (
            operators.log(
                operators.sigmoid(
                    operators.relu(operators.relu(a * 10 + 7) * 6 + 5) * 10  # type: ignore
                )
            )
            / 50
        )

    @classmethod
    def _tests(cls) -> tuple[list[Any], list[Any], list[Any]]:
        """
        Returns a list of all the math tests.
        """
        one_arg = []
        two_arg = []
        red_arg = []
        for k in dir(MathTest):
            if callable(getattr(MathTest, k)) and not k.startswith("_"):
                base_fn = getattr(cls, k)
                # scalar_fn = getattr(cls, k)
                tup = (k, base_fn)
                if k.endswith("2"):
                    two_arg.append(tup)
                elif k.endswith("red"):
                    red_arg.append(tup)
                else:
                    one_arg.append(tup)
        return one_arg, two_arg, red_arg

    @classmethod
    def _comp_testing(cls) -> tuple[list[Any], list[Any], list[Any]]:
        one_arg, two_arg, red_arg = cls._tests()
        one_argv, two_argv, red_argv = MathTest._tests()
        one_arg = [(n1, f2, f1) for (n1, f1), (n2, f2) in zip(one_arg, one_argv)]
        two_arg = [(n1, f2, f1) for (n1, f1), (n2, f2) in zip(two_arg, two_argv)]
        red_arg = [(n1, f2, f1) for (n1, f1), (n2, f2) in zip(red_arg, red_argv)]
        return one_arg, two_arg, red_arg


class MathTestVariable(MathTest):  # type: ignore[type-arg]
    @staticmethod
    def inv(a):  # type: ignore[no-untyped-def]
        return 1.0 / (a + 3.5)

    @staticmethod
    def sig(x):  # type: ignore[no-untyped-def]
        return x.sigmoid()

    @staticmethod
    def log(x):  # type: ignore[no-untyped-def]
        return (x + 100000).log()

    @staticmethod
    def relu(x):  # type: ignore[no-untyped-def]
        return (x + 5.5).relu()

    @staticmethod
    def exp(a):  # type: ignore[no-untyped-def]
        return (a - 200).exp()

    @staticmethod
    def explog(a):  # type: ignore[no-untyped-def]
        return (a + 100000).log() + (a - 200).exp()

    @staticmethod
    def sum_red(a):  # type: ignore[no-untyped-def]
        return a.sum(0)

    @staticmethod
    def mean_red(a):  # type: ignore[no-untyped-def]
        return a.mean(0)

    @staticmethod
    def mean_full_red(a):  # type: ignore[no-untyped-def]
        return a.mean()

    @staticmethod
    def eq2(a, b):  # type: ignore[no-untyped-def]
        return a == (b + 5.5)

    @staticmethod
    def gt2(a, b):  # type: ignore[no-untyped-def]
        return a + 1.2 > b

    @staticmethod
    def lt2(a, b):  # type: ignore[no-untyped-def]
        return a + 1.2 < b

    @staticmethod
    def complex(a):  # type: ignore[no-untyped-def]
        return (((a * 10 + 7).relu() * 6 + 5).relu() * 10).sigmoid().log() / 50


# --- minitorch/autodiff.py and minitorch/scalar.py ---------------------------------------------


def central_difference(f: Any, *vals: Any, arg: int = 0, epsilon: float = 1e-6) -> float:
    r"""An approximation of $f'_i(x_0, \ldots, x_{n-1})$: here autograd_core.numerical_grads,
    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), evaluated on fresh Values. A function of plain
    numbers (minitorch's ``operators``) is given plain numbers, as minitorch gives it."""
    if all(isinstance(v, Value) for v in vals):
        return numerical_grads(f, [v.item() for v in vals], h=epsilon)[arg]
    return numerical_grads(lambda *vs: f(*[v.item() for v in vs]), [float(v) for v in vals],
                           h=epsilon)[arg]


def derivative_check(f: Callable[..., Any], *scalars: Value) -> None:
    """
    Checks that autodiff works on a python function.
    Asserts False if derivative is incorrect.

    Parameters:
        f : function from n-scalars to 1-scalar.
        *scalars  : n input scalar values.
    """
    out = f(*scalars)
    out.backward()

    err_msg = """
Derivative check at arguments f(%s) and received derivative f'=%f for argument %d,
but was expecting derivative f'=%f from central difference."""
    for i, x in enumerate(scalars):
        check = central_difference(f, *scalars, arg=i)
        assert x.grad is not None
        np.testing.assert_allclose(
            x.grad,
            check,
            1e-2,
            1e-2,
            err_msg=err_msg % (str([x.data for x in scalars]), x.grad, i, check),
        )


# --- minitorch tests/strategies.py ----------------------------------------------------------------

small_ints = integers(min_value=1, max_value=3)
small_floats = floats(min_value=-100, max_value=100, allow_nan=False)
med_ints = integers(min_value=1, max_value=20)


def assert_close(a: float, b: float) -> None:
    assert operators.is_close(a, b), f"Failure x={a:f} y={b:f}"

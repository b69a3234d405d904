"""Each backend of the op table holds exactly what the rules call, and the Value backend has one
convention: a Value among the arguments gives a Value, plain numbers give a plain number."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from autograd_core import RULES, Value, numpy_math, scalar_math, value_math

# constants to evaluate each rule with (every branch of a rule that depends on its constant)
CONSTANTS: dict[str, list[Any]] = {
    "powc": [0.0, 2.0, 0.5], "leaky_relu": [0.1], "elu": [1.0], "softmax": [0, 1],
    "log_softmax": [0, 1], "clamp": [(-0.5, 0.5), (None, 0.5), (-0.5, None), (None, None)]}
TABLE = [r for r in RULES.values() if r.name != "function"]  # a gate's row calls no backend


class Recorder:
    """A backend that notes every function a rule asks it for."""

    def __init__(self, backend: ModuleType) -> None:
        self.backend, self.used = backend, set()

    def __getattr__(self, name: str) -> Any:
        self.used.add(name)
        return getattr(self.backend, name)


def _calls(backend: ModuleType, make: Any, forward: bool) -> set[str]:
    m = Recorder(backend)
    for rule in TABLE:
        for k in CONSTANTS.get(rule.name, [None]):
            xs = [0.3, 0.7, 0.2, 0.1][: rule.arity or 4]
            args: tuple[Any, ...] = tuple(xs) if rule.arity else (tuple(xs),)
            out = rule.forward(scalar_math, *args, k)
            margs = tuple(make(x) for x in xs) if rule.arity else (tuple(make(x) for x in xs),)
            if forward:
                rule.forward(m, *margs, k)
            rule.local(m, *margs, make(out) if backend is value_math else out, k)
    return m.used


def _functions(module: ModuleType) -> set[str]:
    return {n for n, f in vars(module).items() if callable(f) and not n.startswith("_")
            and not isinstance(f, type) and getattr(f, "__module__", "") != "typing"
            and f is not getattr(module, "apply_nary", None)}


@pytest.mark.parametrize("backend, make, forward", [
    (scalar_math, float, True),
    (numpy_math, lambda x: np.array([x, -x]), True),
    (value_math, Value, False),  # higher order: only the local derivatives run on Values
], ids=["scalar_math", "numpy_math", "value_math"])
def test_a_backend_holds_exactly_what_the_rules_call(backend: ModuleType, make: Any,
                                                     forward: bool) -> None:
    with np.errstate(all="ignore"):
        used = _calls(backend, make, forward)
    assert _functions(backend) == used, (
        f"{backend.__name__}: unused {sorted(_functions(backend) - used)}, "
        f"missing {sorted(used - _functions(backend))}")


@pytest.mark.parametrize("name", sorted(_functions(value_math)))
def test_value_math_gives_a_value_for_a_value_and_a_number_for_numbers(name: str) -> None:
    fn = getattr(value_math, name)
    if name in ("where",):
        assert fn(True, 1.0, 2.0) == 1.0
        return
    if name == "both":
        assert fn(True, False) is False
        return
    if name == "inside":
        assert fn(Value(0.5), 0.0, 1.0) is True and fn(0.5, 0.0, 0.25) is False
        return
    if name == "softmax":
        plain = fn([0.5, 1.5])
        assert [type(p) for p in plain] == [float, float]
        assert all(isinstance(v, Value) for v in fn([Value(0.5), 1.5]))
        assert [v.data for v in fn([Value(0.5), 1.5])] == plain
        return
    nargs = 2 if name in ("div", "power", "floor_divide", "gt", "ge", "lt", "eq") else 1
    plain = fn(*[0.5] * nargs)
    mixed = fn(Value(0.5), *[0.5] * (nargs - 1))
    assert not isinstance(plain, Value)
    if name in ("sign", "floor_divide", "gt", "ge", "lt", "eq", "is_zero"):
        assert not isinstance(mixed, Value) and mixed == plain  # piecewise constant
    else:
        assert isinstance(mixed, Value) and mixed.data == plain and math.isfinite(plain)
        assert isinstance(fn(*[0.5] * (nargs - 1), Value(0.5)), Value)


@pytest.mark.parametrize("module", ["autograd_core.rules", "autograd_core.op_methods",
                                    "autograd_core.scalar_math", "autograd_core.value_math",
                                    "autograd_core.functional", "viz.expr", "nn.activations"])
def test_only_the_array_backend_imports_numpy(module: str) -> None:
    """The op table, its methods and the other backends run where numpy cannot (Pyodide)."""
    import ast
    import importlib

    tree = ast.parse(open(importlib.import_module(module).__file__ or "").read())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom)}
    assert "numpy" not in imported

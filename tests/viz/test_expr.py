"""The expression parser: a whitelist over ast, never eval."""

from __future__ import annotations

import math

import pytest

from autograd_core import RULES, Value, topological_order
from viz.expr import FUNCTIONS, ExprError, build, names, parse, parse_assignments


def test_builds_the_lecture_example() -> None:
    f, leaves = build("(x+y)*z", {"x": -2, "y": 5, "z": -4})
    f.backward()
    assert f.data == -12.0
    assert {n: v.grad for n, v in leaves.items()} == {"x": -4.0, "y": -4.0, "z": 3.0}
    assert f.parents[0].label == "x+y"  # short subexpressions are named by their text


def test_operators_functions_and_constants() -> None:
    f, leaves = build("-x**3 / 2 + tanh(x) - exp(y) + leaky_relu(x, -0.5) + 2**y + abs(y)",
                      {"x": 1.5, "y": -1.0})
    import math
    expect = (-1.5 ** 3 / 2 + math.tanh(1.5) - math.exp(-1.0) + 1.5 + 2 ** -1.0 + 1.0)
    assert f.data == pytest.approx(expect)
    g, _ = build("x ** 3", {"x": 2.0})
    assert g.op == "powc" and g.arg == 3.0
    h, lv = build("x + x", {"x": 1.0})
    assert h.inputs == (lv["x"], lv["x"])


def test_names_in_reading_order() -> None:
    assert names(parse("z * (y + x) + z")) == ["z", "y", "x"]


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('x')", "calling \"__import__('os').system\" (column 1) is not "
                                     "allowed"),
    ("x.real", "attribute access is not allowed: 'x.real'"),
    ("x[0]", "indexing is not allowed: 'x[0]'"),
    ("foo(x)", "unknown function 'foo'"),
    ("tanh(x=1)", "keyword arguments are not allowed"),
    ("tanh(x, y)", "tanh() takes 1 argument(s), got 2"),
    ("leaky_relu(x, y)", "second argument of leaky_relu() must be a number: 'y'"),
    ("'a' * x", "\"'a'\" (column 1) is not a number"),
    ("x if x else y", "if/else is not allowed"),
    ("x < y", "comparison is not allowed"),
    ("x // 2", "operator 'x // 2' (column 1) is not allowed"),
    ("not x", "operator 'not x' (column 1) is not allowed"),
    ("lambda: 1", "lambda is not allowed"),
    ("tanh + x", "'tanh' (column 1) is a function"),
    ("x +", "cannot parse 'x +'"),
    ("", "the expression is empty"),
    ("1j * x", "is not a number"),
    ("True * x", "is not a number"),
    ("x" + "+x" * 2000, "the limit is 2000"),
])
def test_rejected_with_the_offending_part(text: str, message: str) -> None:
    with pytest.raises(ExprError) as e:
        build(text, {"x": 1.0, "y": 2.0}, unused="ignore")
    assert message in str(e.value)


def test_missing_unknown_and_unused_names() -> None:
    with pytest.raises(ExprError, match=r"no value for 'y', 'w': add y=<number> w=<number>"):
        build("x*y + w", {"x": 1.0})
    with pytest.raises(ExprError, match="'q' given but not used"):
        build("x", {"x": 1.0, "q": 2.0})
    with pytest.raises(ExprError, match="no variables"):
        build("2 + 3", {})


def test_assignments() -> None:
    assert parse_assignments(["x=-2", " y = 5e-1 "]) == {"x": -2.0, "y": 0.5}
    for bad, msg in [("x", "name=number"), ("x=", "name=number"), ("1x=2", "not a valid"),
                     ("x=abc", "'abc' in 'x=abc' is not a number"), ("tanh=1", "function name"),
                     ("__class__=1", "not a valid"), ("for=1", "not a valid")]:
        with pytest.raises(ExprError, match=msg):
            parse_assignments([bad])
    with pytest.raises(ExprError, match="given twice"):
        parse_assignments(["x=1", "x=2"])


def test_never_evaluates(monkeypatch) -> None:
    import builtins

    def no(*a, **k):
        raise AssertionError("eval/exec must not be used")

    monkeypatch.setattr(builtins, "eval", no)
    monkeypatch.setattr(builtins, "exec", no)
    f, _ = build("(x+y)*z", {"x": 1.0, "y": 2.0, "z": 3.0})
    assert f.data == 9.0


@pytest.mark.parametrize("text, value, grad", [
    ("+".join(["1"] * 989 + ["x"]), 990.0, 1.0),  # 1+1+...+x: 990 terms, nested 989 deep
    ("+".join(["x"] * 661), 661.0, 661.0),  # x+x+...+x
    ("**".join(["x"] * 600), 1.0, 1.0),  # x**x**...**x, right-nested; at x = 1 all ones
    (" " + "-" * 1900 + "x", 1.0, 1.0),  # 1,900 unary minus signs: an even count
    (" " + "-" * 1899 + "x", -1.0, -1.0),
])
def test_deep_expressions_evaluate_without_recursion(text: str, value: float,
                                                     grad: float) -> None:
    """Nesting as deep as the length limit allows builds the graph (no RecursionError)."""
    assert len(text) <= 2000
    root, leaves = build(text, {"x": 1.0})
    root.backward()
    assert root.data == value and leaves["x"].grad == grad


def test_iterative_evaluation_keeps_values_and_labels() -> None:
    root, leaves = build("tanh(x*w + b) - 2*(x + 1)", {"x": 0.5, "w": -1.5, "b": 0.25})
    assert root.data == pytest.approx(math.tanh(0.5 * -1.5 + 0.25) - 3.0, abs=1e-15)
    assert root.label is None  # its text is longer than label_width=12
    labels = {v.label for v in topological_order(root)}
    assert {"x*w", "x*w + b", "x + 1", "2*(x + 1)"} <= labels  # tanh(...) is 13 > 12


def test_names_are_nfkc_normalised_as_python_does() -> None:
    """Python's parser reads the identifier "\ufb01" (the fi ligature) as "fi" (PEP 3131)."""
    assert parse_assignments(["\ufb01=1", "\uff58=2"]) == {"fi": 1.0, "x": 2.0}
    root, leaves = build("fi*x", parse_assignments(["\ufb01=3", "x=2"]))
    assert root.data == 6.0 and set(leaves) == {"fi", "x"}


def test_pytorchs_scalar_functions_and_remainder_parse() -> None:
    root, _ = build("atan2(y, x) % 1 + sin(maximum(x, y)) * floor(x) + hypot(x, 3)",
                    {"x": 0.5, "y": -2.0})
    expected = (math.atan2(-2.0, 0.5) % 1 + math.sin(0.5) * 0.0 + math.hypot(0.5, 3.0))
    assert math.isclose(root.data, expected, rel_tol=1e-15)
    assert math.isnan(build("x + 5 % 0", {"x": 1.0})[0].data)  # constants fold as the engine


def test_only_the_two_value_functions_take_a_variable_second_argument() -> None:
    with pytest.raises(ExprError, match="second argument of leaky_relu\\(\\) must be a number"):
        build("leaky_relu(x, y)", {"x": 1.0, "y": 2.0})
    with pytest.raises(ExprError, match="atan2\\(\\) takes 2 argument"):
        build("atan2(x)", {"x": 1.0})


@pytest.mark.parametrize("text, engine", [
    ("x + (-10)**401", lambda x: x + Value(-10.0) ** 401),
    ("x*(1/-0.0)", lambda x: x * (Value(1.0) / -0.0)),
    ("x+(-0.0)**-1", lambda x: x + Value(-0.0) ** -1),
    ("x+0**-1", lambda x: x + Value(0.0) ** -1),
    ("x+(-2.0)**1025", lambda x: x + Value(-2.0) ** 1025),
    ("x+(-7)%3", lambda x: x + Value(-7.0) % 3),
    ("x*(2**0.5)", lambda x: x * Value(2.0) ** 0.5),
])
def test_constants_fold_to_the_number_the_engine_computes(text: str, engine) -> None:
    """Overflow keeps its sign and -0.0 its sign, as in the engine (and PyTorch float64)."""
    want = engine(Value(2.0)).data
    got = build(text, {"x": 2.0})[0].data
    assert got == want and math.copysign(1.0, got) == math.copysign(1.0, want)
    assert math.isinf(want) or text in ("x+(-7)%3", "x*(2**0.5)")


def test_signs_of_folded_overflow_by_hand() -> None:
    assert build("x + (-10)**401", {"x": 1.0})[0].data == -math.inf
    assert build("x*(1/-0.0)", {"x": 1.0})[0].data == -math.inf
    assert build("x+0**-1", {"x": 1.0})[0].data == math.inf


def test_a_whole_number_past_the_float_range_is_an_expression_error() -> None:
    with pytest.raises(ExprError, match=r"column 5 \(401 digits\) is beyond the float range"):
        build("x + 1" + "0" * 400, {"x": 1.0})


def test_every_method_of_the_op_table_is_callable_by_name() -> None:
    """The command line's functions are the op table's methods: a new op needs no edit here."""
    for rule in RULES.values():
        if rule.method is None:
            continue
        args = "x, y" if rule.arity == 2 else "x"
        root, _ = build(f"{rule.method}({args})", {"x": 0.5, "y": 0.25}, unused="ignore")
        assert root.op == rule.name
    assert set(FUNCTIONS) == {r.method for r in RULES.values() if r.method} | {"abs"}
    assert build("clamp(x, -1, 0.25)", {"x": 0.5})[0].data == 0.25

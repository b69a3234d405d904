"""Expressions from text, parsed safely: a whitelist over Python's ``ast``, never ``eval``.

The command line (``python -m viz "(x+y)*z" x=-2 y=5 z=-4``) builds its graph here. Allowed:

* numbers (``2``, ``0.5``, ``1e-3``) and variable names, each given a value (``x=-2``);
* ``+ - * / ** %`` and unary ``-``/``+``, with parentheses;
* calls of the engine's ops by their method names, read from the op table: one argument for
  ``tanh exp log sqrt sin ... floor round`` and ``abs``; two, either a variable, for
  ``maximum(a, b) minimum(a, b) atan2(y, x) hypot(a, b) remainder(a, b)``; optional constant
  ones where the method has them (``leaky_relu(x, slope)``, ``elu(x, alpha)``,
  ``clamp(x, lo, hi)``).

Arithmetic on two constants is folded with the engine's own float rules, so ``x + (-10)**401``
adds the -inf the engine computes.

Anything else (attribute access, subscripts, strings, keyword arguments, comparisons, lambdas,
``__import__('os').system(...)``) is rejected before anything is computed, with an error that
quotes the offending part, says where it is and lists what is allowed.
"""

from __future__ import annotations

import ast
import keyword
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from autograd_core import scalar_math
from autograd_core.rules import ADD, DIV, MUL, POW, REMAINDER, RULES, SUB, Rule
from autograd_core.value import Value

# Python's builtins that call an op of the table given as an operator (abs(x) is x.__abs__())
_BUILTIN_CALLS: dict[str, Callable[..., Value]] = {"abs": abs}


def _functions() -> dict[str, tuple[tuple[int, int], Callable[..., Value]]]:
    """name -> (how many arguments, the function): every op of the table that is a Value method
    (``sin(x)`` is ``x.sin()``, ``leaky_relu(x, 0.2)`` is ``x.leaky_relu(0.2)``), and ``abs``."""
    out: dict[str, tuple[tuple[int, int], Callable[..., Value]]] = {}
    for rule in RULES.values():
        if rule.operator in _BUILTIN_CALLS and rule.arity == 1:
            out[rule.operator] = ((1, 1), _BUILTIN_CALLS[rule.operator])
        if rule.method is not None:
            n = 2 if rule.arity == 2 else 1
            out[rule.method] = ((n, n + len(rule.params)), getattr(Value, rule.method))
    return out


#: The functions an expression may call: name -> (how many arguments, what it does), made from
#: the op table (:mod:`autograd_core.rules`).
FUNCTIONS = _functions()
#: Two-argument functions whose second argument may be a variable too (a Value).
TWO_VALUES = tuple(r.method for r in RULES.values() if r.method is not None and r.arity == 2)

MAX_LENGTH = 2000

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
    ast.Mod: lambda a, b: a % b,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}
# the op table's row for each operator, to fold two constants the way the engine computes them
_CONSTANT_RULES: dict[type, Rule] = {ast.Add: ADD, ast.Sub: SUB, ast.Mult: MUL, ast.Div: DIV,
                                     ast.Pow: POW, ast.Mod: REMAINDER}

_WHAT: dict[type, str] = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.Compare: "comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "assignment (:=)", ast.Starred: "unpacking",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator", ast.Await: "await",
    ast.Slice: "slicing",
}


class ExprError(ValueError):
    """The expression or a variable assignment is not acceptable; the message says why."""


def allowed() -> str:
    """One sentence listing what expressions may contain."""
    return ("allowed: numbers, variable names, + - * / ** %, unary minus, parentheses, and calls "
            f"of {', '.join(FUNCTIONS)}")


def _where(text: str, node: ast.AST) -> str:
    seg = ast.get_source_segment(text, node) or type(node).__name__
    col = getattr(node, "col_offset", None)
    return f"{seg!r}" + (f" (column {col + 1})" if col is not None else "")


def parse(text: str) -> ast.Expression:
    """Parse and check an expression; :class:`ExprError` names the first disallowed part."""
    if not isinstance(text, str):
        raise ExprError(f"the expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ExprError("the expression is empty; give one such as \"(x+y)*z\"")
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is {len(text)} characters long; the limit is "
                        f"{MAX_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        col = f" at column {e.offset}" if e.offset else ""
        raise ExprError(f"cannot parse {text.strip()!r}{col}: {e.msg}; {allowed()}") from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise ExprError(f"cannot parse the expression: {e}") from None
    _check(tree.body, text.strip())
    return tree


def _check(node: ast.AST, text: str) -> None:
    """Walk the tree (iteratively) and reject every node outside the whitelist."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.BinOp):
            if type(n.op) not in _BINOPS:
                raise ExprError(f"operator {_where(text, n)} is not allowed; {allowed()}")
            stack += [n.right, n.left]
        elif isinstance(n, ast.UnaryOp):
            if type(n.op) not in _UNARY:
                raise ExprError(f"operator {_where(text, n)} is not allowed; {allowed()}")
            stack.append(n.operand)
        elif isinstance(n, ast.Constant):
            if isinstance(n.value, bool) or not isinstance(n.value, (int, float)):
                raise ExprError(f"{_where(text, n)} is not a number; {allowed()}")
        elif isinstance(n, ast.Name):
            if n.id in FUNCTIONS:
                raise ExprError(f"{n.id!r} (column {n.col_offset + 1}) is a function: call it, "
                                f"as in {n.id}(x)")
        elif isinstance(n, ast.Call):
            _check_call(n, text)
            stack += n.args[::-1]
        else:
            what = _WHAT.get(type(n), type(n).__name__)
            raise ExprError(f"{what} is not allowed: {_where(text, n)}; {allowed()}")


def _check_call(n: ast.Call, text: str) -> None:
    if not isinstance(n.func, ast.Name):
        raise ExprError(f"calling {_where(text, n.func)} is not allowed: only the engine's "
                        f"functions can be called by name ({', '.join(FUNCTIONS)})")
    name = n.func.id
    if name not in FUNCTIONS:
        raise ExprError(f"unknown function {name!r} (column {n.col_offset + 1}); the functions "
                        f"are {', '.join(FUNCTIONS)}")
    if n.keywords:
        raise ExprError(f"keyword arguments are not allowed: {_where(text, n)}; write "
                        f"{name}(x, value) instead")
    lo, hi = FUNCTIONS[name][0]
    if not lo <= len(n.args) <= hi:
        want = str(lo) if lo == hi else f"{lo} or {hi}"
        raise ExprError(f"{name}() takes {want} argument(s), got {len(n.args)}: "
                        f"{_where(text, n)}")
    for extra in n.args[1:]:  # slopes and alphas are constants, not variables
        if name not in TWO_VALUES and not _is_constant(extra):
            raise ExprError(f"the second argument of {name}() must be a number: "
                            f"{_where(text, extra)}")


def _is_constant(n: ast.AST) -> bool:
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd)):
        n = n.operand
    return isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and \
        not isinstance(n.value, bool)


def names(tree: ast.Expression) -> list[str]:
    """The variable names an expression uses, in reading order, each once."""
    found = sorted((n.lineno, n.col_offset, n.id) for n in ast.walk(tree)
                   if isinstance(n, ast.Name) and n.id not in FUNCTIONS)
    return list(dict.fromkeys(name for _, _, name in found))


def parse_assignments(items: Sequence[str]) -> dict[str, float]:
    """``["x=-2", "y=5"]`` -> ``{"x": -2.0, "y": 5.0}``; ExprError naming a bad item.
    Names are NFKC-normalised as Python's parser normalises identifiers, so a name typed
    with a ligature or full-width letters binds the variable the expression means."""
    values: dict[str, float] = {}
    for item in items:
        name, sep, num = item.partition("=")
        # Python reads identifiers in NFKC form (PEP 3131): the expression's "\ufb01" is "fi"
        name, num = unicodedata.normalize("NFKC", name.strip()), num.strip()
        if not sep or not name or not num:
            raise ExprError(f"cannot read {item!r}: give each variable as name=number, e.g. x=-2")
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
            raise ExprError(f"{name!r} in {item!r} is not a valid variable name")
        if name in FUNCTIONS:
            raise ExprError(f"{name!r} is a function name; choose another variable name")
        if name in values:
            raise ExprError(f"{name!r} is given twice ({name}={values[name]:g} and {item})")
        try:
            values[name] = float(num)
        except ValueError:
            raise ExprError(f"{num!r} in {item!r} is not a number") from None
    return values


def build(text: str, values: Mapping[str, float], *, unused: str = "error",
          label_width: int = 12) -> tuple[Value, dict[str, Value]]:
    """The expression built with Values: returns the root and the leaf for each variable
    (labelled with its name). Intermediate nodes are labelled with their source text when it
    is at most ``label_width`` characters (``x+y``), so graph and step table name them.
    ``unused='error'`` rejects values the expression does not use (a likely typo);
    ``'ignore'`` allows them."""
    tree = parse(text)
    used = names(tree)
    missing = [n for n in used if n not in values]
    if missing:
        hint = " ".join(f"{n}=<number>" for n in missing)
        raise ExprError(f"no value for {', '.join(repr(n) for n in missing)}: add {hint} after "
                        "the expression")
    extra = [n for n in values if n not in used]
    if extra and unused == "error":
        raise ExprError(f"{', '.join(repr(n) for n in extra)} given but not used in "
                        f"{text.strip()!r}; check the spelling")
    leaves = {n: Value(values[n], n) for n in used}
    root = _evaluate(tree.body, leaves, text.strip(), label_width)
    if not isinstance(root, Value):
        raise ExprError(f"{text.strip()!r} has no variables, so there is nothing to "
                        "differentiate; use a name such as x and give x=<number>")
    return root, leaves


def _evaluate(root: ast.AST, leaves: Mapping[str, Value], text: str, width: int) -> Any:
    """Evaluate a checked tree bottom-up with an explicit stack (no recursion), so nesting
    as deep as the length limit allows (``1+1+...+x``, ``x**x**...``, ``- - -x``) works.

    Each node is visited twice: first its children are pushed, then (once their results are
    on the ``done`` stack) the node combines them. Labels: a new Value gets its source text
    when that is at most ``width`` characters."""
    done: list[Any] = []
    todo: list[tuple[ast.AST, bool]] = [(root, False)]
    while todo:
        node, ready = todo.pop()
        if not ready:
            todo.append((node, True))
            todo.extend((c, False) for c in reversed(_children(node)))
            continue
        k = len(_children(node))
        args = done[len(done) - k:] if k else []
        del done[len(done) - k:]
        out = _combine(node, args, leaves, text)
        if isinstance(out, Value) and out.label is None:
            seg = ast.get_source_segment(text, node)
            if seg is not None and len(seg) <= width:
                out.label = seg
        done.append(out)
    return done[0]


def _children(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _combine(node: ast.AST, args: list[Any], leaves: Mapping[str, Value], text: str) -> Any:
    """One node's value from its children's values (``args``, in source order)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        try:
            return float(node.value)
        except OverflowError:  # as Value(10**400) does, a whole number past the float range
            raise ExprError(f"the whole number at column {node.col_offset + 1} "
                            f"({len(str(node.value))} digits) is beyond the float range (about "
                            "1.8e308); write it as a float, such as 1e400 (inf)") from None
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](args[0])
    if isinstance(node, ast.BinOp):
        a, b = args
        if not isinstance(a, Value) and not isinstance(b, Value):
            return _constant_op(node.op, a, b)
        return _BINOPS[type(node.op)](a, b)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        fn = FUNCTIONS[node.func.id][1]
        if not isinstance(args[0], Value):
            args[0] = Value(args[0])  # tanh(2): a constant leaf, still drawn
        return fn(*args)
    raise ExprError(f"unexpected {type(node).__name__}")  # unreachable after _check


def _constant_op(op: ast.operator, a: float, b: float) -> float:
    """Arithmetic on two constants, folded with the engine's own rule for the operator (its
    float backend), so a folded constant is the number the engine computes: ``(-10)**401`` is
    -inf, ``1/-0.0`` is -inf, ``0**-1`` is inf, ``a % 0`` is nan."""
    return float(_CONSTANT_RULES[type(op)].forward(scalar_math, a, b, None))

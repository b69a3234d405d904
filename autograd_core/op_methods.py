"""Value's op methods and operators, made from the op table.

Every row of :mod:`autograd_core.rules` with a ``method`` is a Value method (``x.sin()``,
``x.leaky_relu(slope=0.2)``), and every row with an ``operator`` is that operator and its
reflected twin (``x + 2`` and ``2 + x``): the table is the only list of them, so adding an op is
adding its row. The methods are compiled once, at import, from Python text made from each row
(as :mod:`dataclasses` makes ``__init__``): they are plain functions, as fast as hand-written
ones, with real parameter names and docstrings (``help(Value.sin)``). ``print(source())`` shows
the text. Type checkers and editors read the same signatures from ``op_signatures.pyi``,
written from the table by ``python scripts/op_signatures.py`` (a test checks it is current).

Written by hand here: ``**`` (a constant exponent is the op 'powc', a Value exponent the op
'pow') with its method name ``pow``, unary ``+``, and micrograd's ``_op`` (the row's symbol,
``'+'``, ``'**3'``, ``'ReLU'``) and ``_prev`` (a set).
"""

from __future__ import annotations

import linecache
import os
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from autograd_core.rules import POW, POWC, RULES, Rule

if TYPE_CHECKING:
    from autograd_core.op_signatures import OpSignatures as _Declared
    from autograd_core.value import Value
else:
    _Declared = object

# bound by install() once value.py has defined them (value.py imports this module first)
_unary: Callable[..., Value]
_binary: Callable[..., Value]
_number: Callable[[Any], Any]
_Value: type


class OpMethods(_Declared):
    """The ops of the table as methods and operators of :class:`~autograd_core.value.Value`
    (its base class; it holds no data)."""

    __slots__ = ()

    def __pow__(self, other: Value | float) -> Value:
        """``x ** 2`` (a constant exponent: op 'powc') or ``x ** y`` (both differentiable)."""
        x = cast("Value", self)
        if type(other) is _Value:
            return _binary(POW, x, other, x.data, other.data)  # type: ignore[union-attr]
        k = _number(other)
        return k if k is NotImplemented else _unary(POWC, x, k)  # type: ignore[no-any-return]

    def __rpow__(self, other: float) -> Value:
        """``2 ** x``: a constant base, a differentiable exponent."""
        x = cast("Value", self)
        c = _number(other)
        return c if c is NotImplemented else _binary(POW, c, x, c, x.data)  # type: ignore[no-any-return]

    def pow(self, exponent: Value | float) -> Value:
        """``self ** exponent`` (torch.pow); TypeError for anything but a Value or a number."""
        out = self.__pow__(exponent)
        if out is NotImplemented:
            raise _operand_error("pow()", exponent)
        return out

    def __pos__(self) -> Value:
        return cast("Value", self)

    # --- micrograd's private names, as its lecture's draw_dot and its users' tests read them ----
    @property
    def _op(self) -> str:
        """micrograd's name of the op that made this node: the op table's symbol (``'+'``,
        ``'*'``, ``'ReLU'``, ``'tanh'``, ``'exp'``; ``'**3'`` for ``x ** 3``); ``''`` for a
        leaf. The engine's own name is :attr:`Value.op` (``'add'``)."""
        v = cast("Value", self)
        rule = RULES.get(v._opname)
        if rule is None:  # a leaf (also one an op made under no_grad), a once-differentiable node
            return "" if v._a is None else v._opname
        if rule is POWC:
            k = v._arg
            return f"**{int(k) if float(k).is_integer() else k}"
        return rule.symbol

    @property
    def _prev(self) -> set[Value]:
        """micrograd's set of the nodes this one was computed from (``x + x`` gives ``{x}``);
        :attr:`Value.parents` keeps them in argument order, repeats included."""
        return set(cast("Value", self).parents)


def _operand_error(what: str, other: Any) -> TypeError:
    return TypeError(f"{what} expects a Value or a plain number, got {type(other).__name__}: "
                     f"{other!r}")


# --- the text of the methods, one template per kind of row ------------------------------------
def _constant(rule: Rule, param: tuple[str, Any]) -> str:
    """The expression that checks one constant parameter (a float; None allowed if the
    default is None)."""
    name, default = param
    check = f'_to_float({name}, "{rule.method} {name}")'
    return check if default is not None else f"None if {name} is None else {check}"


def _method_source(rule: Rule) -> str:
    r = rule.name.upper()
    if rule.arity == 2:
        return (f"def {rule.method}(self, other):\n"
                f"    if type(other) is Value:\n"
                f"        return _binary({r}, self, other, self.data, other.data)\n"
                f"    o = _number(other)\n"
                f"    if o is NotImplemented:\n"
                f"        raise _operand_error('{rule.method}()', other)\n"
                f"    return _binary({r}, self, o, self.data, o)\n")
    sig = "".join(f", {p}={d!r}" for p, d in rule.params)
    ks = [_constant(rule, p) for p in rule.params]
    k = "None" if not ks else ks[0] if len(ks) == 1 else f"({', '.join(ks)},)"
    return f"def {rule.method}(self{sig}):\n    return _unary({r}, self, {k})\n"


def _operator_source(rule: Rule) -> str:
    r, op = rule.name.upper(), rule.operator
    if rule.arity == 1:
        return f"def __{op}__(self):\n    return _unary({r}, self, None)\n"
    return (f"def __{op}__(self, other):\n"  # the hottest code of the engine: x + y, x * 2
            f"    t = type(other)\n"
            f"    if t is Value:\n"
            f"        return _binary({r}, self, other, self.data, other.data)\n"
            f"    if t is not float:\n"
            f"        other = _number(other)\n"
            f"        if other is NotImplemented:\n"
            f"            return NotImplemented\n"
            f"    return _binary({r}, self, other, self.data, other)\n"
            f"\n"
            f"def __r{op}__(self, other):\n"
            f"    x = _number(other)\n"
            f"    return x if x is NotImplemented else _binary({r}, x, self, x, self.data)\n")


def _rows() -> list[tuple[str, Rule, str]]:
    """(function name, rule, source) for every method and operator of the table."""
    out = []
    for rule in RULES.values():
        if rule.operator is not None:
            out.append((f"__{rule.operator}__", rule, _operator_source(rule)))
            if rule.arity == 2:  # the reflected operator: its text is in the one above
                out.append((f"__r{rule.operator}__", rule, ""))
        if rule.method is not None:
            out.append((rule.method, rule, _method_source(rule)))
    return out


def source() -> str:
    """The Python text of every method and operator made from the table."""
    return "\n".join(src for _, _, src in _rows() if src)


def install(value_cls: type, unary: Callable[..., Any], binary: Callable[..., Any],
            number: Callable[[Any], Any], to_float: Callable[..., float]) -> None:
    """Compile :func:`source` and put the methods on :class:`OpMethods` (called once, by
    value.py, when the functions that build nodes exist)."""
    global _unary, _binary, _number, _Value
    _unary, _binary, _number, _Value = unary, binary, number, value_cls
    namespace: dict[str, Any] = {"__name__": __name__, "Value": value_cls, "_unary": unary,
                                 "_binary": binary, "_number": number, "_to_float": to_float,
                                 "_operand_error": _operand_error}
    namespace.update({rule.name.upper(): rule for rule in RULES.values()})
    text = source()
    filename = "<op methods made from autograd_core/rules.py>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)  # tracebacks
    exec(compile(text, filename, "exec"), namespace)
    for name, rule, _ in _rows():
        fn = namespace[name]
        fn.__doc__ = f"{rule.doc}\n\n{rule.math}" if rule.doc else rule.math
        fn.__module__ = __name__
        fn.__qualname__ = f"OpMethods.{name}"
        fn.__annotations__ = _annotations(name, rule)
        setattr(OpMethods, name, fn)


# --- the typed signatures, for type checkers and editors --------------------------------------
def _annotations(name: str, rule: Rule) -> dict[str, str]:
    """The parameter types of one method or operator (``return`` last)."""
    if name == f"__r{rule.operator}__":
        return {"other": "float", "return": "Value"}
    if rule.arity == 2:
        return {"other": "Value | float", "return": "Value"}
    types = {p: "float | None" if d is None else "float" for p, d in rule.params}
    return {**types, "return": "Value"}


def _signature(name: str, rule: Rule) -> str:
    hints = _annotations(name, rule)
    defaults = dict(rule.params) if rule.arity == 1 else {}
    params = "".join(f", {p}: {t}" + (f" = {defaults[p]!r}" if p in defaults else "")
                     for p, t in hints.items() if p != "return")
    return f"def {name}(self{params}) -> Value:"


def stub() -> str:
    """The text of ``op_signatures.pyi``."""
    lines = ['"""Typed signatures of the op methods of Value (autograd_core/op_methods.py).',
             "",
             "Written from the op table (autograd_core/rules.py) by",
             "``python scripts/op_signatures.py``; do not edit by hand.",
             '"""',
             "",
             "from autograd_core.value import Value",
             "",
             "class OpSignatures:"]
    for name, rule, _ in _rows():
        doc = textwrap.wrap(f'"""{rule.doc or rule.math}"""', 92)
        lines += [f"    {_signature(name, rule)}"] + [f"        {d}" for d in doc]
    return "\n".join(lines) + "\n"


def write_stub(path: str | None = None) -> str:
    """Write :func:`stub` to ``op_signatures.pyi`` beside this module (or ``path``); returns
    the path. Run it after adding a row to the op table: ``python scripts/op_signatures.py``."""
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "op_signatures.pyi")
    with open(path, "w", encoding="utf-8") as f:
        f.write(stub())
    return path

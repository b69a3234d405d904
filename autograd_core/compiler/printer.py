"""The printer: the only place the compiler makes Python text.

It turns the intermediate form (:mod:`~autograd_core.compiler.ir`) into source code: an
expression with parentheses exactly where its operators' precedence needs them, a statement per
line with its comment aligned, a function. Two targets differ only in how they spell the
special numbers: the numpy program writes ``np.nan`` and ``np.inf``, the plain-Python program
``float('nan')`` and ``float('inf')``. Comments come from the op table
and the compiler, never from user labels unescaped: :func:`comment` makes any text one safe
line.
"""

from __future__ import annotations

import math

from autograd_core.compiler.ir import (
    ATOM,
    NEG_PREC,
    Assign,
    Attr,
    AugAssign,
    BinOp,
    Call,
    Comment,
    Do,
    Expr,
    For,
    Function,
    Lst,
    Name,
    Neg,
    Note,
    Num,
    Return,
    Slice,
    Stmt,
    Subscript,
    Tup,
)

__all__ = ["comment", "expr", "function", "statement"]

_SPECIAL = {"numpy": ("np.nan", "np.inf"), "python": ("float('nan')", "float('inf')")}


def number(v: float, target: str = "numpy") -> str:
    if isinstance(v, int):
        return repr(int(v))
    f = float(v)
    nan, inf = _SPECIAL[target]
    if math.isnan(f):
        return nan
    if math.isinf(f):
        return inf if f > 0 else "-" + inf
    return repr(f)


def _index(i: Expr | Slice | None, target: str) -> str:
    if i is None:
        return "None"
    if isinstance(i, Slice):
        text = ("" if i.start is None else str(i.start)) + ":" + \
            ("" if i.stop is None else str(i.stop))
        return text + ("" if i.step is None else f":{i.step}")
    return expr(i, 0, target)


def expr(e: Expr, need: int = 0, target: str = "numpy") -> str:
    """``e`` as Python text, in parentheses when its precedence is below ``need``.

    Recursive over the expression: the simplifier keeps every expression shallow (it inlines
    only up to a fixed depth), so deep graphs make many short lines, never one deep one."""
    if isinstance(e, Name):  # the most common case: a name never needs parentheses
        return e.id
    if isinstance(e, BinOp):
        left, right = e.operand_prec
        text = f"{expr(e.left, left, target)} {e.op} {expr(e.right, right, target)}"
        return text if e.prec >= need else f"({text})"
    if isinstance(e, Num):
        text = number(e.value, target)
    elif isinstance(e, Neg):
        text = f"-{expr(e.operand, NEG_PREC, target)}"
    elif isinstance(e, Call):
        args = [expr(a, 0, target) for a in e.args]
        args += [f"{k}={expr(v, 0, target)}" for k, v in e.kwargs]
        text = f"{expr(e.func, ATOM, target)}({', '.join(args)})"
    elif isinstance(e, Attr):
        text = f"{expr(e.obj, ATOM, target)}.{e.name}"
    elif isinstance(e, Subscript):
        text = f"{expr(e.obj, ATOM, target)}[{', '.join(_index(i, target) for i in e.index)}]"
    elif isinstance(e, Lst):
        text = f"[{', '.join(expr(v, 0, target) for v in e.items)}]"
    elif isinstance(e, Tup):
        inner = ", ".join(expr(v, 0, target) for v in e.items)
        text = f"({inner},)" if len(e.items) == 1 or e.trailing else f"({inner})"
    else:
        raise TypeError(f"not an expression: {e!r}")
    return text if e.prec >= need else f"({text})"


def comment(text: str) -> str:
    """Any text as the inside of one comment line: escapes (``\\n``, ``\\u2028``...) for
    characters that could end the line or confuse a reader; printable text as it is."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(c if c.isprintable() and c not in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
                   else c.encode("unicode_escape").decode("ascii") for c in text)


def _noted(code: str, note: Note) -> str:
    """``code`` with its note (if not empty) as a comment aligned at column 44, or two spaces after
    the code when the code is longer."""
    if not note:
        return code
    return code.ljust(max(len(code) + 2, 44)) + f"# {comment(note.head + note.rest)}"


def statement(st: Stmt, target: str = "numpy", indent: str = "    ") -> str:
    """One statement as a line (with its comment aligned at column 44)."""
    if isinstance(st, Comment):
        return f"{indent}# {comment(st.text)}"
    if isinstance(st, For):
        names = ", ".join(expr(v, 0, target) for v in st.targets.items)
        head = _noted(f"{indent}for {names} in {expr(st.iter, 0, target)}:", st.note)
        return "\n".join([head] + [statement(b, target, indent + "    ") for b in st.body])
    if isinstance(st, Return):
        if isinstance(st.value, Tup) and len(st.value.items) > 1 and not st.value.trailing:
            return f"{indent}return {', '.join(expr(v, 0, target) for v in st.value.items)}"
        return f"{indent}return {expr(st.value, 0, target)}"
    if isinstance(st, Assign) and isinstance(st.target, Tup):  # unpacking: a, b = theta
        names = ", ".join(expr(v, 0, target) for v in st.target.items)
        comma = "," if len(st.target.items) == 1 else ""
        code = f"{indent}{names}{comma} = {expr(st.value, 0, target)}"
    elif isinstance(st, (Assign, AugAssign)):
        sign = "+=" if isinstance(st, AugAssign) else "="
        code = f"{indent}{expr(st.target, 0, target)} {sign} {expr(st.value, 0, target)}"
    elif isinstance(st, Do):
        code = f"{indent}{expr(st.value, 0, target)}"
    else:
        raise TypeError(f"not a statement: {st!r}")
    return _noted(code, st.note)


def function(fn: Function, target: str = "numpy") -> str:
    """``def name(args):`` and its body, one statement per line."""
    lines = [f"def {fn.name}({', '.join(fn.args)}):"]
    lines += [statement(st, target) for st in fn.body]
    return "\n".join(lines) + "\n"


def closure(fn: Function, free: list[str], target: str = "python") -> str:
    """``fn`` inside ``def _make(free...)`` that returns it: the free names (backend
    functions, rules) become closure variables, read as fast as local ones."""
    lines = [f"def _make({', '.join(free)}):", f"    def {fn.name}({', '.join(fn.args)}):"]
    lines += [statement(st, target, "        ") for st in fn.body]
    lines.append(f"    return {fn.name}")
    return "\n".join(lines) + "\n"

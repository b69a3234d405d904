"""Stage 3, code generation: the schedule written out as straight-line numpy code.

Every group of the schedule becomes one line of Python: a batched group is an array with one row
per member and one column per example (``Z1``, ``A1``...), a shared group writes its rows of
``s``, the vector of shared numbers (parameters first, then constants, then results computed
from those only). The backward pass is the same lines in reverse order, each input receiving
*upstream x local*; a parameter's contribution is summed over the examples. The lines are
compiled into a Python function; :meth:`Code.source` is that function's text, so the numpy a
learner reads is the numpy that runs.

No derivative is written here. An elementwise line is the op table's own formula:
``rule.forward`` and ``rule.local`` (:mod:`autograd_core.rules`) are evaluated once on symbolic
operands (:class:`Sym`), which print themselves as the code of the same computation on the numpy
backend ``m`` (:mod:`autograd_core.numpy_math`): tanh's rule ``1.0 - out * out`` becomes
``dZ1 = dA1 * (1.0 - A1 * A1)``. A rule that branches in Python (it cannot be printed) is called
at run time instead, as are the n-ary rules (logsumexp, softmax...), on the operands stacked on a
leading axis. A ``dot`` group whose members all read the same inputs is a matrix product: its
gradients are the op table's ``d/dw_i = x_i``, ``d/dx_i = w_i`` contracted over the examples and
the neurons, ``dW = dZ @ X.T`` and ``dX = W.T @ dZ``.

Names come from the Values' labels where the members of a group share a prefix (a weight labelled
``W1[0,1]`` names its matrix ``W1``), otherwise they are systematic: layer L's weights ``W{L}``,
bias ``b{L}``, pre-activation ``Z{L}``, activation ``A{L}``, any other group ``{op}{n}``; the
gradient of ``Z1`` is ``dZ1``. A temporary used once is written into its only use, so a layer
reads ``Z1 = W1 @ x + b1``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_core import numpy_math as NM
from autograd_core.compiler.schedule import Group, Node, Schedule
from autograd_core.rules import RULES, Rule

__all__ = ["Code", "Sym", "render"]

ATOM = 100
_RESERVED = {"np", "m", "s", "gs", "N", "theta", "loss", "consts", "rule", "sum", "abs", "float",
             "None", "True", "False", "def", "return", "lambda", "if", "else", "for", "in", "is",
             "not", "and", "or", "del", "pass", "class", "from", "import", "as", "with", "global"}


# ================================================================================================
# Symbolic operands: the op table's formulas printed as numpy code
# ================================================================================================

class NotSymbolic(Exception):
    """A rule did something that cannot be printed (a Python branch on an operand)."""


def literal(x: Any) -> str:
    if isinstance(x, bool):
        raise NotSymbolic("bool")
    if isinstance(x, (int, np.integer)):
        return repr(int(x))
    if isinstance(x, (float, np.floating)):
        f = float(x)
        if math.isnan(f):
            return "np.nan"
        if math.isinf(f):
            return "np.inf" if f > 0 else "-np.inf"
        return repr(f)
    raise NotSymbolic(type(x).__name__)


def render(x: Any, need: int = 0) -> str:
    """x as code, in parentheses when its precedence is below ``need``."""
    if isinstance(x, Sym):
        return x.text if x.prec >= need else f"({x.text})"
    if isinstance(x, SymSeq):
        return x.text
    if x is None:
        return "None"
    if isinstance(x, tuple):
        inner = ", ".join(render(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    text = literal(x)
    return f"({text})" if text.startswith("-") and need > 11 else text


class Sym:
    """An operand known by its code (``Z1``, ``s[4:8, None]``, ``1.0 - A1 * A1``), with the
    precedence of its outermost operator. Arithmetic on Syms builds code."""

    __slots__ = ("text", "prec", "mask")

    def __init__(self, text: str, prec: int = ATOM, mask: str | None = None) -> None:
        self.text = text
        self.prec = prec
        self.mask = mask  # for where(c, 1.0, 0.0): the condition c, a boolean array

    def __repr__(self) -> str:
        return f"Sym({self.text!r})"

    def _bin(self, a: Any, op: str, b: Any, prec: int, right: int | None = None) -> Sym:
        return Sym(f"{render(a, prec)} {op} {render(b, prec + 1 if right is None else right)}",
                   prec)

    def __add__(self, o: Any) -> Sym: return self._bin(self, "+", o, 11)
    def __radd__(self, o: Any) -> Sym: return self._bin(o, "+", self, 11)
    def __sub__(self, o: Any) -> Sym: return self._bin(self, "-", o, 11)
    def __rsub__(self, o: Any) -> Sym: return self._bin(o, "-", self, 11)
    # x * 1.0 is x, bit for bit (nan, inf and -0.0 included): the mean of one term, a unit scale
    def __mul__(self, o: Any) -> Sym: return self if _is(o, 1.0) else self._bin(self, "*", o, 12)
    def __rmul__(self, o: Any) -> Sym: return self if _is(o, 1.0) else self._bin(o, "*", self, 12)
    def __truediv__(self, o: Any) -> Sym: return self._bin(self, "/", o, 12)
    def __rtruediv__(self, o: Any) -> Sym: return self._bin(o, "/", self, 12)
    def __pow__(self, o: Any) -> Sym: return Sym(f"{render(self, 15)} ** {render(o, 13)}", 14)
    def __rpow__(self, o: Any) -> Sym: return Sym(f"{render(o, 15)} ** {render(self, 13)}", 14)
    def __neg__(self) -> Sym: return Sym(f"-{render(self, 13)}", 13)
    def __pos__(self) -> Sym: return self
    def __abs__(self) -> Sym: return Sym(f"abs({self.text})")

    def __getitem__(self, i: Any) -> Sym:
        if isinstance(i, bool) or not isinstance(i, int):
            raise NotSymbolic("an index that is not a number")
        return Sym(f"{self.text}[{i}]")  # row i of a stacked result (softmax(x)[k])

    def __bool__(self) -> bool:
        raise NotSymbolic("a rule branched on an operand")

    def __float__(self) -> float:
        raise NotSymbolic("a rule read a number")

    def __lt__(self, o: Any) -> bool:
        raise NotSymbolic("comparison")

    __le__ = __gt__ = __ge__ = __lt__

    def __iter__(self) -> Any:
        raise NotSymbolic("iteration")

    def __len__(self) -> int:
        raise NotSymbolic("len")


class _SymMath:
    """The numpy backend's names, printing calls instead of making them: ``m.tanh(Z1)``."""

    def __getattr__(self, name: str) -> Callable[..., Sym]:
        fn = getattr(NM, name, None)
        if name.startswith("_") or not callable(fn):
            raise NotSymbolic(name)

        def call(*args: Any) -> Sym:
            text = f"m.{name}({', '.join(render(a) for a in args)})"
            if name == "where" and len(args) == 3 and _is(args[1], 1.0) and _is(args[2], 0.0):
                # 1 where c else 0: times a float array, c itself gives the same bits
                return Sym(text, mask=render(args[0]))
            return Sym(text)
        return call


def _is(x: Any, value: float) -> bool:
    return isinstance(x, float) and x == value and math.copysign(1.0, x) == 1.0


SM = _SymMath()


class SymSeq:
    """The n inputs of an n-ary group as consecutive blocks of code (``W`` then ``X``), for an
    n-ary rule to slice: ``a[:n // 2]`` on block boundaries is the block itself, inside a
    block a slice of it; across blocks a shorter SymSeq. Printed, the blocks are stacked."""

    def __init__(self, parts: list[tuple[int, int, Sym]]) -> None:
        self.parts = parts
        self.n = parts[-1][1]

    def __len__(self) -> int:
        return self.n

    @property
    def text(self) -> str:
        if len(self.parts) == 1:
            return self.parts[0][2].text
        return f"_cat(({', '.join(p[2].text for p in self.parts)},))"

    def __getitem__(self, i: Any) -> Sym | SymSeq:
        if not isinstance(i, slice) or i.step not in (None, 1):
            raise NotSymbolic("an n-ary rule indexed one input")
        a, e, _ = i.indices(self.n)
        pieces: list[tuple[int, int, Sym]] = []
        for pa, pe, sym in self.parts:
            lo, hi = max(a, pa), min(e, pe)
            if lo >= hi:
                continue
            part = sym if (lo, hi) == (pa, pe) else Sym(f"{sym.text}[{lo - pa}:{hi - pa}]")
            pieces.append((lo - a, hi - a, part))
        if not pieces:
            raise NotSymbolic("an empty slice")
        return pieces[0][2] if len(pieces) == 1 else SymSeq(pieces)

    def __iter__(self) -> Any:
        raise NotSymbolic("iteration over the inputs")


# ================================================================================================
# Runtime helpers the generated code calls (besides numpy and the numpy backend m)
# ================================================================================================

def _cat(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Blocks of an n-ary op's inputs (leading axis: the inputs), broadcast to one shape and
    stacked: (n, members, examples)."""
    tail = np.broadcast_shapes(*[np.shape(p)[1:] for p in parts])
    return np.concatenate([np.broadcast_to(p, np.shape(p)[:1] + tail) for p in parts])


class _Probe:
    """A stand-in for one input, to see whether an n-ary rule's local gradients are numbers
    or the inputs themselves."""

    def __init__(self, index: int = -1) -> None:
        self.index = index


class _NoMath:
    def __getattr__(self, name: str) -> Any:
        raise NotSymbolic(name)


def _input_locals(rule: Rule, n: int, k: Any) -> list[int] | None:
    """When each local gradient of an n-ary rule is one of its inputs (dot: d/dw_i = x_i,
    d/dx_i = w_i), the index of that input for each; else None. Read off the table by calling
    ``rule.local`` on probes."""
    probes = tuple(_Probe(i) for i in range(n))
    try:
        res = tuple(rule.local(_NoMath(), probes, _Probe(), k))
    except Exception:
        return None
    if len(res) != n or not all(isinstance(r, _Probe) and 0 <= r.index < n for r in res):
        return None
    return [r.index for r in res]


def _constant_locals(rule: Rule, n: int, k: Any) -> list[float] | None:
    """The local gradients of an n-ary rule when they are plain numbers whatever the inputs
    (the sum rule's ones), read off the table by calling ``rule.local`` on probes; else None."""
    try:
        res = tuple(rule.local(_NoMath(), tuple(_Probe() for _ in range(n)), _Probe(), k))
    except Exception:
        return None
    if len(res) != n or not all(isinstance(r, (int, float)) and not isinstance(r, bool)
                                for r in res):
        return None
    return [float(r) for r in res]


def _local(locs: Any, ndim: int) -> np.ndarray:
    """An n-ary rule's local gradients (a tuple, one per input: arrays or numbers) stacked on a
    leading axis, with ``ndim`` dimensions so that ``L * upstream`` broadcasts."""
    L = np.stack(np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in locs]))
    while L.ndim < ndim:
        L = L[..., None]
    return L


# ================================================================================================
# Operands: where a group's inputs come from, and where their gradients go
# ================================================================================================

class _Operand:
    """One input slot of a group (or one block of an n-ary group's inputs): its code, and the
    rows it reads, for the scatter of gradients."""

    def __init__(self, expr: str, kind: str, collapsed: bool, refs: list[tuple[Any, ...]],
                 needs: bool) -> None:
        self.expr = expr
        self.kind = kind  # "V" batched rows, "S" rows of s, "C" one constant
        self.collapsed = collapsed  # every member reads the same row (broadcasts)
        self.refs = refs
        self.needs = needs


def _runs(refs: list[tuple[Any, ...]]) -> list[tuple[str, list[int], int, int]]:
    """Batched refs split into maximal runs from the same array: (name, rows, first, end)."""
    out: list[tuple[str, list[int], int, int]] = []
    for i, (_, name, row) in enumerate(refs):
        if out and out[-1][0] == name:
            out[-1][1].append(row)
            out[-1] = (name, out[-1][1], out[-1][2], i + 1)
        else:
            out.append((name, [row], i, i + 1))
    return out


def _contiguous(rows: list[int]) -> bool:
    return all(b == a + 1 for a, b in zip(rows, rows[1:]))


def _slice(rows: list[int]) -> str | None:
    """rows as slice syntax ("4:8", "2:50:3") when they are equally spaced and increasing."""
    if len(rows) == 1:
        return f"{rows[0]}:{rows[0] + 1}"
    step = rows[1] - rows[0]
    if step < 1 or any(b - a != step for a, b in zip(rows, rows[1:])):
        return None
    return f"{rows[0]}:{rows[-1] + 1}" + (f":{step}" if step > 1 else "")


class Code:
    """The generated program: ``value_and_grad(theta, *inputs)`` and ``forward(theta,
    *inputs)`` as Python functions, and their source text."""

    def __init__(self, sch: Schedule, reduction: str, want_grad: bool) -> None:
        self.sch = sch
        self.reduction = reduction
        self.ns: dict[str, Any] = {"np": np, "m": NM, "_cat": _cat, "_local": _local}
        self.names: set[str] = set(_RESERVED)
        self.size: dict[str, int] = {}
        self.fwd: list[tuple[str | None, str, int, str]] = []  # (target, expr, prec, comment)
        self.bwd: list[tuple[str | None, str, int, str]] = []
        self.gstate: dict[str, str] = {}
        self.consts_by_key: dict[bytes, str] = {}
        self.n_tmp = 0
        self.layers = 0
        self.input_names: list[str] = []
        self.keep: set[str] = set()
        self.outputs: list[str] = []
        self.loss = ""
        self.want_grad = want_grad
        P = len(sch.params)
        self.P = P
        self._name_everything()
        self._emit()

    # --- names ---------------------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        base = re.sub(r"\W", "_", base) or "t"
        if base[0].isdigit():
            base = "t" + base
        name, i = base, 1
        while name in self.names or "d" + name in self.names or name in self.ns:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        self.names.add("d" + name)
        return name

    def const_array(self, arr: np.ndarray, hint: str = "_i") -> str:
        arr = np.ascontiguousarray(arr)
        key = arr.dtype.str.encode() + str(arr.shape).encode() + arr.tobytes()
        name = self.consts_by_key.get(key)
        if name is None:
            self.n_tmp += 1
            name = f"{hint}{self.n_tmp}" if hint == "_i" else self.fresh(hint)
            self.ns[name] = arr
            self.consts_by_key[key] = name
        return name

    @staticmethod
    def _stem(labels: list[str | None]) -> str | None:
        """The common name of labelled Values: "W1" for W1[0,0], W1[0,1]...; None when a
        member has no label or the labels share no identifier."""
        if not labels or any(not lab for lab in labels):
            return None
        pre = labels[0] or ""
        for lab in labels[1:]:
            lab = lab or ""
            i = 0
            while i < min(len(pre), len(lab)) and pre[i] == lab[i]:
                i += 1
            pre = pre[:i]
        if len(labels) > 1 or "[" in pre:
            pre = pre.split("[")[0].rstrip("(_,")
        if not pre.isidentifier() or pre in _RESERVED or pre.startswith(("_", "rule_", "local_")):
            return None  # not a name, or one the generated code uses for itself
        return pre

    def _name_everything(self) -> None:
        sch = self.sch
        for bi, block in enumerate(sch.inputs):
            bstem = self._stem([n.label for n in block]) or ("xyzuvw"[bi] if bi < 6 else f"in{bi}")
            name = self.fresh(bstem)
            self.names.add(name + "_in")  # the function's argument
            self.input_names.append(name)
            self.size[name] = len(block)
        self.matmul: dict[int, tuple[int, int]] = {}
        self.zgroups: set[int] = set()
        roots = {id(sch.outputs[0].group)} if len(sch.outputs) == 1 and sch.outputs[0].batched \
            else set()
        for grp in sch.groups:
            if not grp.batched:
                grp.name = f"s[{grp.start}:{grp.start + len(grp.members)}]"
                continue
            stem = self._stem([m.label for m in grp.members])
            split = self._matmul_split(grp)
            if split is not None:
                self.layers += 1
                self.matmul[id(grp)] = split
                stem = stem or f"WX{self.layers}"
                grp.layer = self.layers  # type: ignore[attr-defined]
            if stem is None:
                if id(grp) in roots:
                    stem = "losses" if self.want_grad else "out"
                else:
                    stem = self._systematic(grp)
            grp.name = self.fresh(stem)
            self.size[grp.name] = len(grp.members)
            if id(grp) in self.zgroups:
                self.keep.add(grp.name)

    def _systematic(self, grp: Group) -> str:
        """Z{L} for the add that puts a bias on layer L's product, A{L} for the activation of
        Z{L}, else the op's name and a number."""
        srcs = []
        for j in range(grp.n_inputs):
            xs = [m.inputs[j] for m in grp.members]
            if all(isinstance(x, Node) and x.batched and x.group is not None for x in xs):
                gs = {id(x.group) for x in xs}
                if len(gs) == 1:
                    g0 = xs[0].group
                    rows = [x.row for x in xs]
                    if rows == list(range(len(g0.members))):
                        srcs.append(g0)
        for g0 in srcs:
            layer = getattr(g0, "layer", 0)
            if not layer:
                continue
            if id(g0) in self.matmul and grp.rule.name in ("add", "sum"):
                self.zgroups.add(id(grp))
                grp.layer = layer  # type: ignore[attr-defined]
                return f"Z{layer}"
            if (id(g0) in self.matmul or id(g0) in self.zgroups) and grp.rule.arity == 1:
                grp.layer = layer  # type: ignore[attr-defined]
                return f"A{layer}"
        self.n_tmp += 1
        return f"{grp.rule.name}{self.n_tmp}"

    def _matmul_split(self, grp: Group) -> tuple[int, int] | None:
        """For a dot group that is one matrix product: (which half holds the shared weights,
        0 or 1); None otherwise."""
        if grp.rule.name != "dot" or not grp.batched or grp.n_inputs % 2:
            return None
        h = grp.n_inputs // 2
        m0 = grp.members[0]
        kinds = ["V" if isinstance(x, Node) and x.batched else "S" for x in m0.inputs]
        for wh in (0, 1):
            w = range(wh * h, wh * h + h)
            x = range((1 - wh) * h, (1 - wh) * h + h)
            if all(kinds[i] == "S" for i in w) and all(kinds[i] == "V" for i in x):
                if all(m.inputs[i] is m0.inputs[i] for m in grp.members for i in x):
                    return wh, h
        return None

    # --- operands ------------------------------------------------------------------------------
    def ref(self, x: Any) -> tuple[Any, ...]:
        sch = self.sch
        if not isinstance(x, Node):
            return ("C", sch.const(x), float(x))
        if not x.batched:
            return ("S", x.row, None)
        if x.op == "input":
            return ("V", self.input_names[int(x.k)], x.index)
        assert x.group is not None
        return ("V", x.group.name, x.row)

    def v_rows(self, name: str, rows: list[int]) -> str:
        size = self.size[name]
        if rows == list(range(size)):
            return name
        sl = _slice(rows)
        if sl is not None:
            return f"{name}[{sl}]"
        return f"{name}[{self.const_array(np.array(rows, dtype=np.intp))}]"

    def s_rows(self, rows: list[int], col: bool) -> str:
        tail = ", None" if col else ""
        sl = _slice(rows)
        if sl is not None:
            return f"s[{sl}{tail}]"
        return f"s[{self.const_array(np.array(rows, dtype=np.intp))}{tail}]"

    def matrix(self, table: np.ndarray, hint: str) -> str:
        """Rows of s forming a (g, h) matrix: a view of s when they are laid out row by row
        (each row consecutive, rows equally spaced: a layer's weights), else an index array."""
        g, h = table.shape
        a = int(table[0, 0])
        r = int(table[1, 0] - table[0, 0]) if g > 1 else h
        if (np.array_equal(table, a + r * np.arange(g)[:, None] + np.arange(h)[None, :])
                and r >= h and a + g * r <= self.sch.n_shared):
            view = f"s[{a}:{a + g * r}].reshape({g}, {r})"
            return view if r == h else f"{view}[:, :{h}]"
        return f"s[{self.const_array(table, hint)}]"

    def operand(self, xs: list[Any], batched_group: bool) -> _Operand:
        """One input slot of an elementwise group (xs: the slot's input for each member)."""
        refs = [self.ref(x) for x in xs]
        needs = any(isinstance(x, Node) and x.needs for x in xs)
        g = len(refs)
        if refs[0][0] == "V":
            runs = _runs(refs)
            if len(runs) == 1:
                name, rows = runs[0][0], runs[0][1]
                if g > 1 and len(set(rows)) == 1:
                    return _Operand(self.v_rows(name, rows[:1]), "V", True, refs, needs)
                return _Operand(self.v_rows(name, rows), "V", False, refs, needs)
            parts = ", ".join(self.v_rows(n, r) for n, r, _, _ in runs)
            return _Operand(self.bind(f"np.concatenate(({parts}))", "cat"), "V", False, refs,
                            needs)
        if all(r[0] == "C" for r in refs) and len({r[2] for r in refs}) == 1:
            return _Operand(literal(refs[0][2]), "C", True, refs, False)
        rows = [r[1] for r in refs]
        if len(set(rows)) == 1:
            return _Operand(f"s[{rows[0]}]", "S", True, refs, needs)
        return _Operand(self.s_rows(rows, batched_group), "S", False, refs, needs)

    def bind(self, expr: str, hint: str, comment: str = "") -> str:
        """A forward statement computing expr into a new name; returns the name."""
        name = self.fresh(hint)
        self.fwd.append((name, expr, ATOM, comment))
        return name

    # --- gradients -----------------------------------------------------------------------------
    def accumulate(self, name: str, rows: list[int], C: str, fresh: bool) -> None:
        """d{name}[rows] += C, in the cheapest correct form."""
        d = "d" + name
        state = self.gstate.get(d)
        size = self.size[name]
        if rows == list(range(size)):
            if state is None:
                self.bwd.append((d, C, ATOM, ""))
                self.gstate[d] = "owned" if fresh else "alias"
            elif state == "owned":
                self.bwd.append((None, f"{d} += {C}", ATOM, ""))
            else:
                self.bwd.append((d, f"{d} + {C}", ATOM, ""))
                self.gstate[d] = "owned"
            return
        if state is None:
            self.bwd.append((d, f"np.zeros(({size}, N))", ATOM, ""))
        elif state == "alias":
            self.bwd.append((d, f"{d}.copy()", ATOM, ""))
        self.gstate[d] = "owned"
        if len(set(rows)) < len(rows):
            ix = self.const_array(np.array(rows, dtype=np.intp))
            self.bwd.append((None, f"np.add.at({d}, {ix}, {C})", ATOM, ""))
        elif _slice(rows) is not None:
            self.bwd.append((None, f"{d}[{_slice(rows)}] += {C}", ATOM, ""))
        else:
            ix = self.const_array(np.array(rows, dtype=np.intp))
            self.bwd.append((None, f"{d}[{ix}] += {C}", ATOM, ""))

    def accumulate_s(self, rows: list[int], C: str) -> None:
        """gs[rows] += C (C: one number per row, or one number for a single row)."""
        if len(set(rows)) < len(rows):  # a row repeats: bincount sums its contributions
            ix = self.const_array(np.array(rows, dtype=np.intp))
            w = C if C.endswith((".ravel()", "[:, 0]", ".sum(axis=1)")) else \
                f"np.broadcast_to({C}, ({len(rows)},))"
            self.bwd.append((None, f"gs += np.bincount({ix}, {w}, {self.sch.n_shared})", ATOM,
                             ""))
        elif len(rows) == 1 and C.endswith(".sum()"):
            self.bwd.append((None, f"gs[{rows[0]}] += {C}", ATOM, ""))
        elif _slice(rows) is not None:
            self.bwd.append((None, f"gs[{_slice(rows)}] += {C}", ATOM, ""))
        else:
            ix = self.const_array(np.array(rows, dtype=np.intp))
            self.bwd.append((None, f"gs[{ix}] += {C}", ATOM, ""))

    def scatter(self, op: _Operand, C: str, fresh: bool, batched_group: bool) -> None:
        """Send contribution C (shaped like the group's output) to the operand's rows."""
        if not op.needs or op.kind == "C":
            return
        if op.kind == "V":
            if op.collapsed:
                Cp = C if re.fullmatch(r"[\w.]+", C) else f"({C})"
                self.accumulate(op.refs[0][1], [op.refs[0][2]],
                                f"{Cp}.sum(axis=0, keepdims=True)", True)
                return
            runs = _runs(op.refs)
            if len(runs) > 1 and not re.fullmatch(r"[\w.]+", C):
                C = self.bind_b(C)
                fresh = False
            for name, rows, a, b in runs:
                part = C if len(runs) == 1 else f"{C}[{a}:{b}]"
                self.accumulate(name, rows, part, fresh and len(runs) == 1)
            return
        rows = [r[1] for r in op.refs]
        Cp = C if re.fullmatch(r"[\w.]+(\[[^\]]*\])?", C) else f"({C})"
        if batched_group:
            C = f"{Cp}.sum()" if op.collapsed else f"{Cp}.sum(axis=1)"
        elif op.collapsed and len(op.refs) > 1:  # one shared row read by several members
            C = f"{Cp}.sum()"
        if op.expr in self.keep:  # a named operand (a layer's biases b1): name its gradient
            self.bwd.append(("d" + op.expr, C, ATOM, ""))
            C = "d" + op.expr
        self.accumulate_s(rows[:1] if op.collapsed else rows, C)

    def bind_b(self, expr: str) -> str:
        name = self.fresh("c")
        self.bwd.append((name, expr, ATOM, ""))
        return name

    # --- the program ---------------------------------------------------------------------------
    def _emit(self) -> None:
        sch = self.sch
        backs: list[Callable[[], None]] = []
        for grp in sch.groups:
            back: Callable[[], None] | None
            if id(grp) in self.matmul:
                back = self._matmul(grp, *self.matmul[id(grp)])
            elif grp.rule.name == "sum" and grp.n_inputs == 1:
                back = self._identity(grp)
            elif grp.rule.arity in (1, 2):
                back = self._elementwise(grp)
            else:
                back = self._nary(grp)
            if back is not None and self.want_grad and grp.needs:
                backs.append(back)
        self.outputs = [self._out_expr(n) for n in sch.outputs]
        if not self.want_grad:
            return
        root = sch.outputs[0]
        mean = self.reduction == "mean"
        if root.op == "input":  # the loss is an input: no parameter can change it
            name = self.input_names[int(root.k)]
            self.loss = (f"float({name}[{root.index}].sum() * (1.0 / N))" if mean
                         else f"float({name}[{root.index}].sum())")
        elif root.batched:
            assert root.group is not None
            name = root.group.name
            row = name if self.size[name] == 1 else f"{name}[{root.row}:{root.row + 1}]"
            self.loss = f"float({row}.sum() * (1.0 / N))" if mean else f"float({row}.sum())"
            d = "d" + name
            if self.size[name] == 1:
                self.bwd.append((d, "np.full((1, N), 1.0 / N)" if mean else "np.ones((1, N))",
                                 ATOM, "the seed: d loss / d losses" + (" = 1/N" if mean else "")))
            else:
                self.bwd.append((d, f"np.zeros(({self.size[name]}, N))", ATOM, ""))
                self.bwd.append((None, f"{d}[{root.row}] = " + ("1.0 / N" if mean else "1.0"),
                                 ATOM, "the seed"))
            self.gstate[d] = "owned"
        else:
            self.loss = f"float(s[{root.row}])" if mean else f"float(s[{root.row}] * N)"
            self.bwd.append((None, f"gs[{root.row}] = " + ("1.0" if mean else "float(N)"), ATOM,
                             "the seed"))
        for back in reversed(backs):
            back()

    def _out_expr(self, n: Node) -> str:
        if not n.batched:
            return f"np.full(N, s[{n.row}])"
        if n.op == "input":
            return f"{self.input_names[int(n.k)]}[{n.index}]"
        assert n.group is not None
        return f"{n.group.name}[{n.row}]"

    def _k(self, k: Any) -> str:
        try:
            return render(k)
        except NotSymbolic:
            name = self.fresh("k")
            self.ns[name] = k
            return name

    def _rule_name(self, rule: Rule) -> str:
        name = f"rule_{rule.name}"
        self.ns[name] = RULES[rule.name]
        return name

    def _comment(self, text: str) -> None:
        self.bwd.append((None, None, 0, text))  # type: ignore[arg-type]

    def _elementwise(self, grp: Group) -> Callable[[], None] | None:
        rule, k, b = grp.rule, grp.k, grp.batched
        g = len(grp.members)
        ops = [self.operand([m.inputs[j] for m in grp.members], b) for j in range(rule.arity)]
        layer = getattr(grp, "layer", 0)
        if b and layer and grp.name.startswith("Z"):
            for op in ops:
                if op.kind == "S" and (not op.collapsed or g == 1):
                    nodes = [self._node_of(r) for r in op.refs]
                    stem = self._stem([x.label if isinstance(x, Node) else None for x in nodes])
                    op.expr = self.bind(op.expr, stem or f"b{layer}",
                                        f"the biases of layer {layer}, one per neuron")
                    self.keep.add(op.expr)
        # a constant operand enters the rule as the number itself (so x * 1.0 is x)
        syms: list[Any] = [op.refs[0][2] if op.kind == "C" else
                           Sym(op.expr, 13 if op.expr.startswith("-") else ATOM) for op in ops]
        comment = f"{rule.name}: {rule.math}"
        try:
            out = rule.forward(SM, *syms, k)
            fexpr, prec = render(out), out.prec if isinstance(out, Sym) else ATOM
        except NotSymbolic:
            fexpr = f"{self._rule_name(rule)}.forward(m, {', '.join(map(render, syms))}, " \
                    f"{self._k(k)})"
            prec = ATOM
        if g > 1 and all(op.collapsed for op in ops):
            fexpr, prec = (f"np.broadcast_to({fexpr}, ({g}, N))" if b
                           else f"np.broadcast_to({fexpr}, ({g},))"), ATOM
        if b:
            self.fwd.append((grp.name, fexpr, prec, comment))
            dZ = "d" + grp.name
        else:
            self.fwd.append((None, f"{grp.name} = {fexpr}", ATOM, comment))
            dZ = "g" + grp.name
        outs = Sym(grp.name)
        todo = [j for j, op in enumerate(ops) if op.needs]
        if not todo:
            return None

        def back() -> None:
            if b and self.gstate.get(dZ) is None:
                return
            self._comment(f"{rule.name} backward: upstream x local")
            try:
                locs = tuple(rule.local(SM, *syms, outs, k))
            except NotSymbolic:
                lname = self.bind_b(f"{self._rule_name(rule)}.local(m, "
                                    f"{', '.join(map(render, syms))}, {outs.text}, "
                                    f"{self._k(k)})")
                locs = tuple(Sym(f"{lname}[{j}]") for j in range(rule.arity))
            slots = todo
            if len(todo) == 2 and ops[0].refs == ops[1].refs and ops[0].expr == ops[1].expr:
                # both inputs are the same rows (p * p): one contribution, the two locals added
                locs = (locs[0] + locs[1], None)
                slots = [0]
            for j in slots:
                L = locs[j]
                if isinstance(L, Sym) and L.mask is not None:  # a 0/1 local: the boolean mask
                    C, fresh = f"{dZ} * {L.mask}", True
                elif isinstance(L, Sym):
                    C, fresh = f"{dZ} * {render(L, 13)}", True
                elif float(L) == 1.0:
                    C, fresh = dZ, False
                elif float(L) == -1.0:
                    C, fresh = f"-{dZ}", True
                else:
                    C, fresh = f"{render(L, 13)} * {dZ}", True
                self.scatter(ops[j], C, fresh, b)
        return back

    def _identity(self, grp: Group) -> Callable[[], None] | None:
        """A sum of one input is that input (its local gradient is the rule's 1)."""
        b = grp.batched
        op = self.operand([m.inputs[0] for m in grp.members], b)
        expr = op.expr
        if len(grp.members) > 1 and op.collapsed:
            expr = f"np.broadcast_to({expr}, ({len(grp.members)}, N))" if b else \
                f"np.broadcast_to({expr}, ({len(grp.members)},))"
        if b:
            self.fwd.append((grp.name, expr, ATOM, "sum of one input"))
        else:
            self.fwd.append((None, f"{grp.name} = {expr}", ATOM, "sum of one input"))
        dZ = ("d" if b else "g") + grp.name
        if not op.needs:
            return None

        def back() -> None:
            if b and self.gstate.get(dZ) is None:
                return
            self.scatter(op, dZ, False, b)
        return back

    def _node_of(self, ref: tuple[Any, ...]) -> Node | None:
        if ref[0] == "S" and ref[1] < self.P:
            return self.sch.params[ref[1]]
        return None

    def _matmul(self, grp: Group, wh: int, h: int) -> Callable[[], None]:
        members = grp.members
        widx = range(wh * h, wh * h + h)
        xidx = range((1 - wh) * h, (1 - wh) * h + h)
        L = getattr(grp, "layer", 0)
        # the inputs X (h, N): read by every member alike
        xop = self.operand([members[0].inputs[i] for i in xidx], True)
        X = xop.expr
        # the weights W (g, h), rows of s
        wrows = np.array([[self.ref(m.inputs[i])[1] for i in widx] for m in members],
                         dtype=np.intp)
        wnodes = [m.inputs[i] for m in members for i in widx]
        wneeds = any(isinstance(x, Node) and x.needs for x in wnodes)
        stem = self._stem([x.label if isinstance(x, Node) else None for x in wnodes])
        W = self.fresh(stem or f"W{L}")
        self.keep.add(W)
        wexpr = self.matrix(wrows, f"{W}_idx")
        g = len(members)
        self.fwd.append((W, wexpr, ATOM, f"the weights of layer {L}: {g} x {h}, a row per "
                                         "neuron"))
        self.fwd.append((grp.name, f"{W} @ {X}", 12,
                         "dot: d(w.x)/dw_i = x_i, d(w.x)/dx_i = w_i"))
        grp.note = "; one matrix product W @ X"
        dZ = "d" + grp.name

        def back() -> None:
            if self.gstate.get(dZ) is None:
                return
            self._comment("dot backward: d/dW = dZ X^T, d/dX = W^T dZ")
            if wneeds:
                dW = "d" + W
                self.bwd.append((dW, f"{dZ} @ {X}.T", 12, ""))
                rows = wrows.reshape(-1).tolist()
                gW = "g" + wexpr + ("[:]" if wexpr.endswith(")") else "")
                if len(set(rows)) < len(rows):
                    self.accumulate_s(rows, f"{dW}.ravel()")
                else:
                    self.bwd.append((None, f"{gW} += {dW}", ATOM, ""))
            if xop.needs:
                self.scatter(xop, f"{W}.T @ {dZ}", True, True)
        return back

    def _nary(self, grp: Group) -> Callable[[], None]:
        rule, k, b = grp.rule, grp.k, grp.batched
        members = grp.members
        g = len(members)
        n = grp.n_inputs
        kinds = ["V" if isinstance(x, Node) and x.batched else "S" for x in members[0].inputs]
        consts = _constant_locals(rule, n, k)
        perm = None if consts is not None else _input_locals(rule, n, k)
        # where the inputs a local gradient reads stop being consecutive (dot's two halves)
        cuts = set() if perm is None else {i for i in range(1, n) if perm[i] != perm[i - 1] + 1}
        # blocks of inputs: (first, end, kind, collapsed, expr, refs table)
        blocks: list[tuple[int, int, str, bool, str, list[list[tuple[Any, ...]]]]] = []
        j = 0
        while j < n:
            refs_j = [self.ref(m.inputs[j]) for m in members]
            e = j + 1
            if kinds[j] == "S":
                while e < n and kinds[e] == "S" and e not in cuts:
                    e += 1
            else:
                names = {r[1] for r in refs_j}
                if len(names) == 1:
                    while e < n and kinds[e] == "V" and e not in cuts and {
                            self.ref(m.inputs[e])[1] for m in members} == names:
                        e += 1
            table = [[self.ref(m.inputs[i]) for m in members] for i in range(j, e)]
            collapsed = g == 1 or all(len({r[1:] for r in row}) == 1 for row in table)
            blocks.append((j, e, kinds[j], collapsed, self._block_expr(table, kinds[j],
                                                                        collapsed, b), table))
            j = e
        seq = SymSeq([(a, e, Sym(expr)) for a, e, _, _, expr, _ in blocks])
        rname = self._rule_name(rule)
        kx = self._k(k)
        stacked: list[str] = []

        def XS() -> str:
            """The inputs stacked into one array (bound to a name the first time)."""
            if not stacked:
                stacked.append(self.bind(seq.text, f"in_{grp.name if b else rule.name}",
                                         f"the {n} inputs of each {rule.name}, stacked"))
            return stacked[0]

        generic = consts is None and perm is None  # the backward needs the stacked inputs
        try:
            out = rule.forward(SM, SymSeq([(0, n, Sym(XS()))]) if generic else seq, k)
            if not isinstance(out, Sym):
                raise NotSymbolic("not an expression")
            fexpr, prec = render(out), out.prec
        except Exception:  # a rule that computes in Python: call it on the stacked inputs
            fexpr, prec = f"{rname}.forward(m, {XS()}, {kx})", ATOM
        if g > 1 and all(blk[3] for blk in blocks):
            fexpr, prec = (f"np.broadcast_to({fexpr}, ({g}, N))" if b else
                           f"np.broadcast_to({fexpr}, ({g},))"), ATOM
        comment = f"{rule.name}: {rule.math}"
        if b:
            self.fwd.append((grp.name, fexpr, prec, comment))
            dZ = "d" + grp.name
        else:
            self.fwd.append((None, f"{grp.name} = {fexpr}", ATOM, comment))
            dZ = "g" + grp.name

        def back() -> None:
            if b and self.gstate.get(dZ) is None:
                return
            self._comment(f"{rule.name} backward: upstream x local")
            if consts is not None and all(c == 1.0 for c in consts) and g == 1 and all(
                    blk[2] == "S" for blk in blocks):
                self.accumulate_s([row[0][1] for blk in blocks for row in blk[5]], dZ)
                return
            Cn = ""
            if consts is not None and all(c == 1.0 for c in consts):
                Cn = self.bind_b(f"np.broadcast_to({dZ}, ({n},) + {dZ}.shape)")
            elif consts is not None:
                cname = self.const_array(np.array(consts).reshape((n, 1, 1) if b else (n, 1)),
                                         "local_" + rule.name)
                Cn = self.bind_b(f"{cname} * {dZ}")
            elif perm is None:
                Cn = self.bind_b(f"_local({rname}.local(m, {XS()}, {grp.name}, {kx}), "
                                 f"{3 if b else 2}) * {dZ}")

            def part_of(a: int, e: int) -> str:
                if Cn:
                    return f"{Cn}[{a}:{e}]"
                assert perm is not None  # each local is an input: d dot/dw_i = x_i
                L = seq[perm[a]:perm[a] + (e - a)]
                return self.bind_b(f"{render(L, 13)} * {dZ}")

            for a, e, kind, collapsed, _, table in blocks:
                needs = any(isinstance(m.inputs[i], Node) and m.inputs[i].needs
                            for m in members for i in range(a, e))
                if not needs:
                    continue
                part = part_of(a, e)
                if kind == "V":
                    if collapsed:
                        C = f"{part}.sum(axis=1)" if g > 1 else f"{part}[:, 0]"
                        op = _Operand("", "V", False, [row[0] for row in table], True)
                        self.scatter(op, C, g > 1, True)  # a sum is a new array, a slice not
                    else:
                        op = _Operand("", "V", False, [r for row in table for r in row], True)
                        self.scatter(op, f"{part}.reshape({(e - a) * g}, -1)", False, True)
                else:
                    if b:
                        part = f"{part}.sum(axis=2)"
                    if collapsed:
                        C = f"{part}.sum(axis=1)" if g > 1 else f"{part}[:, 0]"
                        self.accumulate_s([row[0][1] for row in table], C)
                    else:
                        self.accumulate_s([r[1] for row in table for r in row], f"{part}.ravel()")
        return back

    def _block_expr(self, table: list[list[tuple[Any, ...]]], kind: str, collapsed: bool,
                    batched: bool) -> str:
        """Code for a block of an n-ary group's inputs: shape (inputs, members|1, examples|1)
        in a batched group, (inputs, members|1) in a shared one."""
        if kind == "S":
            if collapsed:
                rows = [row[0][1] for row in table]
                return self.s_rows(rows, False) + ("[:, None, None]" if batched else "[:, None]")
            ix = self.const_array(np.array([[r[1] for r in row] for row in table], dtype=np.intp))
            return f"s[{ix}][..., None]" if batched else f"s[{ix}]"
        names = {r[1] for row in table for r in row}
        if collapsed and len(names) == 1:
            name = table[0][0][1]
            return self.v_rows(name, [row[0][2] for row in table]) + "[:, None]"
        if len(names) == 1:
            name = table[0][0][1]
            ix = self.const_array(np.array([[r[2] for r in row] for row in table], dtype=np.intp))
            return f"{name}[{ix}]"
        # one input position whose members read different arrays
        runs = _runs(table[0])
        parts = ", ".join(self.v_rows(nm, r) for nm, r, _, _ in runs)
        return f"np.concatenate(({parts}))[None]"

    # --- the functions -------------------------------------------------------------------------
    def function(self, name: str, shapes: list[tuple[int, ...]]) -> str:
        """The source of ``value_and_grad(theta, inputs...) -> (loss, gradient)`` or of
        ``forward(theta, inputs...) -> outputs``."""
        sch = self.sch
        grad = name == "value_and_grad"
        P = self.P
        nc = len(sch.consts)
        extra = sch.n_shared - P - nc
        args = ", ".join(["theta"] + [f"{n}_in" for n in self.input_names])
        pre: list[tuple[str | None, str | None, int, str]] = []
        if self.input_names:
            pre.append(("N", f"{self.input_names[0]}_in.shape[0]", ATOM,
                        "the number of examples (a column each)"))
        if nc or extra:
            self.ns["consts"] = np.array(sch.consts, dtype=float)
            tail = f", np.empty({extra})" if extra else ""
            pre.append(("s", f"np.concatenate((theta, consts{tail}))", ATOM,
                        f"shared numbers: {P} parameters, {nc} constant{'s' * (nc != 1)}"
                        + (f", {extra} results of them" if extra else "")))
        else:
            pre.append(("s", "theta", ATOM, f"shared numbers: the {P} parameters"))
        for bi, shape in enumerate(shapes):
            nm = self.input_names[bi]
            if not shape:
                expr = f"{nm}_in[None, :]"
            elif len(shape) == 1:
                expr = f"{nm}_in.T"
            else:
                expr = f"{nm}_in.reshape(N, -1).T"
            rows = self.size[nm]
            pre.append((nm, expr, ATOM, f"input {nm}: {rows} row{'s' * (rows != 1)}, a column "
                                        "per example"))
        body = pre + list(self.fwd)
        n_fwd = len(body)
        if grad:
            body.append(("loss", self.loss, ATOM, "the " + self.reduction + " over the examples"))
            body.append((None, None, 0, "backward: the same steps in reverse, upstream x local"))
            body.append(("gs", f"np.zeros({sch.n_shared})", ATOM, "gradients of s"))
            body.extend(self.bwd)
            body.append((None, f"return loss, gs[:{P}]", ATOM, ""))
        else:
            outs = self.outputs
            ret = outs[0] if len(outs) == 1 else "(" + ", ".join(outs) + ",)"
            body.append((None, f"return {ret}", ATOM, ""))
        keep = self.keep | set(self.input_names) | {"N", "s", "loss", "gs"}
        lines = [f"def {name}({args}):"]
        for target, rhs, _, comment in _inline(body, n_fwd, keep):
            if rhs is None:  # a comment line
                lines.append(f"    # {comment}")
                continue
            code = f"    {rhs}" if target is None else f"    {target} = {rhs}"
            if comment:
                code = code.ljust(max(len(code) + 2, 44)) + f"# {comment}"
            lines.append(code)
        return "\n".join(lines) + "\n"


_TOKEN = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _text(st: tuple[str | None, str | None, int, str]) -> str:
    return st[1] or ""


def _safe(prec: int, text: str, pos: int, length: int) -> bool:
    """Can an expression of precedence ``prec`` replace text[pos:pos+length] without
    parentheses and with the same order of evaluation?"""
    left = text[:pos].rstrip()
    right = text[pos + length:].lstrip()
    if not left or left[-1] in "([,=":
        lp = 0
    elif left.endswith("**"):
        lp = 14
    elif left[-1] in "*/@":
        lp = 12
    elif left[-1] == "+":
        lp = 11
    elif left[-1] == "-":
        before = left[:-1].rstrip()
        lp = 13 if not before or before[-1] in "([,=*/@+-" else 11
    else:
        lp = 99
    if right.startswith("**"):
        rp = 15
    elif right[:1] in ("*", "/", "@"):
        rp = 12
    elif right[:1] in ("+", "-"):
        rp = 11
    elif not right or right[0] in ")],":
        rp = 0
    else:
        rp = ATOM
    return prec > lp and prec >= rp


def _last_changes(stmts: list[Any]) -> dict[str, int]:
    """For each name, the index of the last statement that assigns it or updates it in place
    (``d += c``, ``d[rows] += c``, ``np.add.at(d, ...)``)."""
    last: dict[str, int] = {}
    for j, st in enumerate(stmts):
        if st is None:
            continue
        if st[0] is not None:
            last[st[0]] = j
        elif st[1] is not None:
            mt = re.match(r"(?:np\.add\.at\()?([A-Za-z_]\w*)(?: \+=|\[|,)", st[1])
            if mt:
                last[mt.group(1)] = j
    return last


def _inline(body: list[tuple[str | None, str | None, int, str]], n_fwd: int,
            keep: set[str]) -> list[tuple[str | None, str | None, int, str]]:
    """Write each forward temporary used exactly once into its use (when the precedence allows),
    drop forward temporaries nobody reads, and replace names that only rename another. An index
    of where each name occurs keeps this linear in the length of the program."""
    stmts: list[Any] = [list(st) for st in body]
    defs: dict[str, int] = {}
    occ: dict[str, list[int]] = {}
    for j, st in enumerate(stmts):
        if st[0] is not None:
            defs[st[0]] = defs.get(st[0], 0) + 1
        for nm in set(_TOKEN.findall(st[1] or "")):
            occ.setdefault(nm, []).append(j)

    def uses(name: str, after: int) -> list[tuple[int, re.Match[str]]]:
        found: list[tuple[int, re.Match[str]]] = []
        for j in sorted({j for j in occ.get(name, ()) if j > after and stmts[j] is not None}):
            found.extend((j, mt) for mt in _TOKEN.finditer(stmts[j][1] or "")
                         if mt.group() == name)
        return found

    def moved(text: str, j: int) -> None:
        for nm in set(_TOKEN.findall(text)):
            occ.setdefault(nm, []).append(j)

    for i in range(n_fwd):
        st = stmts[i]
        if st is None or st[0] is None or st[0] in keep or defs.get(st[0]) != 1:
            continue
        found = uses(st[0], i)
        if not found:
            stmts[i] = None
            continue
        if len(found) != 1 or found[0][0] >= n_fwd:
            continue
        j, mt = found[0]
        cons = stmts[j]
        if not _safe(st[2], cons[1], mt.start(), mt.end() - mt.start()):
            continue
        cons[1] = cons[1][:mt.start()] + st[1] + cons[1][mt.end():]
        moved(st[1], j)
        if st[3]:
            cons[3] = (f"{st[3].split(':')[0]} + {cons[3].split(':')[0]}" if cons[3]
                       else st[3])
        stmts[i] = None
    # a name that only renames another (dWX1 = dZ1) is replaced by the other
    last = _last_changes(stmts)
    for i, st in enumerate(stmts):
        if st is None or st[0] is None or st[0] in keep or defs.get(st[0]) != 1:
            continue
        if not re.fullmatch(r"[A-Za-z_]\w*", st[1] or "") or last.get(st[1], -1) > i:
            continue
        old, new = st[0], st[1]
        for j in sorted({j for j in occ.get(old, ()) if j > i and stmts[j] is not None}):
            cons = stmts[j]
            if cons[1]:
                cons[1] = _TOKEN.sub(lambda mt: new if mt.group() == old else mt.group(),
                                     cons[1])
                occ.setdefault(new, []).append(j)
        stmts[i] = None
    # comment lines announcing a step that left no code
    out = [st for st in stmts if st is not None]
    out = [st for i, st in enumerate(out) if st[1] is not None or (
        i + 1 < len(out) and out[i + 1][1] is not None)]
    return [tuple(st) for st in out]

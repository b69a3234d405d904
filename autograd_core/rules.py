"""The op table: every operation's forward and local derivatives, written once.

Backprop is *upstream gradient x local gradient* (lecture 000). A :class:`Rule` holds the two
halves of an op: ``forward`` computes the output from the inputs, ``local`` returns the tuple of
local derivatives d(out)/d(input_i), one per input, in argument order. Everything else reads
this table: :class:`~autograd_core.value.Value` (eager floats), higher-order gradients
(the same rules evaluated on Values), the compiled batch executor (on numpy arrays) and viz
(the symbol and the local gradient on each edge).

Each rule receives ``m``, a backend namespace with the same function names on every backend
(:mod:`~autograd_core.scalar_math` for floats, :mod:`~autograd_core.value_math` for Values, a
numpy one for arrays), so ``1 - out * out`` serves floats, Values and arrays alike. Signatures:

* unary (arity 1):   ``forward(m, x, k)``,    ``local(m, x, out, k)   -> (dx,)``
* binary (arity 2):  ``forward(m, a, b, k)``, ``local(m, a, b, out, k) -> (da, db)``
* n-ary (arity 0):   ``forward(m, xs, k)``,   ``local(m, xs, out, k)  -> (dx_1, ..., dx_n)``

``k`` is the op's constant parameter (an exponent, a slope), or None. The formulas follow
PyTorch's derivatives (``tools/autograd/derivatives.yaml``) so gradients match it in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Rule:
    """One row of the op table: ``name`` (stored on each node as ``Value._op``), ``symbol``
    (what viz prints in the op node), ``arity`` (1, 2, or 0 for n-ary), ``forward``, ``local``,
    and ``math`` (the derivative in words, for viz and docs)."""

    __slots__ = ("name", "symbol", "arity", "forward", "local", "math")

    def __init__(self, name: str, symbol: str, arity: int, forward: Callable[..., Any],
                 local: Callable[..., Any], math: str) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.local = local
        self.math = math

    def __repr__(self) -> str:
        return f"Rule({self.name!r}, {self.symbol!r}, arity={self.arity}: {self.math})"


RULES: dict[str, Rule] = {}


def defrule(name: str, symbol: str, arity: int, forward: Callable[..., Any],
            local: Callable[..., Any], math: str) -> Rule:
    """Register one op; returns its Rule."""
    if name in RULES:
        raise ValueError(f"op {name!r} is already defined in the op table")
    rule = Rule(name, symbol, arity, forward, local, math)
    RULES[name] = rule
    return rule


_ONES: dict[int, tuple[float, ...]] = {}


def ones(n: int) -> tuple[float, ...]:
    """A shared tuple of n ones (the local gradients of an n-ary sum): one copy per length."""
    t = _ONES.get(n)
    if t is None:
        t = _ONES[n] = (1.0,) * n
    return t


# --- arithmetic ---------------------------------------------------------------------------------
ADD = defrule("add", "+", 2, lambda m, a, b, k: a + b,
              lambda m, a, b, out, k: (1.0, 1.0), "d(a+b)/da = 1, d(a+b)/db = 1")
SUB = defrule("sub", "-", 2, lambda m, a, b, k: a - b,
              lambda m, a, b, out, k: (1.0, -1.0), "d(a-b)/da = 1, d(a-b)/db = -1")
MUL = defrule("mul", "*", 2, lambda m, a, b, k: a * b,
              lambda m, a, b, out, k: (b, a), "d(ab)/da = b, d(ab)/db = a")
DIV = defrule("div", "/", 2, lambda m, a, b, k: m.div(a, b),
              lambda m, a, b, out, k: (m.div(1.0, b), -m.div(out, b)),
              "d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b")
NEG = defrule("neg", "-", 1, lambda m, x, k: -x,
              lambda m, x, out, k: (-1.0,), "d(-x)/dx = -1")
ABS = defrule("abs", "abs", 1, lambda m, x, k: abs(x),
              lambda m, x, out, k: (m.sign(x),), "d|x|/dx = sign(x), 0 at 0")
# x ** k for a constant k; d/dx = k x^(k-1), and exactly 0 when k = 0 (PyTorch masks it)
POWC = defrule("powc", "**", 1, lambda m, x, k: m.power(x, k),
               lambda m, x, out, k: (0.0,) if k == 0 else (k * m.power(x, k - 1.0),),
               "d(x^k)/dx = k x^(k-1)")
# a ** b for a Value exponent; d/db = a^b log(a), masked to 0 where a = 0 and b >= 0
POW = defrule("pow", "**", 2, lambda m, a, b, k: m.power(a, b),
              lambda m, a, b, out, k: (
                  m.where(m.is_zero(b), 0.0, b * m.power(a, b - 1.0)),
                  m.where(m.both(m.is_zero(a), m.ge(b, 0.0)), 0.0, out * m.log(a))),
              "d(a^b)/da = b a^(b-1), d(a^b)/db = a^b log(a)")

# --- exponentials and logarithms ----------------------------------------------------------------
EXP = defrule("exp", "exp", 1, lambda m, x, k: m.exp(x),
              lambda m, x, out, k: (out,), "d(e^x)/dx = e^x = out")
LOG = defrule("log", "log", 1, lambda m, x, k: m.log(x),
              lambda m, x, out, k: (m.div(1.0, x),), "d(log x)/dx = 1/x")
SQRT = defrule("sqrt", "sqrt", 1, lambda m, x, k: m.sqrt(x),
               lambda m, x, out, k: (m.div(0.5, out),), "d(sqrt x)/dx = 1/(2 sqrt x)")

# --- activations --------------------------------------------------------------------------------
TANH = defrule("tanh", "tanh", 1, lambda m, x, k: m.tanh(x),
               lambda m, x, out, k: (1.0 - out * out,), "d(tanh x)/dx = 1 - tanh(x)^2")
SIGMOID = defrule("sigmoid", "sigmoid", 1, lambda m, x, k: m.sigmoid(x),
                  lambda m, x, out, k: (out * (1.0 - out),), "d(s(x))/dx = s(x)(1 - s(x))")
RELU = defrule("relu", "ReLU", 1, lambda m, x, k: m.relu(x),
               lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, 0.0),),
               "d(relu x)/dx = 1 if x > 0 else 0")
LEAKY_RELU = defrule("leaky_relu", "LeakyReLU", 1,
                     lambda m, x, k: m.where(m.gt(x, 0.0), x, k * x),
                     lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, k),),
                     "d/dx = 1 if x > 0 else slope")
ELU = defrule("elu", "ELU", 1,
              lambda m, x, k: m.where(m.gt(x, 0.0), x, k * m.expm1(x)),
              lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, k * m.exp(x)),),
              "d/dx = 1 if x > 0 else alpha e^x")
# PyTorch's softplus (beta=1, threshold=20) is x itself above 20, so its gradient is exactly 1
SOFTPLUS = defrule("softplus", "softplus", 1, lambda m, x, k: m.softplus(x),
                   lambda m, x, out, k: (m.where(m.gt(x, 20.0), 1.0, m.sigmoid(x)),),
                   "d(log(1+e^x))/dx = sigmoid(x)")
# clamp(x, lo, hi) with k = (lo, hi), either may be None; gradient passes where lo <= x <= hi
CLAMP = defrule("clamp", "clamp", 1, lambda m, x, k: m.clamp(x, k[0], k[1]),
                lambda m, x, out, k: (m.where(m.inside(x, k[0], k[1]), 1.0, 0.0),),
                "d/dx = 1 inside [lo, hi], 0 outside")

# --- n-ary: one node however many inputs --------------------------------------------------------
SUM = defrule("sum", "sum", 0, lambda m, xs, k: m.fsum(xs),
              lambda m, xs, out, k: ones(len(xs)), "d(sum x)/dx_i = 1")
# dot(w, x): the inputs are w_1..w_n followed by x_1..x_n; d/dw_i = x_i, d/dx_i = w_i
DOT = defrule("dot", "dot", 0, lambda m, a, k: m.dot(a[: len(a) // 2], a[len(a) // 2:]),
              lambda m, a, out, k: tuple(a[len(a) // 2:]) + tuple(a[: len(a) // 2]),
              "d(w.x)/dw_i = x_i, d(w.x)/dx_i = w_i")
# softmax and log_softmax: output k of the vector is one node whose inputs are all of x;
# both use the max-shifted form exp(x_k - max) / sum_j exp(x_j - max), as PyTorch does
SOFTMAX = defrule("softmax", "softmax", 0, lambda m, xs, k: m.softmax(xs)[k],
                  lambda m, xs, out, k: tuple([out * ((1.0 if j == k else 0.0) - s)
                                               for j, s in enumerate(m.softmax(xs))]),
                  "d softmax(x)_k / dx_j = s_k (delta_kj - s_j)")
LOG_SOFTMAX = defrule("log_softmax", "log_softmax", 0, lambda m, xs, k: m.log_softmax(xs)[k],
                      lambda m, xs, out, k: tuple([(1.0 if j == k else 0.0) - s
                                                   for j, s in enumerate(m.softmax(xs))]),
                      "d log_softmax(x)_k / dx_j = delta_kj - softmax(x)_j")
LOGSUMEXP = defrule("logsumexp", "logsumexp", 0, lambda m, xs, k: m.logsumexp(xs),
                    lambda m, xs, out, k: tuple([m.exp(x - out) for x in xs]),
                    "d(log sum e^x)/dx_i = e^(x_i - out) = softmax(x)_i")

"""The op table: every operation's forward and local derivatives, written once.

Backprop is *upstream gradient x local gradient* (lecture 000). A :class:`Rule` holds the two
halves of an op: ``forward`` computes the output from the inputs, ``local`` returns the tuple of
local derivatives d(out)/d(input_i), one per input, in argument order. Everything else reads
this table: :class:`~autograd_core.value.Value` (eager floats; its methods and operators are
made from the rows by :mod:`~autograd_core.op_methods`), higher-order gradients (the same rules
evaluated on Values), the compiler (on numpy arrays), viz (the symbol and the local gradient on
each edge), the command line's function names and the activations of ``nn`` and ``viz``. It
is the only list of ops: adding an op is adding its row.

Each rule receives ``m``, a backend namespace with the same function names on every backend
(:mod:`~autograd_core.scalar_math` for floats, :mod:`~autograd_core.value_math` for Values,
:mod:`~autograd_core.numpy_math` for arrays), so ``1 - out * out`` serves floats, Values and
arrays alike. Each backend holds only what the rules call. Signatures:

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
    """One row of the op table.

    ``name`` (the engine's name for the op, :attr:`Value.op`), ``symbol`` (what a drawing prints
    in the op node, and micrograd's ``_op``), ``arity`` (1, 2, or 0 for n-ary), ``forward``,
    ``local``, ``math`` (the derivative in words, for viz and docs), and how the op is reached
    from a Value, all derived from this row by :mod:`autograd_core.op_methods`:

    * ``method``: the Value method (``x.sin()``), or None; ``operator``: the Python operator's
      stem (``"add"`` for ``x + y`` and ``2 + x``), or None;
    * ``params``: the method's constant parameters as ``(name, default)`` pairs (the slope of
      ``x.leaky_relu(slope=0.01)``); a default of None makes the parameter optional;
    * ``doc``: the method's docstring (``math`` is appended);
    * ``activation``: listed by name for neurons (``nn``), plots and viz's neuron view.
    """

    __slots__ = ("name", "symbol", "arity", "forward", "local", "math", "method", "operator",
                 "params", "doc", "activation")

    def __init__(self, name: str, symbol: str, arity: int, forward: Callable[..., Any],
                 local: Callable[..., Any], math: str, *, method: str | None = None,
                 operator: str | None = None, params: tuple[tuple[str, Any], ...] = (),
                 doc: str = "", activation: bool = False) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.local = local
        self.math = math
        self.method = method
        self.operator = operator
        self.params = params
        self.doc = doc
        self.activation = activation

    def __repr__(self) -> str:
        return f"Rule({self.name!r}, {self.symbol!r}, arity={self.arity}: {self.math})"


RULES: dict[str, Rule] = {}

_DEFAULT = "<the op's name>"


def defrule(name: str, symbol: str, arity: int, forward: Callable[..., Any],
            local: Callable[..., Any], math: str, *, method: str | None = _DEFAULT,
            operator: str | None = None, params: tuple[tuple[str, Any], ...] = (),
            doc: str = "", activation: bool = False) -> Rule:
    """Register one op; returns its Rule. A unary or binary op is a Value method of its own name
    unless ``method`` says otherwise (None: reached by ``operator`` or a function only)."""
    if name in RULES:
        raise ValueError(f"op {name!r} is already defined in the op table")
    if method == _DEFAULT:
        method = name if arity in (1, 2) and operator is None else None
    rule = Rule(name, symbol, arity, forward, local, math, method=method, operator=operator,
                params=params, doc=doc, activation=activation)
    RULES[name] = rule
    return rule


def activations() -> list[Rule]:
    """The rules of the activations, in table order (tanh, sigmoid, relu, ...)."""
    return [r for r in RULES.values() if r.activation]


_ONES: dict[int, tuple[float, ...]] = {}


def ones(n: int) -> tuple[float, ...]:
    """A shared tuple of n ones (the local gradients of an n-ary sum): one copy per length."""
    t = _ONES.get(n)
    if t is None:
        t = _ONES[n] = (1.0,) * n
    return t


# --- arithmetic ---------------------------------------------------------------------------------
ADD = defrule("add", "+", 2, lambda m, a, b, k: a + b,
              lambda m, a, b, out, k: (1.0, 1.0), "d(a+b)/da = 1, d(a+b)/db = 1",
              operator="add", doc="self + other")
SUB = defrule("sub", "-", 2, lambda m, a, b, k: a - b,
              lambda m, a, b, out, k: (1.0, -1.0), "d(a-b)/da = 1, d(a-b)/db = -1",
              operator="sub", doc="self - other")
MUL = defrule("mul", "*", 2, lambda m, a, b, k: a * b,
              lambda m, a, b, out, k: (b, a), "d(ab)/da = b, d(ab)/db = a",
              operator="mul", doc="self * other")
DIV = defrule("div", "/", 2, lambda m, a, b, k: m.div(a, b),
              lambda m, a, b, out, k: (m.div(1.0, b), -m.div(out, b)),
              "d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b",
              operator="truediv", doc="self / other (IEEE: 1/0 = inf, 0/0 = nan).")
NEG = defrule("neg", "-", 1, lambda m, x, k: -x,
              lambda m, x, out, k: (-1.0,), "d(-x)/dx = -1",
              operator="neg", doc="-self")
ABS = defrule("abs", "abs", 1, lambda m, x, k: abs(x),
              lambda m, x, out, k: (m.sign(x),), "d|x|/dx = sign(x), 0 at 0",
              operator="abs", doc="|self|")
# x ** k for a constant k; d/dx = k x^(k-1), and exactly 0 when k = 0 (PyTorch masks it)
POWC = defrule("powc", "**", 1, lambda m, x, k: m.power(x, k),
               lambda m, x, out, k: (0.0,) if k == 0 else (k * m.power(x, k - 1.0),),
               "d(x^k)/dx = k x^(k-1)",
               method=None, doc="self ** k for a constant k")
# a ** b for a Value exponent; d/db = a^b log(a), masked to 0 where a = 0 and b >= 0
POW = defrule("pow", "**", 2, lambda m, a, b, k: m.power(a, b),
              lambda m, a, b, out, k: (
                  m.where(m.is_zero(b), 0.0, b * m.power(a, b - 1.0)),
                  m.where(m.both(m.is_zero(a), m.ge(b, 0.0)), 0.0, out * m.log(a))),
              "d(a^b)/da = b a^(b-1), d(a^b)/db = a^b log(a)",
              method=None, doc="self ** other, both differentiable")

# --- exponentials and logarithms ----------------------------------------------------------------
EXP = defrule("exp", "exp", 1, lambda m, x, k: m.exp(x),
              lambda m, x, out, k: (out,), "d(e^x)/dx = e^x = out",
              doc="e^x (overflows to inf).")
LOG = defrule("log", "log", 1, lambda m, x, k: m.log(x),
              lambda m, x, out, k: (m.div(1.0, x),), "d(log x)/dx = 1/x",
              doc="Natural logarithm (log 0 = -inf, log of a negative = nan).")
SQRT = defrule("sqrt", "sqrt", 1, lambda m, x, k: m.sqrt(x),
               lambda m, x, out, k: (m.div(0.5, out),), "d(sqrt x)/dx = 1/(2 sqrt x)",
               doc="Square root (sqrt of a negative = nan).")

# --- activations --------------------------------------------------------------------------------
SIGMOID = defrule("sigmoid", "sigmoid", 1, lambda m, x, k: m.sigmoid(x),
                  lambda m, x, out, k: (out * (1.0 - out),), "d(s(x))/dx = s(x)(1 - s(x))",
                  doc="Logistic function 1/(1 + e^-x), stable for large |x|.", activation=True)
TANH = defrule("tanh", "tanh", 1, lambda m, x, k: m.tanh(x),
               lambda m, x, out, k: (1.0 - out * out,), "d(tanh x)/dx = 1 - tanh(x)^2",
               doc="Hyperbolic tangent.", activation=True)
RELU = defrule("relu", "ReLU", 1, lambda m, x, k: m.relu(x),
               lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, 0.0),),
               "d(relu x)/dx = 1 if x > 0 else 0",
               doc="max(x, 0); its derivative at 0 is 0, as in PyTorch.", activation=True)
LEAKY_RELU = defrule("leaky_relu", "LeakyReLU", 1,
                     lambda m, x, k: m.where(m.gt(x, 0.0), x, k * x),
                     lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, k),),
                     "d/dx = 1 if x > 0 else slope",
                     params=(("slope", 0.01),), doc="x if x > 0 else slope * x.",
                     activation=True)
ELU = defrule("elu", "ELU", 1,
              lambda m, x, k: m.where(m.gt(x, 0.0), x, k * m.expm1(x)),
              lambda m, x, out, k: (m.where(m.gt(x, 0.0), 1.0, k * m.exp(x)),),
              "d/dx = 1 if x > 0 else alpha e^x",
              params=(("alpha", 1.0),), doc="x if x > 0 else alpha (e^x - 1).", activation=True)
# PyTorch's softplus (beta=1, threshold=20) is x itself above 20, so its gradient is exactly 1
SOFTPLUS = defrule("softplus", "softplus", 1, lambda m, x, k: m.softplus(x),
                   lambda m, x, out, k: (m.where(m.gt(x, 20.0), 1.0, m.sigmoid(x)),),
                   "d(log(1+e^x))/dx = sigmoid(x)",
                   doc="log(1 + e^x), stable; equals x above 20 as in PyTorch.", activation=True)
# clamp(x, lo, hi) with k = (lo, hi), either may be None; gradient passes where lo <= x <= hi
CLAMP = defrule("clamp", "clamp", 1, lambda m, x, k: m.clamp(x, k[0], k[1]),
                lambda m, x, out, k: (m.where(m.inside(x, k[0], k[1]), 1.0, 0.0),),
                "d/dx = 1 inside [lo, hi], 0 outside",
                params=(("min", None), ("max", None)),
                doc="x limited to [min, max] (either may be None); gradient 0 where it is clipped.")

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

# --- trigonometric and hyperbolic functions (PyTorch's formulas) --------------------------------
def _atan2_locals(m: Any, y: Any, x: Any) -> tuple[Any, Any]:
    r2 = y * y + x * x
    recip = m.where(m.is_zero(r2), 0.0, m.div(1.0, r2))
    return (x * recip, -y * recip)


_LN2 = 0.6931471805599453   # log(2), as PyTorch's M_LN2
_LN10 = 2.302585092994046   # log(10)
_PI = 3.141592653589793

SIN = defrule("sin", "sin", 1, lambda m, x, k: m.sin(x),
              lambda m, x, out, k: (m.cos(x),), "d(sin x)/dx = cos x",
              doc="Sine (nan at +-inf).")
COS = defrule("cos", "cos", 1, lambda m, x, k: m.cos(x),
              lambda m, x, out, k: (-m.sin(x),), "d(cos x)/dx = -sin x",
              doc="Cosine (nan at +-inf).")
TAN = defrule("tan", "tan", 1, lambda m, x, k: m.tan(x),
              lambda m, x, out, k: (1.0 + out * out,), "d(tan x)/dx = 1 + tan(x)^2",
              doc="Tangent.")
ASIN = defrule("asin", "asin", 1, lambda m, x, k: m.asin(x),
               lambda m, x, out, k: (m.div(1.0, m.sqrt(1.0 - x * x)),),
               "d(asin x)/dx = 1/sqrt(1 - x^2)",
               doc="Inverse sine; nan outside [-1, 1], gradient inf at +-1.")
ACOS = defrule("acos", "acos", 1, lambda m, x, k: m.acos(x),
               lambda m, x, out, k: (-m.div(1.0, m.sqrt(1.0 - x * x)),),
               "d(acos x)/dx = -1/sqrt(1 - x^2)",
               doc="Inverse cosine; nan outside [-1, 1], gradient -inf at +-1.")
ATAN = defrule("atan", "atan", 1, lambda m, x, k: m.atan(x),
               lambda m, x, out, k: (m.div(1.0, 1.0 + x * x),), "d(atan x)/dx = 1/(1 + x^2)",
               doc="Inverse tangent.")
SINH = defrule("sinh", "sinh", 1, lambda m, x, k: m.sinh(x),
               lambda m, x, out, k: (m.cosh(x),), "d(sinh x)/dx = cosh x",
               doc="Hyperbolic sine (overflows to +-inf).")
COSH = defrule("cosh", "cosh", 1, lambda m, x, k: m.cosh(x),
               lambda m, x, out, k: (m.sinh(x),), "d(cosh x)/dx = sinh x",
               doc="Hyperbolic cosine (overflows to inf).")
ASINH = defrule("asinh", "asinh", 1, lambda m, x, k: m.asinh(x),
                lambda m, x, out, k: (m.div(1.0, m.sqrt(x * x + 1.0)),),
                "d(asinh x)/dx = 1/sqrt(x^2 + 1)",
                doc="Inverse hyperbolic sine.")
ACOSH = defrule("acosh", "acosh", 1, lambda m, x, k: m.acosh(x),
                lambda m, x, out, k: (m.div(1.0, m.sqrt(x * x - 1.0)),),
                "d(acosh x)/dx = 1/sqrt(x^2 - 1)",
                doc="Inverse hyperbolic cosine; nan below 1.")
ATANH = defrule("atanh", "atanh", 1, lambda m, x, k: m.atanh(x),
                lambda m, x, out, k: (m.div(1.0, 1.0 - x * x),), "d(atanh x)/dx = 1/(1 - x^2)",
                doc="Inverse hyperbolic tangent; +-inf at +-1, nan outside [-1, 1].")
# atan2(y, x), the angle of the point (x, y): d/dy = x/(x^2 + y^2), d/dx = -y/(x^2 + y^2)
# (masked to 0 where x^2 + y^2 is 0, as PyTorch does, instead of 0 * inf = nan)
ATAN2 = defrule("atan2", "atan2", 2, lambda m, y, x, k: m.atan2(y, x),
                lambda m, y, x, out, k: _atan2_locals(m, y, x),
                "d atan2(y, x)/dy = x/(x^2 + y^2), d/dx = -y/(x^2 + y^2)",
                doc="atan2(self, other): the angle of the point (x=other, y=self), in (-pi, pi].")
HYPOT = defrule("hypot", "hypot", 2, lambda m, a, b, k: m.hypot(a, b),
                lambda m, a, b, out, k: (m.div(a, out), m.div(b, out)),
                "d sqrt(a^2 + b^2)/da = a/out, d/db = b/out",
                doc="sqrt(self^2 + other^2), without overflow in the squares.")

# --- more exponentials and logarithms -----------------------------------------------------------
LOG1P = defrule("log1p", "log1p", 1, lambda m, x, k: m.log1p(x),
                lambda m, x, out, k: (m.div(1.0, x + 1.0),), "d log(1 + x)/dx = 1/(1 + x)",
                doc="log(1 + x), accurate near 0.")
EXPM1 = defrule("expm1", "expm1", 1, lambda m, x, k: m.expm1(x),
                lambda m, x, out, k: (out + 1.0,), "d(e^x - 1)/dx = e^x = out + 1",
                doc="e^x - 1, accurate near 0.")
LOG2 = defrule("log2", "log2", 1, lambda m, x, k: m.log2(x),
               lambda m, x, out, k: (m.div(1.0, x * _LN2),), "d(log2 x)/dx = 1/(x log 2)",
               doc="Base-2 logarithm.")
LOG10 = defrule("log10", "log10", 1, lambda m, x, k: m.log10(x),
                lambda m, x, out, k: (m.div(1.0, x * _LN10),), "d(log10 x)/dx = 1/(x log 10)",
                doc="Base-10 logarithm.")
EXP2 = defrule("exp2", "exp2", 1, lambda m, x, k: m.exp2(x),
               lambda m, x, out, k: (out * _LN2,), "d(2^x)/dx = 2^x log 2 = out log 2",
               doc="2^x.")
# sinc(x) = sin(pi x)/(pi x), 1 at 0. The derivative is masked to 0 where the denominator
# x^2 pi is 0, as PyTorch does: at 0, and below |x| ~ 1e-162, where x^2 underflows (0/0 = nan)
def _sinc_locals(m: Any, x: Any) -> tuple[Any]:
    d = x * x * _PI
    return (m.where(m.is_zero(d), 0.0, m.div(_PI * x * m.cos(_PI * x) - m.sin(_PI * x), d)),)


SINC = defrule("sinc", "sinc", 1, lambda m, x, k: m.sinc(x),
               lambda m, x, out, k: _sinc_locals(m, x),
               "d sinc(x)/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 where pi x^2 = 0",
               doc="The normalised sinc sin(pi x)/(pi x), 1 at 0 (torch.sinc).")

# --- piecewise constant: the derivative is 0 wherever it exists (PyTorch's convention) ----------
def _flat(name: str, forward: Callable[..., Any], doc: str, note: str = "") -> Rule:
    """A piecewise-constant op's row: its local derivative is 0."""
    return defrule(name, name, 1, forward, lambda m, x, out, k: (0.0,),
                   f"d {name}(x)/dx = 0{note}", doc=doc)


SIGN = _flat("sign", lambda m, x, k: m.sign(x),
             "-1, 0 or 1; gradient 0 (PyTorch's convention for piecewise-constant ops).")
FLOOR = _flat("floor", lambda m, x, k: m.floor(x), "Largest integer <= x, as a Value; gradient 0.")
CEIL = _flat("ceil", lambda m, x, k: m.ceil(x), "Smallest integer >= x, as a Value; gradient 0.")
ROUND = _flat("round", lambda m, x, k: m.round_half_even(x),
              "Nearest integer, ties to even (torch.round), as a Value; gradient 0.",
              " (ties to even)")
TRUNC = _flat("trunc", lambda m, x, k: m.trunc(x), "x rounded towards 0, as a Value; gradient 0.")
# a % b = a - b floor(a/b) (Python's and torch.remainder's sign convention)
REMAINDER = defrule("remainder", "%", 2, lambda m, a, b, k: m.remainder(a, b),
                    lambda m, a, b, out, k: (1.0, -m.floor_divide(a, b)),
                    "d(a % b)/da = 1, d(a % b)/db = -floor(a/b)",
                    operator="mod", method="remainder",
                    doc="self % other = self - other floor(self/other), the sign of the divisor "
                        "(Python's %, torch.remainder).")

# --- the larger / smaller of two: at a tie each side gets half the gradient (PyTorch) -----------
def _split_at_tie(m: Any, a: Any, b: Any, a_loses: Any, b_loses: Any) -> tuple[Any, Any]:
    """Local gradients 1 for the chosen input, 0 for the other, 1/2 each at a tie."""
    tie = m.eq(a, b)
    return (m.where(tie, 0.5, m.where(a_loses, 0.0, 1.0)),
            m.where(tie, 0.5, m.where(b_loses, 0.0, 1.0)))


MAXIMUM = defrule("maximum", "max", 2, lambda m, a, b, k: m.maximum2(a, b),
                  lambda m, a, b, out, k: _split_at_tie(m, a, b, m.lt(a, b), m.gt(a, b)),
                  "d max(a, b)/da = 1 if a > b, 0 if a < b, 1/2 at a tie",
                  doc="The larger of self and other (torch.maximum): the gradient goes to the "
                      "larger; at a tie each gets half; nan if either is nan.")
MINIMUM = defrule("minimum", "min", 2, lambda m, a, b, k: m.minimum2(a, b),
                  lambda m, a, b, out, k: _split_at_tie(m, a, b, m.gt(a, b), m.lt(a, b)),
                  "d min(a, b)/da = 1 if a < b, 0 if a > b, 1/2 at a tie",
                  doc="The smaller of self and other (torch.minimum): the gradient goes to the "
                      "smaller; at a tie each gets half; nan if either is nan.")

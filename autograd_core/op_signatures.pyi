"""Typed signatures of the op methods of Value (autograd_core/op_methods.py).

Written from the op table (autograd_core/rules.py) by
``python scripts/op_signatures.py``; do not edit by hand.
"""

from autograd_core.value import Value

class OpSignatures:
    def __add__(self, other: Value | float) -> Value:
        """self + other"""
    def __radd__(self, other: float) -> Value:
        """self + other"""
    def __sub__(self, other: Value | float) -> Value:
        """self - other"""
    def __rsub__(self, other: float) -> Value:
        """self - other"""
    def __mul__(self, other: Value | float) -> Value:
        """self * other"""
    def __rmul__(self, other: float) -> Value:
        """self * other"""
    def __truediv__(self, other: Value | float) -> Value:
        """self / other (IEEE: 1/0 = inf, 0/0 = nan)."""
    def __rtruediv__(self, other: float) -> Value:
        """self / other (IEEE: 1/0 = inf, 0/0 = nan)."""
    def __neg__(self) -> Value:
        """-self"""
    def __abs__(self) -> Value:
        """|self|"""
    def exp(self) -> Value:
        """e^x (overflows to inf)."""
    def log(self) -> Value:
        """Natural logarithm (log 0 = -inf, log of a negative = nan)."""
    def sqrt(self) -> Value:
        """Square root (sqrt of a negative = nan)."""
    def sigmoid(self) -> Value:
        """Logistic function 1/(1 + e^-x), stable for large |x|."""
    def tanh(self) -> Value:
        """Hyperbolic tangent."""
    def relu(self) -> Value:
        """max(x, 0); its derivative at 0 is 0, as in PyTorch."""
    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x if x > 0 else slope * x."""
    def elu(self, alpha: float = 1.0) -> Value:
        """x if x > 0 else alpha (e^x - 1)."""
    def softplus(self) -> Value:
        """log(1 + e^x), stable; equals x above 20 as in PyTorch."""
    def clamp(self, min: float | None = None, max: float | None = None) -> Value:
        """x limited to [min, max] (either may be None); gradient 0 where it is clipped."""
    def sin(self) -> Value:
        """Sine (nan at +-inf)."""
    def cos(self) -> Value:
        """Cosine (nan at +-inf)."""
    def tan(self) -> Value:
        """Tangent."""
    def asin(self) -> Value:
        """Inverse sine; nan outside [-1, 1], gradient inf at +-1."""
    def acos(self) -> Value:
        """Inverse cosine; nan outside [-1, 1], gradient -inf at +-1."""
    def atan(self) -> Value:
        """Inverse tangent."""
    def sinh(self) -> Value:
        """Hyperbolic sine (overflows to +-inf)."""
    def cosh(self) -> Value:
        """Hyperbolic cosine (overflows to inf)."""
    def asinh(self) -> Value:
        """Inverse hyperbolic sine."""
    def acosh(self) -> Value:
        """Inverse hyperbolic cosine; nan below 1."""
    def atanh(self) -> Value:
        """Inverse hyperbolic tangent; +-inf at +-1, nan outside [-1, 1]."""
    def atan2(self, other: Value | float) -> Value:
        """atan2(self, other): the angle of the point (x=other, y=self), in (-pi, pi]."""
    def hypot(self, other: Value | float) -> Value:
        """sqrt(self^2 + other^2), without overflow in the squares."""
    def log1p(self) -> Value:
        """log(1 + x), accurate near 0."""
    def expm1(self) -> Value:
        """e^x - 1, accurate near 0."""
    def log2(self) -> Value:
        """Base-2 logarithm."""
    def log10(self) -> Value:
        """Base-10 logarithm."""
    def exp2(self) -> Value:
        """2^x."""
    def sinc(self) -> Value:
        """The normalised sinc sin(pi x)/(pi x), 1 at 0 (torch.sinc)."""
    def sign(self) -> Value:
        """-1, 0 or 1; gradient 0 (PyTorch's convention for piecewise-constant ops)."""
    def floor(self) -> Value:
        """Largest integer <= x, as a Value; gradient 0."""
    def ceil(self) -> Value:
        """Smallest integer >= x, as a Value; gradient 0."""
    def round(self) -> Value:
        """Nearest integer, ties to even (torch.round), as a Value; gradient 0."""
    def trunc(self) -> Value:
        """x rounded towards 0, as a Value; gradient 0."""
    def __mod__(self, other: Value | float) -> Value:
        """self % other = self - other floor(self/other), the sign of the divisor (Python's %,
        torch.remainder)."""
    def __rmod__(self, other: float) -> Value:
        """self % other = self - other floor(self/other), the sign of the divisor (Python's %,
        torch.remainder)."""
    def remainder(self, other: Value | float) -> Value:
        """self % other = self - other floor(self/other), the sign of the divisor (Python's %,
        torch.remainder)."""
    def maximum(self, other: Value | float) -> Value:
        """The larger of self and other (torch.maximum): the gradient goes to the larger; at a tie
        each gets half; nan if either is nan."""
    def minimum(self, other: Value | float) -> Value:
        """The smaller of self and other (torch.minimum): the gradient goes to the smaller; at a tie
        each gets half; nan if either is nan."""

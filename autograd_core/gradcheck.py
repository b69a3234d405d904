"""Gradient checking: compare backward with central differences in float64.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)

The error of a central difference is O(h^2) (truncation) plus O(eps/h) (rounding), smallest
near h = 1e-6 for float64, which is the default. Where the function has a kink (relu at 0, abs
at 0) the two sides disagree and no step size helps: check such points at first order away from
the kink.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_core.backward import grad
from autograd_core.modes import no_grad
from autograd_core.value import Value


class GradcheckError(AssertionError):
    """Backward and central differences disagree; the message has the table."""


def numerical_grads(f: Callable[..., Any], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central-difference estimates of df/dx_i at the point xs (f takes Values, returns a Value
    or a number)."""
    point = [float(x) for x in xs]
    out = []
    with no_grad():
        for i in range(len(point)):
            up = list(point)
            down = list(point)
            up[i] += h
            down[i] -= h
            fu = _number(f(*[Value(x) for x in up]))
            fd = _number(f(*[Value(x) for x in down]))
            out.append((fu - fd) / (2.0 * h))
    return out


def _number(out: Any) -> float:
    """f's result as a float: a Value's number (``.item()``), or a plain number."""
    return out.item() if isinstance(out, Value) else float(out)


def check_grads(f: Callable[..., Any], xs: Sequence[float], h: float = 1e-6,
                rtol: float = 1e-5, atol: float = 1e-7, raise_on_error: bool = True
                ) -> list[tuple[float, float]]:
    """Check the engine's gradients of ``f(*values)`` at the point ``xs``.

    ``f`` receives one Value per number in ``xs`` and returns a Value. Returns a list of
    (backward, central difference) pairs, one per input. Raises :class:`GradcheckError` with a
    table naming every input that differs by more than ``atol + rtol * |numerical|``, unless
    ``raise_on_error=False``.
    """
    if not xs:
        raise ValueError("check_grads needs at least one input number")
    values = [Value(x) for x in xs]
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"check_grads: f must return a Value, got {type(out).__name__}")
    analytic = grad(out, values, allow_unused=True)
    numeric = numerical_grads(f, xs, h)
    pairs = [(float(a), n) for a, n in zip(analytic, numeric)]
    bad = [(i, a, n) for i, (a, n) in enumerate(pairs)
           if not (abs(a - n) <= atol + rtol * abs(n) or (a != a and n != n))]
    if bad and raise_on_error:
        rows = "\n".join(f"  input {i} at x={xs[i]!r}: backward {a!r}, central difference {n!r}"
                         for i, a, n in bad)
        name = getattr(f, "__name__", "f")
        raise GradcheckError(f"gradients of {name} disagree with central differences "
                             f"(h={h}, rtol={rtol}, atol={atol}):\n{rows}")
    return pairs


def gradcheck(f: Callable[..., Any], xs: Sequence[float], **kwargs: Any) -> bool:
    """True when :func:`check_grads` passes (PyTorch's name); raises on failure like it."""
    check_grads(f, xs, **kwargs)
    return True

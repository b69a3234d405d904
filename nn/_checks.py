"""Argument checks shared by nn: what counts as a number, a count, a learning rate and a name
from a table of choices.

A number is any real number Python or numpy makes (``numbers.Real``: ``0.1``, ``np.float64(0.1)``,
``np.float32``), a count any integer (``numbers.Integral``: ``2``, ``np.int64(2)``), but never a
bool (``True`` is an int to Python, and almost always a mistake as a size or a rate).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def is_real(x: Any) -> bool:
    """True for a real number that is not a bool (numpy's bool_ is not ``numbers.Real``)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_int(x: Any) -> bool:
    """True for an integer that is not a bool: ``3`` and ``np.int64(3)``, not ``True``."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def nonneg(x: Any, what: str) -> float:
    """``x`` as a float, checked finite and >= 0."""
    if not is_real(x) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{what} must be a non-negative number, got {x!r}")
    return float(x)


def unit(x: Any, what: str) -> float:
    """``x`` as a float, checked in [0, 1)."""
    if not is_real(x) or not 0.0 <= x < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {x!r}")
    return float(x)


def count(x: Any, what: str, minimum: int = 1) -> int:
    """``x`` as an int, checked >= ``minimum``."""
    if not is_int(x) or x < minimum:
        need = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{what} must be {need}, got {x!r}")
    return int(x)


def quote(text: Any, limit: int = 80, marks: bool = True) -> str:
    """Text from a file, safe to put in a message: escaped like ``ascii()`` (newlines, ANSI
    escapes and lone surrogates become ``\\n``, ``\\x1b``, ``\\ud800``, so ``print(error)``
    shows one line and cannot fail), cut to about ``limit`` characters, in quotes unless
    ``marks`` is False (a plain name then reads as before)."""
    shown = ascii(text) if isinstance(text, str) else ascii(repr(text))[1:-1]
    if not marks and isinstance(text, str):
        shown = shown[1:-1]
    return shown if len(shown) <= limit else shown[:limit - 3] + "..."


def lookup(table: Mapping[str, T], name: str, what: str, otherwise: str,
           fold_case: bool = False) -> T:
    """``table[name]`` (``name.lower()`` with ``fold_case``) for nn's by-name choices
    (activation, init, loss, metric, optimizer); an unknown name raises ValueError listing the
    known ones, then ``otherwise`` (what else may be passed)."""
    found = table.get(name.lower() if fold_case else name)
    if found is None:
        known = ", ".join(repr(k) for k in table)
        raise ValueError(f"unknown {what} {name!r}; use one of {known}{otherwise}")
    return found

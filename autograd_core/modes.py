"""Context managers that change how ops are recorded: ``no_grad``, ``enable_grad``,
``detect_anomaly``. Each restores the previous state on exit, so they nest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from autograd_core import value as _value


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside, ops compute numbers but record nothing: results are leaves with no history
    (for evaluation, and for optimizer updates of parameters)."""
    saved = (_value._grad_enabled, _value._anomaly)
    _value._set_modes(False, saved[1])
    try:
        yield
    finally:
        _value._set_modes(*saved)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Inside, ops are recorded even within an outer ``no_grad()``."""
    saved = (_value._grad_enabled, _value._anomaly)
    _value._set_modes(True, saved[1])
    try:
        yield
    finally:
        _value._set_modes(*saved)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside, the first op whose value is inf or nan, and the first backward step that makes a
    non-finite gradient, raise :class:`~autograd_core.value.AnomalyError` naming the op. Slower;
    for debugging."""
    saved = (_value._grad_enabled, _value._anomaly)
    _value._set_modes(saved[0], True)
    try:
        yield
    finally:
        _value._set_modes(*saved)

"""Helpers the generated numpy code calls, besides numpy and the numpy backend ``m``."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["cat", "stack_locals"]


def cat(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Blocks of an n-ary op's inputs (leading axis: the inputs), broadcast to one shape and
    stacked: (n, members, examples)."""
    tail = np.broadcast_shapes(*[np.shape(p)[1:] for p in parts])
    return np.concatenate([np.broadcast_to(p, np.shape(p)[:1] + tail) for p in parts])


def stack_locals(locs: Any, ndim: int) -> np.ndarray:
    """An n-ary rule's local gradients (a tuple, one per input: arrays or numbers) stacked on a
    leading axis, with ``ndim`` dimensions so that ``L * upstream`` broadcasts."""
    L = np.stack(np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in locs]))
    while L.ndim < ndim:
        L = L[..., None]
    return L

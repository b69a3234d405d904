"""Weight initialisers: how a neuron's weights are drawn before training.

Each initialiser draws one weight from ``rng`` (a :class:`random.Random`) given the layer's
fan-in (inputs per neuron) and fan-out (neurons in the layer):

    uniform       w ~ U(-1, 1)                                  micrograd's choice
    xavier_uniform w ~ U(-a, a),  a = sqrt(6 / (fan_in + fan_out))   Glorot & Bengio (2010)
    xavier_normal  w ~ N(0, s^2), s = sqrt(2 / (fan_in + fan_out))
    he_uniform     w ~ U(-a, a),  a = sqrt(6 / fan_in)               He et al. (2015), for ReLU
    he_normal      w ~ N(0, s^2), s = sqrt(2 / fan_in)
    small_normal   w ~ N(0, 1) * 0.01                           the lecture's np.random.randn * 0.01
    zeros          w = 0                                        (every neuron stays identical!)

Aliases: 'glorot' and 'xavier' mean xavier_uniform, 'he' and 'kaiming' mean he_normal. Biases
always start at 0, as in micrograd and the lecture code. The bounds equal PyTorch's
``nn.init.xavier_uniform_`` and ``kaiming_uniform_(nonlinearity='relu')``.

Reproducibility: layers take a ``seed`` and draw from their own ``random.Random(seed)``, never
touching the global random state. With ``seed=None`` they draw from Python's global ``random``
module, exactly as micrograd does, so ``random.seed(1337); MLP(2, [16, 16, 1])`` gives
micrograd's weights.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from nn._checks import lookup

Initializer = Callable[[Any, int, int], float]
InitSpec = str | Initializer


def uniform(rng: Any, fan_in: int, fan_out: int) -> float:
    """U(-1, 1), micrograd's ``random.uniform(-1, 1)``."""
    return float(rng.uniform(-1.0, 1.0))


def xavier_uniform(rng: Any, fan_in: int, fan_out: int) -> float:
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out)): keeps activation variance ~constant."""
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return float(rng.uniform(-a, a))


def xavier_normal(rng: Any, fan_in: int, fan_out: int) -> float:
    """N(0, 2 / (fan_in + fan_out))."""
    return float(rng.gauss(0.0, math.sqrt(2.0 / (fan_in + fan_out))))


def he_uniform(rng: Any, fan_in: int, fan_out: int) -> float:
    """U(-a, a) with a = sqrt(6 / fan_in): variance 2 / fan_in, for ReLU layers."""
    a = math.sqrt(6.0 / fan_in)
    return float(rng.uniform(-a, a))


def he_normal(rng: Any, fan_in: int, fan_out: int) -> float:
    """N(0, 2 / fan_in), for ReLU layers."""
    return float(rng.gauss(0.0, math.sqrt(2.0 / fan_in)))


def small_normal(rng: Any, fan_in: int, fan_out: int) -> float:
    """N(0, 1) * 0.01, the lecture's ``np.random.randn(n_h, n_x) * 0.01``."""
    return float(rng.gauss(0.0, 1.0)) * 0.01


def zeros(rng: Any, fan_in: int, fan_out: int) -> float:
    """0. Every neuron of a layer then computes the same thing and gets the same gradient:
    symmetry is never broken. Useful to show why we initialise randomly."""
    return 0.0


INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform, "xavier_uniform": xavier_uniform, "xavier_normal": xavier_normal,
    "he_uniform": he_uniform, "he_normal": he_normal, "small_normal": small_normal,
    "zeros": zeros,
    "xavier": xavier_uniform, "glorot": xavier_uniform, "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal, "he": he_normal, "kaiming": he_normal,
    "kaiming_uniform": he_uniform, "kaiming_normal": he_normal,
}


def resolve(spec: InitSpec) -> Initializer:
    """The initialiser for a name or a callable ``(rng, fan_in, fan_out) -> float``."""
    if isinstance(spec, str):
        return lookup(INITIALIZERS, spec, "init",
                      ", or pass a function (rng, fan_in, fan_out) -> float", fold_case=True)
    if callable(spec):
        return spec
    raise TypeError(f"init must be a name (str) or a callable, got {type(spec).__name__}")


def make_rng(seed: int | None) -> Any:
    """``random.Random(seed)`` for an int seed; the global ``random`` module for None
    (micrograd's behaviour)."""
    if seed is None:
        return random
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)

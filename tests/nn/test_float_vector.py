"""FloatVector, the eager optimizers' vectors: numpy's elementwise results, bit for bit
(``**`` within an ulp), including where Python's floats would raise or turn complex."""

from __future__ import annotations

import math
import operator
import random

import numpy as np
import pytest

from nn.float_vector import FloatVector, sqrt

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e300, -1e300, 1e-310, math.inf, -math.inf,
           math.nan]


def _same(got, want, ulps=0):
    for g, w in zip(got, want, strict=True):
        if math.isnan(w):
            assert math.isnan(g)
        elif ulps and math.isfinite(w) and w != 0.0:
            assert abs(g - w) <= ulps * math.ulp(w), (g, w)
        else:
            assert g == w and math.copysign(1.0, g) == math.copysign(1.0, w), (g, w)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv,
                                operator.pow], ids=lambda o: o.__name__)
def test_elementwise_ops_give_numpys_results(op):
    r = random.Random(0)
    a = [x for x in SPECIAL for _ in SPECIAL] + [r.uniform(-5, 5) for _ in range(300)]
    b = [y for _ in SPECIAL for y in SPECIAL] + [r.uniform(-5, 5) for _ in range(300)]
    with np.errstate(all="ignore"):
        want = op(np.array(a), np.array(b)).tolist()
        want_scalar_right = op(np.array(a), 2.5).tolist()
        want_scalar_left = op(-1.5, np.array(b)).tolist()
    ulps = 1 if op is operator.pow else 0
    _same(op(FloatVector(a), FloatVector(b)).values, want, ulps)
    _same(op(FloatVector(a), 2.5).values, want_scalar_right, ulps)
    _same(op(-1.5, FloatVector(b)).values, want_scalar_left, ulps)


def test_sqrt_neg_and_abs():
    a = SPECIAL + [random.Random(1).uniform(-9, 9) for _ in range(100)]
    with np.errstate(all="ignore"):
        _same(sqrt(FloatVector(a)).values, np.sqrt(np.array(a)).tolist())
    _same((-FloatVector(a)).values, (-np.array(a)).tolist())
    _same(abs(FloatVector(a)).values, np.abs(np.array(a)).tolist())
    assert math.isnan(sqrt(-1.0)) and sqrt(4.0) == 2.0

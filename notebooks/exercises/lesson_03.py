"""Lesson 03 (XOR): a feature that makes XOR linear, the loss of a coin flip, the best line."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from exercises import _num, number, predicate, register

XOR_POINTS = [((0.0, 0.0), 0), ((0.0, 1.0), 1), ((1.0, 0.0), 1), ((1.0, 1.0), 0)]


def _separates(phi: Callable[[float, float], Any]) -> str | None:
    """None when one threshold on phi(x1, x2) puts the two XOR classes on opposite sides."""
    if not callable(phi):
        return f"the answer should be a function phi(x1, x2), got {phi!r}"
    vals = {p: _num(phi(*p), "phi") for p, _ in XOR_POINTS}
    zeros = [vals[p] for p, c in XOR_POINTS if c == 0]
    ones = [vals[p] for p, c in XOR_POINTS if c == 1]
    if max(zeros) < min(ones) or max(ones) < min(zeros):
        return None
    shown = ", ".join(f"phi{p} = {vals[p]:g}" for p, _ in XOR_POINTS)
    return (f"no single threshold on your feature separates the classes ({shown}); class 0 is "
            "(0, 0) and (1, 1), class 1 is (0, 1) and (1, 0)")


def xor_feature(x1: float, x2: float) -> float:
    return x1 + x2 - 2 * x1 * x2


register(
    "03.feature",
    "Write one feature phi(x1, x2) such that a single threshold on it classifies XOR.",
    predicate(_separates, right_says="one threshold on your feature separates the classes."),
    solution=xor_feature,
    wrong=lambda x1, x2: x1 + x2,
    wrong_says="no single threshold on your feature separates the classes",
    hint="a sum of the inputs treats (1, 1) as 'more' than (0, 1); subtract something that "
         "is nonzero only at (1, 1), like a multiple of x1 * x2.",
    explanation="phi = x1 + x2 - 2 x1 x2 is 0 at (0, 0) and (1, 1) and 1 at (0, 1) and (1, 0) "
                "(it *is* XOR). More generally phi = a(x1 + x2) + b x1 x2 is 0 at (0, 0), a at "
                "(0, 1) and (1, 0), 2a + b at (1, 1): it separates the classes when a > 0 and "
                "b < -a, or a < 0 and b > -a. The point is the product x1 x2, the feature "
                "cross.",
)

register(
    "03.coin_flip_loss",
    "Binary cross-entropy of predicting p = 0.5 on every XOR point: what is the mean loss?",
    number(math.log(2), tol=1e-3, what="the mean loss",
           mistakes={0.5: "0.5 is the probability; the loss is -ln(0.5).",
                     1.0: "that is log base 2; the engine's losses use natural logs."}),
    solution=math.log(2),
    wrong=0.5,
    wrong_says="the loss is -ln(0.5)",
    hint="for each point the loss is -ln(p) if y = 1 and -ln(1 - p) if y = 0.",
    explanation="every point costs -ln(0.5) = ln 2 = 0.6931, so the mean is ln 2: exactly "
                "the loss logistic regression settles at on XOR.",
)

register(
    "03.best_line",
    "What is the highest accuracy any straight line (any logistic regression) reaches on XOR?",
    number(0.75, tol=1e-9, what="the best accuracy",
           mistakes={1.0: "no straight line gets all four points: that is the XOR problem.",
                     0.5: "a line can do better than a coin flip: try x1 + x2 > 0.5."}),
    solution=0.75,
    wrong=1.0,
    wrong_says="no straight line gets all four points",
    hint="draw the four points; a line can cut off one corner.",
)

"""Lesson 04 (the playground): pick a learning rate, pick the features for circles."""

from __future__ import annotations

from typing import Any

from exercises import _num, predicate, register


def _descends(lr: Any) -> str | None:
    """Gradient descent on L(w) = (w - 3)^2 from w = 0 must reach |w - 3| < 0.01 in 20 steps.

    Each step multiplies the distance to 3 by (1 - 2 lr): it shrinks for 0 < lr < 1, flips
    sign and stays the same size at lr = 1, grows beyond."""
    lr = _num(lr, "the learning rate")
    w = 0.0
    for _ in range(20):
        w -= lr * 2 * (w - 3)
    if abs(w - 3) < 0.01:
        return None
    if lr <= 0:
        return f"with lr = {lr:g} the step goes uphill or nowhere: w ends at {w:.4g}"
    if abs(1 - 2 * lr) >= 1:
        return (f"with lr = {lr:g} every step overshoots: the distance to the minimum is "
                f"multiplied by {abs(1 - 2 * lr):.3g} per step, so after 20 steps w = {w:.4g}")
    return (f"with lr = {lr:g} the steps are too small: after 20 steps w = {w:.4g}, still "
            f"{abs(w - 3):.3g} away from 3")


register(
    "04.learning_rate",
    "Pick a learning rate so that 20 gradient steps on L(w) = (w - 3)^2 from w = 0 get within "
    "0.01 of the minimum.",
    predicate(_descends, right_says="20 steps land within 0.01 of w = 3."),
    solution=0.4,
    wrong=1.2,
    wrong_says="every step overshoots",
    hint="dL/dw = 2(w - 3), so one step maps the distance d to 3 onto (1 - 2 lr) d. "
         "Which lr makes |1 - 2 lr| small?",
    explanation="answer = 0.4 (any lr with |1 - 2 lr| small enough works; lr = 0.5 jumps to "
                "the minimum in one step). lr >= 1 overshoots by at least as much as it "
                "started, which is what 'diverges' means.",
)

ALL_FEATURES = {"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"}


def _circle_features(chosen: Any) -> str | None:
    if isinstance(chosen, str):
        chosen = {chosen}
    try:
        chosen = {str(c) for c in chosen}
    except TypeError:
        return f"give a set of feature names such as {{'x1', 'x2'}}, got {chosen!r}"
    unknown = chosen - ALL_FEATURES
    if unknown:
        return f"unknown feature(s) {sorted(unknown)}; choose from {sorted(ALL_FEATURES)}"
    if {"x1^2", "x2^2"} <= chosen:
        return None
    return ("a circle is x1^2 + x2^2 = r^2: with no hidden layer the model can only add up "
            f"its features, and {sorted(chosen)} cannot make x1^2 + x2^2")


register(
    "04.circle_features",
    "Which features let a model with NO hidden layer separate the circles data?",
    predicate(_circle_features, right_says="x1^2 + x2^2 is the squared radius: one line "
                                            "(a threshold on it) separates inside from outside."),
    solution={"x1^2", "x2^2"},
    wrong={"x1", "x2", "x1*x2"},
    wrong_says="a circle is x1^2 + x2^2 = r^2",
    hint="write the equation of a circle around the origin.",
)

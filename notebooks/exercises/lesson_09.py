"""Lesson 09 (gradient descent): count updates, follow momentum, hand down blame, pick a
learning rate that the checker tries out."""

from __future__ import annotations

import math
from typing import Any

from exercises import WrongKind, _num, number, predicate, register

# --- 09.updates_per_epoch ---------------------------------------------------------------------
register(
    "09.updates_per_epoch",
    "8 rows, batch_size=3: how many updates does one epoch make?",
    number(3, tol=1e-9, what="the number of updates",
           mistakes={8 / 3: "an update needs a whole batch: count the batches, not a ratio.",
                     2: "the last batch is smaller (2 rows) but it is still a batch: it "
                        "makes an update too."}),
    solution=3,
    wrong=2,
    wrong_says="the last batch is smaller",
    hint="The batches are rows 1-3, 4-6 and 7-8: every row is used once per epoch.",
    explanation="ceil(8 / 3) = 3 batches of 3, 3 and 2 rows; one update per batch.",
)


# --- 09.momentum_velocity ---------------------------------------------------------------------
register(
    "09.momentum_velocity",
    "Momentum 0.9, gradient always 1.0, v = g at the first step then v = 0.9 v + g. "
    "What is v after the third step?",
    number(2.71, tol=1e-9, what="the velocity after three steps",
           mistakes={3.0: "that adds the gradients without the decay: each old velocity is "
                          "multiplied by 0.9 before the new gradient is added.",
                     1.9: "that is after the second step; one more.",
                     2.439: "the decay applies to the velocity, not to the new gradient."}),
    solution=2.71,
    wrong=3.0,
    wrong_says="without the decay",
    hint="step 1: v = 1; step 2: v = 0.9 * 1 + 1; step 3: v = 0.9 * (step 2) + 1.",
    explanation="1, then 0.9 + 1 = 1.9, then 0.9 * 1.9 + 1 = 2.71. With a constant gradient v "
                "tends to 1 / (1 - 0.9) = 10: momentum multiplies consistent steps by up to 10.",
)


# --- 09.blame_bias ----------------------------------------------------------------------------
register(
    "09.blame_bias",
    "A sigmoid neuron at p = 0.5: by how much must its bias go up for p to go up by 0.05?",
    number(0.2, tol=1e-6, what="the change of the bias",
           mistakes={0.0125: "you multiplied the wanted change by the local gradient; divide "
                             "by it instead (change of b = change of p / (dp/db)).",
                     0.05: "dp/db is not 1: the sigmoid's slope at p = 0.5 is p (1 - p)."}),
    solution=0.2,
    wrong=0.0125,
    wrong_says="divide",
    hint="dp/db = p (1 - p) * 1 (the bias reads the constant input 1). Wanted change of p "
         "divided by dp/db.",
    explanation="dp/db = 0.5 * 0.5 * 1 = 0.25, so b must move by 0.05 / 0.25 = 0.2 (first "
                "order: the sigmoid bends, so the real change of p is a little less).",
)


# --- 09.pick_lr: the checker trains the model ----------------------------------------------------
def _train_cost(lr: float) -> float:
    """Batch gradient descent on the standardized study-hours table, 30 steps, the final MSE."""
    import warnings

    import numpy as np

    import nn

    X, y = nn.data.study_hours()
    Xs = nn.data.standardize(X)
    model = nn.MLP(3, [1], seed=0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        nn.fit(model, Xs, y, loss="mse", optimizer=nn.SGD(model, lr=lr), epochs=30,
               progress=False)
        return float(nn.evaluate(model, Xs, y, "mse")["loss"])


def _judge_lr(answer: Any) -> str | None:
    try:
        lr = _num(answer, "the learning rate")
    except WrongKind as e:
        return str(e)
    if not lr > 0 or not math.isfinite(lr):
        return f"a learning rate must be a positive number, got {lr!r}"
    cost = _train_cost(lr)
    if not math.isfinite(cost) or cost > 1.0:
        return (f"with lr = {lr:g} the cost blew up to {cost:.3g}: the steps overshoot the "
                "valley and grow every time, too large (here anything above about 0.48 "
                "diverges, 2 / the largest Hessian eigenvalue).")
    if cost >= 0.011:
        return (f"with lr = {lr:g} the cost is {cost:.4f} after 30 steps: still going down, "
                "but too slowly; try a larger step.")
    return None


register(
    "09.pick_lr",
    "A learning rate for which 30 steps of batch gradient descent end below cost 0.011.",
    predicate(_judge_lr, right_says="the cost ends below 0.011 and nothing diverges."),
    solution=0.3,
    wrong=1.0,
    wrong_says="too large",
    hint="Try 0.01, 0.1, 1: one is too slow, one blows up. Then go between.",
    explanation="Anything from about 0.2 to 0.45 works: the cost's steepest direction has "
                "curvature 4.17, so steps above 2 / 4.17 = 0.48 overshoot and diverge, and "
                "steps below 0.2 are not there after 30 steps.",
)

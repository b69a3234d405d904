"""Lesson 10 (generalization): the penalties' gradients, a weight-decay step, inverted dropout's
scaling, and which data set makes a choice."""

from __future__ import annotations

from typing import Any

from exercises import number, predicate, register

# --- 10.l2_grad -------------------------------------------------------------------------------
register(
    "10.l2_grad",
    "d/dw of (lambda / 2) * w^2 at lambda = 0.1, w = 0.5?",
    number(0.05, tol=1e-9, what="the gradient of the L2 penalty",
           mistakes={0.025: "the 2 of w^2 comes down and cancels the 1/2: the gradient is "
                            "lambda * w, not lambda * w / 2.",
                     0.1: "that is lambda alone; the pull grows with the weight: lambda * w.",
                     0.0125: "that is the penalty's value, lambda / 2 * w^2; we want its "
                             "derivative."}),
    solution=0.05,
    wrong=0.025,
    wrong_says="cancels the 1/2",
    hint="d/dw (lambda / 2) w^2 = (lambda / 2) * 2w.",
    explanation="(lambda / 2) * 2w = lambda * w = 0.1 * 0.5 = 0.05. The 1/2 in the deck's "
                "formula is there to make this gradient clean.",
)


# --- 10.decay_step ----------------------------------------------------------------------------
register(
    "10.decay_step",
    "SGD, lr = 0.1, only the L2 penalty with lambda = 0.01: w = 2.0 becomes?",
    number(1.998, tol=1e-9, what="the weight after one step",
           mistakes={1.999: "you used lambda / 2 * w as the gradient; the gradient of "
                            "(lambda / 2) w^2 is lambda * w.",
                     2.002: "a gradient step subtracts: w - lr * lambda * w.",
                     1.99: "the step is lr * lambda * w = 0.1 * 0.01 * 2, you left out lr."}),
    solution=1.998,
    wrong=1.999,
    wrong_says="lambda * w",
    hint="w <- w - lr * (lambda * w) = w * (1 - lr * lambda).",
    explanation="2.0 - 0.1 * 0.01 * 2.0 = 1.998: the weight shrinks by the factor "
                "1 - lr * lambda = 0.999 every step, hence the name weight decay.",
)


# --- 10.l1_grad -------------------------------------------------------------------------------
register(
    "10.l1_grad",
    "d/dw of lambda * |w| at lambda = 0.1, w = -0.3?",
    number(-0.1, tol=1e-9, what="the gradient of the L1 penalty",
           mistakes={-0.03: "that is lambda * w, the L2 gradient; |w| has slope sign(w), "
                            "whatever the size of w.",
                     0.03: "that is lambda * |w|, the penalty's value; we want its slope."}),
    solution=-0.1,
    wrong=0.1,
    wrong_says="the wrong sign",
    hint="|w| has slope +1 for w > 0 and -1 for w < 0.",
    explanation="lambda * sign(w) = 0.1 * (-1) = -0.1: the step -lr * (-0.1) pushes w up, "
                "toward 0, by the same amount however close to 0 it already is.",
)


# --- 10.dropout_scale -------------------------------------------------------------------------
register(
    "10.dropout_scale",
    "Inverted dropout, p = 0.5, training mode: a kept unit outputs 0.8. What goes on?",
    number(1.6, tol=1e-9, what="the value passed on",
           mistakes={0.8: "inverted dropout scales the survivors by 1 / (1 - p) in training, "
                          "so that eval mode needs no rescaling.",
                     0.4: "multiplying by (1 - p) is what the original dropout did at test "
                          "time; inverted dropout divides by (1 - p) during training."}),
    solution=1.6,
    wrong=0.8,
    wrong_says="1 / (1 - p)",
    hint="Half the units are zeroed; to keep the expected sum the same, the others count double.",
    explanation="0.8 / (1 - 0.5) = 1.6. Expected value: 0.5 * 0 + 0.5 * 1.6 = 0.8, the "
                "unit's output without dropout, which is what eval mode passes on.",
)


# --- 10.which_set -----------------------------------------------------------------------------
def _which(answer: Any) -> str | None:
    a = str(answer).strip().lower()
    if a in ("validation", "val", "valid"):
        return None
    if a == "test":
        return ("not the test set: choosing with it makes its error an optimistic estimate; "
                "it is looked at once, after every choice is made.")
    if a in ("train", "training"):
        return ("not the training set: the penalty always makes training loss worse (that is "
                "its job), so the training set would always pick lambda = 0.")
    return f"answer 'train', 'validation' or 'test' (got {answer!r})"


register(
    "10.which_set",
    "Three candidate lambdas: compare them on 'train', 'validation' or 'test'?",
    predicate(_which, right_says="the validation set makes the choices; the test set reports."),
    solution="validation",
    wrong="test",
    wrong_says="optimistic",
    hint="One set is for fitting, one for choosing, one for reporting.",
    explanation="'validation'. Training loss always prefers no penalty; the test set must stay "
                "unseen until the end so that its number is honest.",
)

"""Lesson 06 (digits): a softmax probability, the cross-entropy's gradient p - onehot, and the
loss of one confident answer."""

from __future__ import annotations

import math

from exercises import gradients, number, register

_E = [math.exp(2.0), math.exp(1.0), 1.0]
_P = [e / sum(_E) for e in _E]

# --- 06.softmax_p0 ----------------------------------------------------------------------------
register(
    "06.softmax_p0",
    "Logits z = (2, 1, 0): the softmax probability of the first class?",
    number(_P[0], tol=1e-4, what="p0",
           mistakes={2 / 3: "that divides the logits by their sum; the softmax exponentiates "
                            "first: e^2 / (e^2 + e^1 + e^0).",
                     1.0: "the softmax never gives exactly 1: every class keeps a share."}),
    solution=round(_P[0], 6),
    wrong=2 / 3,
    wrong_says="exponentiates first",
    hint="p_k = e^{z_k} / sum_j e^{z_j}; e = 2.71828.",
    explanation="e^2 / (e^2 + e + 1) = 7.389 / 11.107 = 0.6652.",
)


# --- 06.softmax_grad --------------------------------------------------------------------------
register(
    "06.softmax_grad",
    "Logits (2, 1, 0), true class 1: dL/dz for the three logits?",
    gradients({"z0": _P[0], "z1": _P[1] - 1.0, "z2": _P[2]},
              mistakes={"z1": "at the true class subtract 1: dL/dz_y = p_y - 1 (the one-hot "
                              "target is 1 there)."}),
    solution=(round(_P[0], 6), round(_P[1] - 1.0, 6), round(_P[2], 6)),
    wrong=(round(_P[0], 6), round(_P[1], 6), round(_P[2], 6)),
    wrong_says="the gradient for z1 is off",
    hint="dL/dz = p - onehot(y), with p the softmax of (2, 1, 0).",
    explanation="p = (0.6652, 0.2447, 0.0900); minus the one-hot (0, 1, 0) gives "
                "(0.6652, -0.7553, 0.0900). The three add up to 0.",
)


# --- 06.ce_loss -------------------------------------------------------------------------------
register(
    "06.ce_loss",
    "The true class gets probability 0.9: the cross-entropy loss?",
    number(-math.log(0.9), tol=1e-4, what="the loss",
           mistakes={0.1: "1 - p is not the loss; cross-entropy is -log p_y.",
                     0.9: "that is the probability itself; the loss is -log p_y.",
                     -math.log10(0.9): "that is log base 10; the loss uses the natural log."}),
    solution=round(-math.log(0.9), 6),
    wrong=0.1,
    wrong_says="-log p_y",
    hint="L = -log p_y with the natural logarithm.",
    explanation="-ln 0.9 = 0.1054. At p_y = 0.5 it would be ln 2 = 0.693, and it grows without "
                "bound as p_y -> 0.",
)


# --- 06.initial_loss --------------------------------------------------------------------------
register(
    "06.initial_loss",
    "A freshly initialised network that knows nothing, 100 classes: about what cross-entropy "
    "should its first loss be?",
    number(math.log(100), tol=0.01, what="the initial loss",
           mistakes={0.01: "0.01 is the probability each class gets; the loss is -ln of it.",
                     2.0: "that is log base 10; the loss uses the natural log: ln 100.",
                     math.log(10): "ln 10 is for 10 classes; here there are 100."}),
    solution=round(math.log(100), 4),
    wrong=2.0,
    wrong_says="natural log",
    hint="knowing nothing, every class gets p = 1/K; the loss is -ln p_y.",
    explanation="-ln(1/100) = ln 100 = 4.605. A first loss far above ln K means the network "
                "starts out confidently wrong: look at the initialisation.",
)

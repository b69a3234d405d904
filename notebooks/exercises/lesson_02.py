"""Lesson 02 (neurons and activations): a neuron's output, sigmoid's backward, counting
parameters."""

from __future__ import annotations

import math

from exercises import backward_fn, number, random_points, register

# --- 02.relu_neuron -----------------------------------------------------------------------
# w = [0.5, -0.2, 0.1], x = [2, 3, -4], b = 0.3: z = 1 - 0.6 - 0.4 + 0.3 = 0.3, relu 0.3;
# and with b = -0.5: z = -0.5, relu 0.
register(
    "02.relu_neuron",
    "A ReLU neuron with w = [0.5, -0.2, 0.1], x = [2, 3, -4] and b = -0.5: its output?",
    number(0.0, tol=1e-9, what="the neuron's output",
           mistakes={-0.5: "that is z = w.x + b; ReLU then keeps max(z, 0)."}),
    solution=0.0,
    wrong=-0.5,
    wrong_says="ReLU then keeps max(z, 0)",
    hint="compute z = w1 x1 + w2 x2 + w3 x3 + b first, then apply max(z, 0).",
    explanation="z = 0.5*2 - 0.2*3 + 0.1*(-4) - 0.5 = -0.5, and ReLU(-0.5) = 0: this neuron "
                "is silent on this input (and passes no gradient back).",
)


# --- 02.sigmoid_backward --------------------------------------------------------------------
def sigmoid_backward(x: float, upstream: float) -> float:
    s = 1.0 / (1.0 + math.exp(-x))
    return upstream * s * (1.0 - s)


def sigmoid_backward_no_upstream(x: float, upstream: float) -> float:
    s = 1.0 / (1.0 + math.exp(-x))
    return s * (1.0 - s)


register(
    "02.sigmoid_backward",
    "Write backward(x, upstream) for s = sigmoid(x): the gradient sent to x.",
    backward_fn(lambda x: x.sigmoid(), ["x"], random_points(4, 1, seed=2, lo=-4, hi=4)),
    solution=sigmoid_backward,
    wrong=sigmoid_backward_no_upstream,
    wrong_says="multiply it by the upstream",
    hint="the local gradient of the sigmoid is s (1 - s); the gate sends upstream x local.",
)


# --- 02.count_params ------------------------------------------------------------------------
register(
    "02.count_params",
    "How many parameters does MLP(4, [5, 3]) have (weights and biases)?",
    number(43, tol=0, what="the parameter count",
           mistakes={35: "that counts the weights only: every neuron also has a bias.",
                     27: "each of the 5 hidden neurons has 4 weights + 1 bias, each of the 3 "
                         "output neurons 5 weights + 1 bias."}),
    solution=43,
    wrong=35,
    wrong_says="every neuron also has a bias",
    hint="a layer n_in -> n_out has n_in * n_out weights and n_out biases.",
    explanation="layer 1: 4*5 + 5 = 25; layer 2: 5*3 + 3 = 18; total 43. The engine agrees: "
                "len(nn.MLP(4, [5, 3]).parameters()) == 43.",
)

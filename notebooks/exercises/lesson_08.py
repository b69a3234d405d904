"""Lesson 08 (from Karpathy's lecture): gradients accumulate, counting dead units."""

from __future__ import annotations

from exercises import number, register

register(
    "08.no_zero_grad",
    "One backward() gives w.grad = 1.5. You call loss.backward() a second time without "
    "zeroing: what is w.grad now?",
    number(3.0, tol=1e-9, what="w.grad",
           mistakes={1.5: "backward() adds into .grad (+=) on leaves, as PyTorch does: the "
                          "second call adds 1.5 again. That is why the loop zeroes first."}),
    solution=3.0,
    wrong=1.5,
    wrong_says="backward() adds into .grad",
    hint="leaves accumulate: grad += what this backward computes.",
    explanation="3.0: the lecture's bug. Without `p.grad = 0.0` before `loss.backward()` every "
                "step uses the sum of all past gradients.",
)

# ReLU outputs of 4 hidden units (columns) on the lecture's 4 examples (rows), as printed in
# the lesson: units 1 and 3 are zero on every example.
TABLE = [[0.0, 1.2, 0.0, 0.3],
         [0.0, 0.0, 0.0, 2.1],
         [0.0, 0.4, 0.0, 0.0],
         [0.0, 0.0, 0.0, 0.9]]

register(
    "08.dead_units",
    "In the table of ReLU outputs (rows: examples, columns: units), how many units are dead?",
    number(2, tol=0, what="the number of dead units",
           mistakes={9: "that counts the zero entries; a unit is dead when its whole column "
                        "is zero (it fires on no example).",
                     0: "a unit is dead when it outputs 0 on every example: look for columns "
                        "of zeros."}),
    solution=2,
    wrong=9,
    wrong_says="a unit is dead when its whole column is zero",
    hint="look at columns, not entries.",
)

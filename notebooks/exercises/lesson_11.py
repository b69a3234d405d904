"""Lesson 11 (forward vs reverse mode): count sweeps, push a tangent by hand, write the product
rule's tangent, pick the mode for a Jacobian's shape."""

from __future__ import annotations

import math
from typing import Any

from exercises import number, predicate, random_points, register

# --- 11.sweeps --------------------------------------------------------------------------------
register(
    "11.sweeps",
    "A loss of 1,153 parameters: how many forward-mode sweeps for one full gradient?",
    number(1153, tol=1e-9, what="the number of forward sweeps",
           mistakes={1: "one sweep is reverse mode (one output, every input). A forward sweep "
                        "follows one direction: one input's derivative at a time.",
                     2: "the forward evaluation is shared; count the tangent sweeps."}),
    solution=1153,
    wrong=1,
    wrong_says="one sweep is reverse mode",
    hint="One forward sweep = the derivative along one direction in parameter space.",
    explanation="1,153: one sweep per parameter (direction e_i gives dL/dtheta_i), against one "
                "backward pass in reverse mode.",
)


# --- 11.tangent -------------------------------------------------------------------------------
register(
    "11.tangent",
    "f = (x + y) z at (-2, 5, -4), direction (0, 1, 1): the tangent of f?",
    number(-1.0, tol=1e-9, what="the tangent of f",
           mistakes={-4.0: "z moves too: f's tangent is z * (tangent of q) + q * (tangent of "
                           "z), and q = 3.",
                     3.0: "y moves too: q's tangent is 0 + 1 = 1, and it is multiplied by "
                          "z = -4."}),
    solution=-1.0,
    wrong=-4.0,
    wrong_says="z moves too",
    hint="q = x + y has tangent 0 + 1 = 1; f = q z has tangent z * 1 + q * 1.",
    explanation="tangent(q) = 0 + 1 = 1; tangent(f) = z * tangent(q) + q * tangent(z) = "
                "-4 * 1 + 3 * 1 = -1 = df/dy + df/dz = -4 + 3.",
)


# --- 11.mul_tangent ---------------------------------------------------------------------------
def mul_tangent(a: float, da: float, b: float, db: float) -> float:
    """The product rule: d(a b) = da * b + a * db (local gradient b for a, a for b)."""
    return da * b + a * db


def mul_tangent_wrong(a: float, da: float, b: float, db: float) -> float:
    """A classic mistake: multiplying the tangents."""
    return da * db


def _judge_mul(fn: Any) -> str | None:
    if not callable(fn):
        return f"give a function mul_tangent(a, da, b, db), got {fn!r}"
    for a, da, b, db in random_points(5, 4, seed=11):
        got = fn(a, da, b, db)
        if got is ...:
            return "mul_tangent still returns ...: write the rule"
        want = da * b + a * db
        try:
            g = float(got)
        except (TypeError, ValueError):
            return f"mul_tangent returned {got!r}, not a number"
        if not math.isclose(g, want, rel_tol=1e-9, abs_tol=1e-12):
            msg = (f"at a = {a}, da = {da}, b = {b}, db = {db} it returns {g:.6g}; the tangent "
                   f"of a*b is {want:.6g}")
            if math.isclose(g, da * db, rel_tol=1e-9, abs_tol=1e-12):
                msg += (" (you multiplied the tangents: use the product rule, each tangent "
                        "times the other factor)")
            return msg
    return None


register(
    "11.mul_tangent",
    "Write mul_tangent(a, da, b, db): the tangent of a * b.",
    predicate(_judge_mul, right_says="the product rule, at 5 random points."),
    solution=mul_tangent,
    wrong=mul_tangent_wrong,
    wrong_says="product rule",
    hint="The local gradient of a*b is b for a and a for b; tangent = sum of local x tangent.",
)


# --- 11.which_mode ----------------------------------------------------------------------------
def _mode(answer: Any) -> str | None:
    a = str(answer).strip().lower()
    if a in ("forward", "forward mode", "jvp"):
        return None
    if a in ("reverse", "reverse mode", "backward", "backprop"):
        return ("reverse mode needs one backward pass per output: a million of them here. "
                "Forward mode needs one sweep per input: 3.")
    return f"answer 'forward' or 'reverse' (got {answer!r})"


register(
    "11.which_mode",
    "3 inputs, 1,000,000 outputs, every derivative wanted: 'forward' or 'reverse'?",
    predicate(_mode, right_says="3 forward sweeps give the whole 1,000,000 x 3 Jacobian."),
    solution="forward",
    wrong="reverse",
    wrong_says="one backward pass per output",
    hint="Forward mode costs one sweep per input, reverse mode one sweep per output.",
    explanation="'forward': 3 sweeps, one per camera parameter, each giving the derivative of "
                "every pixel. Reverse mode would need 1,000,000 backward passes.",
)


# --- 11.paths ---------------------------------------------------------------------------------
register(
    "11.paths",
    "A chain of 20 diamonds: how many paths lead from the input to the output?",
    number(2 ** 20, tol=0, what="the number of paths",
           mistakes={40: "that counts the branches (2 per diamond); the choices multiply: "
                         "2 x 2 x ... x 2.",
                     20: "each diamond offers 2 ways through, and the choices multiply.",
                     120: "that is about the number of edges, which is what backprop visits; "
                          "the paths are far more."}),
    solution=2 ** 20,
    wrong=40,
    wrong_says="the choices multiply",
    hint="one diamond: 2 paths; two in a row: 2 x 2; n in a row: 2^n.",
    explanation="2^20 = 1,048,576 paths, while each mode of differentiation visits each of the "
                "graph's ~120 edges once.",
)

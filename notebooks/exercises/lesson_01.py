"""Lesson 01 (the chain rule): predict a nudge, sum over paths, fix a gate's backward."""

from __future__ import annotations

from autograd_core import Function
from exercises import gate, gradients, number, register

# --- 01.nudge_z: f = (x + y) z at (-2, 5, -4); z goes from -4 to -3.99 ---------------------------
register(
    "01.nudge_z",
    "f = (x + y) * z at x=-2, y=5, z=-4. Predict the change in f when z grows by 0.01.",
    number(0.03, tol=1e-9, what="the predicted change of f",
           mistakes={-0.03: "df/dz = q = x + y = 3 is positive: growing z grows f."}),
    solution=0.03,
    wrong=-0.03,
    wrong_says="the wrong sign",
    hint="change of f ~ df/dz * change of z, and df/dz = x + y.",
    explanation="df/dz = x + y = 3, so f changes by 3 * 0.01 = 0.03 (exactly: f goes from "
                "-12 to -11.97, because f is linear in z).",
)


# --- 01.two_paths: g = (a*b + c) * a, a used twice ---------------------------------------------
register(
    "01.two_paths",
    "g = (a*b + c) * a at a=2, b=-1, c=3. Give (dg/da, dg/db, dg/dc).",
    gradients({"a": -1.0, "b": 4.0, "c": 2.0},
              mistakes={"a": "a reaches g along two paths (through a*b and as the right-hand "
                             "factor): add what both send."}),
    solution=(-1.0, 4.0, 2.0),
    wrong=(-2.0, 4.0, 2.0),
    wrong_says="the gradient for a is off",
    hint="write q = a*b + c, g = q * a. dg/da = (dg/dq)(dq/da) + (the direct path) = a*b + q.",
    explanation="q = a*b + c = 1. Path 1 (the factor a): dg/da = q = 1. Path 2 (through q): "
                "dg/dq * dq/da = a * b = -2. Sum: -1. dg/db = a * a = 4, dg/dc = a = 2.",
)


# --- 01.divide_gate: a gate with a sign bug in its backward ----------------------------------
class DivideGateBuggy(Function):
    """z = x / y with the classic mistake: d/dy of x/y is -x/y^2, here +x/y^2."""

    def forward(self, x: float, y: float) -> float:
        self.x, self.y = x, y
        return x / y

    def backward(self, upstream: float) -> list[float]:
        return [upstream / self.y, upstream * self.x / self.y ** 2]


class DivideGate(Function):
    """z = x / y: dz/dx = 1/y, dz/dy = -x/y^2, each times the upstream gradient."""

    def forward(self, x: float, y: float) -> float:
        self.x, self.y = x, y
        return x / y

    def backward(self, upstream: float) -> list[float]:
        return [upstream / self.y, -upstream * self.x / self.y ** 2]


register(
    "01.divide_gate",
    "DivideGate's backward has a bug. Write a corrected gate (a Function subclass).",
    gate(["x", "y"], [[3.0, 2.0], [-1.5, 0.5], [2.0, -4.0]], forward=lambda x, y: x / y),
    solution=DivideGate,
    wrong=DivideGateBuggy,
    wrong_says="the gradient for y is off: yours is -1.125: the right size but the wrong sign",
    hint="x / y = x * y**-1; the derivative of y**-1 is -y**-2.",
)

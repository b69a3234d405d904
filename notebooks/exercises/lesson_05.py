"""Lesson 05 (vectorization): db as a mean, the delta rule for an output and a hidden unit, and
the slide's backward_propagation with its typo fixed, judged against the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from exercises import number, predicate, register

if TYPE_CHECKING:  # numpy is imported where it is used: the checker loads without it
    import numpy as np

# --- 05.db2 -----------------------------------------------------------------------------------
register(
    "05.db2",
    "m = 4, dZ2 = [0.2, -0.4, 0.6, 0.1]: db2 with the slide's 1/m?",
    number(0.125, tol=1e-9, what="db2",
           mistakes={0.5: "that is the sum of dZ2; the slide's code divides by m (the cost is "
                          "a mean), so db2 is the mean."}),
    solution=0.125,
    wrong=0.5,
    wrong_says="that is the sum",
    hint="db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True).",
    explanation="(0.2 - 0.4 + 0.6 + 0.1) / 4 = 0.5 / 4 = 0.125. (With the slides' summed "
                "cost J = sum of losses it would be 0.5.)",
)


# --- 05.delta_output --------------------------------------------------------------------------
register(
    "05.delta_output",
    "Sigmoid output o = 0.8, target 1, input x = 0.5, E = (o - t)^2 / 2: dE/dw?",
    number(-0.016, tol=1e-9, what="dE/dw",
           mistakes={-0.1: "that is (o - t) x: the sigmoid's local gradient o (1 - o) is "
                           "missing between them.",
                     -0.032: "that is (o - t) o (1 - o): multiply by the input x as well.",
                     0.016: "o < t, so raising w lowers the error: the gradient is negative."}),
    solution=-0.016,
    wrong=-0.1,
    wrong_says="the sigmoid's local gradient",
    hint="dE/dw = dE/do * do/dtheta * dtheta/dw = (o - t) * o (1 - o) * x.",
    explanation="(0.8 - 1) * 0.8 * 0.2 * 0.5 = -0.2 * 0.16 * 0.5 = -0.016.",
)


# --- 05.hidden_delta --------------------------------------------------------------------------
register(
    "05.hidden_delta",
    "Hidden O = 0.6, output deltas (0.1, -0.2), its weights (0.5, -0.25): its delta?",
    number(0.024, tol=1e-9, what="the hidden unit's delta",
           mistakes={0.1: "that is sum_j delta_j W_ij alone: multiply by the unit's own "
                          "sigmoid slope O (1 - O) = 0.24.",
                     0.0: "the two paths add: 0.1 * 0.5 + (-0.2) * (-0.25), both positive.",
                     0.06: "O (1 - O) = 0.6 * 0.4 = 0.24, not 0.6."}),
    solution=0.024,
    wrong=0.1,
    wrong_says="sigmoid slope",
    hint="delta_i = O_i (1 - O_i) * sum_j delta_j W_ij: a sum over the paths to the outputs.",
    explanation="sum_j delta_j W_ij = 0.1 * 0.5 + (-0.2) * (-0.25) = 0.05 + 0.05 = 0.1; times "
                "O (1 - O) = 0.24 gives 0.024.",
)


# --- 05.fix_slide -----------------------------------------------------------------------------
SLIDE = '''
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters['W1']
    W2 = parameters['W2']
    A1 = cache['A1']
    A2 = cache['A2']

    dZ2= A2 - Y
    dw2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dz1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dw1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dw1, "db1": db1, "dW2": dw2, "db2": db2}
    return grads
'''


def _slide() -> Callable[..., Any]:
    """The slide's function, verbatim; numpy is bound when it is first called."""
    ns: dict[str, Any] = {}
    exec(SLIDE, ns)  # noqa: S102 - the deck's own code, verbatim
    verbatim = ns["backward_propagation"]

    def backward_propagation(parameters: dict, cache: dict, X: Any, Y: Any) -> Any:
        import numpy

        ns["np"] = numpy
        return verbatim(parameters, cache, X, Y)

    return backward_propagation


def backward_propagation_fixed(parameters: dict, cache: dict, X: np.ndarray,
                               Y: np.ndarray) -> dict:
    """The slide's code with one spelling: dZ1 (it assigned dz1 and read dZ1)."""
    import numpy as np

    m = X.shape[1]
    W2 = parameters['W2']
    A1 = cache['A1']
    A2 = cache['A2']
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _engine_grads(P: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    """The same network as scalar Values: mean cross-entropy, backward()."""
    import numpy as np

    from autograd_core import Value

    V = {k: [[Value(float(v)) for v in row] for row in a] for k, a in P.items()}
    n_h, n_x = P["W1"].shape
    m = X.shape[1]
    total = Value(0.0)
    for k in range(m):
        x = X[:, k].tolist()
        a1 = [sum((V["W1"][i][j] * x[j] for j in range(n_x)), V["b1"][i][0]).tanh()
              for i in range(n_h)]
        a2 = sum((V["W2"][0][i] * a1[i] for i in range(n_h)), V["b2"][0][0]).sigmoid()
        y = float(Y[0, k])
        total = total - (y * a2.log() + (1 - y) * (1 - a2).log())
    (total * (1.0 / m)).backward()
    return {"d" + k: np.array([[v.grad for v in row] for row in rows]) for k, rows in V.items()}


def _judge_backward(fn: Any) -> str | None:
    import numpy as np

    if not callable(fn):
        return f"give the function itself (backward_propagation_fixed), got {fn!r}"
    rng = np.random.default_rng(7)
    X = rng.normal(size=(2, 5))
    Y = (rng.random((1, 5)) > 0.5).astype(float)
    P = {"W1": rng.normal(size=(4, 2)), "b1": rng.normal(size=(4, 1)),
         "W2": rng.normal(size=(1, 4)), "b2": rng.normal(size=(1, 1))}
    A1 = np.tanh(P["W1"] @ X + P["b1"])
    A2 = 1 / (1 + np.exp(-(P["W2"] @ A1 + P["b2"])))
    got = fn({k: v.copy() for k, v in P.items()}, {"A1": A1, "A2": A2}, X, Y)
    if got is None:
        return "the function returns None: return the dict of gradients"
    if not isinstance(got, dict):
        return f"return a dict {{'dW1': ..., 'db1': ..., 'dW2': ..., 'db2': ...}}, got {got!r}"
    want = _engine_grads(P, X, Y)
    for key in ("dW1", "db1", "dW2", "db2"):
        if key not in got:
            return f"the dict has no {key!r} (it has {sorted(got)}); names are case-sensitive"
        g = np.asarray(got[key], dtype=float)
        if g.shape != want[key].shape:
            return f"{key} has shape {g.shape}, the engine's has {want[key].shape}"
        if not np.allclose(g, want[key], rtol=1e-9, atol=1e-12):
            worst = float(np.abs(g - want[key]).max())
            return f"{key} differs from the engine's gradient by up to {worst:.3g}"
    return None


register(
    "05.fix_slide",
    "Fix the slide's backward_propagation(parameters, cache, X, Y).",
    predicate(_judge_backward, right_says="all four gradients equal the engine's."),
    solution=backward_propagation_fixed,
    wrong=_slide(),
    wrong_says="NameError: name 'dZ1' is not defined",
    hint="The slide assigns dz1 (lower case) and then reads dZ1. Use one spelling.",
    explanation="Only the spelling changes: dZ1 everywhere (and dW1/dW2 for tidiness).",
)

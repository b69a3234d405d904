"""Random expression DAGs with reuse, for property-based and PyTorch parity tests.

A program is a list of steps; step k makes node n+k from earlier nodes (chosen by index, so a
node can be used many times, and twice by the same op). Ops are kept in smooth regions: inputs
of log and sqrt are passed through softplus + 0.1 first, exp gets a tanh-bounded input, elu
uses alpha = 1 (continuously differentiable at 0)."""

from __future__ import annotations

from hypothesis import strategies as st

UNARY = ["tanh", "sigmoid", "exp_tanh", "log_sp", "sqrt_sp", "softplus", "neg", "square",
         "cube", "elu", "leaky", "scale"]
KINKED = {"leaky"}  # not differentiable at 0: leave out where central differences judge
BINARY = ["add", "sub", "mul", "div_sp", "pow_sp"]
NARY = ["sum", "dot", "logsumexp", "softmax0"]


@st.composite
def programs(draw, n_inputs: int = 3, max_steps: int = 12, smooth: bool = False):
    unary = [u for u in UNARY if not (smooth and u in KINKED)]
    steps: list[tuple[str, tuple[int, ...]]] = []
    for k in range(draw(st.integers(1, max_steps))):
        n = n_inputs + k
        kind = draw(st.sampled_from(["u", "b", "b", "n"]))
        if kind == "u":
            steps.append((draw(st.sampled_from(unary)), (draw(st.integers(0, n - 1)),)))
        elif kind == "b":
            steps.append((draw(st.sampled_from(BINARY)),
                          (draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))))
        else:
            m = draw(st.integers(2, 4))
            steps.append((draw(st.sampled_from(NARY)),
                          tuple(draw(st.integers(0, n - 1)) for _ in range(m))))
    return steps


def run_values(steps, xs):
    """Execute a program with the engine's Values."""
    from autograd_core.functional import dot, logsumexp, softmax
    from autograd_core.functional import sum as vsum

    nodes = list(xs)
    for op, idx in steps:
        a = [nodes[i] for i in idx]
        nodes.append({
            "tanh": lambda: a[0].tanh(), "sigmoid": lambda: a[0].sigmoid(),
            "exp_tanh": lambda: a[0].tanh().exp(), "log_sp": lambda: (a[0].softplus() + 0.1).log(),
            "sqrt_sp": lambda: (a[0].softplus() + 0.1).sqrt(), "softplus": lambda: a[0].softplus(),
            "neg": lambda: -a[0], "square": lambda: a[0] ** 2, "cube": lambda: a[0] ** 3,
            "elu": lambda: a[0].elu(1.0), "leaky": lambda: a[0].leaky_relu(0.2),
            "scale": lambda: 0.5 * a[0],
            "add": lambda: a[0] + a[1], "sub": lambda: a[0] - a[1], "mul": lambda: a[0] * a[1],
            "div_sp": lambda: a[0] / (a[1].softplus() + 0.5),
            "pow_sp": lambda: (a[0].sigmoid() + 0.5) ** a[1].tanh(),
            "sum": lambda: vsum(a), "dot": lambda: dot(a, a[::-1]),
            "logsumexp": lambda: logsumexp(a), "softmax0": lambda: softmax(a)[0],
        }[op]())
    return nodes[-1]


def run_torch(steps, xs):
    """Execute the same program with torch tensors (float64)."""
    import torch
    import torch.nn.functional as F

    nodes = list(xs)
    for op, idx in steps:
        a = [nodes[i] for i in idx]
        nodes.append({
            "tanh": lambda: torch.tanh(a[0]), "sigmoid": lambda: torch.sigmoid(a[0]),
            "exp_tanh": lambda: torch.exp(torch.tanh(a[0])),
            "log_sp": lambda: torch.log(F.softplus(a[0]) + 0.1),
            "sqrt_sp": lambda: torch.sqrt(F.softplus(a[0]) + 0.1),
            "softplus": lambda: F.softplus(a[0]), "neg": lambda: -a[0],
            "square": lambda: a[0] ** 2, "cube": lambda: a[0] ** 3,
            "elu": lambda: F.elu(a[0], 1.0), "leaky": lambda: F.leaky_relu(a[0], 0.2),
            "scale": lambda: 0.5 * a[0],
            "add": lambda: a[0] + a[1], "sub": lambda: a[0] - a[1], "mul": lambda: a[0] * a[1],
            "div_sp": lambda: a[0] / (F.softplus(a[1]) + 0.5),
            "pow_sp": lambda: (torch.sigmoid(a[0]) + 0.5) ** torch.tanh(a[1]),
            "sum": lambda: torch.stack(a).sum(),
            "dot": lambda: torch.dot(torch.stack(a), torch.stack(a[::-1])),
            "logsumexp": lambda: torch.logsumexp(torch.stack(a), 0),
            "softmax0": lambda: torch.softmax(torch.stack(a), 0)[0],
        }[op]())
    return nodes[-1]

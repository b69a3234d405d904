"""Benchmark: the compiler (autograd_core.compile) against hand-written numpy, PyTorch, micrograd.

Run:  .venv/bin/python benchmarks/bench_compiled.py  [--quick]

Every row of a table is measured in this run, from the same weights, as the median of several
repeats (the fast rows interleaved, so a noisy neighbour slows them alike), with its ratio to
the hand-written numpy step. This is a benchmark, not a test: it prints numbers and never fails.

1. micrograd's demo step: 100 two-moons points, MLP 2-16-16-1 (relu, linear output),
   loss = mean_i relu(1 - y_i score_i) + 1e-4 sum(p^2), backward, SGD (lr 0.9). Rows:
   compiled with the neuron written micrograd's way (``sum((wi*xi for ...), self.b)``),
   compiled with nn's ``dot`` neurons (``nn.MLP``), ``nn.fit(compiled=True)`` per step (one
   full-batch epoch is one step) and the bare program of fit's objective stepped by hand
   (runs interleaved), numpy by hand, PyTorch CPU float64, the eager engine,
   micrograd 0.1.0.
2. digits: sklearn's 8x8 digits, MLP 64-32-10 tanh, softmax cross-entropy, Adam (lr 0.01),
   minibatches of 64: one epoch, compiled (the program and nn's array Adam, as fit runs them)
   against PyTorch CPU float64 on the same minibatches.
3. how cost grows: the compiled step for batches of 10 to 100,000 examples against numpy, and
   compile time for graphs of 1k to 200k nodes (micrograd-style MLPs, and a deep chain).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from autograd_core import Value, compile
from autograd_core.functional import dot, logsumexp
from nn.array_optim import array_optimizer

SIZES = [2, 16, 16, 1]
ALPHA = 1e-4
LR = 0.9


def moons(n: int = 100, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles with noise 0.1 (sklearn's make_moons), labels -1 / +1."""
    try:
        from sklearn.datasets import make_moons

        X, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    except ImportError:  # the same construction, without sklearn
        rng = np.random.default_rng(seed)
        t = rng.uniform(0, np.pi, n)
        half = np.arange(n) < n // 2
        X = np.where(half[:, None], np.c_[np.cos(t), np.sin(t)],
                     np.c_[1 - np.cos(t), 0.5 - np.sin(t)]) + rng.normal(0, 0.1, (n, 2))
        y = (~half).astype(int)
    return X.astype(float), 2.0 * y - 1.0


def init_weights(seed: int = 1337) -> list[tuple[np.ndarray, np.ndarray]]:
    """Uniform(-1, 1) weights as micrograd's Neuron, biases 0; one (W, b) per layer."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in zip(SIZES, SIZES[1:]):
        W = np.array([[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)])
        layers.append((W, np.zeros(nout)))
    return layers


def flat(layers: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """Parameters in micrograd's order: each neuron's weights, then its bias, layer by layer."""
    out: list[float] = []
    for W, b in layers:
        for j in range(W.shape[0]):
            out.extend(W[j].tolist())
            out.append(float(b[j]))
    return out


# --- autograd_core: an MLP of Values ------------------------------------------------------------
class ValueMLP:
    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.layers = [[([Value(w) for w in W[j].tolist()], Value(float(b[j])))
                        for j in range(W.shape[0])] for W, b in layers]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for w, b in layer for p in [*w, b]]

    def __call__(self, x: list[Any]) -> Value:
        h = x
        for i, layer in enumerate(self.layers):
            h = [dot(w, h, b) for w, b in layer]
            if i < len(self.layers) - 1:
                h = [v.relu() for v in h]
        return h[0]


def demo_loss(model: ValueMLP) -> Callable[[list[Value], Value], Value]:
    """One example's loss: hinge plus the (shared) L2 term; its mean over a batch is the demo's
    total loss, mean_i relu(1 - y_i s_i) + alpha sum p^2."""
    params = model.parameters()

    def loss(x: list[Value], y: Value) -> Value:
        return (1 - y * model(x)).relu() + ALPHA * sum(p * p for p in params)
    return loss


def step_eager(model: ValueMLP, X: np.ndarray, y: np.ndarray) -> float:
    params = model.parameters()
    losses = [(1 - yi * model(list(xi))).relu() for xi, yi in zip(X.tolist(), y.tolist())]
    total = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
    for p in params:
        p.grad = 0.0
    total.backward()
    for p in params:
        p.data -= LR * p.grad
    return total.data


# --- hand-written numpy -------------------------------------------------------------------------
def step_numpy(P: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    W1, b1, W2, b2, W3, b3 = P
    n = len(y)
    z1 = X @ W1.T + b1
    h1 = np.maximum(z1, 0.0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0.0)
    s = h2 @ W3[0] + b3[0]
    margin = 1.0 - y * s
    loss = np.maximum(margin, 0.0).sum() / n + ALPHA * sum(float(np.vdot(p, p)) for p in P)
    ds = np.where(margin > 0.0, -y, 0.0) / n
    dh2 = np.outer(ds, W3[0]) * (z2 > 0.0)
    dh1 = (dh2 @ W2) * (z1 > 0.0)
    grads = [dh1.T @ X, dh1.sum(0), dh2.T @ h1, dh2.sum(0), (ds @ h2)[None, :],
             np.array([ds.sum()])]
    for p, g in zip(P, grads):
        p -= LR * (g + 2.0 * ALPHA * p)
    return float(loss)


# --- torch --------------------------------------------------------------------------------------
def torch_step_fn(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                  y: np.ndarray) -> Callable[[], float] | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    P = [torch.tensor(a, dtype=torch.float64, requires_grad=True)
         for W, b in layers for a in (W, b)]
    Xt = torch.tensor(X)
    yt = torch.tensor(y)

    def step() -> float:
        W1, b1, W2, b2, W3, b3 = P
        s = (torch.relu(torch.relu(Xt @ W1.T + b1) @ W2.T + b2) @ W3.T + b3)[:, 0]
        loss = torch.relu(1 - yt * s).mean() + ALPHA * sum((p * p).sum() for p in P)
        loss.backward()
        with torch.no_grad():
            for p in P:
                p -= LR * p.grad  # type: ignore[operator]
                p.grad = None
        return float(loss.detach())
    return step


# --- micrograd ----------------------------------------------------------------------------------
def micrograd_step_fn(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                      y: np.ndarray) -> Callable[[], float] | None:
    try:
        from micrograd.engine import Value as MValue
        from micrograd.nn import MLP
    except ImportError:
        return None
    sys.setrecursionlimit(100_000)
    model = MLP(2, [16, 16, 1])
    for p, x in zip(model.parameters(), flat(layers)):
        p.data = x
    Xl = X.tolist()
    yl = y.tolist()

    def step() -> float:
        inputs = [list(map(MValue, xrow)) for xrow in Xl]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(yl, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= LR * p.grad
        return float(total.data)
    return step


def timed(fn: Callable[[], Any], inner: int, repeats: int) -> tuple[float, Any]:
    """Median seconds per call over `repeats` runs of `inner` calls, and the first result."""
    first = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t0) / inner)
    return statistics.median(times), first


def timed_together(fns: dict[str, Callable[[], Any]], inner: int,
                   repeats: int) -> dict[str, tuple[float, Any]]:
    """Like :func:`timed` for several functions, their repeats interleaved (a, b, c, a, b, c...)
    so that a noisy neighbour on a shared machine slows all of them alike."""
    first = {name: fn() for name, fn in fns.items()}
    for fn in fns.values():  # warm up
        for _ in range(inner):
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - t0) / inner)
    return {name: (statistics.median(times[name]), first[name]) for name in fns}



class MicrogradNeuronMLP:
    """The same MLP with each neuron written as micrograd writes it:
    ``sum((wi * xi for wi, xi in zip(self.w, x)), self.b)`` (multiplies and a chain of adds)."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.layers = [[([Value(w) for w in W[j].tolist()], Value(float(b[j])))
                        for j in range(W.shape[0])] for W, b in layers]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for w, b in layer for p in [*w, b]]

    def __call__(self, x: list[Any]) -> Value:
        h = x
        for i, layer in enumerate(self.layers):
            h = [sum((wi * xi for wi, xi in zip(w, h)), b) for w, b in layer]
            if i < len(self.layers) - 1:
                h = [v.relu() for v in h]
        return h[0]


def nn_mlp(layers: list[tuple[np.ndarray, np.ndarray]]) -> nn.MLP:
    """nn.MLP(2, [16, 16, 1]) holding the given weights (its parameter order is micrograd's)."""
    model = nn.MLP(2, [16, 16, 1])
    for p, x in zip(model.parameters(), flat(layers)):
        p.data = x
    return model


def compiled_step(model: Any, X: np.ndarray, y: np.ndarray) -> tuple[Callable[[], float], Any]:
    """The compiled demo step on a parameter array: value_and_grad, then SGD."""
    params = model.parameters()

    def loss(x: list[Value], t: Value) -> Value:
        return (1 - t * model(x)).relu() + ALPHA * sum(p * p for p in params)

    t0 = time.perf_counter()
    prog = compile(loss, 2, (), params=params)
    prog.compile_seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    theta = prog.get_params()

    def step() -> float:
        value, g = prog.value_and_grad(X, y, params=theta)
        theta[:] -= LR * g
        return value
    return step, prog


def fit_per_step(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, y: np.ndarray,
                 steps: int, repeats: int) -> tuple[float, float]:
    """nn.fit(compiled=True) on the demo (full batch: an epoch is a step, no callback) against
    the bare program of the same objective (``hinge + l2_penalty``, as fit builds it) stepped
    by hand with SGD on the parameter array, ``steps`` steps each, runs interleaved. fit's
    time per step is the difference between runs of 10 + ``steps`` and of 10 epochs (so its
    compiling cancels). Returns (fit, bare) seconds per step."""
    def run(epochs: int) -> float:
        model = nn_mlp(layers)
        t0 = time.perf_counter()
        nn.fit(model, X, y, loss="hinge", l2=2 * ALPHA, epochs=epochs, progress=False,
               compiled=True, optimizer=nn.SGD(model, lr=LR))
        return time.perf_counter() - t0

    model = nn_mlp(layers)
    params = model.parameters()
    prog = compile(lambda x, t: nn.losses.hinge(model(x), t) + nn.losses.l2_penalty(
        params, 2 * ALPHA), 2, (), params=params)
    theta = prog.get_params()

    def bare() -> float:
        t0 = time.perf_counter()
        for _ in range(steps):
            _, g = prog.value_and_grad(X, y, params=theta)
            theta[:] -= LR * g
        return time.perf_counter() - t0

    short: list[float] = []
    long: list[float] = []
    own: list[float] = []
    for _ in range(repeats):
        short.append(run(10))
        long.append(run(10 + steps))
        own.append(bare())
    fit_s = (statistics.median(long) - statistics.median(short)) / steps
    return fit_s, statistics.median(own) / steps


def fmt(sec: float) -> str:
    if sec < 1e-3:
        return f"{sec * 1e6:.0f} us"
    if sec < 1.0:
        return f"{sec * 1e3:.2f} ms"
    return f"{sec:.2f} s"


def ratio(a: float, b: float) -> str:
    r = a / b
    return f"{r:.2f}x" if r < 100 else f"{r:,.0f}x"


TARGETS: list[str] = []


def target(what: str, value: float, limit: float, less: bool = True, unit: str = "x") -> None:
    ok = value <= limit if less else value > limit
    TARGETS.append(f"  {'met ' if ok else 'MISS'}  {what}: {value:.2f}{unit} "
                   f"(target {'<=' if less else '>'} {limit:g}{unit})")


def bench_demo(quick: bool) -> None:
    X, y = moons(100)
    layers = init_weights()
    mg_step, mg_prog = compiled_step(MicrogradNeuronMLP(layers), X, y)
    nn_step, nn_prog = compiled_step(nn_mlp(layers), X, y)
    P = [a.copy() for W, b in layers for a in (W, b)]
    fast: dict[str, Callable[[], Any]] = {
        "numpy (by hand)": lambda: step_numpy(P, X, y),
        "compiled, micrograd neurons": mg_step, "compiled, nn.MLP": nn_step}
    tstep = torch_step_fn(layers, X, y)
    if tstep is not None:
        fast["torch (CPU, f64)"] = tstep
    res = timed_together(fast, 20 if quick else 50, 9 if quick else 21)
    rows = [(name, *res[name]) for name in fast]
    fit_s, bare_s = fit_per_step(layers, X, y, 200 if quick else 500, 3 if quick else 7)
    rows.append(("nn.fit(compiled=True)", fit_s, float("nan")))
    rows.append(("  its program, bare", bare_s, float("nan")))
    model_e = ValueMLP(layers)
    rows.append(("eager engine", *timed(lambda: step_eager(model_e, X, y), 1, 3 if quick else 5)))
    mstep = micrograd_step_fn(layers, X, y)
    if mstep is not None:
        rows.append(("micrograd 0.1.0", *timed(mstep, 1, 3)))

    print("1. micrograd's demo step: 100 moons, MLP 2-16-16-1, hinge + L2, backward, SGD")
    print(f"   compile: micrograd neurons {mg_prog.compile_seconds * 1e3:.1f} ms "
          f"({mg_prog.n_nodes} nodes -> {mg_prog.n_groups} groups), nn.MLP "
          f"{nn_prog.compile_seconds * 1e3:.1f} ms ({nn_prog.n_nodes} nodes -> "
          f"{nn_prog.n_groups} groups)")
    base = res["numpy (by hand)"][0]
    print(f"   {'implementation':<28} {'per step':>10} {'vs numpy':>10} {'first loss':>12}")
    for name, sec, loss in rows:
        print(f"   {name:<28} {fmt(sec):>10} {ratio(sec, base):>10} {loss:>12.6f}")
    t = {name: sec for name, sec, _ in rows}
    target("micrograd neurons compiled / numpy", t["compiled, micrograd neurons"] / base, 1.5)
    target("nn.MLP compiled / numpy", t["compiled, nn.MLP"] / base, 1.3)
    target("fit(compiled=True) step / its bare program", fit_s / bare_s, 1.2)
    if "torch (CPU, f64)" in t:
        target("torch / nn.MLP compiled", t["torch (CPU, f64)"] / t["compiled, nn.MLP"], 1.0,
               less=False)
    if "micrograd 0.1.0" in t:
        target("micrograd / nn.MLP compiled", t["micrograd 0.1.0"] / t["compiled, nn.MLP"],
               1000.0, less=False)
    target("moons model compile time (nn.MLP)", nn_prog.compile_seconds * 1e3, 50.0, unit=" ms")
    target("moons model compile time (micrograd neurons)", mg_prog.compile_seconds * 1e3, 50.0,
           unit=" ms")


def bench_digits(quick: bool) -> None:
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("\n2. digits: scikit-learn is not installed; skipped")
        return
    digits = load_digits()
    X = digits.data / 16.0
    y = digits.target
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    batches = [order[i:i + 64] for i in range(0, len(order), 64)]
    onehot = np.eye(10)

    model = nn.MLP(64, [32, 10], activation="tanh", init="xavier", seed=0)
    params = model.parameters()

    def loss(x: list[Value], t: list[Value]) -> Value:
        z: Any = model(x)
        return logsumexp(z) - dot(t, z)

    t0 = time.perf_counter()
    prog = compile(loss, 64, 10, params=params)
    compile_s = time.perf_counter() - t0
    init = prog.get_params()

    def compiled_epoch() -> float:
        theta = init.copy()
        opt = array_optimizer(nn.Adam(params, lr=0.01), params)
        assert opt is not None
        value = 0.0
        for idx in batches:
            value, g = prog.value_and_grad(X[idx], onehot[y[idx]], params=theta)
            opt.step(theta, g)
        return value

    fns: dict[str, Callable[[], Any]] = {"compiled (program + array Adam)": compiled_epoch}
    try:
        import torch
    except ImportError:
        torch = None  # type: ignore[assignment]
    if torch is not None:
        torch.set_num_threads(1)
        Xt = torch.tensor(X)
        yt = torch.tensor(y)
        layers = [(np.array([[p.data for p in n.w] for n in layer.neurons]),
                   np.array([n.b.data for n in layer.neurons])) for layer in model.layers]

        def torch_epoch() -> float:
            lin1 = torch.nn.Linear(64, 32, dtype=torch.float64)
            lin2 = torch.nn.Linear(32, 10, dtype=torch.float64)
            with torch.no_grad():
                for lin, (W, b) in zip((lin1, lin2), layers):
                    lin.weight.copy_(torch.tensor(W))
                    lin.bias.copy_(torch.tensor(b))
            net = torch.nn.Sequential(lin1, torch.nn.Tanh(), lin2)
            opt = torch.optim.Adam(net.parameters(), lr=0.01)
            value = 0.0
            for idx in batches:
                ti = torch.as_tensor(idx)
                out = torch.nn.functional.cross_entropy(net(Xt[ti]), yt[ti])
                opt.zero_grad()
                out.backward()
                opt.step()
                value = float(out.detach())
            return value
        fns["torch (CPU, f64)"] = torch_epoch
    res = timed_together(fns, 1, 3 if quick else 7)
    print(f"\n2. digits: MLP 64-32-10 tanh, cross-entropy, Adam lr 0.01, {len(batches)} "
          f"minibatches of 64 ({len(X)} images), one epoch")
    print(f"   compile {compile_s * 1e3:.0f} ms ({prog.n_nodes} nodes -> {prog.n_groups} groups)")
    base = res["compiled (program + array Adam)"][0]
    print(f"   {'implementation':<34} {'epoch':>10} {'vs compiled':>12} {'last loss':>12}")
    for name, (sec, last) in res.items():
        print(f"   {name:<34} {fmt(sec):>10} {ratio(sec, base):>12} {last:>12.6f}")
    if "torch (CPU, f64)" in res:
        target("digits epoch: torch / compiled", res["torch (CPU, f64)"][0] / base, 1.0,
               less=False)


def bench_scaling(quick: bool) -> None:
    layers = init_weights()
    model = nn_mlp(layers)
    params = model.parameters()
    prog = compile(lambda x, t: (1 - t * model(x)).relu() + ALPHA * sum(p * p for p in params),
                   2, (), params=params)
    theta = prog.get_params()
    rng = np.random.default_rng(0)
    print("\n3. how cost grows")
    print("   the demo step (forward + backward + SGD) for a batch of N examples")
    print(f"   {'N':>8} {'compiled':>10} {'numpy':>10} {'ratio':>7} {'compiled per example':>22}")
    sizes = [10, 100, 1000, 10_000, 100_000]
    for n in sizes:
        X = rng.normal(size=(n, 2))
        y = np.sign(X[:, 0] * X[:, 1]) + (X[:, 0] * X[:, 1] == 0)
        P = [a.copy() for W, b in layers for a in (W, b)]
        th = theta.copy()

        def comp(X: np.ndarray = X, y: np.ndarray = y, th: np.ndarray = th) -> float:
            v, g = prog.value_and_grad(X, y, params=th)
            th -= 1e-3 * g
            return v

        def hand(P: list[np.ndarray] = P, X: np.ndarray = X, y: np.ndarray = y) -> float:
            return step_numpy(P, X, y)

        inner = max(1, 2000 // n)
        res = timed_together({"c": comp, "n": hand}, inner, 5 if quick else 9)
        c, h = res["c"][0], res["n"][0]
        print(f"   {n:>8,} {fmt(c):>10} {fmt(h):>10} {c / h:>6.2f}x {c / n * 1e9:>19.0f} ns")
    print("   compile time against graph size")
    print(f"   {'graph':<40} {'nodes':>8} {'groups':>7} {'compile':>10} {'per node':>10}")
    widths = [16, 32, 64, 128] if quick else [16, 32, 64, 128, 256]
    for w in widths:
        big = [(np.asarray(rng.uniform(-1, 1, (o, i))), np.zeros(o))
               for i, o in zip([2, w, w], [w, w, 1])]
        mg = MicrogradNeuronMLP(big)
        t0 = time.perf_counter()
        p = compile(lambda x, t, mg=mg: (1 - t * mg(x)).relu(), 2, (), params=mg.parameters())
        sec = time.perf_counter() - t0
        print(f"   {f'micrograd-neuron MLP 2-{w}-{w}-1':<40} {p.n_nodes:>8,} {p.n_groups:>7} "
              f"{fmt(sec):>10} {sec / p.n_nodes * 1e6:>7.1f} us")
        del p, mg
    for depth in [300, 3000] if quick else [300, 3000, 30_000]:
        wv, bv = Value(0.5), Value(0.1)

        def chain(x: list[Value], depth: int = depth) -> Value:
            h = x[0]
            for _ in range(depth):
                h = (h * wv + bv).tanh()
            return h

        t0 = time.perf_counter()
        p = compile(chain, 1, params=[wv, bv])
        sec = time.perf_counter() - t0
        print(f"   {f'chain tanh(h w + b), depth {depth:,}':<40} {p.n_nodes:>8,} {p.n_groups:>7} "
              f"{fmt(sec):>10} {sec / p.n_nodes * 1e6:>7.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller graphs")
    args = parser.parse_args()
    bench_demo(args.quick)
    bench_digits(args.quick)
    bench_scaling(args.quick)
    print("\ntargets")
    print("\n".join(TARGETS))


if __name__ == "__main__":
    main()

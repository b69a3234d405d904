"""Benchmark: the compiled batch executor (autograd_core.compile) against everything else.

Run:  .venv/bin/python benchmarks/bench_compiled.py  [--quick]

Part 1, micrograd's demo step: 100 two-moons points, MLP 2-16-16-1 (relu, linear output),
loss = mean_i relu(1 - y_i score_i) + 1e-4 sum(p^2), backward, SGD update (lr = 0.9). Every
implementation starts from the same weights and runs the same steps; the table gives the median
time per step of several repeats, all measured in this run, and each one's ratio to the compiled
step. Implementations:

* compiled      ``compile(loss, 2, ())``; ``value_and_grad(X, y, params=theta)`` and an SGD
                update on the parameter array (the fast path an optimizer over arrays uses)
* compiled+Values  the same program through ``prog(X, y)``: reads each parameter's ``.data``,
                adds into each ``.grad``, and SGD updates the Values (what nn's fit does)
* numpy         the same network written by hand with numpy (forward, backward, update)
* torch         PyTorch float64 on CPU, batched tensors, autograd (when installed)
* eager         autograd_core's scalar engine, one graph per example (as micrograd's demo)
* micrograd     micrograd 0.1.0 as installed (when installed)

Part 2, handwritten digits: sklearn's 8x8 digits, MLP 64-32-10 (tanh), softmax cross-entropy,
Adam, compiled; wall time including compilation, and test accuracy.

This is a benchmark, not a test: it prints numbers and never fails a build.
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

from autograd_core import Value, compile
from autograd_core.functional import dot, logsumexp

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


def bench_demo(quick: bool) -> list[tuple[str, float, float]]:
    X, y = moons(100)
    layers = init_weights()
    rows: list[tuple[str, float, float]] = []  # (name, seconds per step, first loss)

    model = ValueMLP(layers)
    t0 = time.perf_counter()
    prog = compile(demo_loss(model), 2, (), params=model.parameters())
    compile_s = time.perf_counter() - t0
    theta = prog.get_params()

    def compiled() -> float:
        loss, g = prog.value_and_grad(X, y, params=theta)
        theta[:] -= LR * g
        return loss

    model_v = ValueMLP(layers)
    prog_v = compile(demo_loss(model_v), 2, (), params=model_v.parameters())
    params_v = model_v.parameters()

    def compiled_values() -> float:
        for p in params_v:
            p.grad = 0.0
        loss = prog_v(X, y)
        for p in params_v:
            p.data -= LR * p.grad
        return loss

    P = [a.copy() for W, b in layers for a in (W, b)]
    fast: dict[str, Callable[[], Any]] = {
        "compiled": compiled, "compiled+Values": compiled_values,
        "numpy (by hand)": lambda: step_numpy(P, X, y)}
    tstep = torch_step_fn(layers, X, y)
    if tstep is not None:
        fast["torch (CPU, f64)"] = tstep
    results = timed_together(fast, 20 if quick else 50, 9 if quick else 21)
    rows.extend((name, *results[name]) for name in fast)
    model_e = ValueMLP(layers)
    rows.append(("eager engine", *timed(lambda: step_eager(model_e, X, y), 1, 3 if quick else 5)))
    mstep = micrograd_step_fn(layers, X, y)
    if mstep is not None:
        rows.append(("micrograd 0.1.0", *timed(mstep, 1, 3)))

    print("micrograd demo step: 100 moons, MLP 2-16-16-1, hinge + L2, backward, SGD "
          f"(compile: {compile_s * 1e3:.1f} ms, {prog.n_nodes} nodes -> {prog.n_groups} groups)")
    base = rows[0][1]
    print(f"  {'implementation':<18} {'per step':>12} {'vs compiled':>12} {'first loss':>12}")
    for name, sec, loss in rows:
        ratio = sec / base
        rel = f"{ratio:.2f}x" if ratio < 100 else f"{ratio:,.0f}x"
        print(f"  {name:<18} {fmt(sec):>12} {rel:>12} {loss:>12.6f}")
    times = {name: sec for name, sec, _ in rows}
    print(f"  compiled / numpy = {base / times['numpy (by hand)']:.2f}x (target <= 3x)", end="")
    if "torch (CPU, f64)" in times:
        print(f"; torch / compiled = {times['torch (CPU, f64)'] / base:.2f}x (target > 1x)",
              end="")
    if "micrograd 0.1.0" in times:
        print(f"; micrograd / compiled = {times['micrograd 0.1.0'] / base:,.0f}x "
              "(target >= 1000x)", end="")
    print()
    return rows


def fmt(sec: float) -> str:
    if sec < 1e-3:
        return f"{sec * 1e6:.0f} us"
    if sec < 1.0:
        return f"{sec * 1e3:.2f} ms"
    return f"{sec:.2f} s"


def bench_digits(quick: bool) -> None:
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("digits: scikit-learn is not installed; skipped")
        return
    t_start = time.perf_counter()
    digits = load_digits()
    X = digits.data / 16.0
    y = digits.target
    rng = np.random.default_rng(0)
    perm = rng.permutation(len(X))
    n_test = 360
    test, train = perm[:n_test], perm[n_test:]
    onehot = np.eye(10)

    prng = random.Random(0)
    sizes = [64, 32, 10]
    layers = []
    for nin, nout in zip(sizes, sizes[1:]):
        bound = (6.0 / (nin + nout)) ** 0.5  # Glorot uniform
        layers.append([([Value(prng.uniform(-bound, bound)) for _ in range(nin)], Value(0.0))
                       for _ in range(nout)])
    params = [p for layer in layers for w, b in layer for p in [*w, b]]

    def logits(x: list[Any]) -> list[Value]:
        h = [dot(w, x, b).tanh() for w, b in layers[0]]
        return [dot(w, h, b) for w, b in layers[1]]

    def loss(x: list[Value], t: list[Value]) -> Value:  # softmax cross-entropy, one-hot target
        z = logits(x)
        return logsumexp(z) - dot(t, z)

    t0 = time.perf_counter()
    prog = compile(loss, 64, 10, params=params)
    predict = compile(logits, 64, params=params)
    compile_s = time.perf_counter() - t0

    theta = prog.get_params()  # Adam over the parameter array
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
    batch = 64
    epochs = 10 if quick else 30
    step = 0
    t_train = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(train)
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            _, g = prog.value_and_grad(X[idx], onehot[y[idx]], params=theta)
            step += 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            theta -= lr * (m / (1 - b1 ** step)) / (np.sqrt(v / (1 - b2 ** step)) + eps)
    train_s = time.perf_counter() - t_train
    acc = float((predict.forward(X[test], params=theta).argmax(1) == y[test]).mean())
    total = time.perf_counter() - t_start
    print(f"\ndigits: MLP 64-32-10 tanh, cross-entropy, Adam lr 1e-2, batch {batch}, {epochs} "
          f"epochs ({step} steps) on {len(train)} images")
    print(f"  compile {compile_s * 1e3:.0f} ms ({prog.n_nodes} nodes -> {prog.n_groups} groups), "
          f"train {train_s:.2f} s ({train_s / step * 1e3:.2f} ms/step), total wall {total:.2f} s "
          "including data loading and compilation")
    print(f"  test accuracy {acc * 100:.1f}% on {n_test} held-out images")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    bench_demo(args.quick)
    bench_digits(args.quick)


if __name__ == "__main__":
    main()

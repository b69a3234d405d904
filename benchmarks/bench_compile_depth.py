"""Benchmark: compile time for deep graphs against wide ones, and the plain-Python backend.

Run:  .venv/bin/python benchmarks/bench_compile_depth.py  [--quick]

1. compile time per node (trace + schedule + lower + simplify + print + Python's compile), the
   median of several runs taken in turn: a chain ``y = (y * 0.9999).tanh()`` 5,000 deep (with a
   parameter, so every node has a backward statement), against a wide MLP 2-64-64-1 written
   with nn (``nn.MLP``) and with micrograd's neurons; the ratio chain / MLP is the figure.
2. a 20,000-deep chain: compile, then one value_and_grad on 100 examples.
3. ``compile(..., backend="python")`` against the eager engine for one example of a 2-8-8-1
   tanh MLP with squared error (forward and backward), per example: the program through its
   API (parameters read from the Values), its bare generated function on a list of numbers
   (what a training loop calls), and the eager ``loss.backward()``.

A benchmark, not a test: it prints numbers and never fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from autograd_core import Value, compile


def chain_fn(depth: int, w: Value) -> Callable[[list[Value]], Value]:
    def fn(x: list[Value]) -> Value:
        y = x[0] * w
        for _ in range(depth):
            y = (y * 0.9999).tanh()
        return y
    return fn


def mlp_nn(width: int) -> tuple[Callable[..., Value], list[Value]]:
    model = nn.MLP(2, [width, width, 1], seed=1)
    return (lambda x, t: (1 - t * model(x)).relu()), model.parameters()


def mlp_micrograd(width: int) -> tuple[Callable[..., Value], list[Value]]:
    rng = random.Random(1)
    layers = [[([Value(rng.uniform(-1, 1)) for _ in range(nin)], Value(0.0))
               for _ in range(nout)] for nin, nout in zip([2, width, width], [width, width, 1])]

    def model(x: list[Value]) -> Value:
        h: list[Any] = x
        for i, layer in enumerate(layers):
            h = [sum((wi * xi for wi, xi in zip(w, h)), b) for w, b in layer]
            if i < len(layers) - 1:
                h = [v.relu() for v in h]
        return h[0]

    params = [p for layer in layers for w, b in layer for p in [*w, b]]
    return (lambda x, t: (1 - t * model(x)).relu()), params


def per_node(make: Callable[[], tuple[Callable[..., Any], tuple[Any, ...], list[Value]]],
             repeats: int) -> tuple[float, int]:
    """Median compile seconds per node, and the node count."""
    times = []
    n = 0
    for _ in range(repeats):
        fn, shapes, params = make()
        t0 = time.perf_counter()
        prog = compile(fn, *shapes, params=params)
        times.append(time.perf_counter() - t0)
        n = prog.n_nodes
    return statistics.median(times) / n, n


def bench_compile(quick: bool) -> None:
    depth = 5000
    repeats = 3 if quick else 7
    w = Value(0.5)
    cases: dict[str, Callable[[], tuple[Callable[..., Any], tuple[Any, ...], list[Value]]]] = {
        f"chain tanh(0.9999 y), {depth:,} deep": lambda: (chain_fn(depth, w), (1,), [w]),
        "MLP 2-64-64-1 (nn.MLP)": lambda: (*_shaped(mlp_nn(64)),),
        "MLP 2-64-64-1 (micrograd neurons)": lambda: (*_shaped(mlp_micrograd(64)),),
    }
    results = {name: [] for name in cases}  # type: dict[str, list[tuple[float, int]]]
    for _ in range(repeats):  # in turn, so that a noisy neighbour slows every case alike
        for name, make in cases.items():
            results[name].append(per_node(make, 1))
    print("1. compile time per node (median of "
          f"{repeats}, taken in turn)")
    print(f"   {'graph':<38} {'nodes':>8} {'per node':>10} {'vs nn MLP':>10}")
    ref = statistics.median(r[0] for r in results["MLP 2-64-64-1 (nn.MLP)"])
    for name, rs in results.items():
        sec = statistics.median(r[0] for r in rs)
        print(f"   {name:<38} {rs[0][1]:>8,} {sec * 1e6:>7.1f} us {sec / ref:>9.2f}x")


def _shaped(pair: tuple[Callable[..., Value], list[Value]]) -> tuple[Any, ...]:
    fn, params = pair
    return fn, (2, ()), params


def bench_deep(quick: bool) -> None:
    depth = 20_000
    w = Value(0.5)
    t0 = time.perf_counter()
    prog = compile(chain_fn(depth, w), 1, params=[w])
    t1 = time.perf_counter()
    X = np.random.default_rng(0).uniform(-1, 1, (100, 1))
    loss, grad = prog.value_and_grad(X)
    t2 = time.perf_counter()
    fwd = compile(chain_fn(depth, w), 1)
    t3 = time.perf_counter()
    out = fwd.forward(X)
    t4 = time.perf_counter()
    print(f"\n2. a {depth:,}-deep chain ({prog.n_nodes:,} nodes), 100 examples")
    print(f"   with a parameter: compile {t1 - t0:.2f} s, value_and_grad {(t2 - t1) * 1e3:.1f} ms "
          f"(loss {loss:.6f}, grad {grad[0]:.3e})")
    print(f"   without:          compile {t3 - t2:.2f} s, forward {(t4 - t3) * 1e3:.1f} ms "
          f"(mean output {out.mean():.6f})")


def bench_python_backend(quick: bool) -> None:
    rng = random.Random(0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1) if _has_activation() else \
        nn.MLP(2, [8, 8, 1], seed=1)

    def loss(x: list[Value], y: Value) -> Value:
        out = model(x)
        return (out - y) ** 2

    prog = compile(loss, 2, (), params=model.parameters(), backend="python")
    raw = prog.function()
    theta = prog.get_params()
    examples = [([rng.uniform(-1, 1), rng.uniform(-1, 1)], rng.choice([-1.0, 1.0]))
                for _ in range(200)]

    def run_api() -> None:
        for x, y in examples:
            prog.value_and_grad(x, y)

    def run_raw() -> None:
        for x, y in examples:
            raw(theta, x, y)

    def run_eager() -> None:
        for x, y in examples:
            model.zero_grad()
            loss([Value(x[0]), Value(x[1])], Value(y)).backward()

    rows = {"eager: loss(x, y).backward()": run_eager,
            "python backend, value_and_grad()": run_api,
            "python backend, bare function": run_raw}
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(3 if quick else 9):
        for name, fn in rows.items():
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) / len(examples))
    ref = statistics.median(times["eager: loss(x, y).backward()"])
    print(f"\n3. one example of a 2-8-8-1 tanh MLP, squared error, forward + backward "
          f"({len(model.parameters())} parameters, {prog.n_nodes} nodes)")
    print(f"   {'implementation':<36} {'per example':>12} {'vs eager':>9}")
    for name, ts in times.items():
        sec = statistics.median(ts)
        print(f"   {name:<36} {sec * 1e6:>9.1f} us {sec / ref:>8.2f}x")


def _has_activation() -> bool:
    import inspect

    return "activation" in inspect.signature(nn.MLP).parameters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    bench_compile(args.quick)
    bench_deep(args.quick)
    bench_python_backend(args.quick)


if __name__ == "__main__":
    main()

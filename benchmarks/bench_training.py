"""Training benchmarks for nn: prints a table; never part of the test suite.

    .venv/bin/python benchmarks/bench_training.py            # everything (~2 minutes)
    .venv/bin/python benchmarks/bench_training.py --repeats 3

1. micrograd's demo step (100 two-moons points, MLP 2-16-16-1, hinge loss + 1e-4 * sum(p^2),
   SGD with lr 1.0 - 0.9 k / 100): the median time of one full step (forward, loss, backward,
   update) for nn, for micrograd 0.1.0 as installed (the collector runs whenever Python
   decides, as in the demo notebook), and for micrograd with Python's cyclic garbage collector
   switched off (gc.collect() runs between steps, outside the timing, so memory stays
   bounded). All three run in this process on the same data, so the ratios are
   measured under the same load. micrograd needs sys.setrecursionlimit raised for its
   recursive topological sort.
   Also the same step run by ``nn.fit`` eagerly and with ``compiled=True`` (the per-example
   loss traced once by autograd_core.compile and run on numpy arrays), timed per epoch
   (= one full-batch step) in the same run.
2. One optimizer step alone (each rule is written once, nn.optim's ``update``, and run per
   parameter on floats by the eager ``step`` and once on whole arrays by fit(compiled=True)):
   the median microseconds per step for SGD, SGD with momentum, Adam and centered RMSprop, on
   the demo's 337 parameters (eager) and on 2,410 parameters (digits' 64-32-10) as arrays.
3. Accuracy and wall time for the "must show" runs: moons (held-out accuracy), 3-arm spirals
   (training accuracy), digits (test accuracy).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from nn import MLP, SGD, Adam, CosineDecay, LinearDecay, data


def median_step(make_step: Callable[[], Callable[[int], Any]], steps: int, repeats: int,
                gc_off: bool = False) -> float:
    """Median seconds per step over ``repeats`` fresh runs of ``steps`` steps each."""
    times = []
    for _ in range(repeats):
        gc.collect()
        step = make_step()
        for k in range(steps):
            if gc_off:
                gc.collect()  # free the previous step's cycles, untimed
                gc.disable()
            t = time.perf_counter()
            step(k)
            times.append(time.perf_counter() - t)
            if gc_off:
                gc.enable()
    gc.collect()
    return statistics.median(times)


def ours_demo(X: np.ndarray, y: np.ndarray) -> Callable[[int], Any]:
    """micrograd's demo loop written with nn (what a micrograd user would write)."""
    model = MLP(2, [16, 16, 1], seed=1337)
    opt = SGD(model, lr=LinearDecay(1.0, 0.1, 100))
    rows, labels = X.tolist(), y.tolist()

    def step(k: int) -> float:
        scores = [model(x) for x in rows]
        loss = nn.hinge(scores, labels) + nn.l2_penalty(model, 2e-4)  # = 1e-4 * sum(p^2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data
    return step


def micrograd_demo(X: np.ndarray, y: np.ndarray) -> Callable[[int], Any]:
    """micrograd's own demo.ipynb training step, verbatim apart from the data."""
    import random

    from micrograd.engine import Value
    from micrograd.nn import MLP as MicroMLP

    random.seed(1337)
    model = MicroMLP(2, [16, 16, 1])

    def step(k: int) -> float:
        inputs = [list(map(Value, xrow)) for xrow in X.tolist()]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y.tolist(), scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        return total_loss.data
    return step


def fit_step_times(X: np.ndarray, y: np.ndarray, compiled: bool, steps: int = 30
                   ) -> tuple[float, float]:
    """micrograd's demo through ``nn.fit`` (one full-batch epoch = one step): the median
    seconds per step, from an epoch callback, and the time before the first step (compiling)."""
    model = MLP(2, [16, 16, 1], seed=1337)
    stamps: list[float] = []
    t0 = time.perf_counter()
    nn.fit(model, X, y, loss="hinge", l2=2e-4, epochs=steps, progress=False, compiled=compiled,
           optimizer=SGD(model, lr=LinearDecay(1.0, 0.1, 100)),
           callbacks=[lambda e, logs: stamps.append(time.perf_counter())])
    per = statistics.median(np.diff(stamps).tolist())
    return per, max(stamps[0] - t0 - per, 0.0)


OPTIMIZER_CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("SGD", lambda ps: nn.SGD(ps, lr=0.01)),
    ("SGD momentum 0.9", lambda ps: nn.SGD(ps, lr=0.01, momentum=0.9)),
    ("Adam", lambda ps: nn.Adam(ps, lr=0.001)),
    ("RMSprop centered", lambda ps: nn.RMSprop(ps, lr=0.001, centered=True)),
]


def optimizer_step_times(make: Callable[[Any], Any], repeats: int) -> tuple[float, float]:
    """Median seconds of one step: eager on 337 Values, and on arrays of 2,410 parameters."""
    from autograd_core import Value
    from nn.array_optim import ArrayOptimizer

    ps = [Value(float(np.cos(i))) for i in range(337)]
    for i, p in enumerate(ps):
        p.grad = float(np.sin(i))
    opt = make(ps)
    eager = statistics.median(_per_call(opt.step, 200) for _ in range(repeats))
    qs = [Value(0.0) for _ in range(2410)]
    arr = ArrayOptimizer(make(qs), qs)
    theta, grad = np.cos(np.arange(2410.0)), np.sin(np.arange(2410.0))
    arrays = statistics.median(_per_call(lambda: arr.step(theta, grad), 200)
                               for _ in range(repeats))
    return eager, arrays


def _per_call(fn: Callable[[], Any], calls: int) -> float:
    t = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t) / calls


def demo_accuracy(X: np.ndarray, y: np.ndarray) -> float:
    """Training accuracy after micrograd's 100 demo steps, run through nn.fit."""
    model = MLP(2, [16, 16, 1], seed=1337)
    h = nn.fit(model, X, y, loss="hinge", l2=2e-4, epochs=100, metrics="accuracy",
               optimizer=SGD(model, lr=LinearDecay(1.0, 0.1, 100)), progress=False)
    return h.history["accuracy"][-1]


def timed(fn: Callable[[], float]) -> tuple[float, float]:
    t = time.perf_counter()
    acc = fn()
    return acc, time.perf_counter() - t


def run_moons() -> float:
    X, y = data.moons(300, noise=0.1, seed=0)
    train, _, test = data.train_val_test_split(X, y, val=0.0, test=0.3, seed=0)
    model = MLP(2, [16, 16, 1], init="he", seed=0)
    nn.fit(model, *train, loss="bce_with_logits", optimizer=Adam(model, lr=0.02), epochs=30,
           batch_size=32, progress=False)
    return nn.evaluate(model, *test, loss="bce_with_logits", metrics="accuracy")["accuracy"]


def run_spirals() -> float:
    X, y = data.spirals(300, arms=3, noise=0.2, seed=0)
    model = MLP(2, [16, 16, 3], init="he", seed=0)
    nn.fit(model, X, y, loss="cross_entropy", optimizer=Adam(model, lr=0.02), epochs=25,
           batch_size=32, progress=False)
    return nn.evaluate(model, X, y, "cross_entropy", ["accuracy"])["accuracy"]


def run_digits(epochs: int = 8, compiled: bool = False) -> float:
    """Digits 64-32-10, cross-entropy, Adam with cosine decay; 8 epochs eager, and the
    compiled run: 30 epochs with fit(compiled=True)."""
    X, y = data.digits()
    X = X / 16.0
    train, _, test = data.train_val_test_split(X, y, val=0.0, test=0.2, seed=0)
    batch = 32
    steps = epochs * -(-len(train[0]) // batch)
    model = MLP(64, [32, 10], init="he", seed=0)
    nn.fit(model, *train, loss="cross_entropy", epochs=epochs, batch_size=batch,
           compiled=compiled, optimizer=Adam(model, lr=CosineDecay(0.01, steps, 0.0005)),
           progress=False)
    return nn.evaluate(model, *test, "cross_entropy", ["accuracy"])["accuracy"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="fresh runs per timing (median)")
    ap.add_argument("--skip-accuracy", action="store_true")
    args = ap.parse_args()
    sys.setrecursionlimit(100_000)  # micrograd's recursive topological sort
    X, y01 = data.moons(100, noise=0.1, seed=1)
    y = 2 * y01 - 1

    print("micrograd demo step (100 moons points, MLP 2-16-16-1, hinge + L2, SGD)")
    print(f"{'implementation':<36}{'median s/step':>14}{'nn is faster by':>17}")
    ours = median_step(lambda: ours_demo(X, y), steps=10, repeats=args.repeats)
    rows = [("nn (this project)", ours)]
    try:
        import micrograd  # noqa: F401
        rows.append(("micrograd 0.1.0 as installed",
                     median_step(lambda: micrograd_demo(X, y), 3, args.repeats)))
        rows.append(("micrograd 0.1.0, gc disabled",
                     median_step(lambda: micrograd_demo(X, y), 3, args.repeats, gc_off=True)))
    except ImportError:
        print("  (micrograd not installed: pip install autograd-core[bench])")
    for name, t in rows:
        ratio = "" if name.startswith("nn") else f"{t / ours:.1f}x"
        print(f"{name:<36}{t:>14.4f}{ratio:>17}")
    fit_rows = []
    for compiled in (False, True):
        runs = [fit_step_times(X, y, compiled) for _ in range(args.repeats)]
        fit_rows.append((statistics.median(r[0] for r in runs),
                         statistics.median(r[1] for r in runs)))
    (eager_t, _), (comp_t, comp_setup) = fit_rows
    print(f"{'nn.fit (eager), per step':<36}{eager_t:>14.5f}")
    print(f"{'nn.fit(compiled=True), per step':<36}{comp_t:>14.5f}"
          f"{'':>3}{eager_t / comp_t:.0f}x faster than eager fit "
          f"(compiling: {comp_setup:.3f} s once)")
    print(f"micrograd demo, 100 steps with nn.fit: training accuracy "
          f"{demo_accuracy(X, y):.0%}")

    print()
    print(f"{'optimizer step':<36}{'eager, 337 (us)':>17}{'arrays, 2410 (us)':>19}")
    for name, make in OPTIMIZER_CASES:
        e, a = optimizer_step_times(make, max(args.repeats, 5))
        print(f"{name:<36}{e * 1e6:>17.1f}{a * 1e6:>19.1f}")

    if args.skip_accuracy:
        return
    print()
    print(f"{'task':<46}{'accuracy':>10}{'time (s)':>10}")
    tasks = [("moons 300, 2-16-16-1, 30 ep, held-out", run_moons),
             ("spirals 3 arms 300, 2-16-16-3, 25 ep, train", run_spirals)]
    try:
        import sklearn  # noqa: F401
        tasks.append(("digits 1437/360, 64-32-10, 8 ep, test", run_digits))
        tasks.append(("digits, same, compiled fit, 30 ep, test",
                      lambda: run_digits(epochs=30, compiled=True)))
    except ImportError:
        print("  (digits skipped: pip install autograd-core[digits])")
    for name, fn in tasks:
        acc, secs = timed(fn)
        print(f"{name:<46}{acc:>10.1%}{secs:>10.1f}")


if __name__ == "__main__":
    main()

"""Engine benchmark: build + backward of a long chain and of a big weighted sum, side by side
with micrograd 0.1.0 (pip install micrograd==0.1.0) in the same run.

    .venv/bin/python benchmarks/bench_engine.py [--n 100000] [--repeats 5]

Rows: a chain of n ops alternating ``y = y + c`` and ``y = y * c`` (the engine's per-op overhead),
and sum_i w_i x_i over n products (one n-ary ``dot`` node here; micrograd's ``sum()`` of n
products). micrograd is timed as installed (its recursive topological sort needs the recursion
limit raised, which we do) and also with its cyclic garbage collector switched off, since that
is where it spends most of its time. Memory is the peak traced allocation of build + backward
divided by the number of graph nodes, measured at n = 20,000 (micrograd makes a node for every
constant too, so the per-op figure is also shown). Repeats of the three timings are
interleaved so that all see the same machine conditions; each figure is their median."""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _timing import in_big_stack, median_time, peak_bytes, table  # noqa: E402

from autograd_core import Value, dot  # noqa: E402


def ours_chain(n: int) -> Value:
    x = Value(1.0)
    y = x
    for _ in range(n // 2):
        y = y + 0.5
        y = y * 0.999
    y.backward()
    return y


def ours_wsum(n: int) -> Value:
    ws = [Value(0.001 * (i % 7)) for i in range(n)]
    xs = [Value(0.002 * (i % 5)) for i in range(n)]
    out = dot(ws, xs)
    out.backward()
    return out


def mg_chain(n: int):  # type: ignore[no-untyped-def]
    from micrograd.engine import Value as MV

    x = MV(1.0)
    y = x
    for _ in range(n // 2):
        y = y + 0.5
        y = y * 0.999
    y.backward()
    return y


def mg_wsum(n: int):  # type: ignore[no-untyped-def]
    from micrograd.engine import Value as MV

    ws = [MV(0.001 * (i % 7)) for i in range(n)]
    xs = [MV(0.002 * (i % 5)) for i in range(n)]
    out = sum(w * x for w, x in zip(ws, xs))
    out.backward()
    return out


def gc_off(fn):  # type: ignore[no-untyped-def]
    def run():  # type: ignore[no-untyped-def]
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    n, reps = args.n, args.repeats
    try:
        import micrograd  # noqa: F401
        have_mg = True
    except ImportError:
        have_mg = False
        print("micrograd is not installed: pip install micrograd==0.1.0 (or EXTRAS=bench)")

    rows = []
    n_mem = min(n, 20_000)  # bytes per node do not depend on n; tracemalloc is slow
    for name, ours, theirs in (("chain of +c, *c", ours_chain, mg_chain),
                               ("weighted sum of products", ours_wsum, mg_wsum)):
        # repeats interleaved (ours, micrograd, micrograd gc off, ours, ...): all three see the
        # same machine conditions, so the ratios hold even when the machine drifts
        t_ours, t_mg, t_nogc = [], [], []
        for _ in range(reps):
            # collect=True clears micrograd's cyclic garbage from its previous run, which our
            # run would otherwise pay for; ours leaves none (freed by reference counting)
            t_ours.append(median_time(lambda: ours(n), 1, collect=True) / n * 1e6)
            if have_mg:
                t_mg.append(in_big_stack(lambda: median_time(lambda: theirs(n), 1)) / n * 1e6)
                t_nogc.append(in_big_stack(
                    lambda: median_time(gc_off(lambda: theirs(n)), 1)) / n * 1e6)
        t_o = statistics.median(t_ours)
        mem_ours = peak_bytes(lambda: ours(n_mem))
        nodes_ours = n_mem + 1 if ours is ours_chain else 2 * n_mem + 1
        row = [name, f"{t_o:.2f}", f"{mem_ours / nodes_ours:.0f}", f"{mem_ours / n_mem:.0f}"]
        if have_mg:
            t_m, t_g = statistics.median(t_mg), statistics.median(t_nogc)
            mem_mg = in_big_stack(lambda: peak_bytes(lambda: theirs(n_mem)))
            nodes_mg = 2 * n_mem + 1 if theirs is mg_chain else 5 * n_mem - 1
            row += [f"{t_m:.2f}", f"{t_g:.2f}", f"{t_m / t_o:.1f}x", f"{t_g / t_o:.1f}x",
                    f"{mem_mg / nodes_mg:.0f}", f"{mem_mg / n_mem:.0f}"]
        rows.append(row)
    headers = [f"n = {n:,}", "ours us/op", "ours B/node", "ours B/op"]
    if have_mg:
        headers += ["micrograd us/op", "micrograd (gc off)", "speed-up", "speed-up vs gc off",
                    "micrograd B/node", "micrograd B/op"]
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"median of {reps} repeats, build + backward")
    print(table(headers, rows))


if __name__ == "__main__":
    main()

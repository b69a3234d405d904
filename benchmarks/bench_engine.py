"""Engine benchmark: build + backward of a long chain and of a big weighted sum, side by side
with micrograd 0.1.0 (pip install micrograd==0.1.0) in the same run.

    .venv/bin/python benchmarks/bench_engine.py [--n 100000] [--repeats 5]

Rows: a chain of n ops alternating ``y = y + c`` and ``y = y * c`` (the engine's per-op overhead),
and sum_i w_i x_i over n products (one n-ary ``dot`` node here; micrograd's ``sum()`` of n
products). micrograd is timed as installed (its recursive topological sort needs the recursion
limit raised, which we do) and also with its cyclic garbage collector switched off, since that
is where it spends most of its time. Memory is the peak traced allocation of build + backward
divided by the number of graph nodes, measured at n = 20,000 (micrograd makes a node for every
constant too, so the per-op figure is also shown). "ours" runs the engine as installed, with
its C accelerator when built; "ours, pure Python" switches it off (use_accelerator(False)).
Repeats of the four timings are interleaved so that all see the same machine conditions; each
figure is their median. The last line checks the engine's targets (<= 1.5 us/op, >= 8x
micrograd, <= 250 B/node)."""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _timing import in_big_stack, median_time, peak_bytes, table  # noqa: E402

from autograd_core import Value, accelerated, dot, use_accelerator  # noqa: E402


def chain(value_cls, n: int):  # type: ignore[no-untyped-def]
    """n ops alternating y + c and y * c, then backward; the same code for both engines."""
    x = value_cls(1.0)
    y = x
    for _ in range(n // 2):
        y = y + 0.5
        y = y * 0.999
    y.backward()
    return y


def weights_and_inputs(value_cls, n: int):  # type: ignore[no-untyped-def]
    return ([value_cls(0.001 * (i % 7)) for i in range(n)],
            [value_cls(0.002 * (i % 5)) for i in range(n)])


def ours_chain(n: int) -> Value:
    return chain(Value, n)  # type: ignore[no-any-return]


def ours_wsum(n: int) -> Value:
    out = dot(*weights_and_inputs(Value, n))
    out.backward()
    return out


def mg_chain(n: int):  # type: ignore[no-untyped-def]
    from micrograd.engine import Value as MV

    return chain(MV, n)


def mg_wsum(n: int):  # type: ignore[no-untyped-def]
    from micrograd.engine import Value as MV

    ws, xs = weights_and_inputs(MV, n)
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


def pure(fn):  # type: ignore[no-untyped-def]
    """fn run on the engine's pure-Python path (the C accelerator switched off)."""
    def run():  # type: ignore[no-untyped-def]
        was = use_accelerator(False)
        try:
            return fn()
        finally:
            use_accelerator(was)
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
    if not accelerated():
        print("the C accelerator is not built (or AUTOGRAD_CORE_PURE_PYTHON is set): "
              "both 'ours' rows run pure Python")

    rows = []
    n_mem = min(n, 20_000)  # bytes per node do not depend on n; tracemalloc is slow
    verdict = []
    for name, ours, theirs, nodes_ours, nodes_mg in (
            ("chain of +c, *c", ours_chain, mg_chain, n_mem + 1, 2 * n_mem + 1),
            ("weighted sum of products", ours_wsum, mg_wsum, 2 * n_mem + 1, 5 * n_mem - 1)):
        # Each timer returns seconds for one build + backward. collect=True clears the cyclic
        # garbage micrograd left behind before each run (ours leaves none), so no run pays for
        # an earlier one's; micrograd runs in a thread with a big stack and recursion limit,
        # which its recursive topological sort needs.
        timers = {"ours": lambda: median_time(lambda: ours(n), 1, collect=True),
                  "ours, pure Python": lambda: median_time(pure(lambda: ours(n)), 1,
                                                           collect=True)}
        if have_mg:
            timers["micrograd 0.1.0"] = lambda: in_big_stack(
                lambda: median_time(lambda: theirs(n), 1, collect=True))
            timers["micrograd, gc off"] = lambda: in_big_stack(
                lambda: median_time(gc_off(lambda: theirs(n)), 1, collect=True))
        # Repeats are interleaved (ours, ours pure, micrograd, micrograd gc off, ours, ...) so
        # that all see the same machine conditions and the ratios hold when the machine drifts.
        times: dict[str, list[float]] = {k: [] for k in timers}
        for _ in range(reps):
            for label, timer in timers.items():
                times[label].append(timer() / n * 1e6)
        med = {k: statistics.median(v) for k, v in times.items()}
        mem = {"ours": peak_bytes(lambda: ours(n_mem))}
        mem["ours, pure Python"] = peak_bytes(pure(lambda: ours(n_mem)))
        if have_mg:
            mem["micrograd 0.1.0"] = mem["micrograd, gc off"] = in_big_stack(
                lambda: peak_bytes(lambda: theirs(n_mem)))
        for label in timers:
            nodes = nodes_mg if label.startswith("micrograd") else nodes_ours
            ratio = (f"{med['micrograd 0.1.0'] / med[label]:.1f}x" if have_mg else "-")
            rows.append([name, label, f"{med[label]:.2f}", f"{mem[label] / nodes:.0f}",
                         f"{mem[label] / n_mem:.0f}", ratio])
        if name.startswith("chain") and have_mg:
            speedup = med["micrograd 0.1.0"] / med["ours"]
            per_node = mem["ours"] / nodes_ours
            verdict = [f"chain {med['ours']:.2f} us/op (target <= 1.5): "
                       f"{'met' if med['ours'] <= 1.5 else 'NOT met'}",
                       f"{speedup:.1f}x micrograd (target >= 8x): "
                       f"{'met' if speedup >= 8 else 'NOT met'}",
                       f"{per_node:.0f} B/node (target <= 250): "
                       f"{'met' if per_node <= 250 else 'NOT met'}"]
    headers = [f"n = {n:,}", "engine", "us/op", "B/node", "B/op", "micrograd time / this"]
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"median of {reps} interleaved repeats, build + backward")
    print(table(headers, rows))
    if verdict:
        print("Targets: " + "; ".join(verdict))


if __name__ == "__main__":
    main()

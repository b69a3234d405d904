"""Shared helpers for the benchmark scripts: medians of repeats, peak memory, tables.

Benchmarks print tables; they never pass or fail anything. Machines are shared and noisy, so
every figure is the median of several repeats and every comparison is a ratio measured in the
same run."""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], repeats: int = 5, setup: Callable[[], Any] | None = None,
                collect: bool = False) -> float:
    """Median wall time of fn() in seconds over `repeats` runs (setup() untimed before each).

    What fn returns is kept until the clock has stopped, so freeing a graph is not timed, for
    us (freed by reference counting at once) or for micrograd (freed later by the collector).
    Runs follow each other as in a user's loop; ``collect=True`` forces a full collection before
    each run instead (which hides the cost of garbage left by the previous run)."""
    times = []
    for _ in range(repeats):
        arg = setup() if setup else None
        if collect:
            gc.collect()
        t0 = time.perf_counter()
        result = fn() if arg is None else fn(arg)  # type: ignore[call-arg]
        times.append(time.perf_counter() - t0)
        del result
    return statistics.median(times)


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak traced allocation (bytes) while fn() runs, above what was allocated before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


def in_big_stack(fn: Callable[[], Any], stack_mb: int = 512) -> Any:
    """Run fn in a thread with a large stack and a high recursion limit: micrograd's recursive
    topological sort needs both for graphs of 100,000 nodes."""
    out: dict[str, Any] = {}
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(stack_mb * 1024 * 1024)

    def run() -> None:
        out["r"] = fn()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    threading.stack_size(0)
    sys.setrecursionlimit(old)
    return out.get("r")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    return "\n".join([line, sep, *body])

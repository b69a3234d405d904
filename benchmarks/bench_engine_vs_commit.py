"""Did a change make the engine slower? The chain and weighted-sum rows of bench_engine.py for
the engine of an earlier commit and the engine of this working tree, in the same run.

    .venv/bin/python benchmarks/bench_engine_vs_commit.py [--ref COMMIT] [--n 100000] [--repeats 7]

The earlier commit is checked out into a temporary git worktree and its C accelerator built
there (gcc); each repeat runs one fresh interpreter per engine, alternating (earlier, current,
earlier, ...), so both see the same machine conditions. Each figure is the median of the
repeats; the ratio column is earlier time / current time (above 1: the current engine is
faster). Both engines run with the accelerator on, and again with it off (pure Python)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One timing in a fresh interpreter: the engine imported from the folder given, first on the path.
PROBE = r"""
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
import autograd_core as ag
assert ag.__file__.startswith(sys.argv[1]), ag.__file__
if sys.argv[4] == "pure":
    ag.use_accelerator(False)
from autograd_core import Value, dot
n = int(sys.argv[3])

def chain():
    x = Value(1.0); y = x
    for _ in range(n // 2):
        y = y + 0.5
        y = y * 0.999
    y.backward()
    return y

def wsum():
    ws = [Value(0.001 * (i % 7)) for i in range(n)]
    xs = [Value(0.002 * (i % 5)) for i in range(n)]
    out = dot(ws, xs)
    out.backward()
    return out

fn = chain if sys.argv[2] == "chain" else wsum
fn()  # warm up
gc.collect()
t0 = time.perf_counter(); r = fn(); t = time.perf_counter() - t0
print(json.dumps(t / n * 1e6))
"""


def worktree(ref: str) -> str:
    path = tempfile.mkdtemp(prefix="engine-ref-")
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", "-f", path, ref],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace", "-q"], cwd=path,
                   check=True, capture_output=True)
    return path


def probe(where: str, workload: str, n: int, mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE, where, workload, str(n), mode],
                         check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="492a3d5", help="the earlier commit (default: the engine "
                    "before PyTorch's scalar op set, gates and thread-local modes were added)")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    base = worktree(args.ref)
    try:
        rows = []
        for workload in ("chain", "wsum"):
            for mode in ("accelerated", "pure"):
                times: dict[str, list[float]] = {"earlier": [], "current": []}
                for _ in range(args.repeats):
                    times["earlier"].append(probe(base, workload, args.n, mode))
                    times["current"].append(probe(ROOT, workload, args.n, mode))
                e, c = (statistics.median(times[k]) for k in ("earlier", "current"))
                rows.append((workload, mode, e, c, e / c))
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", base],
                       capture_output=True)
    name = {"chain": "chain of +c, *c", "wsum": "weighted sum (one dot node)"}
    print(f"n = {args.n:,}, median of {args.repeats} alternating runs, build + backward, "
          f"earlier = {args.ref}")
    print("| workload | engine | earlier µs/op | current µs/op | earlier / current |")
    print("|---|---|---|---|---|")
    for workload, mode, e, c, r in rows:
        print(f"| {name[workload]} | {mode} | {e:.3f} | {c:.3f} | {r:.2f} |")


if __name__ == "__main__":
    main()

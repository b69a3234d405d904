"""Benchmark: the live pages in headless Chromium (Pyodide in a Web Worker), and their weight.

Run:  .venv/bin/python benchmarks/bench_live.py  [--repeats 5] [--site DIR]

Builds a small course site (one lesson, the tiny playground grid; or uses ``--site``, e.g. a
full ``make site``), serves it on 127.0.0.1 and opens it in Debian's headless Chromium with a
fresh profile for every repeat (nothing cached), every other host unresolvable. Medians of
the repeats:

1. the lab: navigation to its first result (Python loaded, the prefilled f = (x + y) z run,
   its graph drawn by Graphviz in WebAssembly); goal <= 5 s;
2. the live playground: MLP 2-8-8-1 tanh on 200 points (100 to train), batch 10, SGD lr 0.03,
   100 epochs through ``live.train``: epochs per second with the 50 x 50 decision boundary,
   every unit's heatmap and the loss curve redrawn after each slice of training, and how many
   redraws a second; goal >= 50 epochs/s with >= 10 redraws/s. The same training in CPython
   (live_runtime.Playground, the same compiled program) is the reference of the ratio;
3. weight: the whole site, and what the live pages download, file by file.

A benchmark, not a test: it prints tables and never fails.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "docs" / "site_template" / "live"))
sys.path.insert(0, str(ROOT))

SETTINGS = {"dataset": "xor", "hidden": [8, 8], "activation": "tanh", "lr": 0.03, "batch": 10,
            "epochs": 100, "points": 200, "seed": 1}
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1280,900")


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def browser() -> tuple[Any, str]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="bench-live-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options,
                              service=Service(shutil.which("chromedriver") or "chromedriver"))
    driver.set_script_timeout(300)
    return driver, profile


def first_result(base: str) -> dict[str, float]:
    driver, profile = browser()
    try:
        driver.get(base + "live/lab.html")
        t0 = time.perf_counter()
        while not driver.execute_script("return document.body.dataset.firstResultMs"):
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("the lab showed no result in 120 s")
            time.sleep(0.05)
        ms = float(driver.execute_script("return document.body.dataset.firstResultMs"))
        py = float(driver.execute_script("return document.body.dataset.pythonSeconds"))
        parts = json.loads(driver.execute_script("return document.body.dataset.pythonTimings"))
        return {"first_result": ms / 1000, "python_loaded": py, **parts}
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def live_training(base: str) -> dict[str, Any]:
    driver, profile = browser()
    try:
        driver.get(base + "live/playground.html")
        done = "const done = arguments[arguments.length - 1];"
        driver.execute_async_script(done + "live.ready.then(() => done(true))")
        out = driver.execute_async_script(
            done + "live.train(arguments[0]).then(done, e => done({error: String(e)}))",
            SETTINGS)
        if "error" in out:
            raise RuntimeError(out["error"])
        return dict(out)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def cpython_training(engine: str) -> dict[str, Any]:
    import live_runtime

    pg = live_runtime.Playground()
    s = dict(SETTINGS, engine=engine)
    first = pg.reset(s)
    t0 = time.perf_counter()
    out = pg.step(epochs=int(s["epochs"]))
    seconds = time.perf_counter() - t0
    return {"epochs_per_second": s["epochs"] / seconds, "loss_first": first["train_loss"],
            "loss_last": out["train_loss"], "engine": out["engine"]}


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def live_files(site: Path) -> list[tuple[str, int]]:
    """The files the live pages load (Pyodide, Graphviz, CodeMirror, the live folder)."""
    folders = [site / "_static" / "vendor" / name for name in ("pyodide", "viz", "codemirror")]
    folders.append(site / "live")
    files = [f for d in folders for f in sorted(d.rglob("*")) if f.is_file()]
    skip = ("package.json", "metadata.js", "LICENSE")  # bundled, never requested
    return [(f.relative_to(site).as_posix(), f.stat().st_size) for f in files
            if f.name not in skip]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--site", type=Path, default=None,
                    help="a built site to measure (default: build a small one)")
    args = ap.parse_args()
    tmp = None
    if args.site is None:
        import build_site

        tmp = Path(tempfile.mkdtemp(prefix="bench-live-site-"))
        site = tmp / "site"
        print("building a small site (lesson 01, tiny playground grid) ...", flush=True)
        build_site.build(site, grid="tiny", lessons="01", api=False, pictures=False)
    else:
        site = args.site.resolve()
    server, base = serve(site)
    try:
        firsts, trains, refs, eager = [], [], [], []
        for i in range(args.repeats):
            firsts.append(first_result(base))
            trains.append(live_training(base))
            refs.append(cpython_training("auto"))
            eager.append(cpython_training("eager"))
            print(f"repeat {i + 1}/{args.repeats}: first result "
                  f"{firsts[-1]['first_result']:.2f} s, live "
                  f"{trains[-1]['epochs_per_second']:.0f} epochs/s "
                  f"({trains[-1]['redraws_per_second']:.0f} redraws/s), CPython "
                  f"{refs[-1]['epochs_per_second']:.0f} epochs/s", flush=True)
    finally:
        server.shutdown()

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return statistics.median(float(r[key]) for r in rows)

    fr, py = med(firsts, "first_result"), med(firsts, "python_loaded")
    eps, rps = med(trains, "epochs_per_second"), med(trains, "redraws_per_second")
    ref, ref_eager = med(refs, "epochs_per_second"), med(eager, "epochs_per_second")
    t = trains[len(trains) // 2]
    print(f"\nmedians of {args.repeats}, a fresh Chromium profile each (headless, "
          "2-core machine)\n")
    print("| measure | result | goal |")
    print("|---|---|---|")
    parts = ", ".join(f"{k} {med(firsts, k):.1f} s" for k in ("pyodide", "unpack", "imports")
                      if all(k in f for f in firsts))
    print(f"| lab: navigation to first result (Python loaded in {py:.1f} s: {parts}; then "
          f"f = (x+y)z run and drawn) | {fr:.1f} s | <= 5 s |")
    print(f"| live playground 2-8-8-1 tanh, 200 points, batch 10 ({t['engine']} program): "
          f"epochs per second | {eps:.0f} | >= 50 |")
    print(f"| ... with the 50x50 boundary, every unit's heatmap and the loss curve redrawn "
          f"| {rps:.0f} redraws/s | >= 10/s |")
    print(f"| the same training in CPython 3.{sys.version_info.minor} (same program) | "
          f"{ref:.0f} epochs/s (browser / CPython = {eps / ref:.2f}) | |")
    print(f"| ... CPython, eager engine (Values, backward, nn.SGD) | {ref_eager:.0f} epochs/s | |")
    print(f"| loss on XOR after {t['epochs']} epochs | {t['loss_first']:.3f} -> "
          f"{t['loss_last']:.3f}, test accuracy {t['test_accuracy']:.2f} | |")
    total = folder_size(site)
    print(f"\nsite size: {total / 1e6:.1f} MB ({site.name}; goal <= 80 MB for the whole site)")
    files = live_files(site)
    print("\n| what the live pages download (CodeMirror: the lab only) | size |")
    print("|---|---|")
    for name, size in files:
        print(f"| `{name}` | {size / 1e6:.3f} MB |")
    print(f"| total | {sum(s for _, s in files) / 1e6:.1f} MB |")
    print(json.dumps({"first_result_s": fr, "epochs_per_second": eps, "redraws_per_second": rps,
                      "cpython_epochs_per_second": ref, "site_mb": total / 1e6}))
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

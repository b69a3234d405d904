"""Build the course site into ``site/``: lessons, step-throughs, pictures, playground, API.

    python scripts/build_site.py            # or: make site;  then open site/index.html
    python scripts/build_site.py --grid tiny --lessons 01 --out /tmp/site   # a quick one

What it makes (every file the pages need is inside ``site/``: it works opened as files, from
a USB stick or an intranet, with the network blocked):

* ``lessons/NN_name.html`` - every ``notebooks/[0-9][0-9]_*.ipynb`` rendered with its committed
  outputs by nbconvert (the Jupyter project's own converter, with the lab template: the pages
  look like JupyterLab, the saved widget state drives the step sliders, and nothing else is
  needed to read a lesson); maths typeset by MathJax and widgets by the Jupyter widgets HTML
  manager, both bundled from pinned npm packages (integrity-checked) instead of nbconvert's
  CDN links;
* ``steps/*.html`` - self-contained backward step-throughs (:func:`viz.save_html`);
* ``pictures/`` - the README's pictures, regenerated (:mod:`viz.examples`), on one page;
* ``playground/`` - decision boundaries and losses of a grid of small networks trained here,
  at build time, with ``nn.fit(compiled=True)``, replayed on a canvas;
* ``api/`` - the API reference from the docstrings (pdoc);
* ``index.html`` - links to all of it.

``--grid tiny`` (or ``SITE_GRID=tiny``) trains 2 runs instead of the full grid, for tests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "docs" / "site_template"
CACHE = ROOT / "build" / "site-vendor"
sys.path.insert(0, str(ROOT))

TITLE = "autograd-core: backprop, one node at a time"


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from a pinned npm package (checked against the registry's integrity)."""

    name: str
    version: str
    integrity: str
    files: dict[str, str]  # path in the tarball (a trailing / copies a folder) -> path in vendor/
    skip: tuple[str, ...] = ()  # name endings left out of copied folders


PYODIDE = "314.0.8"  # Python 3.14 in WebAssembly; ships no packages (numpy neither)
VIZ_JS = "3.31.0"  # Graphviz 16 in WebAssembly
CODEMIRROR = "5.65.21"  # one file and a Python mode: no bundler needed

VENDOR = (
    NpmAsset("requirejs", "2.3.7",
             "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyB"
             "kM1z+pDsw==",
             {"package/require.js": "require.js"}),
    NpmAsset("mathjax", "3.2.2",
             "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+"
             "geW0OhGw==",
             {"package/es5/tex-svg-full.js": "mathjax/tex-svg-full.js"}),
    NpmAsset("@jupyter-widgets/html-manager", "1.0.15",
             "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1y"
             "p47bCrJ3CQA==",
             {"package/dist/": "widgets/"},
             # woff/woff2 fonts only: every browser that runs the widgets reads those
             skip=(".map", "/embed.js", "libembed-amd.js", ".LICENSE.txt", ".eot", ".ttf",
                   ".svg")),
    # the live pages: Python (CPython compiled to WebAssembly), Graphviz, the editor
    NpmAsset("pyodide", PYODIDE,
             "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSV"
             "UpHsoarLQ==",
             {f"package/{f}": f"pyodide/{f}" for f in (
                 "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "package.json")}),
    NpmAsset("@viz-js/viz", VIZ_JS,
             "sha512-r7zlQdRvcwvIpjHGgs+KNWHeE/P5/Dq7k8ZAKaMCbZqomxCBJV78gVuQYaHzFVca+kB0mX0fMW9UFev"
             "COBG50A==",
             {"package/dist/viz-global.js": "viz/viz-global.js",
              "package/lib/metadata.js": "viz/metadata.js"}),
    NpmAsset("codemirror", CODEMIRROR,
             "sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WU"
             "l+wT0E40mQ==",
             {"package/lib/codemirror.js": "codemirror/codemirror.js",
              "package/lib/codemirror.css": "codemirror/codemirror.css",
              "package/mode/python/python.js": "codemirror/python.js",
              "package/addon/edit/matchbrackets.js": "codemirror/matchbrackets.js",
              "package/LICENSE": "codemirror/LICENSE"}),
)


def log(msg: str) -> None:
    print(f"[site] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# vendored JavaScript: npm pack (the registry's tarball, no dependencies), checked, cached
# ---------------------------------------------------------------------------------------------

def _tarball(asset: NpmAsset) -> Path:
    """The package's tarball in build/site-vendor, fetched with ``npm pack`` when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    fname = asset.name.lstrip("@").replace("/", "-") + f"-{asset.version}.tgz"
    path = CACHE / fname
    if not path.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(
                "building the site needs npm to fetch MathJax, require.js and the Jupyter "
                "widgets HTML manager (once; they are cached in build/site-vendor). Install "
                "Node.js with npm (Debian/Ubuntu: sudo apt-get install npm), then run again.")
        log(f"npm pack {asset.name}@{asset.version}")
        subprocess.run([npm, "pack", f"{asset.name}@{asset.version}", "--silent",
                        "--pack-destination", str(CACHE)], check=True, cwd=CACHE,
                       stdout=subprocess.DEVNULL)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    if digest != asset.integrity:
        path.unlink()
        raise SystemExit(f"{fname}: integrity {digest} differs from the pinned {asset.integrity};"
                         " the download was removed, run again (or update the pin on purpose)")
    return path


def vendor(static: Path) -> None:
    """Copy the pinned npm files into ``static/vendor``."""
    out = static / "vendor"
    for asset in VENDOR:
        with tarfile.open(_tarball(asset)) as tar:
            members = tar.getmembers()
            for src, dst in asset.files.items():
                chosen = [m for m in members if m.isfile() and (
                    m.name == src or (src.endswith("/") and m.name.startswith(src)
                                      and not m.name.endswith(asset.skip)))]
                if not chosen:
                    raise SystemExit(f"{asset.name}@{asset.version} has no {src}")
                for m in chosen:
                    target = out / (dst + m.name[len(src):] if src.endswith("/") else dst)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    data = tar.extractfile(m)
                    assert data is not None
                    target.write_bytes(data.read())


# ---------------------------------------------------------------------------------------------
# navigation shared by every page
# ---------------------------------------------------------------------------------------------

def nav(root: str, here: str = "") -> str:
    """The navigation bar; ``root`` is the relative path to the site's top ('' or '../')."""
    items = [("index.html", "Course"), ("lessons/index.html", "Lessons"),
             ("live/lab.html", "Lab (live)"), ("live/playground.html", "Playground (live)"),
             ("steps/index.html", "Step-throughs"),
             ("playground/index.html", "Playground (recorded)"),
             ("pictures/index.html", "Pictures"), ("api/index.html", "API reference")]
    return "".join(
        f'<span class="here">{label}</span>' if href == here else
        f'<a href="{root}{href}">{label}</a>' for href, label in items)


def page(title: str, body: str, root: str, here: str) -> str:
    """A plain site page (index, lists, gallery) around ``body``."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n"
            f'<link rel="stylesheet" href="{root}_static/site.css"></head>\n'
            f'<body class="site"><nav class="site-nav">{nav(root, here)}</nav>\n'
            f"<main>\n{body}\n</main></body></html>\n")


# ---------------------------------------------------------------------------------------------
# lessons
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lesson:
    stem: str  #: 01_chain_rule
    title: str  #: the first markdown heading
    summary: str  #: its first paragraph, plain text


def lesson_files(pattern: str | None = None) -> list[Path]:
    """notebooks/[0-9][0-9]_*.ipynb, optionally only those whose name starts with ``pattern``."""
    files = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if pattern:
        keep = tuple(p.strip() for p in pattern.split(","))
        files = [f for f in files if f.name.startswith(keep)]
    return files


_TEX = {r"\sigma": "σ", r"\cdot": "·", r"\times": "×", r"\partial": "∂", r"\sum": "Σ",
        r"\delta": "δ", r"\lambda": "λ", r"\theta": "θ", r"\alpha": "α", r"\to": "→",
        r"\ldots": "...", r"\dots": "...", r"\leftarrow": "←", r"\gets": "←",
        r"\nabla": "∇", r"\approx": "≈"}


def _plain(markdown: str) -> str:
    """A markdown paragraph as plain text for the index: maths with its common symbols, links
    as their text, emphasis and code marks dropped (underscores inside names kept)."""
    text = re.sub(r"\$+([^$]*)\$+", r"\1", markdown)
    for tex, sym in _TEX.items():
        text = text.replace(tex, sym)
    text = re.sub(r"\\[a-zA-Z]+", "", text).replace("{", "").replace("}", "")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url) -> text
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text, flags=re.S)  # bold
    # *emphasis* and _emphasis_: the mark must touch a word on its inner side, so "+, *, tanh"
    # and names like nn_model are left alone
    text = re.sub(r"(?<![\w*])\*(?=[\w\"'(])(.+?)(?<=[\w\"').!?])\*(?![\w*])", r"\1", text,
                  flags=re.S)
    text = re.sub(r"(?<!\w)_(?=[\w\"'(])(.+?)(?<=[\w\"').!?])_(?!\w)", r"\1", text, flags=re.S)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"^[#>]+\s*", "", text, flags=re.M)
    return " ".join(text.split())


def describe_lesson(nb: Any, stem: str) -> Lesson:
    title, summary = stem, ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.strip().splitlines()
        if lines and lines[0].startswith("#"):
            title = lines[0].lstrip("#").strip()
            rest = "\n".join(lines[1:]).strip().split("\n\n")[0]
            summary = _plain(rest)
            break
    if len(summary) > 260:
        summary = summary[:257].rsplit(" ", 1)[0] + "..."
    return Lesson(stem, title, summary)


# lines left out when a cell runs in the browser (notebook magics; numpy and matplotlib imports,
# whose users are static anyway)
_BROWSER_SKIPS = re.compile(
    r"^\s*(%.*|!.*|import numpy( as np)?|import matplotlib.*|from matplotlib.*)\s*$")
#: what makes a cell static on the page, and the reason the page gives
_STATIC: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bnp\.|\bnumpy\b"), "it needs numpy, which the browser's Python (Pyodide) "
     "does not have"),
    (re.compile(r"\bplt\b|matplotlib|\bplot_\w+\(|\bimshow\b|playground_cmap"),
     "it draws with matplotlib, which needs numpy"),
    (re.compile(r"step_slider|ipywidgets|\bwidgets\b|interact"), "it is a Jupyter widget (its "
     "saved frames above still step through)"),
    (re.compile(r"\bcompile\(|compiled\s*=\s*True|\.forward\(X"),
     "it runs the compiler's numpy backend"),
    (re.compile(r"nn\.data\.(?!xor\b|study_hours\b)\w+|\bload_digits\b|sklearn"),
     "its data set is made with numpy"),
    (re.compile(r"save_gif|save_html|\brender\(|torch"),
     "it writes pictures with programs the browser does not have"),
)


def live_cells(nb: Any) -> list[dict[str, Any]]:
    """For each code cell of a lesson: whether it runs in the browser, the code that runs (the
    cell without magics and numpy imports) or why the page keeps it static. A cell that uses a
    name only a static cell defines is static too."""
    import ast

    out: list[dict[str, Any]] = []
    from_static: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(line for line in cell.source.splitlines()
                         if not _BROWSER_SKIPS.match(line))
        why = next((reason for pattern, reason in _STATIC if pattern.search(code)), None)
        defined: set[str] = set()
        used: set[str] = set()
        try:
            tree = ast.parse(code)
        except SyntaxError:
            tree = None
            why = why or "it is not plain Python (a notebook command)"
        if tree is not None:
            for node in ast.walk(tree):
                if isinstance(node, ast.Name):
                    (defined if isinstance(node.ctx, ast.Store) else used).add(node.id)
                elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    defined.add(node.name)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            missing = sorted((used - defined) & from_static)
            if why is None and missing:
                why = (f"it uses {', '.join(missing[:3])}, made by a cell above that cannot run "
                       "here")
        if why is None:
            from_static -= defined
            out.append({"run": True, "code": code})
        else:
            from_static |= defined
            out.append({"run": False, "why": why})
    return out


def render_lessons(files: Sequence[Path], out: Path, index: bool = True) -> list[Lesson]:
    """Each notebook as lessons/NN_name.html, with its committed outputs (nothing is run),
    and (``index``) the list of lessons as lessons/index.html."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATE / "nbconvert")]
    c.HTMLExporter.template_name = "course"
    c.HTMLExporter.require_js_url = "../_static/vendor/require.js"
    c.HTMLExporter.widget_renderer_url = "../_static/vendor/widgets/embed-amd.js"
    c.HTMLExporter.mathjax_url = "../_static/vendor/mathjax/tex-svg-full.js"
    c.HTMLExporter.jquery_url = ""
    c.HTMLExporter.mermaid_js_url = ""
    c.HTMLExporter.mermaid_layout_elk_js_url = ""
    exporter = HTMLExporter(config=c)
    stems = {f.stem for f in files}
    lessons = []
    (out / "lessons").mkdir(parents=True, exist_ok=True)
    # The widgets manager computes its fonts' folder from its AMD module name
    # ("@jupyter-widgets/..."), relative to the page: put the icon fonts there.
    fonts = out / "lessons" / "@jupyter-widgets"
    fonts.mkdir(exist_ok=True)
    for font in (out / "_static" / "vendor" / "widgets").glob("*.woff*"):
        shutil.copy(font, fonts / font.name)
    for f in files:
        nb = nbformat.read(f, as_version=4)
        nb.cells = [c for c in nb.cells if c.source.strip() or c.get("outputs")]
        lesson = describe_lesson(nb, f.stem)
        cells = live_cells(nb)
        runnable = sum(c["run"] for c in cells)
        body, _ = exporter.from_notebook_node(nb, resources={
            "site_root": "../", "nav": nav("../", "lessons/index.html"),
            "live_cells": json.dumps(cells).replace("</", "<\\/"),
            "live_summary": f"{runnable} of {len(cells)}",
            "metadata": {"name": lesson.title}})
        # links between lessons point at the rendered pages
        body = re.sub(r'href="(?:\./)?([0-9][0-9]_[A-Za-z0-9_]+)\.(?:ipynb|py)(#[^"]*)?"',
                      lambda m: (f'href="{m.group(1)}.html{m.group(2) or ""}"'
                                 if m.group(1) in stems else m.group(0)), body)
        (out / "lessons" / f"{f.stem}.html").write_text(body, encoding="utf-8")
        lessons.append(lesson)
        log(f"lesson {f.name}: {len(body) // 1024} KB")
    if not index:
        return lessons
    items = "\n".join(f'<li><a href="{x.stem}.html">{html.escape(x.title)}</a>'
                      f'<div class="muted">{html.escape(x.summary)}</div></li>' for x in lessons)
    (out / "lessons" / "index.html").write_text(page(
        "Lessons", f"<h1>Lessons</h1>\n<ol class=\"lessons\">\n{items}\n</ol>", "../",
        "lessons/index.html"), encoding="utf-8")
    return lessons


# ---------------------------------------------------------------------------------------------
# step-throughs and pictures
# ---------------------------------------------------------------------------------------------

def step_examples() -> list[tuple[str, str, str, Callable[[], Any]]]:
    """(file stem, title, what it shows, function building the Value) of each step-through."""
    from autograd_core import Value

    def chain() -> Value:
        from viz.examples import chain_rule_example

        return chain_rule_example()

    def micrograd() -> Value:
        a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
        e = a * b
        e.label = "e"
        d = e + c
        d.label = "d"
        out = d * f
        out.label = "L"
        return out

    def neuron() -> Value:
        x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
        w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
        b = Value(6.8813735870195432, "b")
        n = x1 * w1 + x2 * w2 + b
        n.label = "n"
        o = n.tanh()
        o.label = "o"
        return o

    def reuse() -> Value:
        a = Value(3.0, "a")
        b = Value(-2.0, "b")
        d = a * b
        d.label = "d"
        e = a + b
        e.label = "e"
        f = d * e
        f.label = "f"
        return f

    return [
        ("chain_rule", "f = (x + y) z", "the lectures' first example: an add gate copies the "
         "upstream gradient to both inputs, a multiply gate swaps its inputs", chain),
        ("expression", "L = (a b + c) f", "a longer chain: every gradient is the product of "
         "the local gradients along the path to L", micrograd),
        ("neuron", "o = tanh(x1 w1 + x2 w2 + b)", "one neuron: tanh's local gradient "
         "1 - o^2 scales everything before it", neuron),
        ("reuse", "f = (a b)(a + b)", "a and b are used twice: their gradients are the sums "
         "of what each edge sends", reuse),
    ]


def build_steps(out: Path) -> list[tuple[str, str, str]]:
    from viz.steps import save_html

    (out / "steps").mkdir(parents=True, exist_ok=True)
    made = []
    for stem, title, what, make in step_examples():
        save_html(make(), out / "steps" / f"{stem}.html", title=f"backward, step by step: {title}")
        made.append((stem, title, what))
    items = "\n".join(f'<li><a href="{s}.html">{html.escape(t)}</a> '
                      f'<span class="muted">{html.escape(w)}</span></li>' for s, t, w in made)
    body = ("<h1>Backward, step by step</h1>\n<p class=\"lead\">Each page replays the backward "
            "pass one node at a time: the node being processed is outlined in red, and each of "
            "its input edges shows <b>local</b> &times; <b>upstream</b> = what it <b>sends</b>. "
            "Use the buttons, the slider, the arrow keys, or play. Made with "
            "<code>viz.save_html(value, path)</code>.</p>\n"
            f'<ul class="cards">\n{items}\n</ul>')
    (out / "steps" / "index.html").write_text(page("Step-throughs", body, "../",
                                                   "steps/index.html"), encoding="utf-8")
    log(f"{len(made)} step-through pages")
    return made


def build_pictures(out: Path) -> None:
    from viz import examples

    pics = out / "pictures"
    pics.mkdir(parents=True, exist_ok=True)
    entries = [
        ("chain_rule_graph.svg", examples.chain_rule_graph,
         "f = (x + y) z after backward: on each edge local x upstream = what it sends"),
        ("backward_steps.gif", examples.backward_steps_gif,
         "the same graph, one backward step per frame"),
        ("activations.png", examples.activations_png,
         "activations next to their derivatives, computed by the engine"),
    ]
    made = []
    for name, fn, caption in entries:
        fn(pics / name)
        made.append((name, caption))
    try:
        model, X, y, _ = examples.trained_moons_model(epochs=60)
        from viz.network import draw_network
        from viz.render import render

        render(draw_network(model), pics / "network.svg")
        examples.decision_boundary_png(pics / "decision_boundary.png", model, X, y)
        made += [("network.svg", "an MLP(2, [16, 16, 1]) trained on two moons, drawn like "
                  "TensorFlow Playground"),
                 ("decision_boundary.png", "its decision boundary")]
    except Exception as e:  # noqa: BLE001 - the gallery still has the others
        log(f"pictures: the trained-network pictures were skipped ({e})")
    figures = "\n".join(f'<figure><img src="{n}" alt="{html.escape(c)}" loading="lazy">'
                        f"<figcaption>{html.escape(c)} (<code>{n}</code>)</figcaption></figure>"
                        for n, c in made)
    (pics / "index.html").write_text(page("Pictures", "<h1>Pictures</h1>\n<p class=\"lead\">"
                                          "Made by <code>python -m viz.examples</code>.</p>\n"
                                          + figures, "../", "pictures/index.html"),
                                     encoding="utf-8")
    log(f"{len(made)} pictures")


# ---------------------------------------------------------------------------------------------
# playground: a grid of runs trained now, recorded compactly
# ---------------------------------------------------------------------------------------------

GRIDS: dict[str, dict[str, Any]] = {
    "full": {"datasets": ["xor", "circles", "moons", "spirals"],
             "activations": ["tanh", "relu", "sigmoid"], "lrs": [0.03, 0.1, 0.3],
             "archs": [[4], [8], [8, 8]], "regs": [0.0, 0.001], "epochs": 200, "every": 10},
    "tiny": {"datasets": ["circles"], "activations": ["tanh"], "lrs": [0.1],
             "archs": [[4]], "regs": [0.0, 0.001], "epochs": 40, "every": 10},
}
RES = 32  # the decision boundary's grid: RES x RES probabilities, one byte each
EXTENT = 1.6  # the plane shown: [-EXTENT, EXTENT]^2


def playground_data(name: str, n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A data set of the Playground, scaled into about [-1.3, 1.3]^2, labels 0/1."""
    import nn

    rng = np.random.default_rng(seed)
    if name == "xor":  # the Playground's XOR: four quadrants, the label is the sign of x*y
        X = rng.uniform(-1.2, 1.2, (n, 2))
        X += np.sign(X) * 0.08  # a small gap along the axes
        y = (X[:, 0] * X[:, 1] < 0).astype(float)
    elif name == "circles":
        X, y = nn.data.circles(n, noise=0.08, factor=0.5, seed=seed)
        X = X * 1.2
    elif name == "moons":
        X, y = nn.data.moons(n, noise=0.12, seed=seed)
        X = (X - np.array([0.5, 0.25])) * 1.05
    elif name == "spirals":
        X, y = nn.data.spirals(n, arms=2, noise=0.15, seed=seed)
        X, y = X * 1.3, y.astype(float)
    else:
        raise ValueError(f"unknown playground data set {name!r}")
    return X, y.astype(float)


def _points(X: np.ndarray, y: np.ndarray) -> list[list[float]]:
    return [[round(float(a), 3), round(float(b), 3), int(c)] for (a, b), c in zip(X, y)]


def train_run(X: np.ndarray, y: np.ndarray, activation: str, lr: float, arch: list[int],
              l2: float, epochs: int, every: int, grid: np.ndarray) -> dict[str, Any]:
    """Train one network with the compiled engine; record, every ``every`` epochs, its
    probability of class 1 on ``grid`` (uint8) and the train/test losses."""
    import nn
    from autograd_core import compile as compile_program

    half = len(X) // 2
    Xtr, ytr, Xte, yte = X[:half], y[:half], X[half:], y[half:]
    model = nn.MLP(2, [*arch, 1], activation=activation, init="xavier", seed=1)
    forward = compile_program(model, 2)

    def losses() -> tuple[float, float]:
        out = []
        for Xs, ys in ((Xtr, ytr), (Xte, yte)):
            z = np.asarray(forward.forward(Xs), dtype=float).reshape(-1)
            out.append(float(np.mean(np.logaddexp(0.0, z) - ys * z)))  # bce with logits
        return out[0], out[1]

    def snapshot() -> bytes:
        z = np.asarray(forward.forward(grid), dtype=float).reshape(-1)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
        return np.round(p * 255).astype(np.uint8).tobytes()

    frames = [snapshot()]
    tr, te = losses()
    train_loss, test_loss = [tr], [te]

    def record(epoch: int, logs: dict[str, float]) -> None:
        if (epoch + 1) % every == 0:
            frames.append(snapshot())
            train_loss.append(float(logs["loss"]))
            test_loss.append(float(logs["val_loss"]))

    nn.fit(model, Xtr, ytr, loss="bce_with_logits", optimizer="sgd", lr=lr, epochs=epochs,
           batch_size=10, validation=(Xte, yte), l2=l2, seed=0, progress=False, compiled=True,
           callbacks=[record])

    def rounded(v: float) -> float:
        return round(v, 4) if np.isfinite(v) else 99.0

    return {"p": base64.b64encode(b"".join(frames)).decode("ascii"),
            "train": [rounded(v) for v in train_loss], "test": [rounded(v) for v in test_loss]}


def build_playground(out: Path, grid_name: str) -> dict[str, Any]:
    spec = GRIDS[grid_name]
    pg = out / "playground"
    pg.mkdir(parents=True, exist_ok=True)
    for f in ("index.html", "playground.js"):
        shutil.copy(TEMPLATE / "playground" / f, pg / f)
    axis = np.linspace(-EXTENT, EXTENT, RES)
    grid = np.array([[a, b] for b in axis for a in axis])  # row r = y index (bottom first)
    t0 = time.perf_counter()
    datasets, runs = {}, {}
    arch_names = ["-".join(map(str, a)) for a in spec["archs"]]
    reg_names = ["none" if r == 0 else f"l2={r:g}" for r in spec["regs"]]
    jobs = {}
    for ds in spec["datasets"]:
        X, y = playground_data(ds)
        half = len(X) // 2
        datasets[ds] = {"train": _points(X[:half], y[:half]), "test": _points(X[half:], y[half:])}
        for act in spec["activations"]:
            for lr in spec["lrs"]:
                for arch, arch_name in zip(spec["archs"], arch_names):
                    for reg, reg_name in zip(spec["regs"], reg_names):
                        key = "|".join([ds, act, f"{lr:g}", arch_name, reg_name])
                        jobs[key] = (X, y, act, lr, arch, reg, spec["epochs"], spec["every"],
                                     grid)
    workers = max(1, min(len(jobs), os.cpu_count() or 1, int(os.environ.get("SITE_JOBS", 2))))
    if workers == 1:
        runs = {key: train_run(*job) for key, job in jobs.items()}
    else:  # one run per task, on every core (the runs are independent)
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            futures = {key: pool.submit(train_run, *job) for key, job in jobs.items()}
            for k, (key, fut) in enumerate(futures.items(), start=1):
                runs[key] = fut.result()
                if k % 24 == 0 or k == len(futures):
                    log(f"playground: {k}/{len(futures)} runs, "
                        f"{time.perf_counter() - t0:.0f} s")
    seconds = time.perf_counter() - t0
    epochs = list(range(0, spec["epochs"] + 1, spec["every"]))
    command = "python scripts/build_site.py" + (
        f" --grid {grid_name}" if grid_name != "full" else "  (make site)")
    provenance = (
        f"Every run on this page was computed by autograd-core when the site was built, with "
        f"the command {command}: nn.MLP(2, [hidden..., 1], init='xavier', seed=1) trained "
        f"by nn.fit(..., loss='bce_with_logits', optimizer='sgd', batch_size=10, "
        f"compiled=True) for {spec['epochs']} epochs on half of 200 points (the other half is "
        f"the test set), L2 penalty as chosen. Every {spec['every']} epochs the build recorded "
        f"the network's probability on a {RES} x {RES} grid (one byte each) with "
        f"autograd_core.compile(model, 2).forward, and the two losses. {len(runs)} runs took "
        f"{seconds:.0f} s on the build machine ({workers} processes). Nothing is computed in "
        "your browser except the colours.")
    meta = {"datasets": spec["datasets"], "activations": spec["activations"],
            "lrs": [f"{v:g}" for v in spec["lrs"]], "archs": arch_names, "regs": reg_names,
            "epochs": epochs, "grid": {"res": RES, "xmin": -EXTENT, "xmax": EXTENT,
                                       "ymin": -EXTENT, "ymax": EXTENT},
            "provenance": provenance, "nav": nav("../", "playground/index.html"),
            "seconds": round(seconds, 1)}
    text = json.dumps({"meta": meta, "datasets": datasets, "runs": runs}, separators=(",", ":"))
    (pg / "runs.js").write_text("window.PLAYGROUND = " + text + ";\n", encoding="utf-8")
    log(f"playground: {len(runs)} runs in {seconds:.0f} s, runs.js "
        f"{(pg / 'runs.js').stat().st_size / 1e6:.1f} MB")
    return meta


# ---------------------------------------------------------------------------------------------
# the live pages: the engine in the browser (Pyodide in a Web Worker)
# ---------------------------------------------------------------------------------------------

LIVE_TEMPLATE = TEMPLATE / "live"
LIVE_FILES = ("client.js", "worker.js", "lab.js", "playground.js", "lesson.js", "live.css")
BYO_EXERCISE = "07.value_class"


def pure_wheel(dest: Path) -> Path:
    """The project as a pure ``py3-none-any`` wheel (setup.py leaves the C accelerator out
    when ``AUTOGRAD_CORE_PURE=1``): what Pyodide can load."""
    dest.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, AUTOGRAD_CORE_PURE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    base = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dest)]
    # the environment's own setuptools first (no download); else pip's isolated build
    done = subprocess.run([*base, "--no-build-isolation"], env=env, capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0:
        done = subprocess.run(base, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"building the pure wheel failed:\n{done.stderr}")
    wheels = sorted(dest.glob("autograd_core-*-py3-none-any.whl"))
    if not wheels:
        raise SystemExit(f"pip wheel made no py3-none-any wheel in {dest}: "
                         f"{[f.name for f in dest.iterdir()]}")
    return wheels[-1]


def _zip(path: Path, files: Iterable[tuple[Path, str]]) -> Path:
    """A zip of (file, name inside) pairs, in a fixed order with fixed dates (reproducible)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for src, name in sorted(files, key=lambda f: f[1]):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, src.read_bytes())
    return path


def _python_files(folder: Path, prefix: str) -> list[tuple[Path, str]]:
    return [(f, f"{prefix}/{f.relative_to(folder).as_posix()}") for f in folder.rglob("*")
            if f.is_file() and "__pycache__" not in f.parts and not f.name.endswith(".pyc")]


def _needs_numpy(source: str) -> bool:
    """Whether a module imports numpy when it is imported (at its top level)."""
    import ast

    for node in ast.parse(source).body:
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        if any(n == "numpy" or n.startswith("numpy.") for n in names):
            return True
    return False


def python_archives(py: Path) -> list[dict[str, Any]]:
    """What the worker unpacks into site-packages: the pure wheel, the ``graphviz`` package
    (pure Python, a dependency of viz), and the runtime (live_runtime.py and the course's
    exercise checker, without the lesson modules that import numpy)."""
    import graphviz

    wheel = pure_wheel(py)
    gv_dir = Path(graphviz.__file__).parent
    gv_version = getattr(graphviz, "__version__", "0")
    gv = _zip(py / f"graphviz-{gv_version}.zip", _python_files(gv_dir, "graphviz"))
    exercises = ROOT / "notebooks" / "exercises"
    runtime_files = [(LIVE_TEMPLATE / "live_runtime.py", "live_runtime.py")]
    runtime_files += [(f, f"exercises/{f.name}") for f in sorted(exercises.glob("*.py"))
                      if not _needs_numpy(f.read_text(encoding="utf-8"))]
    runtime = _zip(py / "runtime.zip", runtime_files)
    return [{"name": wheel.name, "format": "wheel"}, {"name": gv.name, "format": "zip"},
            {"name": runtime.name, "format": "zip"}]


def _cell_sources(notebook: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def byo_code() -> str:
    """Lesson 7's "your turn" cell (the learner's Value class), without its check(...) line."""
    for nb in lesson_files("07"):
        for src in _cell_sources(nb):
            if f'check("{BYO_EXERCISE}"' in src:
                return "\n".join(line for line in src.splitlines()
                                 if not line.startswith("check(")).rstrip() + "\n"
    raise SystemExit(f"lesson 07 has no cell calling check(\"{BYO_EXERCISE}\", ...)")


LAB_CODE = """from autograd_core import Value

# f = (x + y) z, the lectures' first example
x = Value(-2.0, label="x")
y = Value(5.0, label="y")
z = Value(-4.0, label="z")
q = x + y;  q.label = "q"
f = q * z;  f.label = "f"
f.backward()
print("f =", f.data)
print("df/dx =", x.grad, " df/dy =", y.grad, " df/dz =", z.grad)
"""


def _versions_of_vendor(static: Path) -> dict[str, str]:
    lock = json.loads((static / "vendor" / "pyodide" / "pyodide-lock.json").read_text())
    meta = (static / "vendor" / "viz" / "metadata.js").read_text()
    graphviz = re.search(r'graphvizVersion = "([^"]+)"', meta)
    return {"python": lock["info"]["python"], "pyodide": PYODIDE, "viz_js": VIZ_JS,
            "graphviz": graphviz.group(1) if graphviz else "?", "codemirror": CODEMIRROR}


def build_live(out: Path) -> dict[str, Any]:
    """site/live/: the lab and the live playground, and the Python they load."""
    live = out / "live"
    py = live / "py"
    py.mkdir(parents=True, exist_ok=True)
    for f in LIVE_FILES:
        shutil.copy(LIVE_TEMPLATE / f, live / f)
    archives = python_archives(py)
    versions = _versions_of_vendor(out / "_static")
    (py / "manifest.json").write_text(json.dumps(
        {"pyodide": PYODIDE, "archives": archives}, indent=1), encoding="utf-8")
    values = {"@@NAV@@": nav("../", "live/lab.html"), "@@PYTHON@@": versions["python"],
              "@@PYODIDE@@": PYODIDE, "@@GRAPHVIZ@@": versions["graphviz"],
              "@@CODEMIRROR@@": CODEMIRROR, "@@LAB_CODE@@": html.escape(LAB_CODE),
              "@@BYO_CODE@@": html.escape(byo_code())}
    for name in ("lab.html", "playground.html"):
        text = (LIVE_TEMPLATE / name).read_text(encoding="utf-8")
        values["@@NAV@@"] = nav("../", f"live/{name}")
        for k, v in values.items():
            text = text.replace(k, v)
        (live / name).write_text(text, encoding="utf-8")
    vendor_dir = out / "_static" / "vendor"
    files = [(f"_static/vendor/pyodide/{f}", (vendor_dir / "pyodide" / f).stat().st_size)
             for f in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs",
                       "pyodide.mjs", "pyodide-lock.json")]
    files.append(("_static/vendor/viz/viz-global.js",
                  (vendor_dir / "viz" / "viz-global.js").stat().st_size))
    files.append(("_static/vendor/codemirror/ (4 files)", sum(
        (vendor_dir / "codemirror" / f).stat().st_size
        for f in ("codemirror.js", "python.js", "matchbrackets.js", "codemirror.css"))))
    files += [(f"live/py/{a['name']}", (py / a["name"]).stat().st_size) for a in archives]
    files.append(("live/ pages and scripts", sum(
        f.stat().st_size for f in live.iterdir() if f.is_file())))
    log(f"live pages: {sum(s for _, s in files) / 1e6:.1f} MB to download "
        f"(Pyodide {PYODIDE}, Python {versions['python']})")
    return {"versions": versions, "files": files}


# ---------------------------------------------------------------------------------------------
# API reference and the index
# ---------------------------------------------------------------------------------------------

def build_api(out: Path) -> None:
    """pdoc's pages for autograd_core, nn and viz (pdoc inlines its CSS and search script)."""
    import pkgutil

    api = out / "api"
    env = dict(os.environ, MPLBACKEND="Agg")
    modules = []
    for package in ("autograd_core", "nn", "viz"):
        modules.append(package)
        path = [str(ROOT / package)]
        modules += [m.name for m in pkgutil.walk_packages(path, package + ".")
                    if not m.name.split(".")[-1].startswith("_")]
    done = subprocess.run([sys.executable, "-m", "pdoc", "--no-math", "--no-mermaid",
                           "--no-include-undocumented", "--no-show-source", "-o", str(api),
                           *modules],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pdoc failed:\n{done.stderr}")
    log(f"API reference: {sum(1 for _ in api.rglob('*.html'))} pages")


def _live_section(live: dict[str, Any] | None) -> str:
    if not live:
        return ""
    v = live["versions"]
    rows = "\n".join(f"<tr><td><code>{html.escape(name)}</code></td>"
                     f'<td style="text-align:right">{size / 1e6:.2f} MB</td></tr>'
                     for name, size in live["files"])
    total = sum(size for _, size in live["files"])
    return f"""<h2>Live: the engine in your browser</h2>
<ul class="cards">
<li><a href="live/lab.html">Lab</a> <span class="muted">write Value expressions, run them with
the real engine, see their graph and backward pass step by step; build your own engine with
the course's checker answering</span></li>
<li><a href="live/playground.html">Playground (live)</a> <span class="muted">TensorFlow
Playground's data sets and controls, trained as you watch by nn.MLP and SGD on this
engine</span></li>
</ul>
<p class="muted" id="live-about">Python {html.escape(v["python"])} on Pyodide
{html.escape(v["pyodide"])} (npm <code>pyodide@{html.escape(v["pyodide"])}</code>), Graphviz
{html.escape(v["graphviz"])} in WebAssembly (npm
<code>@viz-js/viz@{html.escape(v["viz_js"])}</code>),
CodeMirror {html.escape(v["codemirror"])}, and autograd-core as a pure wheel built with this
site. Python runs in a Web Worker; nothing is fetched from outside this folder. The live pages
need the folder served (browsers refuse workers from files):
<code>make serve</code> (or <code>python -m http.server -d site</code>), then
http://127.0.0.1:8000/. What a first visit
downloads ({total / 1e6:.1f} MB; the browser caches it):</p>
<table class="muted" id="live-files">
{rows}
</table>
"""


def build_index(out: Path, lessons: Iterable[Lesson], steps: list[tuple[str, str, str]],
                playground: dict[str, Any], live: dict[str, Any] | None = None) -> None:
    lesson_items = "\n".join(
        f'<li><a href="lessons/{x.stem}.html">{html.escape(x.title)}</a>'
        f'<div class="muted">{html.escape(x.summary)}</div></li>' for x in lessons)
    step_items = "\n".join(f'<li><a href="steps/{s}.html">{html.escape(t)}</a> '
                           f'<span class="muted">{html.escape(w)}</span></li>'
                           for s, t, w in steps)
    n_runs = (len(playground["datasets"]) * len(playground["activations"])
              * len(playground["lrs"]) * len(playground["archs"]) * len(playground["regs"]))
    body = f"""<h1>{html.escape(TITLE)}</h1>
<p class="lead">A course on backpropagation with a small autodiff engine you can read in an
afternoon. Everything here works in a browser with no install, no kernel and no network: the
lessons show their saved outputs, the step-throughs and the playground run on their own.</p>
<h2>Lessons</h2>
<ol class="lessons">
{lesson_items}
</ol>
<p class="muted">To run and change the lessons: <code>make lab</code> in a clone of the project
(JupyterLab on the notebooks folder).</p>
{_live_section(live)}<h2>Backward, step by step</h2>
<ul class="cards">
{step_items}
</ul>
<h2>Playground</h2>
<p><a href="playground/index.html">Decision boundaries of {n_runs} small networks</a> (data sets
{", ".join(playground["datasets"])}; activations {", ".join(playground["activations"])}),
trained by autograd-core when this site was built; scrub or play through the epochs.</p>
<h2>More</h2>
<ul class="cards">
<li><a href="pictures/index.html">Pictures</a> <span class="muted">graphs, activations,
a trained network</span></li>
<li><a href="api/index.html">API reference</a> <span class="muted">autograd_core, nn, viz,
from their docstrings</span></li>
</ul>
<p class="muted">Built by <code>make site</code> (<code>python scripts/build_site.py</code>)
on {time.strftime("%Y-%m-%d")}.</p>"""
    (out / "index.html").write_text(page(TITLE, body, "", "index.html"), encoding="utf-8")


def favicon() -> bytes:
    """A 16 x 16 PNG in the site's blue (browsers ask for /favicon.ico; without one the served
    site logs a 404 on every page)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes((8, 119, 189)) * 16 for _ in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


MARKER = ".autograd-core-site"  # in every folder this builder made, so it may replace it


def _older_build(out: Path) -> bool:
    """A site this builder made before it wrote its marker: its stylesheet and its index."""
    index = out / "index.html"
    return ((out / "_static" / "site.css").is_file() and index.is_file()
            and html.escape(TITLE) in index.read_text(encoding="utf-8", errors="replace"))


def check_out_folder(out: Path) -> None:
    """Refuse to replace a folder the builder did not make (``--out .`` would otherwise delete
    the checkout): ``out`` must be missing, empty, or hold the builder's marker file."""
    if not out.exists():
        return
    if not out.is_dir():
        raise SystemExit(f"--out {out}: that is a file, not a folder; name a new folder "
                         "(e.g. --out site)")
    if (out / MARKER).is_file() or not any(out.iterdir()) or _older_build(out):
        return
    raise SystemExit(f"--out {out}: that folder exists and was not made by this builder (it "
                     f"has no {MARKER} file), so it is left alone instead of being replaced. "
                     "Name a new or empty folder (e.g. --out site), or delete it yourself.")


def build(out: Path, grid: str = "full", lessons: str | None = None, api: bool = True,
          pictures: bool = True, live: bool = True) -> dict[str, Any]:
    """Build the whole site into ``out`` (replaced, when this builder made it) and return what
    was made and how long."""
    check_out_folder(out)
    os.environ.setdefault("MPLBACKEND", "Agg")
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent if out.parent.exists() else None))
    try:
        static = tmp / "_static"
        static.mkdir(parents=True)
        shutil.copy(TEMPLATE / "site.css", static / "site.css")
        vendor(static)
        (tmp / MARKER).write_text("made by scripts/build_site.py; it replaces this folder\n")
        (tmp / "favicon.ico").write_bytes(favicon())
        live_info = build_live(tmp) if live else None
        files = lesson_files(lessons)
        made_lessons = render_lessons(files, tmp)
        steps = build_steps(tmp)
        if pictures:
            build_pictures(tmp)
        meta = build_playground(tmp, grid)
        if api:
            build_api(tmp)
        build_index(tmp, made_lessons, steps, meta, live_info)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds = time.perf_counter() - t0
    size = folder_size(out)
    log(f"built {out} in {seconds:.0f} s: {size / 1e6:.1f} MB, {len(made_lessons)} lessons")
    return {"seconds": seconds, "bytes": size, "lessons": [x.stem for x in made_lessons],
            "live": live_info}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "site",
                    help="output folder (replaced if this builder made it; else refused "
                         "unless empty)")
    ap.add_argument("--grid", choices=sorted(GRIDS), default=os.environ.get("SITE_GRID", "full"),
                    help="the playground's training grid (tiny: 2 runs, for tests)")
    ap.add_argument("--lessons", default=None,
                    help="only lessons whose file name starts with one of these (comma-separated)")
    ap.add_argument("--no-api", action="store_true", help="skip the API reference")
    ap.add_argument("--no-pictures", action="store_true", help="skip the picture gallery")
    ap.add_argument("--no-live", action="store_true", help="skip the live pages (Pyodide)")
    args = ap.parse_args(argv)
    info = build(args.out.resolve(), args.grid, args.lessons, not args.no_api,
                 not args.no_pictures, not args.no_live)
    print(f"site: {args.out}/index.html  ({info['bytes'] / 1e6:.1f} MB, built in "
          f"{info['seconds']:.0f} s). Open it in a browser; the live pages need the folder "
          f"served: python -m http.server -d {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The live pages: the real engine in the browser (Pyodide in a Web Worker), served from the
site's own folder with every other host unresolvable.

* the lab runs f = (x + y) z: gradients -4, -4, 3 printed and drawn, the step-through steps;
* a syntax error and a ZeroDivisionError come back with the learner's line, no JS stack;
* an endless loop is ended by Stop, and the lab runs again afterwards;
* lesson 7's checker on the page says right to a right class and not yet to a wrong one;
* the live playground's loss falls on XOR and on spirals, its units are drawn and clickable;
* a lesson page runs a cell that draws a graph;
* no request leaves the site, no console error.

The Python side (live_runtime.py) and the builder's --out guard are tested without a browser.
"""

from __future__ import annotations

import html
import inspect
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.site.conftest import ROOT, LiveBrowser, assert_served_only

sys.path.insert(0, str(ROOT / "docs" / "site_template" / "live"))
sys.path.insert(0, str(ROOT / "notebooks"))

CHAIN = """from autograd_core import Value
x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
q = x + y; q.label = "q"
f = q * z; f.label = "f"
f.backward()
print(x.grad, y.grad, z.grad)
"""


def _solution_code(wrong: bool = False) -> str:
    """Lesson 7's solution class as the learner would type it (``MyValue``); ``wrong``: with
    the classic bug, ``=`` instead of ``+=`` in backward."""
    from exercises import lesson_07

    code = "import math\n\n" + inspect.getsource(lesson_07.SolutionValue).replace(
        "SolutionValue", "MyValue")
    if wrong:
        code = code.replace("parent.grad += local * node.grad", "parent.grad = local * node.grad")
    return code


# ---------------------------------------------------------------------------------------------
# without a browser: the runtime in CPython, the wheel, the --out guard
# ---------------------------------------------------------------------------------------------

def test_runtime_reports_the_learners_line() -> None:
    import live_runtime

    r = json.loads(live_runtime.run_lab(CHAIN))
    assert r["error"] is None and r["stdout"] == "-4.0 -4.0 3.0\n"
    assert r["graph"]["name"] == "f" and r["graph"]["dot"].startswith("digraph")
    assert len(r["graph"]["frames"]) == 4  # before, f, q, the leaves
    assert "x.grad = -4, y.grad = -4, z.grad = 3" in r["graph"]["frames"][-1]["caption"]
    err = json.loads(live_runtime.run_lab("a = 1\nb = (a +\n"))["error"]
    assert err["line"] == 2 and err["message"].startswith("SyntaxError")
    err = json.loads(live_runtime.run_lab("def g(v):\n    return v / 0\n\nprint(g(1))\n"))["error"]
    assert (err["line"], err["message"]) == (2, "ZeroDivisionError: division by zero")
    assert "Traceback" not in err["text"]


def test_runtime_checker_right_and_wrong() -> None:
    import live_runtime

    right = json.loads(live_runtime.check_exercise(_solution_code(), "07.value_class", "MyValue"))
    assert right["right"] is True and right["error"] is None
    wrong = json.loads(live_runtime.check_exercise(_solution_code(wrong=True), "07.value_class",
                                                   "MyValue"))
    assert wrong["right"] is False and "not yet" in wrong["stdout"]


def test_runtime_playground_trains() -> None:
    import live_runtime

    pg = live_runtime.Playground()
    first = pg.reset({"dataset": "xor", "hidden": [4], "lr": 0.1, "points": 100, "seed": 1})
    assert len(first["train"]) == 50 and len(first["test"]) == 50
    after = pg.step(epochs=20)
    assert after["epoch"] == 20 and len(after["new_history"]) == 20
    assert after["train_loss"] < 0.8 * first["train_loss"]
    g = pg.unit_graph(0, 1, 0)
    assert g["dot"].startswith("digraph") and g["name"] == "h1[1]"


def test_runtime_compiled_and_eager_training_agree() -> None:
    """The playground trains with compile(..., backend="python") when it can: the same losses
    and weights as the eager engine (Values, backward, nn.SGD), penalties included."""
    import live_runtime

    runs = []
    for engine in ("auto", "eager"):
        pg = live_runtime.Playground()
        pg.reset({"dataset": "circles", "hidden": [3, 2], "lr": 0.1, "l2": 0.01, "l1": 0.001,
                  "batch": 7, "points": 60, "seed": 2, "engine": engine})
        out = pg.step(epochs=5)
        runs.append((out["engine"], [v for h in pg.history for v in h],
                     [p.data for p in pg.model.parameters()]))
    (e1, h1, w1), (e2, h2, w2) = runs
    assert (e1, e2) == ("compiled", "eager")
    assert h1 == pytest.approx(h2, abs=1e-12) and w1 == pytest.approx(w2, abs=1e-12)


def test_site_ships_a_pure_wheel(site: Path) -> None:
    manifest = json.loads((site / "live" / "py" / "manifest.json").read_text())
    wheel = site / "live" / "py" / manifest["archives"][0]["name"]
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "autograd_core/value.py" in names and "nn/layers.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]
    runtime = zipfile.ZipFile(site / "live" / "py" / "runtime.zip").namelist()
    assert "live_runtime.py" in runtime and "exercises/lesson_07.py" in runtime
    index = (site / "index.html").read_text()
    assert 'href="live/lab.html"' in index and "pyodide.asm.wasm" in index


def test_out_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_site

    precious = tmp_path / "checkout"
    precious.mkdir()
    (precious / "README.md").write_text("keep me")
    with pytest.raises(SystemExit, match="was not made by this builder"):
        build_site.main(["--out", str(precious), "--no-api", "--no-pictures", "--no-live",
                         "--lessons", "01", "--grid", "tiny"])
    assert (precious / "README.md").read_text() == "keep me"
    with pytest.raises(SystemExit, match="that is a file"):
        build_site.check_out_folder(precious / "README.md")
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site.check_out_folder(empty)  # an empty folder may be used
    made = tmp_path / "made"
    made.mkdir()
    (made / "old.html").write_text("old")
    (made / build_site.MARKER).write_text("")
    build_site.check_out_folder(made)  # a folder the builder made is replaced
    older = tmp_path / "older"  # a site built before the marker existed
    (older / "_static").mkdir(parents=True)
    (older / "_static" / "site.css").write_text("")
    (older / "index.html").write_text(f"<title>{build_site.TITLE}</title>")
    build_site.check_out_folder(older)
    (older / "index.html").write_text("<title>my own page</title>")
    with pytest.raises(SystemExit):
        build_site.check_out_folder(older)


# ---------------------------------------------------------------------------------------------
# in Chromium
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(live_browser: LiveBrowser, served_site: str) -> LiveBrowser:
    live_browser.get(served_site + "live/lab.html")
    assert live_browser.call("live.ready") is True
    return live_browser


def test_lab_runs_the_chain_rule(lab: LiveBrowser, served_site: str) -> None:
    from selenium.webdriver.common.by import By

    r = lab.call("live.run(arguments[0])", CHAIN)
    assert r["error"] is None and r["stdout"] == "-4.0 -4.0 3.0\n"
    assert r["name"] == "f" and r["frames"] == 4
    svg = html.unescape(r["svg"])  # Graphviz writes - as &#45;
    assert svg.startswith("<?xml") or "<svg" in svg[:300]
    for text in ("grad -4", "grad 3", "sends -4", "sends 3"):
        assert text in svg, text
    assert lab.js("return document.querySelector('#graph svg') !== null")
    # the step-through: buttons and keyboard
    lab.wait("document.querySelector('#frame svg')", timeout=20)
    assert lab.js("return document.body.dataset.frame") == "0"
    lab.driver.find_element(By.ID, "next").click()
    assert lab.js("return document.body.dataset.frame") == "1"
    assert "f (*): upstream 1" in lab.driver.find_element(By.ID, "caption").text
    lab.driver.find_element(By.TAG_NAME, "h1").click()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(lab.driver).send_keys(Keys.END).perform()
    assert lab.js("return document.body.dataset.frame") == "3"
    assert "x.grad = -4, y.grad = -4, z.grad = 3" in lab.driver.find_element(By.ID, "caption").text
    lab.screenshot("live_lab")
    # any other Value the code assigned can be drawn: q = x + y, with its own gradients
    assert r["values"] == ["x", "y", "z", "q", "f"]
    q = html.unescape(lab.call("live.draw('q')"))
    assert "data 3" in q and "grad -4" in q and "data -12" not in q
    assert lab.js("return document.getElementById('graph-title').textContent") == "Graph of q"
    assert lab.js("return document.body.dataset.frame") == "0"  # q's own step-through
    assert_served_only(lab, served_site)


def test_lab_errors_name_the_line(lab: LiveBrowser, served_site: str) -> None:
    r = lab.call("live.run(arguments[0])", "a = 1\nb = (a +\n")
    assert r["line"] == 2 and r["error"].startswith("line 2: SyntaxError")
    r = lab.call("live.run(arguments[0])", "x = 1.0\ny = 0.0\nprint(x / y)\n")
    assert r["line"] == 3 and r["error"].startswith("line 3: ZeroDivisionError: ")
    assert r["error"].endswith("division by zero")  # Python 3.14 no longer says "float"
    shown = lab.js("return document.getElementById('error').textContent")
    assert shown == r["error"] and "at " not in shown and ".js" not in shown
    assert lab.js("return document.querySelector('.error-line') !== null")
    assert_served_only(lab, served_site)


def test_stop_ends_an_endless_loop(lab: LiveBrowser, served_site: str) -> None:
    from selenium.webdriver.common.by import By

    lab.js("window.endless = live.run('while True:\\n    pass\\n')")
    lab.wait("!document.getElementById('stop').disabled", timeout=10)
    assert lab.js("return document.getElementById('status').dataset.state") == "running"
    lab.driver.find_element(By.ID, "stop").click()
    r = lab.call("window.endless")
    assert r["stopped"] is True
    assert lab.call("live.ready") is True  # a fresh Python
    r = lab.call("live.run(arguments[0])", CHAIN)
    assert r["stdout"] == "-4.0 -4.0 3.0\n" and "grad -4" in html.unescape(r["svg"])
    assert_served_only(lab, served_site)


def test_build_your_own_checker(lab: LiveBrowser, served_site: str) -> None:
    right = lab.call("live.check(arguments[0])", _solution_code())
    assert right["right"] is True and right["error"] is None
    assert "right" in right["stdout"]
    assert lab.js("return document.getElementById('verdict').textContent") == "right"
    wrong = lab.call("live.check(arguments[0])", _solution_code(wrong=True))
    assert wrong["right"] is False and "not yet" in wrong["stdout"]
    assert lab.js("return document.getElementById('verdict').textContent") == "not yet"
    assert_served_only(lab, served_site)


def _train(browser: LiveBrowser, **settings: Any) -> dict[str, Any]:
    s = {"hidden": [8, 8], "activation": "tanh", "lr": 0.03, "batch": 10, "epochs": 40,
         "points": 200, "seed": 1}
    s.update(settings)
    out = browser.call("live.train(arguments[0])", s)
    assert "js_error" not in out, out
    return dict(out)


def test_playground_loss_falls_on_xor_and_spirals(live_browser: LiveBrowser,
                                                  served_site: str) -> None:
    b = live_browser
    b.get(served_site + "live/playground.html")
    assert b.call("live.ready") is True
    xor = _train(b, dataset="xor", epochs=60)
    assert xor["epochs"] == 60 and xor["engine"] == "compiled"
    assert xor["loss_last"] < 0.7 * xor["loss_first"]
    assert xor["test_accuracy"] >= 0.8
    assert xor["redraws"] >= 2 and xor["boundary"] == "50x50"
    spirals = _train(b, dataset="spirals", epochs=40, lr=0.1)
    assert spirals["loss_last"] < spirals["loss_first"]
    # every hidden unit drew its heatmap: the network canvas holds both colours
    colours = b.js("""const c = document.getElementById('net');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0, orange = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 2] > 150 && d[i] < 120) blue++;
          if (d[i] > 200 && d[i + 2] < 120) orange++;
        }
        return [blue, orange];""")
    assert min(colours) > 500
    g = b.call("live.showUnit(1, 2, 0).then(() => document.querySelector('#unit-graph svg')"
               ".outerHTML)")
    g = html.unescape(g)
    assert "h2[2]" in g and "grad" in g
    b.screenshot("live_playground")
    assert_served_only(b, served_site)


def test_lesson_page_runs_a_cell(live_browser: LiveBrowser, served_site: str, site: Path) -> None:
    b = live_browser
    lesson = next((site / "lessons").glob("01_*.html")).name
    b.get(served_site + "lessons/" + lesson)
    cells = b.js("return live.cells")
    k = next(i for i, c in enumerate(cells) if c["run"] and "fv.backward()" in c["code"])
    r = b.call("live.runCell(arguments[0])", k)
    svg = html.unescape(r["svg"])
    assert r["error"] is None and "grad -4" in svg and "grad 3" in svg
    static = [c for c in cells if not c["run"]]
    assert all(c["why"] for c in static)
    assert b.js("return document.querySelectorAll('.live-cell button').length") == len(
        cells) - len(static)
    b.screenshot("live_lesson")
    # "open in the lab": the cell with the runnable cells above it, run by the lab
    href = b.js("return document.querySelectorAll('.live-cell')[arguments[0]]"
                ".querySelector('a').href", k)
    assert "/live/lab.html#code=" in href
    b.get(href)
    b.wait("document.body.dataset.runs === '1'", timeout=60)
    assert b.js("return document.getElementById('graph-title').textContent") == "Graph of fv"
    assert "grad -4" in html.unescape(b.js("return document.getElementById('graph').innerHTML"))
    assert_served_only(b, served_site)


@pytest.mark.parametrize("stem", ["01", "07"])
def test_lessons_1_and_7_run_live(live_browser: LiveBrowser, served_site: str, site: Path,
                                  stem: str) -> None:
    """Every cell that runs without numpy runs in the page without an error, in order (the
    last one runs all above it first); lesson 7 has no static cell."""
    b = live_browser
    lesson = next((site / "lessons").glob(f"{stem}_*.html")).name
    b.get(served_site + "lessons/" + lesson)
    cells = b.js("return live.cells")
    runnable = [k for k, c in enumerate(cells) if c["run"]]
    assert len(runnable) >= (len(cells) if stem == "07" else len(cells) - 3)
    errors = []
    for k in runnable:
        r = b.call("live.runCell(arguments[0])", k)
        if r["error"]:
            errors.append((k, r["error"]))
    assert errors == []
    assert_served_only(b, served_site)

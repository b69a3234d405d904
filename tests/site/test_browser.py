"""The course without a kernel, checked in headless Chromium with the network blocked.

* a step-through page (``viz.save_html``) advances with its buttons, the keyboard and play,
  showing the right frame and caption each time, and fits a 400 px window;
* the playground's picture changes with a setting and with the epoch slider;
* a lesson page typesets its maths and draws its outputs from bundled files only;
* a notebook's step slider, executed and exported, steps through from saved widget state.

Screenshots go to output/screenshots/ for the test report.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.site.conftest import ROOT, Browser, assert_stayed_inside
from tests.viz.helpers import needs_dot
from viz.examples import chain_rule_example
from viz.steps import save_html

pytestmark = needs_dot


def _state(browser: Browser) -> dict[str, object]:
    return browser.js("""
        const on = [...document.querySelectorAll('.frame')].filter(
            f => getComputedStyle(f).display !== 'none').map(f => +f.dataset.frame);
        return {frame: +document.body.dataset.frame, visible: on,
                counter: document.getElementById('counter').textContent,
                caption: document.getElementById('cap').innerText,
                play: document.getElementById('play').textContent};""")


@pytest.fixture(scope="module")
def step_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("steps")
    return save_html(chain_rule_example(), folder / "chain.html", delay_ms=150)


def test_step_through_buttons_keyboard_and_play(browser: Browser, step_page: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.open(step_page)
    s = _state(browser)
    assert (s["frame"], s["visible"], s["counter"]) == (0, [0], "step 1 / 4")
    assert "before backward" in str(s["caption"])
    browser.screenshot("step_through_first")

    browser.driver.find_element(By.ID, "next").click()
    s = _state(browser)
    assert (s["frame"], s["visible"], s["counter"]) == (1, [1], "step 2 / 4")
    assert "f (*): upstream 1" in str(s["caption"])
    assert "edge q \u2192 * (f) sends local -4 \u00d7 upstream 1 = -4 to q.grad" in str(
        s["caption"])

    keys = ActionChains(browser.driver)
    browser.driver.find_element(By.TAG_NAME, "h1").click()  # focus the page, not a button
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    s = _state(browser)
    assert (s["frame"], s["visible"], s["counter"]) == (2, [2], "step 3 / 4")
    assert "edge x \u2192 + (q) sends local 1 \u00d7 upstream -4 = -4 to x.grad" in str(
        s["caption"])
    browser.screenshot("step_through_middle")
    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert _state(browser)["frame"] == 1
    keys.send_keys(Keys.END).perform()
    s = _state(browser)
    assert (s["frame"], s["visible"]) == (3, [3])
    assert "x.grad = -4, y.grad = -4, z.grad = 3" in str(s["caption"])
    browser.screenshot("step_through_last")
    keys.send_keys(Keys.HOME).perform()
    assert _state(browser)["frame"] == 0

    browser.driver.find_element(By.ID, "play").click()  # 150 ms a frame, then it stops
    assert "pause" in str(_state(browser)["play"])
    browser.wait("+document.body.dataset.frame === 3 && "
                 "document.getElementById('play').textContent.includes('play')", timeout=5)
    assert _state(browser)["visible"] == [3]
    assert_stayed_inside(browser, step_page.parent)


def test_narrow_window_shows_the_whole_graph(browser: Browser, step_page: Path) -> None:
    browser.open(step_page, width=400, height=800)
    browser.wait("+document.body.dataset.frame === 0")
    width = browser.js("return document.documentElement.clientWidth")
    assert browser.js("return document.documentElement.scrollWidth") <= width
    box = browser.js("const s = [...document.querySelectorAll('.frame.on svg')]"
                     ".find(e => e.getBoundingClientRect().width > 0);"
                     "const r = s.getBoundingClientRect();"
                     "return [r.left, r.right, r.width, s.closest('.narrow') !== null,"
                     " r.width / s.viewBox.baseVal.width];")
    # the top-to-bottom layout, scaled down to fit, not cut off, and still legible (at least
    # 60% of its natural size, where the left-to-right one shrinks to about a third)
    assert box[0] >= 0 and box[1] <= width and box[2] > 250 and box[3] and box[4] >= 0.6
    browser.screenshot("step_through_400px")
    assert_stayed_inside(browser, step_page.parent)


def _canvas(browser: Browser) -> str:
    return str(browser.js("return document.getElementById('boundary').toDataURL()"))


def test_playground_changes_with_settings_and_epochs(browser: Browser, site: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.open(site / "playground" / "index.html")
    browser.wait("document.body.dataset.run")
    first, run = _canvas(browser), browser.js("return document.body.dataset.run")
    assert run == "circles|tanh|0.1|4|none"
    assert browser.js("return document.body.dataset.epoch") == "40"
    assert "computed by autograd-core" in browser.driver.find_element(By.ID, "provenance").text
    browser.screenshot("playground")

    browser.driver.find_element(By.CSS_SELECTOR, "input[name=reg][value='l2=0.001']").click()
    assert browser.js("return document.body.dataset.run") == "circles|tanh|0.1|4|l2=0.001"
    regularised = _canvas(browser)
    assert regularised != first

    slider = browser.driver.find_element(By.ID, "epoch")
    slider.send_keys(Keys.HOME)
    assert browser.js("return document.body.dataset.epoch") == "0"
    start = _canvas(browser)
    assert start != regularised
    assert browser.driver.find_element(By.ID, "readout").text.startswith("epoch 0 of 40")
    slider.send_keys(Keys.ARROW_RIGHT)
    assert browser.js("return document.body.dataset.epoch") == "10"
    assert _canvas(browser) != start
    assert_stayed_inside(browser, site)


def test_lesson_page_works_offline(browser: Browser, site: Path) -> None:
    lesson = next((site / "lessons").glob("01_*.html"))
    browser.open(lesson)
    browser.wait("document.querySelector('mjx-container')", timeout=20)  # maths typeset
    graphs = browser.js("return [...document.querySelectorAll('.jp-RenderedSVG img')]"
                        ".map(i => i.naturalWidth)")
    assert graphs and min(graphs) > 100  # every graph picture drawn
    requested = browser.requests()
    assert any(u.endswith("/_static/vendor/mathjax/tex-svg-full.js") for u in requested)
    outside = [u for u in requested if not u.startswith((site.resolve().as_uri() + "/",
                                                          "data:", "blob:", "about:"))]
    assert outside == []
    browser.screenshot("lesson_page")
    assert browser.console_errors() == []


def test_index_links_point_at_files(site: Path) -> None:
    import re

    left_out = {"pictures", "api"}  # not made by the small build (no browser behaviour)
    checked = 0
    for page in [site / "index.html", *site.glob("*/index.html")]:
        for href in re.findall(r'href="([^"#:]+)', page.read_text()):
            target = (page.parent / href).resolve()
            if target.relative_to(site.resolve()).parts[0] in left_out:
                continue
            assert target.exists(), f"{page.relative_to(site)} links to {href}"
            checked += 1
    assert checked > 20


def test_saved_widget_state_steps_without_a_kernel(browser: Browser, site: Path,
                                                    tmp_path: Path) -> None:
    """A notebook whose cell shows viz.step_slider, executed and rendered like a lesson: the
    slider in the page switches the frames with no kernel behind it."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 99. slider check"),
                nbformat.v4.new_code_cell(
                    "import viz\nfrom viz.examples import chain_rule_example\n"
                    "viz.step_slider(chain_rule_example())")]
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    nbclient.NotebookClient(nb, km=km, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    assert "widgets" in nb.metadata  # the widget state was saved with the notebook
    path = tmp_path / "99_slider_check.ipynb"
    nbformat.write(nb, path)
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_site

    build_site.render_lessons([path], site, index=False)
    browser.open(site / "lessons" / "99_slider_check.html")
    shown = ("[...document.querySelectorAll('.ac-step')].filter(e => e.offsetParent !== null)"
             ".map(e => e.dataset.frame).join(',')")
    browser.wait(f"{shown} === '0'", timeout=20)
    handle = browser.driver.find_element("css selector", ".noUi-handle")
    handle.click()
    ActionChains(browser.driver).send_keys(Keys.ARROW_RIGHT).perform()
    browser.wait(f"{shown} === '1'")
    ActionChains(browser.driver).send_keys(Keys.ARROW_RIGHT).perform()
    browser.wait(f"{shown} === '2'")
    assert "q (+): upstream -4" in browser.js(
        "return [...document.querySelectorAll('.ac-step')].find(e => e.offsetParent)"
        ".textContent")
    browser.screenshot("lesson_widget_slider")
    assert_stayed_inside(browser, site)

"""Pictures at the size a learner sees them, measured in headless Chromium.

* lesson-page graphs: no text smaller than 8 px at 1280 px; on a 400 px screen they keep their
  own size (the output scrolls sideways) instead of shrinking their labels to 2-5 px;
* the playground: a test point is seen on every background (white centre, class-coloured ring,
  dark rim), its own class's colour included; the loss chart has room for its axes' values.
"""

from __future__ import annotations

from pathlib import Path

from tests.site.conftest import Browser
from tests.viz.helpers import needs_dot

pytestmark = needs_dot

#: Every graph's smallest text, in CSS pixels as drawn: font-size x (drawn width / viewBox width).
SMALLEST_TEXT = """
const sizes = [];
for (const el of document.querySelectorAll('.jp-RenderedSVG img, .widget-html-content svg')) {
  const w = el.getBoundingClientRect().width;
  if (!w) continue;
  let svg = el;
  if (el.tagName === 'IMG') {
    const src = el.getAttribute('src');
    const text = src.startsWith('data:image/svg+xml;base64,') ? atob(src.split(',')[1])
               : decodeURIComponent(src.split(',')[1]);
    svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  }
  const vb = svg.getAttribute('viewBox').split(/\\s+/).map(Number);
  const fonts = [...svg.querySelectorAll('text')].map(t => +t.getAttribute('font-size'))
                .filter(f => f > 0);
  if (fonts.length) sizes.push(Math.min(...fonts) * w / vb[2]);
}
return sizes;
"""


def _lesson(site: Path) -> Path:
    return next((site / "lessons").glob("01_*.html"))


def test_lesson_graph_labels_at_least_8px_at_1280(browser: Browser, site: Path) -> None:
    browser.open(_lesson(site), width=1280, height=900)
    sizes = browser.js(SMALLEST_TEXT)
    assert len(sizes) >= 4, sizes
    assert min(sizes) >= 8.0, sizes


def test_lesson_graphs_scroll_instead_of_shrinking_at_400(browser: Browser, site: Path) -> None:
    browser.open(_lesson(site), width=400, height=900)
    sizes = browser.js(SMALLEST_TEXT)
    assert sizes and min(sizes) >= 8.0, sizes
    # the page itself does not scroll sideways: each wide graph scrolls inside its output
    assert browser.js("return document.documentElement.scrollWidth") <= 400 + 1
    browser.screenshot("lesson_graph_400px")


def test_playground_test_points_seen_on_their_own_colour(browser: Browser, site: Path) -> None:
    browser.open(site / "playground" / "index.html", width=1280, height=900)
    browser.wait("document.body.dataset.run")
    # the first test point of the shown data set: its centre is white, its rim dark, whatever
    # the background (a correctly classified point sits on its own class's colour)
    found = browser.js("""
      const P = window.PLAYGROUND, g = P.meta.grid, c = document.getElementById('boundary');
      const ctx = c.getContext('2d'), out = [];
      const data = P.datasets[document.body.dataset.run.split('|')[0]];
      const pix = ([x, y]) => [(x - g.xmin) / (g.xmax - g.xmin) * c.width,
                               (g.ymax - y) / (g.ymax - g.ymin) * c.height];
      const all = data.train.concat(data.test).map(pix);
      for (const p of data.test.map(pix)) {       // isolated test points only: 16 px apart
        if (all.some(q => q !== p && Math.hypot(q[0] - p[0], q[1] - p[1]) < 16
                          && (q[0] !== p[0] || q[1] !== p[1]))) continue;
        const at = (dx, dy) => [...ctx.getImageData(Math.floor(p[0] + dx),
                                                    Math.floor(p[1] + dy), 1, 1).data].slice(0, 3);
        const rim = [[6.5, 0], [-6.5, 0], [0, 6.5], [0, -6.5]].map(([dx, dy]) => at(dx, dy));
        out.push([at(0, 0), rim]);
        if (out.length === 5) break;
      }
      return out;""")
    assert found
    for centre, rim in found:
        assert min(centre) >= 235, centre                         # white centre
        assert sum(max(px) <= 160 for px in rim) >= 3, rim        # a dark rim around it

"""What a reader without a kernel sees in the committed notebooks (GitHub, nbviewer, the site).

* every graph output carries a PNG beside its SVG (untrusted notebooks and GitHub refuse SVG);
* every saved step slider is a Stack of frames linked to its slider by a browser-side link, so
  the saved widget state alone steps through the frames.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob(
    "[0-9][0-9]_*.ipynb"))


def _outputs(nb: Any) -> list[dict[str, Any]]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_svg_output_has_a_png(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for out in _outputs(nb):
        data = out.get("data", {})
        if "image/svg+xml" in data:
            assert "image/png" in data, f"{path.name}: an SVG output without its PNG"
            png = base64.b64decode(data["image/png"])
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_step_sliders_are_linked_in_the_browser(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    stacks = {k: v for k, v in state.items() if v["model_name"] == "StackModel"}
    if not stacks:
        pytest.skip(f"{path.name} saves no step slider")
    links = [v["state"] for v in state.values() if v["model_name"] == "LinkModel"]
    for key, stack in stacks.items():
        into = [link for link in links if link["target"] == [f"IPY_MODEL_{key}",
                                                              "selected_index"]]
        assert len(into) == 1, f"{path.name}: the Stack is not linked to a slider"
        slider = state[into[0]["source"][0].removeprefix("IPY_MODEL_")]
        assert slider["model_name"] == "IntSliderModel"
        frames = stack["state"]["children"]
        assert slider["state"]["max"] == len(frames) - 1 >= 2
        texts = [state[f.removeprefix("IPY_MODEL_")]["state"]["value"] for f in frames]
        assert all("<svg" in t for t in texts)
        assert "before backward" in texts[0] and "final" in texts[-1]

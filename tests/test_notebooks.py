"""Execute every lesson notebook top to bottom; any error (a failed assert included) fails.

The notebooks assert their key numbers (f = -12 and gradients -4, -4, 3; 0.798508; XOR solved;
numpy and engine gradients identical; digits accuracy >= 0.9), so a regression anywhere in
autograd_core, nn or viz shows up here. Regenerate them with ``notebooks/_build.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_notebooks_found() -> None:
    assert len(NOTEBOOKS) >= 6, NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:  # the failing cell and its traceback
        pytest.fail(f"{name} failed:\n{err}")
    assert os.environ["MPLBACKEND"] == "Agg"

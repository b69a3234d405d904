"""Execute lessons from their percent-script source and write the outputs into the paired .ipynb.

    .venv/bin/python notebooks/run_lessons.py              # every lesson
    .venv/bin/python notebooks/run_lessons.py 01 07_build  # the lessons whose name contains one

Each lesson is a pair: ``NN_name.py`` (jupytext percent script, the source a teacher edits and
diffs) and ``NN_name.ipynb`` (the same cells with their outputs, what a learner opens). This
script reads the .py, runs it top to bottom in a fresh kernel whose working directory is
``notebooks/`` (so ``import exercises`` works), and writes the .ipynb. The written notebook is
deterministic: stable cell ids (``nbNN-00``...), no execution timings, widget model ids numbered
in order instead of random UUIDs. Run it after editing a lesson; ``tests/test_notebooks.py``
fails when a .py and its .ipynb disagree.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LESSON_GLOB = "[0-9][0-9]_*.py"

#: What a committed output must never contain: memory addresses and progress-bar rates change
#: on every run and make every re-execution a noisy diff.
NONDETERMINISTIC = re.compile(r"at 0x[0-9a-fA-F]{6,}|\d+(\.\d+)?\s?(it/s|s/it)")


def lessons(selection: list[str] | None = None) -> list[Path]:
    """The lesson sources (``NN_name.py``) in order, filtered by substrings of their names."""
    found = sorted(HERE.glob(LESSON_GLOB))
    if selection:
        found = [p for p in found if any(s in p.name for s in selection)]
    return found


def read_source(path: Path) -> Any:
    """The lesson's percent script as a notebook (no outputs), with stable cell ids."""
    import jupytext

    nb = jupytext.read(path)
    stem = path.name.split("_")[0]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"nb{stem}-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.pop("jupytext", None)
    # pair the .ipynb with its .py so JupyterLab (with jupytext) saves both
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    return nb


def _renumber_widgets(nb: Any) -> None:
    """Replace the random widget model ids (UUIDs) by ``widget-00``, ``widget-01``... in the
    order they first appear, in the outputs and in the stored widget state alike."""
    found: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json", {})
            if "model_id" in view:
                found.append(view["model_id"])
    found += list(nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {}))
    ids = list(dict.fromkeys(found))
    if not ids:
        return
    mapping = {old: f"widget-{k:02d}" for k, old in enumerate(ids)}

    def fix(obj: Any) -> Any:
        if isinstance(obj, str):
            if obj.startswith("IPY_MODEL_"):  # references between widgets in the state
                return "IPY_MODEL_" + mapping.get(obj[10:], obj[10:])
            return mapping.get(obj, obj)
        if isinstance(obj, list):
            return [fix(o) for o in obj]
        if isinstance(obj, dict):
            return type(obj)((mapping.get(k, k), fix(v)) for k, v in obj.items())
        return obj

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell["outputs"] = fix(cell["outputs"])
    if "widgets" in nb.metadata:
        nb.metadata["widgets"] = fix(nb.metadata["widgets"])


def _merge_streams(nb: Any) -> None:
    """Join consecutive stdout (or stderr) outputs of a cell into one: the kernel splits a
    cell's printing into chunks at timing-dependent points, which would change the committed
    notebook from run to run."""
    for cell in nb.cells:
        merged: list[Any] = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream"
                    and prev.get("name") == out.get("name")):
                prev["text"] = "".join(prev["text"]) + "".join(out["text"])
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged


def execute(nb: Any, timeout: int = 300) -> Any:
    """Run every cell in a fresh python3 kernel with cwd notebooks/ and the Agg backend."""
    import tempfile

    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    os.environ.setdefault("MPLBACKEND", "Agg")
    # The kernel talks over IPC sockets in a private folder, not TCP ports on localhost: two
    # lessons (or two test runs) starting kernels at once can never race for the same port.
    with tempfile.TemporaryDirectory(prefix="lesson-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc",
                           ip=os.path.join(sockets, "kernel"))
        NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(HERE)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    _merge_streams(nb)
    _renumber_widgets(nb)
    return nb


def nondeterministic_outputs(nb: Any) -> list[str]:
    """The text snippets in the outputs that would change from run to run."""
    bad = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [v for k, v in out.get("data", {}).items()
                                             if k.startswith("text/")]
            for t in texts:
                t = "".join(t) if isinstance(t, list) else str(t)
                for m in NONDETERMINISTIC.finditer(t):
                    bad.append(f"cell {i}: {m.group(0)!r}")
    return bad


#: Numbers that may legitimately differ between two runs of a lesson (a timing such as
#: "0.42 s" or "12 ms"), masked before a lesson's committed outputs are compared with a fresh run.
VARYING = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?\s?(s|ms|µs|us|ns)\b")

#: The output formats compared: what a reader sees as text, and the SVG text of graphs. Raster
#: images (PNG) are left out: their bytes depend on the font rasteriser, not on the lesson.
COMPARED = ("text/plain", "text/markdown", "text/html", "image/svg+xml",
            "application/vnd.jupyter.widget-view+json")


def output_texts(nb: Any) -> list[list[str]]:
    """Per code cell, the text of every output (streams, errors, the COMPARED formats), with
    the legitimately varying numbers masked."""
    import json

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                texts.append(f"{out.get('name')}: " + _joined(out.get("text", "")))
            elif kind == "error":
                texts.append(f"error: {out.get('ename')}: {out.get('evalue')}")
            else:
                data = out.get("data", {})
                for mime in COMPARED:
                    if mime in data:
                        value = data[mime]
                        value = value if isinstance(value, (str, list)) else json.dumps(
                            value, sort_keys=True)
                        texts.append(f"{mime}: " + _joined(value))
                if "image/png" in data:
                    texts.append("image/png")
        cells.append([VARYING.sub("<varies>", t) for t in texts])
    return cells


def _joined(text: Any) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def stale_outputs(committed: Any, fresh: Any) -> list[str]:
    """Where a lesson's committed outputs differ from a fresh run's (after masking what may
    vary): one line per differing code cell, quoting the first differing output."""
    a, b = output_texts(committed), output_texts(fresh)
    problems = []
    if len(a) != len(b):
        problems.append(f"{len(a)} code cells committed, {len(b)} in the fresh run")
    for i, (old, new) in enumerate(zip(a, b)):
        if old == new:
            continue
        for k in range(max(len(old), len(new))):
            o = old[k] if k < len(old) else "(none)"
            n = new[k] if k < len(new) else "(none)"
            if o != n:
                problems.append(f"code cell {i}, output {k}: committed {o[:160]!r}, "
                                f"now {n[:160]!r}")
                break
    return problems


def main(argv: list[str]) -> int:
    import nbformat

    paths = lessons(argv)
    if not paths:
        print(f"no lesson matches {argv}; lessons: {[p.stem for p in lessons()]}")
        return 1
    for path in paths:
        t0 = time.perf_counter()
        nb = execute(read_source(path))
        bad = nondeterministic_outputs(nb)
        nbformat.write(nb, path.with_suffix(".ipynb"))
        print(f"{path.stem}: executed in {time.perf_counter() - t0:.1f} s, "
              f"wrote {path.with_suffix('.ipynb').name}")
        for b in bad:
            print(f"  warning: output changes from run to run: {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

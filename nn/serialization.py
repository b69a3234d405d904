"""Saving and loading models as JSON: plain numbers and names, never pickle.

File layout (version 1)::

    {"format": "autograd-core/nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], "activation": "relu", ...},   # or null
     "state": {"layers.0.neurons.0.w": [0.23, -0.71], "layers.0.neurons.0.b": 0.0, ...}}

Loading parses JSON (which can only produce dicts, lists, strings, numbers, booleans and null),
checks the header and every value, and only then copies numbers into the model: a malformed,
truncated or mismatched file raises :class:`~nn.module.LoadError` naming the problem and leaves
the model unchanged. ``load_model`` rebuilds an MLP from the config; it can construct only the
classes in a fixed whitelist, and only from numbers, lists and names.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from nn.module import LoadError, Module

FORMAT = "autograd-core/nn"
VERSION = 1


def _path(path: Any) -> str:
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}") from None


def save(model: Module, path: Any) -> None:
    """Write ``model`` to ``path`` as JSON (atomically: a crash never leaves half a file)."""
    p = _path(path)
    doc = {"format": FORMAT, "version": VERSION, "class": type(model).__name__,
           "config": model.config(), "state": model.state_dict()}
    text = json.dumps(doc, indent=1)
    folder = os.path.dirname(os.path.abspath(p))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read(path: Any) -> dict[str, Any]:
    """Parse and check a model file's header; returns the document."""
    p = _path(path)
    try:
        with open(p, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise LoadError(f"no model file at {p!r}") from None
    except UnicodeDecodeError:
        raise LoadError(f"{p!r} is not a text (JSON) model file") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(f"{p!r} is not valid JSON (truncated or corrupted?): {e.msg} at line "
                        f"{e.lineno}, column {e.colno}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise LoadError(f"{p!r} is not an autograd-core model file (expected a JSON object "
                        f"with \"format\": {FORMAT!r}); write it with model.save(path)")
    if doc.get("version") != VERSION:
        raise LoadError(f"{p!r} has format version {doc.get('version')!r}; this version of nn "
                        f"reads version {VERSION}")
    if not isinstance(doc.get("state"), dict):
        raise LoadError(f"{p!r} has no \"state\" object with the weights")
    return doc


def load_into(model: Module, path: Any, strict: bool = True) -> None:
    """Copy the weights in ``path`` into ``model`` (checked first; unchanged on error)."""
    doc = read(path)
    cls = doc.get("class")
    if strict and cls != type(model).__name__:
        raise LoadError(f"{_path(path)!r} holds a {cls}, not a {type(model).__name__}; load it "
                        "into the same kind of model (or pass strict=False)")
    try:
        model.load_state_dict(doc["state"], strict=strict)
    except LoadError as e:
        raise LoadError(f"{_path(path)!r} does not fit this model: {e}") from None


def load_model(path: Any) -> Module:
    """Rebuild the model saved in ``path`` (an MLP saved with a plain-data config)."""
    from nn.layers import MLP

    doc = read(path)
    if doc.get("class") != "MLP":
        raise LoadError(f"load_model can rebuild an MLP only; {_path(path)!r} holds a "
                        f"{doc.get('class')!r}: construct the model yourself and call "
                        "model.load(path)")
    cfg = doc.get("config")
    if not isinstance(cfg, dict):
        raise LoadError(f"{_path(path)!r} has no config (the model used a Python function as "
                        "activation?): construct the model yourself and call model.load(path)")
    allowed = {"nin", "nouts", "activation", "output_activation", "init", "seed", "dropout"}
    unknown = set(cfg) - allowed
    if unknown:
        raise LoadError(f"{_path(path)!r} config has unknown key(s) {sorted(unknown)}")
    kwargs = {k: v for k, v in cfg.items() if v is not None or k in ("output_activation",)}
    kwargs.pop("seed", None)
    try:
        model = MLP(**kwargs)
    except (TypeError, ValueError) as e:
        raise LoadError(f"{_path(path)!r} has an invalid config: {e}") from None
    load_into(model, path)
    return model

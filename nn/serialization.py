"""Saving and loading models as JSON: plain numbers and names, never pickle.

File layout (version 1)::

    {"format": "autograd-core/nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], "activation": "relu", ...},   # or null
     "state": {"layers.0.neurons.0.w": [0.23, -0.71], "layers.0.neurons.0.b": 0.0, ...}}

Loading parses JSON (which can only produce dicts, lists, strings, numbers, booleans and null),
checks the header and every value, and only then copies numbers into the model: a malformed,
truncated or mismatched file raises :class:`~nn.module.LoadError` naming the problem and leaves
the model unchanged. ``load_model`` rebuilds an MLP from the config; it can construct only the
classes in a fixed whitelist, and only from numbers, lists and names, and only after checking
that the config's layer sizes are the saved state's sizes (a 300-byte file cannot make it build
10^10 Values) and at most :data:`MAX_PARAMETERS`. Weights must be finite: a file with NaN,
Infinity or 1e999 is refused naming the key, and a model with a non-finite weight is not saved
(JSON has no NaN; such a model has diverged anyway).

Saving is atomic and durable: the text goes to a temporary file in the same folder, which is
flushed to disk (fsync) and then renamed over the target, so a crash or a power loss leaves the
old file or the new one, never half of one. The new file gets the old file's permissions, or
those the umask gives new files (not the temporary file's private 0600). A save onto a symbolic
link writes through it (the link stays and points at the new model, as with ``torch.save``);
a save onto a FIFO, a device, a socket or a folder is refused (ValueError), never replaced.
Load errors quote text from the file escaped (``\\n``, ``\\x1b``) and cut short, and an integer
of hundreds of digits is read as the non-finite number it is, so every bad file gives
:class:`~nn.module.LoadError` and leaves the model unchanged.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from typing import Any

from nn._checks import quote
from nn.module import LoadError, Module

FORMAT = "autograd-core/nn"
VERSION = 1
#: load_model builds at most this many parameters (each a Value of ~100 bytes); raise it to
#: load a bigger model on purpose.
MAX_PARAMETERS = 2_000_000


def _parse_int(digits: str) -> int | float:
    """JSON integers: a weight with hundreds of digits becomes a float (inf when too big,
    refused as non-finite), never OverflowError or Python's 4,300-digit ValueError."""
    return int(digits) if len(digits) <= 20 else float(digits)


def _path(path: Any) -> str:
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}") from None


def _non_finite(state: dict[str, Any]) -> str | None:
    """The first weight that is not a finite number, as ``key`` or ``key[i]`` = value."""
    for key, value in state.items():
        values = value if isinstance(value, list) else [value]
        for i, v in enumerate(values):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isfinite(v):
                name = quote(key, 60, marks=False)
                return f"{name}[{i}] = {v}" if isinstance(value, list) else f"{name} = {v}"
    return None


def _new_file_mode(path: str) -> int:
    """The permissions the saved file should have: the old file's, else what the umask gives."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)  # reading the umask means setting it; put it straight back
        os.umask(mask)
        return 0o666 & ~mask


def save(model: Module, path: Any) -> None:
    """Write ``model`` to ``path`` as JSON, atomically and durably: a crash or power loss never
    leaves half a file. ValueError (nothing written) when a weight is NaN or infinite."""
    p = _path(path)
    state = model.state_dict()
    bad = _non_finite(state)
    if bad is not None:
        raise ValueError(f"cannot save the model: weight {bad} is not a finite number (training "
                         "diverged? try a smaller learning rate); JSON cannot hold NaN or "
                         "Infinity, and such a model would not load")
    doc = {"format": FORMAT, "version": VERSION, "class": type(model).__name__,
           "config": model.config(), "state": state}
    try:
        text = json.dumps(doc, indent=1, allow_nan=False)
    except ValueError as e:  # a non-finite number in the config
        raise ValueError(f"cannot save the model: {e} (in its config)") from None
    p = _regular_target(p)
    folder = os.path.dirname(p)
    mode = _new_file_mode(p)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the name points at them
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _regular_target(p: str) -> str:
    """The file a save to ``p`` replaces: through a symbolic link (the link stays, its target
    gets the new model, as torch.save writes through it), and only a regular file or nothing:
    replacing a FIFO, a device, a socket or a folder would destroy it, not update a model."""
    target = os.path.realpath(p)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as e:
        raise OSError(f"cannot save the model to {p!r}: {e.strerror or e}") from None
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a device" if
                stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
        shown = f"{p!r}" + (f" (a link to {target!r})" if target != os.path.abspath(p) else "")
        raise ValueError(f"cannot save the model to {shown}: it is {kind}, and saving replaces "
                         "the file; give the path of a .json file")
    return target


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder, and needs not)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read(path: Any) -> dict[str, Any]:
    """Parse and check a model file's header; returns the document."""
    p = _path(path)
    if os.path.isdir(p):
        raise LoadError(f"{p!r} is a folder, not a model file; give the path of the .json file "
                        "written by model.save(path)")
    try:
        with open(p, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise LoadError(f"no model file at {p!r}") from None
    except UnicodeDecodeError:
        raise LoadError(f"{p!r} is not a text (JSON) model file") from None
    except OSError as e:
        raise LoadError(f"cannot read {p!r}: {e.strerror or e}") from None
    try:
        doc = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise LoadError(f"{p!r} is not valid JSON (truncated or corrupted?): {e.msg} at line "
                        f"{e.lineno}, column {e.colno}") from None
    except RecursionError:
        raise LoadError(f"{p!r} is nested too deeply to be a model file (a model file is a "
                        "JSON object of flat lists of numbers)") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise LoadError(f"{p!r} is not an autograd-core model file (expected a JSON object "
                        f"with \"format\": {FORMAT!r}); write it with model.save(path)")
    if doc.get("version") != VERSION:
        raise LoadError(f"{p!r} has format version {quote(doc.get('version'))}; this version of nn "
                        f"reads version {VERSION}")
    if not isinstance(doc.get("state"), dict):
        raise LoadError(f"{p!r} has no \"state\" object with the weights")
    bad = _non_finite(doc["state"])
    if bad is not None:
        raise LoadError(f"{p!r}: weight {bad} is not a finite number; a model file holds "
                        "finite weights only (was it saved from a diverged model?)")
    return doc


def load_into(model: Module, path: Any, strict: bool = True) -> None:
    """Copy the weights in ``path`` into ``model`` (checked first; unchanged on error)."""
    doc = read(path)
    cls = doc.get("class")
    if strict and cls != type(model).__name__:
        raise LoadError(f"{_path(path)!r} holds a "
                        f"{quote(cls, marks=False)}, not a {type(model).__name__}; load it "
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
                        f"{quote(doc.get('class'))}: construct the model yourself and call "
                        "model.load(path)")
    cfg = doc.get("config")
    if not isinstance(cfg, dict):
        raise LoadError(f"{_path(path)!r} has no config (the model used a Python function as "
                        "activation?): construct the model yourself and call model.load(path)")
    allowed = {"nin", "nouts", "activation", "output_activation", "init", "seed", "dropout"}
    unknown = set(cfg) - allowed
    if unknown:
        raise LoadError(f"{_path(path)!r} config has unknown key(s) "
                        f"{', '.join(quote(k, 40) for k in sorted(unknown)[:5])}")
    _check_sizes(cfg, doc["state"], _path(path))
    kwargs = {k: v for k, v in cfg.items() if v is not None or k in ("output_activation",)}
    kwargs.pop("seed", None)
    try:
        model = MLP(**kwargs)
    except (TypeError, ValueError) as e:
        raise LoadError(f"{_path(path)!r} has an invalid config: {e}") from None
    load_into(model, path)
    return model


def _check_sizes(cfg: dict[str, Any], state: dict[str, Any], p: str) -> None:
    """Before building anything: the config's sizes are positive ints, the model they make
    has at most MAX_PARAMETERS parameters, and the saved state has exactly its groups with
    their lengths (the work is proportional to the file, never to the config's claims)."""
    nin, nouts = cfg.get("nin"), cfg.get("nouts")
    raw: list[Any] = [nin] + (nouts if isinstance(nouts, list) else [None])
    if not nouts or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in raw):
        raise LoadError(f"{p!r} has an invalid config: nin must be a positive int and nouts a "
                        f"non-empty list of them, got nin={quote(nin)}, nouts={quote(nouts)}")
    sizes: list[int] = raw
    assert isinstance(nouts, list)
    count = sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(sizes) - 1))
    if count > MAX_PARAMETERS:
        raise LoadError(f"{p!r} describes an MLP({nin}, {nouts}) of {count:,} parameters, more "
                        f"than nn.serialization.MAX_PARAMETERS = {MAX_PARAMETERS:,}; raise that "
                        "limit if you trust the file and have the memory")
    groups = 2 * sum(nouts)
    if len(state) != groups:
        raise LoadError(f"{p!r} does not fit its config: MLP({nin}, {nouts}) has {groups} "
                        f"weight groups but the file holds {len(state)}")
    for i in range(len(nouts)):
        for j in range(nouts[i]):
            w = state.get(f"layers.{i}.neurons.{j}.w")
            if not isinstance(w, list) or len(w) != sizes[i]:
                got = f"{len(w)} numbers" if isinstance(w, list) else repr(type(w).__name__)
                raise LoadError(f"{p!r} does not fit its config: layers.{i}.neurons.{j}.w "
                                f"should hold {sizes[i]} weights, the file has {got}")

"""Model files, second round: saves through symbolic links, FIFOs refused, load errors that
quote the file's text safely, and integers too long for a float."""

from __future__ import annotations

import json
import os
import sys

import pytest

import nn
from nn import MLP, LoadError
from nn import serialization as ser


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symbolic links")
def test_save_onto_a_symlink_writes_through_it(tmp_path):
    target = tmp_path / "models" / "best.json"
    target.parent.mkdir()
    MLP(2, [1], seed=0).save(target)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    m = MLP(2, [1], seed=5)
    m.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link stays a link
    assert json.loads(target.read_text())["state"] == m.state_dict()  # its target is new
    assert sorted(p.name for p in target.parent.iterdir()) == ["best.json"]  # no temporary
    dangling = tmp_path / "next.json"
    dangling.symlink_to(tmp_path / "models" / "new.json")
    m.save(dangling)
    assert dangling.is_symlink() and nn.load_model(tmp_path / "models" / "new.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_save_onto_a_fifo_or_folder_is_refused_and_keeps_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"it is a FIFO \(named pipe\), and saving replaces"):
        MLP(2, [1], seed=0).save(fifo)
    assert fifo.is_fifo()
    with pytest.raises(ValueError, match="it is a folder"):
        MLP(2, [1], seed=0).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def _doc(**changes):
    m = MLP(2, [1], seed=0)
    doc = {"format": ser.FORMAT, "version": ser.VERSION, "class": "MLP", "config": m.config(),
           "state": m.state_dict()}
    doc.update(changes)
    return doc


@pytest.mark.parametrize("where", ["class", "version", "key", "value"])
def test_load_errors_quote_the_files_text_escaped(tmp_path, where):
    evil = "\x1b[31mred\nsecond line\ud800" + "x" * 500
    doc = _doc()
    if where in ("class", "version"):
        doc[where] = evil
    elif where == "key":
        doc["state"][evil] = 1.0
    else:
        doc["state"]["layers.0.neurons.0.w"] = [evil, 0.5]
    f = tmp_path / "m.json"
    f.write_text(json.dumps(doc))  # JSON escapes: the file itself is ASCII
    m = MLP(2, [1], seed=0)
    before = m.state_dict()
    with pytest.raises(LoadError) as info:
        m.load(f)
    text = str(info.value)
    text.encode("utf-8")  # no lone surrogate: print(e) works
    assert "\x1b" not in text and "second line" in text and "\\x1b[31m" in text
    assert "\nsecond" not in text and len(text) < 700
    assert m.state_dict() == before


@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_integers_in_a_file_are_load_errors(tmp_path, digits):
    m = MLP(2, [1], seed=0)
    m.save(tmp_path / "m.json")
    before = m.state_dict()
    text = (tmp_path / "m.json").read_text()
    w = json.loads(text)["state"]["layers.0.neurons.0.w"]
    (tmp_path / "big.json").write_text(text.replace(repr(w[0]), "9" * digits, 1))
    with pytest.raises(LoadError, match=r"layers\.0\.neurons\.0\.w\[0\] = inf is not a finite"):
        m.load(tmp_path / "big.json")
    with pytest.raises(LoadError, match="not a finite number"):
        nn.load_model(tmp_path / "big.json")
    assert m.state_dict() == before
    with pytest.raises(LoadError, match="expected a number"):
        m.load_state_dict({**before, "layers.0.neurons.0.b": 10 ** 400})  # not from a file
    assert m.state_dict() == before

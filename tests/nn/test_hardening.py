"""Hostile and careless input to nn: model files, saving, bad data, bad schedules, divergence,
Ctrl-C inside a step, progress bars, and the cross_entropy mistake."""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import sys
import warnings

import numpy as np
import pytest

import nn
from autograd_core import Value
from nn import MLP, SGD, Adam, LoadError, RMSprop, data
from nn import serialization as ser
from nn.losses import cross_entropy
from tests.interrupts import interrupt_at_many_points, median_time


def write(path, doc) -> None:
    path.write_text(json.dumps(doc))


def header(config, state) -> dict:
    return {"format": ser.FORMAT, "version": ser.VERSION, "class": "MLP", "config": config,
            "state": state}


# --- load_model checks sizes before building ------------------------------------------------
def test_load_model_checks_the_config_against_the_state_before_building(tmp_path, monkeypatch):
    """A 300-byte file claiming MLP(100000, [100000]) used to build 10^10 Values first."""
    built = []
    monkeypatch.setattr(nn.layers.Layer, "__init__",
                        lambda self, *a, **k: built.append(a) or pytest.fail("built a layer"))
    f = tmp_path / "m.json"
    cfg = {"nin": 1000, "nouts": [1000], "activation": "relu"}  # 1,001,000 parameters
    write(f, header(cfg, {"layers.0.neurons.0.w": [0.5], "layers.0.neurons.0.b": 0.0}))
    assert len(f.read_bytes()) < 300
    with pytest.raises(LoadError, match="has 2000 weight groups but the file holds 2"):
        nn.load_model(f)
    write(f, header({"nin": 100000, "nouts": [100000]}, {}))
    with pytest.raises(LoadError, match=r"10,000,100,000 parameters, more than .*MAX_PARAMETERS"):
        nn.load_model(f)
    write(f, header({"nin": 3, "nouts": [1]}, {"layers.0.neurons.0.w": [1.0, 2.0],
                                              "layers.0.neurons.0.b": 0.0}))
    with pytest.raises(LoadError, match=r"layers\.0\.neurons\.0\.w should hold 3 weights, "
                                        "the file has 2 numbers"):
        nn.load_model(f)
    for bad in ({"nin": -1, "nouts": [1]}, {"nin": 2, "nouts": []}, {"nin": 2, "nouts": [True]},
                {"nin": 2.5, "nouts": [1]}, {"nin": 2, "nouts": "1"}):
        write(f, header(bad, {}))
        with pytest.raises(LoadError, match="invalid config"):
            nn.load_model(f)
    assert built == []


def test_load_model_still_rebuilds_a_matching_file(tmp_path):
    m = MLP(3, [4, 2], activation="tanh", seed=1)
    m.save(tmp_path / "m.json")
    m2 = nn.load_model(tmp_path / "m.json")
    assert m2.state_dict() == m.state_dict() and m2.nouts == [4, 2]


def test_deeply_nested_file_and_folder_are_load_errors(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000)
    m = MLP(2, [1], seed=0)
    before = m.state_dict()
    with pytest.raises(LoadError, match="nested too deeply"):
        m.load(deep)
    with pytest.raises(LoadError, match="nested too deeply"):
        nn.load_model(deep)
    with pytest.raises(LoadError, match="is a folder, not a model file"):
        m.load(tmp_path)
    with pytest.raises(LoadError, match="is a folder"):
        nn.load_model(tmp_path)
    assert m.state_dict() == before


# --- non-finite weights ---------------------------------------------------------------------
@pytest.mark.parametrize("literal, shown", [("NaN", "nan"), ("Infinity", "inf"),
                                            ("-Infinity", "-inf"), ("1e999", "inf")])
def test_non_finite_weights_are_refused_on_load_naming_the_key(tmp_path, literal, shown):
    m = MLP(2, [1], seed=0)
    m.save(tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text()
    doc = json.loads(text)
    w = doc["state"]["layers.0.neurons.0.w"]
    bad = text.replace(repr(w[1]), literal, 1)
    (tmp_path / "bad.json").write_text(bad)
    before = m.state_dict()
    with pytest.raises(LoadError, match=rf"layers\.0\.neurons\.0\.w\[1\] = {shown} is not a "
                                        "finite number"):
        m.load(tmp_path / "bad.json")
    with pytest.raises(LoadError, match="not a finite number"):
        nn.load_model(tmp_path / "bad.json")
    assert m.state_dict() == before


def test_saving_a_non_finite_model_is_refused_and_writes_nothing(tmp_path):
    m = MLP(2, [1], seed=0)
    path = tmp_path / "m.json"
    m.save(path)
    old = path.read_text()
    m.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.0\.b = nan is not a finite"):
        m.save(path)
    m.layers[0].neurons[0].b.data = 0.0
    m.layers[0].neurons[0].w[1].data = -math.inf
    with pytest.raises(ValueError, match=r"w\[1\] = -inf"):
        m.save(path)
    assert path.read_text() == old and json.loads(old)["state"]  # valid JSON, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]  # no temporary left


# --- durable, permission-keeping saves ----------------------------------------------------------
def test_save_fsyncs_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(ser.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(ser.os, "replace",
                        lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    MLP(2, [1], seed=0).save(tmp_path / "m.json")
    assert events[:2] == ["fsync", "replace"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_save_keeps_umask_or_old_permissions(tmp_path):
    old_mask = os.umask(0o022)
    try:
        MLP(2, [1], seed=0).save(tmp_path / "new.json")
        assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o644  # not 0600
        existing = tmp_path / "old.json"
        existing.write_text("{}")
        os.chmod(existing, 0o640)
        MLP(2, [1], seed=0).save(existing)
        assert stat.S_IMODE(os.stat(existing).st_mode) == 0o640
        assert json.loads(existing.read_text())["class"] == "MLP"
    finally:
        os.umask(old_mask)


# --- fit refuses NaN/inf data ---------------------------------------------------------------
@pytest.mark.parametrize("where, match", [
    ("X", r"fit: X contains 1 row\(s\) with NaN or infinite values; the first is row 3, "
          r"column 1 \(nan\)"),
    ("y", r"fit: y contains 1 row\(s\) with NaN or infinite values; the first is row 2 \(inf\)"),
    ("Xval", r"fit validation: X contains 2 row\(s\).*row 0, column 0 \(-inf\)"),
])
def test_fit_refuses_non_finite_data_up_front(where, match):
    X, y = data.xor()
    X, y = X.astype(float).copy(), y.astype(float).copy()
    Xv = X.copy()
    if where == "X":
        X[3, 1] = np.nan
    elif where == "y":
        y[2] = np.inf
    else:
        Xv[0, 0] = -np.inf
        Xv[2, 1] = np.nan
    m = MLP(2, [3, 1], seed=0)
    before = m.state_dict()
    with pytest.raises(ValueError, match=match):
        nn.fit(m, X, y, epochs=3, validation=(Xv, y), progress=False)
    assert m.state_dict() == before
    if where == "X":
        with pytest.raises(ValueError, match="evaluate: X contains"):
            nn.evaluate(m, X, y)


# --- learning-rate schedules checked at every step -----------------------------------------------
@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
@pytest.mark.parametrize("cls", [SGD, Adam, RMSprop])
def test_schedule_values_are_checked_every_step(cls, bad):
    p = [Value(1.0), Value(-2.0)]
    opt = cls(p, lr=lambda k: 0.1 if k < 1 else bad)
    p[0].grad, p[1].grad = 0.5, 0.25
    opt.step()
    stepped = [q.data for q in p]
    assert stepped != [1.0, -2.0]
    with pytest.raises(ValueError, match=rf"gave {bad!r} for step 1; a learning rate must be "
                                         "a finite number >= 0"):
        opt.step()
    assert [q.data for q in p] == stepped and opt.steps == 1  # nothing changed


# --- divergence without inf ---------------------------------------------------------------------
def test_growing_loss_warns_and_stops():
    X = np.linspace(-1, 1, 8).reshape(-1, 1)
    y = 3.0 * X[:, 0]
    model = MLP(1, [1], seed=0)  # linear: lr = 3 makes every step overshoot, by ~10x
    with pytest.warns(RuntimeWarning, match="training is diverging"):
        h = nn.fit(model, X, y, optimizer=SGD(model, lr=3.0), epochs=200, progress=False)
    assert h.epochs < 20 and "more than 10000 times" in h.stop_reason
    assert all(math.isfinite(v) for v in h.history["loss"])  # caught before inf


def test_a_normal_run_is_not_called_divergent():
    X, y = data.xor()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = nn.fit(MLP(2, [4, 1], activation="tanh", seed=0), X, y, epochs=50, progress=False,
                   optimizer="sgd", lr=0.1)
    assert h.epochs == 50 and h.stop_reason is None


# --- Ctrl-C inside a step ---------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
@pytest.mark.parametrize("cls, kwargs", [(SGD, {}), (SGD, {"momentum": 0.9}), (Adam, {}),
                                         (RMSprop, {"centered": True})])
def test_ctrl_c_inside_steps_is_all_or_nothing(cls, kwargs):
    """KeyboardInterrupts fired by a timer land at 40 points from early in a step to past its
    end; afterwards the parameters must be exactly those of ``opt.steps`` whole steps."""
    n = 3000
    params = [Value(math.cos(i)) for i in range(n)]
    opt = cls(params, lr=0.01, **kwargs)
    for i, p in enumerate(params):
        p.grad = math.sin(i)
    step_time = median_time(opt.step)  # whole steps, timed
    # one timer per call, at 0.04, 0.08, ... 1.6 step times
    interrupts = interrupt_at_many_points(opt.step, step_time)
    assert interrupts >= 5 and opt.steps > 3  # some steps interrupted, some completed
    ref = [Value(math.cos(i)) for i in range(n)]
    ref_opt = cls(ref, lr=0.01, **kwargs)
    for i, r in enumerate(ref):
        r.grad = math.sin(i)
    for _ in range(opt.steps):
        ref_opt.step()
    assert [p.data for p in params] == [r.data for r in ref]


# --- progress bars ---------------------------------------------------------------------------
def test_no_progress_bar_when_stderr_is_not_a_terminal(capsys):
    pytest.importorskip("tqdm")
    X, y = data.xor()
    nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=3, progress=True)
    assert capsys.readouterr().err == ""  # captured stderr is not a terminal


def test_missing_tqdm_says_so(monkeypatch):
    monkeypatch.setattr("nn.training._interactive", lambda: True)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails
    X, y = data.xor()
    with pytest.warns(UserWarning, match=r"tqdm, which is not installed: pip install tqdm"):
        h = nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert h.epochs == 2


# --- cross_entropy on a one-output model --------------------------------------------------------
@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_cross_entropy_on_one_output_suggests_bce_with_logits(compiled):
    X, y = data.xor()
    with pytest.raises(ValueError, match="needs one logit per class.*bce_with_logits"):
        nn.fit(MLP(2, [4, 1], seed=0), X, y, loss="cross_entropy", epochs=1, progress=False,
               compiled=compiled)


def test_cross_entropy_with_one_logit_is_refused_not_zero():
    with pytest.raises(ValueError, match="needs one logit per class.*got 1 logit per sample"):
        cross_entropy([Value(0.3)], 0)  # would be log(e^z) - z = 0 for any z
    with pytest.raises(ValueError, match="bce_with_logits.*got 3 single outputs and 3 targets"):
        cross_entropy([Value(0.3), Value(-1.0), Value(2.0)], [0, 1, 1])
    assert cross_entropy([Value(0.0), Value(0.0)], 1).data == pytest.approx(math.log(2))

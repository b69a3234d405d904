"""Module: parameter discovery and names, zero_grad, modes, state dicts and JSON files."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nn
from autograd_core import Value
from nn import MLP, LoadError, Module


def outputs(m: MLP, xs=((0.5, -1.0), (2.0, 0.1))) -> list[float]:
    return [v.data for x in xs for v in m._forward(list(x))]


def test_named_parameters_are_dotted_and_ordered():
    m = MLP(2, [3, 1], seed=0)
    names = [n for n, _ in m.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert [p for _, p in m.named_parameters()] == m.parameters()
    assert len(set(names)) == len(names) == 13


def test_custom_module_finds_its_parameters():
    class Affine(Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.inner = MLP(1, [1], seed=0)
            self._hidden = Value(9.0)  # private: not a parameter

        def __call__(self, x):
            return self.inner(x) * self.scale

    a = Affine()
    assert [n for n, _ in a.named_parameters()] == ["scale", "inner.layers.0.neurons.0.w.0",
                                                   "inner.layers.0.neurons.0.b"]
    assert len(a.parameters()) == 3


def test_zero_grad_and_modes():
    m = MLP(2, [4, 1], seed=0, dropout=0.2)
    m([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())
    assert m.training and m.dropout.training
    assert m.eval() is m
    assert not m.training and not m.dropout.training and not m.layers[0].training
    m.train()
    assert m.layers[1].neurons[0].training


def test_state_dict_round_trip():
    a, b = MLP(2, [4, 2], seed=1), MLP(2, [4, 2], seed=2)
    state = a.state_dict()
    assert state["layers.0.neurons.0.w"] == [p.data for p in a.layers[0].neurons[0].w]
    assert state["layers.1.neurons.1.b"] == a.layers[1].neurons[1].b.data
    assert outputs(a) != outputs(b)
    result = b.load_state_dict(state)
    assert outputs(a) == outputs(b)
    assert result.missing_keys == [] and result.unexpected_keys == []
    json.dumps(state)  # plain numbers only


def test_strict_load_lists_missing_unexpected_and_size_mismatch():
    a = MLP(2, [3, 1], seed=1)
    before = a.state_dict()
    state = MLP(2, [3, 1], seed=2).state_dict()
    del state["layers.1.neurons.0.b"]
    state["layers.9.neurons.0.b"] = 1.0
    state["layers.0.neurons.0.w"] = [1.0, 2.0, 3.0]
    with pytest.raises(LoadError) as e:
        a.load_state_dict(state)
    msg = str(e.value)
    assert "missing key(s): layers.1.neurons.0.b" in msg
    assert "unexpected key(s): layers.9.neurons.0.b" in msg
    assert "size mismatch for layers.0.neurons.0.w: expected 2 numbers, got 3" in msg
    assert "not changed" in msg and "strict=False" in msg
    assert a.state_dict() == before  # unchanged


def test_non_strict_loads_matching_keys_but_never_wrong_sizes():
    a = MLP(2, [3, 1], seed=1)
    src = MLP(2, [3, 1], seed=2).state_dict()
    del src["layers.1.neurons.0.b"]
    src["extra"] = 0.0
    res = a.load_state_dict(src, strict=False)
    assert res.missing_keys == ["layers.1.neurons.0.b"] and res.unexpected_keys == ["extra"]
    assert a.state_dict()["layers.0.neurons.2.w"] == src["layers.0.neurons.2.w"]
    src["layers.0.neurons.0.b"] = [1.0]
    with pytest.raises(LoadError, match="expected a single number, got a list of 1"):
        a.load_state_dict(src, strict=False)


@pytest.mark.parametrize("bad,match", [
    ("x", "expected a number, got str"), (True, "expected a number, got bool"),
    (None, "expected a number, got NoneType")])
def test_load_rejects_non_numbers(bad, match):
    a = MLP(1, [1], seed=0)
    state = a.state_dict()
    state["layers.0.neurons.0.b"] = bad
    with pytest.raises(LoadError, match=match):
        a.load_state_dict(state)
    with pytest.raises(LoadError, match="expects a dict"):
        a.load_state_dict([1, 2])


def test_file_round_trip_and_load_model(tmp_path):
    a = MLP(3, [5, 2], activation="tanh", output_activation="sigmoid", seed=3)
    path = tmp_path / "model.json"
    a.save(path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd-core/nn" and doc["class"] == "MLP"
    b = MLP(3, [5, 2], activation="tanh", output_activation="sigmoid", seed=4)
    assert b.load(path) is b
    xs = ((0.1, 0.2, 0.3), (-1.0, 0.5, 2.0))
    assert outputs(a, xs) == outputs(b, xs)
    c = nn.load_model(str(path))
    assert isinstance(c, MLP) and outputs(c, xs) == outputs(a, xs)
    assert c.layers[1].activation == "sigmoid"


def test_bad_files_raise_and_leave_the_model_unchanged(tmp_path):
    m = MLP(2, [3, 1], seed=0)
    before = m.state_dict()
    good = tmp_path / "good.json"
    MLP(2, [3, 1], seed=1).save(good)
    text = good.read_text()
    cases = {
        "truncated.json": (text[: len(text) // 2], "not valid JSON"),
        "garbage.json": ("\x80abc", "not valid JSON|not a text"),
        "other.json": ('{"hello": 1}', "not an autograd-core model file"),
        "version.json": (text.replace('"version": 1', '"version": 99'), "format version 99"),
        "list.json": ("[1, 2, 3]", "not an autograd-core model file"),
    }
    for name, (content, match) in cases.items():
        p = tmp_path / name
        if "\x80" in content:
            p.write_bytes(b"\x80abc")
        else:
            p.write_text(content, encoding="utf-8")
        with pytest.raises(LoadError, match=match):
            m.load(p)
        assert m.state_dict() == before
    bigger = tmp_path / "bigger.json"
    MLP(2, [4, 1], seed=1).save(bigger)
    with pytest.raises(LoadError, match="size mismatch|missing key"):
        m.load(bigger)
    with pytest.raises(LoadError, match="no model file"):
        m.load(tmp_path / "absent.json")
    assert m.state_dict() == before


def test_loading_runs_no_code(tmp_path):
    # a file naming a class outside the whitelist cannot make load_model build it
    p = tmp_path / "evil.json"
    p.write_text(json.dumps({"format": "autograd-core/nn", "version": 1, "class": "os.system",
                             "config": {"cmd": "echo hi"}, "state": {}}))
    with pytest.raises(LoadError, match="can rebuild an MLP only"):
        nn.load_model(p)
    p.write_text(json.dumps({"format": "autograd-core/nn", "version": 1, "class": "MLP",
                             "config": {"nin": 2, "nouts": [1], "__init__": "x"}, "state": {}}))
    with pytest.raises(LoadError, match="unknown key"):
        nn.load_model(p)


def test_model_with_python_activation_saves_weights_only(tmp_path):
    m = MLP(1, [2, 1], activation=lambda v: v * 2, seed=0)
    p = tmp_path / "m.json"
    m.save(p)
    with pytest.raises(LoadError, match="construct the model yourself"):
        nn.load_model(p)
    m2 = MLP(1, [2, 1], activation=lambda v: v * 2, seed=5)
    m2.load(p)
    assert outputs(m2, ((0.3,),)) == outputs(m, ((0.3,),))


def test_loading_a_different_class_is_refused(tmp_path):
    class Other(Module):
        def __init__(self) -> None:
            self.w = [Value(1.0)]

    p = tmp_path / "o.json"
    Other().save(p)
    with pytest.raises(LoadError, match="holds a Other, not a MLP"):
        MLP(1, [1]).load(p)
    assert np.isfinite(MLP(1, [1], seed=0)([1.0]).data)

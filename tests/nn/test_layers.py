"""Neuron, Layer, MLP, Dropout: sizes, micrograd compatibility, the lectures' worked numbers,
activations, and every bad input."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from autograd_core import Value
from nn import MLP, Dropout, Layer, Neuron


def set_weights(neuron: Neuron, w: list[float], b: float) -> None:
    for v, x in zip(neuron.w, w, strict=True):
        v.data = x
    neuron.b.data = b


def test_parameter_counts():
    assert MLP(2, [16, 16, 1]).num_parameters() == 337  # micrograd's demo
    assert len(MLP(3, [4, 2]).parameters()) == 26  # lecture 001: a 3-4-2 network
    assert len(Neuron(5).parameters()) == 6
    assert len(Layer(3, 4).parameters()) == 16


def test_structure_and_names():
    m = MLP(2, [16, 16, 1])
    assert m.nin == 2 and m.nouts == [16, 16, 1]
    assert all(isinstance(layer, Layer) for layer in m.layers)
    assert [layer.activation for layer in m.layers] == ["relu", "relu", "linear"]
    assert all(isinstance(n, Neuron) for n in m.layers[0].neurons)
    n = m.layers[1].neurons[3]
    assert len(n.w) == 16 and isinstance(n.b, Value) and n.activation == "relu"
    assert n.b.data == 0.0


def test_single_output_is_a_value_else_a_list():
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)  # micrograd's Layer does this


def test_same_weights_and_outputs_as_micrograd():
    # micrograd 0.1.0: random.seed(1337); MLP(2, [16, 16, 1]) - its numbers written in, so the
    # test runs without micrograd (a benchmark-only reference here)
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    ps = [p.data for p in ours.parameters()]
    assert len(ps) == 337
    assert ps[:4] == [0.23550571390294128, 0.06653114721000164, 0.0, -0.26830328150124894]
    assert ps[-3:] == [-0.3223491002609964, -0.2532524374373504, 0.0]
    assert sum(ps) == pytest.approx(6.8621742082939665, rel=1e-13)
    expected = (-1.1587695246010408, -0.43037139417261067, -0.7757351783762394)
    for x, out in zip(([0.5, -1.5], [2.0, 0.25], [-0.3, 0.9]), expected):
        assert ours(x).data == pytest.approx(out, rel=1e-12, abs=1e-12)


def test_micrograd_nonlin_spelling():
    assert Neuron(3, nonlin=False, seed=0).activation == "linear"
    assert Neuron(3, nonlin=True, seed=0).nonlin is True
    assert Layer(3, 2, nonlin=False, seed=0).activation == "linear"


def test_lecture_002_relu_neuron():
    # w = [0.5, 0.1, 0.0058], x = [0.4, 2, 17], b = 0.2: z = 0.2 + 0.2 + 0.0986 + 0.2 = 0.6986
    n = Neuron(3, "relu", seed=0)
    set_weights(n, [0.5, 0.1, 0.0058], 0.2)
    out = n([0.4, 2.0, 17.0])
    assert out.data == pytest.approx(0.6986, abs=1e-12)
    out.backward()
    # d out / d w_i = x_i (relu is active), d out / d b = 1
    assert [w.grad for w in n.w] == pytest.approx([0.4, 2.0, 17.0])
    assert n.b.grad == 1.0


def test_lecture_001_sigmoid_layer():
    # sigmoid([[1,-2],[-1,1]] [1,-1] + [1,0]) = sigmoid([4,-2]) = [0.98, 0.12]
    layer = Layer(2, 2, "sigmoid", seed=0)
    set_weights(layer.neurons[0], [1.0, -2.0], 1.0)
    set_weights(layer.neurons[1], [-1.0, 1.0], 0.0)
    out = layer([1.0, -1.0])
    assert [o.data for o in out] == pytest.approx([1 / (1 + math.exp(-4)), 1 / (1 + math.exp(2))])
    assert round(out[0].data, 2) == 0.98 and round(out[1].data, 2) == 0.12


def test_tanh_neuron_gradient_by_hand():
    n = Neuron(2, "tanh", seed=0)
    set_weights(n, [0.3, -0.7], 0.1)
    out = n([2.0, 1.0])  # z = 0.6 - 0.7 + 0.1 = 0.0 -> tanh 0, d tanh = 1
    assert out.data == pytest.approx(0.0, abs=1e-15)
    out.backward()
    assert [w.grad for w in n.w] == pytest.approx([2.0, 1.0])


@pytest.mark.parametrize("name,f", [
    ("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
    ("leaky_relu", lambda z: z if z > 0 else 0.01 * z),
    ("elu", lambda z: z if z > 0 else math.exp(z) - 1),
    ("softplus", lambda z: math.log1p(math.exp(z))), ("linear", lambda z: z)])
@pytest.mark.parametrize("z", [-1.5, 0.7])
def test_activations_by_name(name, f, z):
    n = Neuron(1, name, seed=0)
    set_weights(n, [1.0], 0.0)
    assert n([z]).data == pytest.approx(f(z), rel=1e-12)
    assert n.activation == name


def test_callable_activation_and_case():
    def cube(v: Value) -> Value:
        return v ** 3

    m = MLP(1, [1], output_activation=cube, seed=0)
    set_weights(m.layers[0].neurons[0], [2.0], 0.0)
    assert m([1.5]).data == pytest.approx(27.0)
    assert m.layers[0].activation is cube
    assert Neuron(2, "TANH", seed=0).activation == "tanh"


def test_inputs_can_be_values_and_numpy():
    m = MLP(2, [3, 1], seed=1)
    x = [Value(0.5), Value(-1.0)]
    out = m(x)
    out.backward()
    assert x[0].grad != 0.0 or x[1].grad != 0.0
    assert m(np.array([0.5, -1.0])).data == pytest.approx(out.data)
    assert m((np.float64(0.5), -1)).data == pytest.approx(out.data)


def test_wrong_input_length_names_expected_and_given():
    with pytest.raises(ValueError, match="MLP expected 2 inputs, got 3"):
        MLP(2, [16, 16, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Layer expected 3 inputs, got 1"):
        Layer(3, 2)([1.0])
    with pytest.raises(ValueError, match="Neuron expected 2 inputs, got 1"):
        Neuron(2)(1.0)
    with pytest.raises(ValueError, match="shape"):
        MLP(2, [1])(np.zeros((4, 2)))


def test_bad_input_types():
    with pytest.raises(TypeError, match="input 1 must be a float or a Value, got str"):
        MLP(2, [1])([1.0, "a"])
    with pytest.raises(TypeError, match="expected a sequence"):
        MLP(2, [1])(None)


@pytest.mark.parametrize("args,match", [
    ((0, [1]), "MLP nin must be a positive int"), ((2, []), "non-empty list"),
    ((2, 3), "non-empty list"), ((2, [4, 0]), r"nouts\[1\] must be a positive int"),
    ((2.5, [1]), "MLP nin")])
def test_bad_mlp_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        MLP(*args)


def test_bad_activation_and_layer_sizes():
    with pytest.raises(ValueError, match="unknown activation 'relux'.*'relu'"):
        MLP(2, [1], activation="relux")
    with pytest.raises(TypeError, match="activation must be"):
        Neuron(2, activation=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Layer nout must be a positive int"):
        Layer(2, 0)


def test_summary_shows_architecture():
    text = MLP(2, [16, 16, 1]).summary()
    assert "Layer(2 -> 16, relu)" in text and "Layer(16 -> 1, linear)" in text
    assert "337 parameters" in text


def test_print_model_as_micrograd_prints_it():
    # micrograd 0.1.0's nn.py: f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})",
    # f"Layer of [{', '.join(str(n) for n in self.neurons)}]", f"MLP of [{...layers...}]"
    m = MLP(2, [2, 1], seed=0)
    assert str(m) == repr(m) == ("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], "
                                 "Layer of [LinearNeuron(2)]]")
    big = repr(MLP(2, [16, 16, 1]))
    assert big.startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ")
    assert big.endswith(", ReLUNeuron(16)], Layer of [LinearNeuron(16)]]")
    assert big.count("ReLUNeuron(2)") == 16 and big.count("ReLUNeuron(16)") == 16
    assert repr(Neuron(3, "tanh", seed=0)) == "TanhNeuron(3)"
    assert repr(Neuron(3, nonlin=False, seed=0)) == "LinearNeuron(3)"
    assert repr(Layer(1, 2, "leaky_relu", seed=0)) == "Layer of [LeakyReLUNeuron(1), " \
                                                      "LeakyReLUNeuron(1)]"

    def swish(z):
        return z * z.sigmoid()
    assert repr(Neuron(2, swish, seed=0)) == "swishNeuron(2)"


def test_predict_matches_call_and_records_nothing():
    m = MLP(2, [4, 3], seed=0)
    X = np.array([[0.1, 0.2], [-1.0, 2.0]])
    P = m.predict(X)
    assert P.shape == (2, 3)
    assert P[1] == pytest.approx([v.data for v in m(X[1])])
    assert MLP(2, [4, 1], seed=0).predict(X).shape == (2,)
    with pytest.raises(ValueError, match="expected 2 inputs per row, got 3"):
        m.predict(np.zeros((2, 3)))


def test_dropout_train_and_eval():
    d = Dropout(0.5, seed=0)
    xs = [Value(1.0) for _ in range(2000)]
    out = d(xs)
    kept = [o for o in out if isinstance(o, Value) and o.data != 0.0]
    assert 900 < len(kept) < 1100  # about half survive...
    assert all(o.data == 2.0 for o in kept)  # ...scaled by 1 / (1 - p)
    d.eval()
    assert d(xs) == xs
    a = [o if isinstance(o, float) else o.data for o in Dropout(0.3, seed=4)(xs)]
    b = [o if isinstance(o, float) else o.data for o in Dropout(0.3, seed=4)(xs)]
    assert a == b  # reproducible from the seed
    with pytest.raises(ValueError, match=r"Dropout p must be a probability in \[0, 1\)"):
        Dropout(1.0)


def test_mlp_dropout_only_in_training():
    m = MLP(2, [64, 1], dropout=0.5, seed=0)
    x = [0.3, -0.2]
    m.eval()
    first = m(x).data
    assert m(x).data == first  # eval: deterministic, no dropout
    m.train()
    outs = {m(x).data for _ in range(5)}
    assert len(outs) > 1  # training: a different mask each call
    assert "Dropout(p=0.5)" in repr(m)

"""Neuron, Layer, MLP and Dropout: the networks of the lectures, one scalar Value per weight.

A neuron computes ``out = activation(w . x + b)``: the weighted sum is one ``dot`` node plus
one ``add`` for the bias (see :func:`autograd_core.functional.dot`), then one activation node.
A layer is a list of neurons reading the same inputs; an MLP is a list of layers, each reading
the previous layer's outputs. The surface is micrograd's: ``MLP(2, [16, 16, 1])`` has
2*16+16 + 16*16+16 + 16*1+1 = 337 parameters, ReLU hidden layers, a linear output, and returns
one Value when the last layer has one neuron, else a list.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd_core import Value
from autograd_core.functional import dot
from nn import activations as _act
from nn import init as _init
from nn.activations import ActivationSpec
from nn.init import InitSpec
from nn.module import Module


def _as_inputs(x: Any, expected: int, who: str) -> list[Any]:
    """The inputs as a list, checked: length ``expected``, each a number or a Value."""
    if hasattr(x, "tolist") and not isinstance(x, Value):  # a numpy array row
        shape = getattr(x, "shape", None)
        if shape is not None and len(shape) != 1:
            raise ValueError(f"{who} expected one sample (a 1-D sequence of {expected} inputs), "
                             f"got an array of shape {tuple(shape)}; call it on each row")
        x = x.tolist()
    elif isinstance(x, (Value, int, float)):
        x = [x]
    else:
        try:
            x = list(x)
        except TypeError:
            raise TypeError(f"{who} expected a sequence of {expected} inputs (floats or "
                            f"Values), got {type(x).__name__}") from None
    if len(x) != expected:
        raise ValueError(f"{who} expected {expected} inputs, got {len(x)}")
    for i, v in enumerate(x):
        cls = v.__class__
        if cls is not float and cls is not Value and not (
                isinstance(v, (int, float)) and not isinstance(v, bool)):
            if hasattr(v, "__float__") and not isinstance(v, (str, bytes, bool)):
                x[i] = float(v)
            else:
                raise TypeError(f"{who} input {i} must be a float or a Value, got "
                                f"{type(v).__name__}: {v!r}")
    return x


def _check_size(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


class Neuron(Module):
    """One neuron: ``activation(sum_i w_i x_i + b)``.

    ``Neuron(nin, activation='relu', init='uniform', seed=None)``; micrograd's
    ``Neuron(nin, nonlin=False)`` spelling also works (nonlin=False means linear).
    Weights ``w`` (nin Values) are drawn by ``init``; the bias ``b`` starts at 0.
    """

    def __init__(self, nin: int, activation: ActivationSpec = "relu", init: InitSpec = "uniform",
                 seed: int | None = None, *, nonlin: bool | None = None, fan_out: int = 1,
                 rng: Any = None) -> None:
        _check_size(nin, "Neuron nin")
        if nonlin is not None:
            activation = "relu" if nonlin else "linear"
        self.activation, self._fn = _act.resolve(activation)
        draw = _init.resolve(init)
        r = rng if rng is not None else _init.make_rng(seed)
        self.w = [Value(draw(r, nin, fan_out)) for _ in range(nin)]
        self.b = Value(0.0)

    @property
    def nin(self) -> int:
        return len(self.w)

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is linear."""
        return self.activation != "linear"

    def __call__(self, x: Any) -> Value:
        """The neuron's output for one input vector x (floats or Values)."""
        return self._forward(_as_inputs(x, len(self.w), "Neuron"))

    def _forward(self, x: list[Any]) -> Value:
        return self._fn(dot(self.w, x, self.b))

    def extra_repr(self) -> str:
        return f"{self.nin}, {_act.name_of(self.activation)}"

    def __repr__(self) -> str:
        """micrograd's: ``ReLUNeuron(2)``, ``LinearNeuron(16)``; other activations by their
        PyTorch class name (``TanhNeuron(2)``) or a function's own name."""
        return f"{_neuron_kind(self.activation)}Neuron({self.nin})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs, all with the same activation.

    Calling a layer returns a list of nout Values, or one Value when nout == 1 (micrograd)."""

    def __init__(self, nin: int, nout: int, activation: ActivationSpec = "relu",
                 init: InitSpec = "uniform", seed: int | None = None, *,
                 nonlin: bool | None = None, rng: Any = None) -> None:
        _check_size(nin, "Layer nin")
        _check_size(nout, "Layer nout")
        if nonlin is not None:
            activation = "relu" if nonlin else "linear"
        r = rng if rng is not None else _init.make_rng(seed)
        self.neurons = [Neuron(nin, activation, init, fan_out=nout, rng=r) for _ in range(nout)]
        self.activation, self._fn = _act.resolve(activation)

    @property
    def nin(self) -> int:
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Any) -> Value | list[Value]:
        out = self._forward(_as_inputs(x, self.nin, "Layer"))
        return out[0] if len(out) == 1 else out

    def _forward(self, x: list[Any]) -> list[Value]:
        fn = self._fn
        return [fn(dot(n.w, x, n.b)) for n in self.neurons]

    def extra_repr(self) -> str:
        return f"{self.nin} -> {self.nout}, {_act.name_of(self.activation)}"

    def __repr__(self) -> str:
        """micrograd's: ``Layer of [ReLUNeuron(2), ReLUNeuron(2), ...]``."""
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class Dropout(Module):
    """Inverted dropout: in training, each input is zeroed with probability ``p`` and the
    survivors are scaled by 1 / (1 - p), so the expected output equals the input; in eval mode
    it is the identity. A dropped input becomes the constant 0.0 (no node, no gradient).
    Draws from its own ``random.Random(seed)``."""

    def __init__(self, p: float = 0.5, seed: int | None = None) -> None:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout p must be a probability in [0, 1), got {p!r}")
        self.p = float(p)
        self._rng = random.Random(seed)

    def __call__(self, x: Sequence[Any]) -> list[Any]:
        xs = list(x)
        if not self.training or self.p == 0.0:
            return xs
        keep = 1.0 / (1.0 - self.p)
        rnd = self._rng.random
        p = self.p
        return [v * keep if rnd() >= p else 0.0 for v in xs]

    def extra_repr(self) -> str:
        return f"p={self.p}"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(nin, nouts, activation='relu', output_activation=None,
    init='uniform', seed=None, dropout=0.0)``.

    ``nouts`` lists the layer widths; the hidden layers use ``activation``, the last one
    ``output_activation`` (None = linear, as in micrograd). ``dropout`` > 0 applies
    :class:`Dropout` after every hidden layer in training mode. ``model(x)`` takes one input
    vector and returns a Value (one output) or a list of Values. ``model.predict(X)`` runs a
    whole array without recording gradients.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: ActivationSpec = "relu",
                 output_activation: ActivationSpec = None, init: InitSpec = "uniform",
                 seed: int | None = None, dropout: float = 0.0) -> None:
        _check_size(nin, "MLP nin")
        if isinstance(nouts, int) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP nouts must be a non-empty list of layer widths, e.g. "
                             f"[16, 16, 1], got {nouts!r}")
        for i, n in enumerate(nouts):
            _check_size(n, f"MLP nouts[{i}]")
        _act.resolve(activation)  # checked even when there is no hidden layer to use it
        self.nin = nin
        self.nouts = list(nouts)
        r = _init.make_rng(seed)
        sizes = [nin] + self.nouts
        last = len(self.nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1],
                             activation if i != last else output_activation, init, rng=r)
                       for i in range(len(self.nouts))]
        self.dropout = Dropout(dropout, seed=None if seed is None else seed + 1)
        self._config = {"nin": nin, "nouts": list(nouts), "activation": activation,
                        "output_activation": output_activation,
                        "init": init if isinstance(init, str) else None, "seed": seed,
                        "dropout": float(dropout)}

    def __call__(self, x: Any) -> Value | list[Value]:
        out = self._forward(_as_inputs(x, self.nin, "MLP"))
        return out[0] if len(out) == 1 else out

    def _forward(self, x: list[Any]) -> list[Value]:
        layers = self.layers
        drop = self.dropout if self.dropout.p > 0.0 and self.dropout.training else None
        for i, layer in enumerate(layers):
            x = layer._forward(x)
            if drop is not None and i < len(layers) - 1:
                x = drop(x)
        return x

    def predict(self, X: Any) -> Any:
        """Outputs for every row of X as a numpy array (n,) for one output, else (n, nout),
        computed without recording gradients (and in whatever train/eval mode is set)."""
        import numpy as np

        from autograd_core import no_grad

        rows = _rows(X, self.nin, "MLP.predict")
        with no_grad():
            out = [[v.data for v in self._forward(r)] for r in rows]
        arr = np.array(out, dtype=float).reshape(len(rows), self.nouts[-1])
        return arr[:, 0] if self.nouts[-1] == 1 else arr

    def to_torch(self, dtype: Any = None) -> Any:
        """An equivalent ``torch.nn.Sequential`` with the same weights (float64 by default)."""
        from nn.torch_bridge import to_torch

        return to_torch(self, dtype=dtype)

    def config(self) -> dict[str, Any] | None:
        c = dict(self._config)
        if not all(isinstance(c[k], (str, type(None))) for k in ("activation",
                                                                  "output_activation")):
            return None
        return c

    def __repr__(self) -> str:
        """micrograd's: ``MLP of [Layer of [ReLUNeuron(2), ...], Layer of [...]]`` (plus the
        dropout, which micrograd has not); :meth:`summary` shows the architecture in short."""
        drop = (f" with Dropout(p={self.dropout.p}) after each hidden layer"
                if self.dropout.p > 0 else "")
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]{drop}"

    def summary(self) -> str:
        """One line per layer and the parameter count::

            MLP(
              (0): Layer(2 -> 16, relu)
              (1): Layer(16 -> 1, linear)
            )  # 65 parameters
        """
        lines = [f"  ({i}): Layer({layer.extra_repr()})" for i, layer in enumerate(self.layers)]
        if self.dropout.p > 0:
            lines.append(f"  dropout: Dropout(p={self.dropout.p}) after each hidden layer")
        return ("MLP(\n" + "\n".join(lines) +
                f"\n)  # {self.num_parameters()} parameters")


_KINDS = {"relu": "ReLU", "linear": "Linear", "tanh": "Tanh", "sigmoid": "Sigmoid",
          "leaky_relu": "LeakyReLU", "elu": "ELU", "softplus": "Softplus"}


def _neuron_kind(activation: Any) -> str:
    """The word before 'Neuron' in a neuron's repr: micrograd's ReLU/Linear, PyTorch's class
    names for the other activations, a function's own name."""
    name = _act.name_of(activation)
    return _KINDS.get(name, name)


def _rows(X: Any, nin: int, who: str) -> list[list[Any]]:
    """Rows of a 2-D array-like as lists, each checked to have nin inputs."""
    import numpy as np

    if isinstance(X, np.ndarray):
        if X.ndim == 1 and nin == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2:
            raise ValueError(f"{who} expected a 2-D array of shape (n, {nin}), got shape "
                             f"{X.shape}")
        if X.shape[1] != nin:
            raise ValueError(f"{who} expected {nin} inputs per row, got {X.shape[1]} "
                             f"(array of shape {X.shape})")
        return X.astype(float).tolist()  # type: ignore[no-any-return]
    return [_as_inputs(r, nin, who) for r in X]

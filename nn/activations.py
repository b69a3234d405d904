"""Activation functions by name, for Neuron, Layer and MLP.

Each maps a pre-activation Value z to the neuron's output, using one engine op:

    relu(z)       = max(z, 0)                      d/dz = 1 if z > 0 else 0
    tanh(z)       = (e^z - e^-z) / (e^z + e^-z)    d/dz = 1 - tanh(z)^2
    sigmoid(z)    = 1 / (1 + e^-z)                 d/dz = sigmoid(z) (1 - sigmoid(z))
    leaky_relu(z) = z if z > 0 else 0.01 z         d/dz = 1 if z > 0 else 0.01
    elu(z)        = z if z > 0 else e^z - 1        d/dz = 1 if z > 0 else e^z
    softplus(z)   = log(1 + e^z)                   d/dz = sigmoid(z)
    linear(z)     = z                              d/dz = 1

Any callable ``Value -> Value`` works as an activation too.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_core import Value

Activation = Callable[[Value], Value]
ActivationSpec = str | Activation | None


def relu(z: Value) -> Value:
    """max(z, 0); derivative 1 for z > 0, else 0 (0 at z = 0, as in PyTorch)."""
    return z.relu()


def tanh(z: Value) -> Value:
    """Hyperbolic tangent; derivative 1 - tanh(z)^2."""
    return z.tanh()


def sigmoid(z: Value) -> Value:
    """Logistic 1 / (1 + e^-z); derivative sigmoid(z) (1 - sigmoid(z))."""
    return z.sigmoid()


def leaky_relu(z: Value) -> Value:
    """z if z > 0 else 0.01 z (PyTorch's default slope)."""
    return z.leaky_relu(0.01)


def elu(z: Value) -> Value:
    """z if z > 0 else e^z - 1 (alpha = 1)."""
    return z.elu(1.0)


def softplus(z: Value) -> Value:
    """log(1 + e^z), a smooth ReLU; derivative sigmoid(z)."""
    return z.softplus()


def linear(z: Value) -> Value:
    """The identity: no activation (a regression output or logits)."""
    return z


ACTIVATIONS: dict[str, Activation] = {
    "relu": relu, "tanh": tanh, "sigmoid": sigmoid, "leaky_relu": leaky_relu, "elu": elu,
    "softplus": softplus, "linear": linear,
}


def resolve(spec: ActivationSpec) -> tuple[str | Activation, Activation]:
    """``(what to show as .activation, function to apply)`` for a name, a callable or None.

    None means 'linear'. An unknown name raises ValueError listing the known ones."""
    if spec is None:
        return "linear", linear
    if isinstance(spec, str):
        fn = ACTIVATIONS.get(spec.lower())
        if fn is None:
            known = ", ".join(repr(k) for k in ACTIVATIONS)
            raise ValueError(f"unknown activation {spec!r}; use one of {known}, or pass a "
                             "function Value -> Value")
        return spec.lower(), fn
    if callable(spec):
        return spec, spec
    raise TypeError(f"activation must be a name (str), a callable or None, got "
                    f"{type(spec).__name__}: {spec!r}")


def name_of(activation: str | Activation) -> str:
    """A short printable name: the string itself, or a callable's ``__name__``."""
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)

"""Activation functions by name, for Neuron, Layer and MLP.

The named activations are the op table's rows marked ``activation``
(:func:`autograd_core.rules.activations`): each maps a pre-activation Value z to the neuron's
output with one engine op, its Value method with its default constants (PyTorch's: slope 0.01
for ``leaky_relu``, alpha 1 for ``elu``), and its derivative is the row's ``math``:

    sigmoid, tanh, relu, leaky_relu, elu, softplus   (today's rows; a new row joins them)
    linear(z) = z                                    d/dz = 1 (no activation)

Any callable ``Value -> Value`` works as an activation too.
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_core import Value
from autograd_core.rules import activations
from nn._checks import lookup

Activation = Callable[[Value], Value]
ActivationSpec = str | Activation | None


def linear(z: Value) -> Value:
    """The identity: no activation (a regression output or logits)."""
    return z


#: name -> function, in the op table's order, then ``linear``.
ACTIVATIONS: dict[str, Activation] = {
    **{rule.name: getattr(Value, str(rule.method)) for rule in activations()},
    "linear": linear,
}


def resolve(spec: ActivationSpec) -> tuple[str | Activation, Activation]:
    """``(what to show as .activation, function to apply)`` for a name, a callable or None.

    None means 'linear'. An unknown name raises ValueError listing the known ones."""
    if spec is None:
        return "linear", linear
    if isinstance(spec, str):
        fn = lookup(ACTIVATIONS, spec, "activation", ", or pass a function Value -> Value",
                    fold_case=True)
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

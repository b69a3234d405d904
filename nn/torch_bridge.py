"""MLP -> torch.nn.Sequential with the same weights: the way out when the scalar engine is too
slow. Needs PyTorch (``pip install autograd-core[torch]``).

Layer i becomes ``torch.nn.Linear(nin, nout)`` whose weight row j is neuron j's ``w`` and whose
bias entry j is its ``b``, followed by the activation module (ReLU, Tanh, Sigmoid,
LeakyReLU(0.01), ELU(1.0), Softplus(); nothing for linear) and, for hidden layers of an MLP
with dropout, ``torch.nn.Dropout(p)``. In float64 the outputs agree with ours to ~1e-12.
"""

from __future__ import annotations

from typing import Any

_TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                      "leaky_relu": "LeakyReLU", "elu": "ELU", "softplus": "Softplus"}


def _torch() -> Any:
    try:
        import torch
    except ImportError as e:
        raise ImportError("MLP.to_torch() needs PyTorch; install it with: "
                          "pip install autograd-core[torch]") from e
    return torch


def to_torch(mlp: Any, dtype: Any = None) -> Any:
    """An equivalent ``torch.nn.Sequential`` (float64 unless ``dtype`` says otherwise)."""
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    mods: list[Any] = []
    last = len(mlp.layers) - 1
    for i, layer in enumerate(mlp.layers):
        lin = torch.nn.Linear(layer.nin, layer.nout, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons],
                                          dtype=dtype))
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=dtype))
        mods.append(lin)
        act = layer.activation
        if not isinstance(act, str):
            raise ValueError(f"layer {i} uses a Python function as activation ({act!r}), which "
                             "has no torch equivalent; use a named activation ('relu', 'tanh', "
                             f"...: {', '.join(_TORCH_ACTIVATIONS)}, 'linear')")
        if act != "linear":
            mods.append(getattr(torch.nn, _TORCH_ACTIVATIONS[act])())
        p = getattr(getattr(mlp, "dropout", None), "p", 0.0)
        if p > 0 and i != last:
            mods.append(torch.nn.Dropout(p))
    return torch.nn.Sequential(*mods)

"""nn: neural networks on the autograd_core engine, the way the lectures teach them.

Modules (:class:`Module`, :class:`Neuron`, :class:`Layer`, :class:`MLP`, :class:`Dropout`),
activations by name, initialisers, losses and L1/L2 penalties, optimizers (SGD, Adam, AdamW,
RMSprop) and learning-rate schedules, small data sets (:mod:`nn.data`), and :func:`fit`, a
training loop that returns a :class:`History`. XOR in three lines::

    model = nn.MLP(2, [4, 1], activation='tanh', init='xavier', seed=0)
    X, y = nn.data.xor()
    nn.fit(model, X, y, loss='mse', optimizer=nn.SGD(model, lr=0.1, momentum=0.9), epochs=500)

The eager path (modules, losses, optimizers, ``fit`` on Python lists, ``data.xor()`` and
``data.study_hours()``, the metrics) imports no numpy, so it runs where numpy is missing (in the
browser under Pyodide); array data sets, preprocessing, ``MLP.predict`` and
``fit(compiled=True)`` import numpy when they are used. Each optimizer's rule is written once
(:meth:`Optimizer.update`) and serves the eager step and compiled training alike.
"""

from autograd_core import __version__ as __version__
from nn import data, init, losses, metrics, schedules
from nn.activations import ACTIVATIONS
from nn.layers import MLP, Dropout, Layer, Neuron
from nn.losses import (
                       bce_with_logits,
                       binary_cross_entropy,
                       cross_entropy,
                       hinge,
                       l1_penalty,
                       l2_penalty,
                       mse,
)
from nn.metrics import accuracy
from nn.module import IncompatibleKeys, LoadError, Module
from nn.optim import SGD, Adam, AdamW, Optimizer, RMSprop
from nn.schedules import Constant, CosineDecay, LinearDecay, Schedule, StepDecay
from nn.serialization import load_model
from nn.training import EarlyStopping, History, evaluate, fit

__all__ = [
    "ACTIVATIONS", "MLP", "SGD", "Adam", "AdamW", "Constant", "CosineDecay", "Dropout",
    "EarlyStopping", "History", "IncompatibleKeys", "Layer", "LinearDecay", "LoadError",
    "Module", "Neuron", "Optimizer", "RMSprop", "Schedule", "StepDecay", "accuracy",
    "bce_with_logits", "binary_cross_entropy", "cross_entropy", "data", "evaluate", "fit",
    "hinge", "init", "l1_penalty", "l2_penalty", "load_model", "losses", "metrics", "mse",
    "schedules",
]

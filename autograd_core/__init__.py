"""autograd_core: a scalar reverse-mode automatic-differentiation engine.

``Value`` records a graph of operations; ``backward()`` applies the chain rule node by node,
upstream gradient times local gradient. Every op's math is written once in the op table
(:mod:`autograd_core.rules`).
"""

from autograd_core.backward import grad, topological_order, zero_grad
from autograd_core.modes import detect_anomaly, enable_grad, no_grad
from autograd_core.value import AnomalyError, Value, is_anomaly_enabled, is_grad_enabled

__all__ = [
    "AnomalyError", "Value", "detect_anomaly", "enable_grad", "grad", "is_anomaly_enabled",
    "is_grad_enabled", "no_grad", "topological_order", "zero_grad",
]

"""autograd_core: a scalar reverse-mode automatic-differentiation engine.

``Value`` records a graph of operations; ``backward()`` applies the chain rule node by node,
upstream gradient times local gradient. Every op's math is written once in the op table
(:mod:`autograd_core.rules`).
"""

from importlib.metadata import PackageNotFoundError as _NotInstalled
from importlib.metadata import version as _version

from autograd_core.backward import grad, reverse_topological, topological_order, zero_grad
from autograd_core.compiled import compile as compile  # the batch executor
from autograd_core.forward import hvp, jvp
from autograd_core.function import Function
from autograd_core.functional import (
    atan2,
    dot,
    hypot,
    log_softmax,
    logsumexp,
    maximum,
    mean,
    minimum,
    remainder,
    softmax,
)
from autograd_core.functional import sum as vsum
from autograd_core.gradcheck import GradcheckError, check_grads, gradcheck, numerical_grads
from autograd_core.modes import detect_anomaly, enable_grad, no_grad, set_grad_enabled
from autograd_core.rules import RULES, Rule
from autograd_core.value import (
    AnomalyError,
    Value,
    accelerated,
    is_anomaly_enabled,
    is_grad_enabled,
    use_accelerator,
)

try:
    __version__ = _version("autograd-core")  # the installed distribution's version
except _NotInstalled:  # a source tree that was never pip-installed
    __version__ = "0+unknown"

__all__ = [
    "atan2", "hypot", "hvp", "jvp", "maximum", "minimum", "remainder",
    "RULES", "AnomalyError", "Function", "GradcheckError", "Rule", "Value", "accelerated",
    "check_grads", "use_accelerator",
    "detect_anomaly", "dot", "enable_grad", "grad", "gradcheck", "is_anomaly_enabled",
    "is_grad_enabled", "log_softmax", "logsumexp", "mean", "no_grad", "numerical_grads",
    "reverse_topological", "set_grad_enabled", "softmax", "topological_order", "vsum",
    "zero_grad",
]

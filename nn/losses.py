"""Loss functions and weight penalties, built from engine ops so they backpropagate.

Each loss takes predictions (Values, or lists of Values for many outputs) and targets (plain
numbers), for one sample or a batch, and returns one Value: the mean over the batch
(``reduction='sum'`` for the sum). With p a prediction and t its target:

    mse                   (p - t)^2
    binary_cross_entropy  -(t log p + (1 - t) log(1 - p)),  each log clamped at >= -100
    bce_with_logits       same with p = sigmoid(z), computed from the logit z without overflow:
                          (1 - t) z + max(-z, 0) + log(1 + e^-|z|)  (one branch-free formula)
    cross_entropy         -log softmax(z)_t = logsumexp(z) - z_t   (z: logits, t: class index)
    hinge                 max(0, 1 - t p)                          (t = -1 or +1)

``soft_cross_entropy(z, t)`` takes a distribution over the classes instead of an index (a one-hot
row gives cross_entropy's value); ``fit(compiled=True)`` trains cross_entropy through it
(:data:`TRACED`), and :func:`check_targets` checks all of fit's targets once, for both loops,
by the rule each loss applies per call.

Penalties (added to the loss to keep weights small, lecture 003):

    l2_penalty  (lambda / 2) sum_i w_i^2      gradient lambda w_i  (= SGD weight_decay lambda)
    l1_penalty  lambda sum_i |w_i|            gradient lambda sign(w_i)

All values and gradients match ``torch.nn.functional`` in float64 (tested), except that
binary_cross_entropy's gradient at p below e^-100 (or 1 - p below it) is 0 here, where PyTorch
clips its denominator; through a sigmoid both give 0. Prefer bce_with_logits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autograd_core import Value
from autograd_core.functional import dot, logsumexp
from autograd_core.functional import sum as vsum
from nn._checks import lookup

_TINY = math.exp(-100.0)  # log(_TINY) == -100.0: PyTorch's clamp of log in BCE
LossFn = Callable[..., Value]


def _is_seq(x: Any) -> bool:
    return isinstance(x, (list, tuple)) or (hasattr(x, "tolist") and not isinstance(x, Value)
                                            and getattr(x, "ndim", 0) > 0)


def _flat_pairs(pred: Any, target: Any, who: str) -> list[tuple[Any, float]]:
    """Pair up predictions and targets of the same (possibly nested) shape."""
    if hasattr(target, "tolist") and not isinstance(target, Value):
        target = target.tolist()
    if _is_seq(pred) != _is_seq(target):
        if _is_seq(pred) and len(pred) == 1:
            return _flat_pairs(pred[0], target, who)
        if _is_seq(target) and len(target) == 1:
            return _flat_pairs(pred, target[0], who)
        raise ValueError(f"{who}: predictions and targets have different shapes "
                         f"({_describe(pred)} vs {_describe(target)})")
    if not _is_seq(pred):
        return [(pred, _target(target, who))]
    if len(pred) != len(target):
        raise ValueError(f"{who} got {len(pred)} predictions and {len(target)} targets; "
                         "pass one target per prediction")
    if len(pred) == 0:
        raise ValueError(f"{who} got no predictions; the batch is empty")
    out = []
    for p, t in zip(pred, target, strict=True):
        out.extend(_flat_pairs(p, t, who))
    return out


def _describe(x: Any) -> str:
    return f"a sequence of {len(x)}" if _is_seq(x) else f"one {type(x).__name__}"


def _target(t: Any, who: str) -> Any:
    if isinstance(t, Value):
        return t
    if isinstance(t, bool) or not hasattr(t, "__float__") or isinstance(t, (str, bytes)):
        raise TypeError(f"{who} target must be a number, got {type(t).__name__}: {t!r}")
    return float(t)


def _reduce(terms: list[Any], reduction: str, who: str) -> Value:
    if reduction == "mean":
        return vsum(terms) * (1.0 / len(terms))  # type: ignore[no-any-return]
    if reduction == "sum":
        return vsum(terms)
    raise ValueError(f"{who} reduction must be 'mean' or 'sum', got {reduction!r}")


def mse(pred: Any, target: Any, reduction: str = "mean") -> Value:
    """Mean squared error: mean of (p - t)^2 over all outputs; d/dp = 2 (p - t) / n."""
    pairs = _flat_pairs(pred, target, "mse")
    return _reduce([(p - t) ** 2 for p, t in pairs], reduction, "mse")


def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean") -> Value:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1] (after a sigmoid).

    d/dp = (p - t) / (p (1 - p)). Each log is clamped at -100 as in PyTorch, so p = 0 or 1
    gives a finite loss (100 per wrong sample) instead of inf. A target of exactly 0 or 1 drops
    the other term (only for plain-number targets: a traced, compiled target is a Value and
    takes the general formula, whose other term is then multiplied by 0, the same value)."""
    terms = []
    for p, t in _flat_pairs(prob, target, "binary_cross_entropy"):
        if not isinstance(t, Value) and not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy targets must be in [0, 1], got {t!r}")
        log_p = p.clamp(min=_TINY).log() if isinstance(p, Value) else math.log(max(p, _TINY))
        q = 1.0 - p
        log_q = q.clamp(min=_TINY).log() if isinstance(q, Value) else math.log(max(q, _TINY))
        if isinstance(t, float) and t == 1.0:
            terms.append(-log_p)
        elif isinstance(t, float) and t == 0.0:
            terms.append(-log_q)
        else:
            terms.append(-(t * log_p + (1.0 - t) * log_q))
    return _reduce(terms, reduction, "binary_cross_entropy")


def bce_with_logits(logit: Any, target: Any, reduction: str = "mean") -> Value:
    """Binary cross-entropy of sigmoid(z) computed from the logit z, stable for any z.

    loss = log(1 + e^z) - t z, written (1 - t) z + max(-z, 0) + log(1 + e^-|z|) as PyTorch does,
    with max(-z, 0) = (|z| - z) / 2 so that the gradient at z = 0 is sigmoid(0) - t = 0.5 - t.
    One formula, no branch on z: the graph does not depend on the data, so it compiles
    (:func:`autograd_core.compile`); e^-|z| cannot overflow. d/dz = sigmoid(z) - t."""
    terms = []
    for z, t in _flat_pairs(logit, target, "bce_with_logits"):
        if not isinstance(t, Value) and not 0.0 <= t <= 1.0:
            raise ValueError(f"bce_with_logits targets must be in [0, 1], got {t!r}")
        if not isinstance(z, Value):
            z = Value(float(z))
        a = abs(z)
        terms.append((1.0 - t) * z + (a - z) * 0.5 + (-a).softplus())
    return _reduce(terms, reduction, "bce_with_logits")


_ONE_LOGIT = ("cross_entropy needs one logit per class: a model with k outputs for k classes, "
              "e.g. MLP(nin, [16, k]). For two classes with a single output, use "
              "loss='bce_with_logits' with 0/1 targets")


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Value:
    """Softmax cross-entropy over class logits: -log softmax(z)_t = logsumexp(z) - z_t.

    ``logits`` is one sample's list of Values with ``target`` a class index, or a batch (list
    of lists) with a list of indices. d/dz_i = softmax(z)_i - [i == t]."""
    if hasattr(target, "tolist"):
        target = target.tolist()
    batch = bool(logits) and _is_seq(logits[0]) if _is_seq(logits) else False
    if not _is_seq(logits):
        raise ValueError("cross_entropy expects a list of logits (one per class), got "
                         f"{type(logits).__name__}; for one output use bce_with_logits")
    if batch:
        if not _is_seq(target):
            raise ValueError("cross_entropy got a batch of logits but a single target; pass "
                             "one class index per sample")
        if len(logits) != len(target):
            raise ValueError(f"cross_entropy got {len(logits)} samples and {len(target)} "
                             "targets")
        samples = list(zip(logits, target, strict=True))
    else:
        if _is_seq(target):
            if len(target) == len(logits) and len(logits) > 1:  # a batch of one-output rows
                raise ValueError(_ONE_LOGIT + f" (got {len(logits)} single outputs and "
                                 f"{len(target)} targets)")
            raise ValueError("cross_entropy got one sample's logits but a list of targets; "
                             "pass one class index (int)")
        samples = [(logits, target)]
    terms = []
    for z, t in samples:
        k = len(z)
        if k < 2:
            raise ValueError(_ONE_LOGIT + f" (got {k} logit{'s' if k != 1 else ''} per sample)")
        if isinstance(t, float) and t.is_integer():
            t = int(t)
        if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < k:
            raise ValueError(f"cross_entropy target must be a class index in 0..{k - 1}, got "
                             f"{t!r}")
        terms.append(logsumexp(z) - z[t])
    if not terms:
        raise ValueError("cross_entropy got no samples; the batch is empty")
    return _reduce(terms, reduction, "cross_entropy")


def soft_cross_entropy(logits: Any, probs: Any) -> Value:
    """Cross-entropy of one sample against a distribution over the classes (PyTorch's
    cross_entropy with probability targets), for ``probs`` summing to 1 (a one-hot row):

        -sum_i t_i log softmax(z)_i = logsumexp(z) - t . z        d/dz_i = softmax(z)_i - t_i

    With a one-hot t this is :func:`cross_entropy` of the class index, written without indexing
    by the data, so it compiles: ``fit(compiled=True)`` trains cross_entropy with it on one-hot
    rows (see :data:`TRACED`)."""
    if len(logits) < 2:
        raise ValueError(_ONE_LOGIT + f" (got {len(logits)} logit per sample)")
    return logsumexp(logits) - dot(probs, logits)  # type: ignore[no-any-return]


def hinge(score: Any, target: Any, reduction: str = "mean") -> Value:
    """Max-margin loss max(0, 1 - t s) for labels t = -1 or +1 (micrograd's demo).

    Zero once a sample is on the right side with margin 1; d/ds = -t while inside the margin."""
    terms = []
    for s, t in _flat_pairs(score, target, "hinge"):
        if not isinstance(t, Value) and t not in (-1.0, 1.0):
            raise ValueError(f"hinge targets must be -1 or +1, got {t!r}; map 0/1 labels with "
                             "2 * y - 1")
        terms.append((1.0 - t * s).relu())
    return _reduce(terms, reduction, "hinge")


def _params(params: Any, who: str) -> list[Value]:
    if hasattr(params, "parameters"):
        params = params.parameters()
    ps = list(params)
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"{who} expects Values (or a Module); item {i} is "
                            f"{type(p).__name__}")
    if not ps:
        raise ValueError(f"{who} got no parameters")
    return ps


def l2_penalty(params: Any, lam: float) -> Value:
    """(lambda / 2) sum_i w_i^2 (lecture 003), as one dot node; gradient lambda w_i.

    ``params`` is a Module or a list of Values. (micrograd's demo writes 1e-4 * sum(p*p),
    which is l2_penalty(params, 2e-4).)"""
    ps = _params(params, "l2_penalty")
    return dot(ps, ps) * (0.5 * float(lam))  # type: ignore[no-any-return]


def l1_penalty(params: Any, lam: float) -> Value:
    """lambda sum_i |w_i|; gradient lambda sign(w_i) (0 at w = 0). Drives weights to 0."""
    ps = _params(params, "l1_penalty")
    return vsum([abs(p) for p in ps]) * float(lam)  # type: ignore[no-any-return]


LOSSES: dict[str, LossFn] = {
    "mse": mse, "binary_cross_entropy": binary_cross_entropy, "bce": binary_cross_entropy,
    "bce_with_logits": bce_with_logits, "cross_entropy": cross_entropy, "hinge": hinge,
}


def get(spec: str | LossFn) -> tuple[str, LossFn]:
    """(name, function) for a loss name or a callable ``(preds, targets) -> Value``."""
    if isinstance(spec, str):
        fn = lookup(LOSSES, spec, "loss", " or a function (predictions, targets) -> Value")
        return fn.__name__, fn
    if callable(spec):
        return getattr(spec, "__name__", "loss"), spec
    raise TypeError(f"loss must be a name or a callable, got {type(spec).__name__}")




#: Losses whose targets are class indices, and the form a traced (compiled) program uses:
#: the targets become one-hot rows and the loss takes them as ``(logits, one_hot)``.
TRACED: dict[LossFn, LossFn] = {cross_entropy: soft_cross_entropy}


def _flat_targets(targets: list[Any]) -> list[Any]:
    return [v for t in targets for v in (t if isinstance(t, (list, tuple)) else [t])]


def check_targets(name: str, targets: list[Any], classes: int | None, who: str) -> None:
    """All of fit's targets checked once, before training, by the rule the loss ``name``
    applies per call (eager and compiled training alike): class indices in 0..classes-1 for
    cross_entropy (``classes`` None: the model's outputs are not known yet), -1/+1 for hinge,
    [0, 1] for the binary cross-entropies. ValueError naming the first bad targets."""
    if name == "cross_entropy":
        top = math.inf if classes is None else classes
        bad = [t for t in targets if isinstance(t, (list, tuple)) or not (
            float(t).is_integer() and 0 <= t < top)]
        if bad:
            span = "0, 1, ..." if classes is None else f"0..{classes - 1}"
            raise ValueError(f"{who}: cross_entropy targets must be class indices in {span}, "
                             f"got {bad[:3]!r}")
    elif name == "hinge":
        bad = [t for t in _flat_targets(targets) if t not in (-1.0, 1.0)]
        if bad:
            raise ValueError(f"{who}: hinge targets must be -1 or +1, got {bad[:3]!r}; map 0/1 "
                             "labels with 2 * y - 1")
    elif name in ("binary_cross_entropy", "bce_with_logits"):
        bad = [t for t in _flat_targets(targets) if not 0.0 <= t <= 1.0]
        if bad:
            raise ValueError(f"{who}: {name} targets must be in [0, 1], got {bad[:3]!r}")

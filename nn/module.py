"""Module: the base class of everything with parameters (Neuron, Layer, MLP, Dropout).

A Module finds its parameters by looking at its own attributes, in the order they were set:
a :class:`~autograd_core.Value` is a parameter, a Module is a sub-module, and a list of either
is numbered. So an MLP's parameters get dotted names such as ``layers.0.neurons.3.w.1``
(weight 1 of neuron 3 of the first layer) and ``layers.0.neurons.3.b``, and nothing has to be
registered by hand. Attributes whose name starts with ``_`` are private and never walked.

``state_dict()`` maps each parameter *group* (a Value, or a list of Values such as a neuron's
weights ``w``) to plain floats, so a size mismatch can be reported as such; ``load_state_dict``
checks everything before changing anything. ``save``/``load`` write and read that state as JSON
(never pickle): reading a file runs no code.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, NamedTuple

from autograd_core import Value
from nn._checks import quote

StateValue = float | list[float]


class LoadError(ValueError):
    """A state dict or model file that does not fit the model; the model was left unchanged."""


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=True)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class: parameters(), named_parameters(), zero_grad(), train()/eval(),
    state_dict()/load_state_dict(), save()/load()."""

    training: bool = True

    # --- finding parameters ------------------------------------------------------------------
    def _groups(self, prefix: str = "") -> Iterator[tuple[str, Value | list[Value]]]:
        """(dotted name, Value or list of Values) for every parameter group, in order."""
        for name, attr in vars(self).items():
            if name.startswith("_"):
                continue
            full = prefix + name
            if isinstance(attr, Value):
                yield full, attr
            elif isinstance(attr, Module):
                yield from attr._groups(full + ".")
            elif isinstance(attr, (list, tuple)) and attr:
                if all(isinstance(a, Value) for a in attr):
                    yield full, list(attr)
                else:
                    for i, a in enumerate(attr):
                        if isinstance(a, Module):
                            yield from a._groups(f"{full}.{i}.")

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first."""
        yield self
        for name, attr in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(attr, Module):
                yield from attr.modules()
            elif isinstance(attr, (list, tuple)):
                for a in attr:
                    if isinstance(a, Module):
                        yield from a.modules()

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs: ``layers.0.neurons.0.w.0``, ..., ``...b``."""
        out: list[tuple[str, Value]] = []
        for name, group in self._groups():
            if isinstance(group, Value):
                out.append((name, group))
            else:
                out.extend((f"{name}.{i}", v) for i, v in enumerate(group))
        return out

    def parameters(self) -> list[Value]:
        """Every parameter (a leaf Value) in a fixed order, as in micrograd."""
        out: list[Value] = []
        for _, group in self._groups():
            if isinstance(group, Value):
                out.append(group)
            else:
                out.extend(group)
        return out

    def num_parameters(self) -> int:
        """How many scalar parameters: ``MLP(2, [16, 16, 1])`` has 337."""
        return len(self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    # --- modes -------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active) for this module and all sub-modules; returns self."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off); same as ``train(False)``."""
        return self.train(False)

    # --- state -------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, StateValue]:
        """{group name: float or list of floats}, e.g. ``{'layers.0.neurons.0.w': [0.1, -0.3],
        'layers.0.neurons.0.b': 0.0, ...}``: plain numbers, safe to write as JSON."""
        return {name: (g.data if isinstance(g, Value) else [v.data for v in g])
                for name, g in self._groups()}

    def load_state_dict(self, state: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy numbers from ``state`` into the parameters.

        Everything is checked first and the model is changed only if all checks pass. A value
        of the wrong shape or type always raises :class:`LoadError`; with ``strict=True``
        (default) missing and unexpected keys raise too, listed in the message. With
        ``strict=False`` the matching groups are loaded and the skipped keys returned.
        """
        if not isinstance(state, dict):
            raise LoadError(f"load_state_dict expects a dict of name -> numbers, got "
                            f"{type(state).__name__}")
        groups = dict(self._groups())
        missing = [k for k in groups if k not in state]
        unexpected = [k for k in state if k not in groups]
        problems: list[str] = []
        updates: list[tuple[Value, float]] = []
        for key, group in groups.items():
            if key not in state:
                continue
            value = state[key]
            if isinstance(group, Value):
                if isinstance(value, list):
                    problems.append(f"size mismatch for {key}: expected a single number, got a "
                                    f"list of {len(value)}")
                elif not _is_number(value):
                    problems.append(f"{key}: expected a number, got {type(value).__name__}")
                else:
                    updates.append((group, float(value)))
            else:
                if not isinstance(value, list):
                    problems.append(f"size mismatch for {key}: expected a list of {len(group)} "
                                    f"numbers, got {type(value).__name__}")
                elif len(value) != len(group):
                    problems.append(f"size mismatch for {key}: expected {len(group)} numbers, "
                                    f"got {len(value)}")
                elif not all(_is_number(v) for v in value):
                    bad = next(v for v in value if not _is_number(v))
                    problems.append(f"{key}: expected numbers, found {type(bad).__name__} "
                                    f"{quote(bad)}")
                else:
                    updates.extend(zip(group, (float(v) for v in value), strict=True))
        if strict and missing:
            problems.append("missing key(s): " + ", ".join(missing))
        if strict and unexpected:
            more = f" and {len(unexpected) - 10} more" if len(unexpected) > 10 else ""
            problems.append("unexpected key(s): " + ", ".join(quote(k, 60, marks=False) for k in
                                                              unexpected[:10]) + more)
        if problems:
            raise LoadError(f"error(s) loading state into {type(self).__name__} (the model was "
                            "not changed):\n  " + "\n  ".join(problems) +
                            ("\n  pass strict=False to load the matching keys only"
                             if (missing or unexpected) and strict else ""))
        for p, x in updates:
            p.data = x
        return IncompatibleKeys(missing, unexpected)

    def save(self, path: Any) -> None:
        """Write the model (its config when it has one, and its state) to ``path`` as JSON."""
        from nn.serialization import save

        save(self, path)

    def load(self, path: Any, strict: bool = True) -> Module:
        """Read weights saved by :meth:`save` into this model; returns self. A malformed,
        truncated or mismatched file raises :class:`LoadError` and changes nothing."""
        from nn.serialization import load_into

        load_into(self, path, strict=strict)
        return self

    def config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this module, if they are plain data
        (None when, for instance, an activation is a Python function)."""
        return None

    def extra_repr(self) -> str:
        """The one-line description shown by ``repr`` (overridden by subclasses)."""
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"


def _is_number(x: Any) -> bool:
    """A real number a float can hold (an int of 400 digits is not: float() overflows)."""
    if isinstance(x, int) and not isinstance(x, bool):
        return _finite_or_special(x)
    return isinstance(x, float) or (
        hasattr(x, "__float__") and not isinstance(x, (str, bytes, bool, Value, list, dict))
        and _finite_or_special(x))


def _finite_or_special(x: Any) -> bool:
    try:
        math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return False
    return True

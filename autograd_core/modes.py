"""How ops are recorded, PyTorch's grad-mode API: ``no_grad``, ``enable_grad``,
``set_grad_enabled`` and ``detect_anomaly``.

Each is a context manager that restores the previous state on exit (so they nest) and a
decorator, bare or called (``@no_grad`` and ``@no_grad()``), as in PyTorch. A decorated generator
function runs each of its steps inside the mode and the caller's code between them outside it,
as PyTorch does. Modes are per thread (see :mod:`autograd_core.value`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from autograd_core import value as _value

F = TypeVar("F", bound=Callable[..., Any])


class _GradMode:
    """A recording mode: a context manager, and a decorator bare or called."""

    enabled = True  # the mode this class switches to

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        if func is None:
            return super().__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no argument, or a function to decorate; "
                            f"got {type(func).__name__}")
        return cls()(func)  # @no_grad without parentheses

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        self._saved: list[tuple[bool, bool]] = []

    def _fresh(self) -> _GradMode:
        return type(self)()

    def __enter__(self) -> None:
        self._saved.append((_value._grad_enabled, _value._anomaly))
        _value._set_modes(self.enabled, _value._anomaly)

    def __exit__(self, *exc: object) -> None:
        _value._set_modes(*self._saved.pop())

    def __call__(self, func: F) -> F:
        fresh = self._fresh
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                return (yield from _each_step_inside(fresh, func(*args, **kwargs)))
            return generator  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]


def _each_step_inside(mode: Callable[[], Any], gen: Generator[Any, Any, Any]
                      ) -> Generator[Any, Any, Any]:
    """Run a generator with every step (start, send, throw, close) inside ``mode()`` and the
    consumer's code between steps outside it (PyTorch's ``_wrap_generator``)."""
    try:
        with mode():
            response = gen.send(None)
        while True:
            try:
                request = yield response
            except GeneratorExit:
                with mode():
                    gen.close()
                raise
            except BaseException as err:
                with mode():
                    response = gen.throw(err)
            else:
                with mode():
                    response = gen.send(request)
    except StopIteration as stop:
        return stop.value


class no_grad(_GradMode):  # noqa: N801  (PyTorch's name)
    """Inside, ops compute numbers but record nothing: results are leaves with no history
    (for evaluation, and for optimizer updates of parameters)."""

    enabled = False


class enable_grad(_GradMode):  # noqa: N801
    """Inside, ops are recorded even within an outer ``no_grad()``."""

    enabled = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """``set_grad_enabled(False)`` switches recording off at once (a function call) and, used
    with ``with``, back to what it was on exit; ``@set_grad_enabled(flag)`` decorates."""

    def __new__(cls, mode: bool) -> Any:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:  # type: ignore[override]
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled() expects True or False, got {mode!r}")
        self.enabled = mode
        self._saved = [(_value._grad_enabled, _value._anomaly)]
        _value._set_modes(mode, _value._anomaly)

    def _fresh(self) -> _GradMode:
        mode = enable_grad if self.enabled else no_grad
        return mode()

    def __enter__(self) -> None:
        pass  # already switched by the constructor

    def __call__(self, func: F) -> F:
        _value._set_modes(*self._saved[0])  # decorating does not switch the mode
        return super().__call__(func)

    def __exit__(self, *exc: object) -> None:
        _value._set_modes(*self._saved[0])


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside, the first op whose value is inf or nan, and the first backward step that makes a
    non-finite gradient, raise :class:`~autograd_core.value.AnomalyError` naming the op. Slower;
    for debugging."""
    saved = (_value._grad_enabled, _value._anomaly)
    _value._set_modes(saved[0], True)
    try:
        yield
    finally:
        _value._set_modes(*saved)

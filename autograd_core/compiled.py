"""The batch compiler's former home, kept so that ``from autograd_core.compiled import compile``
keeps working: the compiler is now the subpackage :mod:`autograd_core.compiler` (trace,
schedule, codegen, program)."""

from typing import TYPE_CHECKING, Any

from autograd_core.compiler import (
    DataDependentError,
    compile,
    is_tracing,
    refuse_data_dependence,
)

if TYPE_CHECKING:
    from autograd_core.compiler.program import Program


def __getattr__(name: str) -> Any:
    if name == "Program":  # imported on first use: it needs numpy
        from autograd_core.compiler.program import Program

        return Program
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["DataDependentError", "Program", "compile", "is_tracing", "refuse_data_dependence"]

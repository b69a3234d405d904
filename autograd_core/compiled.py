"""The batch compiler's former home, kept so that ``from autograd_core.compiled import compile``
keeps working: the compiler is now the subpackage :mod:`autograd_core.compiler` (trace,
schedule, lower, simplify, printer, program)."""

from typing import TYPE_CHECKING, Any

from autograd_core.compiler import DataDependentError, compile

if TYPE_CHECKING:
    from autograd_core.compiler.program import Program

__all__ = ["DataDependentError", "Program", "compile"]


def __getattr__(name: str) -> Any:
    """``Program`` (the numpy program), imported when first named."""
    if name in ("Program", "PyProgram"):
        import autograd_core.compiler

        return getattr(autograd_core.compiler, name)
    raise AttributeError(f"module 'autograd_core.compiled' has no attribute {name!r}")

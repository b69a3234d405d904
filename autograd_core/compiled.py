"""The batch compiler's former home, kept so that ``from autograd_core.compiled import compile``
keeps working: the compiler is now the subpackage :mod:`autograd_core.compiler` (trace,
schedule, lower, simplify, printer, program)."""

from autograd_core.compiler import DataDependentError, Program, compile

__all__ = ["DataDependentError", "Program", "compile"]

"""The compiler: one example's scalar graph, traced once, run on whole batches as numpy code.

Why. The scalar engine makes one Python object per operation per example, which is what lets a
learner look at every node, and also what makes training on a few thousand examples slow. For a
batch, every example's graph has the same *shape*; only the numbers differ. Lecture 002
vectorises by hand: examples become columns, a layer of neurons becomes a matrix product. The
compiler does that automatically, for any function built from the engine's ops, in stages, one
module each, each taking one form and returning the next (the way JAX keeps tracing, batching
and lowering apart, and tinygrad rewrites one intermediate form):

1. :mod:`~autograd_core.compiler.trace`: run ``fn`` once on placeholder Values; refuse graphs
   that depend on the numbers (:class:`DataDependentError`, naming the file and line).
2. :mod:`~autograd_core.compiler.schedule`: merge chains of additions, recognise dot products
   written as multiplies and adds, group the nodes that run as one array operation.
3. :mod:`~autograd_core.compiler.lower`: the groups as a program in the intermediate form
   (:mod:`~autograd_core.compiler.ir`: statements and expressions as small dataclasses), forward
   and backward, from the op table's own formulas (:mod:`~autograd_core.compiler.symbolic`).
4. :mod:`~autograd_core.compiler.simplify`: temporaries written into their single use, renames
   removed; a new program, never text.
5. :mod:`~autograd_core.compiler.printer`: the only place Python text is made.
6. :mod:`~autograd_core.compiler.program`: compile that text and run it (:class:`Program`).

No derivative is written in the compiler: forward and local gradients are the op table's
(:mod:`autograd_core.rules`), evaluated on the numpy backend (:mod:`autograd_core.numpy_math`).

Use::

    from autograd_core import Value, compile
    model = nn.MLP(2, [16, 16, 1])            # any function of Values works
    def loss(x, y):                           # ONE example: x = [Value, Value], y = Value
        return (1 - y * model(x)).relu() + 1e-4 * sum(p * p for p in model.parameters())
    step = compile(loss, 2, (), params=model.parameters())
    mean_loss = step(X, Y)       # X: (N, 2), Y: (N,); p.grad += d mean_i(loss_i) / dp
    print(step.source())         # the numpy code that ran

``step.value_and_grad(X, Y, params=theta)`` is the pure array form (nothing touches the Values),
and ``compile(model, 2).forward(X)`` gives the outputs for a batch.
"""

from typing import TYPE_CHECKING, Any

from autograd_core.compiler.driver import compile
from autograd_core.compiler.trace import DataDependentError

if TYPE_CHECKING:
    from autograd_core.compiler.program import Program
    from autograd_core.compiler.pyprogram import PyProgram

__all__ = ["DataDependentError", "Program", "PyProgram", "compile"]


def __getattr__(name: str) -> Any:
    """The programs, imported when first named: the numpy one needs numpy, the other not."""
    if name == "Program":
        from autograd_core.compiler.program import Program

        return Program
    if name == "PyProgram":
        from autograd_core.compiler.pyprogram import PyProgram

        return PyProgram
    raise AttributeError(f"module 'autograd_core.compiler' has no attribute {name!r}")

# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---


# %% [markdown]
# # 7. Build your own engine, then read the real one
#
# Nothing in this course is a black box. In this lesson you write a micrograd-sized
# autodiff engine in about 40 lines (a `Value` with `+`, `*`, `tanh` and `backward`), check it
# against `autograd_core` on random graphs, and then open the two places where the real
# engine does the same thing: its **op table** and its **backward loop**.

# %%
import inspect
import math
import autograd_core as ac
from autograd_core import Value
import viz
from exercises import check, hint, solution
from exercises.lesson_07 import random_graph

# %% [markdown]
# ## The whole engine, in one cell
#
# The idea of the decks, as a data structure: every node stores its **parents together with
# the local gradient** $\partial\,\text{node}/\partial\,\text{parent}$, computed in the
# forward pass. Backward is then one loop: visit the nodes so that each comes after everything
# it feeds (reverse topological order), and send `local * node.grad` to each parent, **adding**
# (`+=`: a value used twice gets the sum over paths, lesson 1).

# %%
class TinyValue:
    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents                 # ((parent, d self / d parent), ...)

    def __add__(self, other):
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        return TinyValue(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = other if isinstance(other, TinyValue) else TinyValue(other)
        return TinyValue(self.data * other.data, ((self, other.data), (other, self.data)))

    __radd__ = __add__                         # 2 + v  and  2 * v
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return TinyValue(t, ((self, 1.0 - t * t),))

    def topological(self):
        """Every node below self, each after all of its parents (depth first)."""
        order, seen = [], set()
        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent, _ in node.parents:
                    visit(parent)
                order.append(node)
        visit(self)
        return order

    def backward(self):
        order = self.topological()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):           # output first
            for parent, local in node.parents:
                parent.grad += local * node.grad   # upstream x local, summed over paths

    def __repr__(self):
        return f"TinyValue(data={self.data:.4g}, grad={self.grad:.4g})"

methods = [fn for fn in vars(TinyValue).values() if inspect.isfunction(fn)]
n_lines = 1 + sum(len([l for l in inspect.getsource(fn).splitlines() if l.strip()])
                  for fn in dict.fromkeys(methods)) + 2     # + the class line, the two aliases
print(f"TinyValue: {n_lines} lines")
assert n_lines <= 45

# %% [markdown]
# The lecture's example, $f = (x + y)\,z$ at $(-2, 5, -4)$:

# %%
x, y, z = TinyValue(-2.0), TinyValue(5.0), TinyValue(-4.0)
f = (x + y) * z
f.backward()
print(f, "| grads:", x.grad, y.grad, z.grad)
assert f.data == -12 and (x.grad, y.grad, z.grad) == (-4, -4, 3)

# %% [markdown]
# ## Checked against autograd_core on random graphs
#
# `random_graph(cls, seed)` builds the same random expression from any class with `+`, `*`
# and `tanh`: three inputs, eight random ops that reuse earlier values (so several paths lead
# to the same input). We build each graph twice, with `TinyValue` and with the engine's
# `Value`, and compare the output and every input's gradient.

# %%
leaves, root, text = random_graph(Value, seed=0)
print("graph 0, its last op:", text)
worst = 0.0
for seed in range(50):
    mine_leaves, mine_root, _ = random_graph(TinyValue, seed)
    ref_leaves, ref_root, _ = random_graph(Value, seed)
    mine_root.backward(); ref_root.backward()
    worst = max([worst, abs(mine_root.data - ref_root.data)] +
                [abs(m.grad - r.grad) for m, r in zip(mine_leaves, ref_leaves)])
print(f"50 random graphs: largest difference in any output or gradient {worst:.1e}")
assert worst < 1e-12

# %%
leaves3, root3, _ = random_graph(Value, seed=3)
for i, leaf in enumerate(leaves3):
    leaf.label = f"x{i}"
root3.backward()
viz.draw_graph(root3, rankdir='TB', legend=False, edge_labels=False)

# %% [markdown]
# The picture is `random_graph(Value, seed=3)` after `backward()`: the inputs (blue) on top,
# x0 and x1 each feeding several ops, so their gradients are sums over several paths. Forty
# lines give the same numbers as the engine on all fifty graphs.
#
# ## Reading the real engine (1): the op table
#
# Open **`autograd_core/rules.py`**. Each op is one `defrule(...)` row: a name, the symbol
# the graph pictures print, the arity, the **forward** and the **local** derivatives, and the
# math in words. Here are the rows for `+`, `*` and `tanh`, read from the file:

# %%
import autograd_core.rules as rules_module
path = inspect.getsourcefile(rules_module)
source_lines = open(path).read().splitlines()
for name in ['add', 'mul', 'tanh']:
    rule = ac.RULES[name]
    first = rule.forward.__code__.co_firstlineno        # the line of the defrule(...) row
    row = source_lines[first - 1:first + 1]
    print(f"autograd_core/rules.py, line {first}:")
    print("\n".join("    " + line.strip() for line in row))
assert ac.RULES['tanh'].local(math, 0.3, math.tanh(0.3), None) == (1.0 - math.tanh(0.3) ** 2,)
assert ac.RULES['mul'].local(math, 2.0, 5.0, 10.0, None) == (5.0, 2.0)

# %% [markdown]
# Compare with `TinyValue`: `(self, other.data), (other, self.data)` is `MUL`'s
# `(b, a)`; `1.0 - t * t` is `TANH`'s `1.0 - out * out`. One difference: the table's rules
# receive `m`, a math namespace, so the same row computes on floats (eager), on Values
# (gradients of gradients) and on numpy arrays (the compiled batch executor). How many ops:

# %%
print(len(ac.RULES), "ops:", ", ".join(sorted(ac.RULES)))
assert {'add', 'mul', 'tanh', 'exp', 'relu', 'sigmoid'} <= set(ac.RULES)

# %% [markdown]
# ## Reading the real engine (2): the backward loop
#
# `Value.backward()` calls **`autograd_core/backward.py`, function `_backward_fast`**: the
# same loop as `TinyValue.backward`, written for speed. It makes two passes without
# recursion (a 1,000,000-op chain works): pass 1 counts how many consumers each node has;
# pass 2 starts at the root and sends `local * upstream` to each input, releasing an input once
# all its consumers have sent their share (so it is visited after all of them: reverse
# topological order). Here is pass 2's core, from the file:

# %%
import autograd_core.backward as backward_module
fast_src = inspect.getsource(backward_module._backward_fast).splitlines()
start = next(i for i, l in enumerate(fast_src) if 'Pass 2' in l)
first_line = backward_module._backward_fast.__code__.co_firstlineno
print(f"autograd_core/backward.py, _backward_fast, lines {first_line + start}-"
      f"{first_line + start + 18}:")
print("\n".join(fast_src[start:start + 19]))
assert any('a.grad += node._da * g' in l for l in fast_src)

# %% [markdown]
# `node._da` is the local gradient stored by the forward pass (`TinyValue`'s `local`), `g`
# is `node.grad` (the upstream) and `a.grad += node._da * g` is our
# `parent.grad += local * node.grad`. The first contribution is *assigned* instead of added,
# which saves zeroing every gradient first. (A C twin of this loop runs when the accelerator is
# built; `ac.use_accelerator(False)` switches to this Python code, to step through it in a
# debugger.)
#
# One node's step is also available on its own, as in Karpathy's lecture: `v._backward()`.
# Calling it by hand on every node, root first, reproduces `backward()`:

# %%
xs = [Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')]
fv = (xs[0] + xs[1]) * xs[2]
fv.grad = 1.0
for node in ac.reverse_topological(fv):     # root first, each node after its consumers
    node._backward()
by_hand = [v.grad for v in xs]
for v in xs:
    v.grad = 0.0
fv.backward()
print("node by node:", by_hand, " backward():", [v.grad for v in xs])
assert by_hand == [v.grad for v in xs] == [-4.0, -4.0, 3.0]

# %% [markdown]
# ## Your turn
#
# **1.** Write your own engine: fill in `tanh` and `backward` below (no peeking at
# `TinyValue`!). The checker compares it with `autograd_core` on six small cases (including
# `a + a`) and 20 random graphs.

# %%
class MyValue:
    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents

    def __add__(self, other):
        other = other if isinstance(other, MyValue) else MyValue(other)
        return MyValue(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = other if isinstance(other, MyValue) else MyValue(other)
        return MyValue(self.data * other.data, ((self, other.data), (other, self.data)))

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):
        ...

    def backward(self):
        ...

check("07.value_class", MyValue);

# %% [markdown]
# **2.** A new row for the op table: write the local gradient of `exp` as a function of the
# input `x` and the already computed output `out`.

# %%
def local(x, out):
    return ...

check("07.exp_local", local);

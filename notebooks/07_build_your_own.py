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
# Nothing in this course is a black box. In this lesson you grow a `Value` one operation at a
# time, the way Karpathy's micrograd lecture does: `+`, then `*`, then `backward`, then `tanh`.
# After every step the checker tries your class on its own cases. Two bugs wait on the way;
# you will meet them by running the code. At the end your class is compared with
# `autograd_core` on random graphs, and you read the real engine's op table and its reference
# backward walker.
#
# The whole class is never printed in one piece: if you are stuck, `hint("07.add")` gives a
# nudge and `solution("07.value_class")` a complete answer.

# %%
import inspect
import math
import autograd_core as ac
import viz
from exercises import check, hint, solution
from exercises.lesson_07 import random_graph

# %% [markdown]
# ## Step 1: a number that remembers where it came from
#
# The idea of the decks, as a data structure: a node stores its value, its gradient, and its
# **parents together with the local gradient** $\partial\,\text{node}/\partial\,\text{parent}$,
# computed in the forward pass. For $c = a + b$ both local gradients are 1.

# %%
class Value:
    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents          # ((parent, d self / d parent), ...)

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__                  # 2 + v

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

a, b = Value(2.0), Value(-3.0)
c = a + b
print(c, "parents:", c.parents)
assert c.data == -1.0 and c.parents == ((a, 1.0), (b, 1.0))
check("07.add", Value);

# %% [markdown]
# ## Step 2: multiply
#
# $\partial(ab)/\partial a = b$ and $\partial(ab)/\partial b = a$: the multiply gate **swaps**
# its inputs (lesson 1). We add the method to the class we already have.

# %%
def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    return Value(self.data * other.data, ((self, other.data), (other, self.data)))

Value.__mul__ = Value.__rmul__ = __mul__

x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
f = (x + y) * z
print("f = (x + y) z =", f.data, "| f's parents' local gradients:", [l for _, l in f.parents])
assert f.data == -12.0 and [l for _, l in f.parents] == [-4.0, 3.0]
check("07.mul", Value);

# %% [markdown]
# ## Step 3: backward
#
# Visit the nodes so that each comes after everything it feeds (reverse topological order),
# the root's gradient being 1, and hand each parent `local * node.grad`. A first version:

# %%
def topological(root):
    """Every node below root, each after all of its parents (iterative depth first)."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent, _ in node.parents)
    return order

def backward(self):
    self.grad = 1.0
    for node in reversed(topological(self)):      # the root first
        for parent, local in node.parents:
            parent.grad = local * node.grad        # upstream x local

Value.backward = backward

x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
f = (x + y) * z
f.backward()
print("grads of (x + y) z:", x.grad, y.grad, z.grad)
assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)

# %% [markdown]
# The lecture's numbers. Now a value used twice, $b = a + a$ at $a = 3$, and the nudge of
# lesson 1 as the referee:

# %%
a = Value(3.0)
b = a + a
b.backward()
h = 1e-6
nudged = ((Value(3.0 + h) + Value(3.0 + h)).data - b.data) / h
print(f"backward says db/da = {a.grad}; nudging a by {h:g} says {nudged:.6f}")
assert a.grad == 1.0 and abs(nudged - 2.0) < 1e-6

# %% [markdown]
# They disagree. `a` reaches `b` along two edges; each edge sends 1, and the second **overwrote**
# the first. Lesson 1's sum over paths says the contributions add: `+=`. With `+=` a node's
# gradient must start from 0 in each pass; we zero the inner nodes and leave the inputs
# (leaves) alone, so that they **accumulate** across calls, as in PyTorch and autograd_core:

# %%
def backward(self):
    order = topological(self)
    for node in order:
        if node.parents:                           # inner nodes: a fresh sum every pass
            node.grad = 0.0
    self.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad += local * node.grad       # summed over paths

Value.backward = backward

a = Value(3.0)
(a + a).backward()
print("b = a + a: db/da =", a.grad)
assert a.grad == 2.0
check("07.backward", Value);

# %% [markdown]
# ### Training with it
#
# Fit $w$ so that $w \cdot 2 \approx 6$: loss $L = (2w - 6)^2$, twenty gradient steps of size
# 0.05 from $w = 0$.

# %%
def train(zero_grad):
    w = Value(0.0)
    losses = []
    for step in range(20):
        loss = (w * 2.0 + (-6.0)) * (w * 2.0 + (-6.0))
        if zero_grad:
            w.grad = 0.0
        loss.backward()
        w.data -= 0.05 * w.grad
        losses.append(loss.data)
    return w.data, losses

w_end, losses = train(zero_grad=False)
print("loss:", " ".join(f"{l:.3g}" for l in losses[::2]))
print(f"w after 20 steps: {w_end:.3f} (the answer is 3)")
assert losses[2] < 0.1 < 1.0 < max(losses[10:]) and abs(w_end - 3) > 0.5

# %% [markdown]
# The loss goes down, then climbs back and swings. `w` is a leaf, so its gradient
# **accumulates**: step $k$ moves by the sum of all $k$ gradients so far, not by the current
# one. That is what accumulation is for (summing over a batch), and why every training loop
# sets the gradients to zero before `backward()` (`optimizer.zero_grad()` in PyTorch and `nn`):

# %%
w_end, losses = train(zero_grad=True)
print("loss:", " ".join(f"{l:.3g}" for l in losses[::2]))
print(f"w after 20 steps: {w_end:.6f}")
assert abs(w_end - 3) < 1e-3 and losses[-1] < 1e-6

# %% [markdown]
# ## Step 4: tanh
#
# $\frac{d}{dx}\tanh x = 1 - \tanh^2 x$: the local gradient reads the **output** $t$.

# %%
def tanh(self):
    t = math.tanh(self.data)
    return Value(t, ((self, 1.0 - t * t),))

Value.tanh = tanh
check("07.tanh", Value);

# %% [markdown]
# Karpathy's neuron: $o = \tanh(x_1 w_1 + x_2 w_2 + b)$ at $x = (2, 0)$, $w = (-3, 1)$,
# $b = 6.8813735870195432$ (chosen so that $o = 1/\sqrt 2$). Your class against the engine:

# %%
def neuron(V):
    x1, x2, w1, w2, bias = V(2.0), V(0.0), V(-3.0), V(1.0), V(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + bias).tanh()
    o.backward()
    return o.data, [v.grad for v in (x1, w1, x2, w2)]

mine, ref = neuron(Value), neuron(ac.Value)
print("yours:   o = %.4f, grads x1, w1, x2, w2 = %s" % (mine[0], [round(g, 4) for g in mine[1]]))
print("engine:  o = %.4f, grads x1, w1, x2, w2 = %s" % (ref[0], [round(g, 4) for g in ref[1]]))
assert abs(mine[0] - 2 ** -0.5) < 1e-12
assert all(abs(g - r) < 1e-12 for g, r in zip(mine[1], ref[1]))
assert [round(g, 4) for g in mine[1]] == [-1.5, 1.0, 0.5, 0.0]

# %% [markdown]
# ## Any graph: random ones, checked against autograd_core
#
# Nothing in `backward` knows about neurons or layers: it walks **any** directed acyclic graph.
# `random_graph(cls, seed)` builds the same random expression from any class with `+`, `*` and
# `tanh`: three inputs, eight random ops that reuse earlier values (so several paths lead to
# the same input). Each graph is built twice, with your `Value` and with the engine's.

# %%
worst = 0.0
for seed in range(50):
    mine_leaves, mine_root, _ = random_graph(Value, seed)
    ref_leaves, ref_root, _ = random_graph(ac.Value, seed)
    mine_root.backward(); ref_root.backward()
    worst = max([worst, abs(mine_root.data - ref_root.data)] +
                [abs(m.grad - r.grad) for m, r in zip(mine_leaves, ref_leaves)])
print(f"50 random graphs: largest difference in any output or gradient {worst:.1e}")
assert worst < 1e-12

# %%
leaves3, root3, _ = random_graph(ac.Value, seed=3)
for i, leaf in enumerate(leaves3):
    leaf.label = f"x{i}"
root3.backward()
viz.draw_graph(root3, rankdir='TB', legend=False, edge_labels=False)

# %% [markdown]
# The picture is `random_graph(ac.Value, seed=3)` after `backward()`, drawn top to bottom: the
# three inputs are the blue boxes x0, x1, x2 (each drawn at the height of its first use, not
# all on the top row), and x0 and x1 feed several ops, so their gradients are sums over several
# paths.
#
# ### Modules nest
#
# A neuron is a function of Values, a layer a list of neurons, a network a list of layers;
# each level only calls the one below, and `backward` sees one graph. Three nested functions
# with your `Value`, the same weights as the engine's `nn.MLP(2, [3, 1])`:

# %%
import nn

def my_neuron(w, b, xs):
    return sum((wi * xi for wi, xi in zip(w, xs)), b).tanh()

def my_layer(neurons, xs):
    return [my_neuron(w, b, xs) for w, b in neurons]

def my_mlp(layers, xs):
    for layer in layers:
        xs = my_layer(layer, xs)
    return xs[0]

model = nn.MLP(2, [3, 1], activation='tanh', output_activation='tanh', seed=0)
mine_layers = [[([Value(w.data) for w in n.w], Value(n.b.data)) for n in layer.neurons]
               for layer in model.layers]
out_mine, out_ref = my_mlp(mine_layers, [0.5, -1.0]), model([0.5, -1.0])
out_mine.backward(); out_ref.backward()
mine_grads = [p.grad for layer in mine_layers for w, b in layer for p in w + [b]]
ref_grads = [p.grad for p in model.parameters()]
print(f"output {out_mine.data:.6f} (engine {out_ref.data:.6f}); "
      f"{len(mine_grads)} parameter gradients, largest difference "
      f"{max(abs(m - r) for m, r in zip(mine_grads, ref_grads)):.1e}")
assert len(mine_grads) == len(ref_grads) == 13
assert all(abs(m - r) < 1e-12 for m, r in zip(mine_grads, ref_grads))

# %% [markdown]
# ## Your turn
#
# **1.** Finish your engine: subtraction (`-b` is `b * -1`, `a - b` is `a + (-b)`, and
# `2 - a` calls `__rsub__`) and `exp` ($\frac{d}{dx}e^x = e^x$). The checker compares your
# class with `autograd_core` on ten cases (including `a + a`, `a - b`, `2 - a`, `exp(a b)`)
# and 20 random graphs. It refuses the engine's own `Value` (try `check("07.value_class",
# ac.Value)`) and any class that calls into it.

# %%
def __neg__(self):
    ...

def __sub__(self, other):
    ...

def __rsub__(self, other):
    ...

def exp(self):
    ...

Value.__neg__, Value.__sub__, Value.__rsub__, Value.exp = __neg__, __sub__, __rsub__, exp
check("07.value_class", Value);

# %% [markdown]
# **2.** A new row for the op table: write the local gradient of `exp` as a function of the
# input `x` and the already computed output `out`.

# %%
def local(x, out):
    return ...

check("07.exp_local", local);

# %% [markdown]
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
print(len(ac.RULES), "ops in the table")
assert {'add', 'mul', 'tanh', 'exp', 'relu', 'sigmoid'} <= set(ac.RULES)

# %% [markdown]
# Compare with your class: `(self, other.data), (other, self.data)` is `MUL`'s `(b, a)`;
# `1.0 - t * t` is `TANH`'s `1.0 - out * out`. One difference: the table's rules receive `m`,
# a math namespace, so the same row computes on floats (eager), on Values (gradients of
# gradients) and on numpy arrays (the compiled batch executor).
#
# ## Reading the real engine (2): the backward walker
#
# **`autograd_core/walker.py`** holds the engine's chain rule in one place, written to be read:
# `gradients` walks the graph and sums what every node sends, `reference_backward` is
# `backward()` on top of it. Here they are, and the edge protocol they use, from the file:

# %%
import autograd_core.walker as walker_module
for fn in (walker_module.gradients, walker_module.reference_backward):
    src = inspect.getsource(fn)
    first = fn.__code__.co_firstlineno
    print(f"autograd_core/walker.py, lines {first}-{first + len(src.splitlines()) - 1}:\n")
    print(src)
assert 'for node in reverse_topological(root)' in inspect.getsource(walker_module.gradients)
print(inspect.getsource(walker_module.contributions))

# %% [markdown]
# `reverse_topological(root)` is your `reversed(topological(self))`; `send(node, upstream)`
# is the **edge protocol**, `contributions` just above: `local * upstream` for every input of an
# ordinary op (your `local * node.grad`), or the gate's own `backward(upstream)` for a
# `Function` (lesson 1). `grads[inp] + contribution` is your `+=`, summed in a dictionary, so a
# pass never reads a stale `.grad`; `reference_backward` then writes the sums into `.grad`:
# inner nodes get this pass's gradient, leaves **add** it (your zeroing of inner nodes, and
# the accumulation that made the training loop swing). The engine's fast loop and its C twin
# are tested bit for bit against this walker. Check that it is the chain rule you wrote:

# %%
xs = [ac.Value(-2.0), ac.Value(5.0), ac.Value(-4.0)]
fv = (xs[0] + xs[1]) * xs[2]
walker_module.reference_backward(fv)
print("reference_backward: grads of x, y, z =", [v.grad for v in xs])
assert [v.grad for v in xs] == [-4.0, -4.0, 3.0]
mine = [Value(-2.0), Value(5.0), Value(-4.0)]
((mine[0] + mine[1]) * mine[2]).backward()
assert [v.grad for v in mine] == [v.grad for v in xs]

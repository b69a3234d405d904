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
# # 11. Forward mode against reverse mode: why backprop runs backwards
#
# The chain rule multiplies local gradients along paths and sums over paths (deck 004). It does
# not say in which *order* to multiply. Two orders are natural:
#
# * **reverse mode** (backprop): start at the output with $\partial f/\partial f = 1$ and send
#   gradients backwards, $\text{input.grad} \mathrel{+}= \text{local} \times \text{node.grad}$.
#   One sweep gives $\partial f/\partial x_i$ for **every input** $x_i$ of **one output**.
# * **forward mode**: pick a direction $v$ in input space, give every input a *tangent*
#   $\dot x_i = v_i$, and send tangents forwards, $\dot{\text{node}} = \sum \text{local} \times
#   \dot{\text{input}}$. One sweep gives the derivative of **every output** along **one
#   direction**.
#
# Both read the same local gradients, the ones every node stores when it is made. The engine has
# both: `backward()` and `ac.jvp(f, primals, tangents)` (Jacobian-vector product, as in
# `torch.func.jvp`). This lesson counts what each costs.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
from viz.plots import POSITIVE, NEGATIVE

# %% [markdown]
# ## The lecture's example in both directions
#
# $f(x, y, z) = (x + y)\,z$ at $(-2, 5, -4)$, with $q = x + y$. Forward mode along the direction
# "move $x$ only", $(\dot x, \dot y, \dot z) = (1, 0, 0)$:
#
# $$\dot q = 1\cdot\dot x + 1\cdot\dot y = 1, \qquad \dot f = z\,\dot q + q\,\dot z = -4 .$$
#
# That is $\partial f/\partial x$, one number. For $\partial f/\partial y$ and
# $\partial f/\partial z$ we need two more sweeps, with the directions $(0, 1, 0)$ and
# $(0, 0, 1)$. Reverse mode gets all three from one `backward()`.

# %%
def f(x, y, z):
    return (x + y) * z

point = [-2.0, 5.0, -4.0]
forward = []
for i, name in enumerate('xyz'):
    direction = [1.0 if j == i else 0.0 for j in range(3)]
    value, tangent = ac.jvp(f, point, direction)
    forward.append(tangent)
    print(f"forward sweep {i + 1}, direction {direction}: f = {value}, df/d{name} = {tangent}")

xs = [Value(p) for p in point]
out = f(*xs)
out.backward()
reverse = [v.grad for v in xs]
print(f"one backward pass: (df/dx, df/dy, df/dz) = {tuple(reverse)}")
assert forward == reverse == [-4.0, -4.0, 3.0]

# %% [markdown]
# A direction need not be an axis: the tangent along $v$ is $\nabla f \cdot v$, the change of
# $f$ per unit step along $v$, in one sweep. Along $v = (1, 1, 1)$: $-4 - 4 + 3 = -5$.

# %%
_, along = ac.jvp(f, point, [1.0, 1.0, 1.0])
print(f"df along (1, 1, 1) = {along} = {sum(reverse)}")
assert along == -5.0

# %% [markdown]
# ## Both sweeps written out, counting the work
#
# Here are the two sweeps over the engine's recorded graph, in a few lines each: every node
# knows its `inputs` and the `local_grads` it stored when it was made. Each edge costs one
# multiply-add in either sweep, so we count those.

# %%
def reverse_sweep(out):
    """Backprop: d(out)/d(node) for every node, in reverse topological order. Returns the
    gradients (by node id) and the number of multiply-adds."""
    grads, work = {id(out): 1.0}, 0
    for node in reversed(ac.topological_order(out)):
        g = grads.get(id(node), 0.0)
        for inp, local in zip(node.inputs, node.local_grads):
            if isinstance(inp, Value):
                grads[id(inp)] = grads.get(id(inp), 0.0) + local * g
                work += 1
    return grads, work


def forward_sweep(outs, seeds):
    """Forward mode: the tangent of every node below ``outs`` (a Value or a list) along one
    direction (seeds: id(leaf) -> tangent), in topological order, each node once. Returns the
    tangents (by node id) and the number of multiply-adds."""
    tangents, work = {}, 0
    for out in (outs if isinstance(outs, list) else [outs]):
        for node in ac.topological_order(out):
            if id(node) in tangents:
                continue
            if not node.inputs:
                tangents[id(node)] = seeds.get(id(node), 0.0)
                continue
            t = 0.0
            for inp, local in zip(node.inputs, node.local_grads):
                if isinstance(inp, Value):
                    t += local * tangents[id(inp)]
                    work += 1
            tangents[id(node)] = t
    return tangents, work

grads, rwork = reverse_sweep(out)
fwd = [forward_sweep(out, {id(xs[i]): 1.0}) for i in range(3)]
print(f"reverse: {[grads[id(v)] for v in xs]} with {rwork} multiply-adds")
print(f"forward: {[t[id(out)] for t, _ in fwd]} with 3 sweeps x {fwd[0][1]} = "
      f"{sum(w for _, w in fwd)} multiply-adds")
assert [grads[id(v)] for v in xs] == reverse and [t[id(out)] for t, _ in fwd] == forward

# %% [markdown]
# ## n inputs, one output: n forward sweeps against one backward
#
# A loss has one output and as many inputs as the model has parameters. We take a network
# `nn.MLP(n, [8, 1], activation='tanh')` and ask for the gradient of its output with respect to
# its n inputs, for n from 1 to 64: n forward sweeps (one per input direction) or one reverse
# sweep. The gradients agree (to the last bit or two: the two modes add the same products in
# a different order, and floating-point addition is not associative); the work does not.

# %%
sizes = [1, 2, 4, 8, 16, 32, 64]
work_fwd, work_rev, worst = [], [], 0.0
for n in sizes:
    net = nn.MLP(n, [8, 1], activation='tanh', seed=0)
    x0 = np.random.default_rng(n).normal(size=n).tolist()
    inputs = [Value(v) for v in x0]
    y = net(inputs)
    g, wr = reverse_sweep(y)
    sweeps = [forward_sweep(y, {id(inputs[i]): 1.0}) for i in range(n)]
    grad_fwd = [t[id(y)] for t, _ in sweeps]
    grad_rev = [g[id(v)] for v in inputs]
    y.backward()                                              # the engine's backward ...
    grad_jvp = [ac.jvp(lambda *v: net(list(v)), x0, [1.0 * (j == i) for j in range(n)])[1]
                for i in range(n)]                            # ... and the engine's jvp
    assert grad_rev == [v.grad for v in inputs] and grad_fwd == grad_jvp   # bit for bit
    worst = max(worst, max(abs(a - b) / abs(b) for a, b in zip(grad_fwd, grad_rev)))
    work_fwd.append(sum(w for _, w in sweeps))
    work_rev.append(wr)
    nodes = len(ac.topological_order(y))
    print(f"n = {n:2d}: {nodes:3d} nodes; forward mode {n:2d} sweeps, {work_fwd[-1]:6,d} "
          f"multiply-adds; reverse mode 1 sweep, {wr:4d}; ratio {work_fwd[-1] / wr:5.1f}")
print(f"largest relative difference between the two modes' gradients: {worst:.1e}")
assert worst < 1e-14

# %%
fig, ax = plt.subplots(figsize=(6, 3.6), layout='constrained')
ax.plot(sizes, work_fwd, 'o-', color=NEGATIVE, label='forward mode: n sweeps')
ax.plot(sizes, work_rev, 's-', color=POSITIVE, label='reverse mode: 1 sweep')
ax.set_xscale('log', base=2); ax.set_yscale('log')
ax.set_xticks(sizes, [str(s) for s in sizes])
ax.set_xlabel('n, the number of inputs'); ax.set_ylabel('multiply-adds for the gradient')
ax.set_title('gradient of one output with respect to n inputs')
ax.grid(alpha=0.3, which='both'); ax.legend()
plt.show()

# %% [markdown]
# Reverse mode's work grows like the graph (about $16n$ edges here: each of the 8 hidden units
# has a weight and an input per input); forward mode's like $n$ times the graph, so the ratio
# is $n$. A network with a million parameters would need a million forward sweeps per gradient:
# this is why training uses reverse mode, backprop.

# %%
ratios = np.array(work_fwd) / np.array(work_rev)
assert work_fwd[0] == work_rev[0]                      # one input: the same work
assert np.all(np.diff(ratios) > 0)                     # the gap widens with n ...
assert list(ratios) == sizes                           # ... exactly n here
assert all(16 * n <= w <= 16 * n + 50 for n, w in zip(sizes, work_rev))   # ~16n edges

# %% [markdown]
# ## One input, many outputs: the other way round
#
# Flip the shape: one input $t$ and $m = 32$ outputs. Say a small simulation runs 30 steps
# from $t$ (a computation all outputs share), and then $m$ sensors read the state $s$:
# $y_k = \sin(k\,s)$. One forward sweep gives $dy_k/dt$ for all $m$ outputs (`ac.jvp` returns
# lists for a list output); reverse mode needs one backward pass per output, and each of them
# walks back through the whole simulation.

# %%
m = 32
def sensors(t):
    s = t
    for _ in range(30):                     # the shared part: 30 steps of a simulation
        s = s + 0.1 * s.sin()
    return [(k * s).sin() for k in range(1, m + 1)]

t0 = 0.7
values, velocities = ac.jvp(sensors, [t0], [1.0])      # the engine: one call, 32 derivatives
tv = Value(t0)
ys = sensors(tv)
tangents, fwd_work = forward_sweep(ys, {id(tv): 1.0})  # one sweep over all outputs
rev_work, per_output = 0, []
for yk in ys:                                          # one backward pass per output
    g, w = reverse_sweep(yk)
    per_output.append(g[id(tv)])
    rev_work += w
print(f"{m} outputs: forward mode 1 sweep, {fwd_work} multiply-adds; reverse mode {m} sweeps, "
      f"{rev_work:,} multiply-adds (ratio {rev_work / fwd_work:.0f})")
h = 1e-6
numeric = [(a - b) / (2 * h) for a, b in zip(ac.jvp(sensors, [t0 + h], [0.0])[0],
                                              ac.jvp(sensors, [t0 - h], [0.0])[0])]
print("dy_k/dt for k = 1..4:", np.round(velocities[:4], 6), " central differences agree")
assert [tangents[id(yk)] for yk in ys] == velocities
assert np.allclose(per_output, velocities, rtol=1e-13)
assert np.allclose(numeric, velocities, rtol=1e-6, atol=1e-8)
assert rev_work > 15 * fwd_work

# %% [markdown]
# So the rule is about the *shape* of the Jacobian: with $n$ inputs and $m$ outputs, forward
# mode costs about $n$ sweeps and reverse mode about $m$. A loss ($m = 1$) wants reverse mode.

# %% [markdown]
# ## Paths grow exponentially; both modes factor them
#
# Lesson 1 summed over paths: $\partial f/\partial x$ is the sum, over every path from $x$ to
# $f$, of the product of the local gradients along it. colah's essay ("Calculus on
# Computational Graphs") counts them: a chain of $n$ **diamonds**, each node feeding two
# nodes that meet again, has $2^n$ paths from the start to the end, while the graph grows only
# by a few edges per diamond. Summing path by path would cost $2^n$ products; both modes
# instead **factor** the sum at every node where paths meet (a node's gradient, or tangent, is
# the sum over all paths through it, computed once). So each mode visits every edge once.

# %%
def diamonds(x, n):
    """n diamonds: a -> (tanh a, sin a) -> c1 tanh a + c2 sin a -> ... (the c vary with k)."""
    a = x
    for k in range(n):
        a = (0.9 + 0.01 * k) * a.tanh() + (0.5 - 0.02 * k) * a.sin()
    return a

def paths_and_edges(root):
    """Paths from every node to root (counted, not enumerated) and the graph's edges."""
    order = ac.topological_order(root)
    paths = {id(root): 1}
    edges = 0
    for node in reversed(order):
        for parent in node.parents:
            edges += 1
            paths[id(parent)] = paths.get(id(parent), 0) + paths[id(node)]
    return paths, edges

def path_sum(root, leaf):
    """The derivative as the literal sum over every path of the product of local gradients."""
    total, stack = 0.0, [(root, 1.0)]
    while stack:
        node, product = stack.pop()
        if node is leaf:
            total += product
            continue
        for parent, local in zip(node.inputs, node.local_grads):
            if isinstance(parent, Value):            # constants are not on any path
                stack.append((parent, product * float(local)))
    return total

rows = []
for n in [1, 2, 4, 8, 12]:
    x = Value(0.3)
    out = diamonds(x, n)
    paths, edges = paths_and_edges(out)
    out.backward()
    by_paths = path_sum(out, x)
    _, tangent = ac.jvp(lambda v: diamonds(v, n), [0.3], [1.0])
    rows.append((n, paths[id(x)], edges, by_paths, x.grad, tangent))
    print(f"{n:2d} diamonds: {paths[id(x)]:5d} paths, {edges:3d} edges;  sum over paths "
          f"{by_paths:+.12f}, backward {x.grad:+.12f}, forward (jvp) {tangent:+.12f}")
per_diamond = rows[-1][2] / rows[-1][0]
for n, n_paths, edges, by_paths, rev, fwd in rows:
    assert n_paths == 2 ** n and edges == per_diamond * n
    assert abs(by_paths - rev) <= 1e-12 * max(1, abs(rev)) >= abs(rev - fwd)
print(f"{per_diamond:.0f} edges per diamond: at 40 diamonds {2 ** 40:,} paths, "
      f"{per_diamond * 40:.0f} edges")

# %% [markdown]
# The literal sum over the 4,096 paths of 12 diamonds gives the same number as one backward
# sweep and one forward sweep, each of which touches every edge once. The modes differ in
# **where** they factor (forward mode from the inputs' side, reverse mode from the output's),
# which is the $n$-inputs-against-$m$-outputs question above, never in the exponential.
#
# ## Reverse mode's memory: the forward graph must be kept
#
# Forward mode carries each tangent along with its value, so the intermediate results can be
# forgotten as soon as they are used. Reverse mode walks the graph *backwards*, after the
# forward pass: every intermediate node, with its local gradients, must still be there. We
# measure it with Python's `tracemalloc` on a chain of 20,000 `tanh` ops: forward only under
# `no_grad()` (nothing recorded), a forward-mode sweep by hand (value and tangent, floats
# only), and the recorded forward pass that `backward()` needs.

# %%
import math
import tracemalloc

N = 20_000
def chain(v):
    for _ in range(N):
        v = (v * 0.999).tanh()
    return v

def peak_kib(fn):
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024, result

def forward_mode_by_hand():
    v, dv = 0.5, 1.0
    for _ in range(N):
        t = math.tanh(v * 0.999)
        v, dv = t, (1 - t * t) * 0.999 * dv        # the tangent travels with the value
    return dv

def reverse_mode():
    x = Value(0.5)
    out = chain(x)                                 # the whole graph is alive here ...
    nodes = len(ac.topological_order(out))
    out.backward()                                 # ... because backward walks it
    return nodes, x.grad

def no_graph():
    with ac.no_grad():
        return chain(Value(0.5)).data

mem_plain, _ = peak_kib(no_graph)
mem_fwd, d_fwd = peak_kib(forward_mode_by_hand)
mem_rev, (nodes, d_rev) = peak_kib(reverse_mode)
small = lambda kib: "under 10" if kib < 10 else f"{kib:.0f}"   # a few objects: varies a little
print(f"forward only (no_grad):  peak {small(mem_plain):>8} KiB")
print(f"forward mode by hand:    peak {small(mem_fwd):>8} KiB   derivative {d_fwd:.6e}")
print(f"reverse mode:            peak {round(mem_rev, -3):8.0f} KiB   derivative {d_rev:.6e}  "
      f"({nodes:,} nodes kept, about {round(mem_rev * 1024 / nodes, -1):.0f} bytes each)")
assert abs(d_fwd - d_rev) < 1e-12 * abs(d_rev) and nodes == 2 * N + 1
assert mem_plain < 10 and mem_fwd < 10 and mem_rev > 1000

# %% [markdown]
# The recorded forward pass holds all 40,001 nodes (a multiply and a tanh per step, and the
# input) until `backward()` has walked them: memory grows with the length of the computation,
# while the other two runs keep a handful of numbers. This is the price of reverse mode's one
# sweep for all inputs; deep-learning frameworks pay it (activations are most of a training
# step's memory) and trade it back with tricks such as recomputing parts of the forward pass
# (checkpointing).
#
# ## Both at once: Hessian-vector products
#
# Second derivatives combine the two. `ac.hvp(f, primals, v)` builds the gradient as a graph
# (reverse mode with `create_graph=True`) and then runs one forward sweep over it along $v$:
# the Hessian times $v$, without ever forming the $n \times n$ Hessian. For
# $g(x, y) = x^2 y + y^3$ the Hessian is $\begin{pmatrix} 2y & 2x \\ 2x & 6y\end{pmatrix}$;
# at $(1, 2)$ along $v = (1, 0)$ that is $(4, 2)$.

# %%
def g2(x, y):
    return x * x * y + y ** 3

value, hv = ac.hvp(g2, [1.0, 2.0], [1.0, 0.0])
print(f"g = {value}, H v = {hv}")
assert value == 10.0 and hv == [4.0, 2.0]
_, hv2 = ac.hvp(g2, [1.0, 2.0], [0.0, 1.0])
print(f"along (0, 1): H v = {hv2} (2x = 2, 6y = 12)")
assert hv2 == [2.0, 12.0]

# %% [markdown]
# ## Your turn

# %%
from exercises import check, hint, solution

# %% [markdown]
# **1.** The network of lesson 10 has 1,153 parameters. How many forward-mode sweeps does one
# gradient of its loss take?

# %%
answer = ...
check("11.sweeps", answer);

# %% [markdown]
# **2.** Forward mode by hand: $f = (x + y)z$ at $(-2, 5, -4)$ along the direction
# $(\dot x, \dot y, \dot z) = (0, 1, 1)$. What is $\dot f$?

# %%
answer = ...
check("11.tangent", answer);

# %% [markdown]
# **3.** Write the forward-mode rule for a product: given $a$, its tangent $\dot a$, $b$ and
# $\dot b$, return the tangent of $a \cdot b$.

# %%
def mul_tangent(a, da, b, db):
    return ...

check("11.mul_tangent", mul_tangent);

# %% [markdown]
# **4.** A renderer maps 3 camera parameters to 1,000,000 pixel values, and you want every
# pixel's derivative with respect to the camera. `'forward'` or `'reverse'` mode?

# %%
answer = ...
check("11.which_mode", answer);

# %% [markdown]
# **5.** A chain of 20 diamonds, as in the section on paths: how many paths lead from the input
# to the output?

# %%
answer = ...
check("11.paths", answer);

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
# # 1. The chain rule, one node at a time
#
# Backpropagation is nothing more than the chain rule applied node by node, from the output back
# to the inputs. At every node we multiply two numbers:
#
# * the **upstream gradient**: how much the final output changes when this node's output changes;
# * the **local gradient**: how much this node's output changes when one of its inputs changes.
#
# Their product is the gradient the node *sends* to that input. Let us do the lecture's example,
# $f(x, y, z) = (x + y)\,z$ at $x=-2,\ y=5,\ z=-4$, first by hand and then with the engine.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %% [markdown]
# ## Forward pass
#
# We name the intermediate node $q = x + y$, so $f = q \cdot z$.

# %%
x, y, z = -2.0, 5.0, -4.0
q = x + y          # 3
f = q * z          # -12
print(f"q = {q}, f = {f}")

# %% [markdown]
# ## Local gradients
#
# Each node only knows its own little formula:
#
# * $q = x + y$: $\;\partial q/\partial x = 1,\ \partial q/\partial y = 1$
#   (addition hands the gradient through unchanged);
# * $f = q z$: $\;\partial f/\partial q = z = -4,\ \partial f/\partial z = q = 3$
#   (multiplication swaps its inputs).
#
# ## Upstream × local, by hand
#
# We start at the output with $\partial f/\partial f = 1$ and walk backwards.

# %%
df_df = 1.0
df_dq = df_df * z          # upstream 1  x local z   = -4
df_dz = df_df * q          # upstream 1  x local q   =  3
df_dx = df_dq * 1.0        # upstream -4 x local 1   = -4
df_dy = df_dq * 1.0        # upstream -4 x local 1   = -4
print(f"df/dx = {df_dx}, df/dy = {df_dy}, df/dz = {df_dz}")

# %% [markdown]
# ## The same with the engine
#
# A `Value` remembers which values made it and the local gradient to each of them. Here is the
# graph *before* `backward()`: every gradient still reads `grad ?`.

# %%
xv, yv, zv = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qv = xv + yv; qv.label = 'q'
fv = qv * zv; fv.label = 'f'
viz.draw_graph(fv)

# %% [markdown]
# Now `backward()` runs the loop we did by hand: in reverse topological order,
# `parent.grad += local * node.grad`. Every edge of the picture shows *local × upstream = sent*.

# %%
fv.backward()
viz.draw_graph(fv)

# %%
print(f"f = {fv.data}; grads x, y, z = {xv.grad}, {yv.grad}, {zv.grad}; q.grad = {qv.grad}")
assert fv.data == -12
assert (xv.grad, yv.grad, zv.grad) == (-4, -4, 3)
assert (xv.grad, yv.grad, zv.grad) == (df_dx, df_dy, df_dz)   # the engine agrees with our hand work

# %% [markdown]
# ## Step by step
#
# `viz.steps_table` prints the backward pass as a table: one row per edge, in the order the
# engine visits the nodes. Compare each row with the hand computation above.

# %%
print(viz.steps_table(fv))

# %% [markdown]
# In a live notebook, `viz.step_slider` lets you drag through the same steps and watch the
# gradients appear on the graph one node at a time (on GitHub you will see only the widget's
# placeholder; run the notebook to play with it).

# %%
viz.step_slider(fv)

# %% [markdown]
# ## Checking gradients with finite differences
#
# How do we know the engine is right? Nudge each input by a tiny $h$ and watch the output:
# $\frac{f(x+h) - f(x-h)}{2h}$ approximates the derivative. `ac.check_grads` does this for every
# input and raises if the two disagree.

# %%
pairs = ac.check_grads(lambda x, y, z: (x + y) * z, [-2.0, 5.0, -4.0])
for name, (engine, numeric) in zip('xyz', pairs):
    print(f"d f/d{name}: engine {engine:+.6f}   central difference {numeric:+.6f}")
assert np.allclose([p[0] for p in pairs], [p[1] for p in pairs], atol=1e-6)

# %% [markdown]
# ## A tanh neuron
#
# A neuron is the same story with more nodes: $n = x_1 w_1 + x_2 w_2 + b$, $o = \tanh(n)$.
# With $x=(2, 0)$, $w=(-3, 1)$ and $b = 6.8814$ the neuron's output is about $0.7071$.
#
# By hand: $\frac{d}{dn}\tanh(n) = 1 - \tanh(n)^2 = 1 - o^2$, and then upstream × local
# through the sum and the products.

# %%
import math
x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + b
o = math.tanh(n)
do_dn = 1 - o ** 2                  # local gradient of tanh, upstream is 1
hand = {'x1': w1 * do_dn, 'w1': x1 * do_dn, 'x2': w2 * do_dn, 'w2': x2 * do_dn, 'b': do_dn}
print(f"o = {o:.4f}, do/dn = {do_dn:.4f}")
print({k: round(v, 4) for k, v in hand.items()})

# %%
X1, X2 = Value(x1, label='x1'), Value(x2, label='x2')
W1, W2, B = Value(w1, label='w1'), Value(w2, label='w2'), Value(b, label='b')
N = X1 * W1 + X2 * W2 + B; N.label = 'n'
O = N.tanh(); O.label = 'o'
O.backward()
engine = {'x1': X1.grad, 'w1': W1.grad, 'x2': X2.grad, 'w2': W2.grad, 'b': B.grad}
print({k: round(v, 4) for k, v in engine.items()})
assert abs(O.data - 0.7071) < 1e-4
assert all(abs(engine[k] - hand[k]) < 1e-12 for k in hand)
assert abs(W1.grad - 1.0) < 1e-9 and abs(X1.grad + 1.5) < 1e-9
viz.draw_graph(O)

# %% [markdown]
# **Takeaway.** Every gradient in a network, however big, is a product of local gradients along
# paths from the output, summed over paths. The engine only automates the bookkeeping.

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
# # 8. Coming from Karpathy's micrograd lecture
#
# If you watched [*The spelled-out intro to neural networks and backpropagation: building
# micrograd*](https://www.youtube.com/watch?v=VMj-3S1tku0), everything here will look
# familiar. This lesson maps the lecture onto the project, runs the lecture's examples with
# the same numbers, and explains the one place where copying the lecture's code verbatim
# behaves differently: the default activation.
#
# | in the lecture | here |
# |---|---|
# | `from micrograd.engine import Value` | `from autograd_core import Value` |
# | `Value(2.0, label='a')` | the same (`label=` is shown in the graph pictures) |
# | `draw_dot(L)` | `viz.draw_dot(L)` (= `viz.draw_graph`), edges show local × upstream |
# | `o._backward()`, one node at a time | `o._backward()`, the same |
# | `o.backward()`: topological sort, then `_backward()` in reverse | the same result, computed by an iterative loop (lesson 7) |
# | `from micrograd.nn import MLP`; `MLP(3, [4, 4, 1])` | `nn.MLP(3, [4, 4, 1])` |
# | the lecture's own MLP: **tanh** everywhere | `nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh")` |
# | micrograd's (and this package's) default | ReLU hidden layers, linear output |
# | `p.grad = 0.0` before `backward()` | `model.zero_grad()` (or the lecture's loop, unchanged) |

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value, no_grad
import nn
import viz
from viz.plots import POSITIVE, NEGATIVE
from exercises import check, hint, solution

# %% [markdown]
# ## `label=` and `draw_dot`
#
# The lecture's first expression: $L = (a b + c) f$.

# %%
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a * b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
print(L)
assert L.data == -8.0
viz.draw_dot(L, rankdir='TB')

# %% [markdown]
# ## `_backward()`, one node at a time
#
# In the lecture each node gets a `_backward` closure, and we first call them by hand, from
# the output back. Here `_backward()` is a method that reads the node's stored local
# gradients (no closure, so no reference cycles: lesson 7), but it is called the same way:

# %%
L.grad = 1.0
for node in [L, d, e]:                 # the lecture's order: output first
    node._backward()
    print(f"after {node.label}._backward(): " +
          ", ".join(f"{v.label}.grad = {v.grad:g}" for v in [d, f, e, c, a, b]))
by_hand = {v.label: v.grad for v in [a, b, c, d, e, f]}
assert by_hand == {'a': 6.0, 'b': -4.0, 'c': -2.0, 'd': -2.0, 'e': -2.0, 'f': 4.0}

# %% [markdown]
# `backward()` does the same for every node in reverse topological order and gives the same
# gradients (the graph now shows them on every edge):

# %%
for v in [a, b, c, f]:
    v.grad = 0.0
L.backward()
assert {v.label: v.grad for v in [a, b, c, d, e, f]} == by_hand
viz.draw_dot(L, rankdir='TB')

# %% [markdown]
# ## The lecture's neuron
#
# $o = \tanh(x_1 w_1 + x_2 w_2 + b)$ with $x = (2, 0)$, $w = (-3, 1)$, $b = 6.8813735870195432$:
# $o = 0.7071$ and the gradients the lecture derives by hand.

# %%
x1, x2 = Value(2.0, label='x1'), Value(0.0, label='x2')
w1, w2 = Value(-3.0, label='w1'), Value(1.0, label='w2')
bn = Value(6.8813735870195432, label='b')
n = x1 * w1 + x2 * w2 + bn; n.label = 'n'
o = n.tanh(); o.label = 'o'
o.backward()
print(f"o = {o.data:.4f}; x1.grad = {x1.grad:.2f}, w1.grad = {w1.grad:.2f}, "
      f"x2.grad = {x2.grad:.2f}, w2.grad = {w2.grad:.2f}")
assert round(o.data, 4) == 0.7071
assert [round(v.grad, 6) for v in (x1, w1, x2, w2)] == [-1.5, 1.0, 0.5, 0.0]

# %% [markdown]
# ## The lecture's MLP and training loop
#
# Four examples with three inputs each and targets $\pm 1$; the network `MLP(3, [4, 4, 1])`
# with **tanh** everywhere, as the lecture builds it; the loss is the sum of squared errors; 20
# steps of the lecture's loop with its learning rate 0.1 (`p.data += -0.1 * p.grad`).

# %%
xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]

def lecture_loop(model, steps=20, lr=0.1):
    losses = []
    for k in range(steps):
        ypred = [model(x) for x in xs]                               # forward
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in model.parameters():                                 # zero the gradients
            p.grad = 0.0
        loss.backward()                                              # backward
        for p in model.parameters():                                 # update
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses

tanh_mlp = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
tanh_losses = lecture_loop(tanh_mlp)
print("loss every 5 steps:", [round(l, 4) for l in tanh_losses[::5]], "->", round(tanh_losses[-1], 4))
print("predictions:", [round(tanh_mlp(x).data, 3) for x in xs], " targets:", ys)
assert tanh_losses[-1] < 0.1 and tanh_losses[-1] < tanh_losses[0] / 10

# %% [markdown]
# ## The same loop with the package's default: stuck
#
# `nn.MLP(3, [4, 4, 1])` without arguments means **ReLU** hidden layers and a linear output
# (micrograd's own `MLP` default too; the lecture switched to tanh for its demo). Run the
# lecture's loop on it unchanged:

# %%
relu_mlp = nn.MLP(3, [4, 4, 1], seed=0)
print(relu_mlp)
relu_losses = lecture_loop(relu_mlp)
print("loss every 5 steps:", [round(l, 4) for l in relu_losses[::5]], "->", round(relu_losses[-1], 4))
print("predictions:", [round(relu_mlp(x).data, 3) + 0.0 for x in xs])
assert abs(relu_losses[-1] - 4.0) < 1e-6 and relu_losses[0] > 5 * tanh_losses[0]

# %% [markdown]
# The loss ends at exactly 4 and the network says the same number for every input. Why? We
# count the **dead** units: ReLU units whose output is 0 on all four examples.

# %%
def hidden_outputs(model):
    """ReLU outputs of every hidden unit (rows: examples, columns: units), per layer."""
    tables = []
    with no_grad():
        for layer_index in range(len(model.layers) - 1):
            rows = []
            for x in xs:
                h = x
                for layer in model.layers[:layer_index + 1]:
                    h = [v.data for v in layer(h)]
                rows.append(h)
            tables.append(np.array(rows))
    return tables

def dead_units(model):
    return [int((t.max(axis=0) <= 0).sum()) for t in hidden_outputs(model)]

for k, t in enumerate(hidden_outputs(relu_mlp), start=1):
    print(f"hidden layer {k} outputs (rows: examples):\n{np.round(t, 3)}")
print("dead units per hidden layer:", dead_units(relu_mlp), "of", [4, 4])
assert dead_units(relu_mlp) == [4, 4]

# %% [markdown]
# Every hidden unit is dead. A dead unit outputs 0 and its local gradient is $\mathrm{relu}'
# = 0$, so no gradient reaches its weights ever again: nothing can revive it (lesson 2). With
# a whole layer dead the output is just the output neuron's bias, the same for every input, and
# the loop can only move that bias to the mean target, 0: the loss is then
# $\sum y^2 = 4$. How the units died: the inputs are not standardised (up to 3), the default
# uniform initialisation makes the first outputs large (the first loss is far above tanh's),
# and the first big gradient steps push every unit's input below zero on all four examples.
# With only four examples, "negative on all of them" happens easily.
#
# It is not bad luck with one seed. Twenty seeds of each:

# %%
rows = []
for seed in range(20):
    t_model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=seed)
    r_model = nn.MLP(3, [4, 4, 1], seed=seed)
    t_final = lecture_loop(t_model)[-1]
    r_final = lecture_loop(r_model)[-1]
    rows.append((seed, t_final, r_final, sum(dead_units(r_model))))
t_finals = np.array([r[1] for r in rows]); r_finals = np.array([r[2] for r in rows])
dead = np.array([r[3] for r in rows])
print(f"tanh (the lecture):  final loss below 0.1 for {int((t_finals < 0.1).sum())} of 20 seeds")
print(f"ReLU (the default):  final loss above 1 for {int((r_finals > 1).sum())} of 20 seeds, "
      f"stuck at exactly 4 for {int((np.abs(r_finals - 4) < 1e-6).sum())}; "
      f"dead units on average {dead.mean():.1f} of 8")
assert (t_finals < 0.1).all() and (r_finals > 1).sum() >= 10 and dead.mean() >= 3

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(range(1, 21), tanh_losses, '-o', ms=3, color=POSITIVE, label='tanh MLP (the lecture)')
ax.plot(range(1, 21), relu_losses, '-o', ms=3, color=NEGATIVE, label='ReLU default: stuck at 4')
ax.set_yscale('log'); ax.set_xlabel('step'); ax.set_ylabel('sum of squared errors')
ax.legend(); ax.grid(alpha=0.3); ax.set_title('the lecture loop, seed 0')
plt.show()

# %% [markdown]
# So: to follow the lecture, write the activation it uses,
# `nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh")`. The ReLU default is
# the better choice for real data sets (standardised inputs, many examples, small learning
# rates: lessons 4 and 6), not for four raw examples and 20 large steps.
#
# ## Your turn
#
# **1.** One `loss.backward()` leaves `w.grad = 1.5`. You forget to zero the gradients and
# call `loss.backward()` again on the same graph. What is `w.grad`?

# %%
answer = ...
check("08.no_zero_grad", answer);

# %% [markdown]
# **2.** ReLU outputs of four hidden units (columns) on the lecture's four examples (rows).
# How many units are dead?

# %%
from exercises.lesson_08 import TABLE
print(np.array(TABLE))
answer = ...
check("08.dead_units", answer);

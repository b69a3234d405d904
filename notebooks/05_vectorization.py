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
# # 5. Vectorization: the same gradients, much faster
#
# The lecture's two-layer network is written with numpy matrices: examples are the *columns* of
# $X$, a layer is a matrix product, and backprop is a handful of matrix formulas:
#
# $$dZ^{[2]} = A^{[2]} - Y,\quad dW^{[2]} = \tfrac1m dZ^{[2]} A^{[1]T},\quad
# db^{[2]} = \tfrac1m \textstyle\sum dZ^{[2]},$$
# $$dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot (1 - A^{[1]2}),\quad dW^{[1]} = \tfrac1m dZ^{[1]} X^T,\quad
# db^{[1]} = \tfrac1m \textstyle\sum dZ^{[1]}.$$
#
# (tanh hidden layer, sigmoid output, binary cross-entropy.) Our scalar engine derives the same
# numbers node by node. Let's check that they are **identical**, and time both.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %%
import time
rng = np.random.default_rng(0)
n_x, n_h, m = 2, 4, 200
X = rng.normal(size=(n_x, m))                       # columns are examples, as in the lecture
Y = (X[0:1] * X[1:2] > 0).astype(float)             # shape (1, m)
W1 = rng.normal(size=(n_h, n_x)) * 0.5; b1 = np.zeros((n_h, 1))
W2 = rng.normal(size=(1, n_h)) * 0.5;   b2 = np.zeros((1, 1))


# %% [markdown]
# ## The lecture's numpy network

# %%
def forward_propagation(X):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A1, A2

def compute_cost(A2, Y):
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))

def backward_propagation(X, Y):
    A1, A2 = forward_propagation(X)
    dZ2 = A2 - Y
    dW2 = (1 / m) * dZ2 @ A1.T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}

cost_np = compute_cost(forward_propagation(X)[1], Y)
grads_np = backward_propagation(X, Y)
print(f"cost {cost_np:.6f}")


# %% [markdown]
# ## The same network as scalar Values
#
# Every weight is a `Value`; each example builds its own little graph; the cost is the mean of
# the per-example cross-entropies. No derivative is written by hand.

# %%
def values(a, name):
    return [[Value(float(a[i, j]), label=f'{name}{i}{j}') for j in range(a.shape[1])]
            for i in range(a.shape[0])]

VW1, Vb1, VW2, Vb2 = values(W1, 'W1'), values(b1, 'b1'), values(W2, 'W2'), values(b2, 'b2')
params = [p for mat in (VW1, Vb1, VW2, Vb2) for row in mat for p in row]

def example_loss(x, y):
    a1 = [sum((VW1[i][j] * x[j] for j in range(n_x)), Vb1[i][0]).tanh() for i in range(n_h)]
    a2 = sum((VW2[0][i] * a1[i] for i in range(n_h)), Vb2[0][0]).sigmoid()
    return -(y * a2.log() + (1 - y) * (1 - a2).log())

def scalar_backward():
    for p in params:
        p.grad = 0.0
    cost = sum(example_loss(X[:, k].tolist(), float(Y[0, k])) for k in range(m)) * (1 / m)
    cost.backward()
    return cost

cost_v = scalar_backward()
grads_v = {name: np.array([[p.grad for p in row] for row in mat])
           for name, mat in [('dW1', VW1), ('db1', Vb1), ('dW2', VW2), ('db2', Vb2)]}
print(f"cost numpy {cost_np:.12f}  engine {cost_v.data:.12f}")
for k in grads_np:
    print(k, np.abs(grads_np[k] - grads_v[k]).max())
assert abs(cost_np - cost_v.data) < 1e-12
assert all(np.allclose(grads_np[k], grads_v[k], rtol=1e-10, atol=1e-14) for k in grads_np)

# %% [markdown]
# ## The engine, compiled
#
# `ac.compile` traces `example_loss` for **one** example and replays the graph over all $m$
# columns at once with numpy, grouping the nodes of each layer into one array operation. The
# batch loss is the mean of the per-example losses, exactly our cost.

# %%
prog = ac.compile(example_loss, n_x, (), params=params)
print(prog)
print(prog.describe())
cost_c, g = prog.value_and_grad(X.T, Y[0])
grads_c = dict(zip(['W1', 'b1', 'W2', 'b2'], [None] * 4))
theta_grad = dict(zip(map(id, prog.parameters), g))
grads_c = {name: np.array([[theta_grad[id(p)] for p in row] for row in mat])
           for name, mat in [('dW1', VW1), ('db1', Vb1), ('dW2', VW2), ('db2', Vb2)]}
assert abs(cost_c - cost_np) < 1e-12
assert all(np.allclose(grads_np[k], grads_c[k], rtol=1e-10, atol=1e-14) for k in grads_np)


# %% [markdown]
# ## Timing

# %%
def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return min(times)

t_np = best_of(lambda: backward_propagation(X, Y))
t_scalar = best_of(scalar_backward, repeat=3)
t_comp = best_of(lambda: prog.value_and_grad(X.T, Y[0]))
print(f"numpy by hand     {t_np * 1e3:8.3f} ms")
print(f"scalar engine     {t_scalar * 1e3:8.3f} ms   ({t_scalar / t_np:,.0f}x numpy)")
print(f"compiled engine   {t_comp * 1e3:8.3f} ms   ({t_comp / t_np:,.1f}x numpy)")
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(['numpy', 'compiled', 'scalar'], [t_np * 1e3, t_comp * 1e3, t_scalar * 1e3])
ax.set_xscale('log'); ax.set_xlabel('ms per forward+backward (log scale)'); plt.tight_layout()
assert t_comp < t_scalar

# %% [markdown]
# The scalar engine is slow because it makes one Python object per operation per example: great
# for looking at, poor for speed. Vectorising, by hand or with `compile`, keeps the arithmetic
# identical and hands the loops to numpy.

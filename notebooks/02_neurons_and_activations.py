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
# # 2. Neurons and activation functions
#
# A single neuron computes a weighted sum of its inputs plus a bias and passes it through an
# **activation function**: $a = \sigma(w \cdot x + b)$. With the sigmoid
# $\sigma(z) = 1/(1+e^{-z})$ this is exactly **logistic regression**: the output is a probability.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %%
# a neuron as logistic regression, built from Values
w = [Value(2.0, label='w1'), Value(-1.0, label='w2')]
b = Value(-0.5, label='b')
x = [1.0, 0.5]
z = w[0] * x[0] + w[1] * x[1] + b
p = z.sigmoid(); p.label = 'p'
print(f"z = {z.data}, P(class 1) = {p.data:.4f}")
assert abs(p.data - 1 / (1 + np.exp(-1.0))) < 1e-12

# %% [markdown]
# ## Activation functions and their derivatives
#
# The derivative matters as much as the function: it is the *local gradient* every backward
# pass multiplies by. Solid lines are the functions, dashed lines their derivatives.

# %%
viz.plot_activations()

# %% [markdown]
# ## Sigmoid saturates, ReLU can die
#
# The sigmoid's derivative $\sigma(z)(1-\sigma(z))$ is at most 0.25 (at $z=0$) and almost
# zero for large $|z|$: at $z = 10$ it is about $4.5 \times 10^{-5}$, so a saturated neuron
# passes almost no gradient back and learns very slowly.
#
# ReLU's derivative is exactly 1 for $z > 0$ but exactly 0 for $z < 0$: a neuron whose input
# is negative for *every* example gets zero gradient forever: it is "dead".

# %%
for zval in [0.0, 2.0, 10.0]:
    v = Value(zval); s = v.sigmoid(); s.backward()
    print(f"sigmoid'({zval:>4}) = {v.grad:.2e}")
v = Value(-3.0); r = v.relu(); r.backward()
print(f"relu'(-3) = {v.grad}  (no gradient: a dead unit stays dead)")
sig10 = Value(10.0); sig10.sigmoid().backward()
assert abs(sig10.grad - 4.54e-5) < 1e-7 and v.grad == 0.0

# %% [markdown]
# ## The lecture's toy network
#
# Input $[1, -1]^T$, first layer $W = \begin{bmatrix}1 & -2\\ -1 & 1\end{bmatrix}$,
# $b = [1, 0]^T$, sigmoid activation:
# $\sigma(Wx + b) = \sigma([4, -2]^T) = [0.98, 0.12]^T$. Let's rebuild it with Values.

# %%
xin = [Value(1.0, label='x1'), Value(-1.0, label='x2')]
W = [[Value(1.0), Value(-2.0)], [Value(-1.0), Value(1.0)]]
bias = [Value(1.0), Value(0.0)]
pre = [sum((W[i][j] * xin[j] for j in range(2)), bias[i]) for i in range(2)]
a1 = [zi.sigmoid() for zi in pre]
print("W x + b =", [zi.data for zi in pre])
print("a1      =", [round(ai.data, 2) for ai in a1])
assert [zi.data for zi in pre] == [4.0, -2.0]
assert [round(ai.data, 2) for ai in a1] == [0.98, 0.12]

# %% [markdown]
# Gradients flow through this little layer too: ask for $\partial (a_1 + a_2)/\partial W$.
# Notice how the saturated first unit ($a=0.98$) passes a much smaller gradient than the second.

# %%
out = a1[0] + a1[1]
out.backward()
print("dout/dW =", [[round(W[i][j].grad, 4) for j in range(2)] for i in range(2)])
viz.draw_graph(out)


# %% [markdown]
# ## The forward/backward gate API
#
# The lecture describes each operation as a **gate** with a `forward` that remembers its inputs
# and a `backward` that turns the upstream gradient into one gradient per input. Our engine lets
# you write such a gate yourself by subclassing `autograd_core.Function`:

# %%
class MultiplyGate(ac.Function):
    def forward(self, x, y):
        self.x, self.y = x, y          # must keep these around!
        return x * y

    def backward(self, dz):
        dx = self.y * dz               # dz/dx * dL/dz
        dy = self.x * dz               # dz/dy * dL/dz
        return dx, dy

xg, yg, zg = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qg = xg + yg
fg = MultiplyGate.apply(qg, zg)
fg.backward()
print(f"f = {fg.data}, grads = {xg.grad}, {yg.grad}, {zg.grad}")
assert fg.data == -12 and (xg.grad, yg.grad, zg.grad) == (-4, -4, 3)

# %% [markdown]
# The hand-written gate plugs into the graph like any built-in op and gives the same chain-rule
# answer as in lesson 1.

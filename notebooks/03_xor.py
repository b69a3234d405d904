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
# # 3. XOR: why we need hidden layers
#
# XOR is the classic problem no straight line can solve: $(0,0)$ and $(1,1)$ are class 0,
# $(0,1)$ and $(1,0)$ class 1. A linear model draws one line, and any line gets at least one of the
# four points wrong.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %%
X, y = nn.data.xor()
print(X, y)

# %% [markdown]
# ## Logistic regression fails
#
# One sigmoid neuron (logistic regression), trained with binary cross-entropy.

# %%
logreg = nn.MLP(2, [1], output_activation='sigmoid', seed=0)
hist_lr = nn.fit(logreg, X, y, loss='bce', optimizer=nn.SGD(logreg, lr=0.5), epochs=300,
                 progress=False)
acc_lr = nn.accuracy(logreg.predict(X), y, threshold=0.5)
print(f"final loss {hist_lr.history['loss'][-1]:.4f}, accuracy {acc_lr}")
assert acc_lr <= 0.75

# %%
viz.plot_decision_boundary(logreg, X, y, threshold=0.5, title='logistic regression: one line')

# %% [markdown]
# The best it can do is put the line somewhere and give up on the rest: its loss stays near
# $\ln 2 \approx 0.69$, the loss of predicting 0.5 everywhere.
#
# ## A hidden layer solves it
#
# Four tanh units give the network four "half-plane detectors" it can combine; the output neuron
# then carves out the XOR pattern.

# %%
model = nn.MLP(2, [4, 1], activation='tanh', init='xavier', seed=0)
history = nn.fit(model, X, y, loss='mse', optimizer=nn.SGD(model, lr=0.1, momentum=0.9),
                 epochs=500, progress=False)
pred = model.predict(X)
mse = float(np.mean((pred - y) ** 2))
print("predictions:", np.round(pred, 3), f" MSE: {mse:.2e}")
assert mse < 0.01
assert nn.accuracy(pred, y, threshold=0.5) == 1.0

# %%
viz.plot_decision_boundary(model, X, y, threshold=0.5, title='MLP 2-4-1 (tanh)')

# %%
viz.draw_network(model, input_names=['x1', 'x2'], output_names=['xor'], show_weights=True)

# %%
viz.plot_history(history, log_loss=True)

# %% [markdown]
# ## Cross-entropy, by hand
#
# For classification we usually prefer binary cross-entropy,
# $L(\hat y, y) = -\left(y \log \hat y + (1-y) \log(1-\hat y)\right)$.
# The lecture's example: the model says $\hat y = 0.45$ but the truth is $y = 1$.

# %%
y_hat, y_true = 0.45, 1.0
by_hand = -(y_true * np.log(y_hat) + (1 - y_true) * np.log(1 - y_hat))
engine = nn.binary_cross_entropy([Value(y_hat)], [y_true]).data
print(f"by hand {by_hand:.6f}, engine {engine:.6f}")
assert round(by_hand, 6) == 0.798508
assert round(engine, 6) == 0.798508

# %% [markdown]
# A confident wrong answer costs much more: at $\hat y = 0.01$ the loss is $-\ln 0.01 \approx 4.6$.
# That steep penalty is why cross-entropy trains classifiers faster than squared error.

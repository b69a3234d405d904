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
# XOR is the classic problem no straight line can solve (deck 002): $(0,0)$ and $(1,1)$ are
# class 0, $(0,1)$ and $(1,0)$ class 1. A linear model draws one line, and any line gets at
# least one of the four points wrong. Colours as everywhere in the course: **orange = class 0,
# blue = class 1**.

# %%
# %matplotlib inline
import itertools
import math
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
from exercises import check, hint, solution

# %%
X, y = nn.data.xor()
for xi, yi in zip(X, y):
    print(xi, '->', int(yi))

# %% [markdown]
# ## Logistic regression on XOR: what actually happens
#
# One sigmoid neuron (logistic regression), trained with binary cross-entropy and plain SGD.
# Watch the weights.

# %%
logreg = nn.MLP(2, [1], output_activation='sigmoid', seed=0)
hist_lr = nn.fit(logreg, X, y, loss='bce', optimizer=nn.SGD(logreg, lr=0.5), epochs=300,
                 progress=False)
neuron = logreg.layers[0].neurons[0]
w_fit = [w.data for w in neuron.w]
b_fit = neuron.b.data
p_fit = logreg.predict(X).ravel()
loss_fit = hist_lr.history['loss'][-1]
print(f"weights w1 = {w_fit[0]:+.4f}, w2 = {w_fit[1]:+.4f}, bias b = {b_fit:+.4f}")
print("P(class 1) on the four points:", np.round(p_fit, 4))
print(f"final loss {loss_fit:.6f};  ln 2 = {math.log(2):.6f}")
assert max(abs(w) for w in w_fit) < 0.01 and abs(b_fit) < 0.01
assert np.all(np.abs(p_fit - 0.5) < 0.001)
assert abs(loss_fit - math.log(2)) < 1e-5

# %% [markdown]
# It does not draw "some line and give up on a point": it shrinks **every weight towards 0**
# and predicts $p = 0.5$ everywhere, with loss $\ln 2 \approx 0.6931$. That *is* the optimum.
# At $w = 0, b = 0$ the gradient of the mean cross-entropy,
# $\partial L/\partial w_j = \frac{1}{4}\sum (p - y)\,x_j$, is exactly zero (each input is 1 on
# one point of each class), and the loss is convex in $(w, b)$, so no other setting does
# better. The engine confirms the zero gradient:

# %%
wz = [Value(0.0, label='w1'), Value(0.0, label='w2')]
bz = Value(0.0, label='b')
preds = [(wz[0] * x1 + wz[1] * x2 + bz).sigmoid() for x1, x2 in X]
loss0 = nn.binary_cross_entropy(preds, list(y))
loss0.backward()
print(f"at w = 0, b = 0: loss {loss0.data:.6f}, gradient (w1, w2, b) = "
      f"({wz[0].grad}, {wz[1].grad}, {bz.grad})")
assert abs(loss0.data - math.log(2)) < 1e-12 and (wz[0].grad, wz[1].grad, bz.grad) == (0, 0, 0)

# %% [markdown]
# On a fixed 0..1 colour scale the trained model is white everywhere: $p = 0.5$, no decision
# at all (a stretched colour scale would invent a boundary out of differences of 0.0002).

# %%
viz.plot_decision_boundary(logreg, X, y, title=f'logistic regression on XOR: p = 0.5 everywhere')

# %% [markdown]
# ## The best line gets 3 of 4
#
# A line *can* classify three of the four points, for example "class 1 when
# $x_1 + x_2 > 0.5$". Searching over many lines, none does better than 3 of 4:

# %%
best = 0.0
for angle in np.linspace(0, np.pi, 73):
    for offset in np.linspace(-1.5, 1.5, 61):
        score = X @ np.array([np.cos(angle), np.sin(angle)]) - offset
        for sign in (1, -1):
            best = max(best, float(np.mean((sign * score > 0) == (y == 1))))
line_acc = float(np.mean(((X[:, 0] + X[:, 1]) > 0.5) == (y == 1)))
print(f"best accuracy over {73 * 61 * 2} lines: {best};  the line x1 + x2 = 0.5: {line_acc}")
assert best == 0.75 and line_acc == 0.75

# %% [markdown]
# But cross-entropy does not count mistakes, it charges for confidence: a steep sigmoid on that
# line, $p = \sigma(10(x_1 + x_2 - 0.5))$, is nearly right on three points and confidently wrong
# on $(1, 1)$, and its mean loss is far above $\ln 2$. That is why the trained model prefers
# $p = 0.5$ everywhere.

# %%
def steep_line(p):
    return (10 * (Value(p[0]) + Value(p[1]) - 0.5)).sigmoid()

line_loss = nn.binary_cross_entropy([steep_line(p) for p in X], list(y)).data
print(f"mean loss of the steep line: {line_loss:.3f}  >  ln 2 = {math.log(2):.3f}")
assert line_loss > math.log(2)
viz.plot_decision_boundary(steep_line, X, y, title='the best line: 3 of 4, one confident miss')

# %% [markdown]
# ## A feature cross makes XOR linear
#
# Deck 004's feature transform: give the linear model one more input, the product
# $x_1 x_2$. In the space $(x_1, x_2, x_1 x_2)$ the classes *are* linearly separable
# ($x_1 + x_2 - 2x_1x_2$ is 0 for class 0 and 1 for class 1), and the same logistic
# regression learns it.

# %%
X3 = np.column_stack([X, X[:, 0] * X[:, 1]])
logreg3 = nn.MLP(3, [1], output_activation='sigmoid', seed=0)
hist3 = nn.fit(logreg3, X3, y, loss='bce', optimizer=nn.SGD(logreg3, lr=1.0), epochs=300,
               progress=False)
w3 = [w.data for w in logreg3.layers[0].neurons[0].w]
p3 = logreg3.predict(X3).ravel()
print("weights on (x1, x2, x1*x2):", np.round(w3, 2), " bias", round(logreg3.layers[0].neurons[0].b.data, 2))
print("P(class 1):", np.round(p3, 3))
assert nn.accuracy(p3, y, threshold=0.5) == 1.0 and w3[2] < 0
viz.plot_decision_boundary(lambda p: logreg3([p[0], p[1], p[0] * p[1]]), X, y,
                           title='logistic regression on (x1, x2, x1*x2)')

# %% [markdown]
# In the original plane the boundary is curved (a hyperbola): the curve came from the feature,
# the model itself is still one neuron. A neural network learns such features by itself.
#
# ## A hidden layer solves it
#
# Four tanh units give the network four "half-plane detectors" it can combine; the output
# neuron, a sigmoid, then carves out the XOR pattern as a probability between 0 and 1.
# Training runs all 500 epochs; we call XOR solved once the mean squared error is below
# $10^{-3}$, and the loss curve below is drawn up to that epoch and marked there.

# %%
model = nn.MLP(2, [4, 1], activation='tanh', output_activation='sigmoid', init='xavier', seed=0)
history = nn.fit(model, X, y, loss='mse', optimizer=nn.SGD(model, lr=1.0, momentum=0.9),
                 epochs=500, progress=False)
pred = model.predict(X).ravel()
mse = float(np.mean((pred - y) ** 2))
solved = viz.plots.solved_at(history.history['loss'], 1e-3)
print("predictions:", np.round(pred, 3), f" MSE below 1e-3 from epoch {solved} on;"
      f" after all {len(history.history['loss'])} epochs {mse:.1e}")
assert len(history.history['loss']) == 500
assert mse < 1e-3 and solved is not None and solved < 100
assert nn.accuracy(pred, y, threshold=0.5) == 1.0 and 0 < pred.min() and pred.max() < 1

# %%
viz.plot_history(history, log_loss=True, solved_below=1e-3)

# %%
viz.plot_decision_boundary(model, X, y, threshold=0.5,
                           title='MLP 2-4-1 (tanh, sigmoid output): P(class 1)')

# %%
viz.draw_network(model, input_names=['x1', 'x2'], output_names=['xor'], show_weights=True)

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

# %%
print(f"loss at y_hat = 0.01, y = 1: {-math.log(0.01):.2f}")
assert abs(-math.log(0.01) - 4.6) < 0.01

# %% [markdown]
# ## Your turn
#
# **1.** Write one feature $\varphi(x_1, x_2)$ such that a single threshold on it classifies
# all four XOR points.

# %%
def phi(x1, x2):
    return ...

check("03.feature", phi);

# %% [markdown]
# **2.** The mean binary cross-entropy of predicting $p = 0.5$ on all four points?

# %%
answer = ...
check("03.coin_flip_loss", answer);

# %% [markdown]
# **3.** The highest accuracy any straight line reaches on XOR (a number between 0 and 1)?

# %%
answer = ...
check("03.best_line", answer);

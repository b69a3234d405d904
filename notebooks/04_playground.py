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
# # 4. A playground in a notebook
#
# [TensorFlow Playground](https://playground.tensorflow.org) (decks 000, 001 and 004) in a
# notebook: pick a data set and its noise, the input features (including the crosses
# $x_1^2$, $x_2^2$, $x_1 x_2$), the hidden layers, the activation, the **optimizer** (plain SGD
# by default), the learning rate, the batch size and L2; then **play**, **stop**, **step** one
# epoch or **reset**. Half the points train the network, the other half test it: both loss
# curves are drawn. Colours as in the Playground: **blue = class 1 / positive output, orange =
# class 0**, on a fixed 0..1 scale of the predicted probability.
#
# To make this fast the network is not rebuilt as scalar Values for every example:
# `ac.compile` traces the graph of **one** example once and replays it over whole numpy
# batches, the same chain rule, vectorised.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
from IPython.display import display
from playground import Playground, Controls, draw, DATASETS, FEATURES, DEFAULTS
from exercises import check, hint, solution

# %% [markdown]
# The playground's code (data sets, features, training, picture, widgets) lives in
# `notebooks/playground.py`, so that this page is about the network. What it does, in short:
#
# * **data**: 200 points of `circles`, `xor`, `gauss` or `spirals`, standardised; half train the
#   network, half test it;
# * **features**: any of `x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)` feed the network;
# * **loss**: binary cross-entropy on the output logit $z$, written $\mathrm{softplus}(z) - t z$
#   (the stable form of $-t\log\sigma(z) - (1-t)\log(1-\sigma(z))$), plus
#   $\frac{\lambda}{2}\sum w^2$ over the weights when L2 is on;
# * **training**: `Playground(...).step(n)` runs $n$ epochs of minibatches with the chosen
#   optimizer and records the mean train and test losses after each epoch.
#
# The settings and their defaults:

# %%
print(DEFAULTS)
print("data sets:", list(DATASETS), "| features:", list(FEATURES))

# %% [markdown]
# ## The controls
#
# Change a control and the network resets with the new settings. **play** trains until you
# press **stop** (or until the training loss is under 0.02: solved); **step** trains one
# epoch. The picture: left, train (solid) and test (dashed) loss per epoch; right, the
# predicted probability on a fixed 0..1 scale with the 0.5 boundary in black, training points
# with a black ring, test points with a white ring. On GitHub the widgets are not live: run
# the notebook.

# %%
pg = Playground()
controls = Controls(pg)
display(controls.box)
controls.redraw()

# %% [markdown]
# The buttons can also be pressed from code; the test suite does this to check the controls:
# two **step**s, then a changed control resets the network.

# %%
for _ in range(2):
    controls.step.click()
print(f"after 2 steps: epoch {pg.epoch}, {len(pg.history['loss'])} points on each loss curve")
assert pg.epoch == 2 and len(pg.history['val_loss']) == 2
controls.batch_size.value = 20           # any change resets with the new settings
print(f"after changing the batch size: epoch {pg.epoch}, batch size {pg.settings['batch_size']}")
assert pg.epoch == 0 and pg.settings['batch_size'] == 20
controls.quietly(controls.batch_size, DEFAULTS['batch_size'])   # back to the default
pg.reset(**controls.read());

# %% [markdown]
# ## One run with the defaults
#
# Circles, inputs $x_1, x_2$, two hidden layers of 4 tanh units, plain SGD with learning rate
# 0.03, batches of 10, 100 epochs.

# %%
base = Playground().step(100)
print(f"train loss {base.history['loss'][0]:.3f} -> {base.history['loss'][-1]:.3f}, "
      f"test loss {base.history['val_loss'][-1]:.3f}, test accuracy {base.accuracy():.0%}")
assert base.history['loss'][-1] < base.history['loss'][0] and base.accuracy() >= 0.9
draw(base);

# %% [markdown]
# ## Things to try, checked
#
# Every claim below is computed here from the defaults with only the named change.
#
# **Feature crosses replace hidden layers.** Circles with *no* hidden layer: with $x_1, x_2$
# the model can only draw a line; with $x_1^2, x_2^2$ the line in feature space is a circle.

# %%
flat = Playground(hidden=()).step(100)
squares = Playground(hidden=(), features=('x1^2', 'x2^2')).step(100)
print(f"no hidden layer, features x1, x2:     test accuracy {flat.accuracy():.0%}")
print(f"no hidden layer, features x1^2, x2^2: test accuracy {squares.accuracy():.0%}")
assert flat.accuracy() < 0.6 and squares.accuracy() > 0.95
draw(squares, 'no hidden layer, features x1^2 and x2^2');

# %% [markdown]
# **Sigmoid stalls in deep nets.** Four hidden layers of 4 units: with sigmoid the loss sits at
# $\ln 2 \approx 0.693$ (a coin flip) for all 100 epochs, because every layer multiplies the
# gradient by at most 0.25 (lesson 2); tanh starts moving.

# %%
deep_sig = Playground(hidden=(4, 4, 4, 4), activation='sigmoid').step(100)
deep_tanh = Playground(hidden=(4, 4, 4, 4), activation='tanh').step(100)
print(f"sigmoid: train loss {deep_sig.history['loss'][0]:.3f} -> {deep_sig.history['loss'][-1]:.3f}")
print(f"tanh:    train loss {deep_tanh.history['loss'][0]:.3f} -> {deep_tanh.history['loss'][-1]:.3f}")
assert deep_sig.history['loss'][-1] > 0.68 and deep_tanh.history['loss'][-1] < 0.62

# %% [markdown]
# **Too large a learning rate diverges.** With these defaults (plain SGD, batches of 10,
# cross-entropy) lr = 1 still trains, faster than 0.03; at lr = 3 the loss climbs above where
# it started and the test accuracy collapses; at lr = 10 it jumps to several times its start.

# %%
runs = {lr: Playground(lr=lr).step(100) for lr in [0.03, 1.0, 3.0, 10.0]}
for lr, r in runs.items():
    h = r.history['loss']
    print(f"lr = {lr:>5}: loss starts {h[0]:.3f}, peaks {max(h):.3f}, ends {h[-1]:.3f}; "
          f"test accuracy {r.accuracy():.0%}")
assert runs[1.0].history['loss'][-1] < runs[0.03].history['loss'][-1]
assert max(runs[3.0].history['loss']) > runs[3.0].history['loss'][0] and runs[3.0].accuracy() < 0.75
assert max(runs[10.0].history['loss']) > 4 * runs[10.0].history['loss'][0]
fig, ax = plt.subplots(figsize=(6, 3.2))
for lr, r in runs.items():
    ax.plot(r.history['loss'], label=f'lr = {lr}')
ax.set_yscale('log'); ax.set_xlabel('epoch'); ax.set_ylabel('train loss'); ax.legend(); ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# **Depth on the spirals: faster per epoch, not a necessity.** The same 24 hidden units as one
# layer or as three layers of 8, and one layer of 44 (as many parameters as the three layers:
# 177), all with plain SGD at lr 0.03, test accuracy every 50 epochs:

# %%
spiral_runs = {'one layer of 24': (24,), 'one layer of 44': (44,), 'three layers of 8': (8, 8, 8)}
curves, params = {}, {}
for name, hidden in spiral_runs.items():
    p = Playground(dataset='spirals', hidden=hidden)
    params[name] = p.n_parameters
    curves[name] = [p.step(50).accuracy() for _ in range(6)]
    print(f"{name:18s} ({params[name]:3d} parameters): "
          + " ".join(f"{a:.0%}" for a in curves[name]) + "  (epochs 50, 100, ..., 300)")
assert params == {'one layer of 24': 97, 'one layer of 44': 177, 'three layers of 8': 177}
assert curves['three layers of 8'][1] > 0.95 > 0.8 > curves['one layer of 24'][1]
assert curves['one layer of 44'][1] < 0.8               # not the parameter count
assert [round(curves[k][1], 2) for k in spiral_runs] == [0.75, 0.72, 0.97]   # the text's numbers
assert min(curves[k][-1] for k in curves) > 0.95        # all get there by epoch 300

# %% [markdown]
# At epoch 100 three layers of 8 are at 97% while one layer is at 75% (of 24 units) or 72%
# (of 44 units, the same 177 parameters): at this small learning rate depth trains **faster
# per epoch**, and not because of the parameter count. But one layer is not stuck: by epoch
# 300 every network is above 95%. A larger learning rate or Adam closes the gap in 100 epochs:

# %%
fast = {(name, how): Playground(dataset='spirals', hidden=hidden, **kw).step(100).accuracy()
        for name, hidden in [('one layer of 24', (24,)), ('three layers of 8', (8, 8, 8))]
        for how, kw in [('lr 0.3', dict(lr=0.3)), ('Adam, lr 0.03', dict(optimizer='adam'))]}
for (name, how), acc in fast.items():
    print(f"{name:18s} {how:14s} 100 epochs: test accuracy {acc:.0%}")
assert all(acc > 0.95 for acc in fast.values())
fig, ax = plt.subplots(figsize=(6, 3.2))
for name, c in curves.items():
    ax.plot(range(50, 301, 50), c, 'o-', label=f"{name} ({params[name]} parameters)")
ax.set_xlabel('epoch'); ax.set_ylabel('test accuracy'); ax.set_ylim(0.5, 1.02)
ax.set_title('spirals, plain SGD, lr 0.03'); ax.legend(); ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# **Noise makes the classes overlap.** With noise 0.3 the two circles bleed into each other:
# some points sit inside the other class's region, so no boundary classifies them all, not
# even the training points.

# %%
noisy = Playground(noise=0.3, hidden=(8, 8)).step(100)
gap = noisy.history['val_loss'][-1] - noisy.history['loss'][-1]
print(f"noise 0.3: train accuracy {noisy.accuracy('train'):.0%}, test {noisy.accuracy():.0%}; "
      f"test loss exceeds train loss by {gap:.3f}")
assert round(noisy.accuracy('train'), 2) == 0.78 and gap > 0.05
draw(noisy, 'noise 0.3: black rings train points, white rings test points');

# %% [markdown]
# A network that memorised its training points would get them nearly all right; this one gets
# 78% of them: the misses are the overlap, points of one class in the other's territory, and
# no smooth boundary can have them. The test loss still ends above the train loss: the
# boundary was fitted to the training half, its particular noisy points included, and the test
# half's noise falls differently. Lesson 10 makes a network memorise on purpose.

# %% [markdown]
# ## Your turn
#
# **1.** Gradient descent on $L(w) = (w - 3)^2$ from $w = 0$: pick a learning rate that gets
# within 0.01 of the minimum in 20 steps.

# %%
lr = ...
check("04.learning_rate", lr);

# %% [markdown]
# **2.** Which features (a set of names from `FEATURES`) let a network with **no** hidden
# layer separate the circles? Try it in the playground above, then answer.

# %%
answer = {...}
check("04.circle_features", answer);

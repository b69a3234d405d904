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
# Inspired by [TensorFlow Playground](https://playground.tensorflow.org): pick a data set, the
# hidden layers, the activation, the learning rate, L2 regularisation and dropout, press
# **Train**, and watch the loss curve and the decision boundary change while the network learns.
#
# To make this fast we do not build a fresh scalar graph for every example. `ac.compile` traces
# the graph of **one** example once and then replays it over a whole numpy batch: the same
# chain rule, vectorised.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %%
import ipywidgets as W
from IPython.display import display, clear_output

def xor_cloud(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)

DATASETS = {
    'xor': xor_cloud,
    'circles': lambda: nn.data.circles(n=200, noise=0.08),
    'moons': lambda: nn.data.moons(n=200, noise=0.1),
    'spirals': lambda: nn.data.spirals(n=200, arms=2, noise=0.1),
}

def load(name):
    X, y = DATASETS[name]()
    X = np.asarray(X, float); X = (X - X.mean(0)) / X.std(0)     # standardise the inputs
    return X, np.asarray(y, float)


# %% [markdown]
# ## The model and its compiled loss
#
# The traced function takes one example `x`, its label `t` and a **dropout mask** `m` as
# *inputs*, so the compiled program can use a fresh random mask for every batch (randomness
# inside a traced function would be frozen at tracing time). The loss is binary cross-entropy on
# the logit, $\mathrm{softplus}(z) - t z$, plus $\lambda \sum w^2$.

# %%
def as_list(v):
    return v if isinstance(v, list) else [v]

def build(hidden, activation, l2, seed=0):
    model = nn.MLP(2, list(hidden) + [1], activation=activation, init='xavier', seed=seed)
    n_hidden = sum(hidden)

    def loss(x, t, m):
        h, k = x, 0
        for layer in model.layers[:-1]:
            h = as_list(layer(h))
            h = [hi * m[k + i] for i, hi in enumerate(h)]   # inverted-dropout mask (1/(1-p) or 0)
            k += len(h)
        z = as_list(model.layers[-1](h))[0]
        data_loss = z.softplus() - t * z
        return data_loss + l2 * sum(p * p for p in model.parameters()) if l2 else data_loss

    step = ac.compile(loss, 2, (), max(n_hidden, 1), params=model.parameters())
    logits = ac.compile(lambda x: model(x), 2)        # no dropout at prediction time
    return model, step, logits, n_hidden

def train(dataset='xor', hidden=(4, 4), activation='tanh', lr=0.03, l2=0.0, dropout=0.0,
          epochs=300, batch_size=32, seed=0, on_update=None, every=25):
    """Train and return (losses per epoch, model, logits program, X, y)."""
    X, y = load(dataset)
    model, step, logits, n_hidden = build(hidden, activation, l2, seed)
    opt = nn.Adam(model, lr=lr)
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        idx = rng.permutation(len(X))
        total = 0.0
        for s in range(0, len(X), batch_size):
            b = idx[s:s + batch_size]
            keep = rng.random((len(b), max(n_hidden, 1))) >= dropout
            mask = keep / (1.0 - dropout)
            opt.zero_grad()
            total += step(X[b], y[b], mask) * len(b)
            opt.step()
        losses.append(total / len(X))
        if on_update is not None and (epoch % every == 0 or epoch == epochs - 1):
            on_update(epoch, losses, logits, X, y)
    return losses, model, logits, X, y


# %%
def draw(epoch, losses, logits, X, y, fig=None):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(losses); ax1.set_yscale('log'); ax1.set_xlabel('epoch'); ax1.set_ylabel('loss')
    ax1.set_title(f'epoch {epoch + 1}: loss {losses[-1]:.4f}')
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80))
    prob = 1 / (1 + np.exp(-logits.forward(np.c_[gx.ravel(), gy.ravel()])))
    ax2.contourf(gx, gy, prob.reshape(gx.shape), levels=20, cmap='RdBu', alpha=0.5, vmin=0, vmax=1)
    ax2.contour(gx, gy, prob.reshape(gx.shape), levels=[0.5], colors='k', linewidths=1)
    for label, colour in [(0, '#d62728'), (1, '#1f77b4')]:
        pts = X[y == label]
        ax2.scatter(pts[:, 0], pts[:, 1], c=colour, edgecolors='white', linewidths=0.8, s=25,
                    label=f'class {label}')
    ax2.legend(loc='upper right', fontsize=8)
    acc = np.mean((logits.forward(X) > 0) == (y > 0.5))
    ax2.set_title(f'decision boundary (train accuracy {acc:.0%})')
    plt.tight_layout()
    return fig


# %% [markdown]
# ## The playground
#
# Change the controls and press **Train**. (On GitHub the widgets are not live: run the notebook.)

# %%
dataset_w = W.Dropdown(options=list(DATASETS), value='circles', description='data')
hidden_w = W.Text(value='8, 8', description='hidden', placeholder='e.g. 8, 8')
act_w = W.Dropdown(options=['tanh', 'relu', 'sigmoid', 'leaky_relu'], value='tanh',
                   description='activation')
lr_w = W.FloatLogSlider(value=0.03, base=10, min=-4, max=0, description='learning rate')
l2_w = W.FloatLogSlider(value=1e-4, base=10, min=-6, max=-1, description='L2')
l2_on = W.Checkbox(value=False, description='use L2')
drop_w = W.FloatSlider(value=0.0, min=0.0, max=0.6, step=0.05, description='dropout')
epochs_w = W.IntSlider(value=200, min=10, max=1000, step=10, description='epochs')
button = W.Button(description='Train', button_style='success')
out = W.Output()

frames = []                       # epochs drawn so far (the test below checks it)

def live_update(epoch, losses, logits, X, y):
    frames.append(epoch)
    with out:
        clear_output(wait=True)
        fig = draw(epoch, losses, logits, X, y)
        display(fig); plt.close(fig)

def on_train(_):
    hidden = tuple(int(s) for s in hidden_w.value.replace(',', ' ').split()) or (4,)
    train(dataset_w.value, hidden, act_w.value, lr_w.value, l2_w.value if l2_on.value else 0.0,
          drop_w.value, epochs_w.value, on_update=live_update)

button.on_click(on_train)
display(W.VBox([W.HBox([dataset_w, hidden_w, act_w]), W.HBox([lr_w, l2_on, l2_w]),
                W.HBox([drop_w, epochs_w, button]), out]))

# %% [markdown]
# The button can also be pressed from code; this is what the test suite does to check the
# interactive path (the frames land in the output area above).

# %%
epochs_w.value = 20
button.click()
print(f"drew {len(frames)} frames, at epochs {frames}")
assert frames and frames[-1] == 19   # the live plot was redrawn while training, up to the end

# %% [markdown]
# ## One run, without the buttons
#
# The same `train` function, called directly: circles with two hidden layers of 8 tanh units.

# %%
import time
t0 = time.perf_counter()
losses, model, logits, Xc, yc = train('circles', hidden=(8, 8), activation='tanh', lr=0.03,
                                      epochs=150)
seconds = time.perf_counter() - t0
print(f"{len(losses)} epochs in {seconds:.2f} s; loss {losses[0]:.3f} -> {losses[-1]:.4f}")
fig = draw(len(losses) - 1, losses, logits, Xc, yc)
assert losses[-1] < 0.5 * losses[0]
assert np.mean((logits.forward(Xc) > 0) == (yc > 0.5)) >= 0.9

# %% [markdown]
# Dropout and L2 work through the same function. With dropout the training loss is noisier
# (each batch sees a different thinned network), but it still goes down:

# %%
losses_d, _, logits_d, Xs, ys = train('xor', hidden=(8, 8), activation='relu', lr=0.03,
                                      l2=1e-4, dropout=0.2, epochs=100)
print(f"loss {losses_d[0]:.3f} -> {losses_d[-1]:.4f}")
fig = draw(len(losses_d) - 1, losses_d, logits_d, Xs, ys)
assert losses_d[-1] < losses_d[0]

# %% [markdown]
# Things to try: spirals with `relu` and `8, 8, 8`; a learning rate of 1 (watch it diverge);
# `sigmoid` with three hidden layers (watch it stall: saturation, from lesson 2).

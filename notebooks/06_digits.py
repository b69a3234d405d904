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
# # 6. Handwritten digits with a softmax classifier
#
# The lectures' motivating task (deck 001): recognise handwritten digits, the pixel intensities
# as the inputs and the digit's class as the output. Deck 001 uses MNIST (70,000 images of
# 28×28 pixels, downloaded); we use scikit-learn's 8×8 digits instead (1,797 images of 64
# pixels, shipped with scikit-learn, so the lesson runs offline and in seconds). The network is
# 64 → 32 (ReLU) → 10 with a **softmax** output layer (decks 001 and 003): the ten outputs $z_k$
# are *logits*, and
#
# $$p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}, \qquad 0 < p_k < 1, \quad \sum_k p_k = 1,$$
#
# trained with cross-entropy $L = -\log p_{y} = \log\sum_j e^{z_j} - z_y$.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz

# %%
X, y = nn.data.digits()
X = X / 16.0            # intensities 0..16 -> 0..1 (MNIST's 0..255 would be divided by 255)
(Xtr, ytr), _, (Xte, yte) = nn.data.train_val_test_split(X, y, val=0.0, test=0.2, seed=0)
ytr, yte = ytr.astype(int), yte.astype(int)
print(Xtr.shape, Xte.shape)
fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for k, ax in enumerate(axes):
    ax.imshow(Xtr[k].reshape(8, 8), cmap='gray_r'); ax.set_title(ytr[k]); ax.axis('off')

# %% [markdown]
# ## The loss of one example, compiled
#
# The label comes in as a one-hot vector `t`, so picking $z_y$ is a dot product: the traced graph
# never has to *look* at a number, which is what lets `ac.compile` replay it on whole batches.

# %%
model = nn.MLP(64, [32, 10], activation='relu', seed=0)

def loss(x, t):
    z = model(x)
    return ac.logsumexp(z) - ac.dot(t, z)

step = ac.compile(loss, 64, 10, params=model.parameters())
scores = ac.compile(model, 64)
print(step)
onehot = np.eye(10)[ytr]

# %% [markdown]
# ## The softmax's gradient: p minus one-hot
#
# Softmax and cross-entropy together have the simplest gradient there is:
# $\partial L / \partial z_k = p_k - [k = y]$, the predicted probabilities minus the one-hot
# target. (Decks 001 and 003 give the softmax itself; this gradient is not in their text, so
# here the engine derives it for us.) The engine's gradient through `logsumexp` and `dot`, for the first training
# image:

# %%
zs = model(Xtr[0].tolist())                          # the ten logits, as Values
L0 = ac.logsumexp(zs) - ac.dot(onehot[0].tolist(), zs)   # the same loss as above
model.zero_grad()
L0.backward()
z_num = np.array([v.data for v in zs])
p0 = np.exp(z_num - z_num.max()); p0 /= p0.sum()
fmt = lambda a: ' '.join(f'{v:+.3f}' for v in a)
print(f"true digit {ytr[0]}; the untrained network says {p0.argmax()} with p = {p0.max():.2f}")
print("class:        ", ' '.join(f'{k:>6d}' for k in range(10)))
print("p - onehot:   ", fmt(p0 - onehot[0]))
print("engine dL/dz: ", fmt([v.grad for v in zs]))
assert np.allclose([v.grad for v in zs], p0 - onehot[0], rtol=1e-12, atol=1e-15)
assert abs(p0.sum() - 1) < 1e-12 and abs(L0.data + np.log(p0[ytr[0]])) < 1e-12
assert p0.argmax() != ytr[0] and p0.max() > 0.9       # confidently wrong, as said below

# %% [markdown]
# Every wrong class is pushed down by its probability, the true class pulled up by
# $1 - p_y$. Here the untrained network is confidently wrong, so the true class gets almost the
# full $-1$ and the class it wrongly chose almost $+1$; a confident right answer
# ($p_y \approx 1$) would send almost nothing back.
#
# ## Initialisation: an untrained network should not be sure of anything
#
# That confidence is a **bug of the initialisation**, not a property of untrained networks.
# A network that knows nothing should give each of the $K = 10$ classes about $1/K$, so its
# first loss should be about $-\log\frac{1}{K} = \ln K = \ln 10 = 2.303$. The model above
# draws every weight from $U(-1, 1)$ (micrograd's choice, `init='uniform'`): a hidden unit sums
# 64 inputs times weights of spread $1/\sqrt 3$, so the logits come out several units apart
# and the softmax picks one class with confidence. Xavier/Glorot ($U(\pm\sqrt{6/(n_{in} +
# n_{out})})$) and He ($N(0, 2/n_{in})$, for ReLU) scale the weights by $1/\sqrt{n_{in}}$ so
# that a layer's outputs keep the spread of its inputs; deck 002's code uses
# `np.random.randn(...) * 0.01`. The mean loss over the training set before any training, and
# the mean probability of the class each network picks:

# %%
def untrained(init):
    m = nn.MLP(64, [32, 10], activation='relu', init=init, seed=0)
    z = ac.compile(m, 64).forward(Xtr)
    p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    return float(np.mean(-np.log(p[np.arange(len(ytr)), ytr]))), float(p.max(1).mean()), z.std()

first = {init: untrained(init) for init in ['uniform', 'xavier', 'he', 'small_normal']}
print(f"ln 10 = {np.log(10):.3f}")
for init, (l0, conf, zstd) in first.items():
    print(f"{init:>12}: initial loss {l0:.3f}, mean confidence {conf:.0%}, logits' spread {zstd:.3f}")
assert first['uniform'][0] > 3 * np.log(10) and first['uniform'][1] > 0.7
assert all(abs(first[i][0] - np.log(10)) < 0.12 for i in ['xavier', 'he', 'small_normal'])
assert (round(first['uniform'][0], 1), round(first['uniform'][1], 2)) == (7.2, 0.78)

# %% [markdown]
# With $U(-1, 1)$ the average loss before training is 7.2, three times $\ln 10$, and the
# network is on average 78% sure of its pick; Xavier, He and deck 002's $0.01$ all start at
# $\ln 10$ within 0.12. (Printing the first loss and comparing it with $\ln K$ is the
# cheapest check there is: it catches a bad initialisation before any training.)
#
# ### Zero (or any constant) initialisation: symmetry
#
# Why not start every weight at 0? With every weight equal, every hidden unit computes the
# same thing, gets the same gradient and takes the same step: they stay **copies of each
# other** forever, and 32 units are worth one. With zeros and ReLU it is worse: every hidden
# unit outputs relu(0) = 0 and relu'(0) = 0, so no gradient reaches the first layer at all.
# Ten epochs of each, on the same data:

# %%
def train_briefly(m, epochs=10):
    st = ac.compile(loss_of(m), 64, 10, params=m.parameters())
    o = nn.SGD(m, lr=0.1)
    for _ in range(epochs):
        for s0 in range(0, len(Xtr), 64):
            o.zero_grad(); st(Xtr[s0:s0 + 64], onehot[s0:s0 + 64]); o.step()
    return m

def loss_of(m):
    return lambda x, t: ac.logsumexp(m(x)) - ac.dot(t, m(x))

def first_layer(m):
    return np.array([[w.data for w in n.w] for n in m.layers[0].neurons])

zero = train_briefly(nn.MLP(64, [32, 10], activation='relu', init='zeros', seed=0))
const = train_briefly(nn.MLP(64, [32, 10], activation='tanh', init=lambda r, fi, fo: 0.05, seed=0))
W0, Wc = first_layer(zero), first_layer(const)
print(f"zeros, ReLU: largest first-layer weight after training {np.abs(W0).max()}")
print(f"all weights 0.05, tanh: first-layer weights moved by up to "
      f"{np.abs(Wc - 0.05).max():.3f}, yet the 32 units differ by at most "
      f"{np.abs(Wc - Wc[0]).max():.1e}")
assert np.abs(W0).max() == 0.0
assert np.abs(Wc - 0.05).max() > 0.005 and np.abs(Wc - Wc[0]).max() < 1e-12

# %% [markdown]
# Random initialisation breaks the symmetry; its *scale* decides what the signal looks like
# after many layers. Ten tanh layers of 64 units, the digits as input, and the spread
# (standard deviation) of each layer's activations for three scales:

# %%
import random as _random
def spread_through_depth(draw, act=np.tanh, depth=10, width=64, seed=0):
    r = _random.Random(seed)
    A, stds = Xtr[:500], []
    for _ in range(depth):
        W = np.array([[draw(r, A.shape[1], width) for _ in range(A.shape[1])]
                      for _ in range(width)])
        A = act(A @ W.T)
        stds.append(float(A.std()))
    return stds, A

inits = {'U(-1, 1)': nn.init.uniform, '0.01 N(0, 1)': nn.init.small_normal,
         'Xavier': nn.init.xavier_uniform}
runs = {name: spread_through_depth(d) for name, d in inits.items()}
runs['He, ReLU'] = spread_through_depth(nn.init.he_normal, act=lambda z: np.maximum(z, 0))
stds = {name: r[0] for name, r in runs.items()}
for name, s_ in stds.items():
    print(f"{name:>13}: " + " ".join(f"{v:.3g}" for v in s_))
saturated = float(np.mean(np.abs(runs['U(-1, 1)'][1]) > 0.95))
print(f"U(-1, 1), layer 10: {saturated:.0%} of the tanh outputs beyond +-0.95")
assert saturated > 0.6                                # saturated: tanh outputs near +-1
assert stds['0.01 N(0, 1)'][-1] < 1e-10               # vanished
assert 0.2 < stds['Xavier'][-1] < stds['Xavier'][0] < 0.45 and 0.3 < min(stds['He, ReLU'])
assert max(stds['He, ReLU']) < 0.5
fig, ax = plt.subplots(figsize=(6, 3.2))
for name, s_ in stds.items():
    ax.plot(range(1, 11), s_, 'o-', label=name)
ax.set_yscale('log'); ax.set_xlabel('layer'); ax.set_ylabel('std of activations')
ax.legend(); ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# $U(-1, 1)$ drives most tanh units to $\pm 1$ (saturated: their local gradient $1 - t^2$ is
# almost 0, lesson 2); $0.01 \cdot N(0, 1)$ shrinks the signal by about $0.01\sqrt{64}
# = 0.08$ per layer, so after ten layers nothing is left (and the gradients shrink the same
# way); with Xavier tanh's spread shrinks only slowly (0.40 to 0.22 in ten layers), and He
# keeps ReLU's between 0.38 and 0.48 all the way. Deck
# 002's $0.01$ is fine for its one hidden layer; it is depth that makes the scale matter.
#
# ## Training: 30 epochs of minibatches, compiled
#
# From here on the network starts from Xavier's initialisation, and its first loss is $\ln 10$.
# The same loop from $U(-1, 1)$ spends its first epoch undoing the overconfidence: its mean
# loss over that epoch is 2.92, above the $\ln 10 = 2.30$ of knowing nothing, against 1.39
# from Xavier.

# %%
model = nn.MLP(64, [32, 10], activation='relu', init='xavier', seed=0)
step = ac.compile(loss, 64, 10, params=model.parameters())
scores = ac.compile(model, 64)

# %%
def train(model, step, epochs):
    opt = nn.Adam(model, lr=0.01)
    rng = np.random.default_rng(0)
    losses = []
    for epoch in range(epochs):
        idx, total = rng.permutation(len(Xtr)), 0.0
        for s in range(0, len(Xtr), 64):
            b = idx[s:s + 64]
            opt.zero_grad()
            total += step(Xtr[b], onehot[b]) * len(b)
            opt.step()
        losses.append(total / len(Xtr))
    return losses

losses = train(model, step, 30)
uniform_model = nn.MLP(64, [32, 10], activation='relu', init='uniform', seed=0)
uniform_first = train(uniform_model, ac.compile(loss_of(uniform_model), 64, 10,
                                                params=uniform_model.parameters()), 1)[0]
print(f"30 epochs, training loss {losses[0]:.3f} -> {losses[-1]:.4f}")
print(f"the first epoch's mean loss: {losses[0]:.2f} from Xavier, {uniform_first:.2f} from U(-1, 1)")
assert losses[-1] < losses[0] / 20
assert round(uniform_first, 2) == 2.92 and losses[0] < 1.5 < np.log(10) < uniform_first
viz.plot_history({'loss': losses}, log_loss=True)

# %%
pred = scores.forward(Xte).argmax(axis=1)
acc = float(np.mean(pred == yte))
print(f"test accuracy {acc:.3f} on {len(yte)} unseen digits")
assert acc >= 0.9

# %% [markdown]
# ## Confusion matrix
#
# Row = true digit, column = predicted digit. The diagonal is what we got right.

# %%
cm = np.zeros((10, 10), int)
np.add.at(cm, (yte, pred), 1)
fig, ax = plt.subplots(figsize=(5, 5))
ax.imshow(cm, cmap='Blues')
for i in range(10):
    for j in range(10):
        if cm[i, j]:
            ax.text(j, i, cm[i, j], ha='center', va='center',
                    color='white' if cm[i, j] > cm.max() / 2 else 'black', fontsize=8)
ax.set_xticks(range(10)); ax.set_yticks(range(10))
ax.set_xlabel('predicted'); ax.set_ylabel('true'); ax.set_title('confusion matrix (test set)')
assert cm.trace() == int(round(acc * len(yte)))

# %% [markdown]
# ## What it gets wrong
#
# The softmax also says how *sure* it was. Many mistakes are digits a person would hesitate on.

# %%
z = scores.forward(Xte)
p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
wrong = np.flatnonzero(pred != yte)
print(f"{len(wrong)} misclassified")
k = min(len(wrong), 10)
fig, axes = plt.subplots(1, max(k, 1), figsize=(1.3 * max(k, 1), 1.8), squeeze=False)
for ax, i in zip(axes[0], wrong[:k]):
    ax.imshow(Xte[i].reshape(8, 8), cmap='gray_r'); ax.axis('off')
    ax.set_title(f'true {yte[i]}\nsaid {pred[i]} ({p[i, pred[i]]:.0%})', fontsize=8)

# %%
assert 0 < len(wrong) < 0.1 * len(yte)

# %% [markdown]
# ## Your turn

# %%
from exercises import check, hint, solution

# %% [markdown]
# **1.** Three logits $z = (2, 1, 0)$. What probability does the softmax give the first class?

# %%
answer = ...
check("06.softmax_p0", answer);

# %% [markdown]
# **2.** Same logits, the true class is 1 (the middle one). Give the cross-entropy's gradient
# $(\partial L/\partial z_0, \partial L/\partial z_1, \partial L/\partial z_2)$.

# %%
answer = (..., ..., ...)
check("06.softmax_grad", answer);

# %% [markdown]
# **3.** The network gives the true digit probability 0.9. What is its cross-entropy loss on
# that image?

# %%
answer = ...
check("06.ce_loss", answer);

# %% [markdown]
# **4.** A freshly initialised network for 100 classes that knows nothing yet: about what should
# its first cross-entropy loss be?

# %%
answer = ...
check("06.initial_loss", answer);

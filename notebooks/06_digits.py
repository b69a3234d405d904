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
# Softmax and cross-entropy together have the simplest gradient there is (deck 003's output
# layer): $\partial L / \partial z_k = p_k - [k = y]$, the predicted probabilities minus the
# one-hot target. The engine's gradient through `logsumexp` and `dot`, for the first training
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
# ## Training: 30 epochs of minibatches, compiled

# %%
opt = nn.Adam(model, lr=0.01)
rng = np.random.default_rng(0)
losses = []
for epoch in range(30):
    idx, total = rng.permutation(len(Xtr)), 0.0
    for s in range(0, len(Xtr), 64):
        b = idx[s:s + 64]
        opt.zero_grad()
        total += step(Xtr[b], onehot[b]) * len(b)
        opt.step()
    losses.append(total / len(Xtr))
print(f"30 epochs, training loss {losses[0]:.3f} -> {losses[-1]:.4f}")
assert losses[-1] < losses[0] / 20
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

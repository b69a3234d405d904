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
# The lectures' motivating task: recognise handwritten digits. We use scikit-learn's 8×8 digits
# (1797 images, 64 pixels each), a network 64 → 32 (ReLU) → 10, and a **softmax** output:
# $p_k = e^{z_k} / \sum_j e^{z_j}$, trained with cross-entropy
# $L = -\log p_{y} = \log\sum_j e^{z_j} - z_y$.

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
X = X / 16.0                                       # pixels 0..16 -> 0..1
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

# %%
import time
opt = nn.Adam(model, lr=0.01)
rng = np.random.default_rng(0)
losses, t0 = [], time.perf_counter()
for epoch in range(30):
    idx, total = rng.permutation(len(Xtr)), 0.0
    for s in range(0, len(Xtr), 64):
        b = idx[s:s + 64]
        opt.zero_grad()
        total += step(Xtr[b], onehot[b]) * len(b)
        opt.step()
    losses.append(total / len(Xtr))
print(f"30 epochs in {time.perf_counter() - t0:.1f} s, final training loss {losses[-1]:.4f}")
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

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
# # 9. Gradient descent: whole batch, one example, minibatches; momentum and Adam
#
# Training repeats one move (deck 002): compute the cost $J(\theta)$, its gradient, and step
# downhill, $\theta \leftarrow \theta - \alpha \nabla J(\theta)$. This lesson is about the choices
# inside that move:
#
# * **how many examples** go into one gradient: all of them (*batch* gradient descent), one
#   (*stochastic*, SGD) or a few (*minibatch*), on deck 000's study-hours table;
# * **what the gradient means** for one weight: backprop as *assigning blame* (deck 003);
# * **how the step is taken**: plain SGD against momentum and Adam (deck 003's "optimizers:
#   tricks to speed up SGD, learn the learning rate"), on the same table.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
from matplotlib.ticker import NullFormatter
from viz.plots import POSITIVE, NEGATIVE, CLASS_COLORS

GREEN = CLASS_COLORS[2]

# %% [markdown]
# ## The study-hours table
#
# Deck 000's eight students: hours studied, hours slept, quiz score, and the exam score we want
# to predict. The columns live on very different scales (0 to 115 hours, 0.24 to 1.00 for the
# quiz), so we standardize them first (lesson 5 shows what goes wrong without it; we come back
# to the raw hours at the end).

# %%
X, y = nn.data.study_hours()
print(" row  study  sleep  quiz   exam")
for i, (row, t) in enumerate(zip(X, y), 1):
    print(f"{i:4d} {row[0]:6.0f} {row[1]:6.1f} {row[2]:5.0%} {t:6.0%}")
Xs = nn.data.standardize(X)
print("standardized columns: mean", Xs.mean(0).round(12) + 0.0, " std", Xs.std(0).round(12))
assert X.shape == (8, 3) and np.allclose(Xs.mean(0), 0) and np.allclose(Xs.std(0), 1)

# %% [markdown]
# The model is one linear neuron, $\hat y = w \cdot x + b$ (`nn.MLP(3, [1])`: a single layer with
# a linear output, as decks 001 and 002 advise for regression: the output is a real number, not a
# class probability), and the cost is the mean squared error over the examples used for the step.
# Because the model is linear, the best possible cost has a closed form (least squares), which
# gives us a floor to aim at.

# %%
A = np.c_[Xs, np.ones(len(Xs))]
best = float(np.mean((A @ np.linalg.lstsq(A, y, rcond=None)[0] - y) ** 2))
print(f"the best any w, b can do: mean squared error {best:.5f}")


def full_loss(model):
    """The cost on all eight rows (what we plot), computed without recording a graph."""
    return nn.evaluate(model, Xs, y, 'mse')['loss']


# %% [markdown]
# ## One loop, three batch sizes
#
# Here is the training loop written out: forward on a batch, cost, backward, update. The only
# thing that changes between the three methods is `batch_size`: 8 (the whole table: batch
# gradient descent), 1 (stochastic gradient descent), 4 (minibatches). Every epoch sees every
# row once, in a shuffled order; batch GD makes one update per epoch, SGD eight.

# %%
def train(batch_size, epochs=30, lr=0.1):
    model = nn.MLP(3, [1], seed=0)
    opt = nn.SGD(model, lr=lr)
    curve = [full_loss(model)]                 # the full cost after every update
    for epoch in range(epochs):
        for Xb, yb in nn.data.minibatches(Xs, y, batch_size, seed=epoch):
            loss = nn.mse([model(x) for x in Xb], yb)   # forward + cost on this batch
            opt.zero_grad()
            loss.backward()                              # backward
            opt.step()                                   # theta -= lr * grad
            curve.append(full_loss(model))
    return model, np.array(curve)

runs = {}
for name, bs in [('batch (8 rows per step)', 8), ('minibatch (4)', 4), ('SGD (1 row per step)', 1)]:
    runs[name] = (bs,) + train(bs)
for name, (bs, model, curve) in runs.items():
    per_epoch = curve[::8 // bs]
    print(f"{name:24s} {len(curve) - 1:4d} updates;  cost after 1 epoch {per_epoch[1]:.4f}, "
          f"after 5 {per_epoch[5]:.4f}, after 30 {per_epoch[30]:.4f}")


# %% [markdown]
# ### Parameters and hyperparameters
#
# Two kinds of numbers shape this training (deck 002 names them). **Parameters** are what
# gradient descent learns: $w$ and $b$, the model's `.parameters()`, each with a `.grad`.
# **Hyperparameters** are what *we* choose and gradient descent never touches: the learning
# rate, the batch size, the number of epochs, the optimizer and its momentum, the network's
# shape, the initialisation. No gradient tells us those; we try values and compare them on
# data that was not used for training (lesson 10's validation set).

# %%
hyper = dict(batch_size=4, epochs=30, lr=0.1)
model_h, _ = train(**hyper)
fresh = nn.MLP(3, [1], seed=0)
print("parameters (learned):", [f"{p.data:+.3f}" for p in model_h.parameters()],
      " started at", [f"{p.data:+.3f}" for p in fresh.parameters()])
print("hyperparameters (chosen):", hyper)
assert len(model_h.parameters()) == 4
assert all(a.data != b.data for a, b in zip(model_h.parameters(), fresh.parameters()))
for lr in [0.01, 0.1, 0.3]:
    print(f"  lr = {lr}: cost after 30 epochs {full_loss(train(4, 30, lr)[0]):.5f}")
assert full_loss(train(4, 30, 0.01)[0]) > full_loss(train(4, 30, 0.1)[0])

# %% [markdown]
# `nn.fit` runs this same loop (with the same shuffling for `seed=0`): the weights it ends with
# are the ones we just got.

# %%
for name, (bs, model, curve) in runs.items():
    m2 = nn.MLP(3, [1], seed=0)
    nn.fit(m2, Xs, y, loss='mse', optimizer=nn.SGD(m2, lr=0.1), epochs=30, batch_size=bs,
           seed=0, progress=False)
    diff = max(abs(a.data - b.data) for a, b in zip(m2.parameters(), model.parameters()))
    print(f"{name:24s} nn.fit's weights differ from ours by at most {diff:.1e}")
    assert diff < 1e-12

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), layout='constrained')
colors = [POSITIVE, GREEN, NEGATIVE]
for (name, (bs, model, curve)), c in zip(runs.items(), colors):
    per_update = 8 // bs
    ax1.plot(np.arange(len(curve)) / per_update, curve, color=c, label=name, lw=1.5)
    ax2.plot(np.arange(len(curve[:41])), curve[:41], color=c, marker='o', ms=2.5, lw=1, label=name)
for ax in (ax1, ax2):
    ax.axhline(best, color='black', ls=':', lw=1, label='least-squares floor')
    ax.set_yscale('log'); ax.set_ylabel('cost on all 8 rows (MSE)'); ax.grid(alpha=0.3)
ax1.set_xlabel('epochs (passes over the table)'); ax1.set_title('per epoch: same work')
ax2.set_xlabel('updates'); ax2.set_title('per update: the first 40 steps')
ax1.legend(fontsize=8)
plt.show()

# %% [markdown]
# What the two panels say, and the cell below checks:
#
# * **Per epoch** (the same number of examples looked at), SGD is far ahead: it updates eight
#   times per pass where batch gradient descent updates once.
# * **Per update**, batch gradient descent is the smooth one: with a small enough step its cost
#   never goes up. SGD's cost goes up at many of its updates, because one row's gradient is a
#   noisy estimate of the table's.
# * SGD never settles: near the floor it keeps jumping around it (each row pulls its own way),
#   while minibatches average some of that noise out.

# %%
batch, mini, sgd = (runs[k][2] for k in runs)
assert sgd[8] < mini[2] < batch[1]                     # after one epoch: SGD < mini < batch
assert sgd[5 * 8] < batch[5] / 5                       # after five epochs, 5x lower
assert np.all(np.diff(batch) <= 1e-15)                 # batch GD: never up
ups = int(np.sum(np.diff(sgd) > 0))
print(f"SGD's cost went up at {ups} of its {len(sgd) - 1} updates; batch GD's at "
      f"{int(np.sum(np.diff(batch) > 0))}")
assert ups > 50
gap_sgd = sgd[-8:].mean() - best
gap_mini = mini[-2:].mean() - best
print(f"above the floor at the end: SGD {gap_sgd:.5f}, minibatch {gap_mini:.5f}")
assert gap_sgd > gap_mini > 0

# %% [markdown]
# ## Backprop as assigning blame
#
# Deck 003 reads the gradient as *blame*: "for the loss to go down by **0.1**, p must go up by
# **0.05**. For p to go up by 0.05, w₁ must go up by **0.09**; w₂ must go down by **0.12**."
# The deck's picture is lost, so we build a neuron that has exactly those numbers (a
# reconstruction): a sigmoid unit $p = \sigma(w_1 x_1 + w_2 x_2)$ with $w = (0.3, 0.4)$,
# $x = (20/9, -5/3)$ and cross-entropy loss $L = -\log p$ for the target 1. Then $z = 0$,
# $p = 0.5$, and
#
# $$\frac{\partial L}{\partial p} = -\frac1p = -2,\qquad
# \frac{\partial p}{\partial w_i} = p(1-p)\,x_i = 0.25\,x_i .$$
#
# Each "must move by" is a wanted change divided by a gradient: the blame a node carries is its
# gradient, and backprop hands it down the graph one local gradient at a time. The graph below
# shows it node by node: p carries −2, the sigmoid's local gradient 0.25 turns that into −0.5 for
# z, and the products hand −0.5 × x to each weight. ($z$ is −1.1e-16 in floating point, not
# exactly 0: zero up to rounding, so the picture prints it as 0, rounded against the graph's
# other numbers.)

# %%
w1, w2 = Value(0.3, label='w1'), Value(0.4, label='w2')
x1, x2 = 20 / 9, -5 / 3
p = (w1 * x1 + w2 * x2).sigmoid(); p.label = 'p'
L = -p.log(); L.label = 'L'
L.backward()
dL_dp = p.grad                              # the engine keeps d(root)/d(node) on every node
dp_dw1, dp_dw2 = w1.grad / dL_dp, w2.grad / dL_dp   # chain rule read backwards
need_p = -0.1 / dL_dp
need_w1, need_w2 = need_p / dp_dw1, need_p / dp_dw2
print(f"p = {p.data:.3f}, L = {L.data:.4f}, dL/dp = {dL_dp:.3f}")
print(f"for L to go down by 0.1, p must go up by {need_p:.3f}")
print(f"for p to go up by {need_p:.2f}: w1 must move by {need_w1:+.3f}, w2 by {need_w2:+.3f}")
assert abs(dL_dp + 2) < 1e-12 and abs(need_p - 0.05) < 1e-12
assert abs(need_w1 - 0.09) < 1e-12 and abs(need_w2 + 0.12) < 1e-12
graph = viz.draw_graph(L, rankdir='TB', params=[w1, w2], precision=3)
z_node = p.parents[0]
assert z_node.data != 0 and abs(z_node.data) < 1e-15 and 'data 0 ' in graph.source.replace('|', ' ')
graph

# %% [markdown]
# **Blame is the inverse of a gradient step.** A gradient step *multiplies* by the gradient:
# $\Delta w = -\text{lr}\cdot\partial L/\partial w$, so a weight with a larger gradient moves
# more, and all weights move at once. A blame move *divides* by it:
# $\Delta w = \Delta L_{\text{wanted}} / (\partial L/\partial w)$, the move of **one** weight,
# alone, that would buy the wanted change; a larger gradient needs a smaller move. Same
# gradients, opposite questions:

# %%
lr = 0.05
for name, w in [('w1', w1), ('w2', w2)]:
    print(f"{name}: dL/d{name} = {w.grad:+.4f};  blame move for dL = -0.1: -0.1 / {w.grad:+.4f} = "
          f"{-0.1 / w.grad:+.3f};  gradient step with lr {lr}: -{lr} x {w.grad:+.4f} = "
          f"{-lr * w.grad:+.4f}")
assert abs(-0.1 / w1.grad - need_w1) < 1e-12 and abs(-0.1 / w2.grad - need_w2) < 1e-12
assert abs(-lr * w1.grad - 0.05 * 10 / 9) < 1e-12   # dL/dw1 = -0.5 x 20/9

# %% [markdown]
# The gradient is a *first-order* promise: it is exact only for tiny moves. Moving w₁ by the
# full 0.09 lowers the loss by a bit less than 0.1, because the sigmoid bends:

# %%
import math
p_new = 1 / (1 + math.exp(-((0.3 + 0.09) * x1 + 0.4 * x2)))
print(f"w1 += 0.09:  p {p.data:.4f} -> {p_new:.4f} (+{p_new - p.data:.4f}),  "
      f"L {L.data:.4f} -> {-math.log(p_new):.4f} ({-math.log(p_new) - L.data:+.4f})")
assert 0.045 < p_new - p.data < 0.05 and -0.1 < -math.log(p_new) - L.data < -0.09

# %% [markdown]
# The deck's step 3 goes one layer down: "for p' to go down by **0.01**, w₂' must go up by
# **0.04**". A hidden sigmoid unit p' at 0.5 whose weight w₂' reads the input −1 has
# $\partial p'/\partial w_2' = 0.25 \times (-1) = -0.25$, so $-0.01 / -0.25 = 0.04$. The blame
# arriving at p' (its gradient) is split among p''s weights the same way, and so on down.

# %%
w2h = Value(0.0, label="w2'")
ph = (w2h * -1.0).sigmoid()
ph.backward()
print(f"p' = {ph.data}, dp'/dw2' = {w2h.grad}, w2' must move by {-0.01 / w2h.grad:+.2f}")
assert w2h.grad == -0.25 and abs(-0.01 / w2h.grad - 0.04) < 1e-15

# %% [markdown]
# ## Momentum and Adam against plain SGD
#
# Now the *raw* study hours, without standardizing: predict the exam from hours alone,
# $\hat y = w\,h + b$. The hours run to 115, so the cost is thousands of times steeper along $w$
# than along $b$: its Hessian's eigenvalues below differ by a factor of about 7,000. Plain
# gradient descent must take a step small enough for the steep direction ($\alpha < 2 /
# \lambda_{max}$, here 0.0003) and then crawls along the flat one.
#
# * **Momentum** (`nn.SGD(momentum=0.9)`) keeps a velocity $v \leftarrow 0.9\,v + g$ and steps
#   along $v$: steps that keep pointing the same way add up (up to $1/(1-0.9) = 10$ times), steps
#   that flip sign cancel.
# * **Adam** (`nn.Adam`) divides each parameter's (averaged) gradient by the running root mean
#   square of that parameter's gradients: every parameter gets its own step size, "learning the
#   learning rate". Its first step moves every parameter by exactly the learning rate.

# %%
H = X[:, :1]                                        # study hours, raw
Ah = np.c_[H, np.ones(8)]
floor_h = float(np.mean((Ah @ np.linalg.lstsq(Ah, y, rcond=None)[0] - y) ** 2))
eig = np.linalg.eigvalsh(2 * Ah.T @ Ah / 8)
print(f"Hessian eigenvalues {eig[0]:.3f} and {eig[1]:.0f} (ratio {eig[1] / eig[0]:,.0f}); "
      f"largest stable plain step 2/{eig[1]:.0f} = {2 / eig[1]:.5f}")


def descend(make_opt, steps=200):
    model = nn.MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data = 0.0                          # start at w = 0, b = 0
    opt = make_opt(model)
    path, costs = [], []
    for _ in range(steps):
        loss = nn.mse([model(h) for h in H], y)     # batch: all eight rows
        path.append((neuron.w[0].data, neuron.b.data))
        costs.append(loss.data)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.array(path), np.array(costs)

optimizers = {
    'plain SGD, lr 2e-4': (lambda m: nn.SGD(m, lr=2e-4), POSITIVE),
    'momentum 0.9, lr 2e-4': (lambda m: nn.SGD(m, lr=2e-4, momentum=0.9), GREEN),
    'Adam, lr 0.02': (lambda m: nn.Adam(m, lr=0.02), NEGATIVE),
}
paths = {name: descend(make) for name, (make, _) in optimizers.items()}
for name, (path, costs) in paths.items():
    reached = np.flatnonzero(costs < 1.1 * floor_h)
    when = f"within 10% of the floor after {reached[0]} steps" if len(reached) else \
        "not within 10% of the floor in 200 steps"
    print(f"{name:22s} cost after 200 steps {costs[-1]:.4f}; {when}")
print(f"floor {floor_h:.4f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.9), layout='constrained')
wg, bg = np.meshgrid(np.linspace(-0.003, 0.03, 200), np.linspace(-0.08, 0.8, 200))
J = ((wg[..., None] * H[:, 0] + bg[..., None] - y) ** 2).mean(-1)
ax1.contour(wg, bg, np.log(J), levels=25, colors='grey', linewidths=0.5)
for name, (path, costs) in paths.items():
    c = optimizers[name][1]
    z = 3 if name.startswith('plain') else 2
    ax1.plot(path[:, 0], path[:, 1], '-o', color=c, ms=1.8, lw=1, label=name, zorder=z)
    ax2.plot(costs, color=c, lw=1.8, label=name)
ax1.plot(*np.linalg.lstsq(Ah, y, rcond=None)[0], '*', color='black', ms=11, label='minimum')
ax1.set_xlabel('w (per study hour)'); ax1.set_ylabel('b'); ax1.set_title('paths on the cost')
ax2.axhline(floor_h, color='black', ls=':', lw=1, label='floor')
ax2.set_yscale('log'); ax2.yaxis.set_minor_formatter(NullFormatter())
ax2.set_yticks([0.02, 0.05, 0.1, 0.2, 0.5], ['0.02', '0.05', '0.1', '0.2', '0.5'])
ax2.set_xlabel('step'); ax2.set_ylabel('cost (MSE)')
ax2.set_title('cost per step'); ax2.grid(alpha=0.3); ax2.legend(fontsize=8)
plt.show()

# %% [markdown]
# Plain SGD jumps straight to the steep valley's floor in $w$ and then barely moves $b$: after
# 200 steps it is still far from the minimum. Momentum zigzags across the valley but builds up
# speed along it and gets further. Adam moves $w$ and $b$ by similar amounts from the first
# step on (each by the full learning rate at step 1, however different their gradients are),
# overshoots in $w$, and then settles on the minimum within about 60 steps.

# %%
sgd_c, mom_c, adam_c = (paths[k][1] for k in optimizers)
assert sgd_c[-1] > 10 * floor_h                       # plain SGD: stuck far above the floor
assert mom_c[-1] < 0.6 * sgd_c[-1]                    # momentum: clearly further
assert adam_c[-1] < 1.01 * floor_h                    # Adam: at the floor
assert np.flatnonzero(adam_c < 1.1 * floor_h)[0] <= 60    # ... within about 60 steps
first = paths['Adam, lr 0.02'][0][1] - paths['Adam, lr 0.02'][0][0]
print("Adam's first step moves (w, b) by", first.round(12))
assert np.allclose(np.abs(first), 0.02)

# %% [markdown]
# Standardizing the inputs fixes the same problem at the source (every direction then has a
# similar slope), which is why plain SGD did well on the standardized table above. In practice
# one does both: preprocess, and use momentum or Adam.
#
# ## Your turn
#
# Each cell calls the checker, which answers in words. `hint(id)` gives a nudge,
# `solution(id)` the worked answer.

# %%
from exercises import check, hint, solution

# %% [markdown]
# **1.** With 8 rows and `batch_size=3`, how many updates does one epoch make?

# %%
answer = ...   # a whole number
check("09.updates_per_epoch", answer);

# %% [markdown]
# **2.** Momentum 0.9 and a gradient that stays exactly 1.0: the velocity starts at
# $v = g$ and then follows $v \leftarrow 0.9\,v + g$. What is $v$ after the third step?

# %%
answer = ...
check("09.momentum_velocity", answer);

# %% [markdown]
# **3.** Blame. In the sigmoid neuron above ($p = 0.5$), by how much must a *bias* $b$ (an
# input fixed at 1) go up for $p$ to go up by 0.05, to first order?

# %%
answer = ...
check("09.blame_bias", answer);

# %% [markdown]
# **4.** Pick a learning rate. Give `lr` such that batch gradient descent (`nn.SGD`, all 8
# standardized rows per step, 30 steps, from `nn.MLP(3, [1], seed=0)`) ends with a cost below
# 0.011 (the floor is 0.0094). The checker trains it and tells you what happened.

# %%
answer = ...   # a learning rate, e.g. 0.01
check("09.pick_lr", answer);

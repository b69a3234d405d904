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
# # 10. Generalization: train, validate, test; overfitting and how to cure it
#
# A network is trained to do well on data it has *not* seen. Deck 003 says it in three words,
# "Train. Validate. Test.", and shows three fits: "very simple, might not predict well", "just
# right?", and "overfitting: rote memorization, will not generalize well". Its cures:
#
# * **L2**: add $\frac{\lambda}{2}\sum_i w_i^2$ to the loss ("makes all parameters medium-size");
# * **L1**: add $\lambda \sum_i |w_i|$ ("kills many parameters");
# * **dropout**: "at every step, during training, ignore the output of a fraction p of neurons;
#   p = 0.5 is a good default".
#
# This lesson makes a network overfit on purpose, watches it happen on the validation set, and
# tries each cure.

# %%
# %matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
from viz.plots import POSITIVE, NEGATIVE, CLASS_COLORS, TRAIN_COLOR, VALIDATION_COLOR

GREEN, RED, PURPLE = CLASS_COLORS[2], CLASS_COLORS[3], CLASS_COLORS[4]

# %% [markdown]
# ## Three sets, three jobs
#
# 110 noisy samples of $y = \sin(2\pi x) + \varepsilon$ (noise standard deviation 0.2), the input
# scaled to $[-3, 3]$. `nn.data.train_val_test_split` shuffles them into
#
# * a **training** set (only 10 points: few, on purpose) that the optimizer sees;
# * a **validation** set (50) that we look at to make choices: when to stop, which $\lambda$;
# * a **test** set (50) that we look at *once*, at the very end, to report how good the chosen
#   model is. Choosing by the test set would make its number optimistic.

# %%
rng = np.random.default_rng(3)
x = rng.uniform(0, 1, 110)
y = np.sin(2 * np.pi * x) + rng.normal(0, 0.2, 110)
X = 6 * (x[:, None] - 0.5)
(Xtr, ytr), (Xva, yva), (Xte, yte) = nn.data.train_val_test_split(X, y, val=50 / 110,
                                                                   test=50 / 110, seed=0)
print(f"train {len(Xtr)}, validation {len(Xva)}, test {len(Xte)}")
noise_floor = 0.2 ** 2
print(f"even the true function has mean squared error {noise_floor} on new points (the noise)")
assert (len(Xtr), len(Xva), len(Xte)) == (10, 50, 50)

# %% [markdown]
# ## Overfitting: a big network on ten points
#
# A 1 → 32 → 32 → 1 tanh network has 1,153 parameters for 10 points: it can pass through every
# one of them, noise included. We train it with Adam for 1,000 full-batch steps and let `fit`
# compute the validation loss after every epoch.

# %%
def big_net(dropout=0.0):
    return nn.MLP(1, [32, 32, 1], activation='tanh', seed=0, dropout=dropout)

model = big_net()
print(f"{model.num_parameters()} parameters, {len(Xtr)} training points")
hist = nn.fit(model, Xtr, ytr, loss='mse', optimizer=nn.Adam(model, lr=0.01), epochs=1000,
              validation=(Xva, yva), compiled=True, progress=False)
train_c, val_c = np.array(hist['loss']), np.array(hist['val_loss'])
best = int(val_c.argmin())
print(f"training loss: {train_c[0]:.3f} -> {train_c[-1]:.5f}")
print(f"validation loss: {val_c[0]:.3f} -> lowest {val_c[best]:.4f} at epoch {best + 1} "
      f"-> {val_c[-1]:.3f} at epoch 1000")

# %%
grid = np.linspace(-3.2, 3.2, 300)[:, None]
true_y = np.sin(2 * np.pi * (grid[:, 0] / 6 + 0.5))


def show_fit(ax, fitted, title):
    ax.plot(grid[:, 0], true_y, color='grey', ls='--', lw=1, label='true function')
    ax.scatter(Xva[:, 0], yva, s=10, color=VALIDATION_COLOR, alpha=0.7, label='validation')
    ax.scatter(Xtr[:, 0], ytr, s=30, color=TRAIN_COLOR, edgecolor='black', lw=0.5,
               label='training', zorder=3)
    for f, c, lab in fitted:
        ax.plot(grid[:, 0], f, color=c, lw=1.8, label=lab)
    ax.set_ylim(-2.5, 2.5); ax.set_xlabel('x'); ax.set_title(title); ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc='lower left')


fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.8), layout='constrained')
ep = np.arange(1, 1001)
ax1.plot(ep, train_c, color=TRAIN_COLOR, label='training loss')
ax1.plot(ep, val_c, color=VALIDATION_COLOR, ls='--', label='validation loss')
ax1.axvline(best + 1, color='black', lw=0.8, ls=':', label=f'lowest validation (epoch {best + 1})')
ax1.axhline(noise_floor, color='grey', lw=0.8, label='noise level 0.04')
ax1.set_yscale('log'); ax1.set_xlabel('epoch'); ax1.set_ylabel('mean squared error')
ax1.set_title('the curves part ways'); ax1.legend(fontsize=7); ax1.grid(alpha=0.3)
show_fit(ax2, [(model.predict(grid), RED, 'network after 1000 epochs')], 'rote memorization')
plt.show()

# %% [markdown]
# Both losses fall together at first: the network is learning the sine. After epoch ~160 the
# training loss keeps falling far *below the noise level* (the network is memorizing the
# noise of ten points) while the validation loss climbs: between the training points the curve
# swings wildly. That gap is overfitting.

# %%
assert train_c[-1] < noise_floor / 20                 # memorized: far below the noise
assert val_c[best] < 2 * noise_floor                  # at its best it had learned the sine
assert val_c[-1] > 10 * val_c[best]                   # ... and then got 10x worse
assert 100 < best < 300

# %% [markdown]
# ### Early stopping: the validation set's first job
#
# The simplest cure is to stop when the validation loss stops improving and keep the best
# weights: `nn.EarlyStopping(patience=100)` waits 100 epochs for an improvement, then restores
# the weights of the best epoch. (Full-batch training with the same seed follows the same path,
# so it finds the same epoch.)

# %%
es_model = big_net()
es = nn.fit(es_model, Xtr, ytr, loss='mse', optimizer=nn.Adam(es_model, lr=0.01), epochs=1000,
            validation=(Xva, yva), compiled=True, progress=False,
            early_stopping=nn.EarlyStopping(patience=100))
print(es.stop_reason)
print(f"stopped after {es.epochs} epochs, kept epoch {es.best_epoch + 1}: validation loss "
      f"{nn.evaluate(es_model, Xva, yva)['loss']:.4f}")
assert es.best_epoch == best and es.epochs == best + 101

# %% [markdown]
# ## L2: $\frac{\lambda}{2}\sum w^2$, on the weights only
#
# The penalty's gradient is $\lambda w$: every step pulls each weight toward 0 by a fraction of
# itself ("weight decay"). The deck sums over the **weights** $w_i$; biases only shift a unit
# and are not penalized.
#
# A difference to know about: `nn.fit(..., l2=λ)` adds `nn.l2_penalty(model.parameters(), λ)`,
# which includes the biases (as `torch.optim.SGD(weight_decay=λ)` does). To follow the deck we
# pass our own loss with the penalty on the weights alone. The engine confirms the gradients:
# λw on a weight, 0 on a bias (and λb with nn's all-parameter version).

# %%
def weights(net):
    """The weights w_i of every neuron (no biases): what the deck's penalty sums over."""
    return [w for layer in net.layers for neuron in layer.neurons for w in neuron.w]

probe = big_net()
W = weights(probe)
b = probe.layers[0].neurons[0].b
b.data = 0.3                                         # a non-zero bias, to see the difference
print(f"{len(W)} weights and {probe.num_parameters() - len(W)} biases")
lam = 0.01
pen = nn.l2_penalty(W, lam)                          # (lam / 2) * sum w^2, as one dot node
pen.backward()
print(f"deck's penalty: d/dw = {W[0].grad:.6f} = lam * w = {lam * W[0].data:.6f};  d/db = {b.grad}")
assert abs(W[0].grad - lam * W[0].data) < 1e-15 and b.grad == 0.0
assert abs(pen.data - lam / 2 * sum(w.data ** 2 for w in W)) < 1e-12
probe.zero_grad()
nn.l2_penalty(probe, lam).backward()                 # nn's version: all parameters
print(f"nn.l2_penalty(model, lam): d/db = {b.grad:.4f} = lam * b")
assert abs(b.grad - lam * 0.3) < 1e-15

# %% [markdown]
# Now train the same network with the deck's penalty for two values of $\lambda$, and without
# one, for 600 epochs each (by then the unpenalized network's validation loss has long turned
# up), and choose with the validation set. During training we record the *data* loss (without
# the penalty) on both sets, with a compiled predictor (`ac.compile(model, 1)`), so all curves
# compare.

# %%
def train(net, loss='mse', epochs=600, compiled=True):
    """Adam(lr=0.01), full batch; returns the training and validation MSE after every epoch."""
    net.eval()
    predict = ac.compile(net, 1)                     # traced in eval mode: no dropout mask
    net.train()
    curves = ([], [])

    def record(epoch, logs):
        for c, (Xs, ys) in zip(curves, [(Xtr, ytr), (Xva, yva)]):
            c.append(float(np.mean((predict.forward(Xs) - ys) ** 2)))

    nn.fit(net, Xtr, ytr, loss=loss, optimizer=nn.Adam(net, lr=0.01), epochs=epochs,
           compiled=compiled, progress=False, callbacks=[record])
    net.eval()
    return np.array(curves[0]), np.array(curves[1]), predict


def deck_l2(net, lam):
    Wn = weights(net)
    return lambda preds, targets: nn.mse(preds, targets) + nn.l2_penalty(Wn, lam)


runs = {'no penalty': (lambda net: (net,) + train(net))(big_net())}
for lam in (0.01, 0.1):
    net = big_net()
    tr, va, pr = train(net, loss=deck_l2(net, lam))
    runs[f'L2, lambda = {lam}'] = (net, tr, va, pr)
for name, (net, tr, va, pr) in runs.items():
    print(f"{name:18s} final training loss {tr[-1]:.4f}   validation {va[-1]:.4f}")
chosen = min(runs, key=lambda k: runs[k][2][-1])
print(f"chosen by validation: {chosen}")
assert chosen == 'L2, lambda = 0.01'
assert runs[chosen][2][-1] < 1.25 * val_c[best]       # close to the best early-stopped value
assert runs['no penalty'][2][-1] > 5 * val_c[best]    # without a penalty: overfitted by now
assert runs['L2, lambda = 0.1'][1][-1] > 1.2 * noise_floor   # too strong: cannot fit the sine

# %% [markdown]
# $\lambda = 0.01$ keeps the validation loss close to the best the unpenalized network ever
# reached, to the end; $\lambda = 0.1$ is
# too strong: the weights are held so small that the network cannot bend enough to follow the
# sine (underfitting, the deck's "very simple" picture), and even its *training* loss stays high.
#
# ## Dropout, p = 0.5
#
# `nn.MLP(..., dropout=0.5)` puts an `nn.Dropout(0.5)` after every hidden layer. In training
# mode each hidden output is zeroed with probability 0.5 and the survivors are multiplied by
# 1/(1 − 0.5) = 2 (*inverted* dropout: each unit's expected output is unchanged,
# $0.5 \cdot 0 + 0.5 \cdot 2h = h$, so nothing needs rescaling at test time); in eval mode it
# does nothing. Two forward passes of the same input differ in training mode and agree in eval
# mode:

# %%
dnet = big_net(dropout=0.5)
x0 = [0.5]
h1 = dnet.layers[0]._forward(x0)
dropped = dnet.dropout(h1)
zeroed = sum(1 for v in dropped if not isinstance(v, Value))
scaled = [d.data / h.data for d, h in zip(dropped, h1) if isinstance(d, Value)]
print(f"train mode: {zeroed} of 32 hidden outputs dropped, the others scaled by {set(scaled)}")
print(f"two passes: {dnet(x0).data:.4f} and {dnet(x0).data:.4f}")
dnet.eval()
print(f"eval mode:  {dnet(x0).data:.4f} and {dnet(x0).data:.4f}")
assert 8 <= zeroed <= 24 and set(scaled) == {2.0}
assert dnet(x0).data == dnet(x0).data
dnet.train();

# %% [markdown]
# One pass is one random thinned network, so one train-mode output says little: the two above
# are far from the eval-mode output. "Expected value unchanged" is a statement about each
# unit's output averaged over many masks. We average over 2,000 masks, for the first hidden
# layer's outputs and for the network's output:

# %%
from autograd_core import no_grad
with no_grad():
    h1_data = np.array([v.data for v in h1])
    masks = np.array([[d.data if isinstance(d, Value) else 0.0 for d in dnet.dropout(h1)]
                      for _ in range(2000)])
    outs = np.array([dnet(x0).data for _ in range(2000)])
    dnet.eval(); eval_out = dnet(x0).data; dnet.train()
print(f"hidden layer 1: mean over 2,000 masks differs from the unit's output by at most "
      f"{np.abs(masks.mean(0) - h1_data).max():.3f} (outputs up to {np.abs(h1_data).max():.2f})")
print(f"network output: mean over 2,000 passes {outs.mean():.2f} (spread {outs.std():.2f}), "
      f"eval mode {eval_out:.2f}")
assert np.abs(masks.mean(0) - h1_data).max() < 0.1 * np.abs(h1_data).max()
assert abs(outs.mean() - eval_out) > 0.1 and outs.std() > 1

# %% [markdown]
# Each hidden unit's average is its own output, as promised. The network's average is not
# the eval output: the next layer passes the thinned sum through tanh, and the mean of tanh
# of something is not tanh of its mean ($E[f(h)] \neq f(E[h])$ for a curved $f$). Eval mode's
# single deterministic pass is an approximation of the average thinned network (the usual
# one, cheap and good in practice), not its exact mean.

# %% [markdown]
# Dropout draws a new mask for every example at every step, so it cannot be compiled (tracing
# would freeze one mask; `fit(compiled=True)` refuses, saying so). It trains on the eager
# engine: slower, which is why this lesson's network is small.

# %%
tr, va, pr = train(dnet, compiled=False)
runs['dropout p = 0.5'] = (dnet, tr, va, pr)
print(f"dropout: final training loss {tr[-1]:.4f}   validation {va[-1]:.4f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.8), layout='constrained')
colors = {'no penalty': RED, 'L2, lambda = 0.01': POSITIVE, 'L2, lambda = 0.1': GREEN,
          'dropout p = 0.5': PURPLE}
for name, (net, tr, va, pr) in runs.items():
    ax1.plot(np.arange(1, len(va) + 1), va, color=colors[name], lw=1.5, label=name)
ax1.axhline(noise_floor, color='grey', lw=0.8, label='noise level')
ax1.set_yscale('log'); ax1.set_xlabel('epoch'); ax1.set_ylabel('validation MSE')
ax1.set_title('validation loss'); ax1.legend(fontsize=7); ax1.grid(alpha=0.3)
show_fit(ax2, [(pr.forward(grid), colors[name], name) for name, (net, tr, va, pr) in runs.items()],
         'the four fits')
plt.show()

# %% [markdown]
# Dropout's training loss stays well above the memorizing network's (it can never rely on any
# one unit) and its validation loss ends far below it; L2 with the right $\lambda$ does best here.
#
# ## The test set, once
#
# All the choices are made (L2 with λ = 0.01, by validation). Now, and only now, the test set:

# %%
print(f"{'':18s} {'validation':>10s} {'test':>8s}")
test = {}
for name, (net, tr, va, pr) in runs.items():
    test[name] = float(np.mean((pr.forward(Xte) - yte) ** 2))
    print(f"{name:18s} {va[-1]:10.4f} {test[name]:8.4f}")
print(f"reported: the chosen model's test error is {test[chosen]:.4f}")
assert test[chosen] < 2 * noise_floor < test['no penalty']
assert test['dropout p = 0.5'] < test['no penalty'] / 4
assert runs['dropout p = 0.5'][2][-1] < runs['no penalty'][2][-1] / 4

# %% [markdown]
# ## L1 against L2: sparsity
#
# The deck: "L2 makes all parameters medium-size; L1 kills many parameters". To see it, a
# linear model with 20 inputs of which only 3 matter ($y = 2x_1 - 3x_2 + 1.5x_3 + $ noise, 40
# examples), trained with the same strength λ = 0.3 of each penalty on its weights.
#
# Why they differ: L2's pull on a weight is $\lambda w$, which fades as $w$ shrinks, so weights
# get small but not zero. L1's pull is $\lambda\,\mathrm{sign}(w)$, the same size however small
# $w$ is, so a weight whose data gradient is weaker than λ is pushed all the way to 0 (and then
# jitters around it: each step moves it by about $\text{lr}\cdot\lambda = 0.02 \times 0.3 =
# 0.006$, one way or the other).

# %%
rs = np.random.default_rng(0)
Xl = rs.normal(size=(40, 20))
true_w = np.zeros(20)
true_w[:3] = [2.0, -3.0, 1.5]
yl = Xl @ true_w + rs.normal(0, 0.5, 40)

fits = {}
for kind, penalty in [('L2', nn.l2_penalty), ('L1', nn.l1_penalty)]:
    lin = nn.MLP(20, [1], seed=0)
    Wl = lin.layers[0].neurons[0].w
    nn.fit(lin, Xl, yl, optimizer=nn.SGD(lin, lr=0.02), epochs=500, compiled=True,
           progress=False, loss=lambda p, t, Wl=Wl, pen=penalty: nn.mse(p, t) + pen(Wl, 0.3))
    fits[kind] = np.array([w.data for w in Wl])
    small = int(np.sum(np.abs(fits[kind]) < 0.01))
    print(f"{kind}: weights 1-3 = {fits[kind][:3].round(2)}, |w| < 0.01 for {small} of the 17 "
          f"useless inputs; largest useless weight {np.abs(fits[kind][3:]).max():.3f}")
assert np.abs(fits['L1'][3:]).max() < 2 * 0.02 * 0.3 and np.sum(np.abs(fits['L1']) < 0.01) >= 17

# %%
fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.0), sharey=True, layout='constrained')
for ax, kind in zip(axes, fits):
    w = fits[kind]
    ax.bar(np.arange(1, 21), w, color=[POSITIVE if v > 0 else NEGATIVE for v in w])
    ax.plot(np.arange(1, 21), true_w, 'k_', ms=12, mew=2, label='true weight')
    ax.axhline(0, color='black', lw=0.6)
    ax.set_xticks(range(1, 21)); ax.set_xlabel('input')
    ax.set_title(f'{kind} (lambda = 0.3): {int(np.sum(np.abs(w) < 0.01))} of 20 weights below 0.01')
    ax.grid(alpha=0.3, axis='y')
axes[0].set_ylabel('learned weight'); axes[0].legend(fontsize=8)
plt.show()

# %%
assert np.sum(np.abs(fits['L1'][3:]) < 0.01) == 17     # L1: every useless weight is ~0
assert np.sum(np.abs(fits['L2'][3:]) < 0.01) <= 2      # L2: small, but not zero
assert np.all(np.abs(fits['L1'][:3] - true_w[:3]) < 0.4)  # the useful ones survive

# %% [markdown]
# L1 has picked the three inputs that matter and switched the other 17 off: a built-in feature
# selection. L2 keeps every input a little (medium-size weights everywhere).
#
# ## Your turn

# %%
from exercises import check, hint, solution

# %% [markdown]
# **1.** The deck's L2 penalty with λ = 0.1: what is its gradient with respect to a weight
# $w = 0.5$?

# %%
answer = ...
check("10.l2_grad", answer);

# %% [markdown]
# **2.** One plain SGD step (lr = 0.1) on the L2 penalty alone (λ = 0.01, the data gradient is
# 0): what does the weight $w = 2.0$ become?

# %%
answer = ...
check("10.decay_step", answer);

# %% [markdown]
# **3.** The L1 penalty λ|w| with λ = 0.1: its gradient at $w = -0.3$?

# %%
answer = ...
check("10.l1_grad", answer);

# %% [markdown]
# **4.** Inverted dropout with p = 0.5 in training mode: a hidden unit outputs 0.8 and is kept.
# What value goes to the next layer?

# %%
answer = ...
check("10.dropout_scale", answer);

# %% [markdown]
# **5.** You have three candidate values of λ. Which set do you compare them on:
# `'train'`, `'validation'` or `'test'`?

# %%
answer = ...
check("10.which_set", answer);

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
# **activation function**: $a = \sigma(w \cdot x + b)$. This lesson builds neurons, layers and
# the decks' toy network with the engine, and looks at what each activation does to the
# gradient flowing back.

# %%
# %matplotlib inline
import math
import warnings
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value, no_grad
import nn
import viz
from viz.plots import POSITIVE, NEGATIVE
from exercises import check, hint, solution

# %% [markdown]
# ## Why neural networks at all?
#
# Deck 000's argument. A linear model can fit a curved boundary if we hand it curved
# **features**: $x_1^2$, $x_1 x_2$, $x_2^3$, ... But the number of monomials of degree at most
# $k$ in $n$ inputs is $\binom{n+k}{k}$, which grows like $n^k$. A tiny 50×50 grey image
# already has 2,500 inputs:

# %%
print(f"a 50x50 image has {50 * 50:,} inputs")
print(f"{'inputs n':>9} {'degree <= 2':>14} {'degree <= 3':>18}")
for n_in in [2, 10, 100, 2500]:
    print(f"{n_in:>9,} {math.comb(n_in + 2, 2):>14,} {math.comb(n_in + 3, 3):>18,}")
assert 50 * 50 == 2500
assert math.comb(2500 + 2, 2) == 3_128_751       # ~ n^2 / 2 quadratic features
assert math.comb(2500 + 3, 3) > 2.6e9            # ~ n^3 / 6 cubic ones: hopeless

# %% [markdown]
# Three million quadratic features for a thumbnail, 2.6 billion cubic ones. A neural network
# instead *learns* a small number of useful features in its hidden layers.
#
# ## A neuron is logistic regression
#
# With the sigmoid $\sigma(z) = 1/(1+e^{-z})$ a neuron is exactly **logistic regression**: the
# output is a probability.

# %%
w = [Value(2.0, label='w1'), Value(-1.0, label='w2')]
b = Value(-0.5, label='b')
x = [1.0, 0.5]
z = w[0] * x[0] + w[1] * x[1] + b
p = z.sigmoid(); p.label = 'p'
print(f"z = {z.data}, P(class 1) = {p.data:.4f}")
assert z.data == 1.0 and abs(p.data - 1 / (1 + np.exp(-1.0))) < 1e-12

# %% [markdown]
# ## Deck 002's ReLU neuron
#
# $w = [0.5, 0.1, 0.0058]$, $x = [0.4, 2, 17]$, $b = 0.2$, ReLU activation. The slide says the
# output is 0.7; the exact value is 0.6986 (the slide rounds).

# %%
wr = [Value(0.5, label='w1'), Value(0.1, label='w2'), Value(0.0058, label='w3')]
br = Value(0.2, label='b')
xr = [0.4, 2.0, 17.0]
zr = sum((wi * xi for wi, xi in zip(wr, xr)), br)
ar = zr.relu()
print(f"z = 0.5*0.4 + 0.1*2 + 0.0058*17 + 0.2 = {zr.data:.4f};  ReLU(z) = {ar.data:.4f}"
      f"  (slide: {ar.data:.1f})")
assert f"{ar.data:.4f}" == "0.6986" and round(ar.data, 1) == 0.7

# %% [markdown]
# ## Activation functions and their derivatives
#
# The derivative matters as much as the function: it is the *local gradient* every backward
# pass multiplies by. Solid blue: the function; dashed orange: its derivative, computed by the
# engine's `backward()`.
#
# | name | formula | derivative |
# |---|---|---|
# | sigmoid | $1/(1+e^{-z})$ | $\sigma(1-\sigma)$, at most 0.25 |
# | tanh | $(e^z - e^{-z})/(e^z + e^{-z}) = 2\sigma(2z) - 1$ | $1 - \tanh^2$ |
# | ReLU | $\max(z, 0)$ | 1 for $z>0$, 0 for $z \le 0$ (0 at 0, as PyTorch) |
# | leaky ReLU | $\max(z, 0.01 z)$ | 1 or 0.01 |
# | ELU | $z$ or $e^z - 1$ | 1 or $e^z$ |
# | softplus | $\log(1 + e^z)$ | $\sigma(z)$ |
# | hard tanh | $\mathrm{clamp}(z, -1, 1)$ | 1 inside, 0 outside |
# | softsign | $z / (1 + |z|)$ | $1/(1+|z|)^2$ |

# %%
fig = viz.plot_activations(ncols=4)
fig

# %% [markdown]
# ### tanh is a stretched, shifted sigmoid
#
# Written out, $\tanh z = \frac{e^z - e^{-z}}{e^z + e^{-z}}$; and $\tanh z = 2\sigma(2z) - 1$.
# Built from Values, all three agree, and so do their gradients:

# %%
for zval in [-2.0, -0.3, 0.0, 1.5]:
    a1, a2, a3 = Value(zval), Value(zval), Value(zval)
    t1 = a1.tanh()
    t2 = (a2.exp() - (-a2).exp()) / (a2.exp() + (-a2).exp())
    t3 = 2 * (2 * a3).sigmoid() - 1
    for t in (t1, t2, t3):
        t.backward()
    print(f"z = {zval:+.1f}: tanh {t1.data:+.6f}  written out {t2.data:+.6f}  "
          f"2sigmoid(2z)-1 {t3.data:+.6f}   d/dz: {a1.grad:.6f} {a2.grad:.6f} {a3.grad:.6f}")
    assert abs(t1.data - t2.data) < 1e-12 and abs(t1.data - t3.data) < 1e-12
    assert abs(a1.grad - a2.grad) < 1e-12 and abs(a1.grad - a3.grad) < 1e-12

# %% [markdown]
# ### Zero-centred outputs
#
# On inputs spread symmetrically around 0, tanh's outputs average 0 while the sigmoid's
# average 0.5: every sigmoid output is positive. The next layer's weight gradients are
# $\partial L/\partial w_i = \delta \cdot a_i$: when every $a_i > 0$ they all share the sign of
# $\delta$, so in one step all the weights of a neuron can only go up together or down
# together, and reaching a mix of signs takes a zig-zag of steps. Deck 001 says only that
# tanh, "unlike sigmoid", is zero-centred; the argument is CS231n's. tanh's outputs have
# both signs.

# %%
zs = np.linspace(-3, 3, 13)
sig = 1 / (1 + np.exp(-zs)); tnh = np.tanh(zs)
print(f"mean sigmoid output {sig.mean():.3f}, mean tanh output {tnh.mean():.3f}")
assert abs(sig.mean() - 0.5) < 1e-12 and abs(tnh.mean()) < 1e-12
delta = -0.7                            # the upstream gradient at some neuron
print("dL/dw_i = delta * a_i with sigmoid inputs:", np.round(delta * sig[::3], 3) + 0.0)
print("dL/dw_i = delta * a_i with tanh inputs:   ", np.round(delta * tnh[::3], 3) + 0.0)
assert np.all(delta * sig < 0) and np.any(delta * tnh > 0) and np.any(delta * tnh < 0)

# %% [markdown]
# ## Sigmoid saturates
#
# The sigmoid's derivative $\sigma(z)(1-\sigma(z))$ is at most 0.25 (at $z=0$) and almost
# zero for large $|z|$: at $z = 10$ it is about $4.5 \times 10^{-5}$, so a saturated neuron
# passes almost no gradient back. Stack several and the gradient shrinks by at least 4× per
# layer: $0.25^{5} \approx 0.001$ after five sigmoid layers.

# %%
for zval in [0.0, 2.0, 10.0]:
    v = Value(zval); v.sigmoid().backward()
    print(f"sigmoid'({zval:>4}) = {v.grad:.2e}")
sig10 = Value(10.0); sig10.sigmoid().backward()
assert abs(sig10.grad - 4.54e-5) < 1e-7
chain = Value(0.0); out = chain
for _ in range(5):
    out = out.sigmoid()
out.backward()
print(f"gradient through 5 stacked sigmoids: {chain.grad:.2e} (at most 0.25^5 = {0.25**5:.2e})")
assert chain.grad <= 0.25 ** 5

# %% [markdown]
# ## ReLU, relu'(0) = 0, and leaky ReLU
#
# ReLU's derivative is exactly 1 for $z > 0$ and exactly 0 for $z < 0$. At the kink $z = 0$ the
# engine uses 0, as PyTorch does. Leaky ReLU keeps a small slope 0.01 (the decks' value) for
# negative inputs, so a negative unit still receives a little gradient.

# %%
for zval in [-3.0, 0.0, 2.0]:
    v1, v2 = Value(zval), Value(zval)
    v1.relu().backward(); v2.leaky_relu(0.01).backward()
    print(f"z = {zval:+}: relu' = {v1.grad}, leaky_relu' = {v2.grad}")
r0 = Value(0.0); r0.relu().backward()
lk = Value(-3.0); lk.leaky_relu(0.01).backward()
assert r0.grad == 0.0 and lk.grad == 0.01

# %% [markdown]
# ## Dying ReLU
#
# A ReLU unit whose input is negative on *every* training example outputs 0 everywhere and
# receives exactly zero gradient: nothing will ever move its weights again. It is **dead**.
# Does a too-large learning rate kill units? We take one big gradient step (lr = 0.5) on the
# moons data, then train gently (lr = 0.05) for 50 epochs, and count the dead hidden units
# after the big step and at the end, against a run that is gentle from the start.

# %%
warnings.simplefilter("ignore", RuntimeWarning)
Xm, ym = nn.data.moons(100, noise=0.1, seed=0)
tm = 2.0 * ym - 1.0                                 # targets -1 / +1

def hidden_activity(model):
    """Each hidden unit's activation on every training example (no graph recorded)."""
    with no_grad():
        return np.array([[n(list(x)).data for n in model.layers[0].neurons] for x in Xm])

def dead_units(model):
    return [j for j, col in enumerate(hidden_activity(model).T) if col.max() <= 0.0]

results = {}
for name, first_lr, act in [("gentle, ReLU", 0.05, "relu"), ("one big step, ReLU", 0.5, "relu"),
                            ("one big step, leaky ReLU", 0.5, "leaky_relu")]:
    model = nn.MLP(2, [16, 1], activation=act, seed=0)
    nn.fit(model, Xm, tm, loss='mse', optimizer=nn.SGD(model, lr=first_lr), epochs=1,
           progress=False)
    after_step = len(dead_units(model))
    nn.fit(model, Xm, tm, loss='mse', optimizer=nn.SGD(model, lr=0.05), epochs=50,
           batch_size=10, progress=False)
    results[name] = (model, after_step, dead_units(model))
    word = "silent" if act == "leaky_relu" else "dead"   # below zero on every example
    print(f"{name:>25}: {word:>6} after the first step {after_step:>2}, "
          f"after 50 more epochs {len(results[name][2]):>2} of 16")
big = results["one big step, ReLU"]
gentle = results["gentle, ReLU"]
assert (gentle[1], len(gentle[2])) == (0, 2) and (big[1], len(big[2])) == (2, 11)
assert results["one big step, leaky ReLU"][1:2] == (2,) and len(results["one big step, leaky ReLU"][2]) == 9

# %% [markdown]
# Read the table carefully. The big step itself killed **2** units, no more than the gentle
# run ends with. The other **9** died *afterwards*, during the gentle training: the big step
# threw the weights to a place from which ordinary small steps pushed unit after unit below
# zero on every example. So a too-large step does its damage both at once and by where it
# leaves the network. (The leaky row counts units that are below zero on every example too;
# the next cells show why for leaky ReLU that is not death.)

# %% [markdown]
# Dead units get exactly zero gradient, so more training cannot revive them: we compute the
# gradient of the loss on the whole training set and look at the dead units' weights.

# %%
model, _, dead = big
model.zero_grad()
loss = nn.mse([model(list(x)) for x in Xm], list(tm))
loss.backward()
g_dead = [abs(p.grad) for j in dead for p in model.layers[0].neurons[j].parameters()]
alive = [j for j in range(16) if j not in dead]
g_alive = [abs(p.grad) for j in alive for p in model.layers[0].neurons[j].parameters()]
print(f"{len(dead)} dead units: largest |gradient| on their weights and biases = {max(g_dead)}")
print(f"{len(alive)} live units: largest |gradient| = {max(g_alive):.3g}")
assert max(g_dead) == 0.0 and max(g_alive) > 0.0
nn.fit(model, Xm, tm, loss='mse', optimizer=nn.SGD(model, lr=0.05), epochs=20, batch_size=10,
       progress=False)
print(f"after 20 more epochs the same units are dead: {dead_units(model) == dead}")
assert dead_units(model) == dead

# %% [markdown]
# Leaky ReLU's units can also end up below zero on every example (the 9 of the table): call
# them **silent**, not dead. The slope 0.01 still passes a gradient, so their weights keep
# moving and training can bring them back, slowly. We check both: the gradient, and 100 more
# epochs of training for the leaky network and for the ReLU one.

# %%
leaky, _, silent = results["one big step, leaky ReLU"]
leaky.zero_grad()
nn.mse([leaky(list(x)) for x in Xm], list(tm)).backward()
g_silent = [max(abs(p.grad) for p in leaky.layers[0].neurons[j].parameters()) for j in silent]
print(f"{len(silent)} silent leaky units; smallest of their largest gradients: "
      f"{min(g_silent):.2e} (not 0)")
assert all(g > 0 for g in g_silent)
for net in (leaky, model):
    nn.fit(net, Xm, tm, loss='mse', optimizer=nn.SGD(net, lr=0.05), epochs=100, batch_size=10,
           progress=False)
back = [j for j in silent if j not in dead_units(leaky)]
print(f"after 100 more epochs: leaky units firing again {back} ({len(back)} of {len(silent)}); "
      f"dead ReLU units firing again: {[j for j in dead if j not in dead_units(model)]}")
assert len(back) == 1 and dead_units(model) == dead

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
act_map = hidden_activity(model) > 0
ax.imshow(act_map.T, aspect='auto', cmap=plt.matplotlib.colors.ListedColormap(['white', POSITIVE]),
          interpolation='nearest')
ax.set_xlabel('training example'); ax.set_ylabel('hidden unit')
ax.set_yticks(range(16))
ax.tick_params(axis='y', labelsize=8)
for j in dead:
    ax.get_yticklabels()[j].set_color(NEGATIVE)
ax.set_title(f'ReLU network after training: blue where a unit fires; {len(dead)} units '
             '(orange numbers) never fire', fontsize=10)
plt.show()

# %% [markdown]
# ## Deck 001's toy network, to the end
#
# Input $[1, -1]$, three sigmoid layers of two neurons. The deck gives the first layer,
# $W_1 = \begin{bmatrix}1 & -2\\ -1 & 1\end{bmatrix}$, $b_1 = [1, 0]$, and the activations
# $[0.98, 0.12] \to [0.86, 0.11] \to [0.62, 0.83]$, but its figure lost the weights of
# layers 2 and 3. **The following are a reconstruction**, chosen to reproduce the deck's
# numbers: $W_2 = \begin{bmatrix}2 & -1\\ -2 & -1\end{bmatrix}$, $b_2 = [0, 0]$,
# $W_3 = \begin{bmatrix}3 & -1\\ -1 & 4\end{bmatrix}$, $b_3 = [-2, 2]$.

# %%
toy = nn.MLP(2, [2, 2, 2], activation='sigmoid', output_activation='sigmoid')
weights = [([[1, -2], [-1, 1]], [1, 0]),          # from the deck
           ([[2, -1], [-2, -1]], [0, 0]),         # reconstructed
           ([[3, -1], [-1, 4]], [-2, 2])]         # reconstructed
for layer, (W, bvec) in zip(toy.layers, weights):
    for neuron, row, bias in zip(layer.neurons, W, bvec):
        for wv, val in zip(neuron.w, row):
            wv.data = float(val)
        neuron.b.data = float(bias)
h = [1.0, -1.0]
acts = []
for k, layer in enumerate(toy.layers, start=1):
    h = [v.data for v in layer(h)]
    acts.append(h)
    print(f"layer {k}: {[round(v, 4) for v in h]}   (deck: {[round(v, 2) for v in h]})")
assert [[round(v, 2) for v in a] for a in acts] == [[0.98, 0.12], [0.86, 0.11], [0.62, 0.83]]
assert [f"{v:.4f}" for v in acts[-1]] == ["0.6177", "0.8291"]

# %%
viz.draw_network(toy, show_weights=True, output_names=['y1', 'y2'])

# %% [markdown]
# The first layer as Values, its parameters labelled $w_{11} \dots b_2$ and passed as
# parameters (green), with the gradient of $a_1 + a_2$. The saturated first unit ($a = 0.98$,
# local gradient $0.98 \cdot 0.02 = 0.018$) passes back far less than the second
# ($0.12 \cdot 0.88 = 0.105$). The graph shows the first neuron, top to bottom: parameters
# green, inputs blue, the output yellow; every edge reads local × upstream = sends.

# %%
xin = [Value(1.0, label='x1'), Value(-1.0, label='x2')]
Wv = [[Value(1.0, label='w11'), Value(-2.0, label='w12')],
      [Value(-1.0, label='w21'), Value(1.0, label='w22')]]
bv = [Value(1.0, label='b1'), Value(0.0, label='b2')]
pre = [Wv[i][0] * xin[0] + Wv[i][1] * xin[1] + bv[i] for i in range(2)]
a1 = [zi.sigmoid() for zi in pre]
a1[0].label, a1[1].label = 'a1', 'a2'
total = a1[0] + a1[1]; total.label = 'a1+a2'
total.backward()
print("d(a1+a2)/dW =", [[round(Wv[i][j].grad, 4) for j in range(2)] for i in range(2)])
assert abs(bv[0].grad - a1[0].data * (1 - a1[0].data)) < 1e-12 and bv[0].grad < bv[1].grad
viz.draw_graph(a1[0], rankdir='TB', params=[Wv[0][0], Wv[0][1], bv[0]], legend=False)

# %% [markdown]
# ## Counting parameters: a 3-4-2 network has 26
#
# Deck 001: every neuron has one weight per input and one bias. $3 \cdot 4 + 4 = 16$ in the
# hidden layer, $4 \cdot 2 + 2 = 10$ in the output layer.

# %%
net342 = nn.MLP(3, [4, 2], seed=0)
print(net342.summary())  # print(net342) lists every neuron, as micrograd does
print("parameters counted by the engine:", len(net342.parameters()))
assert len(net342.parameters()) == 3 * 4 + 4 + 4 * 2 + 2 == 26

# %% [markdown]
# ## Softmax and its gradient $p - \text{onehot}$
#
# For several classes the output layer gives **logits** $z$, softmax turns them into
# probabilities $p_i = e^{z_i} / \sum_j e^{z_j}$, and the loss is $-\log p_y$. Its gradient
# with respect to the logits is remarkably simple: $p - \text{onehot}(y)$.

# %%
logits = [Value(2.0, label='z1'), Value(1.0, label='z2'), Value(0.1, label='z3')]
target = 0
probs = ac.softmax(logits)
ce = -ac.log_softmax(logits)[target]
ce.backward()
p_np = np.array([q.data for q in probs])
onehot = np.eye(3)[target]
print("p          =", np.round(p_np, 4))
print("p - onehot =", np.round(p_np - onehot, 4))
print("engine     =", np.round([zv.grad for zv in logits], 4))
assert np.allclose([zv.grad for zv in logits], p_np - onehot, atol=1e-12)

# %% [markdown]
# ## Without activations, layers collapse
#
# Two linear layers are one linear layer: $W_2(W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 +
# b_2)$. However deep, a network without non-linear activations draws only straight lines.

# %%
deep_linear = nn.MLP(2, [5, 5, 1], activation='linear', seed=3)
Ws = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in deep_linear.layers]
bs = [np.array([n.b.data for n in layer.neurons]) for layer in deep_linear.layers]
for layer in deep_linear.layers:          # give the biases some values too
    for n in layer.neurons:
        n.b.data = 0.1
bs = [np.full(len(layer.neurons), 0.1) for layer in deep_linear.layers]
W_all = Ws[2] @ Ws[1] @ Ws[0]
b_all = Ws[2] @ (Ws[1] @ bs[0] + bs[1]) + bs[2]
pts = np.random.default_rng(0).normal(size=(5, 2))
net_out = np.array([deep_linear(list(p_)).data for p_ in pts])
one_layer = pts @ W_all.T + b_all
print("one equivalent layer: W =", np.round(W_all, 4), " b =", np.round(b_all, 4))
print(f"max difference on 5 random inputs: {float(np.abs(net_out - one_layer.ravel()).max()):.0e} (rounding)")
assert np.allclose(net_out, one_layer.ravel(), atol=1e-12)

# %% [markdown]
# ## A linear output for regression
#
# For classification the last activation squashes to a probability. For **regression** the
# target can be any number, so the output neuron stays linear: a sigmoid output can never
# exceed 1. Fitting $t = 2x + 1$ on $[-3, 3]$ (targets from $-5$ to $7$):

# %%
xr_ = np.linspace(-3, 3, 20).reshape(-1, 1)
tr_ = 2 * xr_.ravel() + 1
fits = {}
for out_act in ['sigmoid', None]:
    m = nn.MLP(1, [8, 1], activation='tanh', output_activation=out_act, init='xavier', seed=0)
    hist = nn.fit(m, xr_, tr_, loss='mse', optimizer=nn.SGD(m, lr=0.01), epochs=150,
                  batch_size=5, progress=False)
    fits[out_act or 'linear'] = (m.predict(xr_).ravel(), hist.history['loss'][-1])
    pred_, mse_ = fits[out_act or 'linear']
    print(f"output {out_act or 'linear':>8}: predictions from {pred_.min():+.4f} "
          f"to {pred_.max():+.4f}, final MSE {mse_:.3f}")
assert fits['sigmoid'][0].max() < 1 and fits['sigmoid'][1] > 5
assert fits['linear'][1] < 0.1
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(xr_, tr_, 'k.', label='targets')
ax.plot(xr_, fits['sigmoid'][0], color=NEGATIVE, label='sigmoid output')
ax.plot(xr_, fits['linear'][0], color=POSITIVE, label='linear output')
ax.legend(); ax.set_xlabel('x'); ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ## Your turn
#
# `hint("02.relu_neuron")` gives a nudge, `solution("02.relu_neuron")` the worked answer.
#
# **1.** A ReLU neuron with $w = [0.5, -0.2, 0.1]$, $x = [2, 3, -4]$, $b = -0.5$. Its output?

# %%
answer = ...
check("02.relu_neuron", answer);

# %% [markdown]
# **2.** Write the sigmoid gate's backward: given the input $x$ and the upstream gradient,
# return the gradient sent to $x$. (The checker uses an upstream of 1.5, not 1.)

# %%
def backward(x, upstream):
    s = 1 / (1 + math.exp(-x))
    return ...

check("02.sigmoid_backward", backward);

# %% [markdown]
# **3.** How many parameters does `nn.MLP(4, [5, 3])` have? Count by hand first.

# %%
answer = ...
check("02.count_params", answer);

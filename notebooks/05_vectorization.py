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
# # 5. Vectorization: deck 002's training loop in numpy, checked by the engine
#
# Deck 002 ends with "The Algorithm": six numpy functions that train a network,
# `initialize_parameters`, `forward_propagation`, `compute_cost`, `backward_propagation`,
# `update_parameters` and `nn_model`. Examples are the **columns** of $X$, a layer is one matrix
# product, and backprop is a handful of matrix formulas, for every layer $l = L, \dots, 1$:
#
# $$dZ^{[L]} = A^{[L]} - Y,\qquad dW^{[l]} = \tfrac1m\, dZ^{[l]} A^{[l-1]T},\qquad
# db^{[l]} = \tfrac1m \textstyle\sum_{\text{columns}} dZ^{[l]},$$
# $$dZ^{[l-1]} = W^{[l]T} dZ^{[l]} \odot g'(Z^{[l-1]}),\qquad g = \tanh:\ g'(Z) = 1 - A^2 .$$
#
# This lesson writes the loop for $L$ layers, checks every gradient against the scalar engine
# (which derives the same numbers node by node, without a single hand-written derivative), and
# then looks at four things the decks say in passing: the slide code's typos, the sum-versus-mean
# cost, deck 001's delta rule, and why the inputs must be preprocessed.

# %%
# %matplotlib inline
import warnings
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
from viz.plots import POSITIVE, NEGATIVE, CLASS_COLORS, TRAIN_COLOR

# %% [markdown]
# ## The slide's backward pass, as printed
#
# Here is deck 002's `backward_propagation`, character for character. Running it fails:

# %%
slide_code = '''
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters['W1']
    W2 = parameters['W2']
    A1 = cache['A1']
    A2 = cache['A2']

    dZ2= A2 - Y
    dw2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dz1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dw1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)

    grads = {"dW1": dw1, "db1": db1, "dW2": dw2, "db2": db2}
    return grads
'''
slide = {'np': np}
exec(slide_code, slide)
demo = {'W1': np.ones((4, 2)), 'W2': np.ones((1, 4))}
try:
    slide['backward_propagation'](demo, {'A1': np.zeros((4, 3)), 'A2': np.ones((1, 3))},
                                  np.zeros((2, 3)), np.zeros((1, 3)))
    raise AssertionError("the slide's code ran")
except NameError as e:
    print(f"NameError: {e}")
    assert "dZ1" in str(e)

# %% [markdown]
# Python names are case-sensitive. The slide assigns `dz1` (lower case) and then reads `dZ1`,
# which does not exist; it also mixes `dw2`/`dW2` and `dw1`/`dW1` (those happen to work, because
# the lower-case names are only ever used together, and the dict maps them to the capital
# keys). The version below fixes it by using one spelling throughout, the capital one the
# formulas use: `dZ1`, `dW1`, `dW2`.
#
# ## The whole loop, for L layers
#
# `layer_dims` lists the sizes, input first: the deck's shallow network is `[n_x, 4, 1]`
# (`n_h = 4` hidden tanh units, a sigmoid output). The parameters start as the deck says,
# `np.random.randn(...) * 0.01` for the weights and zeros for the biases (with numpy's seeded
# generator, so the numbers are the same every run).

# %%
def initialize_parameters(layer_dims, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f'W{l}'] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters[f'b{l}'] = np.zeros((layer_dims[l], 1))
    return parameters


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagation(X, parameters):
    """tanh hidden layers, a sigmoid output; the cache keeps every Z and A for backward."""
    L = len(parameters) // 2
    A, cache = X, {'A0': X}
    for l in range(1, L + 1):
        Z = parameters[f'W{l}'] @ A + parameters[f'b{l}']
        A = np.tanh(Z) if l < L else sigmoid(Z)
        cache[f'Z{l}'], cache[f'A{l}'] = Z, A
    return A, cache


def compute_cost(AL, Y, reduction='mean'):
    """Binary cross-entropy: the mean over the m examples (the slide's code), or their sum
    (the slides' formula J = sum of losses)."""
    losses = -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return float(losses.sum() / (Y.shape[1] if reduction == 'mean' else 1))


def backward_propagation(parameters, cache, Y):
    L = len(parameters) // 2
    m = Y.shape[1]
    grads = {}
    dZ = cache[f'A{L}'] - Y                             # sigmoid + cross-entropy: A - Y
    for l in range(L, 0, -1):
        grads[f'dW{l}'] = (1 / m) * dZ @ cache[f'A{l - 1}'].T
        grads[f'db{l}'] = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
        if l > 1:                                       # the deck's dz1 -> dZ1, one spelling
            dZ = (parameters[f'W{l}'].T @ dZ) * (1 - cache[f'A{l - 1}'] ** 2)
    return grads


def update_parameters(parameters, grads, learning_rate):
    return {k: v - learning_rate * grads['d' + k] for k, v in parameters.items()}


def nn_model(X, Y, layer_dims, num_iterations=10000, learning_rate=1.2, stop_cost=None):
    """Deck 002's training loop; stops early once the cost is below ``stop_cost``."""
    parameters = initialize_parameters(layer_dims)
    costs = []
    for i in range(num_iterations):
        AL, cache = forward_propagation(X, parameters)
        costs.append(compute_cost(AL, Y))
        if stop_cost is not None and costs[-1] < stop_cost:
            break
        grads = backward_propagation(parameters, cache, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs


# %% [markdown]
# ## Every gradient, checked by the engine
#
# The same network in `nn`: `nn.MLP(n_x, [5, 3, 1], activation='tanh',
# output_activation='sigmoid')`, with the numpy weights copied in (row $i$ of $W^{[l]}$ is neuron
# $i$ of layer $l$). Its loss is `nn.binary_cross_entropy` (a mean), one small graph per
# example; `backward()` fills every weight's `.grad`. A deeper net than the deck's, to exercise
# the loop over layers.

# %%
Xm, ym = nn.data.moons(200, noise=0.1, seed=0)
X, Y = Xm.T, ym[None, :]                               # columns are examples, as in the deck
m = X.shape[1]
dims = [2, 5, 3, 1]
P = initialize_parameters(dims, seed=1)
for k in P:                                             # bigger than 0.01, so that every
    P[k] = P[k] * 100 if k.startswith('W') else P[k] + 0.1   # gradient is clearly non-zero

net = nn.MLP(2, dims[1:], activation='tanh', output_activation='sigmoid')
for l, layer in enumerate(net.layers, 1):
    for i, neuron in enumerate(layer.neurons):
        for j, w in enumerate(neuron.w):
            w.data = float(P[f'W{l}'][i, j])
        neuron.b.data = float(P[f'b{l}'][i, 0])

AL, cache = forward_propagation(X, P)
grads = backward_propagation(P, cache, Y)
loss = nn.binary_cross_entropy([net(x) for x in Xm], ym)
loss.backward()
print(f"cost: numpy {compute_cost(AL, Y):.12f}, engine {loss.data:.12f}")
worst = 0.0
for l, layer in enumerate(net.layers, 1):
    dW = np.array([[w.grad for w in n.w] for n in layer.neurons])
    db = np.array([[n.b.grad] for n in layer.neurons])
    err = max(np.abs(dW - grads[f'dW{l}']).max(), np.abs(db - grads[f'db{l}']).max())
    worst = max(worst, err / np.abs(grads[f'dW{l}']).max())
    print(f"layer {l}: dW{l} {dW.shape}, db{l} {db.shape}, largest difference {err:.1e}")
assert abs(compute_cost(AL, Y) - loss.data) < 1e-12 and worst < 1e-12

# %% [markdown]
# ## Where `dW = dZ Aᵀ` comes from: the shapes decide
#
# CS231n's trick for the gradient of a matrix product: you rarely need index calculus, because
# the gradient of a matrix has that matrix's **shape**, and only one product of the available
# pieces has it. For one layer $Z = W A + b$ with $m$ examples in columns:
#
# | array | shape | | gradient | must have shape | the only product that does |
# |---|---|---|---|---|---|
# | $W$ | $(n_l, n_{l-1})$ | | $dW$ | $(n_l, n_{l-1})$ | $dZ\,A^\top$: $(n_l, m)(m, n_{l-1})$ |
# | $A$ | $(n_{l-1}, m)$ | | $dA$ | $(n_{l-1}, m)$ | $W^\top dZ$: $(n_{l-1}, n_l)(n_l, m)$ |
# | $b$ | $(n_l, 1)$ | | $db$ | $(n_l, 1)$ | $dZ$ summed over its $m$ columns |
#
# The sum over the $m$ columns inside $dZ\,A^\top$ is the sum over examples (each example's
# outer product $dZ^{(i)} A^{(i)\top}$ adds up), which is why the slide then divides by $m$
# for the mean. Checked with the engine: a layer of scalar Values, a loss
# $L = \sum_{ij} G_{ij} Z_{ij}$ whose $dZ$ is exactly a chosen $G$, and `backward()`:

# %%
rng = np.random.default_rng(5)
n_prev, n_l, mb = 3, 2, 4
Wn, An, G = rng.normal(size=(n_l, n_prev)), rng.normal(size=(n_prev, mb)), rng.normal(size=(n_l, mb))
WV = [[Value(float(Wn[i, j])) for j in range(n_prev)] for i in range(n_l)]
AV = [[Value(float(An[j, k])) for k in range(mb)] for j in range(n_prev)]
ZV = [[sum((WV[i][j] * AV[j][k] for j in range(n_prev)), Value(0.0)) for k in range(mb)]
      for i in range(n_l)]
L = sum((float(G[i, k]) * ZV[i][k] for i in range(n_l) for k in range(mb)), Value(0.0))
L.backward()
dW_engine = np.array([[v.grad for v in row] for row in WV])
dA_engine = np.array([[v.grad for v in row] for row in AV])
print(f"W {Wn.shape}, A {An.shape}, dZ = G {G.shape}")
print(f"dW: engine {dW_engine.shape}, dZ @ A.T {(G @ An.T).shape}, largest difference "
      f"{np.abs(dW_engine - G @ An.T).max():.1e}")
print(f"dA: engine {dA_engine.shape}, W.T @ dZ {(Wn.T @ G).shape}, largest difference "
      f"{np.abs(dA_engine - Wn.T @ G).max():.1e}")
assert np.allclose(dW_engine, G @ An.T, rtol=1e-12, atol=1e-14)
assert np.allclose(dA_engine, Wn.T @ G, rtol=1e-12, atol=1e-14)

# %% [markdown]
# ## Training: nn_model on the moons
#
# The deck's shallow network, `[2, 4, 1]`, trained with the loop above (learning rate 1.2, a
# full batch per step). The loop stops once the cost is below 0.02, when every point is
# classified correctly.

# %%
params, costs = nn_model(X, Y, [2, 4, 1], num_iterations=5000, learning_rate=1.2, stop_cost=0.02)
AL, _ = forward_propagation(X, params)
acc = float(np.mean((AL > 0.5) == Y))
print(f"{len(costs)} iterations: cost {costs[0]:.4f} -> {costs[-1]:.4f}, training accuracy {acc:.0%}")
assert abs(costs[0] - np.log(2)) < 1e-3      # tiny weights: every output starts at 0.5
assert costs[-1] < 0.02 and acc == 1.0

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), layout='constrained')
ax1.plot(costs, color=TRAIN_COLOR)
ax1.set_xlabel('iteration'); ax1.set_ylabel('cost (mean cross-entropy)')
ax1.set_title(f'stopped at iteration {len(costs) - 1}: solved'); ax1.grid(alpha=0.3)
viz.plot_decision_boundary(lambda x: float(forward_propagation(np.array(x)[:, None], params)[0][0, 0]),
                           Xm, ym, ax=ax2, resolution=50, title='[2, 4, 1] after training')
plt.show()

# %% [markdown]
# Three phases. The cost starts at $\ln 2 = 0.693$: with weights of size 0.01 every output is
# $\sigma(\approx 0) = 0.5$. It drops quickly to a long plateau near 0.27, where the network
# is still almost linear (tanh of small numbers is nearly the identity) and its boundary nearly
# a straight line, which gets most points but not the tips of the moons. Only then do the hidden
# units grow into their non-linear range and bend the boundary around the moons.

# %%
plateau, _ = nn_model(X, Y, [2, 4, 1], num_iterations=400, learning_rate=1.2)
acc400 = float(np.mean((forward_propagation(X, plateau)[0] > 0.5) == Y))
print(f"iteration 400: cost {costs[400]:.3f}, training accuracy {acc400:.0%}")
assert 0.2 < costs[400] < 0.3 and 0.8 < acc400 < 0.95 and costs[5] > 0.6

# %% [markdown]
# ## Sum or mean?
#
# The decks define the cost as the **sum** of the losses, $J = \sum_{i=1}^m L(\hat y^{(i)},
# y^{(i)})$, but the slide's code divides by $m$ (`cost = -np.sum(logprobs) / m`, and `(1 / m)`
# in every gradient): the **mean**. Same minimum, but the gradient of the sum is $m$ times the
# gradient of the mean, so a learning rate that suits one is $m$ times too large or small for the
# other. With $m = 200$:

# %%
params0 = initialize_parameters([2, 4, 1])
AL0, cache0 = forward_propagation(X, params0)
g_mean = backward_propagation(params0, cache0, Y)
print(f"cost: mean {compute_cost(AL0, Y):.6f}, sum {compute_cost(AL0, Y, 'sum'):.4f} (x{m})")
vnet = nn.MLP(2, [4, 1], activation='tanh', output_activation='sigmoid')
for l, layer in enumerate(vnet.layers, 1):
    for i, neuron in enumerate(layer.neurons):
        for j, w in enumerate(neuron.w):
            w.data = float(params0[f'W{l}'][i, j])
        neuron.b.data = 0.0
total = nn.binary_cross_entropy([vnet(x) for x in Xm], ym, reduction='sum')
total.backward()
dW2_sum = np.array([[w.grad for w in vnet.layers[1].neurons[0].w]])
print("dW2 of the mean:", g_mean['dW2'].round(6))
print("dW2 of the sum: ", dW2_sum.round(4), f"= {m} x the mean's")
assert np.allclose(dW2_sum, m * g_mean['dW2'], rtol=1e-10)
step_sum = update_parameters(params0, {k: m * v for k, v in g_mean.items()}, 1.2 / m)
step_mean = update_parameters(params0, g_mean, 1.2)
assert all(np.allclose(step_sum[k], step_mean[k], rtol=1e-12, atol=1e-15) for k in params0)
print(f"one step of the sum with lr 1.2/{m} = one step of the mean with lr 1.2")

# %% [markdown]
# `nn`'s losses take the mean by default (`reduction='mean'`, like the slide's code and
# PyTorch); `reduction='sum'` gives the slides' formula.
#
# ## The delta rule (deck 001)
#
# Deck 001 derives backprop for sigmoid units and squared error $E = \frac12\sum_j (o_j - t_j)^2$,
# with its own index convention: $W_{ij}$ connects input $i$ to output $j$, $\theta_j = \sum_i
# W_{ij} x_i$, $o_j = \sigma(\theta_j)$, no biases. For one layer:
#
# $$\frac{\partial E}{\partial W_{ij}} = (o_j - t_j)\, o_j (1 - o_j)\, x_i .$$
#
# The three factors are the chain rule's: $\partial E/\partial o_j$, the sigmoid's local
# gradient, and $\partial\theta_j/\partial W_{ij} = x_i$. Checked against the engine on a layer
# with 3 inputs and 2 outputs:

# %%
rng = np.random.default_rng(5)
x_in = rng.normal(size=3)
t = np.array([1.0, 0.0])
W = rng.normal(size=(3, 2))
o = sigmoid(x_in @ W)
delta_rule = np.outer(x_in, (o - t) * o * (1 - o))          # (o - t) o (1 - o) x, every i, j

Wv = [[Value(float(W[i, j])) for j in range(2)] for i in range(3)]
ov = [sum((Wv[i][j] * float(x_in[i]) for i in range(3)), Value(0.0)).sigmoid() for j in range(2)]
E = 0.5 * sum((ov[j] - float(t[j])) ** 2 for j in range(2))
E.backward()
engine = np.array([[w.grad for w in row] for row in Wv])
print("delta rule:\n", delta_rule.round(6), "\nengine:\n", engine.round(6))
assert np.allclose(delta_rule, engine, rtol=1e-12, atol=1e-15)

# %% [markdown]
# For a hidden layer $K-1$ below the output layer $K$, the deck names the output's
# $\delta_j^K = O_j^K (1 - O_j^K)(O_j^K - t_j)$ and sends it down through the weights:
#
# $$\delta_i^{K-1} = O_i^{K-1}(1 - O_i^{K-1}) \sum_j \delta_j^K\, W_{ij}^K, \qquad
# \frac{\partial E}{\partial W_{pi}^{K-1}} = \delta_i^{K-1}\, O_p^{K-2} .$$
#
# The sum over $j$ is "sum over paths": hidden unit $i$ reaches the error through every output.
# A 3 → 4 → 2 sigmoid network, checked the same way:

# %%
V = rng.normal(size=(3, 4))                                   # W^{K-1}: input p -> hidden i
Wk = rng.normal(size=(4, 2))                                  # W^K: hidden i -> output j
O1 = sigmoid(x_in @ V)                                        # O^{K-1}
O2 = sigmoid(O1 @ Wk)                                         # O^K
delta_K = O2 * (1 - O2) * (O2 - t)
delta_hidden = O1 * (1 - O1) * (Wk @ delta_K)                 # sum_j delta_j W_ij
dE_dV = np.outer(x_in, delta_hidden)                          # delta_i O_p
dE_dWk = np.outer(O1, delta_K)

Vv = [[Value(float(V[p, i])) for i in range(4)] for p in range(3)]
Wkv = [[Value(float(Wk[i, j])) for j in range(2)] for i in range(4)]
h = [sum((Vv[p][i] * float(x_in[p]) for p in range(3)), Value(0.0)).sigmoid() for i in range(4)]
out = [sum((Wkv[i][j] * h[i] for i in range(4)), Value(0.0)).sigmoid() for j in range(2)]
E2 = 0.5 * sum((out[j] - float(t[j])) ** 2 for j in range(2))
E2.backward()
print("hidden deltas:", delta_hidden.round(6))
print("engine's dE/d(hidden pre-activation):",
      np.array([hi.grad * hi.data * (1 - hi.data) for hi in h]).round(6))
assert np.allclose(dE_dV, [[v.grad for v in row] for row in Vv], rtol=1e-12, atol=1e-15)
assert np.allclose(dE_dWk, [[w.grad for w in row] for row in Wkv], rtol=1e-12, atol=1e-15)
assert np.allclose(delta_hidden, [hi.grad * hi.data * (1 - hi.data) for hi in h], rtol=1e-12)

# %% [markdown]
# The deck's update is then $W \leftarrow W - \eta\, \delta\, O$; the matrix formulas at the top
# of this lesson are the same rule with the deck's $\delta$ written $dZ$ and a whole batch of
# columns at once.
#
# ## Preprocessing: what goes wrong without it
#
# Deck 001: subtract each feature's mean (zero-centred data), divide by its standard deviation,
# or scale into $[0, 1]$, e.g. pixel intensities divided by 255. Two things go wrong without it.
#
# **Features on different scales.** `nn.data.regression` prices houses from bedrooms (1 to 5),
# bathrooms (1 to 3) and square feet (about 2,000). A linear neuron trained by gradient descent
# on the raw columns must take steps small enough for the square-feet weight (the cost is
# millions of times steeper along it) and then barely moves the others.

# %%
Xh, yh = nn.data.regression(200, seed=0)
print("feature means", Xh.mean(0).round(1), " standard deviations", Xh.std(0).round(2))
A = np.c_[Xh, np.ones(len(Xh))]
floor = float(np.mean((A @ np.linalg.lstsq(A, yh, rcond=None)[0] - yh) ** 2))


def house_fit(Xf, lr, epochs=100):
    model = nn.MLP(3, [1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')      # the diverging run warns; we print its reason
        hist = nn.fit(model, Xf, yh, loss='mse', optimizer=nn.SGD(model, lr=lr), epochs=epochs,
                      compiled=True, progress=False)
    return hist

Xstd = nn.data.standardize(Xh)
fits = {'raw, lr 1e-7': house_fit(Xh, 1e-7), 'raw, lr 3e-7': house_fit(Xh, 3e-7),
        'standardized, lr 0.1': house_fit(Xstd, 0.1)}
for name, hist in fits.items():
    print(f"{name:22s} {hist.epochs:3d} epochs, final cost {hist['loss'][-1]:.4g}"
          + (f"  ({hist.stop_reason})" if hist.stop_reason else ""))
print(f"least-squares floor {floor:.1f}")

fig, ax = plt.subplots(figsize=(6.5, 3.4), layout='constrained')
for (name, hist), c in zip(fits.items(), [NEGATIVE, CLASS_COLORS[3], POSITIVE]):
    ax.plot(range(1, hist.epochs + 1), hist['loss'], color=c, lw=1.8, label=name)
ax.axhline(floor, color='black', ls=':', lw=1, label='least-squares floor')
ax.set_yscale('log'); ax.set_ylim(100, 1e8); ax.set_xlabel('epoch (full batch)')
ax.set_ylabel('mean squared error'); ax.grid(alpha=0.3); ax.legend(fontsize=8)
ax.set_title('house prices: raw features against standardized')
plt.show()
raw_ok, raw_big, std = fits.values()
assert raw_ok['loss'][-1] > 3 * floor                   # stable but stuck far from the floor
assert raw_big.stop_reason and 'diverg' in raw_big.stop_reason   # 3x the step: diverges
assert std['loss'][-1] < 1.1 * floor                    # standardized: at the floor

# %% [markdown]
# On raw features, learning rate $10^{-7}$ is stable but gets stuck far above the floor, and
# $3 \times 10^{-7}$ already diverges. After standardizing (`nn.data.standardize`: subtract the
# mean, divide by the standard deviation, per column) a learning rate a million times larger
# reaches the floor. (Use the *training* set's mean and standard deviation for the test data
# too: `nn.data.standardize(X_test, reference=X_train)`.)
#
# **Raw pixels saturate units.** MNIST stores intensities 0 to 255 (our 8×8 digits store 0 to
# 16; we rescale them to 0..255 to see what raw MNIST pixels would do). A sigmoid layer with
# weights in $[-1, 1]$ fed 64 such pixels gets pre-activations in the hundreds: the sigmoid is
# flat there and passes almost no gradient (lesson 2's saturation). Divided by 255, the
# pre-activations are of order 1.

# %%
Xd, _ = nn.data.digits()
raw = Xd[:200] * 255 / 16                                  # as if 0..255 pixel intensities
layer = nn.Layer(64, 16, activation='sigmoid', seed=0)
Wl = np.array([[w.data for w in n.w] for n in layer.neurons])
for name, pixels in [('raw 0..255', raw), ('divided by 255', raw / 255)]:
    Z = pixels @ Wl.T
    with np.errstate(over='ignore'):
        s = 1 / (1 + np.exp(-Z))
    slope = s * (1 - s)
    print(f"{name:15s} mean |z| {np.abs(Z).mean():7.2f}; units with sigma'(z) < 0.01: "
          f"{np.mean(slope < 0.01):5.1%}; mean sigma'(z) {slope.mean():.4f}")
    if name.startswith('raw'):
        assert np.mean(slope < 0.01) > 0.95
    else:
        assert np.mean(slope < 0.01) < 0.02 and slope.mean() > 100 * 0.0012

# %% [markdown]
# ## The engine writes the numpy for you
#
# `ac.compile` traces the scalar loss of **one** example and replays it over all columns with
# numpy, one array operation per layer. `Program.source()` shows the code it runs. For the
# lecture's two-layer network (labelled `W1[i,j]`, ...) it reads like the hand-written
# `backward_propagation`: `Z1 = W1 @ x + b1`, `dZ1 = dA1 * (1.0 - A1 * A1)`,
# `dW1 = dZ1 @ x.T`. Only the $\frac1m$ sits in one place, the seed `dlosses = 1/N`.

# %%
P2 = initialize_parameters([2, 4, 1], seed=3)
P2 = {k: v * 100 for k, v in P2.items()}                    # visible weights (0.01 -> 1)


def labelled(a, name):
    return [[Value(float(a[i, j]), label=f'{name}[{i},{j}]') for j in range(a.shape[1])]
            for i in range(a.shape[0])]

VW1, Vb1, VW2, Vb2 = (labelled(P2[k], k) for k in ('W1', 'b1', 'W2', 'b2'))
lecture_params = [p for mat in (VW1, Vb1, VW2, Vb2) for row in mat for p in row]


def example_loss(x, y):
    a1 = [sum((VW1[i][j] * x[j] for j in range(2)), Vb1[i][0]).tanh() for i in range(4)]
    a2 = sum((VW2[0][i] * a1[i] for i in range(4)), Vb2[0][0]).sigmoid()
    return -(y * a2.log() + (1 - y) * (1 - a2).log())

prog = ac.compile(example_loss, 2, (), params=lecture_params)
print(prog.source())

# %%
cost_c, g = prog.value_and_grad(X.T, Y[0])
AL2, cache2 = forward_propagation(X, P2)
hand = backward_propagation(P2, cache2, Y)
flat = np.concatenate([hand[k].ravel() for k in ('dW1', 'db1', 'dW2', 'db2')])
print(f"{prog!r}")
print(f"cost: compiled {cost_c:.12f}, by hand {compute_cost(AL2, Y):.12f}; largest gradient "
      f"difference {np.abs(g - flat).max():.1e}")
assert abs(cost_c - compute_cost(AL2, Y)) < 1e-12 and np.allclose(g, flat, rtol=1e-10, atol=1e-15)
src = prog.source()
assert all(line in src for line in ['Z1 = W1 @ x + b1', 'dZ1 = dA1 * (1.0 - A1 * A1)',
                                    'dW1 = dZ1 @ x.T'])

# %% [markdown]
# ### The same idea in plain Python: staged computation
#
# CS231n's notes write a backward pass by hand as **staged computation**: the forward pass as
# a list of small named steps, then the backward pass as the same steps in reverse, one line
# per local gradient times upstream. `ac.compile(..., backend="python")` prints exactly that,
# over plain floats (no numpy: it also runs in the browser). CS231n's own example, a sigmoid
# neuron $f = \sigma(w_0 x_0 + w_1 x_1 + w_2)$ at $w = (2, -3, -3)$, $x = (-1, -2)$:

# %%
wc = [Value(2.0, label='w0'), Value(-3.0, label='w1'), Value(-3.0, label='w2')]

def neuron_out(x):
    return (wc[0] * x[0] + wc[1] * x[1] + wc[2]).sigmoid()

staged = ac.compile(neuron_out, 2, params=wc, backend="python")
print(staged.source())
f_val, (dw0, dw1, dw2) = staged.value_and_grad([-1.0, -2.0])
print(f"f = {f_val:.2f}; dw = [{dw0:.3f}, {dw1:.3f}, {dw2:.3f}]  (CS231n: 0.73; [-0.20, -0.39, 0.20])")
assert round(f_val, 2) == 0.73 and [round(g, 2) for g in (dw0, dw1, dw2)] == [-0.2, -0.39, 0.2]
src_py = staged.source()
assert 'import numpy' not in src_py and '# backward' in src_py

# %% [markdown]
# Read it from the top: the forward pass keeps every intermediate (`mul1`, `add3`, ...),
# then each `d...` line is one edge of the graph, local gradient times upstream, in reverse
# order (CS231n's numbers, to two decimals). The numpy program above is the same list of steps
# with arrays in place of floats, whole batches at a time.
#
# The scalar engine builds one Python object per operation per example (here
# `len(ac.topological_order(...))` nodes for each of the 200 examples), which is what lets you
# look at every node, and what makes it slow on big batches. The vectorized code, by hand or
# generated, computes the same numbers with a few array operations per layer.

# %%
nodes = len(ac.topological_order(example_loss([0.0, 0.0], 1.0)))
print(f"scalar engine: {nodes} nodes per example, {nodes * m:,} for the batch; "
      f"compiled: {prog.n_groups} array operations for the whole batch")
assert prog.n_groups < nodes

# %% [markdown]
# ## Your turn

# %%
from exercises import check, hint, solution

# %% [markdown]
# **1.** A batch of $m = 4$ examples has $dZ^{[2]} = [0.2, -0.4, 0.6, 0.1]$. What is
# $db^{[2]}$ (the slide's code, with its $\frac1m$)?

# %%
answer = ...
check("05.db2", answer);

# %% [markdown]
# **2.** The delta rule: a sigmoid output $o = 0.8$, target $t = 1$, input $x = 0.5$, squared
# error $E = \frac12 (o - t)^2$. What is $\partial E / \partial w$?

# %%
answer = ...
check("05.delta_output", answer);

# %% [markdown]
# **3.** A hidden sigmoid unit outputs $O_i = 0.6$; the output layer's deltas are
# $\delta^K = (0.1, -0.2)$ and the unit's outgoing weights are $W_{i\cdot} = (0.5, -0.25)$.
# What is its $\delta_i^{K-1}$?

# %%
answer = ...
check("05.hidden_delta", answer);

# %% [markdown]
# **4.** Fix the slide's `backward_propagation` (it is in `slide_code` above; copy it here and
# correct it). The checker runs it on a random two-layer network and compares every gradient
# with the engine's.

# %%
def backward_propagation_fixed(parameters, cache, X, Y):
    ...

check("05.fix_slide", backward_propagation_fixed);

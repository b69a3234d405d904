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
import asyncio
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
import nn
from viz.plots import POSITIVE, NEGATIVE, TRAIN_COLOR, VALIDATION_COLOR, playground_cmap
from exercises import check, hint, solution

# %% [markdown]
# ## Data and features

# %%
def xor_cloud(n, noise, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X + rng.normal(0, noise, X.shape), y

def gauss(n, noise, seed):
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(float)
    X = rng.normal(0, 0.4 + noise, (n, 2)) + np.where(y[:, None] == 1, 1.0, -1.0)
    return X, y

DATASETS = {
    'circles': lambda n, noise, seed: nn.data.circles(n=n, noise=noise, seed=seed),
    'xor': xor_cloud,
    'gauss': gauss,
    'spirals': lambda n, noise, seed: nn.data.spirals(n=n, arms=2, noise=noise, seed=seed),
}
FEATURES = {              # computed on the standardised inputs (mean 0, std 1)
    'x1': lambda Z: Z[:, 0], 'x2': lambda Z: Z[:, 1],
    'x1^2': lambda Z: Z[:, 0] ** 2, 'x2^2': lambda Z: Z[:, 1] ** 2,
    'x1*x2': lambda Z: Z[:, 0] * Z[:, 1],
    'sin(x1)': lambda Z: np.sin(Z[:, 0]), 'sin(x2)': lambda Z: np.sin(Z[:, 1]),
}

# %% [markdown]
# ## The playground's engine
#
# `Playground` holds the settings, the data split, the model and its optimizer. The loss is
# binary cross-entropy on the output logit $z$: $\mathrm{softplus}(z) - t z$ (the stable form
# of $-t\log\sigma(z) - (1-t)\log(1-\sigma(z))$), plus $\frac{\lambda}{2}\sum w^2$ over the
# weights when L2 is on. `step(n)` trains $n$ epochs of minibatches and records the mean
# train and test losses.

# %%
DEFAULTS = dict(dataset='circles', noise=0.1, features=('x1', 'x2'), hidden=(4, 4),
                activation='tanh', optimizer='sgd', lr=0.03, batch_size=10, l2=0.0,
                test_fraction=0.5, n=200, seed=0)

class Playground:
    def __init__(self, **settings):
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; "
                            f"known: {sorted(DEFAULTS)}")
        self.settings = dict(DEFAULTS, **settings)
        self.reset()

    def reset(self, **changes):
        """New data, a freshly initialised network, epoch 0."""
        s = self.settings
        s.update(changes)
        X, y = DATASETS[s['dataset']](s['n'], s['noise'], s['seed'])
        self.points, self.y = np.asarray(X, float), np.asarray(y, float)
        self.mean, self.std = self.points.mean(0), self.points.std(0)
        order = np.random.default_rng(s['seed']).permutation(len(self.points))
        n_test = int(round(s['test_fraction'] * len(order)))
        self.test_idx, self.train_idx = order[:n_test], order[n_test:]
        nf = len(s['features'])
        self.model = model = nn.MLP(nf, list(s['hidden']) + [1], activation=s['activation'],
                                    init='xavier', seed=s['seed'])
        weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
        l2 = s['l2']

        def loss(x, t):
            z = model(x)
            data_loss = z.softplus() - t * z
            return data_loss + l2 / 2 * sum(w * w for w in weights) if l2 else data_loss

        self.train_step = ac.compile(loss, nf, (), params=model.parameters())
        self.logits = ac.compile(lambda x: model(x), nf)
        self.opt = {'sgd': lambda: nn.SGD(model, lr=s['lr']),
                    'momentum': lambda: nn.SGD(model, lr=s['lr'], momentum=0.9),
                    'adam': lambda: nn.Adam(model, lr=s['lr'])}[s['optimizer']]()
        self.rng = np.random.default_rng(s['seed'] + 1)
        self.epoch = 0
        self.history = {'loss': [], 'val_loss': []}
        return self

    def features(self, X):
        Z = (np.asarray(X, float) - self.mean) / self.std
        return np.column_stack([FEATURES[f](Z) for f in self.settings['features']])

    def probability(self, X):
        return 1 / (1 + np.exp(-self.logits.forward(self.features(X)).ravel()))

    def mean_loss(self, idx):
        z = self.logits.forward(self.features(self.points[idx])).ravel()
        t = self.y[idx]
        return float(np.mean(np.logaddexp(0, z) - t * z))

    def accuracy(self, split='test'):
        idx = self.test_idx if split == 'test' else self.train_idx
        return float(np.mean((self.probability(self.points[idx]) > 0.5) == (self.y[idx] > 0.5)))

    def step(self, epochs=1):
        F, t = self.features(self.points[self.train_idx]), self.y[self.train_idx]
        bs = self.settings['batch_size']
        for _ in range(epochs):
            order = self.rng.permutation(len(F))
            for start in range(0, len(F), bs):
                b = order[start:start + bs]
                self.opt.zero_grad()
                self.train_step(F[b], t[b])        # forward + backward on the batch (mean)
                self.opt.step()                    # w -= lr * grad (plain SGD)
            self.epoch += 1
            self.history['loss'].append(self.mean_loss(self.train_idx))
            self.history['val_loss'].append(self.mean_loss(self.test_idx))
        return self

    def solved(self, below=0.02):
        return bool(self.history['loss']) and self.history['loss'][-1] < below

# %% [markdown]
# ## The picture
#
# Left: train (solid blue) and test (dashed orange) loss per epoch. Right: the predicted
# probability on a fixed 0..1 scale, the 0.5 boundary in black, training points filled, test
# points with a white ring.

# %%
def draw(pg, title=None):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    h = pg.history
    if h['loss']:
        ep = np.arange(1, len(h['loss']) + 1)
        ax1.plot(ep, h['loss'], '-', color=TRAIN_COLOR, label=f"train {h['loss'][-1]:.3f}")
        ax1.plot(ep, h['val_loss'], '--', color=VALIDATION_COLOR,
                 label=f"test {h['val_loss'][-1]:.3f}")
        ax1.legend()
    ax1.set_xlabel('epoch'); ax1.set_ylabel('cross-entropy'); ax1.grid(alpha=0.3)
    ax1.set_title(f"epoch {pg.epoch}")
    P = pg.points
    lo, hi = P.min(0) - 0.3, P.max(0) + 0.3
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 70), np.linspace(lo[1], hi[1], 70))
    prob = pg.probability(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    cs = ax2.contourf(gx, gy, prob, levels=np.linspace(0, 1, 21), cmap=playground_cmap(),
                      vmin=0, vmax=1, alpha=0.7)
    if prob.min() < 0.5 < prob.max():
        ax2.contour(gx, gy, prob, levels=[0.5], colors='k', linewidths=1)
    fig.colorbar(cs, ax=ax2, label='P(class 1)', ticks=[0, 0.25, 0.5, 0.75, 1])
    for idx, ring in [(pg.train_idx, 'black'), (pg.test_idx, 'white')]:
        colours = np.where(pg.y[idx] > 0.5, POSITIVE, NEGATIVE)
        ax2.scatter(P[idx, 0], P[idx, 1], c=colours, edgecolors=ring, linewidths=0.8, s=22)
    ax2.set_title(title or f"test accuracy {pg.accuracy():.0%}")
    fig.tight_layout()
    return fig

# %% [markdown]
# ## The controls
#
# Change a control and the network resets with the new settings. **play** trains until you
# press **stop** (or until the training loss is under 0.02: solved); **step** trains one
# epoch. On GitHub the widgets are not live: run the notebook.

# %%
import ipywidgets as W
from IPython.display import display

pg = Playground()
dataset_w = W.Dropdown(options=list(DATASETS), value=DEFAULTS['dataset'], description='data')
noise_w = W.FloatSlider(value=DEFAULTS['noise'], min=0, max=0.5, step=0.05, description='noise')
feature_ws = {f: W.Checkbox(value=f in DEFAULTS['features'], description=f, indent=False,
                            layout=W.Layout(width='80px')) for f in FEATURES}
hidden_w = W.Text(value='4, 4', description='hidden', placeholder='e.g. 8, 8 (empty: none)')
act_w = W.Dropdown(options=['tanh', 'relu', 'sigmoid', 'leaky_relu', 'linear'],
                   value=DEFAULTS['activation'], description='activation')
opt_w = W.ToggleButtons(options=['sgd', 'momentum', 'adam'], value=DEFAULTS['optimizer'],
                        description='optimizer')
lr_w = W.SelectionSlider(options=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
                         value=DEFAULTS['lr'], description='learning rate')
batch_w = W.IntSlider(value=DEFAULTS['batch_size'], min=1, max=100, description='batch size')
l2_w = W.SelectionSlider(options=[0.0, 0.001, 0.003, 0.01, 0.03, 0.1], value=DEFAULTS['l2'],
                         description='L2')
play_b, stop_b = W.Button(description='play', icon='play'), W.Button(description='stop', icon='stop')
step_b, reset_b = W.Button(description='step', icon='step-forward'), W.Button(description='reset', icon='refresh')
out = W.Output()
task = None

def read_controls():
    hidden = tuple(int(h) for h in hidden_w.value.replace(',', ' ').split())
    features = tuple(f for f, w in feature_ws.items() if w.value) or ('x1', 'x2')
    return dict(dataset=dataset_w.value, noise=noise_w.value, features=features, hidden=hidden,
                activation=act_w.value, optimizer=opt_w.value, lr=lr_w.value,
                batch_size=batch_w.value, l2=l2_w.value)

def redraw():
    fig = draw(pg)
    out.outputs = ()                    # replace the picture in the output area
    out.append_display_data(fig)
    plt.close(fig)

def on_reset(_=None):
    stop()
    pg.reset(**read_controls())
    redraw()

def on_step(_=None):
    pg.step(1)
    redraw()

async def play_loop():
    while not pg.solved():
        pg.step(1)
        if pg.epoch % 5 == 0:
            redraw()
        await asyncio.sleep(0.01)          # let the stop button be heard
    redraw()

def on_play(_=None):
    global task
    if task is None or task.done():
        task = asyncio.ensure_future(play_loop())

def stop(_=None):
    if task is not None and not task.done():
        task.cancel()

play_b.on_click(on_play); stop_b.on_click(lambda _: (stop(), redraw()))
step_b.on_click(on_step); reset_b.on_click(on_reset)
for w in [dataset_w, noise_w, hidden_w, act_w, opt_w, lr_w, batch_w, l2_w, *feature_ws.values()]:
    w.observe(on_reset, names='value')

display(W.VBox([W.HBox([play_b, stop_b, step_b, reset_b]),
                W.HBox([dataset_w, noise_w]), W.HBox([W.Label('features'), *feature_ws.values()]),
                W.HBox([hidden_w, act_w]), opt_w, W.HBox([lr_w, batch_w, l2_w]), out]))
redraw()

# %% [markdown]
# The buttons can also be pressed from code; the test suite does this to check the controls:
# two **step**s, then a changed control resets the network.

# %%
for _ in range(2):
    step_b.click()
print(f"after 2 steps: epoch {pg.epoch}, {len(pg.history['loss'])} points on each loss curve")
assert pg.epoch == 2 and len(pg.history['val_loss']) == 2
batch_w.value = 20                       # any change resets with the new settings
print(f"after changing the batch size: epoch {pg.epoch}, batch size {pg.settings['batch_size']}")
assert pg.epoch == 0 and pg.settings['batch_size'] == 20
batch_w.unobserve(on_reset, names='value')
batch_w.value = DEFAULTS['batch_size']   # back to the default, quietly
batch_w.observe(on_reset, names='value')
pg.reset(**read_controls());

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
# **Spirals need depth.** The same 24 hidden units, as one layer or as three layers of 8:

# %%
wide = Playground(dataset='spirals', hidden=(24,)).step(100)
deep = Playground(dataset='spirals', hidden=(8, 8, 8)).step(100)
print(f"one layer of 24:    test accuracy {wide.accuracy():.0%}")
print(f"three layers of 8:  test accuracy {deep.accuracy():.0%}")
assert wide.accuracy() < 0.8 and deep.accuracy() > 0.95
draw(deep, f'spirals, three layers of 8: test accuracy {deep.accuracy():.0%}');

# %% [markdown]
# **Noise makes the test loss part from the train loss.** With noise 0.3 and bigger layers the
# network fits points the test set does not share.

# %%
noisy = Playground(noise=0.3, hidden=(8, 8)).step(100)
gap = noisy.history['val_loss'][-1] - noisy.history['loss'][-1]
print(f"noise 0.3: train accuracy {noisy.accuracy('train'):.0%}, test {noisy.accuracy():.0%}; "
      f"test loss exceeds train loss by {gap:.3f}")
assert noisy.accuracy('train') > noisy.accuracy() and gap > 0.05
draw(noisy, 'noise 0.3: solid train points, ringed test points');

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

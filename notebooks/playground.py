"""Lesson 04's TensorFlow Playground in a notebook: the data sets, the input features, the
``Playground`` (settings, data split, model, optimizer, training), its picture and its widget
controls.

The lesson imports it so that its own cells are about the network, not about widgets. The
network is not rebuilt as scalar Values for every example: ``ac.compile`` traces the graph of
one example once and replays it over whole numpy batches (the same chain rule, vectorised).
"""

from __future__ import annotations

import asyncio
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import autograd_core as ac
import nn
from viz.plots import NEGATIVE, POSITIVE, TRAIN_COLOR, VALIDATION_COLOR, playground_cmap


def xor_cloud(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-1, 1]^2, class 1 where x1 x2 > 0, then Gaussian noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    return X + rng.normal(0, noise, X.shape), y


def gauss(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs around (-1, -1) (class 0) and (1, 1) (class 1)."""
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
DEFAULTS: dict[str, Any] = dict(
    dataset='circles', noise=0.1, features=('x1', 'x2'), hidden=(4, 4), activation='tanh',
    optimizer='sgd', lr=0.03, batch_size=10, l2=0.0, test_fraction=0.5, n=200, seed=0)


class Playground:
    """The settings, the data split, the model and its optimizer. The loss is binary
    cross-entropy on the output logit z, softplus(z) - t z (the stable form of
    -t log sigma(z) - (1 - t) log(1 - sigma(z))), plus lambda/2 sum w^2 over the weights when
    L2 is on. ``step(n)`` trains n epochs of minibatches and records the mean train and test
    losses."""

    def __init__(self, **settings: Any) -> None:
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown playground setting(s) {sorted(unknown)}; "
                            f"known: {sorted(DEFAULTS)}")
        self.settings = dict(DEFAULTS, **settings)
        self.reset()

    def reset(self, **changes: Any) -> Playground:
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

        def loss(x: Any, t: Any) -> Any:
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
        self.history: dict[str, list[float]] = {'loss': [], 'val_loss': []}
        return self

    @property
    def n_parameters(self) -> int:
        return len(self.model.parameters())

    def features(self, X: Any) -> np.ndarray:
        Z = (np.asarray(X, float) - self.mean) / self.std
        return np.column_stack([FEATURES[f](Z) for f in self.settings['features']])

    def probability(self, X: Any) -> np.ndarray:
        return 1 / (1 + np.exp(-self.logits.forward(self.features(X)).ravel()))

    def mean_loss(self, idx: np.ndarray) -> float:
        z = self.logits.forward(self.features(self.points[idx])).ravel()
        t = self.y[idx]
        return float(np.mean(np.logaddexp(0, z) - t * z))

    def accuracy(self, split: str = 'test') -> float:
        idx = self.test_idx if split == 'test' else self.train_idx
        return float(np.mean((self.probability(self.points[idx]) > 0.5) == (self.y[idx] > 0.5)))

    def step(self, epochs: int = 1) -> Playground:
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

    def solved(self, below: float = 0.02) -> bool:
        return bool(self.history['loss']) and self.history['loss'][-1] < below


def draw(pg: Playground, title: str | None = None) -> Any:
    """Left: train (solid) and test (dashed) loss per epoch. Right: the predicted probability
    on a fixed 0..1 scale, the 0.5 boundary in black, training points with a black ring, test
    points with a white ring."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    h = pg.history
    if h['loss']:
        ep = np.arange(1, len(h['loss']) + 1)
        ax1.plot(ep, h['loss'], '-', color=TRAIN_COLOR, label=f"train {h['loss'][-1]:.3f}")
        ax1.plot(ep, h['val_loss'], '--', color=VALIDATION_COLOR,
                 label=f"test {h['val_loss'][-1]:.3f}")
        ax1.legend()
    ax1.set_xlabel('epoch')
    ax1.set_ylabel('cross-entropy')
    ax1.grid(alpha=0.3)
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


class Controls:
    """The playground's widgets: data set, noise, features, hidden layers, activation,
    optimizer, learning rate, batch size, L2, and play / stop / step / reset. Changing a
    control resets the network with the new settings; play trains until stop or until the
    training loss is under 0.02."""

    def __init__(self, pg: Playground) -> None:
        import ipywidgets as W

        self.pg = pg
        self.dataset = W.Dropdown(options=list(DATASETS), value=DEFAULTS['dataset'],
                                  description='data')
        self.noise = W.FloatSlider(value=DEFAULTS['noise'], min=0, max=0.5, step=0.05,
                                   description='noise')
        self.feature_boxes = {f: W.Checkbox(value=f in DEFAULTS['features'], description=f,
                                            indent=False, layout=W.Layout(width='80px'))
                              for f in FEATURES}
        self.hidden = W.Text(value='4, 4', description='hidden',
                             placeholder='e.g. 8, 8 (empty: none)')
        self.activation = W.Dropdown(options=['tanh', 'relu', 'sigmoid', 'leaky_relu', 'linear'],
                                     value=DEFAULTS['activation'], description='activation')
        self.optimizer = W.ToggleButtons(options=['sgd', 'momentum', 'adam'],
                                         value=DEFAULTS['optimizer'], description='optimizer')
        self.lr = W.SelectionSlider(options=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
                                    value=DEFAULTS['lr'], description='learning rate')
        self.batch_size = W.IntSlider(value=DEFAULTS['batch_size'], min=1, max=100,
                                      description='batch size')
        self.l2 = W.SelectionSlider(options=[0.0, 0.001, 0.003, 0.01, 0.03, 0.1],
                                    value=DEFAULTS['l2'], description='L2')
        self.play = W.Button(description='play', icon='play')
        self.stop_button = W.Button(description='stop', icon='stop')
        self.step = W.Button(description='step', icon='step-forward')
        self.reset = W.Button(description='reset', icon='refresh')
        self.out = W.Output()
        self.task: Any = None
        self.play.on_click(self.on_play)
        self.stop_button.on_click(lambda _: (self.stop(), self.redraw()))
        self.step.on_click(self.on_step)
        self.reset.on_click(self.on_reset)
        for w in self.value_widgets():
            w.observe(self.on_reset, names='value')
        self.box = W.VBox([
            W.HBox([self.play, self.stop_button, self.step, self.reset]),
            W.HBox([self.dataset, self.noise]),
            W.HBox([W.Label('features'), *self.feature_boxes.values()]),
            W.HBox([self.hidden, self.activation]), self.optimizer,
            W.HBox([self.lr, self.batch_size, self.l2]), self.out])

    def value_widgets(self) -> list[Any]:
        return [self.dataset, self.noise, self.hidden, self.activation, self.optimizer,
                self.lr, self.batch_size, self.l2, *self.feature_boxes.values()]

    def read(self) -> dict[str, Any]:
        """The settings the controls show."""
        hidden = tuple(int(h) for h in self.hidden.value.replace(',', ' ').split())
        features = tuple(f for f, w in self.feature_boxes.items() if w.value) or ('x1', 'x2')
        return dict(dataset=self.dataset.value, noise=self.noise.value, features=features,
                    hidden=hidden, activation=self.activation.value,
                    optimizer=self.optimizer.value, lr=self.lr.value,
                    batch_size=self.batch_size.value, l2=self.l2.value)

    def redraw(self) -> None:
        fig = draw(self.pg)
        self.out.outputs = ()                 # replace the picture in the output area
        self.out.append_display_data(fig)
        plt.close(fig)

    def on_reset(self, _: Any = None) -> None:
        self.stop()
        self.pg.reset(**self.read())
        self.redraw()

    def on_step(self, _: Any = None) -> None:
        self.pg.step(1)
        self.redraw()

    async def play_loop(self) -> None:
        while not self.pg.solved():
            self.pg.step(1)
            if self.pg.epoch % 5 == 0:
                self.redraw()
            await asyncio.sleep(0.01)         # let the stop button be heard
        self.redraw()

    def on_play(self, _: Any = None) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.play_loop())

    def stop(self, _: Any = None) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def quietly(self, widget: Any, value: Any) -> None:
        """Set a control without resetting the network."""
        widget.unobserve(self.on_reset, names='value')
        widget.value = value
        widget.observe(self.on_reset, names='value')

"""Generate the lesson notebooks (and, with --execute, run them in place so they carry outputs).

    .venv/bin/python notebooks/_build.py            # write the .ipynb files
    .venv/bin/python notebooks/_build.py --execute  # write them and execute them with nbclient

Each notebook is one lesson from the seed lectures (../shared/seeds), told with autograd_core,
nn and viz. Edit the lessons here, not in the .ipynb files.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


SETUP = code("""
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import autograd_core as ac
from autograd_core import Value
import nn
import viz
""")

# --------------------------------------------------------------------------------------------
NB01 = [
    md("""
# 1. The chain rule, one node at a time

Backpropagation is nothing more than the chain rule applied node by node, from the output back
to the inputs. At every node we multiply two numbers:

* the **upstream gradient**: how much the final output changes when this node's output changes;
* the **local gradient**: how much this node's output changes when one of its inputs changes.

Their product is the gradient the node *sends* to that input. Let us do the lecture's example,
$f(x, y, z) = (x + y)\\,z$ at $x=-2,\\ y=5,\\ z=-4$, first by hand and then with the engine.
"""),
    SETUP,
    md("""
## Forward pass

We name the intermediate node $q = x + y$, so $f = q \\cdot z$.
"""),
    code("""
x, y, z = -2.0, 5.0, -4.0
q = x + y          # 3
f = q * z          # -12
print(f"q = {q}, f = {f}")
"""),
    md("""
## Local gradients

Each node only knows its own little formula:

* $q = x + y$: $\\;\\partial q/\\partial x = 1,\\ \\partial q/\\partial y = 1$
  (addition hands the gradient through unchanged);
* $f = q z$: $\\;\\partial f/\\partial q = z = -4,\\ \\partial f/\\partial z = q = 3$
  (multiplication swaps its inputs).

## Upstream × local, by hand

We start at the output with $\\partial f/\\partial f = 1$ and walk backwards.
"""),
    code("""
df_df = 1.0
df_dq = df_df * z          # upstream 1  x local z   = -4
df_dz = df_df * q          # upstream 1  x local q   =  3
df_dx = df_dq * 1.0        # upstream -4 x local 1   = -4
df_dy = df_dq * 1.0        # upstream -4 x local 1   = -4
print(f"df/dx = {df_dx}, df/dy = {df_dy}, df/dz = {df_dz}")
"""),
    md("""
## The same with the engine

A `Value` remembers which values made it and the local gradient to each of them. Here is the
graph *before* `backward()`: every gradient still reads `grad ?`.
"""),
    code("""
xv, yv, zv = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qv = xv + yv; qv.label = 'q'
fv = qv * zv; fv.label = 'f'
viz.draw_graph(fv)
"""),
    md("""
Now `backward()` runs the loop we did by hand: in reverse topological order,
`parent.grad += local * node.grad`. Every edge of the picture shows *local × upstream = sent*.
"""),
    code("""
fv.backward()
viz.draw_graph(fv)
"""),
    code("""
print(f"f = {fv.data}; grads x, y, z = {xv.grad}, {yv.grad}, {zv.grad}; q.grad = {qv.grad}")
assert fv.data == -12
assert (xv.grad, yv.grad, zv.grad) == (-4, -4, 3)
assert (xv.grad, yv.grad, zv.grad) == (df_dx, df_dy, df_dz)   # the engine agrees with our hand work
"""),
    md("""
## Step by step

`viz.steps_table` prints the backward pass as a table: one row per edge, in the order the
engine visits the nodes. Compare each row with the hand computation above.
"""),
    code("""
print(viz.steps_table(fv))
"""),
    md("""
In a live notebook, `viz.step_slider` lets you drag through the same steps and watch the
gradients appear on the graph one node at a time (on GitHub you will see only the widget's
placeholder; run the notebook to play with it).
"""),
    code("""
viz.step_slider(fv)
"""),
    md("""
## Checking gradients with finite differences

How do we know the engine is right? Nudge each input by a tiny $h$ and watch the output:
$\\frac{f(x+h) - f(x-h)}{2h}$ approximates the derivative. `ac.check_grads` does this for every
input and raises if the two disagree.
"""),
    code("""
pairs = ac.check_grads(lambda x, y, z: (x + y) * z, [-2.0, 5.0, -4.0])
for name, (engine, numeric) in zip('xyz', pairs):
    print(f"d f/d{name}: engine {engine:+.6f}   central difference {numeric:+.6f}")
assert np.allclose([p[0] for p in pairs], [p[1] for p in pairs], atol=1e-6)
"""),
    md("""
## A tanh neuron

A neuron is the same story with more nodes: $n = x_1 w_1 + x_2 w_2 + b$, $o = \\tanh(n)$.
With $x=(2, 0)$, $w=(-3, 1)$ and $b = 6.8814$ the neuron's output is about $0.7071$.

By hand: $\\frac{d}{dn}\\tanh(n) = 1 - \\tanh(n)^2 = 1 - o^2$, and then upstream × local
through the sum and the products.
"""),
    code("""
import math
x1, x2, w1, w2, b = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + b
o = math.tanh(n)
do_dn = 1 - o ** 2                  # local gradient of tanh, upstream is 1
hand = {'x1': w1 * do_dn, 'w1': x1 * do_dn, 'x2': w2 * do_dn, 'w2': x2 * do_dn, 'b': do_dn}
print(f"o = {o:.4f}, do/dn = {do_dn:.4f}")
print({k: round(v, 4) for k, v in hand.items()})
"""),
    code("""
X1, X2 = Value(x1, label='x1'), Value(x2, label='x2')
W1, W2, B = Value(w1, label='w1'), Value(w2, label='w2'), Value(b, label='b')
N = X1 * W1 + X2 * W2 + B; N.label = 'n'
O = N.tanh(); O.label = 'o'
O.backward()
engine = {'x1': X1.grad, 'w1': W1.grad, 'x2': X2.grad, 'w2': W2.grad, 'b': B.grad}
print({k: round(v, 4) for k, v in engine.items()})
assert abs(O.data - 0.7071) < 1e-4
assert all(abs(engine[k] - hand[k]) < 1e-12 for k in hand)
assert abs(W1.grad - 1.0) < 1e-9 and abs(X1.grad + 1.5) < 1e-9
viz.draw_graph(O)
"""),
    md("""
**Takeaway.** Every gradient in a network, however big, is a product of local gradients along
paths from the output, summed over paths. The engine only automates the bookkeeping.
"""),
]

# --------------------------------------------------------------------------------------------
NB02 = [
    md("""
# 2. Neurons and activation functions

A single neuron computes a weighted sum of its inputs plus a bias and passes it through an
**activation function**: $a = \\sigma(w \\cdot x + b)$. With the sigmoid
$\\sigma(z) = 1/(1+e^{-z})$ this is exactly **logistic regression**: the output is a probability.
"""),
    SETUP,
    code("""
# a neuron as logistic regression, built from Values
w = [Value(2.0, label='w1'), Value(-1.0, label='w2')]
b = Value(-0.5, label='b')
x = [1.0, 0.5]
z = w[0] * x[0] + w[1] * x[1] + b
p = z.sigmoid(); p.label = 'p'
print(f"z = {z.data}, P(class 1) = {p.data:.4f}")
assert abs(p.data - 1 / (1 + np.exp(-1.0))) < 1e-12
"""),
    md("""
## Activation functions and their derivatives

The derivative matters as much as the function: it is the *local gradient* every backward
pass multiplies by. Solid lines are the functions, dashed lines their derivatives.
"""),
    code("""
viz.plot_activations()
"""),
    md("""
## Sigmoid saturates, ReLU can die

The sigmoid's derivative $\\sigma(z)(1-\\sigma(z))$ is at most 0.25 (at $z=0$) and almost
zero for large $|z|$: at $z = 10$ it is about $4.5 \\times 10^{-5}$, so a saturated neuron
passes almost no gradient back and learns very slowly.

ReLU's derivative is exactly 1 for $z > 0$ but exactly 0 for $z < 0$: a neuron whose input
is negative for *every* example gets zero gradient forever: it is "dead".
"""),
    code("""
for zval in [0.0, 2.0, 10.0]:
    v = Value(zval); s = v.sigmoid(); s.backward()
    print(f"sigmoid'({zval:>4}) = {v.grad:.2e}")
v = Value(-3.0); r = v.relu(); r.backward()
print(f"relu'(-3) = {v.grad}  (no gradient: a dead unit stays dead)")
sig10 = Value(10.0); sig10.sigmoid().backward()
assert abs(sig10.grad - 4.54e-5) < 1e-7 and v.grad == 0.0
"""),
    md("""
## The lecture's toy network

Input $[1, -1]^T$, first layer $W = \\begin{bmatrix}1 & -2\\\\ -1 & 1\\end{bmatrix}$,
$b = [1, 0]^T$, sigmoid activation:
$\\sigma(Wx + b) = \\sigma([4, -2]^T) = [0.98, 0.12]^T$. Let's rebuild it with Values.
"""),
    code("""
xin = [Value(1.0, label='x1'), Value(-1.0, label='x2')]
W = [[Value(1.0), Value(-2.0)], [Value(-1.0), Value(1.0)]]
bias = [Value(1.0), Value(0.0)]
pre = [sum((W[i][j] * xin[j] for j in range(2)), bias[i]) for i in range(2)]
a1 = [zi.sigmoid() for zi in pre]
print("W x + b =", [zi.data for zi in pre])
print("a1      =", [round(ai.data, 2) for ai in a1])
assert [zi.data for zi in pre] == [4.0, -2.0]
assert [round(ai.data, 2) for ai in a1] == [0.98, 0.12]
"""),
    md("""
Gradients flow through this little layer too: ask for $\\partial (a_1 + a_2)/\\partial W$.
Notice how the saturated first unit ($a=0.98$) passes a much smaller gradient than the second.
"""),
    code("""
out = a1[0] + a1[1]
out.backward()
print("dout/dW =", [[round(W[i][j].grad, 4) for j in range(2)] for i in range(2)])
viz.draw_graph(out)
"""),
    md("""
## The forward/backward gate API

The lecture describes each operation as a **gate** with a `forward` that remembers its inputs
and a `backward` that turns the upstream gradient into one gradient per input. Our engine lets
you write such a gate yourself by subclassing `autograd_core.Function`:
"""),
    code("""
class MultiplyGate(ac.Function):
    def forward(self, x, y):
        self.x, self.y = x, y          # must keep these around!
        return x * y

    def backward(self, dz):
        dx = self.y * dz               # dz/dx * dL/dz
        dy = self.x * dz               # dz/dy * dL/dz
        return dx, dy

xg, yg, zg = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qg = xg + yg
fg = MultiplyGate.apply(qg, zg)
fg.backward()
print(f"f = {fg.data}, grads = {xg.grad}, {yg.grad}, {zg.grad}")
assert fg.data == -12 and (xg.grad, yg.grad, zg.grad) == (-4, -4, 3)
"""),
    md("""
The hand-written gate plugs into the graph like any built-in op and gives the same chain-rule
answer as in lesson 1.
"""),
]

# --------------------------------------------------------------------------------------------
NB03 = [
    md("""
# 3. XOR: why we need hidden layers

XOR is the classic problem no straight line can solve: $(0,0)$ and $(1,1)$ are class 0,
$(0,1)$ and $(1,0)$ class 1. A linear model draws one line, and any line gets at least one of the
four points wrong.
"""),
    SETUP,
    code("""
X, y = nn.data.xor()
print(X, y)
"""),
    md("""
## Logistic regression fails

One sigmoid neuron (logistic regression), trained with binary cross-entropy.
"""),
    code("""
logreg = nn.MLP(2, [1], output_activation='sigmoid', seed=0)
hist_lr = nn.fit(logreg, X, y, loss='bce', optimizer=nn.SGD(logreg, lr=0.5), epochs=300,
                 progress=False)
acc_lr = nn.accuracy(logreg.predict(X), y, threshold=0.5)
print(f"final loss {hist_lr.history['loss'][-1]:.4f}, accuracy {acc_lr}")
assert acc_lr <= 0.75
"""),
    code("""
viz.plot_decision_boundary(logreg, X, y, threshold=0.5, title='logistic regression: one line')
"""),
    md("""
The best it can do is put the line somewhere and give up on the rest: its loss stays near
$\\ln 2 \\approx 0.69$, the loss of predicting 0.5 everywhere.

## A hidden layer solves it

Four tanh units give the network four "half-plane detectors" it can combine; the output neuron
then carves out the XOR pattern.
"""),
    code("""
model = nn.MLP(2, [4, 1], activation='tanh', init='xavier', seed=0)
history = nn.fit(model, X, y, loss='mse', optimizer=nn.SGD(model, lr=0.1, momentum=0.9),
                 epochs=500, progress=False)
pred = model.predict(X)
mse = float(np.mean((pred - y) ** 2))
print("predictions:", np.round(pred, 3), f" MSE: {mse:.2e}")
assert mse < 0.01
assert nn.accuracy(pred, y, threshold=0.5) == 1.0
"""),
    code("""
viz.plot_decision_boundary(model, X, y, threshold=0.5, title='MLP 2-4-1 (tanh)')
"""),
    code("""
viz.draw_network(model, input_names=['x1', 'x2'], output_names=['xor'], show_weights=True)
"""),
    code("""
viz.plot_history(history, log_loss=True)
"""),
    md("""
## Cross-entropy, by hand

For classification we usually prefer binary cross-entropy,
$L(\\hat y, y) = -\\left(y \\log \\hat y + (1-y) \\log(1-\\hat y)\\right)$.
The lecture's example: the model says $\\hat y = 0.45$ but the truth is $y = 1$.
"""),
    code("""
y_hat, y_true = 0.45, 1.0
by_hand = -(y_true * np.log(y_hat) + (1 - y_true) * np.log(1 - y_hat))
engine = nn.binary_cross_entropy([Value(y_hat)], [y_true]).data
print(f"by hand {by_hand:.6f}, engine {engine:.6f}")
assert round(by_hand, 6) == 0.798508
assert round(engine, 6) == 0.798508
"""),
    md("""
A confident wrong answer costs much more: at $\\hat y = 0.01$ the loss is $-\\ln 0.01 \\approx 4.6$.
That steep penalty is why cross-entropy trains classifiers faster than squared error.
"""),
]

# --------------------------------------------------------------------------------------------
NB04 = [
    md("""
# 4. A playground in a notebook

Inspired by [TensorFlow Playground](https://playground.tensorflow.org): pick a data set, the
hidden layers, the activation, the learning rate, L2 regularisation and dropout, press
**Train**, and watch the loss curve and the decision boundary change while the network learns.

To make this fast we do not build a fresh scalar graph for every example. `ac.compile` traces
the graph of **one** example once and then replays it over a whole numpy batch: the same
chain rule, vectorised.
"""),
    SETUP,
    code("""
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
"""),
    md("""
## The model and its compiled loss

The traced function takes one example `x`, its label `t` and a **dropout mask** `m` as
*inputs*, so the compiled program can use a fresh random mask for every batch (randomness
inside a traced function would be frozen at tracing time). The loss is binary cross-entropy on
the logit, $\\mathrm{softplus}(z) - t z$, plus $\\lambda \\sum w^2$.
"""),
    code("""
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
    \"\"\"Train and return (losses per epoch, model, logits program, X, y).\"\"\"
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
"""),
    code("""
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
"""),
    md("""
## The playground

Change the controls and press **Train**. (On GitHub the widgets are not live: run the notebook.)
"""),
    code("""
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
"""),
    md("""
The button can also be pressed from code; this is what the test suite does to check the
interactive path (the frames land in the output area above).
"""),
    code("""
epochs_w.value = 20
button.click()
print(f"drew {len(frames)} frames, at epochs {frames}")
assert frames and frames[-1] == 19   # the live plot was redrawn while training, up to the end
"""),
    md("""
## One run, without the buttons

The same `train` function, called directly: circles with two hidden layers of 8 tanh units.
"""),
    code("""
import time
t0 = time.perf_counter()
losses, model, logits, Xc, yc = train('circles', hidden=(8, 8), activation='tanh', lr=0.03,
                                      epochs=150)
seconds = time.perf_counter() - t0
print(f"{len(losses)} epochs in {seconds:.2f} s; loss {losses[0]:.3f} -> {losses[-1]:.4f}")
fig = draw(len(losses) - 1, losses, logits, Xc, yc)
assert losses[-1] < 0.5 * losses[0]
assert np.mean((logits.forward(Xc) > 0) == (yc > 0.5)) >= 0.9
"""),
    md("""
Dropout and L2 work through the same function. With dropout the training loss is noisier
(each batch sees a different thinned network), but it still goes down:
"""),
    code("""
losses_d, _, logits_d, Xs, ys = train('xor', hidden=(8, 8), activation='relu', lr=0.03,
                                      l2=1e-4, dropout=0.2, epochs=100)
print(f"loss {losses_d[0]:.3f} -> {losses_d[-1]:.4f}")
fig = draw(len(losses_d) - 1, losses_d, logits_d, Xs, ys)
assert losses_d[-1] < losses_d[0]
"""),
    md("""
Things to try: spirals with `relu` and `8, 8, 8`; a learning rate of 1 (watch it diverge);
`sigmoid` with three hidden layers (watch it stall: saturation, from lesson 2).
"""),
]

# --------------------------------------------------------------------------------------------
NB05 = [
    md("""
# 5. Vectorization: the same gradients, much faster

The lecture's two-layer network is written with numpy matrices: examples are the *columns* of
$X$, a layer is a matrix product, and backprop is a handful of matrix formulas:

$$dZ^{[2]} = A^{[2]} - Y,\\quad dW^{[2]} = \\tfrac1m dZ^{[2]} A^{[1]T},\\quad
db^{[2]} = \\tfrac1m \\textstyle\\sum dZ^{[2]},$$
$$dZ^{[1]} = W^{[2]T} dZ^{[2]} \\odot (1 - A^{[1]2}),\\quad dW^{[1]} = \\tfrac1m dZ^{[1]} X^T,\\quad
db^{[1]} = \\tfrac1m \\textstyle\\sum dZ^{[1]}.$$

(tanh hidden layer, sigmoid output, binary cross-entropy.) Our scalar engine derives the same
numbers node by node. Let's check that they are **identical**, and time both.
"""),
    SETUP,
    code("""
import time
rng = np.random.default_rng(0)
n_x, n_h, m = 2, 4, 200
X = rng.normal(size=(n_x, m))                       # columns are examples, as in the lecture
Y = (X[0:1] * X[1:2] > 0).astype(float)             # shape (1, m)
W1 = rng.normal(size=(n_h, n_x)) * 0.5; b1 = np.zeros((n_h, 1))
W2 = rng.normal(size=(1, n_h)) * 0.5;   b2 = np.zeros((1, 1))
"""),
    md("""
## The lecture's numpy network
"""),
    code("""
def forward_propagation(X):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A1, A2

def compute_cost(A2, Y):
    return float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))

def backward_propagation(X, Y):
    A1, A2 = forward_propagation(X)
    dZ2 = A2 - Y
    dW2 = (1 / m) * dZ2 @ A1.T
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = (1 / m) * dZ1 @ X.T
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}

cost_np = compute_cost(forward_propagation(X)[1], Y)
grads_np = backward_propagation(X, Y)
print(f"cost {cost_np:.6f}")
"""),
    md("""
## The same network as scalar Values

Every weight is a `Value`; each example builds its own little graph; the cost is the mean of
the per-example cross-entropies. No derivative is written by hand.
"""),
    code("""
def values(a, name):
    return [[Value(float(a[i, j]), label=f'{name}{i}{j}') for j in range(a.shape[1])]
            for i in range(a.shape[0])]

VW1, Vb1, VW2, Vb2 = values(W1, 'W1'), values(b1, 'b1'), values(W2, 'W2'), values(b2, 'b2')
params = [p for mat in (VW1, Vb1, VW2, Vb2) for row in mat for p in row]

def example_loss(x, y):
    a1 = [sum((VW1[i][j] * x[j] for j in range(n_x)), Vb1[i][0]).tanh() for i in range(n_h)]
    a2 = sum((VW2[0][i] * a1[i] for i in range(n_h)), Vb2[0][0]).sigmoid()
    return -(y * a2.log() + (1 - y) * (1 - a2).log())

def scalar_backward():
    for p in params:
        p.grad = 0.0
    cost = sum(example_loss(X[:, k].tolist(), float(Y[0, k])) for k in range(m)) * (1 / m)
    cost.backward()
    return cost

cost_v = scalar_backward()
grads_v = {name: np.array([[p.grad for p in row] for row in mat])
           for name, mat in [('dW1', VW1), ('db1', Vb1), ('dW2', VW2), ('db2', Vb2)]}
print(f"cost numpy {cost_np:.12f}  engine {cost_v.data:.12f}")
for k in grads_np:
    print(k, np.abs(grads_np[k] - grads_v[k]).max())
assert abs(cost_np - cost_v.data) < 1e-12
assert all(np.allclose(grads_np[k], grads_v[k], rtol=1e-10, atol=1e-14) for k in grads_np)
"""),
    md("""
## The engine, compiled

`ac.compile` traces `example_loss` for **one** example and replays the graph over all $m$
columns at once with numpy, grouping the nodes of each layer into one array operation. The
batch loss is the mean of the per-example losses, exactly our cost.
"""),
    code("""
prog = ac.compile(example_loss, n_x, (), params=params)
print(prog)
print(prog.describe())
cost_c, g = prog.value_and_grad(X.T, Y[0])
grads_c = dict(zip(['W1', 'b1', 'W2', 'b2'], [None] * 4))
theta_grad = dict(zip(map(id, prog.parameters), g))
grads_c = {name: np.array([[theta_grad[id(p)] for p in row] for row in mat])
           for name, mat in [('dW1', VW1), ('db1', Vb1), ('dW2', VW2), ('db2', Vb2)]}
assert abs(cost_c - cost_np) < 1e-12
assert all(np.allclose(grads_np[k], grads_c[k], rtol=1e-10, atol=1e-14) for k in grads_np)
"""),
    md("""
## Timing
"""),
    code("""
def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return min(times)

t_np = best_of(lambda: backward_propagation(X, Y))
t_scalar = best_of(scalar_backward, repeat=3)
t_comp = best_of(lambda: prog.value_and_grad(X.T, Y[0]))
print(f"numpy by hand     {t_np * 1e3:8.3f} ms")
print(f"scalar engine     {t_scalar * 1e3:8.3f} ms   ({t_scalar / t_np:,.0f}x numpy)")
print(f"compiled engine   {t_comp * 1e3:8.3f} ms   ({t_comp / t_np:,.1f}x numpy)")
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.barh(['numpy', 'compiled', 'scalar'], [t_np * 1e3, t_comp * 1e3, t_scalar * 1e3])
ax.set_xscale('log'); ax.set_xlabel('ms per forward+backward (log scale)'); plt.tight_layout()
assert t_comp < t_scalar
"""),
    md("""
The scalar engine is slow because it makes one Python object per operation per example: great
for looking at, poor for speed. Vectorising, by hand or with `compile`, keeps the arithmetic
identical and hands the loops to numpy.
"""),
]

# --------------------------------------------------------------------------------------------
NB06 = [
    md("""
# 6. Handwritten digits with a softmax classifier

The lectures' motivating task: recognise handwritten digits. We use scikit-learn's 8×8 digits
(1797 images, 64 pixels each), a network 64 → 32 (ReLU) → 10, and a **softmax** output:
$p_k = e^{z_k} / \\sum_j e^{z_j}$, trained with cross-entropy
$L = -\\log p_{y} = \\log\\sum_j e^{z_j} - z_y$.
"""),
    SETUP,
    code("""
X, y = nn.data.digits()
X = X / 16.0                                       # pixels 0..16 -> 0..1
(Xtr, ytr), _, (Xte, yte) = nn.data.train_val_test_split(X, y, val=0.0, test=0.2, seed=0)
ytr, yte = ytr.astype(int), yte.astype(int)
print(Xtr.shape, Xte.shape)
fig, axes = plt.subplots(1, 10, figsize=(10, 1.3))
for k, ax in enumerate(axes):
    ax.imshow(Xtr[k].reshape(8, 8), cmap='gray_r'); ax.set_title(ytr[k]); ax.axis('off')
"""),
    md("""
## The loss of one example, compiled

The label comes in as a one-hot vector `t`, so picking $z_y$ is a dot product: the traced graph
never has to *look* at a number, which is what lets `ac.compile` replay it on whole batches.
"""),
    code("""
model = nn.MLP(64, [32, 10], activation='relu', seed=0)

def loss(x, t):
    z = model(x)
    return ac.logsumexp(z) - ac.dot(t, z)

step = ac.compile(loss, 64, 10, params=model.parameters())
scores = ac.compile(model, 64)
print(step)
onehot = np.eye(10)[ytr]
"""),
    code("""
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
"""),
    code("""
pred = scores.forward(Xte).argmax(axis=1)
acc = float(np.mean(pred == yte))
print(f"test accuracy {acc:.3f} on {len(yte)} unseen digits")
assert acc >= 0.9
"""),
    md("""
## Confusion matrix

Row = true digit, column = predicted digit. The diagonal is what we got right.
"""),
    code("""
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
"""),
    md("""
## What it gets wrong

The softmax also says how *sure* it was. Many mistakes are digits a person would hesitate on.
"""),
    code("""
z = scores.forward(Xte)
p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
wrong = np.flatnonzero(pred != yte)
print(f"{len(wrong)} misclassified")
k = min(len(wrong), 10)
fig, axes = plt.subplots(1, max(k, 1), figsize=(1.3 * max(k, 1), 1.8), squeeze=False)
for ax, i in zip(axes[0], wrong[:k]):
    ax.imshow(Xte[i].reshape(8, 8), cmap='gray_r'); ax.axis('off')
    ax.set_title(f'true {yte[i]}\\nsaid {pred[i]} ({p[i, pred[i]]:.0%})', fontsize=8)
"""),
]

NOTEBOOKS = {
    "01_chain_rule.ipynb": NB01,
    "02_neurons_and_activations.ipynb": NB02,
    "03_xor.ipynb": NB03,
    "04_playground.ipynb": NB04,
    "05_vectorization.ipynb": NB05,
    "06_digits.ipynb": NB06,
}


def build(name: str, cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[nbformat.from_dict(dict(c)) for c in cells])
    stem = name.split("_")[0]
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating gives a small diff
        cell.id = f"nb{stem}-{i:02d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main(argv: list[str]) -> None:
    execute = "--execute" in argv
    only = [a for a in argv if not a.startswith("--")]
    for name, cells in NOTEBOOKS.items():
        if only and not any(o in name for o in only):
            continue
        nb = build(name, cells)
        if execute:
            from nbclient import NotebookClient

            t0 = time.perf_counter()
            NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                           resources={"metadata": {"path": str(HERE)}}).execute()
            print(f"{name}: executed in {time.perf_counter() - t0:.1f} s")
        nbformat.write(nb, HERE / name)
        print(f"wrote {name}")


if __name__ == "__main__":
    main(sys.argv[1:])

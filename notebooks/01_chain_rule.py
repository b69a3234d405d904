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
# # 1. The chain rule, one node at a time
#
# Backpropagation is nothing more than the chain rule applied node by node, from the output back
# to the inputs. At every node we multiply two numbers:
#
# * the **upstream gradient**: how much the final output changes when this node's output changes;
# * the **local gradient**: how much this node's output changes when one of its inputs changes.
#
# Their product is the gradient the node *sends* to that input. Let us do the lecture's example
# (decks 000 and 001), $f(x, y, z) = (x + y)\,z$ at $x=-2,\ y=5,\ z=-4$, first by hand and then
# with the engine.

# %%
# %matplotlib inline
import math
import numpy as np
import autograd_core as ac
from autograd_core import Value
import viz
from exercises import check, hint, solution

# %% [markdown]
# ## Forward pass
#
# We name the intermediate node $q = x + y$, so $f = q \cdot z$.

# %%
x, y, z = -2.0, 5.0, -4.0
q = x + y          # 3
f = q * z          # -12
print(f"q = {q}, f = {f}")
assert (q, f) == (3.0, -12.0)

# %% [markdown]
# ## Local gradients
#
# Each node only knows its own little formula:
#
# * $q = x + y$: $\;\partial q/\partial x = 1,\ \partial q/\partial y = 1$
#   (addition hands the gradient through unchanged);
# * $f = q z$: $\;\partial f/\partial q = z = -4,\ \partial f/\partial z = q = 3$
#   (multiplication swaps its inputs).
#
# ## Upstream × local, by hand
#
# We start at the output with $\partial f/\partial f = 1$ and walk backwards.

# %%
df_df = 1.0
df_dq = df_df * z          # upstream 1  x local z   = -4
df_dz = df_df * q          # upstream 1  x local q   =  3
df_dx = df_dq * 1.0        # upstream -4 x local 1   = -4
df_dy = df_dq * 1.0        # upstream -4 x local 1   = -4
print(f"df/dx = {df_dx}, df/dy = {df_dy}, df/dz = {df_dz}")
assert (df_dx, df_dy, df_dz) == (-4.0, -4.0, 3.0)

# %% [markdown]
# ## The same with the engine
#
# A `Value` remembers which values made it and the local gradient to each of them. Here is the
# graph *before* `backward()`: every gradient still reads `grad ?`.

# %%
xv, yv, zv = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qv = xv + yv; qv.label = 'q'
fv = qv * zv; fv.label = 'f'
viz.draw_graph(fv)

# %% [markdown]
# Now `backward()` runs the loop we did by hand: in reverse topological order,
# `parent.grad += local * node.grad`. Every edge of the picture shows *local × upstream = sent*.

# %%
fv.backward()
viz.draw_graph(fv)

# %%
print(f"f = {fv.data}; grads x, y, z = {xv.grad}, {yv.grad}, {zv.grad}; q.grad = {qv.grad}")
assert fv.data == -12
assert (xv.grad, yv.grad, zv.grad) == (-4, -4, 3)
assert (xv.grad, yv.grad, zv.grad) == (df_dx, df_dy, df_dz)   # the engine agrees with our hand work

# %% [markdown]
# ## Step by step
#
# `viz.steps_table` prints the backward pass as a table: one row per edge, in the order the
# engine visits the nodes. Compare each row with the hand computation above.

# %%
print(viz.steps_table(fv))

# %% [markdown]
# In a live notebook, `viz.step_slider` lets you drag through the same steps and watch the
# gradients appear on the graph one node at a time.

# %%
viz.step_slider(fv)

# %% [markdown]
# ## What a gradient promises: nudging
#
# A gradient is a prediction: bump an input by a small $h$ and the output moves by about
# gradient × $h$. Let us bump each input by $h = 0.001$, *predict* the change of $f$ from the
# gradients above, and then *verify* by recomputing $f$.

# %%
def f_of(x, y, z):
    return (x + y) * z

h = 0.001
grads = {'x': xv.grad, 'y': yv.grad, 'z': zv.grad}
point = {'x': -2.0, 'y': 5.0, 'z': -4.0}
print(" input   gradient   predicted change   actual change")
for name in 'xyz':
    bumped = dict(point, **{name: point[name] + h})
    predicted = grads[name] * h
    actual = f_of(**bumped) - f_of(**point)
    print(f"   {name}      {grads[name]:+.0f}          {predicted:+.6f}          {actual:+.6f}")
    assert abs(predicted - actual) < 1e-9

# %% [markdown]
# The prediction is exact here because $f$ is linear in each input separately; for curved
# functions it is exact only in the limit $h \to 0$ (the error shrinks like $h^2$).
#
# **The sign says which way.** $\partial f/\partial z = +3$: growing $z$ grows $f$.
# $\partial f/\partial x = -4$: growing $x$ *shrinks* $f$, four times as fast as $x$ grows.
#
# **One gradient step.** To make $f$ smaller, move every input a little *against* its gradient:
# $x \leftarrow x - \eta\, \partial f/\partial x$ (and the same for $y$, $z$), with a step size
# $\eta = 0.01$. This is all gradient descent ever does.

# %%
lr = 0.01
new = {name: point[name] - lr * grads[name] for name in 'xyz'}
f_before, f_after = f_of(**point), f_of(**new)
print("new inputs:", {k: round(v, 4) for k, v in new.items()})
print(f"f before {f_before:.4f}, after one step {f_after:.4f}")
assert f_after < f_before
# the first-order prediction: change ~ -lr * |grad|^2
predicted = -lr * sum(g * g for g in grads.values())
print(f"predicted change {predicted:.4f}, actual {f_after - f_before:.4f}")
assert abs((f_after - f_before) - predicted) < 0.02

# %% [markdown]
# ## Checking gradients with finite differences
#
# The same nudging idea checks the engine: nudge each input by a tiny $h$ both ways,
# $\frac{f(x+h) - f(x-h)}{2h}$ approximates the derivative. `ac.check_grads` does this for every
# input and raises if the two disagree.

# %%
pairs = ac.check_grads(lambda x, y, z: (x + y) * z, [-2.0, 5.0, -4.0])
for name, (engine, numeric) in zip('xyz', pairs):
    print(f"d f/d{name}: engine {engine:+.6f}   central difference {numeric:+.6f}")
assert np.allclose([p[0] for p in pairs], [p[1] for p in pairs], atol=1e-6)

# %% [markdown]
# ## Sum over paths
#
# What if a variable feeds *two* operations? Deck 004's multivariable chain rule says its
# gradient is the **sum** of what every path sends back:
# $\frac{\partial z}{\partial x} = \sum_n \frac{\partial z}{\partial y_n}\frac{dy_n}{dx}$.
#
# The deck's example, reconstructed: $z = 6 y_1 + 4 y_2$ with $y_1 = x^2$ and $y_2 = e^{2x}$.
# Path 1 sends $6 \cdot 2x$, path 2 sends $4 \cdot 2e^{2x}$, so
# $\frac{dz}{dx} = 12x + 8e^{2x}$. In the graph, $x$ has two outgoing edges.

# %%
xs = Value(1.0, label='x')
y1 = xs ** 2; y1.label = 'y1'
y2 = (2 * xs).exp(); y2.label = 'y2'
zs = 6 * y1 + 4 * y2; zs.label = 'z'
zs.backward()
path1 = 6 * 2 * xs.data
path2 = 4 * 2 * math.exp(2 * xs.data)
print(f"path through y1: 6 * 2x     = {path1:.4f}")
print(f"path through y2: 4 * 2e^2x  = {path2:.4f}")
print(f"sum 12x + 8e^(2x) at x = 1  = {path1 + path2:.4f}")
print(f"the engine's x.grad         = {xs.grad:.4f}")
assert abs(xs.grad - (12 + 8 * math.e ** 2)) < 1e-12
assert f"{xs.grad:.4f}" == "71.1124"
viz.draw_graph(zs, rankdir='TB')

# %% [markdown]
# ## Why backward uses `+=`
#
# Summing over paths is why the engine's loop *adds* into `parent.grad` instead of assigning
# it. The smallest case: $b = a + a$. Both edges lead to the same $a$, each sending 1, so
# $db/da = 2$. A naive engine that writes `parent.grad = local * node.grad` keeps only the
# last edge it visits and answers 1.

# %%
a = Value(3.0, label='a')
b = a + a; b.label = 'b'
print("b's parents:", [p.label for p in b.parents], " local gradients:", b.local_grads)

naive = {'a': 0.0}
for parent, local in zip(b.parents, b.local_grads):     # naive: '=' overwrites
    naive[parent.label] = local * 1.0
summed = {'a': 0.0}
for parent, local in zip(b.parents, b.local_grads):     # the engine: '+=' accumulates
    summed[parent.label] += local * 1.0
b.backward()
numeric = ac.numerical_grads(lambda a: a + a, [3.0])[0]
print(f"naive '=' gives {naive['a']}, '+=' gives {summed['a']}, engine {a.grad}, "
      f"central difference {numeric:.6f}")
assert naive['a'] == 1.0 and summed['a'] == a.grad == 2.0 and abs(numeric - 2.0) < 1e-6
viz.draw_graph(b)

# %% [markdown]
# ## A tanh neuron
#
# A neuron is the same story with more nodes: $n = x_1 w_1 + x_2 w_2 + b$, $o = \tanh(n)$.
# With $x=(2, 0)$, $w=(-3, 1)$ and $b = 6.8814$ the neuron's output is about $0.7071$.
#
# By hand: $\frac{d}{dn}\tanh(n) = 1 - \tanh(n)^2 = 1 - o^2$, and then upstream × local
# through the sum and the products.

# %%
x1, x2, w1, w2, bb = 2.0, 0.0, -3.0, 1.0, 6.8813735870195432
n = x1 * w1 + x2 * w2 + bb
o = math.tanh(n)
do_dn = 1 - o ** 2                  # local gradient of tanh, upstream is 1
hand = {'x1': w1 * do_dn, 'w1': x1 * do_dn, 'x2': w2 * do_dn, 'w2': x2 * do_dn, 'b': do_dn}
print(f"o = {o:.4f}, do/dn = {do_dn:.4f}")
print({k: round(v, 4) for k, v in hand.items()})
assert abs(o - 0.7071) < 1e-4 and abs(do_dn - 0.5) < 1e-9

# %% [markdown]
# The weights and the bias are the neuron's **parameters**: passing them as `params` colours
# them green in the graph (inputs stay blue; top to bottom, so it stays legible at notebook
# width).

# %%
X1, X2 = Value(x1, label='x1'), Value(x2, label='x2')
W1, W2, B = Value(w1, label='w1'), Value(w2, label='w2'), Value(bb, label='b')
N = X1 * W1 + X2 * W2 + B; N.label = 'n'
O = N.tanh(); O.label = 'o'
O.backward()
engine = {'x1': X1.grad, 'w1': W1.grad, 'x2': X2.grad, 'w2': W2.grad, 'b': B.grad}
print({k: round(v, 4) for k, v in engine.items()})
assert abs(O.data - 0.7071) < 1e-4
assert all(abs(engine[k] - hand[k]) < 1e-12 for k in hand)
assert abs(W1.grad - 1.0) < 1e-9 and abs(X1.grad + 1.5) < 1e-9
viz.draw_graph(O, rankdir='TB', params=[W1, W2, B], legend=False)

# %% [markdown]
# ## Three gate patterns: add distributes, max routes, multiply swaps
#
# CS231n's notes point out that three gates behave in ways you can read off at a glance. One
# circuit with all three, $f = 2\,(x y + \max(z, w))$ at $x = 3$, $y = -4$, $z = 2$, $w = -1$:
#
# * **add distributes**: the local gradient of $a + b$ is 1 for both inputs, so it hands the
#   upstream gradient unchanged to each;
# * **max routes**: the local gradient of $\max(a, b)$ is 1 for the larger input and 0 for the
#   other, so the whole upstream goes to the winner and nothing to the loser;
# * **multiply swaps**: the local gradient of $a b$ is $b$ for $a$ and $a$ for $b$, so each input
#   receives the upstream times the *other* input's value.

# %%
x, y = Value(3.0, label='x'), Value(-4.0, label='y')
z, w = Value(2.0, label='z'), Value(-1.0, label='w')
xy = x * y; xy.label = 'xy'
m = ac.maximum(z, w); m.label = 'max'
s_ = xy + m; s_.label = 's'
f2 = 2.0 * s_; f2.label = 'f'
f2.backward()
print(f"f = {f2.data};  upstream at the add: df/ds = {s_.grad}")
print(f"add distributes:  d/d(xy) = {xy.grad}, d/d(max) = {m.grad}")
print(f"max routes:       d/dz = {z.grad} (z = 2 won), d/dw = {w.grad}")
print(f"multiply swaps:   d/dx = {x.grad} = y x 2, d/dy = {y.grad} = x x 2")
assert f2.data == -20.0 and s_.grad == 2.0 and xy.grad == m.grad == 2.0
assert (z.grad, w.grad) == (2.0, 0.0) and (x.grad, y.grad) == (-8.0, 6.0)
viz.draw_graph(f2, rankdir='TB', legend=False)

# %% [markdown]
# Read the edges of the picture: the add's two outgoing edges both carry 2; the max sends 2 to
# z and 0 to w; the multiply sends $-4 \times 2 = -8$ to x and $3 \times 2 = 6$ to y. A
# consequence of the swap: if one input of a multiply is very large, the *other* input gets a
# very large gradient (why inputs are scaled, lesson 5).
#
# ## Gates: forward and backward by hand
#
# Deck 000 describes every operation as a **gate**: `forward` computes the output and keeps what
# it will need; `backward(upstream)` receives the upstream gradient and returns one gradient per
# input, upstream × local. Subclass `autograd_core.Function` to write one; the engine calls
# your `backward` during the backward pass with the real upstream gradient.
#
# To see a gradient other than 1 arrive, we square the gate's output:
# $L = f^2 = ((x + y) z)^2$, so the upstream at the gate is $dL/df = 2f = -24$.

# %%
class MultiplyGate(ac.Function):
    def forward(self, x, y):
        self.x, self.y = x, y          # must keep these around for backward!
        return x * y

    def backward(self, upstream):
        print(f"MultiplyGate.backward: upstream = {upstream}")
        dx = self.y * upstream         # dz/dx * dL/dz
        dy = self.x * upstream         # dz/dy * dL/dz
        return dx, dy

xg, yg, zg = Value(-2.0, label='x'), Value(5.0, label='y'), Value(-4.0, label='z')
qg = xg + yg; qg.label = 'q'
fg = MultiplyGate.apply(qg, zg); fg.label = 'f'
L = fg ** 2; L.label = 'L'
print("calling L.backward()")
L.backward()
print(f"f = {fg.data}, L = {L.data}; grads x, y, z = {xg.grad}, {yg.grad}, {zg.grad}")
assert fg.data == -12 and L.data == 144
assert (xg.grad, yg.grad, zg.grad) == (96, 96, -72)        # 2f z, 2f z, 2f q

# %% [markdown]
# The gate printed the real upstream, $-24 = 2f$, during the backward pass, and the gradients
# are $2fz = 96$ for $x$ and $y$ and $2fq = -72$ for $z$: the hand-written gate plugs into the
# graph like any built-in op.
#
# ## Your turn
#
# Replace each `...` with your answer and run the cell; the checker answers in plain words.
# Stuck? `hint("01.nudge_z")` gives a nudge, `solution("01.nudge_z")` the worked answer.
#
# **1.** For $f = (x+y)z$ at $(-2, 5, -4)$: by how much does $f$ change when $z$ grows from
# $-4$ to $-3.99$? Predict it from the gradient.

# %%
answer = ...
check("01.nudge_z", answer);

# %% [markdown]
# **2.** Sum over paths: $g = (ab + c)\,a$ at $a = 2, b = -1, c = 3$. Give
# $(\partial g/\partial a, \partial g/\partial b, \partial g/\partial c)$ by hand (then you may
# check with the engine).

# %%
answer = (..., ..., ...)
check("01.two_paths", answer);

# %% [markdown]
# **3.** Find the bug: this gate's backward is wrong. Fix it (keep the class name or rename it)
# and pass the corrected class to the checker, which compares your backward with central
# differences at three points.

# %%
class DivideGate(ac.Function):
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, upstream):
        return [upstream / self.y, upstream * self.x / self.y ** 2]

check("01.divide_gate", DivideGate);

# %% [markdown]
# **Takeaway.** Every gradient in a network, however big, is a product of local gradients along
# paths from the output, summed over paths. The engine only automates the bookkeeping.

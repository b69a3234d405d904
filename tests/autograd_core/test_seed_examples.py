"""The lectures' worked examples, reproduced to the digit (shared/seeds)."""

import math

from autograd_core import Value


def test_f_equals_x_plus_y_times_z():
    """Seed 000/001: f = (x + y) z at x=-2, y=5, z=-4: f=-12, df/dx=-4, df/dy=-4, df/dz=3."""
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    assert (q.data, f.data) == (3.0, -12.0)
    # local gradients, as on the slide: dq/dx = dq/dy = 1, df/dq = z, df/dz = q
    assert q.local_grads == (1.0, 1.0)
    assert f.local_grads == (-4.0, 3.0)
    f.backward()
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert q.grad == -4.0 and f.grad == 1.0  # intermediate nodes hold d f / d node too


def test_second_backward_adds_the_same_leaf_gradients():
    """a=2, b=3, e=(ab)^2+a: de/da = 2ab*b + 1 = 37, de/db = 2ab*a = 24; then 74 and 48."""
    a, b = Value(2.0), Value(3.0)
    e = (a * b) ** 2 + a
    e.backward()
    assert (a.grad, b.grad) == (37.0, 24.0)
    e.backward()
    assert (a.grad, b.grad) == (74.0, 48.0)
    # intermediates are recomputed, not accumulated: d e / d(ab) = 2ab = 12 both times
    assert e.inputs[0].grad == 1.0 and e.inputs[0].inputs[0].grad == 12.0


def test_tanh_neuron_by_hand():
    """Karpathy's neuron: x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432, o = tanh(n)."""
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert math.isclose(o.data, 0.7071067811865476, rel_tol=1e-12)
    dn = 1 - o.data ** 2  # = 0.5
    assert math.isclose(n.grad, 0.5, rel_tol=1e-12)
    assert math.isclose(x1.grad, w1.data * dn, rel_tol=1e-12)  # -1.5
    assert math.isclose(w1.grad, x1.data * dn, rel_tol=1e-12)  # 1.0
    assert x2.grad == w2.data * n.grad and w2.grad == 0.0


def test_lecture_relu_neuron_and_bce():
    """Seed 002: w=[0.5, 0.1, 0.0058], x=[0.4, 2, 17], b=0.2 gives relu 0.7 (to slide
    precision); BCE of y_hat=0.45 with y=1 is -log(0.45) = 0.798508."""
    w = [Value(0.5), Value(0.1), Value(0.0058)]
    x = [0.4, 2.0, 17.0]
    z = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + 0.2
    # 0.2 + 0.2 + 0.0986 + 0.2 = 0.6986, which the slide rounds to 0.7
    assert math.isclose(z.relu().data, 0.6986, rel_tol=1e-12)
    assert round(z.relu().data, 1) == 0.7
    y_hat = Value(0.45)
    loss = -(1 * y_hat.log() + 0 * (1 - y_hat).log())
    assert round(loss.data, 6) == 0.798508
    loss.backward()
    assert math.isclose(y_hat.grad, -1 / 0.45, rel_tol=1e-12)


def test_toy_sigmoid_network_first_layer():
    """Seed 001: input [1, -1], W=[[1,-2],[-1,1]], b=[1,0], sigmoid: [0.98, 0.12]."""
    x = [1.0, -1.0]
    W = [[1.0, -2.0], [-1.0, 1.0]]
    b = [1.0, 0.0]
    a = [(Value(W[i][0]) * x[0] + Value(W[i][1]) * x[1] + b[i]).sigmoid() for i in range(2)]
    assert [round(v.data, 2) for v in a] == [0.98, 0.12]

"""Karpathy's micrograd lecture, cell by cell, on this engine.

Source: karpathy/nn-zero-to-hero (commit 73c3fcc741f0ec104ca850b1fb0df90e7e8d4cde),
lectures/micrograd/micrograd_lecture_first_half_roughly.ipynb and
lectures/micrograd/micrograd_lecture_second_half_roughly.ipynb ("The spelled-out intro to neural
networks and backpropagation: building micrograd"). Each test is one section of a notebook, its
code cells transcribed in order (``# [cell N]`` marks where each starts) and the lecture's printed
outputs asserted.

Adaptations (every one is also commented where it happens):
- The lecture's own class definitions are replaced by imports: ``class Value`` (first notebook
  cell 7, second notebook cell 7) by ``autograd_core.Value``; ``Neuron``, ``Layer``, ``MLP``
  (second notebook cell 14) by ``nn``'s, with the lecture's tanh everywhere spelled
  ``MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh")`` (``Neuron(nin,
  activation="tanh")``, ``Layer(nin, nout, activation="tanh")``); its ``trace``/``draw_dot``
  (cell 8) by ``viz.draw_dot``. The drawing is checked through its DOT text (each record's label,
  data and grad) and rendered to SVG when Graphviz's ``dot`` is installed.
- ``print(...)`` of a number becomes an assertion of the number the notebook printed.
  Plotting cells compute the numbers they plot and assert them instead.
- The lecture computes tanh by its formula (e^2x - 1) / (e^2x + 1); the engine uses the C
  library's tanh, as PyTorch does. At the lecture's neuron the two are one ulp apart
  (0.7071067811865476 vs 0.7071067811865477), so numbers derived from the lecture's tanh are
  compared to 1e-15 (:func:`lec`), everything else exactly.
- Weights the lecture draws with ``random.uniform`` and no seed are drawn with ``seed=1``; their
  printed values (0.1657..., the training losses) cannot be reproduced, so those cells assert
  what the numbers mean (an output in (-1, 1), equal to a forward pass by hand; a falling loss).
- Cells the notebook records without the steps that produced their output (the gradients the
  video set by hand before cell 10 of the first notebook) get those steps from ``backward()``,
  asserted against the lecture's hand-derived values.
"""

import math
import re
import shutil

import numpy as np
import pytest

from autograd_core import Value
from nn import MLP, Layer, Neuron
from viz import draw_dot


def lec(x: float) -> object:
    """A number the lecture printed, compared to 1e-15 (see the module docstring)."""
    return pytest.approx(x, rel=1e-15, abs=1e-15)


def records(graph: object) -> dict[str, tuple[float, float | None]]:
    """label -> (data, grad) for every labelled Value record of a viz drawing (grad None while
    the drawing says ``grad ?``, i.e. before backward())."""
    out = {}
    for m in re.finditer(r'label="\{ ([^|]+?) \| data (\S+) \| grad (\S+) \}"',
                         graph.source):  # type: ignore[attr-defined]
        out[m[1]] = (float(m[2]), None if m[3] == "?" else float(m[3]))
    return out


def rendered(graph: object) -> None:
    """The drawing renders to SVG (only where Graphviz's dot program is installed)."""
    if shutil.which("dot") is None:
        return
    svg = graph.pipe(format="svg")  # type: ignore[attr-defined]
    assert b"<svg" in svg


# ------------------------------------------------------------------------------------------------
# First notebook: micrograd_lecture_first_half_roughly.ipynb
# ------------------------------------------------------------------------------------------------


def test_first_half_derivative_of_a_simple_function():
    # [cell 0] imports (math, numpy, matplotlib: the plot is replaced by its numbers)
    # [cell 1]
    def f(x):
        return 3*x**2 - 4*x + 5

    # [cell 2]
    assert f(3.0) == 20.0
    # [cell 3] plt.plot(xs, ys): the parabola, lowest at x = 2/3 (the grid point 0.75)
    xs = np.arange(-5, 5, 0.25)
    ys = f(xs)
    assert len(xs) == 40 and ys[0] == 100.0 and xs[np.argmin(ys)] == 0.75
    # [cell 4]
    h = 0.000001
    x = 2/3
    assert (f(x + h) - f(x))/h == 2.999378523327323e-06


def test_first_half_derivative_with_three_inputs():
    # [cell 5] les get more complex
    a = 2.0
    b = -3.0
    c = 10.0
    d = a*b + c
    assert d == 4.0  # print(d)

    # [cell 6]
    h = 0.0001

    # inputs
    a = 2.0
    b = -3.0
    c = 10.0

    d1 = a*b + c
    c += h
    d2 = a*b + c

    assert d1 == 4.0  # print('d1', d1)
    assert d2 == 4.0001  # print('d2', d2)
    assert (d2 - d1)/h == 0.9999999999976694  # print('slope', (d2 - d1)/h)


def test_first_half_expression_graph():
    # [cell 7] the class Value definition is replaced by `from autograd_core import Value`
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    c = Value(10.0, label='c')
    e = a*b; e.label = 'e'  # noqa: E702 (the lecture's style)
    d = e + c; d.label = 'd'  # noqa: E702
    f = Value(-2.0, label='f')
    L = d * f; L.label = 'L'  # noqa: E702
    assert L.data == -8.0 and repr(L).startswith('Value(data=-8.0')  # shows Value(data=-8.0)

    # [cell 8] trace() and draw_dot() are replaced by `from viz import draw_dot`
    # [cell 9] (before backward the drawing says "grad ?" where the lecture's says 0.0000)
    dot = draw_dot(L)
    assert records(dot) == {'a': (2.0, None), 'b': (-3.0, None), 'c': (10.0, None),
                            'e': (-6.0, None), 'd': (4.0, None), 'f': (-2.0, None),
                            'L': (-8.0, None)}
    rendered(dot)

    # Between cells 9 and 10 the video fills in the gradients by hand (those cells are not in
    # the notebook): dL/dL = 1, dL/dd = f = -2, dL/df = d = 4, dL/dc = dL/de = -2,
    # dL/da = -2 * b = 6, dL/db = -2 * a = -4. backward() gives exactly those numbers.
    L.backward()
    assert (L.grad, d.grad, f.grad, c.grad, e.grad, a.grad, b.grad) == (
        1.0, -2.0, 4.0, -2.0, -2.0, 6.0, -4.0)
    assert records(draw_dot(L))['a'] == (2.0, 6.0)

    # [cell 10] one step of gradient ascent on L
    a.data += 0.01 * a.grad
    b.data += 0.01 * b.grad
    c.data += 0.01 * c.grad
    f.data += 0.01 * f.grad

    e = a * b
    d = e + c
    L = d * f

    assert L.data == pytest.approx(-7.286496, abs=1e-12)  # print(L.data)

    # [cell 11]
    def lol():

        h = 0.001

        a = Value(2.0, label='a')
        b = Value(-3.0, label='b')
        c = Value(10.0, label='c')
        e = a*b; e.label = 'e'  # noqa: E702
        d = e + c; d.label = 'd'  # noqa: E702
        f = Value(-2.0, label='f')
        L = d * f; L.label = 'L'  # noqa: E702
        L1 = L.data

        a = Value(2.0, label='a')
        b = Value(-3.0, label='b')
        b.data += h
        c = Value(10.0, label='c')
        e = a*b; e.label = 'e'  # noqa: E702
        d = e + c; d.label = 'd'  # noqa: E702
        f = Value(-2.0, label='f')
        L = d * f; L.label = 'L'  # noqa: E702
        L2 = L.data

        return (L2 - L1)/h  # print((L2 - L1)/h)

    assert lol() == -3.9999999999995595


def test_first_half_tanh_plot():
    # [cell 12] plt.plot(np.arange(-5,5,0.2), np.tanh(np.arange(-5,5,0.2))): the same curve
    # through Values, against numpy
    xs = np.arange(-5, 5, 0.2)
    ys = [Value(float(x)).tanh().data for x in xs]
    assert ys == pytest.approx(np.tanh(xs), rel=1e-15, abs=1e-15)
    assert ys[0] == pytest.approx(-0.9999092042625951) and ys[25] == pytest.approx(0.0, abs=1e-14)


def _lecture_neuron():
    # [cell 13] (first notebook) = [cell 9] (second notebook) without its last line
    # inputs x1,x2
    x1 = Value(2.0, label='x1')
    x2 = Value(0.0, label='x2')
    # weights w1,w2
    w1 = Value(-3.0, label='w1')
    w2 = Value(1.0, label='w2')
    # bias of the neuron
    b = Value(6.8813735870195432, label='b')
    # x1*w1 + x2*w2 + b
    x1w1 = x1*w1; x1w1.label = 'x1*w1'  # noqa: E702
    x2w2 = x2*w2; x2w2.label = 'x2*w2'  # noqa: E702
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'  # noqa: E702
    n = x1w1x2w2 + b; n.label = 'n'  # noqa: E702
    o = n.tanh(); o.label = 'o'  # noqa: E702
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def test_first_half_neuron():
    # [cell 13]
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = _lecture_neuron()
    assert n.data == 0.8813735870195432
    assert o.data == lec(0.7071067811865476)  # tanh(n) = 1/sqrt(2): the lecture's chosen bias

    # [cell 14]
    rendered(draw_dot(o))

    # [cell 15]
    o.backward()
    grads = {v.label: v.grad for v in (o, n, b, x1w1x2w2, x1w1, x2w2, x1, w1, x2, w2)}
    assert grads == {'o': 1.0, 'n': lec(0.5), 'b': lec(0.5), 'x1*w1 + x2*w2': lec(0.5),
                     'x1*w1': lec(0.5), 'x2*w2': lec(0.5), 'x1': lec(-1.5), 'w1': lec(1.0),
                     'x2': lec(0.5), 'w2': 0.0}
    drawn = records(draw_dot(o))
    assert drawn['n'][1] == pytest.approx(0.5) and drawn['x1'][1] == pytest.approx(-1.5)

    # [cell 16]
    topo = []
    visited = set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(o)
    # the lecture's _prev is a set, so its printed order is one of several valid ones: same ten
    # Values, each after its inputs, o last
    assert sorted(v.data for v in topo) == sorted(
        [6.881373587019543, 2.0, -3.0, -6.0, 0.0, 1.0, 0.0, -6.0, 0.8813735870195432,
         o.data])
    assert topo[-1] is o
    assert all(topo.index(p) < topo.index(v) for v in topo for p in v._prev)

    # [cells 17-22] one node's step at a time, in the notebook's order. The notebook runs them
    # after cell 15's backward(), so each step adds upstream x local on top of what backward()
    # left (the lecture's _backward does +=, as ours): the lecture's own class gives exactly
    # these numbers in this order.
    # [cell 17]
    o.grad = 1.0
    # [cell 18]
    o._backward()
    assert n.grad == lec(1.0)  # 0.5 + (1 - o**2) * 1.0
    # [cell 19]
    n._backward()
    assert (x1w1x2w2.grad, b.grad) == (lec(1.5), lec(1.5))
    # [cell 20] a leaf: nothing to do
    b._backward()
    assert (b.grad, x1w1x2w2.grad) == (lec(1.5), lec(1.5))
    # [cell 21]
    x1w1x2w2._backward()
    assert (x1w1.grad, x2w2.grad) == (lec(2.0), lec(2.0))
    # [cell 22]
    x2w2._backward()
    x1w1._backward()
    assert (x2.grad, w2.grad, x1.grad, w1.grad) == (lec(2.5), 0.0, lec(-7.5), lec(5.0))

    # [cells 23-28] the gradients the video first wrote by hand (here in the notebook's order)
    # [cell 23]
    x1.grad = w1.data * x1w1.grad
    w1.grad = x1.data * x1w1.grad
    assert (x1.grad, w1.grad) == (lec(-6.0), lec(4.0))
    # [cell 24]
    x2.grad = w2.data * x2w2.grad
    w2.grad = x2.data * x2w2.grad
    assert (x2.grad, w2.grad) == (lec(2.0), 0.0)
    # [cell 25]
    x1w1.grad = 0.5
    x2w2.grad = 0.5
    # [cell 26]
    x1w1x2w2.grad = 0.5
    b.grad = 0.5
    # [cell 27]
    n.grad = 0.5
    # [cell 28]
    o.grad = 1.0
    # [cell 29]
    assert 1 - o.data**2 == lec(0.4999999999999999)
    # [cell 30] (comments only: o = tanh(n), do/dn = 1 - o**2)


def test_first_half_neuron_one_node_at_a_time_from_zero():
    """Cells 17-22 as the video runs them: on a fresh neuron, before any backward(), root
    first. Each ``_backward()`` is one node's step of ``backward()``, so after the last one every
    gradient equals backward()'s, bit for bit."""
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = _lecture_neuron()
    o.grad = 1.0
    o._backward()
    assert n.grad == 1 - o.data**2 == lec(0.5)
    n._backward()
    assert x1w1x2w2.grad == b.grad == n.grad
    b._backward()
    x1w1x2w2._backward()
    assert x1w1.grad == x2w2.grad == n.grad
    x2w2._backward()
    x1w1._backward()
    stepped = [v.grad for v in (x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o)]
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == (lec(-1.5), lec(1.0), lec(0.5), 0.0)

    nodes = _lecture_neuron()
    nodes[-1].backward()
    assert [v.grad for v in nodes] == stepped


def test_first_half_reused_variable():
    # [cell 31] the bug the lecture fixes: a Value used twice must get both contributions
    a = Value(3.0, label='a')
    b = a + a   ; b.label = 'b'  # noqa: E702,E211
    b.backward()
    assert a.grad == 2.0  # (the buggy version gave 1.0)
    assert records(draw_dot(b)) == {'a': (3.0, 2.0), 'b': (6.0, 1.0)}
    rendered(draw_dot(b))

    # [cell 32]
    a = Value(-2.0, label='a')
    b = Value(3.0, label='b')
    d = a * b    ; d.label = 'd'  # noqa: E702,E211
    e = a + b    ; e.label = 'e'  # noqa: E702,E211
    f = d * e    ; f.label = 'f'  # noqa: E702,E211

    f.backward()

    # df/da = b*e + d = 3*1 + (-6) = -3; df/db = a*e + d = -2*1 + (-6) = -8
    assert records(draw_dot(f)) == {'a': (-2.0, -3.0), 'b': (3.0, -8.0), 'd': (-6.0, 1.0),
                                    'e': (1.0, -6.0), 'f': (-6.0, 1.0)}


# ------------------------------------------------------------------------------------------------
# Second notebook: micrograd_lecture_second_half_roughly.ipynb
# (its cells 0-6 repeat cells 0-6 of the first notebook verbatim: tested above)
# ------------------------------------------------------------------------------------------------


def test_second_half_neuron():
    # [cell 7] the extended class Value (numbers on either side of + and *, **, /, -, exp) is
    # replaced by `from autograd_core import Value`; [cell 8] draw_dot by viz's
    # [cell 9]
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = _lecture_neuron()
    o.backward()
    # [cell 10]
    drawn = records(draw_dot(o))
    assert drawn['o'] == (pytest.approx(0.7071), 1.0)
    assert drawn['x1'] == (2.0, pytest.approx(-1.5)) and drawn['w2'] == (1.0, 0.0)
    rendered(draw_dot(o))


def test_second_half_tanh_spelled_out_with_exp():
    # [cell 11]
    # inputs x1,x2
    x1 = Value(2.0, label='x1')
    x2 = Value(0.0, label='x2')
    # weights w1,w2
    w1 = Value(-3.0, label='w1')
    w2 = Value(1.0, label='w2')
    # bias of the neuron
    b = Value(6.8813735870195432, label='b')
    # x1*w1 + x2*w2 + b
    x1w1 = x1*w1; x1w1.label = 'x1*w1'  # noqa: E702
    x2w2 = x2*w2; x2w2.label = 'x2*w2'  # noqa: E702
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'  # noqa: E702
    n = x1w1x2w2 + b; n.label = 'n'  # noqa: E702
    # ----
    e = (2*n).exp()
    o = (e - 1) / (e + 1)
    # ----
    o.label = 'o'
    o.backward()
    dot = draw_dot(o)
    # the same neuron, the same numbers as with tanh (the lecture's point)
    assert o.data == lec(0.7071067811865476)
    assert (x1.grad, w1.grad, x2.grad, w2.grad, b.grad) == (
        lec(-1.5), lec(1.0), lec(0.5), 0.0, lec(0.5))
    assert records(dot)['n'] == (pytest.approx(0.8814, abs=1e-4), pytest.approx(0.5))
    rendered(dot)


def test_second_half_pytorch():
    # [cell 12]
    torch = pytest.importorskip("torch")
    # [cell 13] (verbatim; torch.Tensor makes float32, so b is 6.8813735... rounded to float32
    # before .double(), which is why the printed numbers are not 1/sqrt(2), 0.5, -1.5, 1)
    x1 = torch.Tensor([2.0]).double()                ; x1.requires_grad = True  # noqa: E702,E211
    x2 = torch.Tensor([0.0]).double()                ; x2.requires_grad = True  # noqa: E702,E211
    w1 = torch.Tensor([-3.0]).double()               ; w1.requires_grad = True  # noqa: E702,E211
    w2 = torch.Tensor([1.0]).double()                ; w2.requires_grad = True  # noqa: E702,E211
    b = torch.Tensor([6.8813735870195432]).double()  ; b.requires_grad = True  # noqa: E702,E211
    n = x1*w1 + x2*w2 + b
    o = torch.tanh(n)

    printed = {'o': 0.7071066904050358, 'x2': 0.5000001283844369, 'w2': 0.0,
               'x1': -1.5000003851533106, 'w1': 1.0000002567688737}
    assert o.data.item() == printed['o']
    o.backward()

    assert x2.grad.item() == printed['x2']
    assert w2.grad.item() == printed['w2']
    assert x1.grad.item() == printed['x1']
    assert w1.grad.item() == printed['w1']

    # The engine on the same numbers (the bias rounded to float32 as torch.Tensor did): within
    # one ulp of the lecture's PyTorch output (README: bit-identical for + - * /, within 1 ulp for
    # transcendental functions such as tanh)
    vx1, vx2, vw1, vw2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    vb = Value(float(np.float32(6.8813735870195432)))
    vo = (vx1*vw1 + vx2*vw2 + vb).tanh()
    vo.backward()
    ours = {'o': vo.data, 'x2': vx2.grad, 'w2': vw2.grad, 'x1': vx1.grad, 'w1': vw1.grad}
    for k, want in printed.items():
        assert abs(ours[k] - want) <= math.ulp(want), (k, ours[k], want)


def test_second_half_neuron_layer_mlp_classes():
    # [cell 14] the lecture's Neuron, Layer and MLP classes are replaced by nn's, with tanh.
    # What the cell defines, checked on nn's classes: a Neuron(nin) is tanh(sum(w_i x_i) + b)
    # with nin + 1 parameters; a Layer returns one Value per neuron (the Value itself for one);
    # an MLP chains the layers and lists every parameter.
    x = [2.0, 3.0]
    nrn = Neuron(2, activation="tanh", seed=1)
    act = sum((wi*xi for wi, xi in zip(nrn.w, x)), nrn.b)  # the lecture's __call__, by hand
    assert nrn(x).data == pytest.approx(act.tanh().data, rel=1e-15)
    assert nrn.parameters() == nrn.w + [nrn.b] and len(nrn.parameters()) == 3

    lay = Layer(2, 3, activation="tanh", seed=1)
    outs = lay(x)
    assert len(outs) == 3 and all(-1 < o.data < 1 for o in outs)
    assert [o.data for o in outs] == [pytest.approx(nr(x).data) for nr in lay.neurons]
    assert len(lay.parameters()) == 3 * 3
    assert isinstance(Layer(2, 1, activation="tanh", seed=1)(x), Value)

    mlp = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=1)
    assert len(mlp.parameters()) == 41  # (3+1)*4 + (4+1)*4 + (4+1)*1, as in the video
    h = [2.0, 3.0, -1.0]
    for layer in mlp.layers:  # the lecture's MLP.__call__
        h = layer(h)
    assert isinstance(h, Value) and h.data == mlp([2.0, 3.0, -1.0]).data


def test_second_half_mlp_training():
    # [cell 15] (seed=1: the lecture's weights are unseeded random.uniform(-1, 1), so its
    # printed output 0.16578526021381612 is one random draw; ours is another)
    x = [2.0, 3.0, -1.0]
    n = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=1)
    out = n(x)
    assert isinstance(out, Value) and -1.0 < out.data < 1.0

    # [cell 16]
    xs = [
      [2.0, 3.0, -1.0],
      [3.0, -1.0, 0.5],
      [0.5, 1.0, 1.0],
      [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0] # desired targets  # noqa: E261

    # [cell 17]
    losses = []
    for k in range(20):  # noqa: B007 (k is printed in the lecture)

        # forward pass
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()

        # update
        for p in n.parameters():
            p.data += -0.1 * p.grad

        losses.append(loss.data)  # print(k, loss.data)

    # The lecture's printed losses fall at every step (it had trained before; from a fresh
    # start the first steps may overshoot): the loss falls by more than 10x over the 20 steps
    # and at every one of the last ten.
    assert losses[-1] < 0.1 * losses[0]
    assert all(later < earlier for earlier, later in zip(losses[10:], losses[11:]))

    # [cell 18] ypred: the predictions have moved to the targets' signs
    assert [math.copysign(1.0, y.data) for y in ypred] == ys
    assert loss.data == pytest.approx(sum((y.data - t)**2 for t, y in zip(ys, ypred)))

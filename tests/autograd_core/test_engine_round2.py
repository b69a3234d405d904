"""Engine behaviour that other projects' users expect: backward() inside a gate's backward,
gates applied twice, gates waiting on other threads, pickling after create_graph, the !=
warning's location, PyTorch's grad-mode API, retain_grad and item()."""

from __future__ import annotations

import copy
import math
import pickle
import threading
import warnings

import pytest

from autograd_core import (
    Function,
    Value,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from autograd_core import value as V

paths = [True, False] if V._speedups is not None else [False]


@pytest.fixture(params=paths, ids=lambda on: "accelerated" if on else "pure")
def accelerated(request):
    if V._speedups is None:
        yield False
        return
    was = V.use_accelerator(request.param)
    try:
        yield request.param
    finally:
        V.use_accelerator(was)


# --- backward() inside a gate's backward --------------------------------------------------------

def test_backward_inside_a_gates_backward_keeps_every_gradient(accelerated):
    w = Value(1.0)

    class G(Function):
        def forward(self, x):
            return 5.0 * x

        def backward(self, up):
            (w * 7.0).backward()  # another graph, sharing the leaf w
            return [5.0 * up]

    (G.apply(w) + w * 2.0).backward()
    assert w.grad == 14.0  # 5 (gate) + 2 (w * 2) + 7 (the inner pass), as PyTorch


# --- one gate instance applied twice ------------------------------------------------------------

class Mul(Function):
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dz):
        return [self.y * dz, self.x * dz]


def test_a_gate_applied_twice_keeps_each_applications_inputs(accelerated):
    a, b, c, d = Value(2.0), Value(3.0), Value(5.0), Value(7.0)
    mul = Mul()
    z1 = mul(a, b)
    z2 = mul(c, d)
    z1.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)  # not the second call's 7, 5
    z2.backward()
    assert (c.grad, d.grad) == (7.0, 5.0)
    assert (mul.x, mul.y) == (2.0, 3.0)  # the instance keeps its first application's state


# --- a gate waiting for another thread's backward -----------------------------------------------

def test_a_gate_that_waits_for_another_threads_backward_does_not_deadlock(accelerated):
    other = Value(3.0)
    done = []

    class Waits(Function):
        def forward(self, x):
            return 2.0 * x

        def backward(self, up):
            t = threading.Thread(target=lambda: ((other * other).backward(), done.append(1)),
                                 daemon=True)
            t.start()
            t.join(timeout=20)
            assert not t.is_alive(), "the other thread's backward() is stuck"
            return [2.0 * up]

    x = Value(1.0)
    (Waits.apply(x) * 3.0).backward()
    assert done == [1] and other.grad == 6.0 and x.grad == 6.0


# --- pickle and deepcopy after create_graph -----------------------------------------------------

def test_pickle_and_deepcopy_after_create_graph_are_iterative():
    x = Value(0.3)
    w = Value(0.9)
    y = x
    for _ in range(3000):  # deeper than the recursion limit
        y = (y * w).tanh()
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and isinstance(w.grad, Value)
    for clone in (pickle.loads(pickle.dumps([x, w, y])), copy.deepcopy([x, w, y])):
        cx, cw, cy = clone
        assert cy.data == y.data and cx.grad.data == x.grad.data and cw.grad.data == w.grad.data
        (cx2,) = grad(cx.grad, [cx], allow_unused=True)  # the gradient graph came along
        (x2,) = grad(x.grad, [x], allow_unused=True)
        assert cx2 == pytest.approx(x2, rel=1e-12)
    pickle.loads(pickle.dumps(x))  # one leaf on its own
    copy.deepcopy(w.grad)


# --- the != warning's location -------------------------------------------------------------------

def test_not_equal_warns_at_the_callers_line():
    v = Value(3.0)
    for compare in (lambda: v != 3.0, lambda: v == 3.0):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compare()
        assert len(caught) == 1 and caught[0].filename == __file__
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert (v != 3.0) is True and (v == 3.0) is False
    assert (v != v) is False and (v != Value(3.0)) is True


# --- PyTorch's grad-mode API ----------------------------------------------------------------------

def test_set_grad_enabled_as_a_function_and_as_a_context_manager():
    x = Value(2.0)
    try:
        set_grad_enabled(False)
        assert not is_grad_enabled() and (x * x).is_leaf
    finally:
        set_grad_enabled(True)
    assert is_grad_enabled()
    with set_grad_enabled(False):
        assert not is_grad_enabled()
        with set_grad_enabled(True):
            assert not (x * x).is_leaf
        assert not is_grad_enabled()
    assert is_grad_enabled()

    @set_grad_enabled(False)
    def predict(v):
        return v * v

    assert is_grad_enabled()  # decorating does not switch the mode
    assert predict(x).is_leaf and is_grad_enabled()


def test_no_grad_and_enable_grad_decorate_bare_and_called():
    x = Value(2.0)

    @no_grad
    def bare(v):
        return v * 3.0

    @no_grad()
    def called(v):
        return v * 3.0

    @enable_grad
    def recorded(v):
        return v * 3.0

    assert bare(x).is_leaf and called(x).is_leaf and bare.__name__ == "bare"
    with no_grad():
        assert not recorded(x).is_leaf
    assert is_grad_enabled()


def test_decorated_generators_run_their_body_in_the_mode_and_yield_outside_it():
    x = Value(2.0)
    seen = []

    @no_grad
    def gen():
        for _ in range(2):
            seen.append(is_grad_enabled())
            yield x * x

    for out in gen():
        assert out.is_leaf
        seen.append(is_grad_enabled())  # the caller's code between steps records
    assert seen == [False, True, False, True]


def test_grad_materialize_grads_gives_zero_for_unused_inputs():
    x, y = Value(2.0), Value(5.0)
    f = x * x
    assert grad(f, [x, y], materialize_grads=True) == [4.0, 0.0]
    with pytest.raises(RuntimeError, match="not used"):
        grad(f, [x, y])
    with pytest.raises(ValueError, match="allow_unused"):
        grad(f, [x, y], materialize_grads=True, allow_unused=False)


def test_retain_grad_accumulates_on_an_intermediate_node(accelerated):
    x = Value(3.0)
    h = x * x  # dh/dx = 6
    h.retain_grad()
    out = h * 2.0
    out.backward()
    out.backward()
    assert h.retains_grad and h.grad == 4.0  # 2 + 2, as PyTorch accumulates retained grads
    assert x.grad == 24.0
    other = x * x  # not retained: overwritten by each pass
    (other * 2.0).backward()
    (other * 2.0).backward()
    assert other.grad == 2.0 and not other.retains_grad


def test_retain_grad_on_a_graph_with_a_gate():
    x = Value(3.0)
    h = Mul.apply(x, x)
    h.retain_grad()
    for _ in range(2):
        (h * 2.0).backward()
    assert h.grad == 4.0 and x.grad == 2 * 2 * 6.0


def test_item_is_the_number():
    v = Value(2.5) * 2.0
    assert v.item() == 5.0 and type(v.item()) is float
    assert math.isclose(v.exp().item(), math.exp(5.0))

"""The lectures' forward/backward gate API."""

import math

import pytest

from autograd_core import Function, Value, check_grads, no_grad


class MultiplyGate(Function):
    """Seed 000's MultiplyGate, as on the slide (with the missing ``self`` put back)."""

    def forward(self, x, y):
        z = x * y
        self.x = x  # must keep these around!
        self.y = y
        return z

    def backward(self, dz):
        dx = self.y * dz  # [dz/dx * dL/dz]
        dy = self.x * dz  # [dz/dy * dL/dz]
        return [dx, dy]


class SigmoidGate(Function):
    def forward(self, x):
        import math

        self.s = 1 / (1 + math.exp(-x))
        return self.s

    def backward(self, up):
        return (self.s * (1 - self.s) * up,)


def test_multiply_gate_behaves_like_the_builtin_op():
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = MultiplyGate.apply(x + y, z)
    f.backward()
    assert f.data == -12.0
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert f.op == "function" and isinstance(f.arg, MultiplyGate)


def test_gradcheck_passes_on_custom_gates():
    check_grads(lambda a, b: MultiplyGate.apply(a, b), [1.3, -0.4])
    check_grads(lambda a, b: SigmoidGate.apply(MultiplyGate.apply(a, b) + a), [0.3, 2.0])


def test_gradcheck_catches_a_wrong_backward():
    class Wrong(MultiplyGate):
        def backward(self, dz):
            return [self.x * dz, self.y * dz]  # swapped

    from autograd_core import GradcheckError

    with pytest.raises(GradcheckError, match="input 0"):
        check_grads(lambda a, b: Wrong.apply(a, b), [1.0, 3.0])


def test_constants_and_errors():
    f = MultiplyGate.apply(Value(2.0), 3)
    assert f.data == 6.0 and f.inputs[1] == 3.0

    class BadCount(MultiplyGate):
        def backward(self, dz):
            return [dz]

    bad = BadCount.apply(Value(1.0), Value(2.0))  # backward runs during the backward pass
    with pytest.raises(ValueError, match="returned 1 gradient"):
        bad.backward()
    with pytest.raises(TypeError, match="input 1 must be a Value or a plain number"):
        MultiplyGate.apply(Value(1.0), "2")

    class NoForward(Function):
        pass

    with pytest.raises(NotImplementedError, match="must define forward"):
        NoForward.apply(Value(1.0))
    with no_grad():
        assert MultiplyGate.apply(Value(2.0), Value(4.0)).is_leaf


class RecordingGate(Function):
    """Deck 000's MultiplyGate, recording every upstream it is called with."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dz):
        self.seen.append(dz)
        return [self.y * dz, self.x * dz]


@pytest.mark.parametrize("accelerated", [True, False])
def test_backward_receives_the_real_upstream_during_the_pass(accelerated):
    from autograd_core import use_accelerator
    from autograd_core.value import _speedups

    if accelerated and _speedups is None:
        pytest.skip("the C accelerator is not built")
    was = use_accelerator(accelerated)
    try:
        gate = RecordingGate()
        x, y = Value(3.0), Value(-4.0)
        z = gate(x, y)
        assert gate.seen == []  # nothing is called at build time
        loss = (z * 0.05).tanh()
        loss.backward()
        t = math.tanh(-12.0 * 0.05)
        upstream = (1.0 - t * t) * 0.05  # local of tanh x local of *0.05 x 1
        assert gate.seen == [upstream]  # once, with d(loss)/dz
        assert x.grad == -4.0 * upstream and y.grad == 3.0 * upstream
        loss.backward()  # a second pass calls it again; leaves accumulate
        assert gate.seen == [upstream, upstream] and x.grad == 2 * (-4.0 * upstream)
    finally:
        use_accelerator(was)


def test_backward_by_hand_with_underscore_backward():
    gate = RecordingGate()
    x, y = Value(2.0), Value(5.0)
    z = gate(x, y)
    z.grad = 7.0
    z._backward()
    assert gate.seen == [7.0] and (x.grad, y.grad) == (35.0, 14.0)


def test_local_grads_of_a_gate_are_its_backward_at_one():
    gate = RecordingGate()
    z = gate(Value(2.0), Value(5.0))
    assert z.local_grads == (5.0, 2.0) and gate.seen == [1.0]

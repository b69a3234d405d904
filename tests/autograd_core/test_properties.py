"""Property-based tests: random DAGs with reuse, against central differences."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_core import Value, check_grads, grad, topological_order

from .random_dags import programs, run_values

floats = st.floats(-2.0, 2.0, allow_nan=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(smooth=True), st.lists(floats, min_size=3, max_size=3))
def test_random_dags_match_central_differences(steps, xs):
    check_grads(lambda *v: run_values(steps, v), xs, rtol=1e-5, atol=1e-6)


@settings(max_examples=80, deadline=None)
@given(programs(), st.lists(floats, min_size=3, max_size=3))
def test_second_backward_doubles_leaf_grads_and_keeps_intermediates(steps, xs):
    vs = [Value(x) for x in xs]
    out = run_values(steps, vs)
    out.backward()
    first = [v.grad for v in vs]
    inner = [(n, n.grad) for n in topological_order(out)]
    out.backward()
    for v, g in zip(vs, first):
        assert v.grad == 2 * g or (math.isnan(v.grad) and math.isnan(g))
    for n, g in inner:
        if not n.is_leaf:
            assert n.grad == g or (math.isnan(n.grad) and math.isnan(g))


@settings(max_examples=80, deadline=None)
@given(programs(), st.lists(floats, min_size=3, max_size=3))
def test_backward_and_functional_grad_agree(steps, xs):
    vs = [Value(x) for x in xs]
    out = run_values(steps, vs)
    gs = grad(out, vs, allow_unused=True)
    out.backward()
    assert [v.grad for v in vs] == gs or all(
        a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(gs, [v.grad for v in vs]))

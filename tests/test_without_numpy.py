"""The engine where numpy cannot be imported (as in the browser, under Pyodide).

Each test runs a fresh Python in a subprocess whose import system refuses numpy (a meta-path
finder raising ImportError, which is what ``import numpy`` does where it is not installed),
then checks what it printed: the engine's gradients, an XOR network trained by nn, the DOT text
and step table viz makes of its loss, and that numpy never got into ``sys.modules``.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.without_numpy import run_without_numpy

REPORT = """
import json
print("REPORT " + json.dumps(report))
"""


def report_without_numpy(body: str) -> dict:
    """Run ``body`` (which fills a dict ``report``) where numpy cannot be imported."""
    done = run_without_numpy("report = {}\n" + textwrap.dedent(body) + REPORT)
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("REPORT ")][-1]
    return json.loads(line[len("REPORT "):])


def test_the_blocker_blocks() -> None:
    report = report_without_numpy("""
        try:
            import numpy  # noqa: F401
        except ImportError as e:
            report["error"] = str(e)
    """)
    assert "blocked by the test" in report["error"]


def test_engine_and_viz_dot_text_without_numpy() -> None:
    report = report_without_numpy("""
        import autograd_core, nn, viz
        from autograd_core import Value, grad, jvp

        x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
        q = x + y
        q.label = "q"
        f = q * z
        f.label = "f"
        f.backward()
        report["grads"] = [x.grad, y.grad, z.grad]
        report["dot"] = viz.dot_source(f)
        report["table"] = viz.steps_table(f)
        report["jvp"] = jvp(lambda a, b: a * b + a.tanh(), [0.5, 2.0], [1.0, 0.0])[1]
        from viz.plots import CLASS_COLORS  # the plots' names import; numpy comes on use
        report["colors"] = CLASS_COLORS[:2]
        report["numpy_loaded"] = "numpy" in sys.modules
    """)
    assert report["grads"] == [-4.0, -4.0, 3.0]
    assert report["dot"].startswith("digraph")
    # the multiply gate's edge from q: local -4 (= z) x upstream 1 sends -4
    assert "-4" in report["dot"] and "q" in report["dot"]
    assert "sends" in report["table"] and " f " in report["table"]
    # d/da (a b + tanh a) at a = 0.5, b = 2: b + 1 - tanh(0.5)^2
    import math

    assert report["jvp"] == pytest.approx(2.0 + 1.0 - math.tanh(0.5) ** 2, abs=1e-15)
    assert report["colors"] == ["#f59322", "#0877bd"]  # class 0 orange, class 1 blue
    assert report["numpy_loaded"] is False


def test_xor_mlp_trained_eagerly_and_its_loss_drawn() -> None:
    """nn.MLP, a loss and SGD, the loop a learner writes, then the DOT text of the loss."""
    report = report_without_numpy("""
        import nn, viz

        X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
        y = [0.0, 1.0, 1.0, 0.0]
        model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
        opt = nn.SGD(model.parameters(), lr=0.2)
        losses = []
        for epoch in range(300):
            loss = nn.mse([model(x) for x in X], y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.data)
        report["losses"] = [losses[0], losses[-1]]
        report["outputs"] = [model(x).data for x in X]
        report["dot"] = viz.dot_source(loss)
        report["numpy_loaded"] = "numpy" in sys.modules
    """)
    first, last = report["losses"]
    assert last < 0.05 < first
    assert [round(o) for o in report["outputs"]] == [0, 1, 1, 0]
    assert report["dot"].startswith("digraph") and report["dot"].count("->") > 40
    assert report["numpy_loaded"] is False


def test_xor_mlp_trained_by_fit_and_its_loss_drawn() -> None:
    report = report_without_numpy("""
        import nn, viz

        X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
        y = [0.0, 1.0, 1.0, 0.0]
        model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
        history = nn.fit(model, X, y, loss="mse", optimizer="sgd", lr=0.2, epochs=300,
                         progress=False)
        report["losses"] = [history["loss"][0], history["loss"][-1]]
        loss = nn.mse([model(x) for x in X], y)
        report["dot"] = viz.dot_source(loss)
        print(report["dot"])
        report["numpy_loaded"] = "numpy" in sys.modules
    """)
    first, last = report["losses"]
    assert last < 0.05 < first
    assert report["dot"].startswith("digraph") and report["dot"].count("->") > 40
    assert report["numpy_loaded"] is False

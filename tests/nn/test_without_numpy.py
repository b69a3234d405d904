"""nn's eager path where numpy cannot be imported (the browser under Pyodide has none):
Neuron, Layer, MLP, losses, optimizers, fit on lists, the fixed data sets and the metrics.

Each test runs a script in a fresh interpreter whose meta-path finder refuses ``numpy``."""

from __future__ import annotations

from tests.without_numpy import run_without_numpy

TRAIN = """
import math
import nn
from autograd_core import Value

X, y = nn.data.xor()
assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [0.0, 1.0, 1.0, 0.0]
Xs, ys = nn.data.study_hours()
assert len(Xs) == 8 and Xs[2] == [115.0, 4.0, 1.0] and ys[2] == 0.95

m = nn.MLP(2, [4, 1], activation="tanh", init="xavier", seed=0)
h = nn.fit(m, X, y, loss="mse", optimizer=nn.SGD(m, lr=0.1, momentum=0.9), epochs=300,
           metrics=["accuracy", "mae"], validation=(X, y), batch_size=2, progress=False)
loss = h.history["loss"]
assert loss[-1] < 0.01 < loss[0], loss[::50]
assert h.history["accuracy"][-1] == 1.0 and h.history["val_accuracy"][-1] == 1.0
assert nn.evaluate(m, X, y, "mse", ["rmse"])["rmse"] < 0.1

# booleans as 0/1, every optimizer, every built-in loss
for opt in (nn.Adam, nn.AdamW, nn.RMSprop):
    m2 = nn.MLP(2, [4, 2], seed=1)
    h2 = nn.fit(m2, X, [False, True, True, False], loss="cross_entropy",
                optimizer=opt(m2, lr=0.05), epochs=40, progress=False)
    assert h2.history["loss"][-1] < h2.history["loss"][0]
for name, t in (("bce_with_logits", y), ("hinge", [2 * v - 1 for v in y]),
                ("binary_cross_entropy", y)):
    act = "sigmoid" if name == "binary_cross_entropy" else None
    m3 = nn.MLP(2, [4, 1], activation="tanh", output_activation=act, seed=2)
    h3 = nn.fit(m3, X, t, loss=name, optimizer="adam", lr=0.05, epochs=30, progress=False)
    assert h3.history["loss"][-1] < h3.history["loss"][0], name
p = Value(1.0)
rms = nn.RMSprop([p], lr=0.01, alpha=0.5, centered=True)
for _ in range(60):
    p.grad = 1e-3
    rms.step()
assert math.isnan(p.data)  # centered RMSprop's s - a^2 rounds below 0: NaN, as PyTorch
print("numpy imported:", "numpy" in sys.modules)
"""


def test_xor_trains_where_numpy_cannot_be_imported():
    r = run_without_numpy(TRAIN)
    assert r.returncode == 0, r.stderr
    assert "numpy imported: False" in r.stdout


def test_nn_itself_imports_no_numpy_on_the_eager_path():
    """The same script, with numpy refused from the moment ``nn`` is first imported (the
    engine is imported before, as it may still import numpy for its compiler)."""
    r = run_without_numpy(TRAIN, before="import autograd_core\n")
    assert r.returncode == 0, r.stderr
    assert "numpy imported: False" in r.stdout


def test_what_needs_numpy_says_so():
    r = run_without_numpy(before="import autograd_core\n", script="""
import nn
for call in (lambda: nn.data.moons(10), lambda: list(nn.data.minibatches([[1.0]], [1.0], 1))):
    try:
        call()
    except ImportError as e:
        assert "needs numpy" in str(e) and "pip install numpy" in str(e), e
    else:
        raise AssertionError("no ImportError")
m = nn.MLP(2, [2, 1], seed=0)
try:
    nn.fit(m, *nn.data.xor(), epochs=1, compiled=True, progress=False)
except ImportError as e:
    assert "compiled=True" in str(e) and "compiled=False" in str(e), e
else:
    raise AssertionError("no ImportError")
try:
    nn.fit(m, [[1.0, 2.0], [3.0]], [0.0, 1.0], progress=False)
except ValueError as e:
    assert "row 0 has 2 numbers but row 1 has 1" in str(e), e
for bad, msg in (([[1.0, 2j]], "complex number at row 0, column 1"),
                 ([[1.0, float("nan")]], "row 0, column 1 (nan)")):
    try:
        nn.fit(m, bad, [0.0], progress=False)
    except (TypeError, ValueError) as e:
        assert msg in str(e), e
    else:
        raise AssertionError("accepted")
print("ok")
""")
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout

"""fit(): the lectures' "must show" results (XOR, micrograd's demo, moons, spirals: each eager
and compiled; a small digits run), the History contract viz plots from, early stopping, Ctrl-C,
and bad inputs.
The full-size digits run (97% test accuracy) lives in benchmarks/bench_training.py."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn import MLP, SGD, Adam, EarlyStopping, LinearDecay, data


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_xor_three_lines_for_9_of_10_seeds(compiled):
    # the README's example: MLP(2, [4, 1], tanh), SGD lr 0.1 momentum 0.9, 500 epochs
    X, y = data.xor()
    wins = 0
    for seed in range(10):
        model = MLP(2, [4, 1], activation="tanh", init="xavier", seed=seed)
        h = nn.fit(model, X, y, loss="mse", optimizer=SGD(model, lr=0.1, momentum=0.9),
                   epochs=500, progress=False, compiled=compiled)
        wins += h.history["loss"][-1] < 0.01
    assert wins >= 9


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_micrograd_demo_reaches_100_percent(compiled):
    # 100 moons points, MLP 2-16-16-1, hinge + micrograd's 1e-4 * sum(p^2) (= l2 2e-4),
    # SGD with lr 1.0 - 0.9 k / 100, 100 full-batch steps
    X, y = data.moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=1337)
    h = nn.fit(model, X, 2 * y - 1, loss="hinge", l2=2e-4, epochs=100, metrics=["accuracy"],
               optimizer=SGD(model, lr=LinearDecay(1.0, 0.1, 100)), progress=False,
               compiled=compiled)
    assert h.history["accuracy"][-1] == 1.0
    assert (np.sign(model.predict(X)) == 2 * y - 1).mean() == 1.0


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_moons_held_out_accuracy_at_least_97_percent(compiled):
    X, y = data.moons(300, noise=0.1, seed=0)
    train, _, test = data.train_val_test_split(X, y, val=0.0, test=0.3, seed=0)
    model = MLP(2, [16, 16, 1], init="he", seed=0)
    nn.fit(model, *train, loss="bce_with_logits", optimizer=Adam(model, lr=0.02), epochs=30,
           batch_size=32, progress=False, compiled=compiled)
    logs = nn.evaluate(model, *test, loss="bce_with_logits", metrics="accuracy")
    assert logs["accuracy"] >= 0.97


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
def test_spirals_training_accuracy_at_least_95_percent(compiled):
    X, y = data.spirals(300, arms=3, noise=0.2, seed=0)
    model = MLP(2, [16, 16, 3], init="he", seed=0)
    nn.fit(model, X, y, loss="cross_entropy", optimizer=Adam(model, lr=0.02), epochs=25,
           batch_size=32, progress=False, compiled=compiled)
    assert nn.evaluate(model, X, y, "cross_entropy", ["accuracy"])["accuracy"] >= 0.95


def test_digits_small_run():
    pytest.importorskip("sklearn")
    X, y = data.digits()
    X = X / 16.0
    train, _, test = data.train_val_test_split(X, y, val=0.0, test=0.2, seed=0)
    Xtr, ytr = train[0][:400], train[1][:400]
    model = MLP(64, [16, 10], init="he", seed=0)
    h = nn.fit(model, Xtr, ytr, loss="cross_entropy", optimizer=Adam(model, lr=0.01),
               epochs=5, batch_size=32, metrics=["accuracy"], validation=test, progress=False)
    assert h.history["val_accuracy"][-1] >= 0.85  # 400 training images, 5 epochs


def test_history_contract():
    X, y = data.moons(40, seed=0)
    (Xtr, ytr), (Xv, yv), _ = data.train_val_test_split(X, y, val=0.25, test=0.0, seed=0)
    model = MLP(2, [4, 1], seed=0)
    h = nn.fit(model, Xtr, ytr, loss="bce_with_logits", optimizer="adam", lr=0.05, epochs=3,
               batch_size=8, validation=(Xv, yv), metrics=["accuracy", "mae"], progress=False)
    assert isinstance(h, nn.History) and h.epochs == 3
    assert set(h.history) == {"loss", "accuracy", "mae", "val_loss", "val_accuracy", "val_mae"}
    assert all(len(v) == 3 and all(isinstance(x, float) for x in v) for v in h.history.values())
    assert h["val_loss"][-1] == pytest.approx(
        nn.evaluate(model, Xv, yv, "bce_with_logits")["loss"])
    assert not h.interrupted and not h.stopped_early and "3 epochs" in repr(h)


def test_stochastic_fit_equals_a_hand_written_loop():
    X, y = data.study_hours()
    X = data.standardize(X)
    a, b = MLP(3, [3, 1], activation="tanh", seed=2), MLP(3, [3, 1], activation="tanh", seed=2)
    nn.fit(a, X, y, loss="mse", optimizer=SGD(a, lr=0.05), epochs=2, batch_size=1,
           shuffle=False, progress=False)
    opt = SGD(b, lr=0.05)
    for _ in range(2):
        for xi, yi in zip(X.tolist(), y.tolist(), strict=True):
            loss = (b(xi) - yi) ** 2
            opt.zero_grad()
            loss.backward()
            opt.step()
    assert [p.data for p in a.parameters()] == pytest.approx([p.data for p in b.parameters()],
                                                             rel=1e-12)


def test_l2_in_fit_equals_sgd_weight_decay():
    X, y = data.xor()
    a, b = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    nn.fit(a, X, y, optimizer=SGD(a, lr=0.1), l2=0.01, epochs=5, progress=False)
    nn.fit(b, X, y, optimizer=SGD(b, lr=0.1, weight_decay=0.01), epochs=5, progress=False)
    assert [p.data for p in a.parameters()] == pytest.approx([p.data for p in b.parameters()],
                                                             rel=1e-10)


def test_early_stopping_restores_the_best_epoch():
    X, y = data.moons(60, noise=0.3, seed=0)
    (Xtr, ytr), (Xv, yv), _ = data.train_val_test_split(X, y, val=0.3, test=0.0, seed=0)
    model = MLP(2, [16, 1], seed=0)
    stop = EarlyStopping(patience=2)
    h = nn.fit(model, Xtr, ytr, loss="bce_with_logits", optimizer=SGD(model, lr=3.0),
               epochs=200, validation=(Xv, yv), early_stopping=stop, progress=False)
    assert h.stopped_early and h.epochs < 200
    assert h.best_epoch == int(np.argmin(h["val_loss"]))
    assert h.epochs == h.best_epoch + 1 + 2
    restored = nn.evaluate(model, Xv, yv, "bce_with_logits")["loss"]
    assert restored == pytest.approx(min(h["val_loss"]), rel=1e-12)


def test_early_stopping_needs_its_key():
    X, y = data.xor()
    with pytest.raises(ValueError, match="pass validation=\\(X_val, y_val\\) to fit"):
        nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, early_stopping=EarlyStopping(),
               progress=False)
    h = nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=50, early_stopping=1,
               optimizer=SGD([nn.MLP(1, [1]).parameters()[0]], lr=0.0), progress=False)
    assert h.stopped_early and h.epochs == 2  # int patience watches 'loss' without validation


def test_ctrl_c_stops_cleanly_and_keeps_latest_weights():
    X, y = data.moons(40, seed=0)
    model = MLP(2, [4, 1], seed=0)
    snapshots = []
    calls = {"n": 0}

    def loss(preds, targets):
        calls["n"] += 1
        if calls["n"] == 7:  # 2 batches per epoch: the first batch of epoch 3
            raise KeyboardInterrupt
        return nn.mse(preds, targets)

    h = nn.fit(model, X, y, loss=loss, optimizer=SGD(model, lr=0.1), epochs=10, batch_size=20,
               callbacks=[lambda epoch, logs: snapshots.append(model.state_dict())],
               progress=False)
    assert h.interrupted and h.epochs == 3 and len(h["loss"]) == 3
    assert "Ctrl-C" in (h.stop_reason or "")
    assert model.state_dict() == snapshots[-1]
    assert model.training


def test_diverging_loss_stops_with_a_warning():
    X, y = data.regression(20, seed=0)
    model = MLP(3, [1], seed=0)  # unscaled square feet (~2000) and a huge rate: overflow
    with pytest.warns(RuntimeWarning, match="smaller learning rate"):
        h = nn.fit(model, X, y, optimizer=SGD(model, lr=10.0), epochs=50, progress=False)
    assert h.epochs < 50


def test_progress_bar_runs(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr("nn.training._interactive", lambda: True)  # as in a terminal
    X, y = data.xor()
    h = nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert h.epochs == 2
    assert "epoch" in capsys.readouterr().err


def test_compiled_runs():  # the full contract is in test_compiled_fit.py
    X, y = data.xor()
    h = nn.fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, compiled=True, progress=False)
    assert h.epochs == 2


def test_dropout_model_trains_and_evaluates_deterministically():
    X, y = data.moons(40, seed=0)
    model = MLP(2, [16, 1], dropout=0.3, seed=0)
    nn.fit(model, X, y, loss="bce_with_logits", optimizer="adam", lr=0.02, epochs=3,
           progress=False)
    assert model.training  # fit leaves the model in training mode
    a = nn.evaluate(model, X, y, "bce_with_logits")["loss"]
    assert a == nn.evaluate(model, X, y, "bce_with_logits")["loss"]


@pytest.mark.parametrize("kwargs,match", [
    (dict(X=np.zeros((4, 3))), "MLP expected 2 inputs, got 3"),
    (dict(y=np.zeros(3)), "X has 4 samples but y has 3"),
    (dict(epochs=-1), "epochs must be a non-negative int"),
    (dict(batch_size=0), "batch_size must be a positive int or None"),
    (dict(loss="l1"), "unknown loss 'l1'"),
    (dict(metrics=["f1"]), "unknown metric 'f1'"),
    (dict(optimizer="adagrad"), "unknown optimizer 'adagrad'"),
    (dict(validation=np.zeros((2, 2))), "validation must be a pair"),
    (dict(validation=(np.zeros((2, 3)), np.zeros(2))), "validation X has 3 columns"),
    (dict(l2=-0.1), "l2 must be a non-negative number"),
    (dict(early_stopping="yes"), "early_stopping must be an EarlyStopping"),
    (dict(y=np.array(["a", "b", "c", "d"])), "y must be numeric"),
])
def test_bad_fit_arguments(kwargs, match):
    X, y = data.xor()
    args = dict(X=X, y=y)
    args.update({k: kwargs.pop(k) for k in ("X", "y") if k in kwargs})
    with pytest.raises((ValueError, TypeError), match=match):
        nn.fit(MLP(2, [2, 1], seed=0), args["X"], args["y"], progress=False, **kwargs)


def test_optimizer_and_lr_together_is_an_error():
    m = MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="both an Optimizer and lr"):
        nn.fit(m, *data.xor(), optimizer=SGD(m, lr=0.1), lr=0.2, progress=False)


def test_accuracy_metric_rules():
    assert nn.accuracy(np.array([0.2, 0.7, 0.9]), np.array([0, 1, 0])) == pytest.approx(2 / 3)
    assert nn.accuracy(np.array([-0.5, 0.1]), np.array([-1, 1])) == 1.0
    assert nn.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    with pytest.raises(ValueError, match="2 outputs and 3 targets"):
        nn.accuracy(np.zeros(2), np.zeros(3))

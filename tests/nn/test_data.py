"""Data sets and preprocessing: shapes, labels, the lecture's numbers, seeds, splits."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nn import data


def test_xor_and_study_hours():
    X, y = data.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]
    X, y = data.study_hours()
    assert X.shape == (8, 3) and y.shape == (8,)
    assert X[2].tolist() == [115, 4, 1.0] and y[2] == 0.95  # row 3 of lecture 000's table
    assert X[:, 0].sum() == 12 + 22 + 115 + 31 + 0 + 5 + 92 + 57


@pytest.mark.parametrize("make,classes", [
    (lambda s: data.moons(101, 0.1, seed=s), 2), (lambda s: data.circles(101, seed=s), 2),
    (lambda s: data.spirals(101, arms=4, seed=s), 4)])
def test_generators_shapes_labels_and_seeds(make, classes):
    state = np.random.get_state()
    X, y = make(3)
    assert np.all(np.random.get_state()[1] == state[1])  # numpy's global state untouched
    assert X.shape == (101, 2) and y.shape == (101,)
    assert sorted(set(y.tolist())) == list(range(classes))
    counts = np.bincount(y.astype(int))
    assert counts.max() - counts.min() <= 1  # balanced
    X2, y2 = make(3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, make(4)[0])


def test_noise_free_geometry():
    X, y = data.moons(50, noise=0.0, seed=0)
    upper = X[y == 0]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    X, y = data.circles(40, noise=0.0, factor=0.3, seed=0)
    assert np.allclose(np.hypot(*X[y == 1].T), 0.3) and np.allclose(np.hypot(*X[y == 0].T), 1)
    X, y = data.spirals(30, arms=3, noise=0.0, seed=0)
    assert np.hypot(*X.T).max() == pytest.approx(1.0)


def test_regression_is_house_prices():
    X, y = data.regression(500, noise=0.0, seed=0)
    assert X.shape == (500, 3) and set(X[:, 0]) <= {1, 2, 3, 4, 5}
    assert np.allclose(y, 50 + 20 * X[:, 0] + 15 * X[:, 1] + 0.1 * X[:, 2])
    _, noisy = data.regression(500, noise=20.0, seed=0)
    assert 15 < np.std(noisy - y) < 25


def test_digits():
    pytest.importorskip("sklearn")
    X, y = data.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 16 and set(y.tolist()) == set(range(10))


def test_digits_without_sklearn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install autograd-core\[digits\]"):
        data.digits()


def test_standardize_and_minmax():
    X = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0], [5.0, 20.0, 5.0]])
    Z = data.standardize(X)
    assert np.allclose(Z.mean(0), 0) and np.allclose(Z[:, :2].std(0), 1)
    assert np.all(Z[:, 2] == 0)  # constant column: centred only
    T = data.standardize(np.array([[3.0, 20.0, 6.0]]), reference=X)
    assert T[0].tolist() == pytest.approx([0.0, 0.0, 1.0])
    M = data.minmax_scale(X)
    assert M[:, 0].tolist() == [0.0, 0.5, 1.0] and M[:, 1].tolist() == [0.0, 1.0, 0.5]
    assert data.minmax_scale(X, feature_range=(-1, 1))[:, 0].tolist() == [-1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="X has 2 columns but reference has 3"):
        data.standardize(np.zeros((2, 2)), reference=X)
    with pytest.raises(ValueError, match="2-D array"):
        data.minmax_scale(np.zeros(3))


def test_train_val_test_split():
    X = np.arange(40).reshape(20, 2)
    y = np.arange(20)
    (Xtr, ytr), (Xv, yv), (Xte, yte) = data.train_val_test_split(X, y, val=0.2, test=0.25,
                                                                 seed=1)
    assert (len(ytr), len(yv), len(yte)) == (11, 4, 5)
    assert sorted(np.concatenate([ytr, yv, yte]).tolist()) == list(range(20))
    assert np.array_equal(Xtr[:, 0] // 2, ytr)  # rows stay paired
    with pytest.raises(ValueError, match="X has 20 samples but y has 19"):
        data.train_val_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="leave no training samples"):
        data.train_val_test_split(X, y, val=0.5, test=0.5 - 1e-9)
    with pytest.raises(ValueError, match=r"test must be a fraction in \[0, 1\)"):
        data.train_val_test_split(X, y, test=1.0)


def test_minibatches():
    X = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    batches = list(data.minibatches(X, y, 4, seed=0))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == list(range(10))
    again = list(data.minibatches(X, y, 4, seed=0))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(batches, again, strict=True))
    ordered = list(data.minibatches(X, y, 3, shuffle=False))
    assert ordered[0][1].tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        list(data.minibatches(X, y, 0))


@pytest.mark.parametrize("call,match", [
    (lambda: data.moons(1), "moons n must be an int >= 2"),
    (lambda: data.moons(10, noise=-1), "noise must be a non-negative number"),
    (lambda: data.spirals(10, arms=1), "arms must be an int >= 2"),
    (lambda: data.circles(10, factor=1.5), r"factor must be in \(0, 1\)"),
])
def test_bad_generator_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()

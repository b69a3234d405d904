"""viz test setup: matplotlib's Agg backend (no display), the tiny MLP fixture."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from tests.viz.helpers import TinyMLP  # noqa: E402


@pytest.fixture
def mlp() -> TinyMLP:
    return TinyMLP()

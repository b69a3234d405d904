"""The colour convention of every picture in the project (plots, network diagrams, lessons, the
site's playground): TensorFlow Playground's blue for class 1 / +1, positive values and positive
weights; its orange for class 0 / -1, negative values and negative weights.

A module of its own, importing nothing, so that the network diagrams (DOT text) share the
plots' colours without importing numpy or matplotlib.
"""

#: TensorFlow Playground's blue: class 1 (or +1), positive values, positive weights.
POSITIVE = "#0877bd"
#: TensorFlow Playground's orange: class 0 (or -1), negative values, negative weights.
NEGATIVE = "#f59322"

__all__ = ["NEGATIVE", "POSITIVE"]

"""The Python side of the course site's live pages (runs under Pyodide in a Web Worker).

The pages talk to it through JSON strings (one call, one answer):

* :func:`run_lab` - run a learner's code with the real engine: its printed output, the error
  (the learner's line and the message, never a traceback), and the graph of the last Value the
  code assigned, as DOT text with the backward step-through's frames (``viz.steps.frame_plan``);
* :func:`check_exercise` - run the learner's code, then the course's checker on it
  (``exercises.check``, as the lesson calls it);
* :class:`Playground` - TensorFlow Playground's data sets, features and training, with
  ``nn.MLP``, a loss from ``nn.losses`` and ``nn.SGD``; the page draws what it returns;
* :func:`run_cell` - a lesson's cell in a namespace kept between cells, with the value of its
  last expression (a graph comes back as DOT text).

It imports no numpy (there is none in the browser) and runs the same in CPython, where the
site's tests call it directly.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import linecache
import math
import random
import sys
import time
import traceback
from typing import Any

LAB_FILE = "<lab>"
MAX_STEP_NODES = 40  # a step-through for graphs up to this many Values (one frame per node)
MAX_OUTPUT = 200_000  # characters of printed output kept


# ---------------------------------------------------------------------------------------------
# running code: output, errors on the learner's line, the last Value assigned
# ---------------------------------------------------------------------------------------------

class _Capped(io.StringIO):
    def write(self, s: str) -> int:
        if self.tell() < MAX_OUTPUT:
            return super().write(s)
        return len(s)


def _error(exc: BaseException, filename: str) -> dict[str, Any]:
    """The learner's line and a one-line message (the frames of the engine are left out)."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line = exc.lineno
        message = f"{type(exc).__name__}: {exc.msg}"
    else:
        line = None
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename == filename:
                line = lineno
        text = str(exc)
        message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    where = f"line {line}: " if line else ""
    return {"line": line, "message": message, "text": where + message}


def _assigned_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every simple name the code assigns, in the order of the source."""
    out = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
            targets = [node.target]
        elif isinstance(node, ast.NamedExpr):
            targets = [node.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    out.append((getattr(n, "lineno", 0), n.id))
    return sorted(out, key=lambda p: p[0])


def value_names(tree: ast.AST, namespace: dict[str, Any]) -> list[str]:
    """The names the code assigned that hold a Value now, the last assigned last."""
    from autograd_core import Value

    names: list[str] = []
    for _, name in _assigned_names(tree):
        if isinstance(namespace.get(name), Value):
            if name in names:
                names.remove(name)
            names.append(name)
    return names


def last_value(tree: ast.AST, namespace: dict[str, Any]) -> tuple[str, Any] | None:
    """The last name the code assigned that holds a Value now (None: no Value assigned)."""
    names = value_names(tree, namespace)
    return (names[-1], namespace[names[-1]]) if names else None


_LAST_RUN: dict[str, Any] = {}  # the lab's last namespace: its other Values can be drawn


def graph_of(name: str, value: Any, rankdir: str = "LR") -> dict[str, Any]:
    """The DOT text of a Value's graph and, for small graphs, its backward step-through
    (``rankdir``: "LR", inputs on the left, or "TB", inputs on top, for narrow windows)."""
    import viz
    from autograd_core import topological_order
    from viz.steps import frame_plan

    n = len(topological_order(value))
    out: dict[str, Any] = {"name": name, "nodes": n, "dot": None, "frames": [], "note": None}
    try:
        # top to bottom is for narrow windows: no legend beside the graph there
        out["dot"] = viz.dot_source(value, rankdir=rankdir, legend=rankdir != "TB")
    except viz.GraphTooLargeError as e:
        out["note"] = str(e)
        return out
    if n <= MAX_STEP_NODES:
        out["frames"] = [{"dot": f.graph.source, "caption": f.caption, "edges": list(f.edges)}
                         for f in frame_plan(value, rankdir=rankdir, legend=rankdir != "TB")]
    else:
        out["note"] = (f"{name} has {n} nodes: the step-through is shown for graphs of up to "
                       f"{MAX_STEP_NODES}")
    return out


def _remember(code: str, filename: str) -> None:
    """Keep the code's text where ``inspect.getsource`` and tracebacks look for it (as Jupyter
    does for its cells)."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)


def execute(code: str, namespace: dict[str, Any], filename: str = LAB_FILE
            ) -> tuple[str, dict[str, Any] | None, ast.AST | None]:
    """Run ``code`` in ``namespace``: (printed output, error or None, the parsed code)."""
    out = _Capped()
    tree = None
    error = None
    _remember(code, filename)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            tree = ast.parse(code, filename)
            exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 - the learner's code
        except BaseException as exc:  # noqa: BLE001 - every error is the learner's to read
            error = _error(exc, filename)
    return out.getvalue(), error, tree


def run_lab(code: str, rankdir: str = "LR") -> str:
    """Run the lab's code in a fresh namespace; JSON ``{stdout, error, graph, seconds}``."""
    t0 = time.perf_counter()
    namespace: dict[str, Any] = {"__name__": "__main__"}
    stdout, error, tree = execute(code, namespace)
    graph = None
    names: list[str] = []
    _LAST_RUN.clear()
    _LAST_RUN.update(namespace)
    if tree is not None:
        names = value_names(tree, namespace)
        found = last_value(tree, namespace)
        if found is not None:
            try:
                graph = graph_of(*found, rankdir="TB" if rankdir == "TB" else "LR")
            except Exception as e:  # noqa: BLE001 - the output is still worth showing
                graph = {"name": found[0], "dot": None, "frames": [], "note": str(e)}
    return json.dumps({"stdout": stdout, "error": error, "graph": graph, "values": names,
                       "seconds": time.perf_counter() - t0})


def lab_graph(name: str, rankdir: str = "LR") -> str:
    """The graph and step-through of another Value of the lab's last run, by name."""
    from autograd_core import Value

    v = _LAST_RUN.get(name)
    if not isinstance(v, Value):
        return json.dumps({"name": name, "dot": None, "frames": [],
                           "note": f"{name} is not a Value of the last run"})
    return json.dumps(graph_of(name, v, rankdir="TB" if rankdir == "TB" else "LR"))


def check_exercise(code: str, exercise: str, name: str) -> str:
    """Run the learner's code, then ``exercises.check(exercise, <name from the code>)``;
    JSON ``{stdout, error, right}``: the checker's words are in stdout."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    stdout, error, _ = execute(code, namespace)
    right = False
    if error is None:
        if name not in namespace:
            error = {"line": None, "message": f"the code defines no {name}",
                     "text": f"the code defines no {name}: keep the name {name} for the checker"}
        else:
            from exercises import check

            buf = _Capped()
            with contextlib.redirect_stdout(buf):
                right = bool(check(exercise, namespace[name]))
            stdout += buf.getvalue()
    return json.dumps({"stdout": stdout, "error": error, "right": right})


# ---------------------------------------------------------------------------------------------
# lesson cells: one namespace per page, the last expression shown
# ---------------------------------------------------------------------------------------------

_CELLS: dict[str, Any] = {"__name__": "__main__"}


def _shown(value: Any) -> dict[str, Any] | None:
    """What a cell's last expression shows: a graph's DOT text, or its repr."""
    if value is None:
        return None
    source = getattr(value, "source", None)
    if isinstance(source, str) and source.lstrip().startswith(("digraph", "graph")):
        return {"dot": source}
    return {"text": repr(value)}


def run_cell(code: str, cell: int) -> str:
    """Run a lesson's cell in the page's namespace; JSON ``{stdout, error, shown}``."""
    filename = f"<cell {cell}>"
    _remember(code, filename)
    out = _Capped()
    shown = None
    error = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            tree = ast.parse(code, filename)
            last = None
            quiet = code.rstrip().endswith(";")  # as in Jupyter: a final ; shows nothing
            final = tree.body[-1] if tree.body else None
            if isinstance(final, ast.Expr) and not quiet:
                tree.body.pop()
                last = ast.Expression(final.value)
            exec(compile(tree, filename, "exec"), _CELLS)  # noqa: S102
            if last is not None:
                shown = _shown(eval(compile(last, filename, "eval"), _CELLS))  # noqa: S307
        except BaseException as exc:  # noqa: BLE001
            error = _error(exc, filename)
    return json.dumps({"stdout": out.getvalue(), "error": error, "shown": shown})


# ---------------------------------------------------------------------------------------------
# the playground: TensorFlow Playground's data sets and features, trained by nn
# ---------------------------------------------------------------------------------------------

DOMAIN = 6.0  # points lie in [-6, 6]^2, as in TensorFlow Playground

FEATURES: dict[str, Any] = {
    "x1": lambda a, b: a, "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a, "x2^2": lambda a, b: b * b, "x1x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: math.sin(a), "sin(x2)": lambda a, b: math.sin(b),
}


DATASET_NAMES = {"spirals": "spiral", "gaussian": "gauss", "gaussians": "gauss",
                 "circle": "circles", "moon": "moons"}


def make_data(name: str, n: int, noise: float, seed: int) -> list[tuple[float, float, int]]:
    """``n`` points (x1, x2, label 0/1) of TensorFlow Playground's data sets; ``noise`` in
    [0, 0.5] scales the jitter as there (a fraction of the domain's radius)."""
    r = random.Random(seed)
    name = DATASET_NAMES.get(name, name)
    pts: list[tuple[float, float, int]] = []
    if name == "circles":
        for i in range(n):
            inner = i < n // 2
            rad = r.uniform(0, 2.5) if inner else r.uniform(3.5, 5.0)
            t = r.uniform(0, 2 * math.pi)
            x, y = rad * math.sin(t), rad * math.cos(t)
            x += r.uniform(-5, 5) * noise
            y += r.uniform(-5, 5) * noise
            pts.append((x, y, 1 if inner else 0))
    elif name == "xor":
        for _ in range(n):
            x, y = r.uniform(-5, 5), r.uniform(-5, 5)
            x += 0.3 if x > 0 else -0.3
            y += 0.3 if y > 0 else -0.3
            label = 1 if x * y >= 0 else 0
            pts.append((x + r.uniform(-5, 5) * noise, y + r.uniform(-5, 5) * noise, label))
    elif name == "gauss":
        for i in range(n):
            label = 1 if i < n // 2 else 0
            c = 2.0 if label else -2.0
            s = 0.5 + 3.5 * noise
            pts.append((r.gauss(c, s), r.gauss(c, s), label))
    elif name == "spiral":
        half = n // 2
        for label, delta in ((1, 0.0), (0, math.pi)):
            for i in range(half if label else n - half):
                rad = i / half * 5
                t = 1.75 * i / half * 2 * math.pi + delta
                pts.append((rad * math.sin(t) + r.uniform(-1, 1) * noise * 5,
                            rad * math.cos(t) + r.uniform(-1, 1) * noise * 5, label))
    elif name == "moons":
        for i in range(n):
            upper = i < n // 2
            t = r.uniform(0, math.pi)
            if upper:
                x, y = math.cos(t), math.sin(t)
            else:
                x, y = 1 - math.cos(t), 0.5 - math.sin(t)
            x = (x - 0.5) * 4 + r.gauss(0, 1) * noise * 2
            y = (y - 0.25) * 4 + r.gauss(0, 1) * noise * 2
            pts.append((x, y, 1 if upper else 0))
    else:
        raise ValueError(f"unknown data set {name!r}: choose circles, xor, gauss, spiral or "
                         "moons")
    r.shuffle(pts)
    return pts


def _compiled_backend() -> bool:
    """Whether ``autograd_core.compile`` has the plain-Python backend (straight-line code
    over floats, no numpy)."""
    import inspect

    import autograd_core

    return "backend" in inspect.signature(autograd_core.compile).parameters


class Playground:
    """One network and its data: ``settings`` as the page sends them (see :meth:`reset`)."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] = {}
        self.epoch = 0

    def reset(self, settings: dict[str, Any]) -> dict[str, Any]:
        """A new network and data set. Settings: dataset, noise (0..0.5), ratio (training
        fraction), batch, features (names of :data:`FEATURES`), hidden (units per layer),
        activation, lr, l1, l2, points, seed."""
        import nn

        s: dict[str, Any] = {"dataset": "circles", "noise": 0.0, "ratio": 0.5, "batch": 10,
             "features": ["x1", "x2"], "hidden": [4, 2], "activation": "tanh", "lr": 0.03,
             "l1": 0.0, "l2": 0.0, "points": 200, "seed": 1, "engine": "auto"}
        s.update(settings)
        s["features"] = [f for f in s["features"] if f in FEATURES] or ["x1", "x2"]
        s["hidden"] = [int(h) for h in s["hidden"] if int(h) > 0]
        self.settings = s
        pts = make_data(s["dataset"], int(s["points"]), float(s["noise"]), int(s["seed"]))
        k = max(1, min(len(pts) - 1, round(len(pts) * float(s["ratio"]))))
        self.train_pts, self.test_pts = pts[:k], pts[k:]
        feats = [FEATURES[f] for f in s["features"]]
        self.feats = feats

        def encode(p: tuple[float, float, int]) -> list[float]:
            return [f(p[0], p[1]) for f in feats]

        self.Xtr = [encode(p) for p in self.train_pts]
        self.ytr = [float(p[2]) for p in self.train_pts]
        self.Xte = [encode(p) for p in self.test_pts]
        self.yte = [float(p[2]) for p in self.test_pts]
        self.model = nn.MLP(len(feats), [*s["hidden"], 1], activation=s["activation"],
                            init="xavier", seed=int(s["seed"]))
        self.weights = [w for layer in self.model.layers for n in layer.neurons for w in n.w]
        self.params = self.model.parameters()
        self.opt = nn.SGD(self.params, lr=float(s["lr"]))
        self.rng = random.Random(int(s["seed"]))
        self.epoch = 0
        self.program: Any = None
        if s["engine"] in ("auto", "compiled") and _compiled_backend():
            self._compile()
        self.history: list[tuple[float, float]] = [self.losses()]
        out = self.state()
        out.update({"history": self.history, "train": self.train_pts, "test": self.test_pts,
                    "settings": s})
        return out

    def update(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Change the learning rate, batch size or penalties while training goes on."""
        import nn

        for key in ("lr", "batch", "l1", "l2"):
            if key in settings:
                self.settings[key] = settings[key]
        self.opt = nn.SGD(self.params, lr=float(self.settings["lr"]))
        return self.state()

    # the training code, in words (shown under the playground)
    def code(self) -> str:
        s = self.settings
        lines = [
            f"model = nn.MLP({len(s['features'])}, {[*s['hidden'], 1]}, "
            f"activation={s['activation']!r}, init='xavier', seed={s['seed']})",
            "loss = nn.bce_with_logits(model(x), y)"
            + (f" + nn.l2_penalty(weights, {s['l2']:g})" if s["l2"] else "")
            + (f" + nn.l1_penalty(weights, {s['l1']:g})" if s["l1"] else "")
            + f"   # mean over a batch of {s['batch']}",
            f"optimizer = nn.SGD(model.parameters(), lr={s['lr']:g})",
        ]
        if self.program is not None:
            lines.append("step = autograd_core.compile(loss_of_one_example, ..., "
                         "backend='python')   # the program below")
        else:
            lines.append("loss.backward(); optimizer.step(); optimizer.zero_grad()   "
                         "# eager: a graph of Values per example")
        return "\n".join(lines)

    def _example_loss(self, x: Any, y: Any) -> Any:
        import nn

        return nn.bce_with_logits(self.model(x), y)

    def _compile(self) -> None:
        from autograd_core import compile as compile_program

        try:
            self.program = compile_program(self._example_loss, len(self.feats), (),
                                           params=self.params, backend="python")
        except Exception:  # noqa: BLE001 - the eager engine trains as well, slower
            self.program = None
            return
        # the program's own function: (parameters, x, y) -> (loss, gradients), on floats
        self.value_and_grad = self.program.function("value_and_grad")
        weights = {id(w) for w in self.weights}
        self.is_weight = [id(p) in weights for p in self.program.parameters]

    def penalty(self) -> float:
        s = self.settings
        total = 0.0
        if s["l2"]:
            total += 0.5 * float(s["l2"]) * sum(w.data * w.data for w in self.weights)
        if s["l1"]:
            total += float(s["l1"]) * sum(abs(w.data) for w in self.weights)
        return total

    def _logit(self, x: list[float]) -> float:
        """The network's output for one example, on floats (no graph)."""
        h = x
        layers = self.model.layers
        act = self.settings["activation"]
        for i, layer in enumerate(layers):
            z = [sum(w.data * v for w, v in zip(n.w, h)) + n.b.data for n in layer.neurons]
            h = z if i == len(layers) - 1 else [_act(act, v) for v in z]
        return h[0]

    def _mean_bce(self, X: list[list[float]], y: list[float]) -> float:
        """mean of log(1 + e^z) - t z over the examples (z: the logit), computed stably."""
        if not X:
            return 0.0
        total = 0.0
        for x, t in zip(X, y):
            z = self._logit(x)
            total += max(z, 0.0) - z * t + math.log1p(math.exp(-abs(z)))
        return total / len(X)

    def losses(self) -> tuple[float, float]:
        return self._mean_bce(self.Xtr, self.ytr), self._mean_bce(self.Xte, self.yte)

    def accuracy(self, X: list[list[float]], y: list[float]) -> float:
        if not X:
            return 0.0
        return sum((self._logit(x) > 0) == (t > 0.5) for x, t in zip(X, y)) / len(X)

    def test_loss(self) -> float:
        """The mean loss over the test points (the compiled program's forward when there is
        one: the same straight-line code, without its backward)."""
        if not self.Xte:
            return 0.0
        if self.program is not None:
            f = self.program.function("forward")
            theta = self.program.get_params()
            return math.fsum(f(theta, x, t) for x, t in zip(self.Xte, self.yte)) / len(self.Xte)
        return self._mean_bce(self.Xte, self.yte)

    def train_epoch(self) -> float:
        """One pass over the training points in shuffled batches: one SGD step per batch.
        Returns the epoch's training loss: the mean of the examples' losses as they were met
        (before their batch's step), as nn.fit and Keras report it."""
        import nn

        s = self.settings
        order = list(range(len(self.Xtr)))
        self.rng.shuffle(order)
        bs = max(1, int(s["batch"]))
        l1, l2 = float(s["l1"]), float(s["l2"])
        if self.program is not None:
            mean = self._compiled_epoch(order, bs, float(s["lr"]), l1, l2)
            self.epoch += 1
            return mean
        total = 0.0
        for start in range(0, len(order), bs):
            idx = order[start:start + bs]
            self.opt.zero_grad()
            loss = nn.bce_with_logits([self.model(self.Xtr[i]) for i in idx],
                                      [self.ytr[i] for i in idx])
            loss.backward()
            total += loss.data * len(idx)
            if l2 or l1:
                for w in self.weights:
                    w.grad += l2 * w.data + (l1 * (1.0 if w.data > 0 else -1.0 if w.data < 0
                                                   else 0.0))
            self.opt.step()
        self.epoch += 1
        return total / max(1, len(order))

    def _compiled_epoch(self, order: list[int], bs: int, lr: float, l1: float, l2: float
                        ) -> float:
        """An epoch with the compiled program: per batch, the mean of the examples' gradients
        (one call of the straight-line code each), plus the penalties' gradients on the
        weights, then the SGD step p -= lr * grad, as nn.SGD does; on a list of floats."""
        assert self.program is not None
        theta = self.program.get_params()
        vg = self.value_and_grad
        X, y = self.Xtr, self.ytr
        n = len(theta)
        mask = self.is_weight
        seen = 0.0
        for start in range(0, len(order), bs):
            idx = order[start:start + bs]
            total = [0.0] * n
            for i in idx:
                loss, g = vg(theta, X[i], y[i])
                seen += loss
                total = [a + b for a, b in zip(total, g)]
            scale = lr / len(idx)
            if l1 or l2:
                theta = [t - scale * g - (lr * (l2 * t + (l1 if t > 0 else -l1 if t < 0 else 0.0))
                                          if m else 0.0)
                         for t, g, m in zip(theta, total, mask)]
            else:
                theta = [t - scale * g for t, g in zip(theta, total)]
        self.program.set_params(theta)
        return seen / max(1, len(order))

    def step(self, epochs: int = 1, seconds: float = 0.0) -> dict[str, Any]:
        """Train ``epochs`` epochs, or as many as fit in ``seconds`` (at least one); the state
        after it."""
        t0 = time.perf_counter()
        done = 0
        before = len(self.history)
        while True:
            train = self.train_epoch()
            self.history.append((train, self.test_loss()))
            done += 1
            if seconds > 0:  # stop before an epoch that would overrun the time given
                elapsed = time.perf_counter() - t0
                if elapsed * (done + 1) / done > seconds or (epochs and done >= epochs):
                    break
            elif done >= epochs:
                break
        out = self.state(time.perf_counter() - t0, done)
        out["new_history"] = self.history[before:]
        return out

    def state(self, seconds: float = 0.0, epochs: int = 0) -> dict[str, Any]:
        """What the page draws: weights and biases per layer, the losses, the points."""
        layers = [{"w": [[w.data for w in n.w] for n in layer.neurons],
                   "b": [n.b.data for n in layer.neurons]} for layer in self.model.layers]
        tr, te = self.history[-1]
        return {"epoch": self.epoch, "layers": layers, "train_loss": tr, "test_loss": te,
                "seconds": seconds, "epochs_run": epochs,
                "engine": "compiled" if self.program is not None else "eager",
                "features": self.settings["features"], "activation": self.settings["activation"],
                "code": self.code()}

    def source(self) -> str:
        """The compiled program's source (empty when training eagerly)."""
        return self.program.source() if self.program is not None else ""

    def summary(self) -> dict[str, Any]:
        return {"test_accuracy": self.accuracy(self.Xte, self.yte),
                "train_accuracy": self.accuracy(self.Xtr, self.ytr)}

    def unit_graph(self, layer: int, unit: int, example: int) -> dict[str, Any]:
        """The graph of one hidden unit (or the output) for one training example, with the
        gradients of that example's loss: the unit's inputs (the previous layer's outputs,
        as leaves), its weights and bias, its weighted sum and activation. The upstream
        gradient comes from backward() through the whole network."""
        import nn
        import viz
        from autograd_core import Value
        from autograd_core.functional import dot

        x = self.Xtr[example % len(self.Xtr)]
        t = self.ytr[example % len(self.ytr)]
        acts: list[list[Value]] = [[Value(v) for v in x]]
        h: list[Value] = acts[0]
        for i, lay in enumerate(self.model.layers):
            h = [n(h) for n in lay.neurons]
            acts.append(h)
            del i
        loss = nn.bce_with_logits(acts[-1][0], t)
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        upstream = acts[layer + 1][unit].grad
        for p in self.params:
            p.grad = 0.0
        # the unit alone: its inputs as leaves, then the same neuron's computation
        neuron = self.model.layers[layer].neurons[unit]
        names = (self.settings["features"] if layer == 0
                 else [f"h{layer}[{j}]" for j in range(len(acts[layer]))])
        inputs = [Value(v.data, label=nm) for v, nm in zip(acts[layer], names)]
        ws = [Value(w.data, label=f"w[{j}]") for j, w in enumerate(neuron.w)]
        b = Value(neuron.b.data, label="b")
        z = dot(ws, inputs, b)  # as nn.Neuron computes it: one node, w . x + b
        z.label = "z"
        last = layer == len(self.model.layers) - 1
        out = z if last else _act_value(self.settings["activation"], z)
        out.label = "logit" if last else f"h{layer + 1}[{unit}]"
        out.backward(upstream)
        dot_text = viz.dot_source(out, max_nodes=None, params=[*ws, b])
        point = self.train_pts[example % len(self.train_pts)]
        return {"dot": dot_text, "upstream": upstream, "loss": loss.data,
                "example": {"x1": point[0], "x2": point[1], "label": point[2]},
                "name": out.label}


def _act(name: str, v: float) -> float:
    if name == "tanh":
        return math.tanh(v)
    if name == "relu":
        return v if v > 0 else 0.0
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
    return v


def _act_value(name: str, v: Any) -> Any:
    if name == "tanh":
        return v.tanh()
    if name == "relu":
        return v.relu()
    if name == "sigmoid":
        return v.sigmoid()
    return v


PLAYGROUND = Playground()


def playground(method: str, args_json: str = "{}") -> str:
    """One call from the page: ``reset(settings)``, ``step(epochs, seconds)``, ``summary()``,
    ``source()``, ``unit_graph(layer, unit, example)``; the answer as JSON."""
    args = json.loads(args_json)
    if method == "reset":
        out: Any = PLAYGROUND.reset(args)
    elif method == "step":
        out = PLAYGROUND.step(int(args.get("epochs", 1)), float(args.get("seconds", 0.0)))
    elif method == "update":
        out = PLAYGROUND.update(args)
    elif method == "summary":
        out = PLAYGROUND.summary()
    elif method == "source":
        out = {"source": PLAYGROUND.source()}
    elif method == "unit_graph":
        out = PLAYGROUND.unit_graph(int(args["layer"]), int(args["unit"]),
                                    int(args.get("example", 0)))
    else:
        raise ValueError(f"unknown playground call {method!r}")
    return json.dumps(out)


def warm_up() -> None:
    """Import what a first Run needs (the engine, nn, viz) while the page is still loading."""
    import autograd_core  # noqa: F401
    import nn  # noqa: F401
    import viz  # noqa: F401
    import viz.steps  # noqa: F401


def versions() -> str:
    import autograd_core

    return json.dumps({"python": sys.version.split()[0], "autograd_core": autograd_core.__version__,
                       "compiled_backend": _compiled_backend()})

"""The engine's modules import each other in one direction: no circle, and no import hidden
inside a function (which is how a circle used to be papered over)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "autograd_core"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import statements under ``if TYPE_CHECKING:`` (never run)."""
    return {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
            and getattr(block.test, "id", None) == "TYPE_CHECKING"
            for stmt in block.body for n in ast.walk(stmt)}


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    found = set()
    skip = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:  # from autograd_core import value: the module value
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found & modules


def test_no_import_circle_inside_the_engine():
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files) - {"autograd_core"}
    graph = {m: _imports(ast.parse(files[m].read_text()), modules) - {m} for m in modules}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            assert state.get(d) != 1, "import circle: " + " -> ".join(path + [d])
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(modules):
        if m not in state:
            visit(m, [m])


def test_value_backward_and_function_import_nothing_inside_functions():
    for name in ("value", "backward", "function", "walker", "modes"):
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))]
                assert not inner, f"{name}.py: {fn.name}() imports inside its body"


def test_the_walker_imports_nothing_of_the_engine():
    tree = ast.parse((PACKAGE / "walker.py").read_text())
    assert not _imports(tree, {_module_name(p) for p in PACKAGE.rglob("*.py")})

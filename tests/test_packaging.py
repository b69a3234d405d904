"""The package as a user gets it: the wheel and the sdist build, carry the license, the type
markers and the metadata, and install into a clean virtual environment where the engine, a
trained network, model files and ``python -m viz`` work outside the source tree.

The build runs once per test session (a module fixture). Besides the running interpreter, the
install is tried on every other supported Python found on the machine (python3.10 ...
python3.13 on the PATH or under pyenv), from the sdist, so the C accelerator is compiled there.
``AUTOGRAD_CORE_SKIP_PACKAGING=1`` skips this module (it needs PyPI for numpy and graphviz).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from concurrent.futures import ThreadPoolExecutor
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"
PACKAGES = ("autograd_core", "nn", "viz")

pytestmark = pytest.mark.skipif(os.environ.get("AUTOGRAD_CORE_SKIP_PACKAGING") == "1",
                                reason="AUTOGRAD_CORE_SKIP_PACKAGING=1")


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert r.returncode == 0, f"{' '.join(cmd)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from a copy of the tracked source files."""
    pytest.importorskip("build")
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        cwd=out)
    (sdist,) = out.glob("autograd_core-*.tar.gz")
    (wheel,) = out.glob("autograd_core-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_wheel_has_license_types_and_metadata(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as z:
        names = set(z.namelist())
        info = f"autograd_core-{VERSION}.dist-info"
        meta = Parser().parsestr(z.read(f"{info}/METADATA").decode())
    for pkg in PACKAGES:
        assert f"{pkg}/py.typed" in names and f"{pkg}/__init__.py" in names
    assert f"{info}/licenses/LICENSE" in names
    assert "autograd_core/op_signatures.pyi" in names  # the op methods' types, for users' mypy
    assert not any(n.startswith(("tests/", "notebooks/", "scripts/")) for n in names)
    assert meta["Name"] == "autograd-core" and meta["Version"] == VERSION
    assert meta["License-Expression"] == "MIT" and meta["Requires-Python"] == ">=3.10"
    classifiers = meta.get_all("Classifier")
    for v in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {v}" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # SPDX replaces these
    requires = meta.get_all("Requires-Dist")
    assert 'torch>=2.13; extra == "torch"' in requires  # a lower bound, not a pin


def test_sdist_has_what_a_build_needs(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    for f in ("LICENSE", "README.md", "pyproject.toml", "setup.py",
              "autograd_core/_speedups.c", *(f"{p}/py.typed" for p in PACKAGES)):
        assert f in names, f


SMOKE = textwrap.dedent("""
    import sys, autograd_core, nn, viz
    from autograd_core import Value
    assert "site-packages" in autograd_core.__file__, autograd_core.__file__
    assert autograd_core.__version__ == nn.__version__ == viz.__version__ == "{version}"
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = (x + y) * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-12.0, -4.0, -4.0, 3.0)
    model = nn.MLP(2, [4, 1], activation="tanh", init="xavier", seed=0)
    X, t = nn.data.xor()
    h = nn.fit(model, X, t, loss="mse", optimizer=nn.SGD(model, lr=0.1, momentum=0.9),
               epochs=150, progress=False)
    assert h.history["loss"][-1] < 1e-3, h
    model.save("xor.json")
    assert nn.load_model("xor.json").state_dict() == model.state_dict()
    assert viz.draw_graph(f).source.startswith("digraph")
    print(sys.version_info[:2], "accelerated", autograd_core.accelerated())
""").format(version=VERSION)


def interpreters() -> list[str]:
    """The running Python, and the other supported minor versions found on this machine."""
    found = [sys.executable]
    for minor in (10, 11, 12, 13):
        if (3, minor) == sys.version_info[:2] or minor in (11, 12):
            continue  # 3.11 is the venv's; 3.12 sits between two that are tried
        candidates = [shutil.which(f"python3.{minor}")] + sorted(
            glob.glob(os.path.expanduser(f"~/.pyenv/versions/3.{minor}.*/bin/python")))
        for c in candidates:
            if c and subprocess.run([c, "-c", "import venv, ssl"], capture_output=True,
                                    timeout=60).returncode == 0:
                found.append(c)
                break
    return found


def _label(python: str) -> str:
    if python == sys.executable:
        return "running-wheel"
    version = re.search(r"3\.\d+", python)
    return f"python{version.group() if version else Path(python).name}-sdist"


PYTHONS = interpreters()


def _install(python: str, artifact: Path, where: Path) -> str:
    run([python, "-m", "venv", str(where)], cwd=where.parent)
    vpy = str(where / ("Scripts" if os.name == "nt" else "bin") / "python")
    run([vpy, "-m", "pip", "install", "-q", str(artifact)], cwd=where.parent)
    return vpy


@pytest.fixture(scope="module")
def venvs(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A clean venv per interpreter, all installed at once (pip mostly waits on the network
    and the compiler): the wheel for the running Python, the sdist (compiling C) for others."""
    base = tmp_path_factory.mktemp("venvs")
    with ThreadPoolExecutor(len(PYTHONS)) as pool:
        jobs = {py: pool.submit(_install, py, dist["wheel"] if py == sys.executable
                                else dist["sdist"], base / f"venv{i}")
                for i, py in enumerate(PYTHONS)}
    out: dict[str, Any] = {}
    for py, job in jobs.items():
        try:
            out[py] = job.result()
        except BaseException as e:  # reported by that interpreter's test
            out[py] = e
    return out


@pytest.mark.parametrize("python", PYTHONS, ids=_label)
def test_install_in_a_clean_venv_and_run(venvs: dict[str, Any], tmp_path: Path,
                                         python: str) -> None:
    vpy = venvs[python]
    if isinstance(vpy, BaseException):
        raise vpy
    r = run([vpy, "-c", SMOKE], cwd=tmp_path)
    assert "accelerated" in r.stdout
    argv = [vpy, "-m", "viz", "(x+y)*z", "x=-2", "y=5", "z=-4"]
    if shutil.which("dot"):
        r = run(argv + ["-o", "f.svg"], cwd=tmp_path)
        assert r.stdout.strip() == "wrote f.svg (f = -12; df/dx = -4, df/dy = -4, df/dz = 3)"
        assert "<svg" in (tmp_path / "f.svg").read_text()
    else:
        r = run(argv, cwd=tmp_path)
        assert r.stdout.startswith("digraph")


def test_version_comes_from_the_package_metadata() -> None:
    """Fast, in the source tree: every package reports the installed distribution's version."""
    from importlib.metadata import version

    import autograd_core
    import nn
    import viz

    assert autograd_core.__version__ == nn.__version__ == viz.__version__ == \
        version("autograd-core")
    for pkg in PACKAGES:
        assert (ROOT / pkg / "py.typed").exists()


def test_setup_script_installs_system_packages_only_non_interactively() -> None:
    """Every apt-get install answers yes by itself and every sudo refuses to ask for a
    password (-n); otherwise the script prints the command for the user to run."""
    text = (ROOT / "scripts" / "setup.sh").read_text()
    commands = [line for line in text.splitlines()
                if not line.lstrip().startswith(("#", "say")) and "apt-get install" in line]
    assert commands
    for line in commands:
        assert "-y" in line and "DEBIAN_FRONTEND=noninteractive" in line, line
    for line in text.splitlines():
        if "sudo " in line and not line.lstrip().startswith(("#", "say")):
            assert all(part.startswith("-n") for part in line.split("sudo ")[1:]), line

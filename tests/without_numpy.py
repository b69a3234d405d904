"""Running Python where numpy cannot be imported, as in the browser under Pyodide.

A test hands :func:`run_without_numpy` a script; it runs in a fresh interpreter whose import
system refuses numpy: a meta-path finder raising ImportError, which is what ``import numpy``
does where numpy is not installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Python source that makes every later ``import numpy`` (or ``numpy.x``) raise ImportError and
#: forgets any numpy already imported.
BLOCK_NUMPY = """
import sys

class _NoNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" or name.startswith("numpy."):
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, _NoNumpy())
for _name in [k for k in sys.modules if k == "numpy" or k.startswith("numpy.")]:
    del sys.modules[_name]
"""


def run_without_numpy(script: str, *, before: str = "", timeout: float = 300
                      ) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter (working directory: the project) where numpy
    cannot be imported; ``before`` runs first, while numpy still can be (to check that a later
    import needs none). Returns the finished process, its output as text."""
    code = textwrap.dedent(before) + BLOCK_NUMPY + textwrap.dedent(script)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)

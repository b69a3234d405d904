"""Rewrite ``autograd_core/op_signatures.pyi``, the typed signatures of Value's op methods, from
the op table. Run after adding or changing a row of ``autograd_core/rules.py``:

    python scripts/op_signatures.py

(tests/autograd_core/test_op_methods.py fails, naming this command, when the file is stale.)
"""

from autograd_core.op_methods import write_stub

if __name__ == "__main__":
    print(f"wrote {write_stub()}")

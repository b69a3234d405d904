"""Names in generated code: made by the compiler, from labels only when that is safe.

A label becomes a name (``W1`` for a weight labelled ``W1[0,1]``) only when it is a plain ASCII
identifier that is no keyword, no builtin, none of the names the generated code uses for
itself, and not yet taken. Any other label (``σ``, ``while``, ``ｍ``, which Python's NFKC
normalisation would turn into ``m``) gives a systematic name instead. So a label can never
change what a compiled program computes or stop it compiling.
"""

from __future__ import annotations

import builtins
import keyword
import re

__all__ = ["RESERVED", "Namer", "safe_identifier"]

RESERVED = frozenset({"np", "m", "s", "gs", "N", "theta", "loss", "consts", "rule", "nan", "inf",
                      "math"})
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_BUILTINS = frozenset(dir(builtins))


def safe_identifier(text: str | None) -> bool:
    """True for a plain ASCII identifier that generated code may use as a variable name."""
    if not text:
        return False
    return (_ASCII_NAME.fullmatch(text) is not None and not keyword.iskeyword(text)
            and not keyword.issoftkeyword(text) and text not in _BUILTINS
            and text not in RESERVED and not text.startswith(("rule_", "local_")))


class Namer:
    """Hands out unique names; ``fresh("c")`` gives c, c_2, c_3... (a counter per base, so n
    names cost O(n)). Taking a name also takes its gradient's name ``d`` + name."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.names: set[str] = set(RESERVED) | set(taken or ())
        self.next: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        if not _ASCII_NAME.fullmatch(base):
            base = "t"
        i = self.next.get(base, 1)
        name = base if i == 1 else f"{base}_{i}"
        while name in self.names or "d" + name in self.names or keyword.iskeyword(name):
            i += 1
            name = f"{base}_{i}"
        self.next[base] = i + 1
        self.names.add(name)
        self.names.add("d" + name)
        return name

    def take(self, name: str) -> None:
        self.names.add(name)


def stem(labels: list[str | None]) -> str | None:
    """The common name of labelled Values: "W1" for W1[0,0], W1[0,1]...; None when a member has
    no label, or the labels share no safe identifier."""
    if not labels or any(not lab for lab in labels):
        return None
    pre = labels[0] or ""
    for lab in labels[1:]:
        lab = lab or ""
        i = 0
        while i < min(len(pre), len(lab)) and pre[i] == lab[i]:
            i += 1
        pre = pre[:i]
    if len(labels) > 1 or "[" in pre:
        pre = pre.split("[")[0].rstrip("(_,")
    return pre if safe_identifier(pre) else None

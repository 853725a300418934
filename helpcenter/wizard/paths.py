"""The URL encoding of the answers given so far in a wizard.

A walk through a tree is the list of options chosen, one per question. In a
URL it is written as 1-based option numbers joined by hyphens:

    /wizard/changing-phones            the first question (no answers yet)
    /wizard/changing-phones/2-3-1      2nd option, then 3rd, then 1st

Only the canonical form is accepted (ASCII digits 1–99 without leading zeros,
single hyphens, at most MAX_ANSWERS answers), so each state of a walk has one
URL: bookmarks, shares and analytics paths compare equal. Numbers rather than
node ids keep links short; whether they still fit the tree is the engine's
business (`engine.walk`).
"""
from __future__ import annotations

import re

SEPARATOR = "-"
# A tree cannot loop, so a walk is at most as long as the tree is deep; this
# only bounds the work a tampered URL can cause.
MAX_ANSWERS = 64
MAX_OPTION = 99
# [0-9], not \d: \d also matches full-width and other Unicode digits.
_CANONICAL = re.compile(r"[1-9][0-9]?(?:-[1-9][0-9]?)*", re.ASCII)


class BadPath(ValueError):
    """The text is not an encoded walk (junk, too long, not canonical)."""


def encode(path: tuple[int, ...] | list[int]) -> str:
    """0-based option indexes → "2-3-1" ("" for no answers)."""
    for i in path:
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < MAX_OPTION:
            raise ValueError(f"not an option index: {i!r}")
    if len(path) > MAX_ANSWERS:
        raise ValueError(f"more than {MAX_ANSWERS} answers")
    return SEPARATOR.join(str(i + 1) for i in path)


def decode(text: str) -> tuple[int, ...]:
    """"2-3-1" → (1, 2, 0); "" → (). Raises BadPath for anything else."""
    if text == "":
        return ()
    # Length first, so a megabyte of junk costs nothing to refuse.
    if len(text) > MAX_ANSWERS * 3 or not _CANONICAL.fullmatch(text):
        raise BadPath(f"not a wizard path: {text[:40]!r}")
    parts = text.split(SEPARATOR)
    if len(parts) > MAX_ANSWERS:
        raise BadPath(f"more than {MAX_ANSWERS} answers")
    return tuple(int(p) - 1 for p in parts)

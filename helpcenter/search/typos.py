"""Latin typos: words a member typed that the index does not have, corrected
by edit distance against the index's Latin words (Authenticater →
authenticator). Pure; the engine builds one `LatinWords` per generation.

One edit for words of 3–7 letters, two for longer ones (Elasticsearch's AUTO
fuzziness); the first letter must match (two for words of 6+ letters). The
work is bounded whatever is typed: words longer than MAX_WORD letters are not
corrected, at most MAX_WORDS words of a query are, and candidates are only
the index words of the same first letters and a length within the distance.
"""
from __future__ import annotations

import re
from typing import Iterable

from .analysis import normalize
from .query import Parsed

LATIN_WORD = re.compile(r"^[a-z][a-z0-9'.-]*$")
MAX_WORD = 24
MAX_WORDS = 4


def latin_words(parsed: Parsed) -> list[str]:
    """The query's Latin words that may be corrected (at most MAX_WORDS)."""
    found = re.findall(r"[a-z][a-z0-9'.-]*", parsed.normalized)
    return list(dict.fromkeys(t for t in found if 3 <= len(t) <= MAX_WORD))[:MAX_WORDS]


def within(a: str, b: str, maxdist: int) -> bool:
    """Levenshtein distance of a and b is at most maxdist (banded, early exit)."""
    if abs(len(a) - len(b)) > maxdist:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        lo = max(1, i - maxdist)
        hi = min(len(b), i + maxdist)
        if lo > 1:
            cur[lo - 1] = maxdist + 1
        for j in range(lo, hi + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != b[j - 1]))
        if hi < len(b):
            cur[hi + 1:] = [maxdist + 1] * (len(b) - hi)
        if min(cur[lo - 1:hi + 1]) > maxdist:
            return False
        prev = cur
    return prev[-1] <= maxdist


class LatinWords:
    """The index's Latin words with their document frequencies, by first letter."""

    def __init__(self, words: Iterable[tuple[str, int]]):
        self.df: dict[str, int] = {}
        self.by_first: dict[str, list[str]] = {}
        for w, df in words:
            if LATIN_WORD.match(w) and len(w) <= MAX_WORD + 2:
                self.df[w] = df
                self.by_first.setdefault(w[0], []).append(w)

    def corrections(self, word: str) -> list[str]:
        """Index words one or two edits from an unknown Latin word, most frequent first."""
        if not LATIN_WORD.match(word) or not 3 <= len(word) <= MAX_WORD or word in self.df:
            return []
        maxdist = 1 if len(word) < 8 else 2
        prefix = 1 if len(word) < 6 else 2
        found = [c for c in self.by_first.get(word[0], ())
                 if c[:prefix] == word[:prefix] and c != word and within(word, c, maxdist)]
        return sorted(found, key=lambda c: (-self.df[c], c))

    def did_you_mean(self, parsed: Parsed) -> str | None:
        """The query with unknown Latin words replaced by their best correction."""
        text = parsed.text
        changed = False
        for word in latin_words(parsed):
            fixes = self.corrections(word)
            if fixes:
                text, n = re.subn(re.escape(word), fixes[0], text, flags=re.I)
                if n == 0:
                    text = normalize(text).replace(word, fixes[0])
                changed = True
        return text if changed else None

"""Excerpts of an answer around the words a member searched for, with those
words marked. Pure functions over plain text.

Matching is done on folded text (NFKC, lower case, katakana→hiragana, one
character at a time so that offsets map back to the original), so ｽﾏﾎ in a
query marks スマホ in the answer. The HTML is built by escaping every piece of
text and adding only `<mark>` tags: neither the answer nor the query can
inject markup.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from codecs import utf_32_le_decode
from dataclasses import dataclass
from html import escape

import numpy as np

from .analysis import TranslateTable, kata_to_hira

ELLIPSIS = "…"
# The characters html.escape() replaces (quote=True).
_ESCAPED = re.compile("[&<>\"']")


@dataclass(frozen=True)
class Excerpt:
    text: str   # plain text, with … where cut
    html: str   # escaped, with <mark> around matched words


def _fold_char(ch: str) -> str:
    return kata_to_hira(unicodedata.normalize("NFKC", ch).lower()) if not ch.isascii() else ch.lower()


# Entries of _FoldTable.bmp: a character not met yet, one that folds to 0 or 2+.
_UNKNOWN, _MULTI = 0xFFFFFFFF, 0xFFFFFFFE


class _FoldTable(TranslateTable):
    """str.translate table: code point → folded form, filled on first sight,
    noting the characters that fold to 0 or 2+ characters (…→...).

    The same mapping is also kept as an array over the Basic Multilingual
    Plane (`fold_bmp`): translate() makes a Python int and a dict lookup for
    each character, about 45 ns; looking a whole answer up in the array costs
    a third of that (256 KB, bounded like the characters themselves)."""

    def __init__(self):
        super().__init__(_fold_char)
        self.multi: set[str] = set()
        self.bmp = np.full(0x10000, _UNKNOWN, dtype=np.uint32)

    def fold_bmp(self, text: str) -> str | None:
        """text.translate(self), when every character is in the BMP and folds
        to exactly one character (else None: offsets would move)."""
        codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if not len(codes) or len(codes) != len(text):  # a character beyond the BMP takes two
            return None
        try:
            # Both marks are beyond U+10FFFF, so decoding fails on them: no
            # max() over the text first (take() and decoding the array in
            # place also spare a cast and a copy: 4.5 → 2.5 µs an answer).
            return utf_32_le_decode(self.bmp.take(codes), "surrogatepass")[0]
        except UnicodeDecodeError:
            pass
        out = self.bmp.take(codes)
        for code in np.unique(codes[out == _UNKNOWN]).tolist():
            folded = self[code]  # the translate() table's own entry, filled on first sight
            self.bmp[code] = ord(folded) if len(folded) == 1 else _MULTI
        out = self.bmp.take(codes)
        if out.max() == _MULTI:
            return None
        return utf_32_le_decode(out, "surrogatepass")[0]

    def remember(self, code: int, out: str) -> None:
        # `multi` first: another thread that finds the character in the table
        # must also find it in `multi` (else it would take offsets as unchanged).
        if len(out) != 1:
            self.multi.add(chr(code))
        super().remember(code, out)


_FOLD = _FoldTable()


def _fold_map(text: str) -> tuple[str, "list[int] | range"]:
    """Folded text and, for each folded character, the index of its source character."""
    folded = _FOLD.fold_bmp(text)
    if folded is not None:
        return folded, range(len(text))
    folded = text.translate(_FOLD)
    # The few characters met so far that fold to 0 or 2+ characters, each
    # looked for with one substring search (the text is much longer than
    # the set); a snapshot taken after translate() includes every character
    # it used (see remember()).
    if not any(ch in text for ch in tuple(_FOLD.multi)):
        return folded, range(len(text))  # every character folded to one: offsets unchanged
    src: list[int] = []
    for i, ch in enumerate(text):
        src.extend([i] * len(_FOLD[ord(ch)]))
    return folded, src


def ordered_terms(terms: list[str]) -> tuple[str, ...]:
    """The distinct terms, longest first (equal lengths in code point order):
    the order spans are looked for in. A results page orders its query's
    terms once for its ten excerpts. Ties broken by the terms themselves, not
    by set order, which moves with Python's hash seed: two workers showed
    different excerpts for the same page."""
    return tuple(sorted(set(t for t in terms if t), key=lambda t: (-len(t), t)))


def _spans(text: str, ordered: tuple[str, ...]) -> tuple[list[int], list[int]]:
    folded, src = _fold_map(text)
    # Spans kept sorted: a new one overlaps a kept one only if it overlaps
    # its neighbours (kept spans are disjoint, so their ends ascend too).
    starts: list[int] = []
    ends: list[int] = []
    for term in ordered:
        n = len(term)
        start = folded.find(term)
        while start != -1:
            a, b = src[start], src[start + n - 1] + 1
            i = bisect_left(starts, a)
            if (i == 0 or ends[i - 1] <= a) and (i == len(starts) or starts[i] >= b):
                starts.insert(i, a)
                ends.insert(i, b)
            start = folded.find(term, start + n)
    return starts, ends


def find_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets in `text` of any folded term, longest first."""
    return list(zip(*_spans(text, ordered_terms(terms))))


def make_excerpt(text: str, terms: list[str], length: int = 120) -> Excerpt:
    """About `length` characters of `text`, placed to show as many different
    matched terms as possible (the start when nothing matches)."""
    return excerpt(text, ordered_terms(terms), length)


def excerpt(text: str, ordered: tuple[str, ...], length: int = 120) -> Excerpt:
    """make_excerpt() with the terms already put in order by ordered_terms()."""
    text = " ".join(text.split())
    starts, ends = _spans(text, ordered)
    if len(text) <= length:
        start, end = 0, len(text)
    else:
        start = _best_start(text, starts, ends, length)
        end = min(len(text), start + length)
    shown = [(max(a, start), min(b, end)) for a, b in zip(starts, ends) if a < end and b > start]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    window = text[start:end]
    # Most windows hold no character that escape() changes; then neither does
    # any piece of them (nor the ellipses), and the pieces go in as they are.
    esc = escape if _ESCAPED.search(window) else str
    parts, pos = [], start
    for a, b in shown:
        parts.append(esc(text[pos:a]))
        parts.append("<mark>" + esc(text[a:b]) + "</mark>")
        pos = b
    parts.append(esc(text[pos:end]))
    return Excerpt(prefix + window + suffix, prefix + "".join(parts) + suffix)


def _best_start(text: str, starts: list[int], ends: list[int], length: int) -> int:
    if not starts:
        return 0
    marked = [text[a:b].lower() for a, b in zip(starts, ends)]
    limit = max(0, len(text) - length)
    lead = length // 4
    rfind = text.rfind
    best, best_score = 0, -1.0
    previous = -1
    for a in starts:
        # Start a little before the match, at a sentence start when one is near.
        s = a - lead if a > lead else 0
        cut = rfind("。", s, a)
        if cut != -1:
            s = cut + 1
        if s > limit:
            s = limit
        if s == previous:
            continue  # the matches of one sentence share its start: the same window, the same score
        previous = s
        # Spans are sorted and do not overlap: those inside [s, s + length)
        # are a contiguous run from the first starting at s or later, and of
        # those starting before s + length only the last can end after it.
        stop = s + length
        first, last = bisect_left(starts, s), bisect_left(starts, stop)
        if last > first and ends[last - 1] > stop:
            last -= 1
        within = marked[first:last]
        score = len(set(within)) + len(within) * 0.1 - s / 100000
        if score > best_score:
            best, best_score = s, score
    return best

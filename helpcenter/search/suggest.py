"""Find-as-you-type: the questions matching what a member has typed so far
(`/api/suggest` and the search box's combobox). No Flask.

Per generation, every entry's question and aliases are folded (normalize +
katakana→hiragana, as search does) and indexed by character bigram. A
keystroke scores only the questions sharing enough of the typed text's
Japanese bigrams: those starting with it, then containing it, then aliases
containing it, then those sharing most of its bigrams (typos, word order).
"""
from __future__ import annotations

import re
from math import ceil

import numpy as np

from .analysis import bigrams, fold
from .query import clean

SUGGEST_LIMIT = 8
_CJK_PAIR = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}")



class SuggestTable:
    """Every entry's question and aliases, folded, with an inverted index from
    character bigram to rows (numpy arrays), so that a keystroke looks only at
    the rows sharing its bigrams instead of scanning every question. One per
    generation (`Engine.suggestions`)."""

    def __init__(self, rows: list[tuple[int, str, str, tuple[str, ...], frozenset[str]]]):
        self.rows = rows
        postings: dict[str, list[int]] = {}
        for i, (*_, grams) in enumerate(rows):
            for g in grams:
                postings.setdefault(g, []).append(i)
        self.postings = {g: np.asarray(ids, dtype=np.int32) for g, ids in postings.items()}
        chars: dict[str, list[int]] = {}
        for i, (_, _, ftitle, faliases, _) in enumerate(rows):
            for ch in set(ftitle).union(*faliases):
                chars.setdefault(ch, []).append(i)
        self.chars = {ch: np.asarray(ids, dtype=np.int32) for ch, ids in chars.items()}

    @classmethod
    def from_entries(cls, entries: list[dict]) -> "SuggestTable":
        """From the engine's entries: (number, title, folded title, folded aliases, their bigrams)."""
        rows = []
        for e in entries:
            aliases = tuple(fold(a) for a in e["aliases"] if a.strip())
            ftitle = fold(e["title"])
            grams = frozenset(bigrams(ftitle)).union(*(bigrams(a) for a in aliases))
            rows.append((int(e["number"]), e["title"], ftitle, aliases, grams))
        # In the order suggestions tie-break (shorter question, then lower
        # number): a scan can stop once `limit` questions start with the text.
        rows.sort(key=lambda r: (len(r[1]), r[0]))
        return cls(rows)

    def containing(self, text: str) -> np.ndarray:
        """Rows whose title or aliases have every character of `text`."""
        out = None
        for ch in sorted(set(text), key=lambda c: len(self.chars.get(c, ()))):
            ids = self.chars.get(ch)
            if ids is None:
                return np.zeros(0, dtype=np.int32)
            out = ids if out is None else np.intersect1d(out, ids, assume_unique=True)
            if not len(out):
                break
        return out if out is not None else np.zeros(0, dtype=np.int32)

    def counts(self, grams: set[str]) -> np.ndarray:
        """For every row, how many of `grams` it has."""
        counts = np.zeros(len(self.rows), dtype=np.int32)
        for g in grams:
            ids = self.postings.get(g)
            if ids is not None:
                counts[ids] += 1
        return counts

    def candidates(self, grams: set[str], need: int) -> np.ndarray:
        """Rows having at least `need` of `grams`."""
        return np.flatnonzero(self.counts(grams) >= need)


# A question sharing at least this share of the typed text's bigrams is
# suggested even when it does not contain the text (typos, word order).
SUGGEST_OVERLAP = 0.6


def suggest(gen, prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Questions matching what the member has typed so far: [{"number","title","url"}].

    Titles containing the typed text come first (those starting with it
    before the rest), then aliases containing it, then titles and aliases
    sharing most of its character bigrams (for typos and word order).
    """
    text = fold(clean(prefix)).strip()
    if not text or limit < 1:
        return []
    table = gen.engine.suggestions
    grams = set(bigrams(text)) if len(text) >= 2 else set()
    # Only rows sharing enough of the typed text's Japanese bigrams can match:
    # containing the text means having all of them, the overlap rule needs
    # SUGGEST_OVERLAP of all its bigrams. Latin words are kept whole by
    # bigrams(), and a half-typed one (「goo」) is in no row, nor is a lone
    # character (「smsで」's で), nor a digit a Latin word took (win11で → 「1で」
    # typed): only bigrams of two Japanese characters filter.
    japanese = {g for g in grams if len(g) == 2 and _CJK_PAIR.fullmatch(g)}
    # Rows that can contain the text have all its Japanese bigrams (or, when it
    # has none, all its characters); rows matched by the overlap rule share
    # SUGGEST_OVERLAP of all its terms, which the term postings count at once.
    maybe = table.candidates(japanese, len(japanese)) if japanese else table.containing(text)
    hidden = set(gen.engine.hidden_numbers(gen.now()))
    # Rows come in tie-break order (shorter question, lower number), so within
    # each class (starts with, contains, alias contains) the first `limit` rows
    # met are that class's best; once `limit` questions start with the text
    # nothing later can rank higher.
    starts: list[int] = []
    contains: list[int] = []
    in_alias: list[int] = []
    for i in maybe:
        number, _, ftitle, faliases, _ = table.rows[i]
        if hidden and number in hidden:
            continue
        if ftitle.startswith(text):
            starts.append(i)
            if len(starts) >= limit:
                break
        elif len(contains) >= limit and len(in_alias) >= limit:
            continue  # only a question starting with the text could still rank
        elif text in ftitle:
            if len(contains) < limit:
                contains.append(i)
        elif any(text in a for a in faliases) and len(in_alias) < limit:
            in_alias.append(i)
    chosen = (starts + contains + in_alias)[:limit]
    if len(chosen) < limit and len(grams) >= 2:
        counts = table.counts(grams)
        ids = np.flatnonzero(counts >= ceil(SUGGEST_OVERLAP * len(grams)))
        ids = np.setdiff1d(ids, np.asarray(chosen, dtype=np.int64), assume_unique=True)
        if hidden:
            ids = ids[[table.rows[i][0] not in hidden for i in ids]] if len(ids) else ids
        # Every row containing the text was met above (it has all the text's
        # bigrams or characters): what is left matches by overlap only.
        by_share = ids[np.lexsort((ids, -counts[ids]))]
        chosen += [int(i) for i in by_share[:limit - len(chosen)]]
    scored = [(0.0, table.rows[i][0], table.rows[i][1]) for i in chosen]
    return [{"number": n, "title": t, "url": f"/faq/{n}"} for _, n, t in scored[:limit]]

"""A parsed query → a score for every entry: dense numpy arrays, one pass.

* Units add up: colloquial queries carry words no entry has (って, 出る).
* A unit with synonyms counts its best alternative per entry (the member's
  own word at full weight, the others at `ranking.synonym`), so that an entry
  saying both スマホ and スマートフォン is not counted twice; a synonym of
  several words (アカウント削除) counts only where all its words are, at their mean.
* Bigram and reading terms count `length_factor` of their impact: they help
  short colloquial queries and add noise to long questions.
* Unknown Latin words count through their corrections at `ranking.fuzzy`.
* With word vectors, a word also matches its nearest words in the collection
  (soft query expansion: 引っ越す finds 転居), each entry counting the best of
  them; a neighbour counts expansion × cosine (at most 0.2 by default) of
  what the member's own word would count in the same place.
* A word also matches the collection's words in its SudachiDict synonym
  groups (転居 finds 引っ越し; with or without word vectors), each at
  `ranking.sudachi_synonym` of the word's weight, the best per entry counting.

`Postings` is what the engine supplies, a term's entry ids and impacts: as
one `Finder` per kind (a dict), or one function of (kind, term).
"""
from __future__ import annotations

from functools import partial
from typing import Callable, Sequence

import numpy as np

from .. import fields as F
from ..analysis import reading_bigrams, words
from ..query import MIXED_RUN, Parsed, length_factor, unit_terms
from ..ranking import Ranking
from ..typos import latin_words

# (kind, term) → (entry ids, impacts), or (None, impacts of every entry) for a frequent term
Postings = Callable[[str, str], "tuple[np.ndarray | None, np.ndarray] | None"]
# The same for one kind, term → …: the engine passes one per kind (a dict), a call less per term.
Finder = Callable[[str], "tuple[np.ndarray | None, np.ndarray] | None"]

MIN_FACTOR = 0.05


def mean_where_all(vecs: list[np.ndarray]) -> np.ndarray:
    """np.where(every vector > 0, sum(vecs) / len(vecs), 0) as float32, with
    fewer temporaries (half the time): the sum in sum()'s order (its 0 +
    vecs[0] is vecs[0] exactly), divided in place and multiplied by the mask
    (scores are finite: × 1 keeps them, × 0 gives where()'s 0), so the same
    floats bit for bit."""
    every = vecs[0] > 0
    total = vecs[0] + vecs[1]
    for v in vecs[1:]:
        every &= v > 0
    for v in vecs[2:]:
        total += v
    total /= len(vecs)
    return np.multiply(total, every, out=total)


def content_parts(text: str) -> list[str]:
    """The content words of a synonym's text: a synonym of several words counts where all of them are."""
    return [w.surface for w in words(text) if w.content]


def scores(parsed: Parsed, n_docs: int, postings: Postings | dict[str, Finder], ranking: Ranking,
           corrections: Callable[[str], list[str]] | None = None,
           neighbours: Callable[[str], list[tuple[str, float]]] | None = None,
           same_group: Callable[[str], list[str]] | None = None,
           terms: Callable[[str], tuple] = unit_terms,
           parts: Callable[[str], Sequence[str]] = content_parts) -> np.ndarray:
    """Every entry's score for `parsed`. `terms(text)` starts with the text's
    word and bigram terms (query.unit_terms), `parts(text)` gives its content
    words (content_parts): the engine looks both up in a table for the words
    of its synonym groups."""
    if parsed.empty or not n_docs:
        return np.zeros(n_docs, dtype=np.float32)
    factor = length_factor(parsed, ranking)
    # A query adds ~70 terms: the Python around each (calls, lookups) was
    # about half of its scoring, so the loops below are flat and make no
    # vector they can avoid. A vector is made at its first hit, as a copy of
    # that term's impacts instead of zeros plus them (impacts are
    # non-negative, weights positive, and 0 + x is x: every float the same);
    # None means no hit yet. A dense row's
    # zeros change nothing under np.add, nor under np.maximum of non-negative
    # scores. `ufunc.at` is unbuffered and, on numpy 2, 2-3× faster than
    # into[ids] = op(…) (gather, op, scatter); ids are unique within a term,
    # so the float32 results are the same, bit for bit.
    add, add_at, max_at, maximum_ = np.add, np.add.at, np.maximum.at, np.maximum
    finders = postings if isinstance(postings, dict) else {k: partial(postings, k) for k in F.KIND_FIELDS}
    find_word = finders[F.WORDS]
    expand = neighbours is not None and ranking.expansion > 0
    regroup = same_group is not None and ranking.sudachi_synonym > 0

    def add_terms(into: np.ndarray | None, kind: str, terms, weight: float) -> np.ndarray | None:
        find = finders[kind]
        for term in terms:
            got = find(term)
            if got is None:
                continue
            ids, imp = got
            if ids is None:  # a dense row over every entry (read-only: copied or multiplied)
                if into is None:
                    into = imp.copy() if weight == 1.0 else weight * imp
                else:
                    add(into, imp if weight == 1.0 else weight * imp, out=into)
            else:
                if into is None:
                    into = np.zeros(n_docs, dtype=np.float32)
                add_at(into, ids, imp if weight == 1.0 else weight * imp)
        return into

    def expanded(into: np.ndarray | None, form: str, weight: float,
                 near: list[tuple[str, float]]) -> np.ndarray | None:
        """A word, its nearest collection words and its SudachiDict synonyms:
        per entry the best of them (the word itself at `weight`, a neighbour at
        weight × expansion × cosine, a synonym at weight × sudachi_synonym)."""
        group = same_group(form) if regroup else ()
        if not near and not group:
            return add_terms(into, F.WORDS, (form,), weight)
        best = None
        for term, w in ([(form, weight)] + [(t, weight * ranking.expansion * c) for t, c in near]
                        + [(t, weight * ranking.sudachi_synonym) for t in group]):
            got = find_word(term)
            if got is None:
                continue
            ids, imp = got
            if ids is None:
                if best is None:
                    best = w * imp  # max(0, x) is x
                else:
                    maximum_(best, w * imp, out=best)
            else:
                if best is None:
                    best = np.zeros(n_docs, dtype=np.float32)
                max_at(best, ids, w * imp)
        if best is None:
            return into
        if into is None:
            return best
        add(into, best, out=into)
        return into

    def text_vector(text: str, weight: float, require_all: bool) -> np.ndarray | None:
        if require_all:
            words_ = parts(text)
            if len(words_) > 1:
                vecs = []
                for p in words_:
                    v = text_vector(p, weight, False)
                    if v is None:  # a part no entry has: no entry has them all
                        return None
                    vecs.append(v)
                return mean_where_all(vecs)
        got = terms(text)
        forms, grams = got[0], got[1]
        if expand or regroup:
            v = None
            for form in forms:
                v = expanded(v, form, weight, neighbours(form) if expand else [])
        else:
            v = add_terms(None, F.WORDS, forms, weight)
        if factor > MIN_FACTOR:
            v = add_terms(v, F.GRAMS, grams, weight * factor)
        return v

    acc = None
    synonym = ranking.synonym
    for unit in parsed.units:
        v = text_vector(unit.text, 1.0, unit.synonym)
        for a in unit.alternatives:
            # The best alternative per entry as they come (max is exact in
            # any grouping): each alternative's vector is freed before the
            # next is made, and the next reuses its memory while it is in cache.
            alt = text_vector(a, synonym, unit.synonym)
            if alt is not None:
                if v is None:
                    v = alt
                else:
                    maximum_(v, alt, out=v)
        if v is not None:
            if acc is None:
                acc = v
            else:
                add(acc, v, out=acc)
    extra = max(0, parsed.content_words - ranking.short_words)
    rfactor = 1.0 / (1.0 + ranking.reading_decay * extra) if ranking.reading_decay is not None else factor
    if rfactor > MIN_FACTOR:
        # Digits inside Latin words (zqx58b3b) would be read ごじゅうはち: left out of the reading.
        acc = add_terms(acc, F.READING_KIND, dict.fromkeys(reading_bigrams(MIXED_RUN.sub(" ", parsed.normalized))),
                        rfactor)
    if corrections is not None:
        for word in latin_words(parsed):
            acc = add_terms(acc, F.WORDS, corrections(word)[:2], ranking.fuzzy)
    return np.zeros(n_docs, dtype=np.float32) if acc is None else acc


def top(acc: np.ndarray, limit: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(entry id, score) of the best `limit` entries with a score, best first
    (ties: lower entry id, i.e. lower FAQ number, first)."""
    if mask is not None:
        acc = np.where(mask, acc, 0)
    if 0 < limit < len(acc):
        # Selected over every entry, not first gathered out of the positive
        # ones (a third of the time): when nothing outside the selection ties
        # with its lowest score, the selection is the only one possible, the
        # same as below; else (ties at the cut, rare) the path below decides.
        ids = np.argpartition(-acc, limit - 1)[:limit]
        lowest = acc[ids].min()
        if lowest > 0 and np.count_nonzero(acc >= lowest) == limit:
            ids = ids[np.lexsort((ids, -acc[ids]))]
            return list(zip(ids.tolist(), acc[ids].tolist()))
    ids = np.flatnonzero(acc > 0)
    if len(ids) > limit:
        ids = ids[np.argpartition(-acc[ids], limit - 1)[:limit]]
    ids = ids[np.lexsort((ids, -acc[ids]))]
    return list(zip(ids.tolist(), acc[ids].tolist()))  # Python ints and floats, without a numpy scalar each

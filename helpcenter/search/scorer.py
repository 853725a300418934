"""Running the queries `query.build` makes, faster than Whoosh's matchers.

Whoosh scores a document by walking a tree of matcher objects, several Python
calls per posting (about 15 µs); a member's OR query over bigram, word and
synonym terms touches tens of thousands of postings, which made a search on
10,000 entries take a few hundred milliseconds. This module computes the same
scores (Whoosh's BM25F formula with `ranking.Weighting`'s idf) with numpy:

* the postings of a term are decoded once per generation, a whole block at a
  time (Whoosh's own block data, delta-decoded by `cumsum`), and kept as
  (document numbers, BM25 impacts) arrays in a per-generation LRU bounded by a
  number of postings;
* an Or of one text in several fields (query._or groups them so) is read as
  one posting list with the fields' impacts summed, cached too: a word is
  looked up once instead of once per field;
* a query tree of Term / Or / And / DisjunctionMax (with boosts) is folded
  into one dense score vector (one slot per document): Or adds,
  DisjunctionMax keeps the best child, And keeps documents every child
  matched. A vector of 10,000 floats costs microseconds per operation, so the
  time goes into the postings actually touched, not into Python per posting.

Anything else raises `Unsupported`, and the caller falls back to Whoosh's own
search. `tests/test_search_scorer.py` checks that both give the same scores.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from math import log
from typing import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from .ranking import Ranking

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_IMPS = np.zeros(0, dtype=np.float64)


class Unsupported(TypeError):
    """A query node this scorer does not run."""


class Postings:
    """Per generation: BM25 impacts of terms, cached, shared by threads."""

    def __init__(self, ranking: Ranking, budget: int = 6_000_000):
        self.ranking = ranking
        self.budget = budget  # postings kept in memory (12 bytes each)
        self._cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._field_norms: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._size = 0

    def get(self, key) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def put(self, key, value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = value
                self._size += len(value[0])
                while self._size > self.budget and len(self._cache) > 1:
                    _, (ids, _) = self._cache.popitem(last=False)
                    self._size -= len(ids)

    def impacts(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, text)
        got = self.get(key)
        if got is None:
            got = self._read(searcher, field, text)
            self.put(key, got)
        return got

    def _norms(self, searcher, field: str) -> np.ndarray:
        """BM25's length part k1 × (1 − b + b × length / average) of every
        document (global numbers), from the lengths Whoosh stores."""
        norms = self._field_norms.get(field)
        if norms is None:
            r = self.ranking
            b = r.field_b.get(field, r.b)
            dc = searcher.doc_count_all()
            avgfl = (searcher.field_length(field) / dc if dc else 0) or 1
            lengths = np.zeros(dc, dtype=np.float64)
            for sub, offset in searcher.leaf_searchers():
                reader = sub.reader()
                n = reader.doc_count_all()
                lengths[offset:offset + n] = [reader.doc_field_length(d, field, 0) or 0 for d in range(n)]
            norms = r.k1 * ((1 - b) + b * lengths / avgfl)
            self._field_norms[field] = norms
        return norms

    def _read(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        n = searcher.doc_frequency(field, text)
        if n == 0:
            return _EMPTY_IDS, _EMPTY_IMPS
        dc = searcher.doc_count_all()
        c = log(1 + (dc - n + 0.5) / (n + 0.5)) * (self.ranking.k1 + 1)  # idf × (k1 + 1)
        norms = self._norms(searcher, field)
        id_parts, tf_parts = [], []
        for sub, offset in searcher.leaf_searchers():
            try:
                m = sub.reader().postings(field, text)
            except TermNotFound:
                continue
            for ids, tfs in _blocks(m):
                id_parts.append(ids + offset if offset else ids)
                tf_parts.append(tfs)
        if not id_parts:
            return _EMPTY_IDS, _EMPTY_IMPS
        ids = np.concatenate(id_parts).astype(np.int32, copy=False)
        tfs = np.concatenate(tf_parts)
        return ids, c * tfs / (tfs + norms[ids])


def _blocks(m) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """(document numbers, term frequencies) of a posting list, a block at a time."""
    if isinstance(m, W3LeafMatcher) and not m._byteids:
        # Whoosh's own block data (private, stable since 2.7): the ids of a
        # block are stored delta-encoded, the weights as an array of floats.
        while m.is_active():
            if m._data is None:
                m._read_data()
            raw_ids, weights = m._data[0], m._data[1]
            ids = np.cumsum(np.asarray(raw_ids, dtype=np.int64))
            if weights is None:
                tfs = np.ones(len(ids))
            elif isinstance(weights, float):
                tfs = np.full(len(ids), weights)
            else:
                tfs = np.asarray(weights, dtype=np.float64)
            yield ids, tfs
            m._next_block()
        return
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def _same_text_group(q) -> bool:
    """An Or of one text in several fields (query._or makes them)."""
    subs = q.subqueries
    return (type(q) is wq.Or and len(subs) > 1 and all(type(t) is wq.Term for t in subs)
            and len({t.text for t in subs}) == 1)


def _merged(q, searcher, postings: Postings) -> tuple[np.ndarray, np.ndarray, float]:
    """(ids, impacts, scale) of a same-text group: the fields' impacts summed
    by their relative boosts, cached under those ratios (the query-specific
    scale, from synonyms and units, is returned apart)."""
    subs = q.subqueries
    base = subs[0].boost or 1.0
    key = (subs[0].text, tuple((t.fieldname, round(t.boost / base, 9)) for t in subs))
    got = postings.get(key)
    if got is None:
        n = searcher.doc_count_all()
        dense, matched = np.zeros(n), np.zeros(n, dtype=bool)
        for t in subs:
            pids, imps = postings.impacts(searcher, t.fieldname, t.text)
            dense[pids] += (t.boost / base) * imps
            matched[pids] = True
        ids = np.flatnonzero(matched).astype(np.int32)
        got = (ids, dense[ids])
        postings.put(key, got)
    return got[0], got[1], base * q.boost


def dense_scores(q: wq.Query, searcher, postings: Postings) -> np.ndarray:
    """Score of every document number (0.0: no match) for a query tree."""
    acc = np.zeros(searcher.doc_count_all())
    for ids, imps, w in _parts(q, searcher, postings, 1.0):
        acc[ids] += w * imps
    return acc


def scores(q: wq.Query, searcher, postings: Postings) -> dict[int, float]:
    """Document number → score, matching documents only."""
    acc = dense_scores(q, searcher, postings)
    return {int(d): float(acc[d]) for d in np.flatnonzero(acc)}


def _parts(q, searcher, postings: Postings, mult: float):
    """(ids, impacts, weight) lists whose weighted sum is the score of `q`
    (ids are unique within a list, so `acc[ids] += w * impacts` is exact)."""
    if type(q) is wq.Term:
        ids, imps = postings.impacts(searcher, q.fieldname, q.text)
        yield ids, imps, mult * q.boost
    elif type(q) is wq.Or and _same_text_group(q):
        ids, imps, scale = _merged(q, searcher, postings)
        yield ids, imps, mult * scale
    elif type(q) is wq.Or:
        for sub in q.subqueries:
            yield from _parts(sub, searcher, postings, mult * q.boost)
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return
    else:
        ids, imps = _vector(q, searcher, postings)
        yield ids, imps, mult


def _key(q) -> tuple:
    """A hashable description of a query tree, boosts included."""
    if type(q) is wq.Term:
        return (q.fieldname, q.text, q.boost)
    return (type(q).__name__, q.boost, tuple(_key(c) for c in q.children()))


def _vector(q, searcher, postings: Postings) -> tuple[np.ndarray, np.ndarray]:
    """(ids, scores) of a DisjunctionMax or And (a unit with synonyms), cached
    like postings: members' queries share their words, so a unit such as
    「スマホ」 with its synonyms is scored once per generation, not per query."""
    key = ("q", _key(q))
    got = postings.get(key)
    if got is None:
        score, matched = _eval(q, searcher, postings)
        ids = np.flatnonzero(matched).astype(np.int32)
        got = (ids, score[ids])
        postings.put(key, got)
    return got


def _eval(q, searcher, postings: Postings) -> tuple[np.ndarray, np.ndarray]:
    """Dense (scores, matched) of `q`, for DisjunctionMax and And. `matched`
    is kept apart from the scores: a term with weight 0 still matches."""
    n = searcher.doc_count_all()
    if type(q) is wq.Term or type(q) is wq.Or:
        score, matched = np.zeros(n), np.zeros(n, dtype=bool)
        for ids, imps, w in _parts(q, searcher, postings, 1.0):
            score[ids] += w * imps
            matched[ids] = True
        return score, matched
    if isinstance(q, wq.DisjunctionMax):
        if q.tiebreak:
            raise Unsupported("DisjunctionMax with tiebreak")
        score, matched = np.zeros(n), np.zeros(n, dtype=bool)
        for sub in q.subqueries:
            s, m = _eval(sub, searcher, postings)
            np.maximum(score, s, out=score)
            matched |= m
        return score * q.boost if q.boost != 1 else score, matched
    if type(q) is wq.And:
        if not q.subqueries:
            return np.zeros(n), np.zeros(n, dtype=bool)
        score, matched = np.zeros(n), np.ones(n, dtype=bool)
        for sub in q.subqueries:
            s, m = _eval(sub, searcher, postings)
            score += s
            matched &= m
        return np.where(matched, score * q.boost, 0.0), matched
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return np.zeros(n), np.zeros(n, dtype=bool)
    raise Unsupported(type(q).__name__)


def top(acc, limit: int, allow: set[int] | np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `limit` best matching (docnum, score) of dense scores, ties broken by
    the lower docnum (as Whoosh). `allow` restricts to those document numbers."""
    if limit < 1:
        return []
    acc = np.asarray(acc, dtype=np.float64)
    if allow is not None:
        keep = np.zeros(len(acc), dtype=bool)
        allowed = np.fromiter(allow, dtype=np.int64) if isinstance(allow, (set, frozenset)) else np.asarray(allow)
        keep[allowed[allowed < len(acc)]] = True
        acc = np.where(keep, acc, 0.0)
    candidates = np.flatnonzero(acc > 0)
    if len(candidates) > limit:
        # The limit-th best score, then everything at least as good: sorting
        # only those keeps ties in document order.
        kth = np.partition(acc[candidates], len(candidates) - limit)[len(candidates) - limit]
        candidates = candidates[acc[candidates] >= kth]
    order = candidates[np.lexsort((candidates, -acc[candidates]))][:limit]
    return [(int(d), float(acc[d])) for d in order]

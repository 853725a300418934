"""Running the queries `query.build` makes, faster than Whoosh's matchers.

Whoosh scores a document by walking a tree of matcher objects, several Python
calls per posting (about 15 µs); a member's OR query over bigram, word and
synonym terms touches tens of thousands of postings, which made a search on
10,000 entries take a few hundred milliseconds. This module computes the same
scores (Whoosh's BM25F formula with `ranking.Weighting`'s idf) with a flat
loop per term:

* the postings of a term are read once per generation, block by block, and
  kept as (document numbers, BM25 impacts) arrays in a per-generation LRU
  bounded by a number of postings;
* a query tree of Term / Or / And / DisjunctionMax (with boosts) is folded
  into one score dictionary: Or adds, DisjunctionMax keeps the best child
  (plus `tiebreak` × the others), And keeps documents every child matched.

Anything else raises `Unsupported`, and the caller falls back to Whoosh's own
search. `tests/test_search_scorer.py` checks that both give the same scores.
"""
from __future__ import annotations

import heapq
import threading
from array import array
from collections import OrderedDict
from math import log
from typing import Iterable

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from .ranking import Ranking


class Unsupported(TypeError):
    """A query node this scorer does not run."""


class Postings:
    """Per generation: BM25 impacts of terms, cached, shared by threads."""

    def __init__(self, ranking: Ranking, budget: int = 3_000_000):
        self.ranking = ranking
        self.budget = budget  # postings kept in memory (about 12 bytes each)
        self._cache: OrderedDict[tuple[str, str], tuple[array, array]] = OrderedDict()
        self._size = 0
        self._lengths: dict[str, list[array]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._size = 0

    def impacts(self, searcher, field: str, text: str) -> tuple[array, array]:
        key = (field, text)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        got = self._read(searcher, field, text)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = got
                self._size += len(got[0])
                while self._size > self.budget and len(self._cache) > 1:
                    _, (ids, _) = self._cache.popitem(last=False)
                    self._size -= len(ids)
        return got

    def _field_lengths(self, searcher, field: str) -> list[array]:
        """Each segment's field lengths as Whoosh stores them (one byte, decoded)."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = []
            for sub, _ in searcher.leaf_searchers():
                reader = sub.reader()
                lengths.append(array("f", (reader.doc_field_length(d, field, 0) or 0
                                           for d in range(reader.doc_count_all()))))
            self._lengths[field] = lengths
        return lengths

    def _read(self, searcher, field: str, text: str) -> tuple[array, array]:
        r = self.ranking
        k1 = r.k1
        b = r.field_b.get(field, r.b)
        n = searcher.doc_frequency(field, text)
        dc = searcher.doc_count_all()
        idf = log(1 + (dc - n + 0.5) / (n + 0.5))
        avgfl = (searcher.field_length(field) / dc if dc else 0) or 1
        ids_out, imp_out = array("i"), array("d")
        if n == 0:
            return ids_out, imp_out
        lengths = self._field_lengths(searcher, field)
        for seg, (sub, offset) in enumerate(searcher.leaf_searchers()):
            try:
                m = sub.reader().postings(field, text)
            except TermNotFound:
                continue
            seg_lengths = lengths[seg]
            for ids, weights in _blocks(m):
                for d, tf in zip(ids, weights):
                    fl = seg_lengths[d]
                    ids_out.append(d + offset)
                    imp_out.append(idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return ids_out, imp_out


def _blocks(m) -> Iterable[tuple[Iterable[int], Iterable[float]]]:
    """(ids, term frequencies) of a posting list, a block at a time."""
    if isinstance(m, W3LeafMatcher):
        # Whoosh's own block reader (private, stable since 2.7): whole blocks
        # instead of three method calls per posting.
        while m.is_active():
            m._read_ids()
            m._read_weights()
            yield m._ids, m._weights
            m._next_block()
        return
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    yield ids, weights


def scores(q: wq.Query, searcher, postings: Postings) -> dict[int, float]:
    """Document number → score for a query tree."""
    acc: dict[int, float] = {}
    _add(q, searcher, postings, acc, 1.0)
    return acc


def _add(q, searcher, postings: Postings, acc: dict[int, float], mult: float) -> None:
    """Add `mult` × the scores of `q` into `acc` (the fast path for sums)."""
    if isinstance(q, wq.Term):
        ids, imps = postings.impacts(searcher, q.fieldname, q.text)
        w = mult * q.boost
        get = acc.get
        for d, imp in zip(ids, imps):
            acc[d] = get(d, 0.0) + w * imp
    elif type(q) is wq.Or:
        for sub in q.subqueries:
            _add(sub, searcher, postings, acc, mult * q.boost)
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return
    else:
        part = _eval(q, searcher, postings)
        get = acc.get
        for d, s in part.items():
            acc[d] = get(d, 0.0) + mult * s


def _eval(q, searcher, postings: Postings) -> dict[int, float]:
    if isinstance(q, wq.Term) or type(q) is wq.Or:
        out: dict[int, float] = {}
        _add(q, searcher, postings, out, 1.0)
        return out
    if isinstance(q, wq.DisjunctionMax):
        if q.tiebreak:
            raise Unsupported("DisjunctionMax with tiebreak")
        out = {}
        for sub in q.subqueries:
            for d, s in _eval(sub, searcher, postings).items():
                if s > out.get(d, -1.0):
                    out[d] = s
        return {d: s * q.boost for d, s in out.items()} if q.boost != 1 else out
    if type(q) is wq.And:
        parts = sorted((_eval(sub, searcher, postings) for sub in q.subqueries), key=len)
        if not parts:
            return {}
        out = dict(parts[0])
        for part in parts[1:]:
            out = {d: s + part[d] for d, s in out.items() if d in part}
        return {d: s * q.boost for d, s in out.items()}
    raise Unsupported(type(q).__name__)


def top(acc: dict[int, float], limit: int, allow: set[int] | None = None) -> list[tuple[int, float]]:
    """The `limit` best (docnum, score), ties broken by the lower docnum (as Whoosh)."""
    items = acc.items() if allow is None else ((d, s) for d, s in acc.items() if d in allow)
    return heapq.nsmallest(limit, items, key=lambda t: (-t[1], t[0]))

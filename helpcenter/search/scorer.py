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
* an Or of one text in several fields (query._or groups them so) is read as
  one posting list with the fields' impacts summed, cached too: a word is
  looked up once instead of once per field;
* a query tree of Term / Or / And / DisjunctionMax (with boosts) is folded
  into one dense score list: Or adds, DisjunctionMax keeps the best child,
  And keeps documents every child matched.

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

    def __init__(self, ranking: Ranking, budget: int = 6_000_000):
        self.ranking = ranking
        self.budget = budget  # postings kept in memory (about 12 bytes each)
        self._cache: OrderedDict[tuple[str, str], tuple[array, array]] = OrderedDict()
        self._size = 0
        self._field_norms: dict[str, list[list[float]]] = {}
        self._seen: set = set()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._seen.clear()
            self._size = 0

    def get(self, key) -> tuple[array, array] | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def put(self, key, value: tuple[array, array]) -> None:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = value
                self._size += len(value[0])
                while self._size > self.budget and len(self._cache) > 1:
                    _, (ids, _) = self._cache.popitem(last=False)
                    self._size -= len(ids)

    def impacts(self, searcher, field: str, text: str) -> tuple[array, array]:
        key = (field, text)
        got = self.get(key)
        if got is None:
            got = self._read(searcher, field, text)
            self.put(key, got)
        return got

    def seen_before(self, key) -> bool:
        """True from the second time a key is asked about: merged lists and
        scored units are only built for what recurs (building costs more than
        one use saves)."""
        with self._lock:
            if key in self._seen:
                return True
            if len(self._seen) > 100_000:
                self._seen.clear()
            self._seen.add(key)
            return False

    def _norms(self, searcher, field: str) -> list[list[float]]:
        """Per segment, BM25's length part k1 × (1 − b + b × length / average)
        of every document, from the lengths Whoosh stores (one byte, decoded)."""
        norms = self._field_norms.get(field)
        if norms is None:
            r = self.ranking
            b = r.field_b.get(field, r.b)
            dc = searcher.doc_count_all()
            avgfl = (searcher.field_length(field) / dc if dc else 0) or 1
            norms = []
            for sub, _ in searcher.leaf_searchers():
                reader = sub.reader()
                norms.append([r.k1 * ((1 - b) + b * (reader.doc_field_length(d, field, 0) or 0) / avgfl)
                              for d in range(reader.doc_count_all())])
            self._field_norms[field] = norms
        return norms

    def _read(self, searcher, field: str, text: str) -> tuple[array, array]:
        n = searcher.doc_frequency(field, text)
        ids_out, imp_out = array("i"), array("d")
        if n == 0:
            return ids_out, imp_out
        dc = searcher.doc_count_all()
        c = log(1 + (dc - n + 0.5) / (n + 0.5)) * (self.ranking.k1 + 1)  # idf × (k1 + 1)
        all_norms = self._norms(searcher, field)
        for seg, (sub, offset) in enumerate(searcher.leaf_searchers()):
            try:
                m = sub.reader().postings(field, text)
            except TermNotFound:
                continue
            norms = all_norms[seg]
            for ids, tfs in _blocks(m):
                ids_out.extend([d + offset for d in ids] if offset else ids)
                imp_out.extend([c * tf / (tf + norms[d]) for d, tf in zip(ids, tfs)])
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


def _same_text_group(q) -> bool:
    """An Or of one text in several fields (query._or makes them)."""
    subs = q.subqueries
    return (type(q) is wq.Or and len(subs) > 1 and all(type(t) is wq.Term for t in subs)
            and len({t.text for t in subs}) == 1)


def _merged(q, searcher, postings: Postings) -> tuple[array, array, float] | None:
    """(ids, impacts, scale) of a same-text group: the fields' impacts summed
    by their relative boosts, cached under those ratios (the query-specific
    scale, from synonyms and units, is returned apart). None the first time a
    group is seen: the caller adds its terms one by one."""
    subs = q.subqueries
    base = subs[0].boost or 1.0
    key = (subs[0].text, tuple((t.fieldname, round(t.boost / base, 9)) for t in subs))
    got = postings.get(key)
    if got is None and not postings.seen_before(key):
        return None
    if got is None:
        acc: dict[int, float] = {}
        get = acc.get
        for t in subs:
            ratio = t.boost / base
            ids, imps = postings.impacts(searcher, t.fieldname, t.text)
            for d, imp in zip(ids, imps):
                acc[d] = get(d, 0.0) + ratio * imp
        order = sorted(acc)
        got = (array("i", order), array("d", (acc[d] for d in order)))
        postings.put(key, got)
    return got[0], got[1], base * q.boost


def dense_scores(q: wq.Query, searcher, postings: Postings) -> list[float]:
    """Score of every document number (0.0: no match) for a query tree."""
    acc = [0.0] * searcher.doc_count_all()
    _add(q, searcher, postings, acc, 1.0)
    return acc


def scores(q: wq.Query, searcher, postings: Postings) -> dict[int, float]:
    """Document number → score, matching documents only."""
    return {d: s for d, s in enumerate(dense_scores(q, searcher, postings)) if s}


def _parts(q, searcher, postings: Postings, mult: float):
    """(ids, impacts, weight) lists whose weighted sum is the score of `q`."""
    merged = _merged(q, searcher, postings) if type(q) is wq.Or and _same_text_group(q) else None
    if type(q) is wq.Term:
        ids, imps = postings.impacts(searcher, q.fieldname, q.text)
        yield ids, imps, mult * q.boost
    elif merged is not None:
        ids, imps, scale = merged
        yield ids, imps, mult * scale
    elif type(q) is wq.Or:
        for sub in q.subqueries:
            yield from _parts(sub, searcher, postings, mult * q.boost)
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return
    else:
        ids, imps = _vector(q, searcher, postings)
        yield ids, imps, mult


def _add(q, searcher, postings: Postings, acc: list[float], mult: float) -> None:
    """Add `mult` × the scores of `q` into the dense accumulator `acc` (the fast path for sums)."""
    for ids, imps, w in _parts(q, searcher, postings, mult):
        for d, imp in zip(ids, imps):
            acc[d] += w * imp


def _key(q) -> tuple:
    """A hashable description of a query tree, boosts included."""
    if type(q) is wq.Term:
        return (q.fieldname, q.text, q.boost)
    return (type(q).__name__, q.boost, tuple(_key(c) for c in q.children()))


def _vector(q, searcher, postings: Postings) -> tuple[array, array]:
    """(ids, scores) of a DisjunctionMax or And (a unit with synonyms), cached
    like postings: members' queries share their words, so a unit such as
    「スマホ」 with its synonyms is scored once per generation, not per query."""
    key = ("q", _key(q))
    got = postings.get(key)
    if got is None:
        scored = _eval(q, searcher, postings)
        if not postings.seen_before(key):
            return scored.keys(), scored.values()  # type: ignore[return-value]
        order = sorted(scored)
        got = (array("i", order), array("d", (scored[d] for d in order)))
        postings.put(key, got)
    return got


def _add_sparse(q, searcher, postings: Postings, acc: dict[int, float], mult: float) -> None:
    """As _add, into a dictionary (the parts of a DisjunctionMax match few documents)."""
    get = acc.get
    for ids, imps, w in _parts(q, searcher, postings, mult):
        for d, imp in zip(ids, imps):
            acc[d] = get(d, 0.0) + w * imp


def _eval(q, searcher, postings: Postings) -> dict[int, float]:
    """Scores of `q` as a sparse dictionary (for DisjunctionMax and And)."""
    if type(q) is wq.Term:
        ids, imps = postings.impacts(searcher, q.fieldname, q.text)
        w = q.boost
        return dict(zip(ids, map(w.__mul__, imps)))
    if type(q) is wq.Or:
        out: dict[int, float] = {}
        _add_sparse(q, searcher, postings, out, 1.0)
        return out
    if isinstance(q, wq.DisjunctionMax):
        if q.tiebreak:
            raise Unsupported("DisjunctionMax with tiebreak")
        parts = sorted((_eval(sub, searcher, postings) for sub in q.subqueries), key=len, reverse=True)
        if not parts:
            return {}
        out = dict(parts[0])
        get = out.get
        for part in parts[1:]:
            for d, s in part.items():
                if s > get(d, -1.0):
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
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return {}
    raise Unsupported(type(q).__name__)


def top(acc: list[float], limit: int, allow: set[int] | None = None) -> list[tuple[int, float]]:
    """The `limit` best matching (docnum, score) of dense scores, ties broken by
    the lower docnum (as Whoosh)."""
    docs = range(len(acc)) if allow is None else sorted(allow)
    best = heapq.nlargest(limit, docs, key=acc.__getitem__)  # stable: lower docnum first on ties
    return [(d, acc[d]) for d in best if acc[d] > 0]

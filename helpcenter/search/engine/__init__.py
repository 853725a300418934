"""The search engine of one index generation: `Engine`.

Data flows content → `engine.build` (at publish: Sudachi words, bigrams and
reading bigrams per field, BM25F impacts) → `engine.arrays` (plain numpy
files beside the Whoosh index, memory-mapped) → `Engine` (per generation,
opened once per process) → `engine.scoring` (a parsed query → a score per
entry). Every table that lives as long as the generation is a cached
property here (synonyms, spelling vocabulary, Latin words, find-as-you-type,
wizard terms, category masks) and so is the results cache: nothing is kept
in module globals, and a retired generation takes all of it with it.
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .. import coverage as C
from .. import fields as F
from .. import spelling
from ..analysis import is_japanese, synonym_groups
from ..analysis import words as analysed_words
from ..query import Parsed, SynonymTable, parse, unit_terms
from ..ranking import DEFAULT, Ranking
from ..typos import LatinWords
from ..vectors import WordVectors, mean_vector
from . import arrays, scoring

MAX_RESULTS = 100
NEVER = 2 ** 62  # an entry without `expires`


def dot_rows(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector without BLAS: OpenBLAS starts a thread per core for each
    product, and beside a server's own threads on a busy machine a 1,800 × 300
    product then took 2.4 ms instead of 0.03 (einsum's own loop: 0.1 ms)."""
    return np.einsum("ij,j->i", matrix, vector)


class LRU:
    """A small thread-safe LRU mapping (results and parses of one generation)."""

    def __init__(self, size: int):
        self.size = max(0, int(size))
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


class Engine:
    """Search over one generation's arrays. Thread-safe: arrays are read-only,
    tables are built once (cached_property; a rare double build is harmless)."""

    def __init__(self, path: Path, synonyms: list[list[str]], wizards: dict[str, Any], cache_size: int = 512):
        root = self.root = Path(path) / arrays.DIR
        self.kinds = {kind: arrays.read_kind(root, kind) for kind in F.KIND_FIELDS}
        self.entries: list[dict] = arrays.read_entries(root)
        self.n_docs = len(self.entries)
        self.numbers = np.array([e["number"] for e in self.entries], dtype=np.int64)
        # Scheduled publishing: visible from `published` until `expires`.
        self.published = np.array([e.get("published") or 0 for e in self.entries], dtype=np.int64)
        self.expires = np.array([e.get("expires") or NEVER for e in self.entries], dtype=np.int64)
        # Sorted Python ints: bisect is a tenth of np.searchsorted's call overhead on every search.
        self._changes = np.unique(np.concatenate([self.published, self.expires[self.expires < NEVER]])).tolist()
        # Every entry is visible from the last publication until the first expiry.
        self._all_visible = (int(self.published.max()), int(self.expires.min())) if self.n_docs else None
        self._synonym_groups = synonyms
        self._wizards = wizards
        self.results = LRU(cache_size)
        self._parses = LRU(4096)
        self._near = LRU(8192)
        self._same = LRU(8192)
        self._impacts: dict[tuple, dict[str, np.ndarray]] = {}
        self._last_impacts: tuple[Ranking, dict[str, np.ndarray]] | None = None
        self._masks: dict[str, np.ndarray] = {}
        self._doc_terms: dict[int, tuple[C.DocTerms, C.DocTerms]] = {}
        self.word_vectors = WordVectors.load(root / arrays.VECTORS_DIR)
        self.entry_vectors = (np.load(root / arrays.ENTRY_VECTORS, mmap_mode="r")
                              if self.word_vectors is not None else None)
        # The vector row of each words-kind term (-1: none), for soft query expansion.
        self.term_rows = (np.load(root / arrays.TERM_ROWS, mmap_mode="r")
                          if self.word_vectors is not None and (root / arrays.TERM_ROWS).is_file() else None)

    # --- term statistics ------------------------------------------------------
    def idf(self, df: int) -> float:
        return C.idf(df, max(1, self.n_docs))

    # --- scheduled publishing ---------------------------------------------------
    def visibility_key(self, now: float | None) -> int:
        """Changes exactly when the set of visible entries does (results cache key)."""
        return -1 if now is None else bisect_right(self._changes, now)

    def visible(self, now: float | None) -> np.ndarray | None:
        """Mask of the entries visible at `now`, or None when all are (or `now` is None: preview)."""
        if now is None or self._all_visible is None or self._all_visible[0] <= now < self._all_visible[1]:
            return None
        mask = (self.published <= now) & (self.expires > now)
        return None if mask.all() else mask

    def hidden_numbers(self, now: float | None) -> list[int]:
        mask = self.visible(now)
        return [] if mask is None else [int(n) for n in self.numbers[~mask]]

    # --- per-generation tables ------------------------------------------------
    @cached_property
    def synonyms(self) -> SynonymTable:
        return SynonymTable.from_groups(self._synonym_groups)

    @cached_property
    def synonym_terms(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], C.Variant, tuple[str, ...]]]:
        """Per word of the synonym groups (and per content word of one, which a
        synonym of several words counts apart): its word and bigram terms
        (query.unit_terms), its coverage variant and its content words
        (scoring.content_parts). A query's units carry a dozen alternatives
        from these groups, and each was analysed afresh for scoring and again
        for coverage."""
        table = {}
        for group in self.synonyms.groups:
            for text in group:
                for t in [text] + [w.surface for w in analysed_words(text) if w.content]:
                    if t not in table:
                        forms, grams = unit_terms(t)
                        table[t] = (tuple(forms), tuple(grams), C.variant(t), tuple(scoring.content_parts(t)))
        return table

    def _synonym_entry(self, text: str):
        # Only once prepare() has built the table (cached_property keeps it in
        # __dict__): a fresh worker's first query does not wait ~8 ms for it.
        table = self.__dict__.get("synonym_terms")
        return None if table is None else table.get(text)

    def unit_terms(self, text: str) -> tuple:
        """query.unit_terms(text), from the synonym table for its words."""
        got = self._synonym_entry(text)
        return unit_terms(text) if got is None else got[:2]

    def variant(self, text: str) -> C.Variant:
        """coverage.variant(text), from the synonym table for its words."""
        got = self._synonym_entry(text)
        return C.variant(text) if got is None else got[2]

    def content_parts(self, text: str) -> tuple[str, ...] | list[str]:
        """scoring.content_parts(text), from the synonym table for its words."""
        got = self._synonym_entry(text)
        return scoring.content_parts(text) if got is None else got[3]

    @cached_property
    def vocabulary(self) -> spelling.Vocabulary:
        return spelling.build_vocabulary(e["title"] + "\n" + "\n".join(e["aliases"]) for e in self.entries)

    @cached_property
    def latin(self) -> LatinWords:
        words = self.kinds[F.WORDS]
        counts = np.diff(words.indptr)
        return LatinWords((t, int(counts[i])) for i, t in enumerate(words.terms) if t[:1].isascii())

    @cached_property
    def suggestions(self):
        from ..suggest import SuggestTable

        return SuggestTable.from_entries(self.entries)

    @cached_property
    def wizard_terms(self) -> dict[str, C.DocTerms]:
        return {w.id: C.doc_terms(w.title, "\n".join(w.keywords), w.description) for w in self._wizards.values()}

    def doc_terms(self, doc) -> tuple[C.DocTerms, C.DocTerms]:
        """(all of it, question and aliases only) terms of a FaqDoc, for coverage."""
        got = self._doc_terms.get(doc.number)
        if got is None:
            aliases = "\n".join(doc.aliases)
            got = (C.doc_terms(doc.title, aliases, doc.plain), C.doc_terms(doc.title, aliases, ""))
            self._doc_terms[doc.number] = got
        return got

    def category_mask(self, slug: str) -> np.ndarray:
        mask = self._masks.get(slug)
        if mask is None:
            mask = np.array([slug in e["categories"] for e in self.entries], dtype=bool)
            self._masks[slug] = mask
        return mask

    def impacts(self, ranking: Ranking) -> dict[str, np.ndarray]:
        # The last ranking's by identity first: ranking.key() sorts every
        # stream (5 µs), and nearly every query comes with the same (frozen) one.
        last = self._last_impacts
        if last is not None and last[0] is ranking:
            return last[1]
        key = ranking.key()
        got = self._impacts.get(key)
        if got is None:
            got = {kind: ki.impacts_for(ranking) for kind, ki in self.kinds.items()}
            if len(self._impacts) > 4:
                self._impacts.clear()
            self._impacts[key] = got
        self._last_impacts = (ranking, got)
        return got

    # --- queries --------------------------------------------------------------
    def parse(self, text: str) -> Parsed:
        """A member's query parsed, with synonyms, and with words the index does
        not have but that sound like words of its questions respelled."""
        got = self._parses.get(text)
        if got is not None:
            return got
        parsed = parse(text, self.synonyms)
        if not parsed.empty and is_japanese(parsed.normalized):
            words, grams = self.kinds[F.WORDS], self.kinds[F.GRAMS]
            parsed = spelling.respell(parsed, lambda: self.vocabulary, lambda f: words.df(f) > 0,
                                      lambda g: grams.df(g) > 0)
        self._parses.put(text, parsed)
        return parsed

    def scores(self, parsed: Parsed, ranking: Ranking = DEFAULT) -> np.ndarray:
        impacts = self.impacts(ranking)
        finders = {kind: ki.finder(impacts[kind]) for kind, ki in self.kinds.items()}
        near = None
        if ranking.expansion > 0 and self.term_rows is not None:
            near = lambda form: self.neighbours(form, ranking.expansion_cos, ranking.expansion_terms)  # noqa: E731
        return scoring.scores(parsed, self.n_docs, finders, ranking, self.latin.corrections, near,
                              self.group_lookup(ranking), self.unit_terms, self.content_parts)

    @cached_property
    def sudachi_groups(self) -> dict[int, list[str]]:
        """SudachiDict synonym group id → the collection's words in it (from publish time)."""
        terms = self.kinds[F.WORDS].terms
        return {g: [terms[i] for i in ids] for g, ids in arrays.read_synonym_groups(self.root).items()}

    def group_lookup(self, ranking: Ranking) -> Callable[[str], list[str]] | None:
        """form → same_group(form) under `ranking`, or None when it does not
        use SudachiDict synonyms (what scoring and highlighting are given)."""
        if ranking.sudachi_synonym <= 0:
            return None
        return lambda form: self.same_group(form, ranking.sudachi_group_max)

    def same_group(self, form: str, most: int) -> list[str]:
        """The collection's words sharing a SudachiDict synonym group with `form`
        (a group with more than `most` of them is too broad to count)."""
        key = (form, most)
        got = self._same.get(key)
        if got is not None:
            return got
        out: list[str] = []
        for g in synonym_groups(form):
            members = self.sudachi_groups.get(g, ())
            if len(members) <= most:
                out.extend(t for t in members if t != form and t not in out)
        self._same.put(key, out)
        return out

    @cached_property
    def entry_matrix(self) -> np.ndarray:
        """The entries' vectors as float32 (float16 on disk halves the file, but
        numpy's float16 arithmetic is slow: 3.5 ms a query at 1,800 entries)."""
        return np.asarray(self.entry_vectors, dtype=np.float32)

    @cached_property
    def term_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(words-kind term ids, their unit vectors) of the collection's words that have one."""
        rows = np.asarray(self.term_rows)
        ids = np.flatnonzero(rows >= 0)
        return ids, np.asarray(self.word_vectors.table[rows[ids]], dtype=np.float32)  # only those rows, converted

    def neighbours(self, form: str, min_cos: float, limit: int) -> list[tuple[str, float]]:
        """The collection's words nearest to `form` (not itself), by cosine ≥ min_cos."""
        key = (form, min_cos, limit)
        got = self._near.get(key)
        if got is not None:
            return got
        out: list[tuple[str, float]] = []
        v = self.word_vectors.vector(form)
        ids, mat = self.term_vectors
        if v is not None and len(ids):
            cos = dot_rows(mat, v)
            k = min(limit + 1, len(cos))
            best = np.argpartition(-cos, k - 1)[:k]
            terms = self.kinds[F.WORDS].terms
            best = best[np.argsort(-cos[best], kind="stable")]
            out = [(terms[ids[i]], float(cos[i])) for i in best if cos[i] >= min_cos and terms[ids[i]] != form][:limit]
        self._near.put(key, out)
        return out

    def query_vector(self, parsed: Parsed) -> np.ndarray | None:
        """The idf-weighted mean vector of the query's content words (None
        without word vectors or when no word has one)."""
        if self.word_vectors is None:
            return None
        words = self.kinds[F.WORDS]
        weighted = []
        for unit in parsed.units:
            for w in analysed_words(unit.text):
                if w.content:
                    v = self.word_vectors.vector(w.form)
                    if v is not None:
                        weighted.append((v, self.idf(words.df(w.form))))
        return mean_vector(weighted, self.word_vectors.dim)

    def rank(self, parsed: Parsed, category: str | None = None, ranking: Ranking = DEFAULT,
             limit: int = MAX_RESULTS, now: float | None = None,
             units: "Sequence[C.QueryUnit] | None" = None) -> list[tuple[int, float]]:
        """(FAQ number, score) of the matching entries, best first, after
        the relative cut-off (an OR query matches almost everything faintly):
        the BM25 score, or with word vectors the fusion of both rankers
        (ranking.py) on BM25's scale, the first ones re-ordered by query
        coverage, so that scores and order always agree. `units`: the
        query's coverage units when the caller has them (coverage_units)."""
        if parsed.empty:
            return []
        acc = self.scores(parsed, ranking)
        mask = self.category_mask(category) if category else None
        shown = self.visible(now)
        if shown is not None:
            mask = shown if mask is None else mask & shown
        wanted = max(limit, ranking.coverage_candidates) if ranking.coverage > 0 else limit
        top = scoring.top(acc, wanted, mask)
        if top:
            floor = top[0][1] * ranking.min_relative
            top = [(i, s) for i, s in top if s >= floor]
        qv = self.query_vector(parsed) if ranking.vector_weight > 0 else None
        if qv is not None:
            top = self._fuse(acc, top, qv, mask, ranking)[:wanted]
        if ranking.coverage > 0 and len(top) > 1:
            top = self._by_coverage(top, self.coverage_units(parsed) if units is None else units, ranking)
        top = top[:limit]
        numbers = self.numbers[[i for i, _ in top]].tolist()
        return [(n, s) for n, (_, s) in zip(numbers, top)]

    def _fuse(self, acc: np.ndarray, top: list[tuple[int, float]], qv: np.ndarray, mask: np.ndarray | None,
              ranking: Ranking) -> list[tuple[int, float]]:
        cos = dot_rows(self.entry_matrix, qv)
        far = -np.where(mask, cos, -2) if mask is not None else -cos
        k = min(ranking.vector_candidates, len(far))
        near = np.argpartition(far, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        ids = np.union1d(np.array([i for i, _ in top], dtype=np.int64), near)
        best = float(acc.max() or 1.0)
        z = acc[ids] / best + ranking.vector_weight * (cos[ids] - cos.mean()) / ranking.vector_scale
        order = np.lexsort((ids, -z))
        # The fused score times the best BM25 score, not the BM25 score: what
        # ranks by score (the chatbot's re-ranking, an editor's "clearly
        # first") must see the order the vectors helped make (the chatbot
        # re-ranked by BM25 alone and undid it). Below 0 (far from the query
        # and barely matching) counts as 0.
        return [(int(ids[k]), max(float(z[k]), 0.0) * best) for k in order]

    def _by_coverage(self, top: list[tuple[int, float]], units: "Sequence[C.QueryUnit]",
                     ranking: Ranking) -> list[tuple[int, float]]:
        """The first coverage_candidates of `top` (entry id, score; best
        first) re-ordered by score / best + ranking.coverage × coverage, the
        new value times the best score: at least the old score, so the
        re-ordered entries stay above the rest."""
        n = min(ranking.coverage_candidates, len(top))
        best = top[0][1]
        if n < 2 or best <= 0 or not units:
            return top
        ids = np.array([i for i, _ in top[:n]], dtype=np.intp)
        z = np.array([s for _, s in top[:n]]) / best + ranking.coverage * self.coverage_of(units, ids)
        order = np.lexsort((np.arange(n), -z))  # ties keep the search's order
        return [(int(ids[k]), float(z[k]) * best) for k in order] + top[n:]

    def coverage_of(self, units: "Sequence[C.QueryUnit]", ids: np.ndarray) -> np.ndarray:
        """Query coverage of the entries `ids` from the index's postings
        (coverage.entries_coverage), the terms of each kind looked up at
        once (a query names about 100)."""
        slot = np.full(self.n_docs, -1, dtype=np.intp)
        slot[ids] = np.arange(len(ids))
        named: dict[str, set[str]] = {}
        for u in units:
            for v in u.variants:
                for kind, terms in v.by_kind():
                    named.setdefault(kind, set()).update(terms)
        presence = {kind: self._presence(kind, terms, ids, slot) for kind, terms in named.items()}
        return C.entries_coverage(units, presence, len(ids))

    def _presence(self, kind: str, terms: set[str], ids: np.ndarray, slot: np.ndarray) -> dict[str, np.ndarray]:
        """term → which of the entries `ids` have it (bool), for the terms
        of `kind` the index has. A term with a dense row (in 1/8 of the
        entries or more) is read there, the others from their postings, all
        gathered in one pass (slot: entry id → its position in ids, or -1)."""
        index = self.kinds[kind]
        out: dict[str, np.ndarray] = {}
        sparse: list[tuple[str, int]] = []
        dense, lookup = index.dense_terms, index.ids
        for term in terms:
            row = dense.get(term)
            if row is not None:
                out[term] = row[ids] > 0  # DEFAULT impacts: positive wherever the term is
            else:
                t = lookup.get(term)
                if t is not None:
                    sparse.append((term, t))
        if sparse:
            tids = np.array([t for _, t in sparse], dtype=np.intp)
            starts = index.indptr[tids]
            counts = index.indptr[tids + 1] - starts
            which = np.repeat(np.arange(len(tids)), counts)
            # Every posting of those terms: its offset within its term plus its term's start.
            at = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(starts, counts)
            pos = slot[index.docs[at]]
            hit = pos >= 0
            found = np.zeros((len(tids), len(ids)), dtype=bool)
            found[which[hit], pos[hit]] = True
            out.update((term, found[k]) for k, (term, _) in enumerate(sparse))
        return out

    def coverage_units(self, parsed: Parsed) -> list[C.QueryUnit]:
        """The query's units for coverage (see search.coverage), weighted by idf here."""
        words = self.kinds[F.WORDS]
        return C.query_units(parsed, words.df, self.n_docs, self.latin.corrections, self.variant)

    def prepare(self) -> None:
        """Build the tables the first searches and keystrokes would otherwise wait for."""
        for kind in self.kinds.values():
            kind.ids, kind.dense_terms  # noqa: B018 (builds the term → id and term → dense row tables)
        self.synonyms, self.synonym_terms, self.vocabulary, self.latin, self.suggestions, self.wizard_terms  # noqa: B018
        self.sudachi_groups  # noqa: B018
        if self.term_rows is not None:
            self.term_vectors  # noqa: B018
        if self.entry_vectors is not None:
            self.entry_matrix  # noqa: B018

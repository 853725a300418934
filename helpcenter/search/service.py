"""Search as the rest of the application sees it: `search()`, `suggest()` and
`wizard_matches()` over one index generation. No Flask here; the pages, the
JSON API and the chatbot all call these functions.

* Results are ranked by `query.build` + `ranking.Weighting`, run by
  `scorer` (same scores as Whoosh's matchers, a fraction of the time); at most
  MAX_RESULTS are listed, and entries scoring below `min_relative` of the best
  are left out (an OR query matches almost everything faintly).
* A per-process LRU cache keyed by (normalised query, category, page,
  per_page, generation) makes a repeated query cost a dictionary lookup; a new
  generation never sees old results. `set_cache_size()` (the web layer calls
  it with SEARCH_CACHE_SIZE) sizes it; 0 disables it.
* Per-generation data (synonym table, spelling vocabulary, wizard terms) is
  built on first use, or by `prepare()` in the background, and dropped with
  the generation. Find-as-you-type lives in `suggest` (re-exported here).
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from math import log
from typing import Any, Iterable

import numpy as np
from whoosh import query as wq

from ..pagination import Pagination, PageOutOfRange
from . import coverage as C
from . import fields as F
from . import scorer, spelling
from .analysis import bigrams, fold, is_japanese, words
from .highlight import make_excerpt
from .query import (SynonymTable, build, clean, corrections, did_you_mean, highlight_terms, normalized_query,
                    parse, Parsed)
from .ranking import DEFAULT, Ranking, Weighting
from .store import PerGeneration
from .suggest import suggest, suggest_table  # noqa: F401 (suggest: part of this API)

logger = logging.getLogger(__name__)

MAX_RESULTS = 100
EXCERPT_CHARS = 120


class UnknownCategory(ValueError):
    """The category filter names no category of this generation."""


@dataclass(frozen=True)
class Hit:
    number: int
    title: str
    url: str
    score: float
    excerpt: str       # plain text around the matched words
    excerpt_html: str  # the same, escaped, with <mark> around matched words
    categories: tuple[str, ...]  # the entry's own category slugs, primary first
    updated: int       # epoch seconds (UTC)
    published: int
    doc: dict          # all stored fields


@dataclass(frozen=True)
class SearchResult:
    query: str         # as typed, cleaned (no control characters, at most 200 characters)
    normalized: str    # the form it was searched and cached by
    total: int
    page: int
    pages: int
    per_page: int
    hits: tuple[Hit, ...]
    suggestion: str | None  # 「もしかして」: a corrected query, when this one found little


# --- the results cache --------------------------------------------------------

class _LRU:
    def __init__(self, size: int):
        self.size = size
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

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


_cache = _LRU(512)


def set_cache_size(size: int) -> None:
    _cache.size = max(0, int(size))
    if _cache.size == 0:
        _cache.clear()


def cache_stats() -> dict[str, int]:
    return {"size": _cache.size, "entries": len(_cache._data), "hits": _cache.hits, "misses": _cache.misses}


def clear_cache() -> None:
    _cache.clear()


# --- per-generation data ------------------------------------------------------

class _GenData:
    def __init__(self, gen):
        self.synonyms = SynonymTable.from_groups(gen.synonyms)
        self._wizards: list[tuple[Any, set[str], set[str]]] | None = None
        self._postings: dict[tuple, scorer.Postings] = {}
        self._categories: dict[str, set[int]] = {}
        self.df: dict[tuple[str, str], int] = {}
        self.lock = threading.Lock()

    def postings(self, ranking: Ranking) -> scorer.Postings:
        key = (ranking.k1, ranking.b, tuple(sorted(ranking.field_b.items())))
        p = self._postings.get(key)
        if p is None:
            with self.lock:
                p = self._postings.setdefault(key, scorer.Postings(ranking))
        return p

    def category_docs(self, searcher, slug: str) -> set[int]:
        docs = self._categories.get(slug)
        if docs is None:
            docs = set(searcher.docs_for_query(wq.Term(F.CATEGORIES, slug)))
            self._categories[slug] = docs
        return docs


_data = PerGeneration(_GenData)


def _build_vocabulary(gen) -> spelling.Vocabulary:
    return spelling.build_vocabulary(doc[F.TITLE] + "\n" + (doc.get(F.ALIASES) or "")
                                     for doc in gen.searcher().all_stored_fields())


# The spelling vocabulary of the questions and aliases. Its own PerGeneration
# (and lock): building takes a while (about 1 s at 10,000 entries), and
# searches must not wait on it for their other per-generation data.
vocabulary = PerGeneration(_build_vocabulary)


class SearcherLexicon:
    """The query builder's Lexicon over a Whoosh searcher. `df_cache` (one per
    generation) keeps document frequencies between queries: a query asks for a
    few hundred, at about 10 µs each from Whoosh."""

    def __init__(self, searcher, df_cache: dict | None = None):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.df = df_cache if df_cache is not None else {}

    def doc_count(self) -> int:
        return self.searcher.doc_count_all()

    def doc_frequency(self, field: str, text: str) -> int:
        key = (field, text)
        df = self.df.get(key)
        if df is None:
            df = self.searcher.doc_frequency(field, text)
            if len(self.df) > 200_000:  # bounded: a generation's vocabulary rarely comes near
                self.df.clear()
            self.df[key] = df
        return df

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int) -> Iterable[str]:
        return self.reader.terms_within(field, text, maxdist, prefix=prefix)


# --- search -------------------------------------------------------------------

def parse_query(gen, query: str) -> Parsed:
    """The member's query parsed, with synonyms, and with words the index does
    not have but that sound like words of its questions respelled (spelling)."""
    data = _data(gen)
    parsed = parse(query, data.synonyms)
    if parsed.empty or not is_japanese(parsed.normalized):
        return parsed
    lexicon = SearcherLexicon(gen.searcher(), data.df)

    def known_word(form: str) -> bool:
        return any(lexicon.doc_frequency(f, form) for f in F.WORD_FIELDS)

    def known_bigram(gram: str) -> bool:
        return any(lexicon.doc_frequency(f, gram) for f in (F.TITLE_NGRAMS, F.ALIASES_NGRAMS, F.BODY_NGRAMS))

    return spelling.respell(parsed, lambda: vocabulary(gen), known_word, known_bigram)


def rank(gen, parsed: Parsed, category: str | None = None, ranking: Ranking = DEFAULT,
         searcher=None, limit: int = MAX_RESULTS) -> list[tuple[int, float]]:
    """(docnum, score) of the matching entries, best first, after the relative cut-off."""
    if parsed.empty:
        return []
    searcher = searcher or gen.searcher()
    data = _data(gen)
    q = build(parsed, SearcherLexicon(searcher, data.df), ranking)
    if q is wq.NullQuery:
        return []
    try:
        acc = scorer.dense_scores(q, searcher, data.postings(ranking))
        top = scorer.top(acc, limit, data.category_docs(searcher, category) if category else None)
    except scorer.Unsupported:  # a query shape our scorer does not run: Whoosh's own matchers
        flt = wq.Term(F.CATEGORIES, category) if category else None
        results = searcher.search(q, limit=limit, filter=flt)
        top = [(docnum, score) for score, docnum in results.top_n]
    if not top:
        return []
    best = top[0][1]
    top = [(d, s) for d, s in top if s >= best * ranking.min_relative]
    if ranking.rerank_top > 1 and len(top) > 1 and (ranking.rerank_coverage or ranking.rerank_title):
        top = _rerank(gen, parsed, top, ranking, searcher)
    return top


_FULL: C.Groups = ((F.TITLE_WORDS, F.ALIASES_WORDS, F.BODY_WORDS), (F.TITLE_NGRAMS, F.ALIASES_NGRAMS, F.BODY_NGRAMS),
                   (F.READING,))
_QUESTION: C.Groups = ((F.TITLE_WORDS, F.ALIASES_WORDS), (F.TITLE_NGRAMS, F.ALIASES_NGRAMS), (F.READING,))


def _rerank(gen, parsed: Parsed, top: list[tuple[int, float]], ranking: Ranking, searcher) -> list[tuple[int, float]]:
    """The first `ranking.rerank_top` results re-ordered by coverage (see
    Ranking); the scores stay the search engine's."""
    units = coverage_units(gen, parsed, searcher)
    if not units:
        return top
    head = top[:ranking.rerank_top]
    docs = np.array([d for d, _ in head], dtype=np.int32)
    postings = _data(gen).postings(ranking)

    def ids(field: str, term: str) -> np.ndarray:
        return postings.impacts(searcher, field, term)[0]

    scores = np.array([s for _, s in head])
    full, question = C.index_coverage(units, docs, (_FULL, _QUESTION), ids)
    relevance = scores / scores[0] + ranking.rerank_coverage * full + ranking.rerank_title * question
    order = sorted(range(len(head)), key=lambda i: (-relevance[i], i))
    return [head[i] for i in order] + top[len(head):]


def coverage_units(gen, parsed: Parsed, searcher=None) -> list[C.QueryUnit]:
    """The query's units for coverage, each with its weight: idf in the index
    (floor MIN_WEIGHT), a fifth of it for units that do not name a topic; a
    misspelt Latin word also counts as its corrections."""
    if parsed.empty:
        return []
    searcher = searcher or gen.searcher()
    lexicon = SearcherLexicon(searcher, _data(gen).df)
    n_docs = max(1, lexicon.doc_count())

    def df(form: str) -> int:
        return max(lexicon.doc_frequency(field, form) for field in F.WORD_FIELDS)

    spans = C.topic_spans(parsed.normalized)
    out = []
    for u in parsed.units:
        variants = [C.variant(t) for t in (u.text, *u.alternatives)]
        for form in sorted(variants[0].forms):
            if form.isascii() and not df(form):  # a misspelt Latin word: its corrections too
                variants += [C.variant(c) for c in corrections(form, lexicon)[:2]]
        weight = max(C.unit_weight(variants, df, n_docs), C.MIN_WEIGHT)
        if not C.is_topical(u.start, u.text, spans):
            weight *= C.NON_TOPIC_FACTOR
        out.append(C.QueryUnit(u.text, weight, tuple(variants)))
    return out


def search(gen, query: str, page: int = 1, per_page: int = 10, category: str | None = None) -> SearchResult:
    """One page of results for a member's query (any string is safe).

    Raises PageOutOfRange for a page past the last (page 1 always exists) and
    UnknownCategory for a category slug the generation does not have.
    """
    if category and category not in gen.categories:
        raise UnknownCategory(category)
    if page < 1 or per_page < 1:
        raise PageOutOfRange(page)
    text = clean(query)
    norm = normalized_query(text)
    key = (norm, category or "", page, per_page, gen.uid)
    cached = _cache.get(key)
    if cached is not None:
        return cached if cached.query == text else replace(cached, query=text)
    parsed = parse_query(gen, text)
    ranked = rank(gen, parsed, category)
    pager = Pagination(len(ranked), page, per_page)  # raises PageOutOfRange
    searcher = gen.searcher()
    terms = highlight_terms(parsed)
    hits = tuple(_hit(searcher.stored_fields(docnum), score, terms)
                 for docnum, score in ranked[pager.offset:pager.offset + per_page])
    suggestion = _suggestion(gen, parsed, len(ranked), searcher)
    result = SearchResult(text, norm, len(ranked), page, pager.pages, per_page, hits, suggestion)
    _cache.put(key, result)
    return result


def _hit(doc: dict, score: float, terms: list[str]) -> Hit:
    ex = make_excerpt(doc.get(F.PLAIN, ""), terms, EXCERPT_CHARS)
    number = int(doc[F.NUMBER])
    return Hit(number=number, title=doc[F.TITLE], url=f"/faq/{number}", score=round(score, 4),
               excerpt=ex.text, excerpt_html=ex.html,
               categories=tuple(s for s in doc.get(F.CATEGORY_LIST, "").split(",") if s),
               updated=int(doc.get(F.UPDATED, 0)), published=int(doc.get(F.PUBLISHED, 0)), doc=doc)


def _suggestion(gen, parsed: Parsed, total: int, searcher) -> str | None:
    """「もしかして」: the query with misconverted Japanese words respelled
    (spelling) and Latin words the index does not know replaced by their
    closest index word. Results already include the corrections, so the link
    mostly tells the member how it is spelt."""
    if parsed.empty:
        return None
    typed = parsed.normalized
    if parsed.respelled:
        parsed = replace(parsed, text=parsed.respelled)
    fixed = did_you_mean(parsed, SearcherLexicon(searcher)) or parsed.respelled
    if fixed and normalized_query(fixed) != typed:
        return fixed
    return None


# prepare() reads the postings of this many most frequent terms per searched
# field: the long lists a fresh worker's first searches would otherwise decode
# (at 10,000 entries 0.65 s, ~1.8M postings; a fresh worker's first 100
# searches then had p99 16 ms instead of 46 ms).
WARM_TERMS = 300


def prepare(gen, ranking: Ranking = DEFAULT) -> None:
    """Build the per-generation data that the first searches and keystrokes
    would otherwise wait for: the spelling vocabulary, the find-as-you-type
    table and the postings of the most frequent terms (about 1.0, 0.6 and
    0.65 s at 10,000 entries). The web app runs this in a background thread
    when it opens a new generation."""
    try:
        d = _data(gen)
        vocabulary(gen)
        suggest_table(gen)
        searcher = gen.searcher()
        reader, postings = searcher.reader(), d.postings(ranking)
        for field in (*F.WORD_FIELDS, *F.NGRAM_FIELDS, F.READING):
            for _, term in reader.most_frequent_terms(field, number=WARM_TERMS):
                postings.impacts(searcher, field, term.decode("utf-8") if isinstance(term, bytes) else term)
    except Exception:  # a generation retired and closed meanwhile: its data is moot
        logger.debug("preparing %s failed", getattr(gen, "name", gen), exc_info=True)


# --- wizards ------------------------------------------------------------------

def _wizard_terms(gen) -> list[tuple[Any, set[str], set[str]]]:
    d = _data(gen)
    if d._wizards is None:
        rows = []
        for w in gen.wizards.values():
            text = "\n".join((w.title, w.description, *w.keywords))
            rows.append((w, {x.form for x in words(text) if x.content}, set(bigrams(text))))
        d._wizards = rows
    return d._wizards


def wizard_matches(gen, query: str, limit: int = 2, threshold: float = 0.5) -> list:
    """Wizards whose title, description and keywords cover the query well.

    Each query unit (a compound, a word or a synonym phrase) counts with its
    idf in the index, so words every entry has (2段階認証 here) decide little;
    a unit counts as covered when the wizard has one of its words, or, for
    compounds Sudachi keeps whole, all of its bigrams. A wizard is offered when
    covered units weigh at least `threshold` of the query.
    """
    parsed = parse_query(gen, query)
    if parsed.empty or not gen.wizards:
        return []
    searcher = gen.searcher()
    n_docs = max(1, searcher.doc_count_all())

    def idf(form: str) -> float:
        df = max(searcher.doc_frequency(F.BODY_WORDS, form), searcher.doc_frequency(F.TITLE_WORDS, form))
        return log(1 + (n_docs - df + 0.5) / (df + 0.5))

    units = []
    for u in parsed.units:
        alts = []
        for text in (u.text, *u.alternatives):
            forms = {x.form for x in words(text) if x.content}
            alts.append((forms, set(bigrams(text))))
        weight = max((idf(f) for forms, _ in alts for f in forms), default=0.5)
        units.append((weight, alts))
    total = sum(w for w, _ in units) or 1.0
    out = []
    for wizard, wforms, wgrams in _wizard_terms(gen):
        covered = sum(w for w, alts in units
                      if any(forms & wforms or (grams and grams <= wgrams) for forms, grams in alts))
        if covered / total >= threshold:
            out.append((covered / total, wizard))
    out.sort(key=lambda t: -t[0])
    return [w for _, w in out[:limit]]


def searcher_for(gen, ranking: Ranking):
    """A searcher with a non-default ranking (evaluation and tuning); close it after use."""
    return gen.index.searcher(weighting=Weighting(ranking))

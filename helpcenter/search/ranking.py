"""Ranking parameters and the scoring model: one place for every number that
decides the order of search results.

The defaults were tuned on eval/queries.jsonl and eval/long-queries.jsonl as
a whole (never per query); `helpcenter eval` measures them. Field weights are
keyed by the names in `fields`, so a renamed field cannot silently lose its
weight.

Scoring is BM25 per field, summed over fields (Whoosh's BM25F), but with the
Robertson–Spärck Jones idf `log(1 + (N - n + .5) / (n + .5))` instead of
Whoosh's `log(N / (n + 1)) + 1`: Whoosh's floor of 1 lets a word that is in
every entry (2段階認証 in a help center about it) outweigh the one rare word that
tells entries apart, which long questions suffer from most.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from math import log

from whoosh import scoring

from . import fields as F


def _default_weights() -> dict[str, float]:
    # A word of the question counts through three fields (words 1.5, bigrams
    # 0.75, reading 1.2), a word of the answer through two (words 2.0, bigrams
    # 0.4); the question is short (less length normalisation, b = 0.5) and its
    # per-field idf higher, so a match there outweighs one in the answer
    # (tests/test_search_service.py checks it on a small collection).
    return {
        F.TITLE_WORDS: 1.5, F.ALIASES_WORDS: 2.0, F.BODY_WORDS: 2.0, F.CATEGORY_WORDS: 0.33,
        F.TITLE_NGRAMS: 0.75, F.ALIASES_NGRAMS: 0.8, F.BODY_NGRAMS: 0.4,
        F.READING: 1.2,
    }


def _default_b() -> dict[str, float]:
    # Titles and aliases are short and similar in length: less length normalisation.
    return {F.TITLE_WORDS: 0.5, F.TITLE_NGRAMS: 0.5, F.ALIASES_WORDS: 0.5, F.ALIASES_NGRAMS: 0.5,
            F.READING: 0.5, F.CATEGORY_WORDS: 0.3}


@dataclass(frozen=True)
class Ranking:
    """Everything tunable about turning a query into an order of entries."""

    weights: dict[str, float] = field(default_factory=_default_weights)
    # BM25 saturation and length normalisation (per field where given).
    k1: float = 0.6
    b: float = 0.75
    field_b: dict[str, float] = field(default_factory=_default_b)
    # A synonym counts this much of the word the member typed.
    synonym: float = 0.8
    # A Latin word corrected by edit distance (Authenticater→authenticator).
    fuzzy: float = 0.7
    # Bigram and reading fields help short colloquial queries and hurt long
    # questions: their weight is multiplied by 1 / (1 + decay * extra words),
    # extra words being the query's content words beyond `short_words`.
    short_words: int = 3
    ngram_decay: float = 0.25
    # Terms that can add at most this share of the query's strongest term are
    # left out (see query._prune): speed on big collections, little effect on order.
    prune: float = 0.0
    # At most about this many postings are read per query (0: no limit); the
    # least telling terms go first. Keeps the slowest queries bounded.
    max_postings: int = 0
    # Results scoring below this share of the best one are not listed.
    min_relative: float = 0.2
    # With rerank_top > 1, the first rerank_top results are re-ordered by
    # score / best score + rerank_coverage × query coverage + rerank_title ×
    # coverage by the question and aliases alone (search.coverage; the
    # chatbot's re-ranking, with its weights). Off by default: it raised
    # ndcg@10 by up to 0.01 on three sets but added about 4 ms to the p99 of
    # an uncached query at 10,000 entries, which the speed aim cannot afford
    # (docs/search.md). `helpcenter eval --ranking '{"rerank_top": 10}'`.
    rerank_top: int = 0
    rerank_coverage: float = 0.5
    rerank_title: float = 1.0

    def with_(self, **changes) -> "Ranking":
        weights = {**self.weights, **changes.pop("weights", {})}
        field_b = {**self.field_b, **changes.pop("field_b", {})}
        return replace(self, weights=weights, field_b=field_b, **changes)


DEFAULT = Ranking()


class _Scorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf=1):
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        dc = parent.doc_count_all()
        self.idf = log(1 + (dc - n + 0.5) / (n + 0.5))


class Weighting(scoring.BM25F):
    """BM25F with a non-negative, floor-free idf (see the module docstring)."""

    def __init__(self, ranking: Ranking = DEFAULT):
        super().__init__(B=ranking.b, K1=ranking.k1,
                         **{f"{name}_B": value for name, value in ranking.field_b.items()})

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _Scorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, qf=qf)

"""Ranking parameters: one place for every number that decides the order of
search results. Pure data; `engine.bm25` turns it into impacts.

A *stream* is one BM25F score (Robertson & Zaragoza) over a group of text
fields of one kind of term (words, bigrams, reading bigrams): a term's
frequencies in the stream's fields are weighted, length-normalised per field
(b) and summed before one saturation (k1), with one idf over the stream.
The kinds' streams are then summed with their weights. Every impact is
computed once, when the index is published, for DEFAULT; another Ranking
(`helpcenter eval --ranking`, tuning) recomputes them in memory.

idf is Robertson–Spärck Jones, `log(1 + (N - n + .5) / (n + .5))`, never
negative and with no floor, so that a word every entry has (2段階認証 in a help
center about it) cannot outweigh the one rare word that tells entries apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from . import fields as F


@dataclass(frozen=True)
class Stream:
    """One BM25F score over some fields of one kind of term."""

    kind: str                       # fields.WORDS, GRAMS or READING_KIND
    weight: float                   # multiplies the stream's score
    fields: dict[str, float]        # field → weight of its term frequencies
    b: dict[str, float]             # field → length normalisation (0: none, 1: full)
    k1: float = 1.2                 # saturation


def _default_streams() -> dict[str, Stream]:
    # One stream per field (BM25 per field, summed with weights). First fitted
    # to eval/queries.jsonl and eval/long-queries.jsonl, then moved where the
    # LocalgovFAQ development half (fold A of its queries; docs/search.md)
    # gained without our sets or the chatbot's off-topic fallback losing: full
    # length normalisation and k1 0.9 on the question (a long question that
    # mentions a word in passing is not about it), the reading stream at 0.9.
    # More weight on the answer (2.5, k1 1.2) gained fold A another 0.01 but
    # brought answers that mention a word in passing into the chatbot's
    # first three (eval/off-topic.jsonl fell back 43/46).
    def single(kind: str, name: str, weight: float, b: float, k1: float = 0.6) -> Stream:
        return Stream(kind, weight, {name: 1.0}, {name: b}, k1=k1)

    return {
        F.TITLE_WORDS: single(F.WORDS, F.TITLE_WORDS, 1.5, 0.75, k1=0.9),
        F.ALIASES_WORDS: single(F.WORDS, F.ALIASES_WORDS, 2.0, 0.5),
        F.BODY_WORDS: single(F.WORDS, F.BODY_WORDS, 2.0, 0.75),
        F.CATEGORY_WORDS: single(F.WORDS, F.CATEGORY_WORDS, 0.33, 0.3),
        F.TITLE_NGRAMS: single(F.GRAMS, F.TITLE_NGRAMS, 0.75, 0.5),
        F.ALIASES_NGRAMS: single(F.GRAMS, F.ALIASES_NGRAMS, 0.8, 0.5),
        F.BODY_NGRAMS: single(F.GRAMS, F.BODY_NGRAMS, 0.4, 0.75),
        F.READING: single(F.READING_KIND, F.READING, 0.9, 0.5),
    }


@dataclass(frozen=True)
class Ranking:
    """Everything tunable about turning a query into an order of entries."""

    streams: dict[str, Stream] = field(default_factory=_default_streams)
    # A synonym from synonyms.yaml counts as much as the word the member
    # typed: editors listed it because it means the same.
    synonym: float = 1.0
    # A Latin word corrected by edit distance (Authenticater→authenticator).
    fuzzy: float = 0.7
    # Bigram and reading streams help short colloquial queries and add noise
    # to long questions: their weight is multiplied by 1 / (1 + decay * extra
    # words), extra words being the query's content words beyond `short_words`.
    short_words: int = 3
    ngram_decay: float = 0.25
    # With a value, the reading stream decays by its own rate instead of ngram_decay.
    reading_decay: float | None = None
    # With word vectors (search.vectors): the order is BM25 / best BM25 +
    # vector_weight × (cos − mean cos) / vector_scale over the lexical results
    # and the `vector_candidates` nearest entries. Lexical scores are taken
    # relative to the best (scale-free: BM25's size depends on the query and
    # the collection); cosines are scaled by a constant, not by their own
    # spread, so that in a collection whose entries are all about one thing
    # (ours: 61 entries on 2FA) the vectors, which cannot tell them apart, add
    # little, and in a broad one (a city's 1,800) they add much.
    vector_weight: float = 0.2
    vector_scale: float = 0.1
    vector_candidates: int = 20
    # Soft query expansion (with word vectors): each query word also matches
    # the collection's words nearest to it (cosine ≥ expansion_cos, at most
    # expansion_terms of them) at expansion × cosine of its own weight.
    expansion: float = 0.2
    expansion_cos: float = 0.5
    expansion_terms: int = 5
    # A query word also matches the collection's words in its SudachiDict
    # synonym groups (転居 = 引っ越し, 滞納 = 未納, 子ども = 児童), at this share of
    # its weight, each entry counting the best of them (as for neighbours). A
    # group with more than sudachi_group_max of the collection's words is too
    # broad to count. Lexical too: the dictionary ships with Sudachi.
    sudachi_synonym: float = 0.5
    sudachi_group_max: int = 8
    # Query coverage (search.coverage: the idf-weighted share of the query's
    # units an entry has) re-orders the first coverage_candidates results by
    # score / best score + coverage × coverage. BM25 adds up matches, so an
    # entry that says one of the query's words many times can outrank one
    # that says all of them; coverage rewards the entry that has them all.
    # 0.5, as the chatbot's re-ranking (chat.policy.RERANK_COVERAGE), was the
    # middle of the values that lifted LocalgovFAQ dev fold A, our sets and
    # the city together (docs/search.md, eighth step).
    coverage: float = 0.5
    coverage_candidates: int = 20
    # Results scoring below this share of the best one are not listed.
    min_relative: float = 0.2

    def with_(self, **changes: Any) -> "Ranking":
        """A copy with some values changed; `streams` may name a stream and
        only the values to change: {"words": {"k1": 1.2, "fields": {"title_words": 2}}}."""
        streams = dict(self.streams)
        for name, over in (changes.pop("streams", None) or {}).items():
            if not isinstance(over, dict):
                raise TypeError(f"stream {name!r}: expected an object")
            base = streams.get(name)
            if base is None:
                streams[name] = Stream(**over)
                continue
            over = dict(over)
            for key in ("fields", "b"):
                if key in over:
                    over[key] = {**getattr(base, key), **over[key]}
            streams[name] = replace(base, **over)
        for s in streams.values():
            unknown = [f for f in (*s.fields, *s.b) if F.FIELD_KIND.get(f) != s.kind]
            if unknown:
                raise ValueError(f"fields not of kind {s.kind!r}: {', '.join(unknown)}")
        return replace(self, streams=streams, **changes)

    def identity(self) -> tuple:
        """Every value of the ranking (to cache results per ranking)."""
        return (self.key(), *(getattr(self, f.name) for f in fields(self) if f.name != "streams"))

    def key(self) -> tuple:
        """What the impacts depend on (to cache them per ranking)."""
        return tuple(sorted((n, s.kind, s.weight, s.k1, tuple(sorted(s.fields.items())), tuple(sorted(s.b.items())))
                            for n, s in self.streams.items()))


DEFAULT = Ranking()

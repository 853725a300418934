"""Query coverage: how much of what the member asked about an FAQ entry talks about.

BM25 scores say which entries match *best*, not whether any matches *well*:
an off-topic message (「Netflixの解約方法」) still finds the entry sharing its
one common word. Coverage is the idf-weighted share of the query's units (the
search parser's compounds, words and synonym phrases) that occur in an entry:

    coverage = Σ weight(unit) · covered(unit, entry) / Σ weight(unit)

* weight: the unit's inverse document frequency in the index (the
  Robertson–Spärck Jones idf the ranking uses). A word the index has never
  seen (Netflix, 天気) gets the highest idf, so it must be covered for the
  query to count as answered; a word most entries have (方法) weighs little.
  A synonym phrase weighs as its most common known variant. The idf has a
  floor (MIN_WEIGHT), and units that do not name a topic (verbs, adverbs,
  pronouns, time words: 教えて, まだ, いつ) count NON_TOPIC_FACTOR of it.
* covered: the best of, over the unit and its synonyms, the share of its
  words the entry has, the share of its character bigrams the entry has, and
  for a kana-only unit (typed by reading, 「じゅうしょへんこう」) the share of its
  reading bigrams found in the reading of the entry's question and aliases.

What an entry (or a wizard) contains is a `DocTerms`: term sets from its
text, kept per generation by the engine. The chatbot and wizard matching
both measure with `coverage()`. Pure functions; the engine supplies the
document frequencies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from . import fields as F
from .analysis import bigrams, is_kana_text, is_noun, normalize, reading_bigrams, words
from .engine import bm25


@dataclass(frozen=True)
class Variant:
    """One way of saying a unit: as typed, a synonym, or a spelling correction."""

    forms: frozenset[str]     # Sudachi normalised forms of its content words
    grams: frozenset[str]     # character bigrams
    readings: frozenset[str]  # reading bigrams (kana-only units), else empty

    def by_kind(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Its terms per kind of term of the search index (fields.WORDS, GRAMS, READING_KIND)."""
        return (F.WORDS, self.forms), (F.GRAMS, self.grams), (F.READING_KIND, self.readings)


@dataclass(frozen=True)
class QueryUnit:
    text: str
    weight: float
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class DocTerms:
    """What an entry contains, for coverage: words and bigrams of its question,
    aliases and answer, and reading bigrams of its question and aliases."""

    forms: frozenset[str]
    grams: frozenset[str]
    readings: frozenset[str]


def idf(df: int, n_docs: int) -> float:
    return float(bm25.idf(df, n_docs))


def variant(text: str) -> Variant:
    ws = words(text)
    forms = {w.form for w in ws if w.content} or {w.form for w in ws if w.surface.strip()}
    readings = frozenset(reading_bigrams(text)) if is_kana_text(text.replace(" ", "")) else frozenset()
    return Variant(frozenset(forms), frozenset(bigrams(text)), readings)


def doc_terms(title: str, aliases: str, plain: str) -> DocTerms:
    text = "\n".join((title, aliases, plain))
    forms = {w.form for w in words(text) if w.content}
    readings = set(reading_bigrams(title + "\n" + aliases))
    return DocTerms(frozenset(forms), frozenset(bigrams(text)), frozenset(readings))


def unit_weight(variants: Iterable[Variant], df: Callable[[str], int], n_docs: int) -> float:
    """idf of the unit: of its most common variant the index knows (a variant
    counts by its rarest known word); the maximum when none is known."""
    known = []
    for v in variants:
        dfs = [df(f) for f in v.forms]
        dfs = [d for d in dfs if d > 0]
        if dfs:
            known.append(idf(min(dfs), n_docs))
    return min(known) if known else idf(0, n_docs)


def _share(part: frozenset[str], whole: frozenset[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def unit_covered(unit: QueryUnit, doc: DocTerms) -> float:
    best = 0.0
    for v in unit.variants:
        best = max(best, _share(v.forms, doc.forms), _share(v.grams, doc.grams), _share(v.readings, doc.readings))
        if best >= 1.0:
            break
    return best


def topic_evidence(units: Iterable[QueryUnit], doc: DocTerms) -> float:
    """Σ weight · covered over the units that name a topic: how much specific
    content the message and the entry share, however much else the message
    says (coverage is the share; a long message full of circumstances can
    share a lot and still have a low share)."""
    return sum(u.weight * unit_covered(u, doc) for u in units if u.weight >= MIN_WEIGHT)


def unit_named(unit: QueryUnit, doc: DocTerms) -> bool:
    """The text names the unit outright: one of its words, or all of its
    bigrams (compounds Sudachi keeps whole), for one of its variants."""
    return any(v.forms & doc.forms or (v.grams and v.grams <= doc.grams) for v in unit.variants)


def named_share(units: Iterable[QueryUnit], doc: DocTerms) -> float:
    """The weighted share of units the text names outright (wizard matching:
    a wizard's short title, description and keywords must name what the
    member asks about; partial bigram overlap is not enough)."""
    units = list(units)
    total = sum(u.weight for u in units)
    return sum(u.weight for u in units if unit_named(u, doc)) / total if total > 0 else 0.0


def coverage(units: Iterable[QueryUnit], doc: DocTerms) -> float:
    units = list(units)
    total = sum(u.weight for u in units)
    if total <= 0:
        return 0.0
    return sum(u.weight * unit_covered(u, doc) for u in units) / total


# kind (fields.WORDS, GRAMS, READING_KIND) → term → which of several entries have it.
Presence = Mapping[str, Mapping[str, np.ndarray]]


def entries_coverage(units: Sequence[QueryUnit], presence: Presence, size: int) -> np.ndarray:
    """coverage() of `size` entries at once from the search index's terms
    (`presence`, from the engine's postings) instead of DocTerms: the same
    measure, except that an answer's bigrams are those the index keeps, of
    its longer words (fields.BODY_NGRAMS), not of every character. For
    re-ranking a page of results without analysing their text. In arrays:
    one row of shares per unit, variant and kind of term, the best row of
    each unit, weighted (a loop of small numpy calls per share was most of
    the 0.5 ms this took a query at 10,000 entries)."""
    total = sum(u.weight for u in units)
    if total <= 0 or not size:
        return np.zeros(size)
    rows: list[np.ndarray] = []   # the presence of each term found
    row_of: list[int] = []        # … and the share it counts towards
    counts: list[int] = []        # terms per share
    starts: list[int] = []        # each unit's first share
    for u in units:
        starts.append(len(counts))
        for v in u.variants:
            for kind, terms in v.by_kind():
                if terms:
                    known = presence.get(kind, {})
                    for term in terms:
                        found = known.get(term)
                        if found is not None:
                            rows.append(found)
                            row_of.append(len(counts))
                    counts.append(len(terms))
        if len(counts) == starts[-1]:
            counts.append(1)  # a unit with no term at all covers nothing: a row of zeros
    # share = Σ of its terms' presence / its count: (shares × terms) @ (terms × entries)
    part = np.zeros((len(counts), len(rows)))
    part[row_of, np.arange(len(rows))] = 1.0 / np.array(counts, dtype=float)[row_of]
    shares = part @ np.array(rows, dtype=float) if rows else np.zeros((len(counts), size))
    best = np.maximum.reduceat(shares, starts, axis=0)
    return np.array([u.weight for u in units]) @ best / total


# --- which units name a topic -------------------------------------------------
# Nouns name what a question is about (天気, Netflix, パスワード); verbs,
# adjectives, adverbs, pronouns and time words (教えて, まだ, いつ, 今) say
# what the member wants to know or when, and vary freely. A unit the index
# does not have counts fully against coverage only when it names a topic.
NON_TOPIC_FACTOR = 0.2
# idf has a floor so that the words a whole help center is about (2段階認証 in
# ours) still count for something when covered.
MIN_WEIGHT = 1.5

_LATIN = re.compile(r"[a-z0-9][a-z0-9 .'+-]*")


def _tokenizer():
    # The search analyzer's per-thread tokenizer: one Sudachi dictionary per
    # process (~100 MB), not two.
    from ..search.analysis import sudachi

    return sudachi()


# Nouns that set the scene rather than name the topic: who is involved (母が…,
# 夫が…) and the light nouns of how people talk (…はずなのに, …気がします,
# …だめですか, 違いがわかりません). Any service's members write them; an FAQ
# answer rarely has them, so as topics they would turn answerable messages
# into fallbacks. Place names (東京から引っ越してきた) likewise. So are the nouns
# that say only that something went wrong (…のにエラー, 不具合, トラブル): the
# topic is what failed, which the rest of the message names.
CONTEXT_NOUNS = frozenset({
    "エラー", "不具合", "トラブル", "問題",
    "母", "父", "夫", "妻", "息子", "娘", "祖母", "祖父", "兄", "姉", "弟", "妹", "親", "両親", "家族",
    "主人", "旦那", "嫁", "自分", "友人", "友達", "知人", "孫", "子", "本人",
    "はず", "気", "だめ", "駄目", "違い", "予定", "感じ", "状態", "前", "後", "先日", "最近", "今回", "以前",
    "ところ", "所", "わけ", "訳", "つもり", "まま", "ほう", "方", "際", "間", "中", "他", "ほか",
})


def topic_spans(normalized: str) -> list[tuple[int, int]]:
    """(start, end) of the words of normalised text that name a topic: common
    and proper nouns other than adverbial ones (今, 来週), place names and
    CONTEXT_NOUNS, and Latin words."""
    if not normalized.strip():
        return []
    text = normalized[:2000]
    if normalize(text) == text:
        # words() gives the very tokens tokenize() would (text this short is one
        # chunk), and for a query the analysis its parse has just made (cached)
        # instead of a second Sudachi pass: a tenth of an uncached query's time.
        return [(w.start, w.start + len(w.surface)) for w in words(text)
                if w.noun and w.surface not in CONTEXT_NOUNS or _LATIN.fullmatch(w.surface)]
    out = []
    for m in _tokenizer().tokenize(text):
        surface = m.surface()
        if is_noun(m) and surface not in CONTEXT_NOUNS or _LATIN.fullmatch(surface):
            out.append((m.begin(), m.end()))
    return out


def is_topical(start: int, text: str, spans: list[tuple[int, int]]) -> bool:
    end = start + len(text)
    return any(s < end and start < e for s, e in spans) or bool(_LATIN.fullmatch(text))


# --- the query's units ----------------------------------------------------------

def query_units(parsed, df: Callable[[str], int], n_docs: int,
                corrections: Callable[[str], list[str]] = lambda w: [],
                variant: Callable[[str], Variant] = variant) -> list[QueryUnit]:
    """The parsed query's units for coverage, each with its weight: idf in the
    index (floor MIN_WEIGHT), NON_TOPIC_FACTOR of it for units that do not name
    a topic; a misspelt Latin word also counts as its corrections. `variant`:
    the function above, or the engine's table of it for the synonyms' words."""
    if parsed.empty:
        return []
    n_docs = max(1, n_docs)
    spans = topic_spans(parsed.normalized)
    out = []
    for u in parsed.units:
        variants = [variant(t) for t in (u.text, *u.alternatives)]
        for form in sorted(variants[0].forms):
            if form.isascii() and not df(form):
                variants += [variant(c) for c in corrections(form)[:2]]
        weight = max(unit_weight(variants, df, n_docs), MIN_WEIGHT)
        if not is_topical(u.start, u.text, spans):
            weight *= NON_TOPIC_FACTOR
        out.append(QueryUnit(u.text, weight, tuple(variants)))
    return out

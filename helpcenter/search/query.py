"""A member's query → a Whoosh query object. Pure: no Flask, no open index.

Members' text is never parsed as Whoosh query syntax: `parse()` cleans and
normalises it and splits it into *units* (a noun compound such as 2段階認証, a
verb, or a phrase from synonyms.yaml), and `build()` turns each unit into term
queries on the word, bigram and reading fields, weighted by `ranking.Ranking`.

* Units are OR-ed: colloquial queries carry words no entry has (って, 出る).
* A unit found in synonyms.yaml becomes a DisjunctionMax of its alternatives,
  the member's own word at full weight and the others at `ranking.synonym`, so
  that an entry saying both スマホ and スマートフォン is not counted twice.
* Latin words unknown to the index are corrected by edit distance against the
  word fields (Authenticater → authenticator) at `ranking.fuzzy`.
* Term statistics come from a `Lexicon` (the searcher in production, a fake
  in tests): terms the index lacks are left out, and with `ranking.prune` /
  `ranking.max_postings` so are terms too common to matter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from math import log
from typing import Iterable, Protocol, Sequence

from whoosh import query as wq

from . import fields as F
from .analysis import Word, bigrams, fold, is_japanese, kata_to_hira, normalize, reading_bigrams, words
from .ranking import DEFAULT, Ranking

MAX_QUERY_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9'.-]*$")
# Latin words with digits in them (they need letters and digits).
_MIXED_RUN = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+(?![a-z0-9])")
# Noun-like parts of speech that join into one compound unit (2 + 段階 + 認証).
_COMPOUND_POS = {"名詞", "接尾辞", "接頭辞"}


class Lexicon(Protocol):
    """Term statistics of an index, as the query builder needs them."""

    def doc_count(self) -> int: ...

    def doc_frequency(self, field: str, text: str) -> int: ...

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int) -> Iterable[str]: ...


def clean(raw: str | None) -> str:
    """The query as shown back to the member: no control characters or lone
    surrogates, whitespace collapsed, at most MAX_QUERY_CHARS characters."""
    if not raw:
        return ""
    if any("\ud800" <= ch <= "\udfff" for ch in raw):
        raw = raw.encode("utf-8", "replace").decode("utf-8")
    raw = _CONTROL.sub(" ", raw[:MAX_QUERY_CHARS * 4])
    return " ".join(raw.split())[:MAX_QUERY_CHARS]


def normalized_query(raw: str | None) -> str:
    """The key a query is cached and compared by."""
    return " ".join(normalize(clean(raw)).split())


# --- synonyms -----------------------------------------------------------------

@dataclass(frozen=True, eq=False)  # compared by identity: tables are cached per synonyms list
class SynonymTable:
    """Groups of words from synonyms.yaml, folded (normalize + hiragana) for matching.

    A word may be in several groups (its alternatives are all of theirs). Each
    Japanese word is also found by its reading, so that members typing in
    hiragana (きしゅへん, にんしょうあぷり) get the same alternatives."""

    groups: tuple[tuple[str, ...], ...]     # normalised words of each group
    index: dict[str, tuple[int, ...]]       # folded word or reading → groups
    longest: int

    @classmethod
    def from_groups(cls, groups: Sequence[Sequence[str]]) -> "SynonymTable":
        return _table(tuple(tuple(g) for g in groups))

    def find(self, norm: str, bounds: set[int] | None = None) -> list[tuple[int, int, tuple[int, ...]]]:
        """(start, end, groups) of synonym words in normalised text, longest first,
        left to right. With `bounds` (offsets where words start or end), a match
        must begin and end on them: パス must not match inside パスポート."""
        folded = kata_to_hira(norm)
        out = []
        i = 0
        while i < len(folded):
            if bounds is None or i in bounds:
                for j in range(min(len(folded), i + self.longest), i, -1):
                    g = self.index.get(folded[i:j])
                    if g is not None and _word_boundary(folded, i, j) and (bounds is None or j in bounds):
                        out.append((i, j, g))
                        i = j
                        break
                else:
                    i += 1
                continue
            i += 1
        return out

    def alternatives(self, groups: tuple[int, ...], typed: str) -> tuple[str, ...]:
        # すまほ keeps スマホ as an alternative: the word fields hold Sudachi's
        # katakana form, which the hiragana does not match.
        return tuple(dict.fromkeys(w for g in groups for w in self.groups[g] if w != typed))


@lru_cache(maxsize=16)
def _table(groups: tuple[tuple[str, ...], ...]) -> SynonymTable:
    index: dict[str, list[int]] = {}
    norm_groups = []
    for g in groups:
        seen: list[str] = []
        for w in g:
            n = " ".join(normalize(w).split())
            if n and n not in seen:
                seen.append(n)
        gi = len(norm_groups)
        norm_groups.append(tuple(seen))
        for n in seen:
            keys = {kata_to_hira(n)}
            if is_japanese(n):
                r = "".join(x.reading for x in words(n))
                if len(r) >= 3 and is_japanese(r):
                    keys.add(r)
            for key in keys:
                if gi not in index.setdefault(key, []):
                    index[key].append(gi)
    return SynonymTable(tuple(norm_groups), {k: tuple(v) for k, v in index.items()},
                        max((len(k) for k in index), default=0))


EMPTY_SYNONYMS = SynonymTable((), {}, 0)


def _word_boundary(text: str, i: int, j: int) -> bool:
    """Latin synonyms only as whole words: PW must not match inside pwd."""
    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()
    if latin(text[i]) and i > 0 and latin(text[i - 1]):
        return False
    if latin(text[j - 1]) and j < len(text) and latin(text[j]):
        return False
    return True


# --- parsing ------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """One thing the member asked about: a compound, a word or a synonym phrase."""

    text: str                         # normalised, as typed
    alternatives: tuple[str, ...] = ()  # normalised synonyms (not including text)
    start: int = 0
    synonym: bool = False             # found in synonyms.yaml: its words only count together


@dataclass(frozen=True)
class Parsed:
    text: str          # cleaned, as typed (shown back)
    normalized: str    # normalize(text), whitespace collapsed
    units: tuple[Unit, ...]
    content_words: int  # number of content words: how "long" the query is
    respelled: str | None = None  # the query with misconverted words corrected (spelling.respell)

    @property
    def empty(self) -> bool:
        return not self.units


def parse(raw: str | None, synonyms: SynonymTable = EMPTY_SYNONYMS) -> Parsed:
    text = clean(raw)
    norm = " ".join(normalize(text).split())
    return _parse(text, norm, synonyms)


@lru_cache(maxsize=4096)
def _parse(text: str, norm: str, synonyms: SynonymTable) -> Parsed:
    toks = words(norm)
    bounds = {w.start for w in toks} | {w.start + len(w.surface) for w in toks}
    spans = synonyms.find(norm, bounds)
    units: list[Unit] = []
    for s, e, g in spans:
        typed = norm[s:e]
        units.append(Unit(typed, synonyms.alternatives(g, typed), s, synonym=True))
    # A Latin word with digits (iphone15, zqx58b3b) is one unit: Sudachi's
    # pieces of it (58, 3, b) would match any entry with those numbers.
    for m in _MIXED_RUN.finditer(norm):
        if m.start() in bounds and m.end() in bounds and not any(s < m.end() and m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), ()))
            units.append(Unit(m.group(0), (), m.start()))
    run: list[Word] = []

    def flush():
        if run:
            units.append(Unit("".join(w.surface for w in run), (), run[0].start))
            run.clear()

    for w in toks:
        end = w.start + len(w.surface)
        if any(s < end and w.start < e for s, e, _ in spans) or not w.content:
            flush()
            continue
        if not is_japanese(w.surface) and not w.surface.isalnum():
            flush()
            continue
        joinable = w.pos in _COMPOUND_POS
        if run and joinable and run[-1].pos in _COMPOUND_POS and run[-1].start + len(run[-1].surface) == w.start:
            run.append(w)
            continue
        flush()
        run.append(w)
        if not joinable:
            flush()
    flush()
    # Nothing but particles and stop words (「どうしたらいい？」): search them all
    # rather than nothing, so that the member still sees something.
    if not units:
        units = [Unit(w.surface, (), w.start) for w in toks
                 if w.surface.strip() and (is_japanese(w.surface) or w.surface.isalnum())]
    units.sort(key=lambda u: u.start)
    content = sum(1 for w in toks if w.content)
    return Parsed(text, norm, tuple(units), content)


# --- building the Whoosh query ------------------------------------------------

def unit_terms(text: str) -> tuple[list[str], list[str]]:
    """(word terms, bigram terms) of a unit's text."""
    if _MIXED_RUN.fullmatch(text):
        # The whole word, and its alphabetic pieces of 3+ letters (iphone15 → iphone).
        return _unique([text] + [w.form for w in words(text) if w.form.isalpha() and len(w.form) >= 3]), [text]
    ws = words(text)
    forms = [w.form for w in ws if w.content] or [w.form for w in ws if w.surface.strip()
                                                  and (is_japanese(w.surface) or w.surface.isalnum())]
    return _unique(forms), _unique(bigrams(text))


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def length_factor(parsed: Parsed, ranking: Ranking) -> float:
    """Weight of the bigram and reading fields for a query this long: they help
    short colloquial queries and add noise to long questions."""
    extra = max(0, parsed.content_words - ranking.short_words)
    return 1.0 / (1.0 + ranking.ngram_decay * extra)


def build(parsed: Parsed, lexicon: Lexicon, ranking: Ranking = DEFAULT) -> wq.Query:
    """The Whoosh query for a parsed member query (NullQuery when nothing to search).

    Shape: Or(unit, …, reading, fuzzy), where a unit is Or(word and bigram
    terms) or, with synonyms, DisjunctionMax(Or(…) per alternative), and the
    terms of one text in several fields are grouped as Or(fields)."""
    if parsed.empty:
        return wq.NullQuery
    lexicon = _Memo(lexicon)
    n_docs = max(1, lexicon.doc_count())
    factor = length_factor(parsed, ranking)
    clauses: list[wq.Query] = []
    for unit in parsed.units:
        alts = [(unit.text, 1.0)] + [(a, ranking.synonym) for a in unit.alternatives]
        queries = [q for q in (_text_query(text, weight, lexicon, factor, ranking, require_all=unit.synonym)
                               for text, weight in alts) if q is not None]
        if len(queries) == 1:
            clauses.append(queries[0])
        elif queries:
            clauses.append(wq.DisjunctionMax(queries))
    for extra in (_reading_query(parsed, lexicon, ranking.weights.get(F.READING, 0) * factor),
                  _fuzzy_query(parsed, lexicon, ranking)):
        if extra is not None:
            clauses.append(extra)
    if not clauses:
        return wq.NullQuery
    q = clauses[0] if len(clauses) == 1 else wq.Or(clauses)
    if ranking.prune > 0 or ranking.max_postings:
        q = _prune(q, lexicon, n_docs, ranking)
    return q


class _Memo:
    """A Lexicon that asks the real one once per term."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.df: dict[tuple[str, str], int] = {}

    def doc_count(self) -> int:
        return self.lexicon.doc_count()

    def doc_frequency(self, field: str, text: str) -> int:
        key = (field, text)
        if key not in self.df:
            self.df[key] = self.lexicon.doc_frequency(field, text)
        return self.df[key]

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int) -> Iterable[str]:
        return self.lexicon.terms_within(field, text, maxdist, prefix)


def _terms(pairs: list[tuple[str, str, float]], lexicon: Lexicon) -> list[wq.Term]:
    """Term queries for (field, text, boost), leaving out terms the index does not have."""
    return [wq.Term(field, text, boost=boost) for field, text, boost in pairs
            if boost > 0 and lexicon.doc_frequency(field, text)]


def _text_query(text: str, weight: float, lexicon: Lexicon, factor: float, ranking: Ranking,
                require_all: bool = False) -> wq.Query | None:
    """Terms of one unit or synonym. With `require_all` (a synonym of several
    words, アカウント削除) every word must match: a part alone (アカウント) is
    not the synonym."""
    if require_all:
        parts = [w for w in words(text) if w.content]
        if len(parts) > 1:
            clauses = [_text_query(w.surface, weight, lexicon, factor, ranking) for w in parts]
            if any(c is None for c in clauses):
                return None
            # The mean of the words, so that a synonym of several words does not
            # outweigh a one-word one.
            return wq.And(clauses, boost=1.0 / len(clauses))
    forms, grams = unit_terms(text)
    w = ranking.weights
    pairs = [(f, t, w.get(f, 0) * weight) for t in forms for f in F.WORD_FIELDS]
    if factor > 0.05:
        pairs += [(f, g, w.get(f, 0) * weight * factor) for g in grams for f in F.NGRAM_FIELDS]
    terms = _terms(pairs, lexicon)
    return _or(terms) if terms else None


def _or(terms: list[wq.Term], scale: float = 1.0) -> wq.Query:
    """Sum of terms, scaled, with the terms of one text in several fields
    grouped as Or(fields) (the scorer reads such a group as one merged posting
    list). Whoosh ignores the boost of a compound query with a single child,
    so a lone child carries the scale itself."""
    groups: dict[str, list[wq.Term]] = {}
    for t in terms:
        groups.setdefault(t.text, []).append(t)
    children = [g[0] if len(g) == 1 else wq.Or(g) for g in groups.values()]
    if len(children) == 1:
        return _scaled(children[0], scale)
    return wq.Or(children, boost=scale)


def _scaled(q: wq.Query, factor: float) -> wq.Query:
    """`q` with its score multiplied by `factor`."""
    if factor == 1.0:
        return q
    if isinstance(q, wq.Term):
        return wq.Term(q.fieldname, q.text, boost=q.boost * factor)
    return type(q)(list(q.subqueries), boost=q.boost * factor)


def _reading_query(parsed: Parsed, lexicon: Lexicon, weight: float) -> wq.Query | None:
    """Bigrams of the reading of the whole query, particles included, against
    the reading of titles and aliases: finds what was typed in kana
    (にだんかいにんしょう, じゅうしょへんこう), and rewards entries whose question
    sounds like the query."""
    if weight <= 0.05:
        return None
    # Digits inside Latin words (zqx58b3b) would be read ごじゅうはち: leave those words out.
    grams = _unique(reading_bigrams(_MIXED_RUN.sub(" ", parsed.normalized)))
    terms = _terms([(F.READING, g, weight) for g in grams], lexicon)
    return _or(terms) if terms else None


# --- leaving out terms that cannot matter -------------------------------------

def term_bound(term: wq.Term, lexicon: Lexicon, n_docs: int, ranking: Ranking) -> float:
    """The most a term can add to a score, before the boosts of its parents:
    idf × (k1 + 1) × boost (BM25's term-frequency part never exceeds k1 + 1)."""
    df = lexicon.doc_frequency(term.fieldname, term.text)
    idf = log(1 + (n_docs - df + 0.5) / (df + 0.5))
    return idf * (ranking.k1 + 1) * term.boost


def _prune(q: wq.Query, lexicon: Lexicon, n_docs: int, ranking: Ranking) -> wq.Query:
    """Leave out terms that can add at most `ranking.prune` of what the most
    telling term of the query can, and, with `ranking.max_postings`, the least
    telling terms beyond that many postings. In a big collection the common
    bigrams and words of a query (認証, コー, ーど) each touch most entries for
    a few hundredths of a point; fewer postings to read, nearly the same order."""
    found: list[tuple[float, int]] = []  # (bound, postings) of every term

    def collect(node, mult):
        if isinstance(node, wq.Term):
            found.append((mult * term_bound(node, lexicon, n_docs, ranking),
                           lexicon.doc_frequency(node.fieldname, node.text)))
        else:
            for child in node.children():
                collect(child, mult * node.boost)

    collect(q, 1.0)
    if not found:
        return q
    strongest = max(b for b, _ in found)
    floor = strongest * ranking.prune
    if ranking.max_postings:
        spent = 0
        for bound, cost in sorted(found, reverse=True):
            spent += cost
            if spent > ranking.max_postings and bound < strongest:
                floor = max(floor, bound * 1.000001)
                break

    def rebuild(node, mult):
        if isinstance(node, wq.Term):
            return node if mult * term_bound(node, lexicon, n_docs, ranking) >= floor else None
        kept = [c for c in (rebuild(child, mult * node.boost) for child in node.children()) if c is not None]
        if not kept:
            return None
        if isinstance(node, wq.And):
            # A synonym of several words needs them all: keep it whole or not at all.
            return node if len(kept) == len(node.subqueries) else None
        if len(kept) == 1 and not isinstance(node, wq.DisjunctionMax):
            return _scaled(kept[0], node.boost)
        return type(node)(kept, boost=node.boost)

    return rebuild(q, 1.0) or q


# --- Latin typos ---------------------------------------------------------------

def latin_words(parsed: Parsed) -> list[str]:
    return _unique(t for t in re.findall(r"[a-z][a-z0-9'.-]*", parsed.normalized) if len(t) >= 3)


def corrections(word: str, lexicon: Lexicon) -> list[str]:
    """Index words one or two edits from an unknown Latin word, most frequent first.

    One edit for words of 3–7 letters, two for longer ones (as Elasticsearch's
    AUTO fuzziness); the first letter must match (prefix 1) to keep it fast
    and sane, two letters for words of 6+ letters.
    """
    if not _LATIN_WORD.match(word) or len(word) < 3:
        return []
    if any(lexicon.doc_frequency(f, word) for f in F.WORD_FIELDS):
        return []
    maxdist = 1 if len(word) < 8 else 2
    prefix = 1 if len(word) < 6 else 2
    found: dict[str, int] = {}
    for f in F.WORD_FIELDS:
        for cand in lexicon.terms_within(f, word, maxdist, prefix):
            if cand != word and _LATIN_WORD.match(cand):
                found[cand] = found.get(cand, 0) + lexicon.doc_frequency(f, cand)
    return sorted(found, key=lambda c: (-found[c], c))


def _fuzzy_query(parsed: Parsed, lexicon: Lexicon, ranking: Ranking) -> wq.Query | None:
    clauses = []
    for word in latin_words(parsed):
        for cand in corrections(word, lexicon)[:2]:
            for f in F.WORD_FIELDS:
                boost = ranking.weights.get(f, 0) * ranking.fuzzy
                if boost > 0 and lexicon.doc_frequency(f, cand):
                    clauses.append(wq.Term(f, cand, boost=boost))
    if not clauses:
        return None
    return _or(clauses)


def did_you_mean(parsed: Parsed, lexicon: Lexicon) -> str | None:
    """The query with unknown Latin words replaced by their best correction."""
    text = parsed.text
    changed = False
    for word in latin_words(parsed):
        fixes = corrections(word, lexicon)
        if fixes:
            text, n = re.subn(re.escape(word), fixes[0], text, flags=re.I)
            if n == 0:
                text = normalize(text).replace(word, fixes[0])
            changed = True
    return text if changed else None


def highlight_terms(parsed: Parsed) -> list[str]:
    """Strings to mark in an excerpt: what was typed, its word forms and synonyms."""
    out: list[str] = []
    for unit in parsed.units:
        out.append(unit.text)
        out.extend(unit.alternatives)
        for w in words(unit.text):
            if w.content:
                out.extend((w.surface, w.form))
                stem = re.match(r"^[\u3400-\u9fff]+", w.surface)
                if stem and w.pos in ("動詞", "形容詞") and stem.group(0) != w.surface:
                    out.append(stem.group(0))  # 届か → 届, to mark 届きません
    return [t for t in _unique(fold(t) for t in out if t.strip()) if len(t) >= 2 or is_japanese(t) and not _kana_only(t)]


def _kana_only(t: str) -> bool:
    return all("\u3041" <= ch <= "\u30ff" for ch in t)

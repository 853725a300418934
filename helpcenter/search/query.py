"""A member's query, parsed: pure functions, no Flask, no open index.

Members' text is never parsed as query syntax: `parse()` cleans and
normalises it and splits it into *units* (a noun compound such as 2段階認証, a
verb, or a phrase from synonyms.yaml, with the synonyms as alternatives);
`unit_terms()` gives a unit's word and bigram terms. The search engine
(`search.engine.scoring`) scores units; coverage (`search.coverage`) weighs
them; the highlighter marks `highlight_terms()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .analysis import Word, bigrams, fold, is_japanese, is_kana_text, kata_to_hira, normalize, words
from .ranking import Ranking

MAX_QUERY_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9'.-]*$")
# Latin words with digits in them (they need letters and digits).
MIXED_RUN = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[0-9])[a-z0-9]+(?![a-z0-9])")
# Noun-like parts of speech that join into one compound unit (2 + 段階 + 認証).
_COMPOUND_POS = {"名詞", "接尾辞", "接頭辞"}


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

@dataclass(frozen=True, eq=False)  # compared by identity: one table per generation (search.engine)
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
    for m in MIXED_RUN.finditer(norm):
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
    if MIXED_RUN.fullmatch(text):
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


def highlight_terms(parsed: Parsed, same_group: Callable[[str], list[str]] | None = None) -> list[str]:
    """Strings to mark in an excerpt: what was typed, its word forms and
    synonyms (with `same_group`, also the collection's words that search
    matched as a word's SudachiDict synonyms)."""
    out: list[str] = []
    for unit in parsed.units:
        out.append(unit.text)
        out.extend(unit.alternatives)
        for w in words(unit.text):
            if w.content:
                out.extend((w.surface, w.form))
                if same_group is not None:
                    out.extend(same_group(w.form))
                stem = re.match(r"^[\u3400-\u9fff]+", w.surface)
                if stem and w.pos in ("動詞", "形容詞") and stem.group(0) != w.surface:
                    out.append(stem.group(0))  # 届か → 届, to mark 届きません
    return [t for t in _unique(fold(t) for t in out if t.strip()) if len(t) >= 2 or is_japanese(t) and not is_kana_text(t)]

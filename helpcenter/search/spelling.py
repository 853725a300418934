"""「もしかして」 for Japanese: words typed with the right reading but the wrong
characters.

Members type Japanese through an input method, so their misspellings are
mostly wrong conversions that *sound* right: 住民表 for 住民票, 暗唱番号 for
暗証番号, 確定深刻 for 確定申告, 二段回認証 for 2段階認証. The index does not know
such a string (it has a bigram no entry contains), but its reading is the
reading of a word the questions use. So:

* the vocabulary is every run of one to four nouns (with prefixes, suffixes
  and na-adjectives) in the entries' questions and aliases, by its hiragana
  reading (the most frequent spelling wins);
* a run of the same kinds of words in the query whose text the index does not
  have, and whose reading is in the vocabulary under another spelling, is
  respelled. Longer runs are tried first; a respelling that only changes the
  form of the same words (引継ぎ/引き継ぎ: Sudachi already matches those) is
  not one.

`respell` returns the parsed query with each respelled run as one unit whose
alternative is the correction (searched like a synonym), and with the
corrected query text (`Parsed.respelled`) for the 「もしかして」 link. Pure
functions; `service` supplies the vocabulary (built once per generation) and
what the index knows.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from .analysis import Word, bigrams, fold, is_japanese, words
from .query import Parsed, Unit

# Parts of speech that make up a run (the query parser's compounds, plus
# na-adjectives: Sudachi reads 深刻 of 確定深刻 as one).
RUN_POS = frozenset({"名詞", "接頭辞", "接尾辞", "形状詞"})
MAX_RUN = 4
MIN_READING = 3  # shorter readings have too many homophones (期間/機関/気管)


@dataclass(frozen=True)
class Vocabulary:
    by_reading: dict[str, str]  # hiragana reading → the spelling the questions use
    spellings: frozenset[str]   # folded spellings, to tell a known run at once


def _runs(ws: tuple[Word, ...]) -> Iterable[tuple[int, int]]:
    """(i, j) of every contiguous slice ws[i:j] of run words, longest first per start."""
    n = len(ws)
    for i in range(n):
        j = i
        while j < n and j - i < MAX_RUN and ws[j].pos in RUN_POS and is_japanese(ws[j].surface) \
                and (j == i or ws[j - 1].start + len(ws[j - 1].surface) == ws[j].start):
            j += 1
        for k in range(j, i, -1):
            yield i, k


def _reading(ws: Iterable[Word]) -> str:
    return "".join(w.reading for w in ws)


def build_vocabulary(texts: Iterable[str]) -> Vocabulary:
    """The vocabulary of the entries' questions and aliases."""
    counts: dict[str, Counter] = defaultdict(Counter)
    spellings: set[str] = set()
    seen: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            if line in seen:  # counted once: the most frequent spelling is by entries, roughly
                continue
            seen.add(line)
            ws = words(line)
            for i, j in _runs(ws):
                surface = "".join(w.surface for w in ws[i:j])
                reading = _reading(ws[i:j])
                if len(surface) < 2 or len(reading) < MIN_READING or not _readable(reading):
                    continue
                counts[reading][surface] += 1
                spellings.add(fold(surface))
    return Vocabulary({r: c.most_common(1)[0][0] for r, c in counts.items()}, frozenset(spellings))


def _readable(reading: str) -> bool:
    """A reading Sudachi actually gave (all hiragana/long vowel), not an unknown word's surface."""
    return all("\u3041" <= ch <= "\u309f" or ch == "ー" for ch in reading)


def respell(parsed: Parsed, vocab: "Vocabulary | Callable[[], Vocabulary]", known_word: Callable[[str], bool],
            known_bigram: Callable[[str], bool]) -> Parsed:
    """`parsed` with respelled runs as units (`respelled` = the corrected query
    text), or `parsed` itself. A run counts as typed on purpose when the index
    has all its bigrams, or, for a single word, the word (answers are indexed by
    words, and by bigrams of their longer words only). `vocab` may be a
    function: it is then called only when a run is unknown to the index."""
    if parsed.empty:
        return parsed
    ws = words(parsed.normalized)
    fixes: list[tuple[int, int, str, str]] = []  # (start, end, typed, correction)
    taken = -1
    for i, j in _runs(ws):
        start = ws[i].start
        if start < taken:
            continue
        typed = "".join(w.surface for w in ws[i:j])
        reading = _reading(ws[i:j])
        if len(typed) < 2 or len(reading) < MIN_READING:
            continue
        if (j - i == 1 and known_word(ws[i].form)) or all(known_bigram(g) for g in bigrams(typed)):
            continue  # the index has this text: a word of its own, not a slip
        if callable(vocab):
            vocab = vocab()
        if fold(typed) in vocab.spellings:
            continue
        right = vocab.by_reading.get(reading)
        if right is None or fold(right) == fold(typed):
            continue
        if {w.form for w in words(right)} == {w.form for w in ws[i:j]}:
            continue  # the same words spelt another way: the analyzer matches them already
        fixes.append((start, start + len(typed), typed, right))
        taken = start + len(typed)
    if not fixes:
        return parsed
    units = [u for u in parsed.units
             if not any(s < u.start + len(u.text) and u.start < e for s, e, _, _ in fixes)]
    units += [Unit(typed, (right,), s) for s, e, typed, right in fixes]
    units.sort(key=lambda u: u.start)
    text = parsed.normalized
    for s, e, _, right in sorted(fixes, reverse=True):
        text = text[:s] + right + text[e:]
    return replace(parsed, units=tuple(units), respelled=text)

"""Japanese text analysis for the index and for queries.

Three views of the same text, the three kinds of terms the search engine
indexes (`search.engine`):

* words (`morph_terms`): SudachiPy (mode A, core dictionary) words in their
  normalised form (引継ぎ→引き継ぎ, グーグル→google, 二→2, 届きません→届く), a
  word written in kana only in hiragana (ゴミ and ごみ: one word),
  keeping content words only (particles, auxiliaries and symbols carry no topic).
  Precise, and what long sentence-like questions need.
* bigrams (`bigrams`): overlapping character bigrams of CJK runs plus whole Latin
  words. Finds parts of compounds that Sudachi keeps whole
  (バックアップキー→バックアップ) and colloquial fragments.
* reading bigrams (`reading_bigrams`): bigrams of the hiragana reading Sudachi gives each word,
  so にだんかいにんしょう finds 二段階認証.
* `part_bigrams`: bigrams of content words of 3+ characters only, for long
  answers: finds parts of compounds with far fewer postings than every bigram
  (answers are most of the text; all their bigrams made indexing twice as slow
  and did not improve the evaluation).

All three first apply `normalize()`, which is also what queries and synonyms go
through, so that index and query always agree: NFKC (full/half width), lower
case, control characters and lone surrogates removed, iteration marks and
long-vowel look-alikes folded, kanji numerals before counters made digits
(二段階/2段階) and ヶ/ヵ/カ after a digit made か (3ヶ月/3か月).

`words()` gives the full token list (with surfaces and readings) that the query
parser and the highlighter use; the term functions are thin wrappers over it.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


_local = threading.local()

# Parts of speech that say nothing about the topic.
_DROP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
# Frequent light words that Sudachi tags as content words.
STOP_WORDS = frozenset({
    "する", "為る", "ある", "有る", "いる", "居る", "なる", "成る", "できる", "出来る", "れる", "られる",
    "こと", "事", "もの", "物", "よう", "様", "ため", "為", "の", "ん", "さん", "方", "とき", "時", "場合",
    "これ", "それ", "あれ", "どれ", "ここ", "そこ", "どこ", "この", "その", "あの", "どの", "何", "なに",
    "いう", "言う", "思う", "おる", "居る", "くださる", "下さる", "いただく", "頂く", "ござる", "御座る",
    "お", "ご", "御", "て", "ない", "無い", "いい", "良い", "です", "ます", "はい", "いいえ", "ください",
    "しまう", "仕舞う", "ほしい", "欲しい", "たい", "など", "等", "どう", "どうして", "なぜ", "でしょう",
    "ちゃう", "すみません",
})


def sudachi():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode, dictionary

        tok = dictionary.Dictionary(dict="core").tokenizer(mode=SplitMode.A)
        _local.tokenizer = tok
    return tok


# A run of iteration marks repeats the character before it (時々々 → 時時時).
_ITER = re.compile(r"([^々ゝヽ])([々ゝヽ]+)")
_LONG_MARKS = re.compile(r"(?<=[\u3041-\u30ff])[-‐―－ｰ~〜]")
# JIS Z 8301: a trailing long vowel of katakana words of 3+ morae is often
# omitted (サーバ/サーバー, ユーザ/ユーザー). Sudachi's normalised form settles it
# for words; for bigrams the last one of such a run is left out (see bigrams()).
_LONG_TAIL = re.compile(r"[\u30a1-\u30faー]{3,}ー$")
_KANJI_NUM = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
# Only before counters, where the digit and the kanji mean the same: 一部/一緒/統一 stay.
_NUM_BEFORE_COUNTER = re.compile(
    r"(?<![一二三四五六七八九十百千万\d])([一二三四五六七八九])"
    r"(?=段階|要素|段|回目|回|桁|文字|つ目|か月|ヶ月|カ月|ヵ月|週間|時間|日間|件|個|台|度目|番目)")
_MONTH_KA = re.compile(r"(?<=\d)[ヶヵカケ](?=月|所)")


_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}


_HIRA_TO_KATA = {h: k for k, h in _KATA_TO_HIRA.items()}


def kata_to_hira(text: str) -> str:
    return text.translate(_KATA_TO_HIRA)


def hira_to_kata(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


class TranslateTable(dict):
    """A str.translate table filled on first sight: code point → convert(character),
    bounded by the characters met (at most LIMIT are kept)."""

    LIMIT = 100_000

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    def __missing__(self, code: int) -> str:
        out = self.convert(chr(code))
        self.remember(code, out)
        return out

    def remember(self, code: int, out: str) -> None:
        if len(self) < self.LIMIT:
            self[code] = out


# A non-printable character (control, line break, format) → a space.
_PRINTABLE = TranslateTable(lambda ch: ch if ch.isprintable() else " ")


# Characters Japanese text is full of that NFKC changes one by one: the
# ideographic space, full-width ASCII, half-width katakana, circled numbers
# (①), number forms (Ⅱ), squared units (㎏). Each is replaced by its own NFKC
# form first (the whole text's NFKC stays the same: NFKC decomposes a
# character and its NFKC form alike); a text that is then NFKC skips the
# normalizer, which took 57 µs of normalize()'s 100 on a 400-character answer.
_COMPAT_RANGES = ((0x3000, 0x3000), (0xFF01, 0xFFEF), (0x2150, 0x218F), (0x2460, 0x24FF), (0x3200, 0x33FF),
                  (0xFE10, 0xFE1F))
_COMPAT = {c: unicodedata.normalize("NFKC", chr(c)) for a, b in _COMPAT_RANGES for c in range(a, b + 1)}
_COMPAT_RUN = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _COMPAT_RANGES) + "]+")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), faster on Japanese text."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    text = _COMPAT_RUN.sub(lambda m: m.group().translate(_COMPAT), text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


# What each rewrite in normalize() needs to be there at all: a scan for a few
# characters costs a fraction of running its pattern over the whole text.
_ITER_MARKS = re.compile(r"[々ゝヽ]")
_DASHES = re.compile(r"[-‐―－ｰ~〜]")
_KANJI_DIGITS = re.compile(r"[一二三四五六七八九]")
_KA = re.compile(r"[ヶヵカケ]")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The canonical form of any text, for index and queries alike."""
    if _has_surrogates(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = nfkc(text).lower()
    if not text.isprintable():
        text = text.translate(_PRINTABLE)
    if _ITER_MARKS.search(text):
        text = _ITER.sub(lambda m: m.group(1) * (len(m.group(2)) + 1), text)
    if _DASHES.search(text):
        # 〜/~ and the many dashes members type for the long vowel mark after kana.
        text = _LONG_MARKS.sub("ー", text)
    if _KANJI_DIGITS.search(text):
        text = _NUM_BEFORE_COUNTER.sub(lambda m: _KANJI_NUM[m.group(1)], text)
    if _KA.search(text):
        text = _MONTH_KA.sub("か", text)
    return text


# A word written in kana only: katakana, hiragana and the long vowel mark.
_KANA_WORD = re.compile(r"[\u3041-\u3096\u30a1-\u30faー]+")


def is_kana_word(form: str) -> bool:
    return _KANA_WORD.fullmatch(form) is not None


# Text in the kana blocks only: is_kana_word's letters and ー plus the sound
# and iteration marks and ・ (ぱすわーど・りせっと is typed in kana; folding
# only applies to letters).
_KANA_TEXT = re.compile(r"[\u3041-\u30ff]+")


def is_kana_text(text: str) -> bool:
    return _KANA_TEXT.fullmatch(text) is not None


def fold_kana_word(form: str) -> str:
    """A word written in kana only, in hiragana: Sudachi's normalised form
    keeps the script the text used (ゴミ and ごみ, ネコ and ねこ stay two words),
    and writers mix them freely (a city's FAQ has ゴミの出し方 and 粗大ごみ)."""
    return kata_to_hira(form) if is_kana_word(form) else form


MAX_DICTIONARY_WORD = 64


def synonym_groups(form: str) -> tuple[int, ...]:
    """The synonym group ids SudachiDict gives a word (by its index form), or
    () when the form is not one dictionary word."""
    if len(form) > MAX_DICTIONARY_WORD:
        return ()  # no dictionary word is that long (and Sudachi refuses inputs over 49,149 bytes)
    candidates = (form, hira_to_kata(form)) if is_kana_word(form) else (form,)
    for text in candidates:
        ms = sudachi().tokenize(text)
        if len(ms) == 1 and not ms[0].is_oov():
            groups = ms[0].synonym_group_ids()
            if groups:
                return tuple(groups)
    return ()


def written_form(word: "Word") -> str:
    """A word's normalised form as the text wrote it (パスワード, not the index
    term ぱすわーど): for showing words to people."""
    return word.surface if word.form != word.surface and kata_to_hira(word.surface) == word.form else word.form


def fold(text: str) -> str:
    """normalize() plus katakana→hiragana: for matching words as strings."""
    return kata_to_hira(normalize(text))


@dataclass(frozen=True)
class Word:
    """One Sudachi token of normalised text."""

    surface: str   # as in the normalised text
    form: str      # normalised form, kana-only words in hiragana: the index term
    reading: str   # hiragana reading (the surface for non-Japanese)
    pos: str       # first level of the part of speech (名詞, 動詞 …)
    content: bool  # a search term (not a particle, symbol or stop word)
    start: int     # offset in the normalised text
    noun: bool = False  # a common or proper noun, not an adverbial one (今, 来週) nor a place name (coverage)


_CJK = r"\u3005\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_JP = re.compile(rf"[{_CJK}]")
_RUNS = re.compile(rf"[{_CJK}0-9]+|[a-z0-9][a-z0-9_.+@'-]*[a-z0-9]|[a-z0-9]")


def is_japanese(s: str) -> bool:
    return bool(_JP.search(s))


# Part-of-speech id → (first level, a search term at all, a numeral, a
# Word.noun): asked once per id instead of building Sudachi's POS tuple for
# every token.
_POS: dict[int, tuple[str, bool, bool, bool]] = {}


def _pos(m) -> tuple[str, bool, bool, bool]:
    pid = m.part_of_speech_id()
    info = _POS.get(pid)
    if info is None:
        pos = m.part_of_speech()
        info = (pos[0], pos[0] not in _DROP_POS and pos[0] != "接頭辞", pos[1] == "数詞",
                pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞") and pos[2] not in ("副詞可能", "地名"))
        _POS[pid] = info
    return info


def is_noun(m) -> bool:
    """Word.noun of a Sudachi morpheme."""
    return _pos(m)[3]


def _is_content(m, form: str, pos: tuple[str, bool, bool, bool]) -> bool:
    return (pos[1] and bool(form.strip()) and form not in STOP_WORDS and not (pos[2] and len(form) > 6)
            and m.dictionary_form() not in STOP_WORDS)


# (word id, part-of-speech id, surface) → (form, reading, pos, content): what a
# dictionary word means depends only on these, and indexing meets the same few
# thousand words again and again, so each is worked out once per process.
# Unknown words (numbers Sudachi joins, 24 read にし or によん by context) are
# never kept: their reading depends on the sentence.
_MORPH: dict[tuple[int, int, str], tuple[str, str, str, bool]] = {}


def _morph(m) -> tuple[str, str, str, str, bool]:
    surface = m.surface()
    key = (m.word_id(), m.part_of_speech_id(), surface)
    info = _MORPH.get(key)
    if info is None:
        pos = _pos(m)
        form = fold_kana_word(normalize(m.normalized_form()))
        reading = kata_to_hira(m.reading_form()) if is_japanese(surface) or surface.isdigit() else surface
        info = (form, reading, pos[0], _is_content(m, form, pos))
        if not m.is_oov():
            if len(_MORPH) > 200_000:
                _MORPH.clear()
            _MORPH[key] = info
    return (surface, *info)


def _analyse(text: str) -> tuple[Word, ...]:
    """Tokens of already normalised text."""
    out = []
    base = 0
    # Sudachi rejects very long inputs; analyse in chunks at sentence ends.
    for chunk in _chunks(text, 4000):
        for m in sudachi().tokenize(chunk):
            surface, form, reading, pos, content = _morph(m)
            out.append(Word(surface, form, reading, pos, content, base + m.begin(), is_noun(m)))
        base += len(chunk)
    return tuple(out)


@lru_cache(maxsize=8)
def _content_words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forms, surfaces) of the content words of long normalised text, without
    building Word objects (indexing speed). Cached for the few texts in flight:
    an answer is analysed for its word field and its compound-parts field."""
    forms, surfaces = [], []
    known = _MORPH
    for chunk in _chunks(text, 4000):
        for m in sudachi().tokenize(chunk):
            # _morph() inlined: this loop runs for every word of every answer.
            surface = m.surface()
            info = known.get((m.word_id(), m.part_of_speech_id(), surface))
            if info is None:
                info = _morph(m)[1:]
            if info[3]:
                forms.append(info[0])
                surfaces.append(surface)
    return tuple(forms), tuple(surfaces)


@lru_cache(maxsize=8192)
def _analyse_cached(text: str) -> tuple[Word, ...]:
    return _analyse(text)


def words(text: str) -> tuple[Word, ...]:
    """Every token of `text` (normalised first). Short texts (queries, titles) are cached."""
    text = normalize(text)
    return _analyse_cached(text) if len(text) <= 300 else _analyse(text)


def _chunks(text: str, size: int):
    while len(text.encode("utf-8")) > size * 3:
        cut = max(text.rfind("。", 0, size), text.rfind(" ", 0, size), text.rfind("\n", 0, size))
        cut = cut + 1 if cut > 0 else size
        yield text[:cut]
        text = text[cut:]
    yield text


def bigrams(text: str) -> list[str]:
    """Character bigrams of CJK runs (single characters alone), Latin words whole."""
    out: list[str] = []
    for run in _RUNS.findall(normalize(text)):
        if is_japanese(run):
            if _LONG_TAIL.search(run):
                run = run[:-1]  # サーバー → サーバ: the same bigrams with or without it
            run = kata_to_hira(run)
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def reading(text: str) -> str:
    """The text's hiragana reading (every word, particles included); Latin kept."""
    return "".join(w.reading if is_japanese(w.surface) or w.surface.isdigit() else " " + w.surface + " "
                   for w in words(text))


def reading_bigrams(text: str) -> list[str]:
    """Bigrams of the reading, line by line (a title and its aliases: each
    line's analysis is the cached one the word field made)."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(bigrams(reading(line)))
    return out


def morph_terms(text: str) -> list[str]:
    if "\n" in text and len(text) <= 2000:
        # Aliases, one a line: the same analyses the reading field asks for.
        return [f for line in text.split("\n") for f in morph_terms(line)]
    text = normalize(text)
    if len(text) > 300:
        return list(_content_words(text)[0])
    return [w.form for w in _analyse_cached(text) if w.content]


# Content words at least this long are split into bigrams for the parts field.
PART_MIN_CHARS = 3


def part_bigrams(text: str) -> list[str]:
    """Bigrams of the longer content words only (バックアップキー → ばっ … きー):
    parts of compounds are found in long answers at a fraction of the cost of
    bigrams of every character."""
    text = normalize(text)
    surfaces = _content_words(text)[1] if len(text) > 300 else [w.surface for w in _analyse_cached(text) if w.content]
    return surface_parts(surfaces)


def surface_parts(surfaces) -> list[str]:
    """part_bigrams() of content words' surfaces."""
    out: list[str] = []
    for surface in surfaces:
        if len(surface) >= PART_MIN_CHARS:
            out.extend(_word_parts(surface))
    return out


@lru_cache(maxsize=65536)
def _word_parts(surface: str) -> tuple[str, ...]:
    # A collection's answers repeat the same few thousand words: their
    # bigrams were a sixth of an answer's analysis when made every time.
    return tuple(bigrams(surface)) if is_japanese(surface) else ()


def answer_terms(text: str) -> tuple[list[str], list[str]]:
    """(morph_terms, part_bigrams) of an answer's one-line plain text, from one
    analysis that builds no Word objects and fills no query cache whatever
    the length (half of a real collection's answers are 300 characters or
    fewer, which words() would analyse into cached Words)."""
    if "\n" in text:  # morph_terms() analyses lines apart
        return morph_terms(text), part_bigrams(text)
    forms, surfaces = _content_words(normalize(text))
    return list(forms), surface_parts(surfaces)

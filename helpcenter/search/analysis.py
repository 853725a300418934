"""Japanese text analysis for the index and for queries.

Three views of the same text, each a Whoosh analyzer (pickled into the index,
so this module's import path must stay stable):

* `MorphAnalyzer`: SudachiPy (mode A, core dictionary) words in their
  normalised form (引継ぎ→引き継ぎ, グーグル→Google, 二→2, 届きません→届く),
  keeping content words only (particles, auxiliaries and symbols carry no topic).
  Precise, and what long sentence-like questions need.
* `NgramAnalyzer`: overlapping character bigrams of CJK runs plus whole Latin
  words. Finds parts of compounds that Sudachi keeps whole
  (バックアップキー→バックアップ) and colloquial fragments.
* `ReadingAnalyzer`: bigrams of the hiragana reading Sudachi gives each word,
  so にだんかいにんしょう finds 二段階認証.

All three first apply `normalize()`: NFKC (full/half width), lower case,
long-vowel and iteration-mark folding.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from whoosh.analysis import Analyzer, Token

_local = threading.local()

# Parts of speech that say nothing about the topic.
_DROP_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
# Frequent light words that Sudachi tags as content words.
_STOP = {
    "する", "為る", "ある", "有る", "いる", "居る", "なる", "成る", "できる", "出来る", "れる", "られる",
    "こと", "事", "もの", "物", "よう", "様", "ため", "為", "の", "ん", "さん", "方", "とき", "時", "場合",
    "これ", "それ", "あれ", "どれ", "ここ", "そこ", "どこ", "この", "その", "あの", "どの", "何", "なに",
    "いう", "言う", "思う", "おる", "居る", "くださる", "下さる", "いただく", "頂く", "ござる", "御座る",
    "お", "ご", "御", "て", "ない", "無い", "いい", "良い", "です", "ます", "はい", "いいえ", "ください",
}


def _sudachi():
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import dictionary

        tok = dictionary.Dictionary(dict="core").create()
        _local.tokenizer = tok
    return tok


_KATA = re.compile(r"[\u30a1-\u30f6]")
_ITER = re.compile(r"(.)[々ゝヽ]")


def kata_to_hira(text: str) -> str:
    return _KATA.sub(lambda m: chr(ord(m.group(0)) - 0x60), text)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC, lower case, drop control characters and lone surrogates, fold marks."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _ITER.sub(lambda m: m.group(1) * 2, text)
    # 〜/~ and the many dashes members type for the long vowel mark after kana.
    text = re.sub(r"(?<=[\u3041-\u30ff])[-‐―－ｰ~〜]", "ー", text)
    return text


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


@lru_cache(maxsize=16384)
def morph_words(text: str) -> tuple[tuple[str, str], ...]:
    """(normalised form, hiragana reading) of each content word, mode A."""
    from sudachipy import tokenizer

    text = normalize(text)
    out = []
    # Sudachi rejects very long inputs; analyse in chunks at sentence ends.
    for chunk in _chunks(text, 4000):
        for m in _sudachi().tokenize(chunk, tokenizer.Tokenizer.SplitMode.A):
            pos = m.part_of_speech()
            if pos[0] in _DROP_POS:
                continue
            form = normalize(m.normalized_form())
            if not form.strip() or form in _STOP or m.dictionary_form() in _STOP:
                continue
            if pos[0] == "接頭辞" or pos[1] == "数詞" and len(form) > 6:
                continue
            out.append((form, kata_to_hira(m.reading_form()) if _is_japanese(m.surface()) else form))
    return tuple(out)


def _chunks(text: str, size: int):
    while len(text.encode("utf-8")) > size * 3:
        cut = max(text.rfind("。", 0, size), text.rfind(" ", 0, size), text.rfind("\n", 0, size))
        cut = cut + 1 if cut > 0 else size
        yield text[:cut]
        text = text[cut:]
    yield text


_CJK = r"\u3005\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}0-9]+|[a-z0-9][a-z0-9_.+@'-]*[a-z0-9]|[a-z0-9]")


def _is_japanese(s: str) -> bool:
    return bool(re.search(rf"[{_CJK}]", s))


def bigrams(text: str) -> list[str]:
    """Character bigrams of CJK runs (single characters alone), Latin words whole."""
    out: list[str] = []
    for run in _RUNS.findall(normalize(text)):
        if _is_japanese(run):
            run = kata_to_hira(run)
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


@lru_cache(maxsize=16384)
def reading(text: str) -> str:
    """The text's hiragana reading (every word, particles included); Latin kept."""
    from sudachipy import tokenizer

    parts = []
    for chunk in _chunks(normalize(text), 4000):
        for m in _sudachi().tokenize(chunk, tokenizer.Tokenizer.SplitMode.A):
            surface = m.surface()
            parts.append(kata_to_hira(m.reading_form()) if _is_japanese(surface) else " " + surface + " ")
    return "".join(parts)


def reading_bigrams(text: str) -> list[str]:
    return bigrams(reading(text))


def morph_terms(text: str) -> list[str]:
    return [form for form, _ in morph_words(text)]


class _TermsAnalyzer(Analyzer):
    """A Whoosh analyzer over one of the term functions above."""

    fn = staticmethod(bigrams)

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, term in enumerate(self.fn(value) if tokenize else [value]):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


class NgramAnalyzer(_TermsAnalyzer):
    fn = staticmethod(bigrams)


class MorphAnalyzer(_TermsAnalyzer):
    fn = staticmethod(morph_terms)


class ReadingAnalyzer(_TermsAnalyzer):
    fn = staticmethod(reading_bigrams)

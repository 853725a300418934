"""Furigana: hiragana readings over the kanji of the text members read.

Pure (no Flask). `Annotator(readings)` turns text into segments
`[(text, reading or None)]` with Sudachi's readings, an editor's fixes from
`content/readings.yaml` taking precedence, and renders them as
`<ruby>認証<rt>にんしょう</rt></ruby>`. Only the kanji get a reading: kana
written in a word stay outside the ruby (引き継ぎ → 引<rt>ひ</rt>き継<rt>つ</rt>ぎ),
and numbers, Latin words and kana are left as they are.

`ruby_html()` annotates the text nodes of an HTML fragment and nothing else:
tags, attributes (links' hrefs, titles), comments and the text of code, pre,
kbd, samp, script, style and ruby elements pass through unchanged.
"""
from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict

_local = threading.local()

KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆"
_HAS_KANJI = re.compile(f"[{KANJI}]")
_KANJI_RUN = re.compile(f"([{KANJI}]+)")
HIRAGANA = re.compile(r"^[\u3041-\u3096ー]+$")
_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30faー]+$")
_JAPANESE_HEAD = re.compile(f"[{KANJI}\u3041-\u3096\u30a1-\u30faー]+")
# A tag (quoted attribute values may hold '>'), a comment, or a doctype.
_TAG = re.compile(r"""(<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>)""", re.S)
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")
SKIP_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style", "ruby", "rt", "rp", "textarea", "title", "option"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "base", "col", "embed", "track"}
# Sudachi refuses inputs above about 49 KB; answers are split into lines well before that.
_CHUNK = 4000
CACHE_SIZE = 4096

Segment = tuple[str, "str | None"]


def has_kanji(text: str) -> bool:
    return bool(_HAS_KANJI.search(text))


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _tokenizer():
    # A Sudachi tokenizer is not safe to share between threads; one per thread.
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode, dictionary

        # Mode C keeps compounds whole (受付時間 うけつけじかん), so readings
        # keep their sound changes; words stay short enough to wrap at L.
        tok = _local.tokenizer = dictionary.Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return tok


def sudachi_words(text: str) -> list[tuple[str, str]]:
    """(surface, hiragana reading) of every word Sudachi finds, in order."""
    out: list[tuple[str, str]] = []
    for start in range(0, len(text), _CHUNK):
        for m in _tokenizer().tokenize(text[start:start + _CHUNK]):
            out.append((m.surface(), to_hiragana(m.reading_form())))
    return out


def dictionary_readings(word: str) -> set[str]:
    """Every reading Sudachi's dictionary has for exactly this written word."""
    tok = getattr(_local, "dictionary", None)
    if tok is None:
        from sudachipy import dictionary

        tok = _local.dictionary = dictionary.Dictionary(dict="core")
    return {to_hiragana(m.reading_form()) for m in tok.lookup(word)}


def split_word(surface: str, reading: str) -> list[Segment] | None:
    """The word's kanji runs with their part of the reading, its kana without.

    None when the reading cannot be aligned with the kana written in the word
    (or is not all kana), so that no wrong reading is ever shown.
    """
    if not reading or not _KANA.match(reading) or not has_kanji(surface):
        return None
    head = _JAPANESE_HEAD.match(surface)
    if head and head.end() < len(surface):
        # A dictionary word such as 初期化(リセット) whose reading covers only
        # its Japanese head: align that, leave the rest plain.
        split = split_word(head.group(), reading)
        return split + [(surface[head.end():], None)] if split else None
    parts = [p for p in _KANJI_RUN.split(surface) if p]
    if any(not _HAS_KANJI.match(p) and not _KANA.match(p) for p in parts):
        return None  # digits or letters inside the word: no safe place for the reading
    pattern = "".join("(.+?)" if _HAS_KANJI.match(p) else "(" + re.escape(to_hiragana(p)) + ")" for p in parts)
    m = re.fullmatch(pattern, to_hiragana(reading))
    if m is None:
        return None
    return [(p, g if _HAS_KANJI.match(p) else None) for p, g in zip(parts, m.groups())]


def _merge(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for text, reading in segments:
        if reading is None and out and out[-1][1] is None:
            out[-1] = (out[-1][0] + text, None)
        elif text:
            out.append((text, reading))
    return out


class Annotator:
    """Segments and ruby HTML for one set of editor readings (word → hiragana)."""

    def __init__(self, readings: dict[str, str] | None = None):
        self.readings = dict(readings or {})
        words = sorted(self.readings, key=len, reverse=True)
        self._fixed = re.compile("(" + "|".join(map(re.escape, words)) + ")") if words else None
        self._cache: OrderedDict[str, list[Segment]] = OrderedDict()
        self._lock = threading.Lock()

    def words(self, text: str) -> list[tuple[str, str | None, bool]]:
        """(written word, hiragana reading or None, whether an editor fixed it)."""
        out: list[tuple[str, str | None, bool]] = []
        pieces = self._fixed.split(text) if self._fixed else [text]
        for i, piece in enumerate(pieces):
            if i % 2:
                out.append((piece, self.readings[piece], True))
            elif has_kanji(piece):
                out.extend((s, r if has_kanji(s) else None, False) for s, r in sudachi_words(piece))
            elif piece:
                out.append((piece, None, False))
        return out

    def segments(self, text: str) -> list[Segment]:
        if not has_kanji(text):
            return [(text, None)] if text else []
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        out: list[Segment] = []
        for surface, reading, _ in self.words(text):
            out.extend((split_word(surface, reading) if reading else None) or [(surface, None)])
        out = _merge(out)
        with self._lock:
            self._cache[text] = out
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def ruby_text(self, text: str) -> str:
        """Plain text → escaped HTML with ruby."""
        return "".join(
            f"<ruby>{html.escape(t, False)}<rt>{html.escape(r, False)}</rt></ruby>" if r else html.escape(t, False)
            for t, r in self.segments(text))

    def ruby_html(self, fragment: str) -> str:
        """HTML → the same HTML with ruby in its text nodes (see the module docstring)."""
        out: list[str] = []
        skipping: list[str] = []  # open elements whose text is left alone
        for i, part in enumerate(_TAG.split(fragment)):
            if i % 2:
                out.append(part)
                m = _TAG_NAME.match(part)
                if m is None:
                    continue
                closing, name = m.group(1) == "/", m.group(2).lower()
                if name in SKIP_ELEMENTS:
                    if closing:
                        if name in skipping:
                            del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
                    elif name not in _VOID and not part.rstrip(">").endswith("/"):
                        skipping.append(name)
            elif part:
                if skipping or not has_kanji(part):
                    out.append(part)
                else:
                    out.append(self.ruby_text(html.unescape(part)))
        return "".join(out)

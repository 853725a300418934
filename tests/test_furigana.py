"""Furigana (helpcenter/furigana.py): readings over kanji only, text nodes only,
editors' fixes from content/readings.yaml, and a review of every kanji word of
content/ whose reading could be another one."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from helpcenter import furigana
from helpcenter.content.loader import load_content
from helpcenter.furigana import Annotator, split_word
from helpcenter.render import html_to_text, markdown_to_html
from support import CONTENT

REVIEWED = Path(__file__).parent / "data" / "furigana_reviewed.txt"
_VOICED = str.maketrans("がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽ", "かきくけこさしすせそたちつてとはひふへほはひふへほ")


def shown_texts(content) -> list[str]:
    """Every text of content/ a member reads with furigana on, line by line."""
    texts: list[str] = []
    for f in content.faqs.values():
        texts += [f.title, html_to_text(markdown_to_html(f.body))]
    for w in content.wizards.values():
        texts += [w.title, w.description]
        for n in w.nodes.values():
            texts += [n.question or "", html_to_text(markdown_to_html(n.help))] + [o.label for o in n.options]
            if n.outcome:
                texts += [n.outcome.heading, html_to_text(markdown_to_html(n.outcome.body))]
    return [line for t in texts for line in t.split("\n") if furigana.has_kanji(line)]


def _fold(reading: str) -> str:
    # 会社 かいしゃ / がいしゃ is one word (voiced in compounds): not ambiguous.
    return reading[:1].translate(_VOICED) + reading[1:]


def survey(content) -> tuple[dict[str, set[str]], set[str]]:
    """(ambiguous word → readings shown in our content, words whose reading cannot be placed)."""
    annotator = Annotator(content.readings)
    seen: dict[str, set[str]] = defaultdict(set)
    unplaced: set[str] = set()
    for line in shown_texts(content):
        for word, reading, fixed in annotator.words(line):
            if reading is None or fixed:
                continue
            seen[word].add(reading)
            if split_word(word, reading) is None:
                unplaced.add(word)
    ambiguous = {w: rs for w, rs in seen.items()
                 if len(rs) > 1 or len({_fold(r) for r in furigana.dictionary_readings(w)}) > 1}
    return ambiguous, unplaced


def reviewed() -> dict[str, set[str]]:
    out = {}
    for line in REVIEWED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, readings = line.split(":", 1)
            out[word.strip()] = set(readings.split())
    return out


@pytest.fixture(scope="module")
def content():
    loaded, problems = load_content(CONTENT)
    assert not problems
    return loaded


def test_kanji_get_readings_and_kana_numbers_and_latin_words_stay_plain():
    a = Annotator()
    assert a.ruby_text("2段階認証の引き継ぎ") == (
        "2<ruby>段階<rt>だんかい</rt></ruby><ruby>認証<rt>にんしょう</rt></ruby>の"
        "<ruby>引<rt>ひ</rt></ruby>き<ruby>継<rt>つ</rt></ruby>ぎ")
    assert a.ruby_text("Google Authenticatorのコード") == "Google Authenticatorのコード"
    assert a.ruby_text("<script>認証</script>") == "&lt;script&gt;<ruby>認証<rt>にんしょう</rt></ruby>&lt;/script&gt;"


def test_only_text_nodes_are_annotated_never_tags_hrefs_or_code():
    a = Annotator()
    fragment = ('<p><a href="/search?q=認証" title="認証 > 設定">認証</a>と<code>認証</code>'
                '<pre>設定\n</pre><!-- 認証 -->設定&amp;</p>')
    out = a.ruby_html(fragment)
    assert out == ('<p><a href="/search?q=認証" title="認証 > 設定"><ruby>認証<rt>にんしょう</rt></ruby></a>と'
                   '<code>認証</code><pre>設定\n</pre><!-- 認証 --><ruby>設定<rt>せってい</rt></ruby>&amp;</p>')
    assert re.sub(r"<rt>.*?</rt>|</?ruby>", "", out) == fragment
    assert a.ruby_html(out) == out  # text already in ruby is left alone


def test_a_reading_that_does_not_fit_the_kana_of_the_word_is_never_shown():
    assert split_word("引き継ぎ", "ひきつぎ") == [("引", "ひ"), ("き", None), ("継", "つ"), ("ぎ", None)]
    assert split_word("引き継ぎ", "あいう") is None
    assert split_word("初期化(リセット)", "しょきか") == [("初期化", "しょきか"), ("(リセット)", None)]


def test_an_editors_reading_wins_over_sudachi_in_its_context():
    assert "<ruby>空<rt>そら</rt></ruby>" in Annotator().ruby_text("欄を空にします。")
    fixed = Annotator({"空に": "からに"}).ruby_text("欄を空にします。")
    assert "<ruby>空<rt>から</rt></ruby>に" in fixed


def test_every_ambiguous_kanji_word_of_the_content_has_a_reviewed_reading(content):
    """A word of content/ that Sudachi could read in more than one way is listed in
    tests/data/furigana_reviewed.txt with the readings checked in context; a new
    one, or a new reading of a listed one, fails until someone has looked at it
    (and fixed it in content/readings.yaml when Sudachi is wrong)."""
    ambiguous, unplaced = survey(content)
    known = reviewed()
    new = {w: sorted(rs - known.get(w, set())) for w, rs in ambiguous.items() if rs - known.get(w, set())}
    assert not new, "readings to review (add to tests/data/furigana_reviewed.txt or fix in content/readings.yaml):\n" + \
        "\n".join(f"{w}: {' '.join(rs)}" for w, rs in sorted(new.items()))
    stale = sorted(set(known) - set(ambiguous))
    assert not stale, f"no longer in the content, remove from {REVIEWED.name}: {stale}"
    assert not unplaced, f"words shown without furigana (reading does not fit): {sorted(unplaced)}"


def test_every_editors_reading_is_used_by_the_content(content):
    text = "\n".join(shown_texts(content))
    assert content.readings
    assert [w for w in content.readings if w not in text] == []


def test_check_reports_each_bad_reading_with_file_line_and_field(small_content):
    (small_content / "readings.yaml").write_text(
        "readings:\n  設定: せってい\n  ほかの: ほかの\n  空に: カラニ\n  引き継ぎ: あいう\nextra: 1\n", encoding="utf-8")
    _, problems = load_content(small_content)
    found = [str(p) for p in problems]
    assert "content/readings.yaml:3: readings.ほかの: the word must contain kanji: 'ほかの'" in found
    assert "content/readings.yaml:4: readings.空に: the reading must be written in hiragana: 'カラニ'" in found
    assert ("content/readings.yaml:5: readings.引き継ぎ: the reading 'あいう' does not fit the kana "
            "written in '引き継ぎ'") in found
    assert "content/readings.yaml:6: extra: unknown field" in found
    assert len(found) == 4


def test_check_rejects_readings_yaml_that_is_not_a_mapping_of_words(small_content):
    (small_content / "readings.yaml").write_text("- 設定\n", encoding="utf-8")
    _, problems = load_content(small_content)
    assert [str(p) for p in problems] == [
        "content/readings.yaml:1: readings: must be a mapping with a mapping 'readings' of word: reading"]

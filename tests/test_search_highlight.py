"""Excerpts and <mark>: matching on folded text, offsets back to the original."""
from helpcenter.search import highlight as H


def test_width_and_kana_variants_mark_the_original_characters():
    ex = H.make_excerpt("スマホの設定を開きます。", ["すまほ"])
    assert ex.html.startswith("<mark>スマホ</mark>の設定")


def test_offsets_stay_right_after_a_character_that_folds_to_several():
    # NFKC turns … into ... (three characters): later matches must still mark
    # the right original characters.
    text = "詳しくは…設定画面をご覧ください"
    spans = H.find_spans(text, ["設定"])
    assert [text[a:b] for a, b in spans] == ["設定"]


def test_answer_and_query_text_are_escaped():
    ex = H.make_excerpt("<script>alert(1)</script> 設定", ["設定", "<script>"])
    assert "<script>" not in ex.html and "&lt;" in ex.html


def test_a_character_is_known_to_fold_to_several_before_the_table_has_it():
    """Threads share the fold table: one that finds … in the table must also
    find it among the characters that fold to several (else it would take the
    offsets as unchanged)."""
    table = H._FoldTable()

    class Spy(set):
        def add(self, ch):
            assert ord(ch) not in table
            super().add(ch)

    table.multi = Spy()
    assert "…".translate(table) == "..."
    assert "…" in table.multi and ord("…") in table


def test_overlapping_matches_keep_the_longer_term_and_spans_stay_disjoint_and_sorted():
    """find_spans keeps kept spans sorted to test overlaps against neighbours
    only: the result equals checking every kept span (the definition)."""
    import random

    def reference(text, terms):
        folded, src = H._fold_map(text)
        spans = []
        for term in sorted(set(t for t in terms if t), key=len, reverse=True):
            start = folded.find(term)
            while start != -1:
                a, b = src[start], src[start + len(term) - 1] + 1
                if all(b <= s or a >= e for s, e in spans):
                    spans.append((a, b))
                start = folded.find(term, start + len(term))
        return sorted(spans)

    rnd = random.Random(10)
    alphabet = "あいうアイ設定…ab"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        terms = ["".join(rnd.choice("あいう設定ab.") for _ in range(rnd.randint(1, 3))) for _ in range(rnd.randint(0, 6))]
        assert H.find_spans(text, terms) == reference(text, terms)
    spans = H.find_spans("二段階認証の設定", ["設定", "認証の設定", "段階認"])
    assert spans == [(3, 8)]  # the longest term wins; 段階認 overlaps it, 設定 is inside it


def test_fold_through_the_bmp_array_equals_translate():
    """_FoldTable.fold_bmp is translate() looked up in an array: the same
    folded text, or None where offsets would move (a character folding to 0
    or 2+) or a character lies beyond the BMP."""
    table = H._FoldTable()
    for text in ("スマホの設定をＯＮにします", "ｽﾏﾎ ABC abc ①②", "Σίσυφος ΣΑΣ", "\ud800あ", "あ" * 500):
        assert table.fold_bmp(text) == text.translate(table)
    assert table.fold_bmp("") is None
    assert table.fold_bmp("設定…") is None and "…" in table.multi
    assert table.fold_bmp("𠮷野家") is None
    assert H._fold_map("設定…を") == ("設定...を", [0, 1, 2, 2, 2, 3])


def test_equal_length_terms_mark_the_same_span_in_every_worker():
    """Overlapping terms of one length: which one is marked must not follow
    set order, which moves with each process's hash seed."""
    import os
    import subprocess
    import sys

    code = ("from helpcenter.search.highlight import make_excerpt; "
            "print(make_excerpt('ログインあいうえおかきくけこ', ['いう', 'あい', 'うえ', 'えお', 'おか']).html)")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(8)}
    assert seen == {"ログイン<mark>あい</mark><mark>うえ</mark><mark>おか</mark>きくけこ\n"}

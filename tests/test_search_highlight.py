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

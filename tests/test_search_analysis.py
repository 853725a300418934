"""Text analysis: normalisation and the three term views, index and query alike."""
from helpcenter.search import analysis as A


def test_half_and_full_width_normalise_to_the_same_text():
    assert A.normalize("ｽﾏﾎ") == A.normalize("スマホ") == "スマホ"
    assert A.normalize("２段階認証") == "2段階認証"
    assert A.normalize("ＳＭＳ") == A.normalize("sms") == "sms"
    assert A.normalize("ﾆﾝｼｮｳｺｰﾄﾞ") == "ニンショウコード"


def _normalize_by_definition(text: str) -> str:
    """normalize() without its shortcuts: NFKC of the whole text, then every rewrite."""
    import unicodedata

    if A._has_surrogates(text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFKC", text).lower()
    if not text.isprintable():
        text = text.translate(A._PRINTABLE)
    text = A._ITER.sub(lambda m: m.group(1) * (len(m.group(2)) + 1), text)
    text = A._LONG_MARKS.sub("ー", text)
    text = A._NUM_BEFORE_COUNTER.sub(lambda m: A._KANJI_NUM[m.group(1)], text)
    return A._MONTH_KA.sub("か", text)


def test_normalize_takes_shortcuts_that_never_change_its_result():
    """normalize() maps frequent characters to their NFKC form one by one and
    runs each rewrite only when its characters are there; on text built to
    catch them out (a mapped character followed by a combining mark,
    half-width kana with their sound marks, circled numbers, kanji numerals
    before counters, dashes after kana) it must give what the plain
    definition gives."""
    import random

    pieces = ["ｶﾞ", "ﾊﾟ", "ｶ", "ﾞ", "ﾟ", "\u3099", "\u0301", "Ａ", "ａ", "１", "①", "⑳", "Ⅻ", "㎏", "㌔", "︙", "　",
              "（", "）", "ー", "〜", "~", "-", "―", "二", "段階", "ヶ月", "カ月", "3", "々", "ゝ", "時", "す", "メ",
              "ル", "認証", "\u00e9", "e", "\n", "\t", "\ud800", "Ⓐ", "ﬁ", "ℓ", "½", "\u3000\u0301"]
    rnd = random.Random(20261208)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        assert A.normalize.__wrapped__(text) == _normalize_by_definition(text), ascii(text)


def test_case_is_folded():
    assert A.morph_terms("Google AUTHENTICATOR") == A.morph_terms("google authenticator")


def test_katakana_and_hiragana_give_the_same_bigrams():
    assert A.bigrams("スマホ") == A.bigrams("すまほ") == ["すま", "まほ"]


def test_kanji_numerals_before_counters_become_digits():
    assert A.normalize("二段階認証") == "2段階認証"
    assert A.normalize("二要素認証") == A.normalize("2要素認証")
    assert A.bigrams("二段階認証") == A.bigrams("２段階認証")
    # Not a count: left alone.
    assert A.normalize("一部の機能") == "一部の機能"
    assert A.normalize("統一") == "統一"


def test_counter_ka_variants_are_one_form():
    assert A.normalize("3ヶ月") == A.normalize("3カ月") == A.normalize("3か月") == "3か月"


def test_trailing_long_vowel_of_long_katakana_words_is_optional():
    assert A.bigrams("サーバー") == A.bigrams("サーバ")
    assert A.morph_terms("ユーザー") == A.morph_terms("ユーザ")
    assert A.bigrams("キー") == ["きー"]  # short words keep it


def test_long_vowel_lookalikes_after_kana_become_the_mark():
    assert A.normalize("メ-ル") == A.normalize("メ〜ル") == "メール"


def test_orthographic_variants_share_a_word_term():
    assert A.morph_terms("引継ぎ") == A.morph_terms("引き継ぎ")
    assert A.morph_terms("グーグル") == ["google"]


def test_inflections_share_the_dictionary_form():
    assert "届く" in A.morph_terms("届きません")
    assert "届く" in A.morph_terms("届かない")


def test_particles_and_light_words_are_not_terms():
    terms = A.morph_terms("コードが違うって出る")
    assert terms == ["こーど", "違う", "出る"]


def test_compound_parts_are_found_through_bigrams():
    assert A.morph_terms("バックアップキー") == ["ばっくあっぷきー"]
    assert "ばっ" in A.bigrams("バックアップキー") and "っぷ" in A.bigrams("バックアップキー")


def test_a_word_in_katakana_or_hiragana_is_one_term():
    assert A.morph_terms("ゴミの出し方")[0] == A.morph_terms("粗大ごみ")[1] == "ごみ"
    assert A.morph_terms("メールが届く") == A.morph_terms("めーるが届く")
    assert A.morph_terms("2段階認証") == ["2", "段階", "認証"]  # kanji words keep their form


def test_words_are_shown_as_written_not_as_index_terms():
    shown = [A.written_form(w) for w in A.words("パスワードを届けたゴミ") if w.content]
    assert shown == ["パスワード", "届ける", "ゴミ"]


def test_reading_bigrams_let_kana_typing_find_kanji():
    assert set(A.reading_bigrams("二段階認証")) >= set(A.bigrams("にだんかいにんしょう"))


def test_lone_surrogates_control_characters_and_emoji_are_safe():
    text = "\ud800認証\x00コード\x1b😀\u202e"
    assert "\ud800" not in A.normalize(text)
    assert "\x00" not in A.normalize(text)
    assert A.morph_terms(text) == ["認証", "こーど"]
    assert A.bigrams("😀😀") == []


def test_very_long_text_is_analysed_in_chunks():
    text = "2段階認証の設定を変更します。" * 2000
    terms = A.morph_terms(text)
    assert terms.count("変更") == 2000


def test_words_carry_offsets_into_the_normalised_text():
    norm = A.normalize("スマホ 機種変更")
    for w in A.words(norm):
        assert norm[w.start:w.start + len(w.surface)] == w.surface


def test_an_unknown_words_reading_does_not_depend_on_what_was_analysed_before():
    """Sudachi reads a joined number by its context (24時間受付 / 受付は24時間);
    the per-process morpheme cache must not keep one reading for all."""
    def reading_of(text):
        A._analyse_cached.cache_clear()
        return "".join(w.reading for w in A.words(text))

    A._MORPH.clear()
    fresh = {t: reading_of(t) for t in ("24時間受付", "受付は24時間")}
    for first, second in (("24時間受付", "受付は24時間"), ("受付は24時間", "24時間受付")):
        A._MORPH.clear()
        reading_of(first)
        assert reading_of(second) == fresh[second]


def test_normalising_twice_changes_nothing_even_for_runs_of_iteration_marks():
    # bigrams() normalises again what fold() has normalised (find-as-you-type
    # compares the two): a run of 々 must come out the same either way.
    for text in ["時々々", "人々の", "々々", "こゝろ", "ｽﾏﾎ　２段階認証", "二段階認証を3ヶ月"]:
        once = A.normalize(text)
        assert A.normalize(once) == once, text
    assert A.normalize("時々々") == "時時時"


def test_answer_terms_are_the_answer_words_and_parts_whatever_the_length():
    """answer_terms() analyses once without Word objects; it must give what
    morph_terms() and part_bigrams() give, for short and long answers."""
    sentence = "認証アプリのバックアップキーを再発行するには、設定画面から手続きしてください。"
    for text in ("", sentence, sentence * 3, sentence * 30, sentence + "\n" + sentence):
        assert A.answer_terms(text) == (A.morph_terms(text), A.part_bigrams(text))


def test_kana_text_takes_the_dot_and_marks_a_kana_word_does_not():
    # Typed in kana (coverage reads it, highlighting skips one kana alone) …
    assert A.is_kana_text("ぱすわーど・りせっと") and A.is_kana_text("ゝ")
    # … but only letters and ー are one word folded to hiragana.
    assert not A.is_kana_word("ぱすわーど・りせっと") and A.is_kana_word("パスワード")
    assert not A.is_kana_text("パスワード変更") and not A.is_kana_text("")

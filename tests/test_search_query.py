"""Parsing members' text and scoring it: pure, against small hand-made postings."""
import time

import numpy as np

from helpcenter.search import fields as F
from helpcenter.search.engine import scoring
from helpcenter.search.query import MAX_QUERY_CHARS, SynonymTable, clean, highlight_terms, normalized_query, parse
from helpcenter.search.ranking import DEFAULT
from helpcenter.search.typos import LatinWords, latin_words

SYN = SynonymTable.from_groups([["スマホ", "スマートフォン", "携帯"], ["機種変更", "機種変", "買い替え"],
                                ["パスワード", "パス", "PW"], ["退会", "アカウント削除"]])


class Postings:
    """Every (kind, term) in `known` is in entry 0 (impact 1) and entry 1 (impact 0.5);
    with `known=None` every term is. Records what was asked."""

    def __init__(self, known=None):
        self.known = known
        self.asked: list[tuple[str, str]] = []

    def __call__(self, kind, term):
        self.asked.append((kind, term))
        if self.known is not None and (kind, term) not in self.known and term not in self.known:
            return None
        return np.array([0, 1], dtype=np.int32), np.array([1.0, 0.5], dtype=np.float32)

    def terms(self, kind=None):
        return {t for k, t in self.asked if kind is None or k == kind}


def score(text, postings=None, synonyms=SYN, ranking=DEFAULT, corrections=None):
    postings = postings or Postings()
    return scoring.scores(parse(text, synonyms), 3, postings, ranking, corrections), postings


def test_query_syntax_characters_are_literal_text():
    raw = 'title:2段階 AND (認証 OR "コード") NOT * ? ~2 ^3 [a TO z] {x} \\ +-!'
    acc, p = score(raw)
    assert {"and", "or", "not"} & p.terms(F.WORDS)
    assert not any(t in ("*", "?", "~2") for t in p.terms())


def test_long_input_is_capped():
    raw = "認証" * 1000
    assert len(clean(raw)) == MAX_QUERY_CHARS
    assert len(parse(raw).text) == MAX_QUERY_CHARS


def test_control_characters_and_surrogates_are_cleaned():
    assert clean("認証\x00\x1b[31mコード\ud800\u202e") == "認証 [31mコード?"
    assert clean("  スマホ \n\t 機種変更  ") == "スマホ 機種変更"
    assert clean(None) == "" and clean("   ") == ""


def test_only_symbols_or_emoji_score_nothing():
    for raw in ["", "   ", "😀😀", "？？？", "!!!"]:
        acc, p = score(raw)
        assert not acc.any() and not p.asked


def test_normalized_query_is_the_cache_key_for_width_variants():
    assert normalized_query("ｽﾏﾎ　機種変更") == normalized_query("スマホ 機種変更")


def test_units_are_compounds_and_content_words():
    units = [u.text for u in parse("二段階認証 解除").units]
    assert units == ["2段階認証", "解除"]
    assert [u.text for u in parse("コードが違うって出る").units] == ["コード", "違う", "出る"]


def test_units_add_up_and_one_known_unit_is_enough():
    one, _ = score("コードが違うって出る", Postings({"こーど"}))
    two, _ = score("コードが違うって出る", Postings({"こーど", "違う"}))
    assert one[0] > 0 and two[0] > one[0]


def test_synonym_alternatives_count_their_best_not_their_sum():
    parsed = parse("スマホ", SYN)
    assert parsed.units[0].alternatives == ("スマートフォン", "携帯")
    # Index terms: kana-only words in hiragana (analysis.fold_kana_word).
    own, _ = score("スマホ", Postings({(F.WORDS, "すまほ")}))
    both, _ = score("スマホ", Postings({(F.WORDS, "すまほ"), (F.WORDS, "すまーとふぉん")}))
    alt_only, _ = score("スマホ", Postings({(F.WORDS, "すまーとふぉん")}))
    assert own[0] > 0
    assert both[0] == own[0]  # an entry saying both is not counted twice
    assert alt_only[0] == own[0] * DEFAULT.synonym


def test_synonyms_match_width_and_kana_variants():
    assert parse("ｽﾏﾎ", SYN).units[0].alternatives == ("スマートフォン", "携帯")
    assert parse("すまほ", SYN).units[0].alternatives == ("スマホ", "スマートフォン", "携帯")


def test_synonyms_match_whole_words_only():
    assert parse("パスポート", SYN).units[0].alternatives == ()
    assert parse("pwd", SYN).units[0].alternatives == ()
    assert parse("PW忘れた", SYN).units[0].alternatives == ("パスワード", "パス")


def test_longest_synonym_wins():
    unit = parse("機種変更したい", SYN).units[0]
    assert unit.text == "機種変更" and "機種変" in unit.alternatives


def test_a_synonym_of_several_words_must_match_all_of_them():
    only_one, _ = score("退会", Postings({(F.WORDS, "あかうんと")}))
    both, _ = score("退会", Postings({(F.WORDS, "あかうんと"), (F.WORDS, "削除")}))
    assert not only_one.any() and both[0] > 0


def test_unknown_latin_word_is_corrected_by_edit_distance():
    latin = LatinWords([("authenticator", 5), ("google", 9), ("backup", 3)])
    assert latin.corrections("authenticater") == ["authenticator"]
    assert latin.corrections("google") == []  # known: nothing to correct
    assert latin.corrections("zzzzzz") == []
    acc, p = score("Authenticater", Postings({(F.WORDS, "authenticator")}), corrections=latin.corrections)
    assert acc[0] == DEFAULT.fuzzy


def test_long_latin_words_allow_two_edits():
    assert LatinWords([("authenticator", 1)]).corrections("authentificator") == ["authenticator"]


def test_did_you_mean_replaces_the_misspelt_word_only():
    latin = LatinWords([("authenticator", 1)])
    assert latin.did_you_mean(parse("Authenticater バックアップ")) == "authenticator バックアップ"
    assert latin.did_you_mean(parse("スマホ")) is None


def test_fuzzy_matching_is_bounded_by_word_length_and_count():
    vocab = [("a" * n, 1) for n in range(3, 30)] + [(w, 1) for w in ("account", "accept", "access")]
    latin = LatinWords(vocab)
    assert latin.corrections("a" * 200) == [] and latin.corrections("a" * 25) == []
    assert len(latin_words(parse(" ".join(f"acount{i}x" for i in range(40))))) <= 4
    start = time.perf_counter()
    for q in ("a" * 200, "ｚ" * 1000, " ".join(["accuont"] * 100)):
        latin.did_you_mean(parse(q))
        scoring.scores(parse(q), 3, Postings(set()), DEFAULT, latin.corrections)
    assert time.perf_counter() - start < 0.5  # an ordinary query takes a few ms; before the bound, 0.5-1 s each


def test_bigram_weight_falls_with_query_length():
    grams = Postings({(F.GRAMS, "機種"), (F.GRAMS, "種変")})
    short, _ = score("機種変更", grams, synonyms=SynonymTable.from_groups([]))
    long, _ = score("来週スマートフォンの機種変更を予定していますが認証アプリの引き継ぎ方法と事前準備を教えてください",
                    grams, synonyms=SynonymTable.from_groups([]))
    assert 0 < long[0] < short[0]


def test_highlight_terms_include_typed_words_forms_and_synonyms():
    terms = highlight_terms(parse("スマホ 届かない", SYN))
    assert "すまほ" in terms and "すまーとふぉん" in terms
    assert "届" in terms  # the stem marks 届きません too


def test_latin_words_with_digits_stay_whole():
    assert [u.text for u in parse("iPhone15に変えた").units][0] == "iphone15"
    _, p = score("zqxw58b3b", Postings({"iphone"}))
    assert "58" not in p.terms() and "3" not in p.terms()


def test_top_breaks_ties_by_entry_and_filters():
    acc = np.array([0.5, 2.0, 2.0, 0.0, 1.0], dtype=np.float32)
    assert scoring.top(acc, 10) == [(1, 2.0), (2, 2.0), (4, 1.0), (0, 0.5)]
    assert scoring.top(acc, 2) == [(1, 2.0), (2, 2.0)]
    mask = np.array([True, False, True, True, False])
    assert scoring.top(acc, 10, mask) == [(2, 2.0), (0, 0.5)]
    assert scoring.top(np.zeros(3, dtype=np.float32), 5) == []


def test_top_selects_what_the_positive_entries_argpartition_selects():
    """top() selects over every entry when no score outside its selection ties
    with the lowest selected (the selection is then the only one); else the
    positive entries' argpartition decides, as it always did."""
    def reference(acc, limit):
        ids = np.flatnonzero(acc > 0)
        if len(ids) > limit:
            ids = ids[np.argpartition(-acc[ids], limit - 1)[:limit]]
        ids = ids[np.lexsort((ids, -acc[ids]))]
        return list(zip(ids.tolist(), acc[ids].tolist()))

    rng = np.random.default_rng(11)
    for _ in range(2000):
        n = int(rng.integers(1, 400))
        acc = rng.random(n).astype(np.float32) * (rng.random(n) < 0.7)
        if rng.random() < 0.5:
            acc = (np.round(acc * 4) / 4).astype(np.float32)  # many ties
        for limit in (1, 5, 100, n, n + 3):
            assert scoring.top(acc, limit) == reference(acc, limit)

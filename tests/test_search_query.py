"""Building Whoosh queries from members' text: pure, against a fake lexicon."""
from whoosh import query as wq

from helpcenter.search import fields as F
from helpcenter.search.query import (MAX_QUERY_CHARS, SynonymTable, build, clean, corrections, did_you_mean,
                                     highlight_terms, normalized_query, parse)
from helpcenter.search.ranking import DEFAULT


class FakeLexicon:
    """Every term is known (df 1 of 100) unless listed as unknown; Latin words from `vocab`."""

    def __init__(self, vocab=(), unknown=(), common=()):
        self.vocab, self.unknown, self.common = set(vocab), set(unknown), set(common)

    def doc_count(self):
        return 100

    def doc_frequency(self, field, text):
        if text in self.unknown:
            return 0
        if text.isascii() and text.isalpha() and self.vocab and text not in self.vocab:
            return 0
        return 90 if text in self.common else 1

    def terms_within(self, field, text, maxdist, prefix):
        from whoosh.util.text import rcompile  # noqa: F401  (whoosh is importable)

        def dist(a, b):
            prev = list(range(len(b) + 1))
            for i, ca in enumerate(a, 1):
                cur = [i]
                for j, cb in enumerate(b, 1):
                    cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
                prev = cur
            return prev[-1]
        return [w for w in self.vocab if w[:prefix] == text[:prefix] and dist(w, text) <= maxdist]


def all_terms(q):
    return [t for t in q.all_terms()]


def term_texts(q):
    return {text for _, text in q.all_terms()}


SYN = SynonymTable.from_groups([["スマホ", "スマートフォン", "携帯"], ["機種変更", "機種変", "買い替え"],
                                ["パスワード", "パス", "PW"], ["退会", "アカウント削除"]])


def test_whoosh_syntax_characters_are_literal_text():
    raw = 'title:2段階 AND (認証 OR "コード") NOT * ? ~2 ^3 [a TO z] {x} \\ +-!'
    q = build(parse(raw), FakeLexicon())
    fields = {f for f, _ in all_terms(q)}
    assert fields <= set(F.WORD_FIELDS + F.NGRAM_FIELDS + (F.READING,))
    assert not any(isinstance(sub, (wq.Wildcard, wq.Prefix, wq.Phrase, wq.Not)) for sub in _walk(q))
    assert {"and", "or", "not"} <= term_texts(q) or "and" in term_texts(q)


def _walk(q):
    yield q
    for child in q.children():
        yield from _walk(child)


def test_long_input_is_capped():
    raw = "認証" * 1000
    assert len(clean(raw)) == MAX_QUERY_CHARS
    assert len(parse(raw).text) == MAX_QUERY_CHARS


def test_control_characters_and_surrogates_are_cleaned():
    assert clean("認証\x00\x1b[31mコード\ud800\u202e") == "認証 [31mコード?"
    assert clean("  スマホ \n\t 機種変更  ") == "スマホ 機種変更"
    assert clean(None) == "" and clean("   ") == ""


def test_only_symbols_or_emoji_build_no_query():
    for raw in ["", "   ", "😀😀", "？？？", "!!!"]:
        assert build(parse(raw), FakeLexicon()) is wq.NullQuery


def test_normalized_query_is_the_cache_key_for_width_variants():
    assert normalized_query("ｽﾏﾎ　機種変更") == normalized_query("スマホ 機種変更")


def test_units_are_compounds_and_content_words():
    units = [u.text for u in parse("二段階認証 解除").units]
    assert units == ["2段階認証", "解除"]
    assert [u.text for u in parse("コードが違うって出る").units] == ["コード", "違う", "出る"]


def test_units_are_or_grouped():
    q = build(parse("コードが違うって出る"), FakeLexicon())
    assert isinstance(q, wq.Or)
    assert not isinstance(q, wq.And)


def test_synonym_expands_to_a_dismax_of_alternatives_weighted_lower():
    parsed = parse("スマホ 機種変更", SYN)
    assert parsed.units[0].alternatives == ("スマートフォン", "携帯")
    q = build(parsed, FakeLexicon())
    groups = [sub for sub in q.subqueries if isinstance(sub, wq.DisjunctionMax)]
    assert len(groups) == 2
    own, *alts = groups[0].subqueries
    own_boost = max(t.boost for t in _walk(own) if isinstance(t, wq.Term) and t.fieldname == F.TITLE_WORDS)
    alt_boost = max(t.boost for t in _walk(alts[0]) if isinstance(t, wq.Term) and t.fieldname == F.TITLE_WORDS)
    assert alt_boost == own_boost * DEFAULT.synonym < own_boost
    assert "スマートフォン" in term_texts(q) and "携帯" in term_texts(q)


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
    q = build(parse("退会", SYN), FakeLexicon())
    group = q if isinstance(q, wq.DisjunctionMax) else next(s for s in q.subqueries if isinstance(s, wq.DisjunctionMax))
    assert any(isinstance(s, wq.And) and {"アカウント", "削除"} <= term_texts(s) for s in group.subqueries)


def test_unknown_latin_word_is_corrected_by_edit_distance():
    lex = FakeLexicon(vocab={"authenticator", "google", "backup"})
    assert corrections("authenticater", lex) == ["authenticator"]
    assert corrections("google", lex) == []  # known: nothing to correct
    assert corrections("zzzzzz", lex) == []
    q = build(parse("Authenticater バックアップ"), lex)
    fuzzy = [t for t in _walk(q) if isinstance(t, wq.Term) and t.text == "authenticator"]
    assert fuzzy and all(t.boost < DEFAULT.weights[t.fieldname] for t in fuzzy)


def test_long_latin_words_allow_two_edits():
    lex = FakeLexicon(vocab={"authenticator"})
    assert corrections("authentificator", lex) == ["authenticator"]


def test_did_you_mean_replaces_the_misspelt_word_only():
    lex = FakeLexicon(vocab={"authenticator"})
    assert did_you_mean(parse("Authenticater バックアップ"), lex) == "authenticator バックアップ"
    assert did_you_mean(parse("スマホ"), lex) is None


def test_pruning_leaves_out_terms_too_common_to_matter_but_never_the_strongest():
    lex = FakeLexicon(common={"認証", "にん", "しょ", "ょう"})
    ranking = DEFAULT.with_(prune=0.2)
    assert "認証" in term_texts(build(parse("認証 解除"), lex))
    assert "認証" not in term_texts(build(parse("認証 解除"), lex, ranking))
    assert "解除" in term_texts(build(parse("認証 解除"), lex, ranking))
    everything_common = FakeLexicon(common={"認証", "にん", "んし", "しょ", "ょう"})
    assert "認証" in term_texts(build(parse("認証"), everything_common, ranking))


def test_postings_budget_keeps_the_most_telling_terms():
    lex = FakeLexicon(common={"認証", "コード"})
    full = build(parse("認証コード 解除"), lex)
    budgeted = build(parse("認証コード 解除"), lex, DEFAULT.with_(max_postings=10))
    assert "解除" in term_texts(budgeted)
    assert len(term_texts(budgeted)) < len(term_texts(full))


def test_bigram_weight_falls_with_query_length():
    lex = FakeLexicon()
    short = build(parse("機種変更"), lex)
    long = build(parse("来週スマートフォンの機種変更を予定していますが認証アプリの引き継ぎ方法と事前準備を教えてください"), lex)

    def ngram_boost(q):
        return max(t.boost for t in _walk(q) if isinstance(t, wq.Term) and t.fieldname == F.TITLE_NGRAMS)
    assert ngram_boost(long) < ngram_boost(short)


def test_highlight_terms_include_typed_words_forms_and_synonyms():
    terms = highlight_terms(parse("スマホ 届かない", SYN))
    assert "すまほ" in terms and "すまーとふぉん" in terms
    assert "届" in terms  # the stem marks 届きません too


def test_latin_words_with_digits_stay_whole():
    assert [u.text for u in parse("iPhone15に変えた").units][0] == "iphone15"
    q = build(parse("zqxw58b3b"), FakeLexicon(vocab={"iphone"}))
    assert "58" not in term_texts(q) and "3" not in term_texts(q)

"""The search service over the real content's index: results, paging, filter,
cache, suggestions and wizard matching (no Flask)."""

import pytest

from helpcenter.pagination import PageOutOfRange
from helpcenter.search import indexer, service
from helpcenter.search.store import Generation

NASTY = ["", " ", "\x00\x01", "\ud800\udfff\ud800", "😀" * 300, "a" * 10_000, 'title:"x" AND (y OR z*)',
         "*", "?", "~", "^", "[", "{", "\\", "'", '"', "NOT", "AND OR NOT", "<script>alert(1)</script>",
         "１２３４５６７８９０", "ｱｲｳｴｵ", "　", "\u202e\u200b", "%00", "../../etc/passwd"]


def numbers(result):
    return [h.number for h in result.hits]


@pytest.mark.parametrize("query, expected", [
    ("コードが違うって出る", 3822),
    ("メール来ない", 3821),
    ("二段階認証 解除", 3814),
    ("ｽﾏﾎ 機種変更", 3820),
    ("Authenticater バックアップ", 3816),
    ("バックアップキー", 3816),
    ("にだんかいにんしょう", 3830),
])
def test_members_phrasings_find_the_entry_in_the_top_three(gen, query, expected):
    assert expected in numbers(service.search(gen, query))[:3]


def test_hits_carry_what_pages_api_and_chat_need(gen):
    result = service.search(gen, "バックアップキー")
    hit = next(h for h in result.hits if h.number == 3816)
    assert hit.url == "/faq/3816" and hit.title.startswith("アプリ(Google Authenticator")
    assert hit.categories == ("two-factor/other", "two-factor/glossary")
    assert hit.updated > hit.published > 1_600_000_000
    assert "<mark>バックアップキー</mark>" in hit.excerpt_html
    assert "<mark>" not in hit.excerpt and "バックアップキー" in hit.excerpt
    assert hit.doc.number == 3816 and hit.doc.url == hit.url and hit.score > 0
    assert result.query == "バックアップキー" and result.normalized == "バックアップキー"


def test_excerpt_html_escapes_the_answer_and_the_query(gen):
    result = service.search(gen, "<script>alert(1)</script> 認証")
    for hit in result.hits:
        assert "<script" not in hit.excerpt_html
        assert hit.excerpt_html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_paging_splits_the_ranked_list(gen):
    first = service.search(gen, "2段階認証", page=1, per_page=5)
    assert first.total > 10 and first.pages == -(-first.total // 5)
    second = service.search(gen, "2段階認証", page=2, per_page=5)
    assert len(first.hits) == 5 and not set(numbers(first)) & set(numbers(second))
    last = service.search(gen, "2段階認証", page=first.pages, per_page=5)
    assert 1 <= len(last.hits) <= 5


def test_page_past_the_last_raises(gen):
    total_pages = service.search(gen, "2段階認証").pages
    with pytest.raises(PageOutOfRange):
        service.search(gen, "2段階認証", page=total_pages + 1)
    with pytest.raises(PageOutOfRange):
        service.search(gen, "2段階認証", page=0)


def test_a_query_with_no_results_has_one_empty_page(gen):
    result = service.search(gen, "😀😀😀")
    assert (result.total, result.page, result.pages, result.hits) == (0, 1, 1, ())
    with pytest.raises(PageOutOfRange):
        service.search(gen, "😀😀😀", page=2)


def test_category_filter_keeps_entries_of_that_category_and_its_children(gen):
    everything = service.search(gen, "変更")
    login = service.search(gen, "変更", category="login")
    assert 0 < login.total < everything.total
    assert all("login" in h.categories for h in login.hits)
    parent = service.search(gen, "変更", category="two-factor")
    assert parent.total and all(any(c.startswith("two-factor") for c in h.categories) for h in parent.hits)


def test_unknown_category_raises(gen):
    with pytest.raises(service.UnknownCategory):
        service.search(gen, "変更", category="no-such")


def test_repeated_query_is_served_from_the_generations_results_cache(gen):
    first = service.search(gen, "スマホ 機種変更")
    before = gen.engine.results.hits
    again = service.search(gen, "スマホ 機種変更")
    assert again is first and gen.engine.results.hits == before + 1
    # Width variants share the entry; the query shown is the member's own.
    variant = service.search(gen, "ｽﾏﾎ　機種変更")
    assert numbers(variant) == numbers(first) and variant.query == "ｽﾏﾎ 機種変更"


def test_cache_can_be_disabled(built_index):

    g = Generation(indexer.current_generation(built_index.parent), cache_size=0)
    try:
        a = service.search(g, "パスワード")
        b = service.search(g, "パスワード")
        assert a is not b and numbers(a) == numbers(b) and len(g.engine.results) == 0
    finally:
        g.close()


@pytest.mark.parametrize("raw", NASTY)
def test_any_string_is_safe(gen, raw):
    result = service.search(gen, raw)
    assert len(result.query) <= 200
    service.suggest(gen, raw)
    service.wizard_matches(gen, raw)


def test_gibberish_with_digits_finds_nothing(gen):
    # Sudachi splits it into zqxw / 58 / b / 3 / b; the numbers alone must not match.
    assert service.search(gen, "zqxw58b3b9").total == 0


def test_misspelt_latin_word_is_found_and_suggested(gen):
    result = service.search(gen, "Authenticater")
    assert result.total and result.hits[0].number in (3813, 3816, 3817, 3818, 3819, 3811, 3827)
    assert result.suggestion == "authenticator"


def test_suggest_matches_titles_and_aliases_as_you_type(gen):
    got = service.suggest(gen, "パスワ")
    assert 0 < len(got) <= 8
    assert all(set(s) == {"number", "title", "url"} for s in got)
    assert all("パスワード" in s["title"] for s in got[:3])
    assert service.suggest(gen, "ﾊﾞｯｸｱｯﾌﾟ")[0]["number"] == 3816
    assert service.suggest(gen, "") == [] and service.suggest(gen, "😀") == []
    assert len(service.suggest(gen, "認証", limit=3)) == 3


def test_suggest_tolerates_a_typo_through_shared_bigrams(gen):
    assert 3816 in [s["number"] for s in service.suggest(gen, "バックアプキー")]


def test_wizards_are_offered_when_the_query_is_about_them(gen):
    assert [w.id for w in service.wizard_matches(gen, "機種変更")][:1] == ["changing-phones"]
    assert "code-rejected" in [w.id for w in service.wizard_matches(gen, "コードが違うって出る")]
    assert "code-not-arriving" in [w.id for w in service.wizard_matches(gen, "認証コードが届かない")]
    assert service.wizard_matches(gen, "肉じゃがの作り方") == []
    assert service.wizard_matches(gen, "") == []


def test_suggest_finds_half_typed_latin_words_and_mixed_text(gen):
    # The bigram index filters Japanese text only: 「goo」 is in no question as
    # a term, and 「smsで」's で is no bigram of any question.
    assert any("Google" in s["title"] for s in service.suggest(gen, "goo"))
    got = service.suggest(gen, "SMSで")
    assert got and "SMSで" in got[0]["title"]


def test_suggest_tolerates_a_typo_by_shared_bigrams(gen):
    got = service.suggest(gen, "パスワードをわすれた")
    assert any(s["number"] == 4002 for s in got)


def test_results_cache_never_mixes_two_generations_of_the_same_name(tmp_path, small_content):
    """Evaluation builds temporary generations that are all called gen-temporary."""
    from helpcenter.content.loader import load_content

    content, _ = load_content(small_content)
    gens = []
    for i, keep in enumerate([True, False]):
        target = tmp_path / f"run{i}" / "gen-temporary"
        target.mkdir(parents=True)
        faqs = content.faqs if keep else {}
        indexer.build_generation(type(content)(content.site, content.categories, faqs, content.synonyms, {}), target)
        gens.append(Generation(target))
    try:
        word = next(iter(content.faqs.values())).title[:4]
        assert service.search(gens[0], word).total > 0
        assert service.search(gens[1], word).total == 0
    finally:
        for g in gens:
            g.close()


def test_a_word_in_the_question_or_an_alias_counts_more_than_in_the_answer(tmp_path, small_content):
    """Ranking weighs the question and aliases above the answer: the same word
    once in the question (or an alias) beats it once in a longer answer."""
    from helpcenter.content.loader import load_content
    from support import faq_text

    filler = "お手続きの詳細は会員ページをご確認ください。受付は平日のみです。"
    entries = {
        10: faq_text(10, "宅配ボックスは使えますか", body=filler * 2),
        11: faq_text(11, "荷物の受け取り方法", body=filler + "宅配ボックスもご利用いただけます。" + filler),
        12: faq_text(12, "受け取りの場所を変えたい", body=filler * 2, extra="aliases:\n  - 宅配ボックスに入れてほしい\n"),
    }
    for n, text in entries.items():
        (small_content / "faq" / f"{n}.md").write_text(text, encoding="utf-8")
    content, problems = load_content(small_content)
    assert content is not None, problems
    target = tmp_path / "gen-weights"
    target.mkdir()
    indexer.build_generation(content, target)
    g = Generation(target)
    try:
        order = [h.number for h in service.search(g, "宅配ボックス").hits]
        assert order.index(10) < order.index(11) and order.index(12) < order.index(11)
    finally:
        g.close()


def test_suggest_filters_only_on_bigrams_of_two_japanese_characters(tmp_path, small_content):
    """A digit that a Latin word took (win11で) makes a typed 「1で」 a bigram
    no question has: it must not hide the question (the full scan finds it)."""
    from helpcenter.content.loader import load_content
    from support import faq_text

    (small_content / "faq" / "20.md").write_text(faq_text(20, "win11で印刷できない"), encoding="utf-8")
    content, _ = load_content(small_content)
    target = tmp_path / "gen-suggest"
    target.mkdir()
    indexer.build_generation(content, target)
    g = Generation(target)
    try:
        assert [s["number"] for s in service.suggest(g, "1で印")] == [20]
    finally:
        g.close()


def test_a_search_parses_the_query_once_and_carries_its_units_and_wizards(gen, monkeypatch):
    from helpcenter.chat.retrieval import IndexKnowledge
    from helpcenter.search import engine as engine_module

    calls = []
    real = engine_module.parse
    monkeypatch.setattr(engine_module, "parse", lambda *a: calls.append(a) or real(*a))
    result = service.search(gen, "コードが違うって出る")
    assert len(calls) == 1
    assert result.parsed.normalized == "コードが違うって出る" and [u.text for u in result.units][:1] == ["コード"]
    assert "code-rejected" in [w.id for w in result.wizards]
    IndexKnowledge(gen).search("正しいコードを入れてるのにエラーになる")
    assert len(calls) == 2  # the chatbot's message: once too


def test_hits_and_pages_read_the_faq_read_model(gen):
    from helpcenter.search.documents import FaqDoc

    doc = gen.faq(3816)
    assert isinstance(doc, FaqDoc) and doc.related and all(isinstance(n, int) for n in doc.related)
    assert doc.categories[0] == doc.primary_category == "two-factor/other" and doc.url == "/faq/3816"
    assert service.search(gen, "バックアップキー").hits[0].doc == doc


def test_suggest_candidates_lose_no_question_a_full_scan_finds(gen):
    """The character and term postings only narrow the scan: for prefixes of
    every question and alias (1-4 characters, Latin too) the answer equals a
    scan of every row."""
    import numpy as np

    table = gen.engine.suggestions
    typed = {t[:k] for row in table.rows for t in (row[1], *row[3]) for k in (1, 2, 3, 4)} | {"goo", "sms", "pc"}
    narrow = {t: service.suggest(gen, t) for t in typed}
    every = np.arange(len(table.rows))
    table.containing = lambda text: every
    table.candidates = lambda grams, need: every
    assert {t: service.suggest(gen, t) for t in typed} == narrow


def test_the_engines_synonym_table_gives_what_the_analysis_would(gen):
    """Engine.unit_terms, Engine.variant and Engine.content_parts look the
    synonyms' words up in a table built once per generation: the same as
    query.unit_terms, coverage.variant and scoring.content_parts, and those
    for any other text."""
    from helpcenter.search import coverage as C
    from helpcenter.search.engine import scoring
    from helpcenter.search.query import unit_terms

    engine = gen.engine
    assert engine.synonym_terms
    for text in list(engine.synonym_terms) + ["パスワードを忘れた", "iphone15", "zzz"]:
        forms, grams = engine.unit_terms(text)
        assert (list(forms), list(grams)) == unit_terms(text)
        assert engine.variant(text) == C.variant(text)
        assert list(engine.content_parts(text)) == scoring.content_parts(text)
    for text, entry in engine.synonym_terms.items():  # the content words scoring reads for a synonym of several
        assert list(entry[3]) == scoring.content_parts(text)


def test_a_query_before_prepare_does_not_build_the_synonym_table(gen):
    """A fresh worker's first query does not wait for the table; prepare()
    builds it, and the results are the same with it."""
    first = service.search(gen, "スマホでログインできない")
    assert "synonym_terms" not in gen.engine.__dict__
    service.prepare(gen)
    assert gen.engine.synonym_terms
    gen.engine.results.clear()
    again = service.search(gen, "スマホでログインできない")
    assert [(h.number, h.score, h.excerpt_html) for h in again.hits] == \
        [(h.number, h.score, h.excerpt_html) for h in first.hits]
    assert again.units == first.units

"""SudachiDict's synonym groups: a query word also matches the collection's
words in its groups (転居 = 引っ越し), with or without word vectors."""
from __future__ import annotations

import pytest
from support import entries_generation

from helpcenter.search import analysis, service
from helpcenter.search.engine import arrays
from helpcenter.search.ranking import DEFAULT
from helpcenter.search.store import Generation


def test_words_of_one_meaning_share_a_sudachi_synonym_group_whatever_their_script():
    moving = set(analysis.synonym_groups("転居"))
    assert moving and moving & set(analysis.synonym_groups("引っ越し"))
    # A kana word is indexed in hiragana (fold_kana_word); its group is the katakana word's.
    assert set(analysis.synonym_groups("すまほ")) & set(analysis.synonym_groups("スマートフォン"))
    assert not moving & set(analysis.synonym_groups("パスワード"))
    assert analysis.synonym_groups("ぬらりひょんぺけぽん") == ()  # not one dictionary word
    assert analysis.synonym_groups("a" * 60_000) == ()  # a term too long for Sudachi (a long Latin run) is no word


def _numbers(gen: Generation, query: str, **ranking) -> list[int]:
    return [h.doc.number for h in service.search(gen, query, ranking=DEFAULT.with_(**ranking)).hits]


def test_a_query_finds_an_entry_that_says_it_with_a_synonym(tmp_path, small_content):
    gen = entries_generation(tmp_path, small_content, {
        30: ("転居したときの届け出", "転居したら市役所の窓口で届け出てください。"),
        32: ("税金の払い方", "納付書で払えます。"),
    })
    try:
        groups = arrays.read_synonym_groups(gen.path / arrays.DIR)
        terms = gen.engine.kinds["words"].terms
        assert any("転居" in {terms[i] for i in ids} for ids in groups.values())
        assert "引っ越し" not in terms
        assert _numbers(gen, "引っ越し") == [30]
        assert _numbers(gen, "引っ越し", sudachi_synonym=0.0) == []
        # The excerpt marks the word search matched in the member's word's place.
        assert "<mark>転居</mark>" in service.search(gen, "引っ越し").hits[0].excerpt_html
    finally:
        gen.close()


@pytest.fixture
def moving(tmp_path, small_content):
    """Two entries on moving house: one says 転居, one 引っ越し (one SudachiDict group)."""
    gen = entries_generation(tmp_path, small_content, {
        30: ("転居したときの届け出", "市役所の窓口で届け出てください。"),
        31: ("引っ越しの届け出", "市役所の窓口で届け出てください。"),
    })
    yield gen
    gen.close()


def _ranked(gen: Generation, query: str, **ranking) -> dict[int, float]:
    return dict(gen.engine.rank(gen.engine.parse(query), ranking=DEFAULT.with_(min_relative=0.0, **ranking)))


def test_the_members_own_word_counts_more_than_its_synonym(moving):
    assert list(_ranked(moving, "引っ越し"))[:2] == [31, 30]
    # Without the bigram and reading streams (where only 31 has 引っ越し's
    # letters) and the re-ranking by coverage, 30 counts half of what 31's
    # word counts: sudachi_synonym.
    scores = _ranked(moving, "引っ越し", streams={"title_ngrams": {"weight": 0}, "reading": {"weight": 0}},
                     coverage=0)
    assert abs(scores[30] / scores[31] - DEFAULT.sudachi_synonym) < 0.02


def test_a_group_broader_than_the_limit_is_not_used(moving):
    assert 30 in _ranked(moving, "引っ越し", sudachi_group_max=2)
    # 転居 and 引っ越し: two of the collection's words are in the group
    assert 30 not in _ranked(moving, "引っ越し", sudachi_group_max=1)

"""Search results re-ordered by query coverage (Ranking.coverage): an entry
that has every word of the query before one that repeats one of them."""
from __future__ import annotations

import json

import numpy as np
import pytest
from support import ROOT, entries_generation

from helpcenter.search import coverage as C
from helpcenter.search import service
from helpcenter.search.ranking import DEFAULT


@pytest.fixture
def points(tmp_path, small_content):
    gen = entries_generation(tmp_path, small_content, {
        40: ("ポイントの使い方", "ポイントはポイント画面で使えます。ポイントの残高もポイント画面で確かめられます。"),
        41: ("有効期限について", "ポイントの有効期限は付与から1年です。"),
    })
    yield gen
    gen.close()


def _order(gen, query: str, ranking=DEFAULT) -> list[tuple[int, float]]:
    return [(n, s) for n, s in gen.engine.rank(gen.engine.parse(query), ranking=ranking) if n in (40, 41)]


def test_an_entry_that_has_every_query_word_outranks_one_that_repeats_one(points):
    # BM25 adds up: 40 says ポイント six times (question included) and never 期限.
    assert [n for n, _ in _order(points, "ポイントの期限", DEFAULT.with_(coverage=0))] == [40, 41]
    ranked = _order(points, "ポイントの期限")
    assert [n for n, _ in ranked] == [41, 40] and ranked[0][1] > ranked[1][1]
    assert [h.number for h in service.search(points, "ポイントの期限").hits][:2] == [41, 40]


def test_the_scores_stay_in_the_order_of_the_results(points):
    """The re-ordered entries' scores are score / best + coverage × coverage
    times the best: never below their old score, so they stay above the
    entries after them, and what ranks by score sees the same order."""
    for query in ("ポイントの期限", "ポイント", "有効期限 画面 残高", "使い方"):
        scores = [s for _, s in points.engine.rank(points.engine.parse(query))]
        assert scores == sorted(scores, reverse=True), query
    before = dict(_order(points, "ポイントの期限", DEFAULT.with_(coverage=0)))
    after = dict(_order(points, "ポイントの期限"))
    assert all(after[n] >= before[n] for n in before)


def test_only_the_first_candidates_are_re_ordered(points):
    one = DEFAULT.with_(coverage_candidates=1)
    assert [n for n, _ in _order(points, "ポイントの期限", one)] == [40, 41]


def test_coverage_from_the_index_is_nearly_that_of_the_entry_text():
    """Engine.coverage_of (the index's terms, for the first results of every
    query) against coverage() of each entry's whole text: the same for most
    entries; they differ where an answer's bigrams across words count (the
    index keeps those of its longer words) and where a category's title
    names a query word (the index has it, DocTerms not). Measured on our
    content and eval/queries.jsonl: 89% equal, mean difference 0.011."""
    from helpcenter.search.workbench import temporary_generation

    with temporary_generation(ROOT / "content") as gen:
        engine, diffs = gen.engine, []
        with open(ROOT / "eval" / "queries.jsonl", encoding="utf-8") as f:
            queries = [json.loads(line)["query"] for line in f if line.strip()]
        for query in queries:
            parsed = engine.parse(service.clean(query))
            units = engine.coverage_units(parsed)
            top = engine.rank(parsed, limit=20)
            ids = np.searchsorted(engine.numbers, [n for n, _ in top])
            ours = engine.coverage_of(units, ids)
            text = [C.coverage(units, engine.doc_terms(gen.faq(n, hidden=True))[0]) for n, _ in top]
            diffs.extend(np.abs(ours - np.array(text)).tolist())
    diffs = np.array(diffs)
    assert len(diffs) > 2000
    assert np.mean(diffs < 1e-9) > 0.85 and diffs.mean() < 0.02

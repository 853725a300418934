"""Our scorer gives Whoosh's BM25F scores, faster; DisjunctionMax and And as documented."""
import json
from pathlib import Path

import pytest
from whoosh import query as wq

from helpcenter.search import scorer, service
from helpcenter.search.query import build, parse
from helpcenter.search.ranking import DEFAULT

ROOT = Path(__file__).resolve().parent.parent


def queries():
    out = ["2段階認証 解除", "バックアップキー", "にだんかいにんしょう", "Authenticater", "メール 届かない"]
    path = ROOT / "eval" / "queries.jsonl"
    if path.exists():
        out += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines()[:60]]
    return out


def test_scores_equal_whooshs_for_queries_without_synonyms(gen):
    s = gen.searcher()
    postings = scorer.Postings(DEFAULT)
    for text in queries():
        q = build(parse(text), service.SearcherLexicon(s))
        if q is wq.NullQuery:
            continue
        theirs = {d: sc for sc, d in s.search(q, limit=None).top_n}
        ours = scorer.scores(q, s, postings)
        assert set(ours) == set(theirs), text
        for d, sc in theirs.items():
            assert ours[d] == pytest.approx(sc, rel=1e-9), text


def test_disjunction_max_keeps_the_best_alternative_and_and_needs_every_part(gen):
    s = gen.searcher()
    postings = scorer.Postings(DEFAULT)
    a = wq.Term("title_words", "スマートフォン", boost=2.0)
    b = wq.Term("body_words", "スマホ")
    sa, sb = scorer.scores(a, s, postings), scorer.scores(b, s, postings)
    dismax = scorer.scores(wq.DisjunctionMax([a, b]), s, postings)
    assert set(dismax) == set(sa) | set(sb)
    for d in dismax:
        assert dismax[d] == pytest.approx(max(sa.get(d, 0), sb.get(d, 0)))
    both = scorer.scores(wq.And([a, b], boost=0.5), s, postings)
    assert set(both) == set(sa) & set(sb)
    for d in both:
        assert both[d] == pytest.approx(0.5 * (sa[d] + sb[d]))


def test_same_text_group_is_one_merged_list(gen):
    s = gen.searcher()
    postings = scorer.Postings(DEFAULT)
    group = wq.Or([wq.Term("title_words", "認証", boost=1.5), wq.Term("body_words", "認証", boost=2.0)])
    separate = scorer.scores(wq.Or([wq.Or([group.subqueries[0]]), wq.Or([group.subqueries[1]])]), s, postings)
    merged = scorer.scores(group, s, postings)
    assert merged.keys() == separate.keys()
    assert all(merged[d] == pytest.approx(separate[d]) for d in merged)


def test_postings_cache_is_bounded(gen):
    s = gen.searcher()
    postings = scorer.Postings(DEFAULT, budget=50)
    for text in ["認証", "コード", "メール", "スマホ", "パスワード", "変更"]:
        postings.impacts(s, "body_words", text)
    assert postings._size <= 50 or len(postings._cache) == 1


def test_top_breaks_ties_by_document_number_and_filters():
    acc = [0.0, 2.0, 1.0, 2.0, 0.5]
    assert scorer.top(acc, 3) == [(1, 2.0), (3, 2.0), (2, 1.0)]
    assert scorer.top(acc, 10, allow={2, 4, 0}) == [(2, 1.0), (4, 0.5)]


def test_unsupported_query_types_fall_back_to_whoosh(gen):
    s = gen.searcher()
    with pytest.raises(scorer.Unsupported):
        scorer.scores(wq.Not(wq.Term("body_words", "認証")), s, scorer.Postings(DEFAULT))


def test_top_of_nothing_is_empty():
    assert scorer.top([1.0, 2.0], 0) == []

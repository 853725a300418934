"""Search quality metrics against hand-computed values."""
import json
from math import log2

import pytest

from helpcenter.search.evaluation import (Judged, dcg, evaluate, load_queries, mean_metrics, mrr_at, ndcg_at,
                                          query_metrics, recall_at)

J = Judged("q", {10: 2, 20: 1, 30: 1})


def test_recall_at_k_asks_for_a_grade_two_entry_within_k():
    ranked = [20, 99, 10, 30]
    assert recall_at(ranked, J, 1) == 0.0   # 20 is only grade 1
    assert recall_at(ranked, J, 3) == 1.0
    assert recall_at(ranked, J, 10) == 1.0
    assert recall_at([20, 30], J, 10) == 0.0


def test_recall_counts_the_best_grade_when_there_is_no_grade_two():
    j = Judged("q", {5: 1})
    assert recall_at([5], j, 1) == 1.0


def test_mrr_is_the_reciprocal_rank_of_the_first_grade_two_entry():
    assert mrr_at([10], J) == 1.0
    assert mrr_at([20, 99, 10], J) == pytest.approx(1 / 3)
    assert mrr_at([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10], J) == 0.0  # rank 11 is outside the top 10


def test_ndcg_uses_exponential_gain_and_log2_discount():
    ranked = [20, 10, 99, 30]
    # gains: 1, 3, 0, 1 at ranks 1..4; ideal: 3, 1, 1
    got = 1 / log2(2) + 3 / log2(3) + 1 / log2(5)
    ideal = 3 / log2(2) + 1 / log2(3) + 1 / log2(4)
    assert ndcg_at(ranked, J) == pytest.approx(got / ideal)
    assert ndcg_at([10, 20, 30], J) == pytest.approx(1.0)
    assert ndcg_at([], J) == 0.0
    assert dcg([2, 1]) == pytest.approx(3 + 1 / log2(3))


def test_queries_without_judgements_score_zero():
    j = Judged("off-topic", {})
    assert query_metrics([1, 2], j) == {"recall@1": 0.0, "recall@3": 0.0, "recall@10": 0.0,
                                        "mrr@10": 0.0, "ndcg@10": 0.0}


def test_mean_and_report_by_kind_with_missed_and_wrong_first():
    judged = [Judged("a", {1: 2}, "keywords"), Judged("b", {2: 2}, "keywords"), Judged("c", {3: 2}, "typo")]
    answers = {"a": [1], "b": [9, 2], "c": [7, 8]}
    report = evaluate(judged, lambda q: answers[q])
    assert report.overall["recall@1"] == pytest.approx(1 / 3)
    assert report.overall["recall@3"] == pytest.approx(2 / 3)
    assert report.overall["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert report.by_kind["keywords"]["mrr@10"] == pytest.approx(0.75)
    assert report.counts == {"keywords": 2, "typo": 1}
    assert [j.query for j, _ in report.missed] == ["c"]
    assert [j.query for j, _ in report.wrong_first] == ["b"]
    assert mean_metrics([])["ndcg@10"] == 0.0


def test_load_queries_reads_jsonl_and_names_a_bad_line(tmp_path):
    good = tmp_path / "q.jsonl"
    good.write_text(json.dumps({"query": "メール来ない", "relevant": {"3821": 2}, "kind": "colloquial"},
                               ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert load_queries(good) == [Judged("メール来ない", {3821: 2}, "colloquial")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"query": "x"}\n{"relevant": {}}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        load_queries(bad)


def test_folds_split_a_judged_set_by_position():
    from helpcenter.search.evaluation import Judged, fold

    judged = [Judged(f"q{i}", {1: 2}) for i in range(5)]
    assert [j.query for j in fold(judged, "A")] == ["q0", "q2", "q4"]
    assert [j.query for j in fold(judged, "B")] == ["q1", "q3"]
    assert fold(judged, None) == judged
    with pytest.raises(ValueError):
        fold(judged, "C")

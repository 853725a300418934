"""`helpcenter search` and `helpcenter eval`, including the quality aims on
eval/queries.jsonl (recall@3 >= 0.95, mrr@10 >= 0.90)."""
import json
from pathlib import Path

import pytest

from helpcenter.cli import main

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "eval" / "queries.jsonl"


def test_search_command_prints_the_top_results(runner):
    result = runner.invoke(main, ["search", "Authenticater バックアップ", "--content", str(ROOT / "content"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["results"][0]["number"] == 3816
    assert data["suggestion"] == "authenticator バックアップ"
    text = runner.invoke(main, ["search", "メール来ない", "--content", str(ROOT / "content")])
    assert text.exit_code == 0 and "[3821]" in text.output


def test_eval_json_has_exactly_the_five_metrics(runner, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text(json.dumps({"query": "バックアップキー", "relevant": {"3816": 2}}) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(q), "--content", str(ROOT / "content"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10"}
    assert data["recall@1"] == 1.0 and data["mrr@10"] == 1.0


def test_eval_text_lists_misses_and_kinds(runner, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"query": "バックアップキー", "relevant": {"3816": 2}, "kind": "keywords"},
        {"query": "肉じゃがの作り方", "relevant": {"4001": 2}, "kind": "off"},
        {"query": "明日の天気"}]) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(q), "--content", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "recall@3" in result.output and "keywords" in result.output
    assert "Missed" in result.output and "肉じゃがの作り方" in result.output
    assert "1 queries without relevant entries" in result.output


def test_eval_on_a_small_collection(runner, small_content, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"query": "ショートメール 届かない", "relevant": {"1": 2}}\n', encoding="utf-8")
    result = runner.invoke(main, ["eval", str(q), "--content", str(small_content), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["recall@1"] == 1.0


def test_bad_eval_file_is_a_usage_error(runner, tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text("not json\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(q), "--content", str(ROOT / "content")])
    assert result.exit_code == 2 and "q.jsonl:1" in result.output


@pytest.mark.skipif(not QUERIES.exists(), reason="eval/queries.jsonl is not there")
def test_eval_queries_reach_the_aims(runner):
    result = runner.invoke(main, ["eval", str(QUERIES), "--content", str(ROOT / "content"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["recall@3"] >= 0.95
    assert figures["mrr@10"] >= 0.90


CITY = ROOT / "eval" / "city"


def test_the_city_collection_is_valid_content(runner):
    result = runner.invoke(main, ["check", "--content", str(CITY / "content")])
    assert result.exit_code == 0, result.output


def test_search_generalises_to_the_city_collection(runner):
    """A collection of other topics, never tuned on (docs/search.md): a floor
    under the measured ndcg@10 0.868, so a change that only helps our own
    content shows up here."""
    result = runner.invoke(main, ["eval", str(CITY / "queries.jsonl"), "--content", str(CITY / "content"), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["ndcg@10"] >= 0.85 and figures["recall@10"] >= 0.95


def test_eval_fold_measures_only_that_half_of_the_queries(runner, small_content, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(json.dumps({"query": q, "relevant": {"4002": 2}}, ensure_ascii=False) + "\n"
                               for q in ("パスワード", "ログイン", "パスワード 忘れた")), encoding="utf-8")
    counts = {}
    for fold in ("A", "B"):
        result = runner.invoke(main, ["eval", str(queries), "--content", str(small_content), "--fold", fold])
        assert result.exit_code == 0, result.output
        counts[fold] = result.output.splitlines()[0]
    assert counts == {"A": f"{queries}: 2 queries", "B": f"{queries}: 1 queries"}
    bad = runner.invoke(main, ["eval", str(queries), "--content", str(small_content), "--fold", "C"])
    assert bad.exit_code == 2

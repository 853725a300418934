"""`helpcenter eval --content DIR` and `chat-eval` work on another FAQ collection
in our format, even one without site.yaml or categories.yaml, and report the
problems they passed over on stderr, keeping stdout machine-readable."""
import json

from helpcenter.cli import main
from support import faq_text

ENTRIES = [(1, "返品はできますか", "商品到着後7日以内であれば返品を受け付けます。注文履歴から返品を申し込んでください。"),
           (2, "送料はいくらですか", "全国一律500円です。5000円以上のご注文で送料無料になります。"),
           (3, "支払い方法を教えてください", "クレジットカード、コンビニ払い、代金引換がご利用いただけます。")]
QUERIES = [("注文した商品を返品したいのですが可能でしょうか", 1), ("送料って無料になりますか", 2), ("コンビニで払える？", 3)]


def _collection(tmp_path):
    root = tmp_path / "shop"
    (root / "faq").mkdir(parents=True)
    for n, title, body in ENTRIES:
        (root / "faq" / f"{n}.md").write_text(faq_text(n, title, "[shop]", body=body), encoding="utf-8")
    (root / "faq" / "4.md").write_text(faq_text(4, updated="someday"), encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(json.dumps({"query": q, "relevant": {str(n): 2}}, ensure_ascii=False) + "\n"
                               for q, n in QUERIES), encoding="utf-8")
    return root, queries


def test_eval_on_a_foreign_collection_prints_only_the_metrics_as_json(tmp_path, runner):
    root, queries = _collection(tmp_path)
    result = runner.invoke(main, ["eval", str(queries), "--content", str(root), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert set(figures) == {"recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10"}
    assert figures["recall@3"] == 1.0
    assert "site.yaml: file is missing" in result.stderr and "not a date" in result.stderr


def test_chat_eval_on_a_foreign_collection(tmp_path, runner):
    root, queries = _collection(tmp_path)
    result = runner.invoke(main, ["chat-eval", str(queries), "--content", str(root), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["queries"] == 3


def test_eval_without_any_readable_entry_fails_clearly(tmp_path, runner):
    root = tmp_path / "empty"
    (root / "faq").mkdir(parents=True)
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "x", "relevant": {"1": 2}}\n', encoding="utf-8")
    result = runner.invoke(main, ["eval", str(queries), "--content", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output

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


def test_eval_keeps_entries_with_missing_fields_and_says_what_it_filled_in(tmp_path, runner):
    """A converted collection may lack dates, categories, a number or even
    front matter: every entry with a number (or numeric file name) and a
    question or answer is still searched, and each problem is a warning."""
    root = tmp_path / "city"
    (root / "faq").mkdir(parents=True)
    files = {
        "11.md": "粗大ごみの出し方を教えてください\n\n粗大ごみは事前に申し込んでください。\n",
        "12.md": "---\nnumber: 12\ntitle: 住民票の写しはどこで取れますか\n---\n市民課の窓口またはコンビニで取得できます。\n",
        "13.md": "---\ntitle: 犬の登録はどうすればいいですか\ncategories: [pets]\npublished: 2022-01-01\n"
                 "updated: 2021-01-01\n---\n保健所で登録してください。\n",
        "14.md": "---\nnumber: 14\n---\n# 水道の使用を止めたいとき\n\n水道局に連絡してください。\n",
        "notes.md": "---\ntitle: 番号もファイル名の数字もない\n---\n読み飛ばされます。\n",
    }
    for name, text in files.items():
        (root / "faq" / name).write_text(text, encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    rows = [("粗大ごみ 申し込み", 11), ("住民票 コンビニ", 12), ("犬 登録", 13), ("水道 止めたい", 14)]
    queries.write_text("".join(json.dumps({"query": q, "relevant": {str(n): 2}}, ensure_ascii=False) + "\n"
                               for q, n in rows), encoding="utf-8")
    result = runner.invoke(main, ["eval", str(queries), "--content", str(root), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recall@1"] == 1.0
    for warning in ("11.md:1: no front matter", "12.md:1: published: missing", "13.md:1: number: missing",
                    "13.md:5: updated: is before published", "14.md:1: title: missing", "notes.md:1: number: missing"):
        assert warning in result.stderr, warning
    assert "unknown category: 'uncategorized'" not in result.stderr


def test_check_still_rejects_what_eval_tolerates(tmp_path, runner):
    root = tmp_path / "city"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "12.md").write_text("---\nnumber: 12\ntitle: 住民票\n---\n窓口で取れます。\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--content", str(root)])
    assert result.exit_code == 1
    assert "12.md:1: categories: missing" in result.output


def test_lenient_loading_salvages_front_matter_that_is_not_valid_yaml(tmp_path):
    from helpcenter.content.loader import load_content

    root = tmp_path / "city"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "3.md").write_text("---\nnumber: 3\ntitle: 住所変更の方法: 窓口で\n---\n窓口で手続きします。\n",
                                       encoding="utf-8")
    (root / "faq" / "4.md").write_text("---\njust a string\n---\n本文です。\n", encoding="utf-8")
    (root / "faq" / "5.md").write_text("---\nnumber: 5\ntitle: 犬の登録\ncategories: [pets\n---\n保健所へ。\n",
                                       encoding="utf-8")
    content, problems = load_content(root, lenient=True)
    assert {n: f.title for n, f in content.faqs.items()} == {3: "住所変更の方法: 窓口で", 4: "本文です。", 5: "犬の登録"}
    assert content.faqs[5].categories == ("pets",)
    assert any("3.md:3: invalid YAML" in str(p) for p in problems)
    strict, _ = load_content(root)
    assert strict is None

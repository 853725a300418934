"""Index builds: documents from content, atomic switch, a failed build leaves
the live index serving, and running apps pick up a new generation."""
import os
import shutil

import pytest
from support import CONTENT, faq_text

from helpcenter.content.loader import load_content
from helpcenter.publishing import ContentInvalid, publish
from helpcenter.search import documents, fields as F, indexer
from helpcenter.search.store import IndexStore, NoIndex


def test_documents_carry_what_the_pages_show():
    content, _ = load_content(CONTENT)
    doc = documents.faq_document(content.faqs[3816], content)
    assert doc[F.NUMBER] == "3816"
    assert doc[F.CATEGORY_LIST] == "two-factor/other,two-factor/glossary"
    assert doc[F.CATEGORIES].split(",") == ["two-factor", "two-factor/other", "two-factor/glossary"]
    assert doc[F.EXCERPT].endswith("...") and 95 <= len(doc[F.EXCERPT]) <= 103
    assert "<script" not in doc[F.HTML] and "<p>" in doc[F.HTML]
    assert "flow:" not in doc[F.HTML]


def test_publish_switches_current_atomically(tmp_path, small_content):
    first = publish(str(small_content), str(tmp_path)).path
    assert indexer.current_generation(tmp_path) == first
    (small_content / "faq" / "3.md").write_text(faq_text(3, "新しい質問"), encoding="utf-8")
    second = publish(str(small_content), str(tmp_path)).path
    assert second != first and indexer.current_generation(tmp_path) == second
    assert os.path.islink(tmp_path / "index" / "CURRENT")


def test_invalid_content_never_touches_the_live_index(tmp_path, small_content):
    live = publish(str(small_content), str(tmp_path)).path
    (small_content / "faq" / "3.md").write_text(faq_text(3, updated="2021/13/01"), encoding="utf-8")
    with pytest.raises(ContentInvalid) as err:
        publish(str(small_content), str(tmp_path))
    assert "not a date" in str(err.value.problems[0])
    assert indexer.current_generation(tmp_path) == live
    store = IndexStore(tmp_path, 0)
    assert store.current().faq(1)["title"] == "SMSが届きません"


def test_a_build_that_fails_midway_leaves_no_trace_and_the_live_index_serving(tmp_path, small_content, monkeypatch):
    live = publish(str(small_content), str(tmp_path)).path
    content, _ = load_content(small_content)

    def explode(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "faq_document", explode)
    with pytest.raises(OSError):
        indexer.publish(content, tmp_path)
    assert indexer.current_generation(tmp_path) == live
    assert not list((tmp_path / "index").glob(".building-*"))
    assert IndexStore(tmp_path, 0).current().count("two-factor") == 1


def test_open_store_picks_up_a_new_generation_without_restart(tmp_path, small_content):
    publish(str(small_content), str(tmp_path))
    store = IndexStore(tmp_path, 0)
    assert store.current().faq(3) is None
    (small_content / "faq" / "3.md").write_text(faq_text(3, "追加した質問"), encoding="utf-8")
    publish(str(small_content), str(tmp_path))
    assert store.current().faq(3)["title"] == "追加した質問"


def test_stale_check_skips_rebuilding_unchanged_content(tmp_path, small_content):
    first = publish(str(small_content), str(tmp_path), only_if_stale=True)
    again = publish(str(small_content), str(tmp_path), only_if_stale=True)
    assert first.rebuilt and not again.rebuilt and again.path == first.path


def test_old_generations_are_cleaned_up(tmp_path, small_content):
    for _ in range(5):
        publish(str(small_content), str(tmp_path))
    gens = list((tmp_path / "index").glob("gen-*"))
    assert len(gens) == 1 + indexer.KEEP_OLD


def test_no_index_yet_is_reported(tmp_path):
    with pytest.raises(NoIndex):
        IndexStore(tmp_path, 0).current()


def test_category_listing_is_sorted_by_updated_and_counts_children(tmp_path):
    publish(str(CONTENT), str(tmp_path))
    gen = IndexStore(tmp_path, 0).current()
    assert gen.count("two-factor") == 24
    total, docs = gen.newest("two-factor", 10, 10)
    assert total == 24
    assert [d["number"] for d in docs] == "3822 3821 3816 3820 3818 3817 3815 3814 3811 3810".split()


def test_index_command_reports_problems_and_keeps_serving(tmp_path, runner, monkeypatch):
    from helpcenter.cli import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "inst"))
    ok = runner.invoke(main, ["index", "--content", str(content)])
    assert ok.exit_code == 0, ok.output
    live = indexer.current_generation(tmp_path / "inst")
    (content / "faq" / "3816.md").write_text("---\nnumber: 3816\n---\n", encoding="utf-8")
    bad = runner.invoke(main, ["index", "--content", str(content)])
    assert bad.exit_code == 1
    assert "content/faq/3816.md" in bad.output and "unchanged" in bad.output
    assert indexer.current_generation(tmp_path / "inst") == live


@pytest.mark.parametrize("procs", [1, 2])
def test_our_codec_writes_the_same_postings_and_statistics_as_whooshs(tmp_path, procs):
    """codec.FieldWriter inlines Whoosh's per-posting writer; small blocks (8
    postings) make every common term span many blocks."""
    from whoosh import index as windex
    from whoosh.codec.whoosh3 import W3Codec

    from helpcenter.search.codec import Codec

    content, _ = load_content(CONTENT)

    def build(name, codec):
        path = tmp_path / name
        path.mkdir()
        ix = windex.create_in(str(path), F.build_schema())
        w = ix.writer(procs=procs, multisegment=procs > 1, codec=codec)
        for faq in content.faqs.values():
            w.add_document(**documents.faq_document(faq, content))
        w.commit()
        return windex.open_dir(str(path)).reader()

    theirs, ours = build("whoosh", W3Codec(blocklimit=8)), build("ours", Codec(blocklimit=8))
    checked = 0
    schema = F.build_schema()
    for field in schema.names():
        if not schema[field].indexed:
            continue
        terms = list(theirs.lexicon(field))
        assert list(ours.lexicon(field)) == terms, field
        for t in terms:
            a, b = theirs.term_info(field, t), ours.term_info(field, t)
            for stat in ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id"):
                assert getattr(a, stat)() == getattr(b, stat)(), (field, t, stat)
            assert list(theirs.postings(field, t).all_items()) == list(ours.postings(field, t).all_items())
            checked += 1
    assert checked > 1000

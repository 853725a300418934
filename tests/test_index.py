"""Index builds: documents from content, atomic switch, a failed build leaves
the live index serving, and running apps pick up a new generation."""
import os
import shutil

import pytest
from support import CONTENT, faq_text

from helpcenter.content.loader import load_content
from helpcenter.publishing import ContentInvalid, publish
from helpcenter.search import documents, fields as F, indexer
from helpcenter.search.engine import build
from helpcenter.search.store import IndexStore, NoIndex


def test_documents_carry_what_the_pages_show():
    content, _ = load_content(CONTENT)
    doc = documents.faq_document(content.faqs[3816], content)
    assert doc[F.NUMBER] == "3816"
    assert doc[F.CATEGORY_LIST] == ["two-factor/other", "two-factor/glossary"]
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
    assert store.current().faq(1).title == "SMSが届きません"


def test_a_build_that_fails_midway_leaves_no_trace_and_the_live_index_serving(tmp_path, small_content, monkeypatch):
    live = publish(str(small_content), str(tmp_path)).path
    content, _ = load_content(small_content)

    def explode(*_a, **_k):
        raise OSError("disk full")

    # Every entry is reused from the live generation (nothing changed), so
    # the failure is in a step every build takes for every entry.
    monkeypatch.setattr(build.ArrayBuilder, "add", explode)
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
    assert store.current().faq(3).title == "追加した質問"


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
    assert [d.number for d in docs] == [3822, 3821, 3816, 3820, 3818, 3817, 3815, 3814, 3811, 3810]


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
def test_a_pool_of_analysers_builds_the_same_arrays_as_one_process(tmp_path, procs):
    import numpy as np

    from helpcenter.search.engine import arrays

    content, _ = load_content(CONTENT)
    out = {}
    for p in (1, procs):
        target = tmp_path / f"procs{p}-{len(out)}"
        target.mkdir()
        indexer.build_generation(content, target, procs=p)
        out[len(out)] = target / arrays.DIR
    a, b = out[0], out[1]
    for kind in F.KIND_FIELDS:
        ka, kb = arrays.read_kind(a, kind), arrays.read_kind(b, kind)
        assert ka.terms == kb.terms and len(ka.terms) > 100
        for name in arrays.ARRAYS:
            assert np.array_equal(getattr(ka, name), getattr(kb, name)), (kind, name)


def test_the_index_holds_only_stock_whoosh_types_and_plain_values(built_index):
    """Nothing of ours is pickled into the index: the schema and stored values
    load without importing helpcenter."""
    import subprocess
    import sys

    gen = indexer.current_generation(built_index.parent)
    code = ("import sys, whoosh.index as w; ix = w.open_dir(sys.argv[1]); "
            "d = next(d for d in ix.searcher().all_stored_fields() if d['number'] == '3816'); "
            "assert not [m for m in sys.modules if m.startswith('helpcenter')]; print(d['title'])")
    out = subprocess.run([sys.executable, "-c", code, str(gen)], capture_output=True, text=True, cwd="/")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("アプリ(Google Authenticator")

"""What tests/test_index_reuse.py does not cover: a flow's URL changed (it is
in every answer that links to it), and the Whoosh fields that are indexed or
sorted by rather than stored (number, update date) of reused entries."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from support import CONTENT
from whoosh import index as windex
from whoosh.query import Every

from helpcenter import manifest
from helpcenter.content.loader import load_content
from helpcenter.search import fields as F, indexer
from helpcenter.search.engine import build
from helpcenter.search.store import Generation


def _build(content, target: Path, previous: Path | None = None) -> build.Analysed:
    target.mkdir()
    report = indexer.build_generation(content, target, procs=1, previous=previous, use_vectors=False)
    manifest.write(target)
    return report


def _whoosh(gen: Path) -> dict:
    ix = windex.open_dir(str(gen))
    try:
        with ix.searcher() as s:
            r = s.reader()
            return {"stored": sorted(s.all_stored_fields(), key=lambda d: d[F.NUMBER]),
                    **{f"column {name}": sorted(r.column_reader(name)[d] for d in r.all_doc_ids())
                       for name in (F.NUMBER_SORT, F.UPDATED_SORT)},
                    "by updated": [h[F.NUMBER] for h in s.search(Every(), sortedby=[F.UPDATED_SORT, F.NUMBER_SORT],
                                                                 limit=None)]}
    finally:
        ix.close()


def test_a_flow_moved_reaches_the_answers_that_link_to_it(tmp_path):
    content, _ = load_content(CONTENT)
    _build(content, tmp_path / "first")
    name, flow = next(iter(content.site.flows.items()))
    moved = dataclasses.replace(content, site=dataclasses.replace(
        content.site, flows={**content.site.flows, name: dataclasses.replace(flow, url="https://example.org/moved")}))
    report = _build(moved, tmp_path / "again", previous=tmp_path / "first")
    assert report.analysed == len(content.faqs)
    _build(moved, tmp_path / "scratch")
    assert _whoosh(tmp_path / "again") == _whoosh(tmp_path / "scratch")


def test_reused_entries_sort_and_filter_as_analysed_ones(tmp_path):
    content, _ = load_content(CONTENT)
    _build(content, tmp_path / "first")
    assert _build(content, tmp_path / "again", previous=tmp_path / "first").reused == len(content.faqs)
    assert _whoosh(tmp_path / "again") == _whoosh(tmp_path / "first")


def _whoosh_counts(gen: Path) -> tuple[int, int]:
    """(documents, documents including deleted ones) of a generation's Whoosh index."""
    ix = windex.open_dir(str(gen))
    try:
        return ix.doc_count(), ix.doc_count_all()
    finally:
        ix.close()


def _without(content, numbers):
    return dataclasses.replace(content, faqs={n: f for n, f in content.faqs.items() if n not in numbers})


def test_a_rebuild_keeps_the_previous_segments_and_deletes_only_what_changed(tmp_path):
    content, _ = load_content(CONTENT)
    _build(content, tmp_path / "first")
    gone = sorted(content.faqs)[:2]
    smaller = _without(content, gone)
    assert _build(smaller, tmp_path / "again", previous=tmp_path / "first").analysed == 0
    # The two removed entries are deleted documents of the kept segment, not rewritten away…
    assert _whoosh_counts(tmp_path / "again") == (len(content.faqs) - 2, len(content.faqs))
    # …and nothing a page reads tells the two builds apart.
    _build(smaller, tmp_path / "scratch")
    assert _whoosh(tmp_path / "again") == _whoosh(tmp_path / "scratch")
    kept, scratch = Generation(tmp_path / "again"), Generation(tmp_path / "scratch")
    try:
        for slug in content.categories:
            assert kept.count(slug) == scratch.count(slug), slug
            assert kept.newest(slug, 0, 100) == scratch.newest(slug, 0, 100), slug
        assert all(kept.faq(n) is None for n in gone)
    finally:
        kept.close()
        scratch.close()


def test_past_the_deleted_share_a_rebuild_writes_every_document_anew(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "MAX_DELETED_SHARE", 0.1)
    content, _ = load_content(CONTENT)
    _build(content, tmp_path / "first")
    numbers = sorted(content.faqs)
    few = _without(content, numbers[:3])  # 3 of 61 deleted: kept
    _build(few, tmp_path / "second", previous=tmp_path / "first")
    assert _whoosh_counts(tmp_path / "second") == (len(content.faqs) - 3, len(content.faqs))
    many = _without(content, numbers[:8])  # 8 of 61 would be deleted: rewritten
    assert _build(many, tmp_path / "third", previous=tmp_path / "second").analysed == 0
    assert _whoosh_counts(tmp_path / "third") == (len(content.faqs) - 8, len(content.faqs) - 8)
    _build(many, tmp_path / "scratch")
    assert _whoosh(tmp_path / "third") == _whoosh(tmp_path / "scratch")


def test_previous_segments_that_cannot_be_copied_are_written_anew(tmp_path, monkeypatch):
    content, _ = load_content(CONTENT)
    _build(content, tmp_path / "first")

    def failing_copy(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(indexer.shutil, "copy2", failing_copy)
    smaller = _without(content, sorted(content.faqs)[:1])
    report = _build(smaller, tmp_path / "again", previous=tmp_path / "first")
    assert report.reused == len(smaller.faqs)
    assert _whoosh_counts(tmp_path / "again") == (len(smaller.faqs), len(smaller.faqs))  # no deleted document
    _build(smaller, tmp_path / "scratch")
    assert _whoosh(tmp_path / "again") == _whoosh(tmp_path / "scratch")

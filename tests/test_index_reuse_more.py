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
                    **{f"lexicon {name}": sorted(r.lexicon(name)) for name in (F.CATEGORIES,)},
                    **{f"column {name}": sorted(r.column_reader(name)) for name in (F.NUMBER_SORT, F.UPDATED_SORT)},
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

"""A build takes unchanged entries' analysis from the previous generation
(search.engine.reuse) and writes exactly what a build from scratch writes."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from support import CONTENT
from whoosh import index as windex
from whoosh.query import Term

from helpcenter import manifest
from helpcenter.content.loader import load_content
from helpcenter.publishing import publish
from helpcenter.search import analysis, fields as F, indexer
from helpcenter.search.engine import arrays, build, reuse
from helpcenter.search.store import IndexStore


def _build(content, target: Path, previous: Path | None = None, procs: int = 1) -> build.Analysed:
    """A generation as publishing writes it (with its manifest)."""
    target.mkdir()
    report = indexer.build_generation(content, target, procs=procs, previous=previous)
    manifest.write(target)
    return report


def _stored(gen: Path) -> dict[int, dict]:
    ix = windex.open_dir(str(gen))
    try:
        with ix.searcher() as s:
            return {int(d[F.NUMBER]): d for d in s.all_stored_fields()}
    finally:
        ix.close()


def _same_generation(a: Path, b: Path) -> None:
    """Every engine file byte for byte, and every stored document."""
    files_a = sorted(p.relative_to(a / arrays.DIR) for p in (a / arrays.DIR).rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b / arrays.DIR) for p in (b / arrays.DIR).rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 20
    for rel in files_a:
        assert (a / arrays.DIR / rel).read_bytes() == (b / arrays.DIR / rel).read_bytes(), rel
    assert _stored(a) == _stored(b)
    assert _by_category(a) == _by_category(b)


def _by_category(gen: Path) -> dict[str, list[str]]:
    """The entries each category's browsing query finds (deleted documents
    of kept segments excluded, as every search excludes them)."""
    with windex.open_dir(str(gen)).searcher() as s:
        found = {c: sorted(h[F.NUMBER] for h in s.search(Term(F.CATEGORIES, c), limit=None))
                 for c in s.lexicon(F.CATEGORIES)}
        return {c: numbers for c, numbers in found.items() if numbers}


def _edited(content):
    """The content with one answer changed, one title changed, one entry
    removed and one added (a copy of another under a new number)."""
    faqs = dict(content.faqs)
    numbers = sorted(faqs)
    faqs[numbers[0]] = dataclasses.replace(faqs[numbers[0]], body=faqs[numbers[0]].body + "\n\n追記：ふりかえ休日は休みです。")
    faqs[numbers[1]] = dataclasses.replace(faqs[numbers[1]], title="かわった題名ですか")
    del faqs[numbers[2]]
    faqs[99999] = dataclasses.replace(faqs[numbers[3]], number=99999, title="新しく足した質問")
    return dataclasses.replace(content, faqs=faqs)


@pytest.mark.parametrize("procs", [1, 2])
def test_a_build_reusing_the_previous_generation_writes_what_a_build_from_scratch_writes(tmp_path, procs):
    content, _ = load_content(CONTENT)
    first = tmp_path / "first"
    assert _build(content, first).analysed == len(content.faqs)
    edited = _edited(content)
    scratch, reusing = tmp_path / "scratch", tmp_path / "reusing"
    _build(edited, scratch)
    report = _build(edited, reusing, previous=first, procs=procs)
    assert (report.analysed, report.reused) == (3, len(edited.faqs) - 3)
    _same_generation(scratch, reusing)


def test_an_unchanged_publish_analyses_nothing_and_a_changed_entry_is_searched_by_its_new_words(tmp_path):
    content, _ = load_content(CONTENT)
    first, second, third = tmp_path / "1", tmp_path / "2", tmp_path / "3"
    _build(content, first)
    assert _build(content, second, previous=first) == build.Analysed(analysed=0, reused=len(content.faqs))
    _same_generation(first, second)
    edited = _edited(content)
    _build(edited, third, previous=second)
    before = set(arrays.read_kind(second / arrays.DIR, F.WORDS).terms)
    after = set(arrays.read_kind(third / arrays.DIR, F.WORDS).terms)
    added = set(analysis.answer_terms(analysis.normalize("追記：ふりかえ休日は休みです。"))[0]) - before
    added |= set(analysis.morph_terms("新しく足した質問")) - before
    assert len(added) >= 3 and added <= after


def test_a_category_retitled_reanalyses_its_entries_only(tmp_path):
    content, _ = load_content(CONTENT)
    first = tmp_path / "first"
    _build(content, first)
    slug = content.faqs[sorted(content.faqs)[0]].categories[0]
    categories = dict(content.categories)
    categories[slug] = dataclasses.replace(categories[slug], title="ぜんぜん別の分類名")
    retitled = dataclasses.replace(content, categories=categories)
    in_it = sum(1 for f in content.faqs.values() if slug in build.documents.all_category_slugs(f, content))
    report = _build(retitled, tmp_path / "again", previous=first)
    assert report.analysed == in_it and 0 < in_it < len(content.faqs)
    _build(retitled, tmp_path / "scratch")
    _same_generation(tmp_path / "scratch", tmp_path / "again")


def test_a_damaged_previous_generation_is_not_reused(tmp_path):
    content, _ = load_content(CONTENT)
    live = publish(str(CONTENT), str(tmp_path / "inst")).path
    tf = live / arrays.DIR / f"{F.WORDS}.tf.npy"
    tf.write_bytes(tf.read_bytes()[:-8] + b"\0" * 8)  # the manifest no longer matches
    report = _build(content, tmp_path / "next", previous=live)
    assert report == build.Analysed(analysed=len(content.faqs), reused=0)
    _build(content, tmp_path / "scratch")
    _same_generation(tmp_path / "scratch", tmp_path / "next")


def test_an_unreadable_previous_generation_is_not_reused(tmp_path):
    content, _ = load_content(CONTENT)
    gen = tmp_path / "gen"
    _build(content, gen)
    (gen / arrays.DIR / "entries.json").write_text("[{", encoding="utf-8")
    manifest.write(gen)  # the manifest agrees: only reading it fails
    report = _build(content, tmp_path / "next", previous=gen)
    assert report.reused == 0 and report.analysed == len(content.faqs)


def test_publishing_reuses_the_live_generation(tmp_path, small_content):
    inst = tmp_path / "inst"
    publish(str(small_content), str(inst))
    (small_content / "faq" / "1.md").write_text(
        (small_content / "faq" / "1.md").read_text(encoding="utf-8") + "\n再送ボタンを押してください。\n", encoding="utf-8")
    calls = []
    real = build.analyse

    def counting(faq, content):
        calls.append(faq.number)
        return real(faq, content)

    mp = pytest.MonkeyPatch()
    mp.setattr(build, "analyse", counting)
    try:
        publish(str(small_content), str(inst))
    finally:
        mp.undo()
    assert calls == [1]
    assert "再送" in arrays.read_kind(indexer.current_generation(inst) / arrays.DIR, F.WORDS).terms
    assert IndexStore(inst, 0).current().engine.n_docs == len(load_content(small_content)[0].faqs)


def test_the_index_command_says_how_many_entries_it_analysed(tmp_path, runner, monkeypatch):
    from helpcenter.cli import main

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "inst"))
    total = len(load_content(content)[0].faqs)
    first = runner.invoke(main, ["index", "--content", str(content)])
    assert first.exit_code == 0 and f"({total} analysed, 0 taken unchanged" in first.output, first.output
    page = content / "faq" / "3816.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    second = runner.invoke(main, ["index", "--content", str(content)])
    assert second.exit_code == 0 and f"(1 analysed, {total - 1} taken unchanged" in second.output, second.output


def test_an_entry_that_cannot_be_read_back_is_analysed_instead(tmp_path, monkeypatch):
    # Stored documents are read back when the previous segments are not kept.
    monkeypatch.setattr(indexer, "MAX_DELETED_SHARE", -1.0)
    content, _ = load_content(CONTENT)
    first = tmp_path / "first"
    _build(content, first)
    real = reuse.Previous.take
    failing = build.entry_digest(content.faqs[3822], content, build.build_salt(indexer.SCHEMA_VERSION, content))

    def take(self, digest):
        if digest == failing:
            raise OSError("a segment went missing")
        return real(self, digest)

    monkeypatch.setattr(reuse.Previous, "take", take)
    report = _build(content, tmp_path / "again", previous=first)
    assert report == build.Analysed(analysed=1, reused=len(content.faqs) - 1)
    _same_generation(first, tmp_path / "again")


def test_a_previous_generation_with_nothing_to_take_is_neither_verified_nor_read(tmp_path, monkeypatch):
    content, _ = load_content(CONTENT)
    first = tmp_path / "first"
    _build(content, first)
    verified = []
    monkeypatch.setattr(reuse.manifest, "verify", lambda d: verified.append(d) or [])
    monkeypatch.setattr(build, "build_salt", lambda *a: "another schema or code")  # every digest differs
    assert _build(content, tmp_path / "again", previous=first) == build.Analysed(analysed=len(content.faqs))
    assert verified == []
    monkeypatch.undo()
    monkeypatch.setattr(reuse.manifest, "verify", lambda d: verified.append(d) or [])
    assert _build(content, tmp_path / "third", previous=first).reused == len(content.faqs)
    assert verified == [first]


def test_a_publish_whose_changed_entry_fails_to_analyse_in_the_pool_leaves_the_live_index(tmp_path, monkeypatch):
    content, _ = load_content(CONTENT)
    live, _ = indexer.publish(content, tmp_path)
    edited = _edited(content)
    real = build.analyse

    def analyse(faq, c):
        if faq.number == 99999:  # the added entry: analysed in a pool worker (a fork inherits the patch)
            raise OSError("disk full")
        return real(faq, c)

    monkeypatch.setattr(build, "analyse", analyse)
    with pytest.raises(OSError):
        indexer.publish(edited, tmp_path, procs=2)
    assert indexer.current_generation(tmp_path) == live
    assert not list((tmp_path / "index").glob(".building-*"))


def test_a_new_analysis_code_or_library_makes_the_published_index_stale(tmp_path, monkeypatch):
    before = indexer.content_fingerprint(CONTENT)
    assert indexer.content_fingerprint(CONTENT) == before
    monkeypatch.setattr(build, "analysis_versions", lambda: ["another code digest", "SudachiPy 9.9"])
    assert indexer.content_fingerprint(CONTENT) != before

"""Taking unchanged entries' analysis from the previous generation.

Analysis (Markdown → HTML, Sudachi) is nearly all of a build's cost, and a
typical publish changes a few entries of many. Each generation records per
entry a digest of everything its analysis reads (`build.entry_digest`, kept in
engine/entries.json); the next build takes an entry whose digest is unchanged
from the previous generation's own files instead of analysing it again: its
postings are copied from the previous engine arrays (mapped, not read into
memory) in one vectorised step when the new arrays are written (`Taken`,
`build.ArrayBuilder`), and its stored Whoosh document stays in the previous
segments, which the new generation keeps (a copy, with the documents of
changed and removed entries deleted: `stale_documents`,
indexer.build_generation), or, when they are not kept, is read back when the
build reaches it (`take`). Term ids are given in sorted order at write time,
so the engine files are the same as a build from scratch's, byte for byte,
and the stored documents equal (tests/test_index_reuse.py; Whoosh names its
segments at random).

A previous generation is not used when it has none of the build's digests
(after a schema, code, library or flow change: it is then not even
verified), when its manifest does not verify (a damaged generation is
rebuilt from content, never copied) or when anything about it cannot be read:
the build then analyses every entry. An entry that cannot be read back is
analysed instead.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex

from ... import manifest
from .. import fields as F
from . import arrays

log = logging.getLogger(__name__)


class Previous:
    """The analysis of a previous generation's entries, by digest. Close it
    (or use it as a context manager) when the build is done."""

    def __init__(self, gen_dir: Path, entries: list[dict]):
        self.gen_dir = gen_dir
        root = gen_dir / arrays.DIR
        self._entries = entries  # the generation's engine/entries.json
        by_digest = {e["digest"]: i for i, e in enumerate(self._entries) if e.get("digest")}
        self._kinds = {kind: arrays.read_kind(root, kind) for kind in F.KIND_FIELDS} if by_digest else {}
        self._ix = windex.open_dir(str(gen_dir))
        try:
            self._searcher = self._ix.searcher()
            reader = self._searcher.reader()
            column = reader.column_reader(F.NUMBER_SORT)
            docnums = {int(column[d]): d for d in reader.all_doc_ids()}
            self._whoosh_docs = reader.doc_count_all()  # deleted documents included
        except BaseException:
            self._ix.close()
            raise
        # Only entries whose stored document is there too.
        self._found = {digest: (i, docnums[self._entries[i]["number"]]) for digest, i in by_digest.items()
                       if self._entries[i]["number"] in docnums}
        self._live = set(docnums.values())

    @classmethod
    def open(cls, gen_dir: Path | None, digests: set[str]) -> "Previous | None":
        """The generation's analysis, or None when it has none of `digests`
        (after a schema, code, library or flow change nothing can be taken:
        its files are then neither verified nor read) or none to trust."""
        if gen_dir is None:
            return None
        try:
            entries = arrays.read_entries(gen_dir / arrays.DIR)
            if not any(isinstance(e, dict) and e.get("digest") in digests for e in entries):
                return None
        except Exception:  # noqa: BLE001 - unreadable: nothing to take
            return None
        problems = manifest.verify(gen_dir)
        if problems:
            log.warning("not reusing %s: %s", gen_dir.name, "; ".join(problems[:3]))
            return None
        try:
            return cls(gen_dir, entries)
        except Exception as exc:  # noqa: BLE001 - any unreadable file: analyse everything instead
            log.warning("not reusing %s: %r", gen_dir.name, exc)
            return None

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def __enter__(self) -> "Previous":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, digest: str) -> bool:
        return digest in self._found

    def taken(self, digest: str) -> "Taken":
        """Where the postings of the entry with this digest (one it `has`) are."""
        entry = self._found[digest][0]
        return Taken(self._kinds, entry, self._entries[entry])

    def take(self, digest: str) -> tuple[dict, "Taken"]:
        """(Whoosh document as `build.analyse` made it, where its postings
        are) for a digest it `has`."""
        entry, docnum = self._found[digest]
        e = self._entries[entry]
        stored = self._searcher.stored_fields(docnum)
        doc = {name: stored.get(name) for name in _STORED}
        doc[F.NUMBER_SORT] = e["number"]
        doc[F.UPDATED_SORT] = doc[F.UPDATED]
        doc[F.CATEGORIES] = ",".join(e["categories"])
        return doc, self.taken(digest)

    def stale_documents(self, taken: set[str], max_share: float) -> list[int] | None:
        """The Whoosh document numbers of the previous generation that a build
        taking the entries with the digests `taken` must delete if it keeps
        the previous segments (entries changed or removed), or None when the
        deleted documents would then pass `max_share` of the segments'
        documents (Whoosh keeps a deleted document until its segment is
        merged: the build then writes every document anew instead)."""
        stale = self._live - {self._found[d][1] for d in taken}
        deleted = self._whoosh_docs - len(self._live) + len(stale)
        return sorted(stale) if deleted <= max_share * self._whoosh_docs else None


@dataclass(frozen=True, eq=False)
class Taken:
    """An entry's search terms left where they are: entry id `entry` of the
    previous generation's `kinds` (build.ArrayBuilder copies them), and its
    row of entries.json (the same as a new analysis of it would write)."""

    kinds: dict[str, "arrays.KindIndex"]
    entry: int
    row: dict


# The stored fields of build.analyse's document (the columns and CATEGORIES,
# not stored, come from entries.json and the stored UPDATED).
# Taken from the schema, so that a field added to both is never left out here.
_STORED = tuple(name for name, field in F.build_schema().items() if field.stored)

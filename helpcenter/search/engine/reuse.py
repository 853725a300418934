"""Taking unchanged entries' analysis from the previous generation.

Analysis (Markdown → HTML, Sudachi) is nearly all of a build's cost, and a
typical publish changes a few entries of many. Each generation records per
entry a digest of everything its analysis reads (`build.entry_digest`, kept in
engine/entries.json); the next build takes an entry whose digest is unchanged
from the previous generation's own files (its stored Whoosh document and its
postings in the engine arrays) instead of analysing it again. Term ids are
given in sorted order at write time, so the files are the same as a build
from scratch (tests/test_index_reuse.py compares them byte for byte).

A previous generation is not used when its manifest does not verify (a
damaged generation is rebuilt from content, never copied) or when anything
about it cannot be read: the build then analyses every entry.
"""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh import index as windex

from ... import manifest
from .. import fields as F
from . import arrays

log = logging.getLogger(__name__)


class Previous:
    """The analysis of a previous generation's entries, by digest."""

    def __init__(self, gen_dir: Path):
        root = gen_dir / arrays.DIR
        entries = arrays.read_entries(root)
        self._by_digest = {e["digest"]: i for i, e in enumerate(entries) if e.get("digest")}
        self._entries = entries
        self._kinds = {kind: _ByEntry(arrays.read_kind(root, kind), len(entries)) for kind in F.KIND_FIELDS}
        ix = windex.open_dir(str(gen_dir))
        try:
            with ix.searcher() as s:
                self._stored = {int(d[F.NUMBER]): d for d in s.all_stored_fields()}
        finally:
            ix.close()

    @classmethod
    def open(cls, gen_dir: Path | None) -> "Previous | None":
        """The generation's analysis, or None when there is none to trust."""
        if gen_dir is None:
            return None
        problems = manifest.verify(gen_dir)
        if problems:
            log.warning("not reusing %s: %s", gen_dir.name, "; ".join(problems[:3]))
            return None
        try:
            return cls(gen_dir)
        except Exception as exc:  # noqa: BLE001 - any unreadable file: analyse everything instead
            log.warning("not reusing %s: %r", gen_dir.name, exc)
            return None

    def take(self, digest: str) -> tuple[dict, dict[str, Counter]] | None:
        """(Whoosh document, search terms) as `build.analyse` made them, or None."""
        entry = self._by_digest.get(digest)
        if entry is None:
            return None
        e = self._entries[entry]
        stored = self._stored.get(e["number"])
        if stored is None:
            return None
        doc = {name: stored.get(name) for name in _STORED}
        doc[F.NUMBER_SORT] = e["number"]
        doc[F.CATEGORIES] = ",".join(e["categories"])
        terms: dict[str, Counter] = {}
        for by_entry in self._kinds.values():
            terms.update(by_entry.counts(entry))
        return doc, terms


# The stored fields of build.analyse's document (NUMBER_SORT and CATEGORIES,
# indexed only, come from entries.json).
_STORED = (F.NUMBER, F.TITLE, F.ALIASES, F.CATEGORY_LIST, F.UPDATED, F.PUBLISHED, F.EXPIRES,
           F.EXCERPT, F.PLAIN, F.HTML, F.RELATED)


class _ByEntry:
    """One kind's postings regrouped by entry."""

    def __init__(self, index: "arrays.KindIndex", n_entries: int):
        self.index = index
        docs = np.asarray(index.docs)
        self.order = np.argsort(docs, kind="stable")
        self.starts = np.searchsorted(docs[self.order], np.arange(n_entries + 1))
        self.term_of = np.repeat(np.arange(len(index.terms)), np.diff(index.indptr))
        self.terms = np.array(index.terms, dtype=object)
        self.tf = np.asarray(index.tf).astype(np.int64)

    def counts(self, entry: int) -> dict[str, Counter]:
        postings = self.order[self.starts[entry]:self.starts[entry + 1]]
        terms = self.terms[self.term_of[postings]]
        tf = self.tf[postings]
        out = {}
        for j, name in enumerate(self.index.fields):
            column = tf[:, j]
            has = np.flatnonzero(column)
            out[name] = Counter(dict(zip(terms[has].tolist(), column[has].tolist())))
        return out

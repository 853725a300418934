"""The engine's files in a generation directory, and reading them back.

Per kind of term (`fields.KIND_FIELDS`), bm25s-style plain arrays:

    engine/<kind>.terms.json    the kind's terms, sorted; a term's id is its position
    engine/<kind>.indptr.npy    postings of term t are [indptr[t], indptr[t+1])
    engine/<kind>.docs.npy      entry ids (intp: np.add.at casts any other index type
                                per call, which doubled a query's scoring), ascending within a term
    engine/<kind>.tf.npy        term frequency per field of the kind (float32, postings × fields)
    engine/<kind>.lengths.npy   field lengths in terms (float32, entries × fields)
    engine/<kind>.impacts.npy   BM25F impacts for ranking.DEFAULT (float32, per posting)
    engine/<kind>.dense.npy     the same impacts as one dense row per entry for the
                                terms in at least 1/DENSE_SHARE of the entries
    engine/<kind>.dense_ids.npy those terms' ids (int64)
    engine/entries.json         per entry id: number, title, aliases, category slugs,
                                dates, and the digest of its analysis' inputs (engine.reuse)
    engine/vectors/, engine/entries.vectors.npy   word vectors and each entry's mean
                                vector, when word vectors were installed (search.vectors)
    engine/words.vector_rows.npy    each word term's row in the vectors (-1: none), for
                                soft query expansion
    engine/words.synonym_groups.json    SudachiDict synonym group id → the ids of the
                                word terms in it (analysis.synonym_groups), for expansion

Arrays are opened with `np.load(mmap_mode="r")`: every worker of a machine
shares the same pages. Entry ids are the engine's own (0…N-1 in number
order), independent of Whoosh's document numbers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .. import fields as F
from ..ranking import DEFAULT, Ranking
from . import bm25

DIR = "engine"
VECTORS_DIR = "vectors"              # a copy of the word vectors used (search.vectors), when any
ENTRY_VECTORS = "entries.vectors.npy"  # entries × dims, unit length (float16)
TERM_ROWS = "words.vector_rows.npy"    # per words-kind term: its row in the vectors' table, or -1
SYNONYM_GROUPS = "words.synonym_groups.json"  # SudachiDict synonym group → words-kind term ids
ARRAYS = ("indptr", "docs", "tf", "lengths", "impacts")
# A term in at least 1/DENSE_SHARE of the entries also gets a dense row of
# impacts: adding a whole row is a vector add, about 8× cheaper per entry than
# scattering its postings (np.add.at), so past 1/8 of the entries the row wins.
DENSE_SHARE = 8


@dataclass
class KindIndex:
    """The postings of one kind of term."""

    kind: str
    fields: tuple[str, ...]
    terms: list[str]
    indptr: np.ndarray
    docs: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray
    impacts: np.ndarray  # for DEFAULT
    dense: np.ndarray | None = None      # rows of DEFAULT impacts over all entries
    dense_ids: np.ndarray | None = None  # the term id of each row

    @cached_property
    def ids(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.terms)}

    @cached_property
    def dense_terms(self) -> dict[str, np.ndarray]:
        """Term → its dense row (a view): one lookup for the terms a query
        adds most (about 40 of 70 a query at 10,000 synthetic entries)."""
        if self.dense_ids is None:
            return {}
        return {self.terms[t]: self.dense[r] for r, t in enumerate(self.dense_ids.tolist())}

    def posting_terms(self) -> np.ndarray:
        """The term id of every posting (postings are grouped by term: indptr)."""
        return np.repeat(np.arange(len(self.terms)), np.diff(self.indptr))

    def df(self, term: str) -> int:
        """Entries having `term` in any field of this kind (0 when unknown)."""
        t = self.ids.get(term)
        return 0 if t is None else int(self.indptr[t + 1] - self.indptr[t])

    def finder(self, impacts: np.ndarray | None = None):
        """term → (entry ids, impacts) of its postings, or None when no entry
        has it; for a frequent term and the default impacts, (None, its dense
        row over every entry). A function of the term alone, with `impacts`
        and the tables in closure variables: a query looks up ~90 terms, and a
        method's attribute lookups and impacts test were a third of each."""
        dense = self.dense_terms if impacts is None or impacts is self.impacts else {}
        dense_get, ids_get, indptr, docs = dense.get, self.ids.get, self.indptr, self.docs
        values = self.impacts if impacts is None else impacts

        def find(term: str) -> tuple[np.ndarray | None, np.ndarray] | None:
            row = dense_get(term)
            if row is not None:
                return None, row
            t = ids_get(term)
            if t is None:
                return None
            lo, hi = indptr[t:t + 2].tolist()
            return docs[lo:hi], values[lo:hi]
        return find

    def impacts_for(self, ranking: Ranking) -> np.ndarray:
        if ranking.key() == DEFAULT.key():
            return self.impacts
        return bm25.impacts(self.kind, self.fields, ranking, self.indptr, self.docs, self.tf, self.lengths)


def write_kind(root: Path, kind: str, terms: list[str], indptr, docs, tf, lengths) -> None:
    fields = F.KIND_FIELDS[kind]
    impacts = bm25.impacts(kind, fields, DEFAULT, indptr, docs, tf, lengths)
    (root / f"{kind}.terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    for name, arr in zip(ARRAYS, (indptr, docs, tf, lengths, impacts)):
        np.save(root / f"{kind}.{name}.npy", arr)
    n = lengths.shape[0]
    dense_ids = np.flatnonzero(np.diff(indptr) * DENSE_SHARE >= max(n, 1))
    dense = np.zeros((len(dense_ids), n), dtype=np.float32)
    for r, t in enumerate(dense_ids):
        lo, hi = indptr[t], indptr[t + 1]
        dense[r, docs[lo:hi]] = impacts[lo:hi]
    np.save(root / f"{kind}.dense.npy", dense)
    np.save(root / f"{kind}.dense_ids.npy", dense_ids.astype(np.int64))


def read_kind(root: Path, kind: str) -> KindIndex:
    terms = json.loads((root / f"{kind}.terms.json").read_text(encoding="utf-8"))
    # Plain ndarray views of the mapped files: the same shared pages, without
    # np.memmap's Python-level __getitem__/__array_finalize__ on every slice
    # (a query slices a few hundred posting lists).
    arrays = [np.load(root / f"{kind}.{name}.npy", mmap_mode="r").view(np.ndarray) for name in ARRAYS]
    # A generation written before the dense rows (schema 12) still opens: sparse only.
    dense = [np.load(root / f"{kind}.{name}.npy", mmap_mode="r").view(np.ndarray)
             if (root / f"{kind}.{name}.npy").is_file() else None for name in ("dense", "dense_ids")]
    return KindIndex(kind, F.KIND_FIELDS[kind], terms, *arrays, *dense)


def write_synonym_groups(root: Path, groups: dict[int, list[int]]) -> None:
    (root / SYNONYM_GROUPS).write_text(json.dumps({str(g): ids for g, ids in sorted(groups.items())}), encoding="utf-8")


def read_synonym_groups(root: Path) -> dict[int, list[int]]:
    """{} for a generation written before them (schema 14)."""
    path = root / SYNONYM_GROUPS
    if not path.is_file():
        return {}
    return {int(g): ids for g, ids in json.loads(path.read_text(encoding="utf-8")).items()}


def write_entries(root: Path, entries: list[dict]) -> None:
    (root / "entries.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def read_entries(root: Path) -> list[dict]:
    return json.loads((root / "entries.json").read_text(encoding="utf-8"))

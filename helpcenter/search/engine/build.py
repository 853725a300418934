"""Building a generation's engine arrays from content (at publish time).

Analysis (Markdown rendering and Sudachi) is most of a build's cost, so
entries are analysed in a process pool when there are many, and an entry
whose inputs are unchanged since the previous generation is taken from it
(`reuse`); the arrays are then assembled in one pass with numpy.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterator, Mapping

import numpy as np

from ... import render
from ...content.model import Content
from .. import analysis
from .. import documents
from .. import fields as F
from ..analysis import answer_terms, bigrams, morph_terms, reading_bigrams, synonym_groups
from . import arrays, bm25
from .reuse import Previous, Taken

log = logging.getLogger(__name__)

# Below this many entries a pool costs more than it saves.
POOL_MIN_ENTRIES = 400


def entry_terms(texts: dict[str, str]) -> dict[str, Counter]:
    """Terms of each search field of one entry (see fields.KIND_FIELDS)."""
    title, aliases, body = texts["title"], texts["aliases"], texts["body"]
    body_words, body_parts = answer_terms(body)
    return {
        F.TITLE_WORDS: Counter(morph_terms(title)),
        F.ALIASES_WORDS: Counter(morph_terms(aliases)),
        F.BODY_WORDS: Counter(body_words),
        F.CATEGORY_WORDS: Counter(morph_terms(texts["category"])),
        F.TITLE_NGRAMS: Counter(bigrams(title)),
        F.ALIASES_NGRAMS: Counter(bigrams(aliases)),
        F.BODY_NGRAMS: Counter(body_parts),
        F.READING: Counter(reading_bigrams(title + "\n" + aliases)),
    }


def analyse(faq, content: Content) -> tuple[dict, dict[str, Counter]]:
    """(Whoosh document, search terms) of one entry."""
    doc = documents.faq_document(faq, content)
    return doc, entry_terms(documents.search_texts(faq, content, doc))


# What an entry's analysis depends on beside the entry itself: the libraries
# that render and tokenise it. A new Sudachi dictionary changes the words.
_LIBRARIES = ("SudachiPy", "sudachidict-core", "Markdown", "nh3")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the source of the code an entry's analysis runs: rendering
    (Markdown → HTML, plain text, excerpt), the Whoosh document, the terms of
    each field and the Unicode tables normalize() uses. A change to any of
    them re-analyses every entry even when SCHEMA_VERSION was not bumped
    (3ee3605 changed html_to_text without a bump: with reuse, unchanged
    entries would have kept the old plain text and excerpts for good)."""
    h = hashlib.sha256()
    for module in (render, documents, analysis, F, sys.modules[__name__]):
        h.update(Path(module.__file__).read_bytes())
    h.update(f"python {sys.version_info[:2]} unicode {unicodedata.unidata_version}".encode())
    return h.hexdigest()


def build_salt(schema_version: str, content: Content) -> str:
    """Everything shared by all entries' analysis: the schema (bumped when
    analysis changes), the analysis code itself (code_digest), the libraries'
    versions and the flows (links in answers)."""
    flows = {k: asdict(v) for k, v in sorted(content.site.flows.items())}
    return json.dumps([schema_version, analysis_versions(), flows], ensure_ascii=False, default=str)


def analysis_versions() -> list[str]:
    """The analysis code's digest and its libraries' versions (also part of
    the content fingerprint: `serve` rebuilds when they change)."""
    versions = [code_digest()]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return versions


def entry_digest(faq, content: Content, salt: str) -> str:
    """Digest of everything `analyse` reads for this entry: the entry, its
    categories with their ancestors and titles, and the shared `salt`."""
    categories = [(s, content.categories[s].title) for s in documents.all_category_slugs(faq, content)]
    # Field values directly: asdict() deep-copies and was most of the digest's cost.
    values = [(f.name, getattr(faq, f.name)) for f in fields(faq)]
    data = json.dumps([salt, values, categories], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Analysed:
    """How a build got its entries' analysis."""

    analysed: int = 0  # entries analysed now
    reused: int = 0    # entries taken from the previous generation


_pool: tuple[Content, str] | None = None  # (content, salt), set in each pool worker by _init (a fork of the builder)


def _init(content: Content, salt: str) -> None:
    global _pool
    _pool = (content, salt)


# What the build gets per entry: its Whoosh document, its terms (or where a
# taken entry's lie, reuse.Taken) and its digest.
Item = tuple["dict | None", "dict[str, Mapping[str, int]] | Taken", str]


def _analysed(faq, content: Content, salt: str) -> Item:
    return (*analyse(faq, content), entry_digest(faq, content, salt))


def _analyse_number(number: int) -> Item:
    content, salt = _pool
    doc, terms, digest = _analysed(content.faqs[number], content, salt)
    # Plain dicts: a Counter is unpickled through Python-level calls, which
    # cost the builder 0.07 ms an entry (a dict is rebuilt in C).
    return doc, {name: dict(counts) for name, counts in terms.items()}, digest


@dataclass
class Plan:
    """Which entries a build analyses and which it takes from the previous
    generation (`reuse`, open while the plan is)."""

    digests: dict[int, str]   # number → entry digest (empty without a previous generation)
    reuse: Previous | None
    reused: set[int]          # numbers taken from `reuse`
    fresh: list[int]          # numbers analysed, in number order

    @property
    def taken_digests(self) -> set[str]:
        return {self.digests[n] for n in self.reused}


@contextlib.contextmanager
def plan(content: Content, previous: Path | None = None, salt: str = "") -> Iterator[Plan]:
    """The build's plan: the `previous` generation is opened only when it
    has one of the entries' digests (reuse.Previous.open) and closed after."""
    numbers = sorted(content.faqs)
    # Without a previous generation the digests are made beside the analysis
    # (in the pool), not all before it starts (0.26 s at 10,000 entries).
    digests = {n: entry_digest(content.faqs[n], content, salt) for n in numbers} if previous is not None else {}
    reuse = Previous.open(previous, set(digests.values()))
    with reuse if reuse is not None else contextlib.nullcontext():
        reused = {n for n in numbers if reuse is not None and reuse.has(digests[n])}
        yield Plan(digests, reuse, reused, [n for n in numbers if n not in reused])


def analysed(content: Content, plan: Plan, procs: int | None = None, salt: str = "",
             report: Analysed | None = None, docs: bool = True) -> Iterator[Item]:
    """Every entry as (Whoosh document, search terms, digest), in number
    order, taken entries as (document, reuse.Taken, digest); without `docs`
    a taken entry's document is not read back (None: the previous
    generation's Whoosh segments are kept, indexer.build_generation)."""
    report = report if report is not None else Analysed()
    numbers, reuse, reused, digests = sorted(content.faqs), plan.reuse, plan.reused, plan.digests
    report.analysed, report.reused = len(plan.fresh), len(reused)

    def taken(n: int) -> Item:
        if not docs:
            return None, reuse.taken(digests[n]), digests[n]
        try:
            return (*reuse.take(digests[n]), digests[n])
        except Exception as exc:  # noqa: BLE001 - a file of the old generation unreadable now: analyse it
            log.warning("entry %d not taken from %s (%r): analysed", n, reuse.gen_dir.name, exc)
            report.analysed, report.reused = report.analysed + 1, report.reused - 1
            return _analysed(content.faqs[n], content, salt)

    if procs is None:
        procs = min(os.cpu_count() or 1, 4) if len(plan.fresh) >= POOL_MIN_ENTRIES else 1
    if procs <= 1:
        for n in numbers:
            yield taken(n) if n in reused else _analysed(content.faqs[n], content, salt)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(procs, initializer=_init, initargs=(content, salt)) as pool:
        results = pool.imap(_analyse_number, plan.fresh, chunksize=32)
        for n in numbers:
            yield taken(n) if n in reused else next(results)


def _numbering() -> dict[str, int]:
    """term → id, a new term getting the next id on first lookup."""
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # called before the new key is inserted
    return ids


class ArrayBuilder:
    """Collects entries' terms, then writes the engine's arrays."""

    def __init__(self):
        self.entries: list[dict] = []
        self._rows = {k: ([], [], [], []) for k in F.KIND_FIELDS}  # term id, entry, field, tf
        self._ids: dict[str, dict[str, int]] = {k: _numbering() for k in F.KIND_FIELDS}
        self._lengths = {k: [] for k in F.KIND_FIELDS}
        self._taken: list[tuple[int, int]] = []  # (entry, its entry id in the previous generation)
        self._previous: dict[str, arrays.KindIndex] | None = None

    def add(self, doc: dict | None, terms: dict[str, Mapping[str, int]] | Taken, digest: str = "") -> None:
        """An entry's terms (per field, term → count), or where they lie in
        the previous generation (`reuse.Taken`: copied at write, all at once;
        its document may then be None: the previous row is the same)."""
        entry = len(self.entries)
        if doc is None:
            self.entries.append(dict(terms.row))
        else:
            self.entries.append({"number": int(doc[F.NUMBER]), "title": doc[F.TITLE], "aliases": doc[F.ALIASES],
                                 "categories": [s for s in doc[F.CATEGORIES].split(",") if s],
                                 "published": doc[F.PUBLISHED], "expires": doc[F.EXPIRES], "digest": digest})
        if isinstance(terms, Taken):
            if self._previous is not None and terms.kinds is not self._previous:
                raise ValueError("entries taken from two generations")
            self._previous = terms.kinds
            self._taken.append((entry, terms.entry))
            for kind in F.KIND_FIELDS:
                self._lengths[kind].append(terms.kinds[kind].lengths[terms.entry].tolist())
            return
        # This runs in the builder's process for every posting while the pool
        # analyses: C-level extend/map instead of a Python loop per term.
        for kind, names in F.KIND_FIELDS.items():
            number = self._ids[kind].__getitem__
            tids, docs, cols, tfs = self._rows[kind]
            lengths = []
            for j, name in enumerate(names):
                counts = terms[name]
                n = len(counts)
                lengths.append(sum(counts.values()))
                tids.extend(map(number, counts))
                docs.extend([entry] * n)
                cols.extend([j] * n)
                tfs.extend(counts.values())
            self._lengths[kind].append(lengths)

    def _taken_rows(self, kind: str, new_entry: np.ndarray) -> tuple[np.ndarray, ...]:
        """(term id, entry, field, tf) of the taken entries' postings in this
        kind, copied from the previous generation's arrays in one pass (read
        back entry by entry, they were a third of a rebuild). `new_entry`:
        previous entry id → entry id here, or -1."""
        previous = self._previous[kind]
        docs = np.asarray(previous.docs)
        keep = np.flatnonzero(new_entry[docs] >= 0)
        old_terms = previous.posting_terms()[keep]
        number = self._ids[kind].__getitem__
        used = np.unique(old_terms)
        new_term = np.zeros(len(previous.terms), dtype=np.int64)
        new_term[used] = [number(previous.terms[t]) for t in used.tolist()]
        tf = np.asarray(previous.tf[keep])
        rows, cols = np.nonzero(tf)
        return new_term[old_terms[rows]], new_entry[docs[keep[rows]]], cols, tf[rows, cols].astype(np.int64)

    def write(self, target: Path, word_vectors=None) -> None:
        root = target / arrays.DIR
        root.mkdir()
        n = len(self.entries)
        if self._taken:
            new_entry = np.full(next(iter(self._previous.values())).lengths.shape[0], -1, dtype=np.int64)
            entries, olds = np.array(self._taken, dtype=np.int64).T
            new_entry[olds] = entries
        for kind, names in F.KIND_FIELDS.items():
            tids, docs, cols, tfs = (np.asarray(x, dtype=np.int64) for x in self._rows[kind])
            if self._taken:
                tids, docs, cols, tfs = (np.concatenate([a, b.astype(np.int64)])
                                         for a, b in zip((tids, docs, cols, tfs), self._taken_rows(kind, new_entry)))
            # Ids in the terms' sorted order, not the order entries brought
            # them: the files then do not depend on which entries were taken
            # from the previous generation (reuse) and which analysed now.
            ids = self._ids[kind]
            terms = sorted(ids)
            sorted_id = np.empty(len(terms), dtype=np.int64)  # first-seen id → sorted id
            sorted_id[[ids[t] for t in terms]] = np.arange(len(terms))
            tids = sorted_id[tids] if len(tids) else tids
            key = tids * max(n, 1) + docs
            uniq, inverse = np.unique(key, return_inverse=True)  # sorted by term id, then entry
            tf = np.zeros((len(uniq), len(names)), dtype=np.float32)
            tf[inverse, cols] = tfs
            post_terms = uniq // max(n, 1)
            n_terms = len(terms)
            indptr = np.zeros(n_terms + 1, dtype=np.int64)
            indptr[1:] = np.cumsum(np.bincount(post_terms, minlength=n_terms))
            lengths = np.asarray(self._lengths[kind], dtype=np.float32).reshape(n, len(names))
            arrays.write_kind(root, kind, terms, indptr, (uniq % max(n, 1)).astype(np.intp), tf, lengths)
            if kind == F.WORDS:
                arrays.write_synonym_groups(root, group_members(terms))
        arrays.write_entries(root, self.entries)
        if word_vectors is not None:
            word_vectors.save(root / arrays.VECTORS_DIR)
            words = arrays.read_kind(root, F.WORDS)
            rows = term_rows(words, word_vectors)
            np.save(root / arrays.TERM_ROWS, rows)
            np.save(root / arrays.ENTRY_VECTORS, entry_vectors(words, word_vectors, rows))


def group_members(terms: list[str]) -> dict[int, list[int]]:
    """SudachiDict synonym group id → the ids of `terms` in it."""
    groups: dict[int, list[int]] = {}
    for i, term in enumerate(terms):
        for g in synonym_groups(term):
            groups.setdefault(g, []).append(i)
    return groups


# An entry's vector: its words' vectors weighted by idf and by where they are.
VECTOR_FIELDS = {F.TITLE_WORDS: 1.0, F.ALIASES_WORDS: 1.0, F.BODY_WORDS: 0.2}


def term_rows(words: "arrays.KindIndex", word_vectors) -> np.ndarray:
    """Each term's row in the word vectors' table, or -1 (int32)."""
    rows = (word_vectors.row(t) if t else None for t in words.terms)
    return np.array([-1 if r is None else r for r in rows], dtype=np.int32)


def entry_vectors(words: "arrays.KindIndex", word_vectors, rows: np.ndarray) -> np.ndarray:
    """Unit-length idf-weighted mean word vector of every entry (float16)."""
    n = words.lengths.shape[0]
    counts = np.diff(words.indptr)
    has = rows >= 0
    row_of = np.where(has, rows, 0).astype(np.int64)
    term_of = words.posting_terms()
    idf = bm25.idf(counts, n)
    tf = np.asarray(words.tf)
    weight = sum(w * tf[:, words.fields.index(f)] for f, w in VECTOR_FIELDS.items())
    weight = idf[term_of] * weight * has[term_of]
    out = np.zeros((n, word_vectors.dim), dtype=np.float32)
    keep = np.flatnonzero(weight > 0)
    # Postings ordered by entry, so that each entry's rows are summed in one
    # reduceat (np.add.at over 300-wide rows took most of a build with vectors).
    keep = keep[np.argsort(np.asarray(words.docs)[keep], kind="stable")]
    docs = np.asarray(words.docs)[keep]
    table = np.asarray(word_vectors.table, dtype=np.float32)
    for s in range(0, len(keep), 65536):
        part = keep[s:s + 65536]
        d = docs[s:s + 65536]
        starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
        sums = np.add.reduceat(weight[part, None].astype(np.float32) * table[row_of[term_of[part]]], starts, axis=0)
        out[d[starts]] += sums  # an entry split across two chunks gets both parts
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out.astype(np.float16)

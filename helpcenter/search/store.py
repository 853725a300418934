"""The reading side: the current generation, opened once per process and
reopened when a new one is published.

A `Generation` is one publish: its Whoosh index of stored documents (read
through per-thread searchers: Whoosh searchers are not safe to share between
threads), its search `Engine` and the snapshot of site, categories and
wizards. Pages read entries as `FaqDoc`s. `IndexStore.current()` checks the CURRENT symlink at
most every `check_seconds`; a worker therefore picks up a new index without a
restart, and an old generation is retired (its searchers closed) one switch
later so that requests in flight finish on it.
"""
from __future__ import annotations

import itertools
import json
import os
import threading
import time
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable

from whoosh import index as windex
from whoosh import sorting
from whoosh.query import Every, Term

from .. import manifest
from ..content.model import Category, Site, Wizard
from . import documents
from . import fields as F
from .documents import FaqDoc
from .engine import LRU, Engine
from .indexer import CURRENT, index_root


class NoIndex(RuntimeError):
    """No generation has been published yet."""


class IndexDamaged(NoIndex):
    """The current generation failed its manifest check or could not be opened;
    a rebuild from the content is under way (helpcenter.manifest, publishing)."""


DAMAGE_RECHECK_SECONDS = 30.0  # a damaged generation is looked at (and repaired) again after this


_opened = itertools.count(1)


class Generation:
    def __init__(self, path: Path, cache_size: int = 512, show_scheduled: bool = False):
        self.path = path
        self.cache_size = cache_size
        # The preview shows future and expired entries; everyone else sees an
        # entry from its `published` minute until its `expires` minute.
        self.show_scheduled = show_scheduled
        self.name = path.name
        # Unique in this process, for caches keyed by generation: names repeat
        # for the temporary generations of evaluation (gen-temporary).
        self.uid = f"{self.name}#{next(_opened)}"
        self.index = windex.open_dir(str(path))
        self._local = threading.local()
        self._searchers: list[Any] = []
        self._lock = threading.Lock()
        with open(path / "snapshot.json", encoding="utf-8") as f:
            self.snapshot: dict[str, Any] = json.load(f)
        # Read models of entries already read (a results page reads ten; the
        # same popular entries come back page after page). Immutable, like the generation.
        self._faqdocs = LRU(2048)

    def searcher(self):
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self.index.searcher()
            self._local.searcher = s
            with self._lock:
                self._searchers.append(s)
        return s

    def close(self) -> None:
        with self._lock:
            for s in self._searchers:
                try:
                    s.close()
                except Exception:  # a closed file on a removed directory: nothing to keep
                    pass
            self._searchers.clear()
        self.index.close()

    @cached_property
    def engine(self) -> Engine:
        return Engine(self.path, self.synonyms, self.wizards, self.cache_size)

    # --- the snapshot ---------------------------------------------------------
    @cached_property
    def site(self) -> Site:
        return documents.site_from_json(self.snapshot["site"])

    @cached_property
    def categories(self) -> dict[str, Category]:
        return documents.categories_from_json(self.snapshot["categories"])

    @cached_property
    def wizards(self) -> dict[str, Wizard]:
        return {k: documents.wizard_from_json(v) for k, v in self.snapshot["wizards"].items()}

    @cached_property
    def synonyms(self) -> list[list[str]]:
        return self.snapshot["synonyms"]

    @cached_property
    def faq_titles(self) -> dict[int, str]:
        return {int(k): v for k, v in self.snapshot["faq_titles"].items()}

    # --- reads for the browsing pages ----------------------------------------
    @cached_property
    def _docnums(self) -> dict[int, int]:
        """FAQ number → Whoosh document number, read once from the sortable
        number column (a term lookup per entry cost about 1 ms)."""
        reader = self.searcher().reader()
        column = reader.column_reader(F.NUMBER_SORT)
        return {int(column[d]): d for d in reader.all_doc_ids()}

    def now(self) -> float | None:
        """The moment visibility is judged at (None: everything, in the preview)."""
        return None if self.show_scheduled else time.time()

    def faq(self, number: int, hidden: bool = False) -> FaqDoc | None:
        """The entry if it is visible now (or, with `hidden`, whatever its dates)."""
        docnum = self._docnums.get(number) if isinstance(number, int) else None
        if docnum is None:
            return None
        doc = self._faqdocs.get(number)
        if doc is None:
            doc = FaqDoc.from_stored(self.searcher().stored_fields(docnum))
            self._faqdocs.put(number, doc)
        return doc if hidden or doc.visible(self.now()) else None

    def faqs(self, numbers: Iterable[int]) -> list[FaqDoc]:
        return [doc for doc in (self.faq(n) for n in numbers) if doc is not None]

    def count(self, category: str) -> int:
        """Visible entries of a category and its children."""
        # From the engine's entries, not Whoosh's doc_frequency: a rebuild
        # keeps segments whose deleted documents Whoosh still counts there.
        shown, mask = self.engine.visible(self.now()), self.engine.category_mask(category)
        return int((mask if shown is None else mask & shown).sum())

    def newest(self, category: str | None, offset: int, limit: int) -> tuple[int, list[FaqDoc]]:
        """(total, entries) visible now of a category (or all) by `updated`, newest first."""
        q = Term(F.CATEGORIES, category) if category else Every()
        order = sorting.MultiFacet([sorting.FieldFacet(F.UPDATED_SORT, reverse=True),
                                    sorting.FieldFacet(F.NUMBER_SORT, reverse=True)])
        hidden = {self._docnums[n] for n in self.engine.hidden_numbers(self.now()) if n in self._docnums}
        results = self.searcher().search(q, limit=offset + limit, sortedby=order, mask=hidden or None)
        total = len(results)
        return total, [FaqDoc.from_stored(hit.fields()) for hit in results[offset:offset + limit]]


class IndexStore:
    """One per process (an app extension): hands out the current generation."""

    def __init__(self, instance_dir: str | Path, check_seconds: float = 1.0,
                 on_open: Callable[[Generation], None] | None = None,
                 on_damaged: Callable[[Path, list[str]], None] | None = None, cache_size: int = 512):
        self.root = index_root(instance_dir)
        self.cache_size = cache_size  # search results cached per generation
        self.show_scheduled = False  # the preview sets it: future and expired entries shown
        self.check_seconds = check_seconds
        self.on_open = on_open  # called with each generation this store opens
        self.on_damaged = on_damaged  # called (once per DAMAGE_RECHECK_SECONDS) with a damaged generation
        self._damaged: tuple[str, float] | None = None  # (generation name, when found)
        self._verified = float("-inf")  # when check_current last read the files
        self._gen: Generation | None = None
        self._retired: Generation | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> Generation:
        now = time.monotonic()
        gen = self._gen
        if gen is not None and now - self._checked < self.check_seconds:
            return gen
        with self._lock:
            self._checked = now
            try:
                target = os.readlink(self.root / CURRENT)
            except OSError:
                target = None
            if target is None:
                if self._gen is None:
                    raise NoIndex("no index has been built: run `helpcenter index`")
                return self._gen
            if self._gen is None or self._gen.name != target:
                fresh = self._open_checked(target)
                if fresh is None:  # damaged: keep serving the one before it if there is one
                    if self._gen is None:
                        raise IndexDamaged(f"index generation {target} is damaged; rebuilding")
                    return self._gen
                if self._retired is not None:
                    self._retired.close()
                self._retired, self._gen = self._gen, fresh
                if self.on_open is not None:
                    self.on_open(fresh)
            return self._gen

    def _open_checked(self, target: str) -> Generation | None:
        """The generation, verified against its manifest; None (and a repair
        started) when it is damaged."""
        if self._damaged and self._damaged[0] == target and \
                time.monotonic() - self._damaged[1] < DAMAGE_RECHECK_SECONDS:
            return None
        path = self.root / target
        problems = manifest.verify(path)
        if not problems:
            try:
                gen = Generation(path, self.cache_size, self.show_scheduled)
                gen.engine  # noqa: B018 (its arrays opened now: damage shows here, not in a search)
                return gen
            except Exception as exc:  # noqa: BLE001 - whatever the damage, it is repaired the same way
                problems = [f"cannot open: {exc!r}"]
        self._found_damaged(target, problems)
        return None

    def _found_damaged(self, target: str, problems: list[str]) -> None:
        self._damaged = (target, time.monotonic())
        if self.on_damaged is not None:
            self.on_damaged(self.root / target, problems)

    def check_current(self) -> bool:
        """After an unexpected error: is the open generation damaged (files
        removed or changed under a running worker)? If so it is dropped and
        repaired, and current() answers IndexDamaged until a new one is there."""
        with self._lock:
            gen, now = self._gen, time.monotonic()
            if gen is None or (self._damaged and self._damaged[0] == gen.name):
                return gen is not None
            if now - self._verified < 5.0:  # errors in a burst: one check (it reads every file)
                return False
            self._verified = now
            problems = manifest.verify(gen.path)
            if not problems:
                return False
            self._gen, self._checked = None, 0.0
            if self._retired is not None:
                self._retired.close()
            self._retired = gen
            self._found_damaged(gen.name, problems)
            return True

    def close(self) -> None:
        for g in (self._gen, self._retired):
            if g is not None:
                g.close()
        self._gen = self._retired = None

"""The one place where the editors' tools read the search layer: every entry
with its dates, the per-entry data that `search.documents.snapshot` keeps
beside the index (`reviewed`, `drafts`, `history`), and the search the
content cues use.

Only `Generation.newest` (FaqDoc read models), `Generation.snapshot`,
`Generation.synonyms` and `service.search` are used, so a change in the search
layer is adapted here alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True)
class EntryDates:
    number: int
    title: str
    published: datetime
    updated: datetime
    reviewed: datetime | None


def _dt(epoch: Any) -> datetime | None:
    if isinstance(epoch, (int, float)) and not isinstance(epoch, bool):
        return datetime.fromtimestamp(epoch, timezone.utc)
    return None


def reviewed(gen: Any, number: int) -> datetime | None:
    return _dt(gen.snapshot.get("reviewed", {}).get(str(number)))


def entries(gen: Any) -> list[EntryDates]:
    """Every published entry with its dates (newest update first)."""
    docs = _all_docs(gen)
    marks = gen.snapshot.get("reviewed", {})
    return [EntryDates(d.number, d.title, _dt(d.published), _dt(d.updated), _dt(marks.get(str(d.number))))
            for d in docs]


def is_draft(gen: Any, number: int) -> bool:
    """Only a preview's generation holds drafts."""
    return number in gen.snapshot.get("drafts", ())


@dataclass(frozen=True)
class StoredChange:
    at: datetime
    note: str
    commit: str
    first: bool
    diff: tuple[tuple[str, str], ...]


def history(gen: Any, number: int) -> list[StoredChange]:
    """The entry's answer changes, newest first; [] without git history."""
    out = []
    for c in gen.snapshot.get("history", {}).get(str(number), ()):
        at = _dt(c.get("at"))
        if at is not None:
            out.append(StoredChange(at, str(c.get("note", "")), str(c.get("commit", "")), bool(c.get("first")),
                                    tuple((str(op), str(line)) for op, line in c.get("diff", ()))))
    return out


def changed_entries(gen: Any) -> list[tuple[int, StoredChange]]:
    """(number, newest change) of every entry with a history, most recently changed first."""
    out = []
    for key in gen.snapshot.get("history", {}):
        changes = history(gen, int(key))
        if changes:
            out.append((int(key), changes[0]))
    return sorted(out, key=lambda nc: (nc[1].at, nc[0]), reverse=True)


def _all_docs(gen: Any) -> list:
    total, _ = gen.newest(None, 0, 1)
    return gen.newest(None, 0, max(total, 1))[1]


def knowledge(gen: Any):
    """What the content cues need to know about the published entries."""
    from ..search import service
    from .cues import knowledge_from

    def search(text: str) -> list[tuple[int, float]]:
        result = service.search(gen, text, page=1, per_page=5)
        return [(h.number, h.score) for h in result.hits]

    questions = {d.number: (d.title, *[a for a in d.aliases if a.strip()]) for d in _all_docs(gen)}
    return knowledge_from(search, questions, [list(g) for g in gen.synonyms])

"""FAQ view counts: recording (deduplicated) and the most viewed ranking.

Counting a view is never worth failing a page: a database error while
recording is logged and the page is served (the page cache calls this outside
Flask, where nothing else would catch it)."""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .db import faq_view, insert_ignore


class _Seen:
    """Views this process already stored today: repeats skip the database write."""

    def __init__(self, limit: int = 200_000):
        self.limit, self.day, self.keys = limit, None, set()
        self.lock = threading.Lock()

    def first_time(self, key: tuple, day: date) -> bool:
        with self.lock:
            if day != self.day or len(self.keys) >= self.limit:
                self.day, self.keys = day, set()
            if key in self.keys:
                return False
            self.keys.add(key)
            return True

    def forget(self, key: tuple) -> None:
        with self.lock:
            self.keys.discard(key)


_seen = _Seen()
log = logging.getLogger(__name__)


def record_view(engine: Engine, number: int, visitor: str, day: date) -> None:
    """Count one view; the same visitor's further views that day count once
    (by the unique constraint across processes, and without a write at all when
    this process has already stored it)."""
    key = (id(engine), visitor, number)
    if not _seen.first_time(key, day):
        return
    stmt = insert_ignore(engine, faq_view).values(day=day, visitor=visitor, number=number,
                                                  created_at=datetime.now(timezone.utc))
    try:
        with engine.begin() as conn:
            conn.execute(stmt)
    except SQLAlchemyError:
        _seen.forget(key)  # not stored: the visitor's next view tries again
        log.exception("could not record a view of FAQ %s", number)


def most_viewed(engine: Engine, today: date, days: int = 30, limit: int = 10) -> list[tuple[int, int]]:
    """[(number, views)] over the last `days` days, most viewed first."""
    since = today - timedelta(days=days - 1)
    views = func.count().label("views")
    q = (select(faq_view.c.number, views).where(faq_view.c.day >= since)
         .group_by(faq_view.c.number).order_by(views.desc(), faq_view.c.number.desc()).limit(limit))
    with engine.connect() as conn:
        return [(r.number, r.views) for r in conn.execute(q)]

"""受付番号 in the database: issuing one with its trail, looking one up, and the
visitor's recent events a trail is built from. SQLAlchemy Core, no Flask.

Codes live in `contact_code` (helpcenter.db) with the day they were issued, so
`helpcenter db purge` forgets them with the events. A visitor gets at most
MAX_PER_VISITOR_DAY codes a day, so a script cannot fill the table.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..content.model import JST
from ..db import chat_event, contact_code, faq_view, search_event, wizard_event
from . import code as codes
from .trail import Activity, Trail

MAX_PER_VISITOR_DAY = 10
ACTIVITY_HOURS = 24  # how far back a trail looks at the visitor's events
_ROWS = 20


class TooMany(Exception):
    """This visitor has had MAX_PER_VISITOR_DAY codes today."""


@dataclass(frozen=True)
class Issued:
    code: str
    created_at: datetime
    source: str
    trail: Trail


def _now(at: datetime | None) -> datetime:
    now = at or datetime.now(timezone.utc)
    return now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now


def _aware(value: datetime) -> datetime:
    # SQLite keeps no offset; everything is written in UTC
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def issued_on(engine: Engine, visitor: str, day: date) -> int:
    c = contact_code.c
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(c.day == day, c.visitor == visitor[:64])).scalar_one()


def issue(engine: Engine, *, visitor: str, trail: Trail, secret: str | bytes, at: datetime | None = None,
          randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A new code for this trail (display form). Raises TooMany past the daily limit."""
    now = _now(at)
    day = now.astimezone(JST).date()
    if issued_on(engine, visitor, day) >= MAX_PER_VISITOR_DAY:
        raise TooMany(visitor)
    for _ in range(20):  # a clash is rare (14 million bodies); the unique key decides
        new = codes.new(secret, randbelow)
        try:
            with engine.begin() as conn:
                conn.execute(insert(contact_code).values(day=day, visitor=visitor[:64], code=new,
                                                         source=trail.source, trail=trail.to_json(),
                                                         created_at=now))
            return new
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free 受付番号")


def lookup(engine: Engine, code: str) -> Issued | None:
    """The code as issued (display form expected, see code.verify), or None."""
    c = contact_code.c
    with engine.connect() as conn:
        row = conn.execute(select(c.code, c.created_at, c.source, c.trail).where(c.code == code)).first()
    if row is None:
        return None
    return Issued(row.code, _aware(row.created_at), row.source, Trail.from_json(row.trail))


def recent_activity(engine: Engine, visitor: str, now: datetime | None = None,
                    hours: int = ACTIVITY_HOURS) -> Activity:
    """What this visitor did in the last `hours`, most recent first."""
    cutoff = _now(now) - timedelta(hours=hours)
    since = cutoff.astimezone(JST).date()
    visitor = visitor[:64]

    def recent(table, *cols, where=()):
        q = (select(table.c.created_at, *cols).where(table.c.day >= since, table.c.visitor == visitor, *where)
             .order_by(table.c.created_at.desc(), table.c.id.desc()).limit(_ROWS))
        return [r for r in conn.execute(q) if _aware(r[0]) >= cutoff]

    with engine.connect() as conn:
        walks = recent(wizard_event, wizard_event.c.wizard, wizard_event.c.path,
                       where=(wizard_event.c.event != "start",))
        faqs = recent(faq_view, faq_view.c.number)
        searches = recent(search_event, search_event.c.query, where=(search_event.c.page == 1,))
        chats = recent(chat_event, chat_event.c.message, where=(chat_event.c.message.is_not(None),))
    latest: dict[str, str] = {}
    for _, wid, path in walks:
        latest.setdefault(wid, path)
    return Activity(wizard_paths=tuple(latest.items()), faqs=tuple(r[1] for r in faqs),
                    searches=tuple(r[1] for r in searches), chat=tuple(r[1] for r in chats))

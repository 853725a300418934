"""How long events are kept: `helpcenter db purge --older-than 180d`."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.engine import Engine

from ..db import EVENT_TABLES, audit_log, login_failure

_AGE = re.compile(r"^\s*(\d{1,5})\s*d?\s*$", re.I)


def parse_age(text: str) -> int:
    """'180d' or '180' → 180 days; ValueError for anything else (0 is allowed: purge all but today)."""
    m = _AGE.match(text or "")
    if not m:
        raise ValueError(f"expected a number of days such as 180d, not {text!r}")
    return int(m.group(1))


def purge(engine: Engine, older_than_days: int, today: date) -> dict[str, int]:
    """Delete events from days before `today - older_than_days`; {table: rows deleted}.

    Failed admin logins only matter for the rate limit window, so those older
    than a day always go.
    """
    cutoff = today - timedelta(days=older_than_days)
    deleted = {}
    with engine.begin() as conn:
        for table in EVENT_TABLES:
            deleted[table.name] = conn.execute(delete(table).where(table.c.day < cutoff)).rowcount
        # the editors' audit log is kept as long as the events it sits beside
        deleted[audit_log.name] = conn.execute(delete(audit_log).where(audit_log.c.day < cutoff)).rowcount
        stale = datetime.now(timezone.utc) - timedelta(days=1)
        deleted[login_failure.name] = conn.execute(
            delete(login_failure).where(login_failure.c.created_at < stale)).rowcount
    return deleted

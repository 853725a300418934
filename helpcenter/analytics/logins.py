"""Failed editor logins, counted in the database so the rate limit holds across
gunicorn workers and machines. `client` is a salted hash, never an address.

`attempt()` counts a login *before* its password is checked, one attempt at a
time (SQLite: the insert holds the write lock until commit; PostgreSQL: a
transaction-level advisory lock), so concurrent wrong logins cannot all pass
the check together. Besides the per-client limit, an overall limit bounds the
failed logins from all addresses together (a guess spread over many
addresses), at the price of locking every editor out while it is reached.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Connection, Engine

from ..db import login_failure

_LOCK = 727275  # pg_advisory_xact_lock key for login attempts (727274 is the migrations')


def parse_limit(text_: str) -> tuple[int, int]:
    """'5/300' → (5 failures, 300 seconds)."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text_ or "")
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
        raise ValueError(f"expected COUNT/SECONDS such as 5/300, not {text_!r}")
    return int(m.group(1)), int(m.group(2))


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _window(conn: Connection, now: datetime, seconds: int, client: str | None) -> tuple[int, datetime | None]:
    """(failures, oldest) in the last `seconds`, for one client or (None) for everyone."""
    q = select(func.count(), func.min(login_failure.c.created_at)).where(
        login_failure.c.created_at >= now - timedelta(seconds=seconds))
    if client is not None:
        q = q.where(login_failure.c.client == client)
    n, oldest = conn.execute(q).one()
    return n, _aware(oldest)


def attempt(engine: Engine, client: str, per_client: tuple[int, int], overall: tuple[int, int],
            now: datetime | None = None) -> float:
    """Count one login attempt as a failure until it succeeds (clear_failures).

    0.0 when its password may be checked; otherwise the seconds to wait, and
    the attempt is not counted (a locked-out client does not extend its wait).
    """
    now = now or datetime.now(timezone.utc)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
        # on SQLite this insert takes the write lock: the attempts of all workers queue here
        row_id = conn.execute(login_failure.insert().values(client=client, created_at=now)
                              .returning(login_failure.c.id)).scalar_one()
        waits = []
        for (count, seconds), who in ((per_client, client), (overall, None)):
            n, oldest = _window(conn, now, seconds, who)
            if n > count:
                waits.append(seconds - (now - oldest).total_seconds() if oldest else seconds)
        if waits:
            conn.execute(delete(login_failure).where(login_failure.c.id == row_id))
            return max(1.0, max(waits))
    return 0.0


def recent_failures(engine: Engine, client: str, seconds: int, now: datetime | None = None) -> int:
    with engine.connect() as conn:
        return _window(conn, now or datetime.now(timezone.utc), seconds, client)[0]


def record_failure(engine: Engine, client: str, now: datetime | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(login_failure.insert().values(client=client, created_at=now or datetime.now(timezone.utc)))


def clear_failures(engine: Engine, client: str) -> None:
    """After a successful login the client starts afresh."""
    with engine.begin() as conn:
        conn.execute(delete(login_failure).where(login_failure.c.client == client))

"""Failed editor logins, counted in the database so the rate limit holds across
gunicorn workers and machines. `client` is a salted hash, never an address."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from ..db import login_failure


def parse_limit(text: str) -> tuple[int, int]:
    """'5/300' → (5 failures, 300 seconds)."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
        raise ValueError(f"expected COUNT/SECONDS such as 5/300, not {text!r}")
    return int(m.group(1)), int(m.group(2))


def recent_failures(engine: Engine, client: str, seconds: int, now: datetime | None = None) -> int:
    since = (now or datetime.now(timezone.utc)) - timedelta(seconds=seconds)
    q = select(func.count()).where(login_failure.c.client == client, login_failure.c.created_at >= since)
    with engine.connect() as conn:
        return conn.execute(q).scalar_one()


def oldest_recent_failure(engine: Engine, client: str, seconds: int, now: datetime | None = None) -> datetime | None:
    now = now or datetime.now(timezone.utc)
    q = select(func.min(login_failure.c.created_at)).where(
        login_failure.c.client == client, login_failure.c.created_at >= now - timedelta(seconds=seconds))
    with engine.connect() as conn:
        value = conn.execute(q).scalar_one()
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def record_failure(engine: Engine, client: str, now: datetime | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(login_failure.insert().values(client=client, created_at=now or datetime.now(timezone.utc)))


def clear_failures(engine: Engine, client: str) -> None:
    """After a successful login the client starts afresh."""
    with engine.begin() as conn:
        conn.execute(delete(login_failure).where(login_failure.c.client == client))

"""Rate limits shared by every worker and machine, counted in the database.

Each limit keeps one counter per key and fixed window; a hit is one atomic
upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent workers
never lose a count. The decision uses the sliding-window estimate
`current + previous × (part of the previous window still inside the last
SECONDS)`, which never lets a burst at a window boundary through twice. Keys
are salted hashes (`key()`), never addresses or cookies; rows end two windows
after their own.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from .db import rate_counter


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, spec: str) -> "Limit":
        """'20/60' → 20 hits per 60 seconds."""
        try:
            count, seconds = str(spec).split("/", 1)
            limit = cls(int(count), int(float(seconds)))
        except (ValueError, AttributeError):
            raise ValueError(f"not a rate limit (COUNT/SECONDS): {spec!r}") from None
        if limit.count < 1 or limit.seconds < 1:
            raise ValueError(f"not a rate limit (COUNT/SECONDS): {spec!r}")
        return limit


def key(secret: str | bytes, kind: str, who: str) -> str:
    """A counter key for `who` (an address, a visitor id) that cannot be reversed."""
    salt = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(salt, f"{kind}|{who}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:48]


def _upsert(engine: Engine):
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def hit(engine: Engine, counter: str, limit: Limit, now: float | None = None) -> float:
    """Count one hit; 0.0 when it is within the limit, else the seconds to wait.

    Refused hits count too: a client that keeps sending stays refused.
    """
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    into = (now - window * limit.seconds) / limit.seconds  # 0..1 through the current window
    bucket = f"{counter}:{limit.seconds}"
    insert = _upsert(engine)
    stmt = insert(rate_counter).values(
        bucket=bucket, slot=window, hits=1,
        expires_at=datetime.fromtimestamp((window + 2) * limit.seconds, timezone.utc))
    stmt = stmt.on_conflict_do_update(index_elements=["bucket", "slot"],
                                      set_={"hits": rate_counter.c.hits + 1}).returning(rate_counter.c.hits)
    with engine.begin() as conn:
        current = conn.execute(stmt).scalar_one()
        previous = conn.execute(select(rate_counter.c.hits).where(
            rate_counter.c.bucket == bucket, rate_counter.c.slot == window - 1)).scalar() or 0
        if current == 1:  # a key's first hit in a window: tidy up the windows that have ended
            conn.execute(delete(rate_counter).where(
                rate_counter.c.expires_at < datetime.fromtimestamp(now, timezone.utc)))
    estimate = current + previous * (1 - into)
    if estimate <= limit.count:
        return 0.0
    # until the estimate falls back to the limit: the previous window's share shrinks as
    # time passes; past this window's end, the current count becomes that share
    if current <= limit.count and previous:
        wait = (1 - (limit.count - current) / previous - into) * limit.seconds
    else:
        wait = (1 - into) * limit.seconds + (1 - limit.count / current) * limit.seconds
    return max(1.0, wait)

"""Editors' login sessions kept in the database, so that they can be ended.

The session cookie carries a random token; the database keeps only its
SHA-256 with the editor's name and when the session ends. Logging out deletes
the row, so a copied cookie opens nothing afterwards, on any worker or machine;
a password change or a removed account deletes all of that editor's rows.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from ..db import admin_session

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create(engine: Engine, editor: str, hours: float, credential: str = "", now: datetime | None = None) -> str:
    """A new session for `editor` lasting `hours`; returns the token for the cookie."""
    now = now or datetime.now(timezone.utc)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with engine.begin() as conn:
        conn.execute(delete(admin_session).where(admin_session.c.expires_at < now))  # ended ones go
        conn.execute(admin_session.insert().values(token_hash=_hash(token), editor=editor, credential=credential,
                                                   created_at=now, expires_at=now + timedelta(hours=hours)))
    return token


def lookup(engine: Engine, token: object, now: datetime | None = None) -> tuple[str, str] | None:
    """(editor, credential) of a live session, or None for an unknown, ended or malformed token."""
    if not isinstance(token, str) or not 0 < len(token) <= 100:
        return None
    now = now or datetime.now(timezone.utc)
    with engine.connect() as conn:
        row = conn.execute(select(admin_session.c.editor, admin_session.c.credential, admin_session.c.expires_at)
                           .where(admin_session.c.token_hash == _hash(token))).first()
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=timezone.utc)
    return (row.editor, row.credential) if expires > now else None


def revoke(engine: Engine, token: object) -> None:
    if isinstance(token, str):
        with engine.begin() as conn:
            conn.execute(delete(admin_session).where(admin_session.c.token_hash == _hash(token)))


def revoke_editor(conn: Connection, editor: str) -> int:
    """End every session of `editor` (inside the caller's transaction); the number ended."""
    return conn.execute(delete(admin_session).where(admin_session.c.editor == editor)).rowcount

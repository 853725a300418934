"""The audit log: who logged in, logged out, exported what and read which 受付番号, and when.

Shown on the dashboard (「操作履歴」) and purged with the events
(`helpcenter db purge`). No address or user agent is stored.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..analytics.reports import Column, Table
from ..content.model import JST
from ..db import audit_log

ACTIONS = {"login": "ログイン", "logout": "ログアウト", "export": "CSVの出力", "lookup": "受付番号の照会"}


def record(engine: Engine, editor: str, action: str, detail: str = "", now: datetime | None = None) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    now = now or datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(audit_log.insert().values(day=now.astimezone(JST).date(), editor=editor[:64], action=action,
                                               detail=detail[:200], created_at=now))


def recent(engine: Engine, limit: int = 200) -> Table:
    a = audit_log.c
    q = select(a.created_at, a.editor, a.action, a.detail).order_by(a.created_at.desc(), a.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        at = r["created_at"]
        at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at
        r["at"] = at.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S")
        r["action"] = ACTIONS.get(r["action"], r["action"])
    return Table("audit", "操作履歴", f"編集者のログイン・ログアウト・CSVの出力・受付番号の照会。新しい順に{limit}件まで（日本時間）。", (
        Column("at", "日時"), Column("editor", "編集者"), Column("action", "操作"), Column("detail", "内容"),
    ), rows)

"""Review dates: which entries nobody has confirmed or updated for too long.

An entry's last check is the later of `updated` and `reviewed`; it is due for
review when that is more than HELPCENTER_REVIEW_DAYS days ago. Pure functions
over `stored.EntryDates`; the dashboard, its CSV and `helpcenter report` share
the table built here.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from ..analytics.reports import Column, Table
from ..content.model import JST
from .stored import EntryDates


def last_checked(entry: EntryDates) -> datetime:
    return max(entry.updated, entry.reviewed) if entry.reviewed else entry.updated


def due(entries: Iterable[EntryDates], now: datetime, days: int) -> list[EntryDates]:
    """Entries last checked before `now - days`, oldest first (then by number)."""
    limit = now - timedelta(days=days)
    return sorted((e for e in entries if last_checked(e) < limit), key=lambda e: (last_checked(e), e.number))


def table(entries: Iterable[EntryDates], now: datetime, days: int) -> Table:
    today = now.astimezone(JST).date()
    rows = []
    for e in due(entries, now, days):
        checked = last_checked(e).astimezone(JST)
        rows.append({"number": e.number, "title": e.title, "updated": e.updated.astimezone(JST),
                     "reviewed": e.reviewed.astimezone(JST) if e.reviewed else None,
                     "last_checked": checked, "days": (today - checked.date()).days})
    return Table("review", "確認が必要なFAQ",
                 f"{days}日以上、確認（reviewed）も更新（updated）もされていないFAQ。古い順。"
                 "内容を確認したら、ファイルの reviewed に確認日を書いてください。", (
                     Column("number", "No"), Column("title", "タイトル"), Column("updated", "更新日", "date"),
                     Column("reviewed", "最終確認日", "date"), Column("days", "経過日数", "int"),
                 ), rows)

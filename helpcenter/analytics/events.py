"""Recording events: one cheap INSERT each, deduplicated by unique keys.

Every function takes the Engine and keyword arguments only. Duplicates (the
same visitor doing the same thing the same day) are absorbed by
INSERT … ON CONFLICT DO NOTHING, so concurrent workers never raise, lose or
double a count. Text a member typed is cut to the column size here, so an
over-long value never becomes a database error.

Except for feedback (whose answer the member sees), a database failure while
recording is logged and swallowed: a missing count must never cost a member
the page they asked for.

`at` (optional, keyword) is the moment of the event; tests and imports use it,
views leave it out. `day` is the Japan date of that moment.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timezone

from sqlalchemy import and_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..content.model import JST
from ..db import chat_event, contact_event, feedback, insert_ignore, search_click, search_event, wizard_event

log = logging.getLogger(__name__)

WIZARD_EVENTS = ("start", "step", "outcome")
TARGET_TYPES = ("faq", "wizard", "chat")
CONTACT_EVENTS = ("view", "typed")
FALLBACK = "fallback"  # the chat reply type whose message text is kept
# 「いいえ」 reasons: stored key → label shown to members and editors (display order).
REASONS = {
    "missing": "知りたい内容が載っていない",
    "unclear": "説明がわかりにくい",
    "steps": "手順どおりにできない",
    "other": "その他",
}
COMMENT_MAX = 500


def _when(at: datetime | None) -> tuple[date, datetime]:
    now = at or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(JST).date(), now


def _cut(value: str | None, size: int) -> str | None:
    return None if value is None else str(value)[:size]


def _quietly(what: str, engine: Engine, stmt) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(stmt)
    except SQLAlchemyError:
        log.exception("could not record %s", what)


def record_search(engine: Engine, *, visitor: str, query: str, normalized: str, results: int,
                  category: str | None, page: int, at: datetime | None = None) -> None:
    """One search results page shown (the same visitor, query, category and page count once a day)."""
    day, now = _when(at)
    stmt = insert_ignore(engine, search_event).values(
        day=day, visitor=_cut(visitor, 64), query=_cut(query, 200), normalized=_cut(normalized, 200),
        results=max(int(results), 0), category=_cut(category or "", 200), page=max(int(page), 1),
        created_at=now)
    _quietly("search", engine, stmt)


def record_search_click(engine: Engine, *, visitor: str, normalized: str, number: int, rank: int,
                        at: datetime | None = None) -> None:
    """A search result opened: FAQ `number` at position `rank` (1 = first) for that query."""
    day, now = _when(at)
    stmt = insert_ignore(engine, search_click).values(
        day=day, visitor=_cut(visitor, 64), normalized=_cut(normalized, 200), number=int(number),
        rank=max(int(rank), 1), created_at=now)
    _quietly("search click", engine, stmt)


def record_wizard(engine: Engine, *, visitor: str, wizard: str, event: str, node: str, path: str,
                  at: datetime | None = None) -> None:
    """A wizard started, a step answered or an outcome reached.

    `path` is the answers so far, encoded as helpcenter.wizard.paths does ("2-1-3");
    its depth places a step in the funnel. A step names the question answered.
    """
    if event not in WIZARD_EVENTS:
        raise ValueError(f"wizard event must be one of {WIZARD_EVENTS}, not {event!r}")
    day, now = _when(at)
    stmt = insert_ignore(engine, wizard_event).values(
        day=day, visitor=_cut(visitor, 64), wizard=_cut(wizard, 100), event=event, node=_cut(node, 100),
        path=_cut(path or "", 500), created_at=now)
    _quietly("wizard event", engine, stmt)


def _faq_list(faqs: list[int] | None) -> str:
    return ",".join(str(int(n)) for n in (faqs or []))[:200].rstrip(",")


def record_contact(engine: Engine, *, visitor: str, kind: str, at: datetime | None = None) -> None:
    """The contact page seen ("view") or a problem typed into it ("typed"), once per visitor and day.

    What was typed is not kept here: only a 受付番号 keeps it, when the member asks for one.
    """
    if kind not in CONTACT_EVENTS:
        raise ValueError(f"contact event must be one of {CONTACT_EVENTS}, not {kind!r}")
    day, now = _when(at)
    stmt = insert_ignore(engine, contact_event).values(day=day, visitor=_cut(visitor, 64), kind=kind,
                                                       created_at=now)
    _quietly("contact " + kind, engine, stmt)


def record_chat(engine: Engine, *, visitor: str, reply_type: str, message: str | None, faqs: list[int],
                at: datetime | None = None) -> None:
    """One chatbot reply. The member's message is kept only for fallbacks (what the bot could not answer)."""
    day, now = _when(at)
    kept = _cut(message, COMMENT_MAX) if reply_type == FALLBACK else None
    stmt = chat_event.insert().values(day=day, visitor=_cut(visitor, 64), kind="reply",
                                      reply_type=_cut(reply_type, 40), message=kept, faqs=_faq_list(faqs),
                                      created_at=now)
    _quietly("chat reply", engine, stmt)


def record_chat_unresolved(engine: Engine, *, visitor: str, message: str | None, faqs: list[int],
                           at: datetime | None = None) -> None:
    """「解決しませんでした」: the member's question and the FAQs that did not help."""
    day, now = _when(at)
    stmt = chat_event.insert().values(day=day, visitor=_cut(visitor, 64), kind="unresolved",
                                      reply_type="unresolved", message=_cut(message, COMMENT_MAX),
                                      faqs=_faq_list(faqs), created_at=now)
    _quietly("chat unresolved", engine, stmt)


def record_feedback(engine: Engine, *, visitor: str, target_type: str, target: str, helpful: bool,
                    reason: str | None, comment: str | None, at: datetime | None = None) -> bool:
    """「この回答は役に立ちましたか？」: False when this visitor already voted on this target today."""
    if target_type not in TARGET_TYPES:
        raise ValueError(f"target_type must be one of {TARGET_TYPES}, not {target_type!r}")
    if reason is not None and reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    day, now = _when(at)
    stmt = insert_ignore(engine, feedback).values(
        day=day, visitor=_cut(visitor, 64), target_type=target_type, target=_cut(target, 200),
        helpful=bool(helpful), reason=None if helpful else reason,
        comment=None if helpful else (_cut(comment.strip(), COMMENT_MAX) if comment and comment.strip() else None),
        created_at=now).returning(feedback.c.id)
    # RETURNING rather than rowcount: with ON CONFLICT, drivers disagree on rowcount (psycopg gives -1)
    with engine.begin() as conn:
        return conn.execute(stmt).first() is not None


def add_feedback_reason(engine: Engine, *, visitor: str, target_type: str, target: str, reason: str,
                        comment: str | None, at: datetime | None = None) -> bool:
    """Attach the reason to today's 「いいえ」 by this visitor (asked after the vote, so an
    abandoned reason form still counts the vote). False when there is no such vote
    or it already has a reason."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    day, _ = _when(at)
    stmt = (update(feedback)
            .where(and_(feedback.c.day == day, feedback.c.visitor == _cut(visitor, 64),
                        feedback.c.target_type == target_type, feedback.c.target == _cut(target, 200),
                        feedback.c.helpful.is_(False), feedback.c.reason.is_(None)))
            .values(reason=reason,
                    comment=_cut(comment.strip(), COMMENT_MAX) if comment and comment.strip() else None))
    with engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1

"""The event store on SQLite and on a real PostgreSQL: migrations, deduplication,
limits, and exact counts with several processes writing at once."""
from __future__ import annotations

import logging
import multiprocessing
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select

from helpcenter import db
from helpcenter.analytics import events

T0 = datetime(2024, 6, 3, 3, 0, tzinfo=timezone.utc)  # 12:00 in Japan


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def rows(engine, table):
    with engine.connect() as conn:
        return [r._asdict() for r in conn.execute(select(table).order_by(table.c.id))]


def head_revision() -> str:
    """The newest migration on disk (helpers append migrations; the chain must stay linear)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.Path(db.__file__).parent / "migrations"))
    (head,) = ScriptDirectory.from_config(cfg).get_heads()
    return head


def test_migrations_create_every_table_and_reach_the_newest_revision(db_engine):
    names = set(inspect(db_engine).get_table_names())
    assert {"faq_view", "search_event", "search_click", "wizard_event", "chat_event", "feedback",
            "login_failure", "contact_event", "contact_code", "alembic_version"} <= names
    assert db.current_revision(db_engine) == head_revision()


def test_upgrading_twice_changes_nothing(db_engine, tmp_path):
    db.upgrade(db_engine, str(tmp_path / "db"))
    assert db.current_revision(db_engine) == head_revision()


def test_downgrade_to_0001_removes_the_event_tables_but_keeps_views(db_url, tmp_path):
    from alembic import command
    from alembic.config import Config

    engine = db.make_engine(db_url)
    db.upgrade(engine, str(tmp_path / "db"))
    cfg = Config()
    cfg.set_main_option("script_location", str(db.Path(db.__file__).parent / "migrations"))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        conn.commit()
    names = set(inspect(engine).get_table_names())
    assert "faq_view" in names and "feedback" not in names and "search_event" not in names
    assert "contact_code" not in names and "contact_event" not in names
    engine.dispose()


def test_the_same_search_by_the_same_visitor_on_the_same_day_counts_once(db_engine):
    for _ in range(3):
        events.record_search(db_engine, visitor="v1", query="ＳＭＳ", normalized="sms", results=4,
                             category=None, page=1, at=T0)
    events.record_search(db_engine, visitor="v1", query="sms", normalized="sms", results=4, category=None,
                         page=2, at=T0)
    events.record_search(db_engine, visitor="v2", query="sms", normalized="sms", results=4, category=None,
                         page=1, at=T0)
    events.record_search(db_engine, visitor="v1", query="sms", normalized="sms", results=4, category=None,
                         page=1, at=T0 + timedelta(days=1))
    assert count(db_engine, db.search_event) == 4


def test_over_long_text_is_cut_to_the_column_instead_of_failing(db_engine):
    events.record_search(db_engine, visitor="v" * 100, query="あ" * 1000, normalized="い" * 1000, results=0,
                         category="c" * 999, page=1, at=T0)
    events.record_chat(db_engine, visitor="v", reply_type="fallback", message="う" * 3000, faqs=list(range(200)),
                       at=T0)
    search = rows(db_engine, db.search_event)[0]
    assert len(search["query"]) == 200 and len(search["normalized"]) == 200 and len(search["visitor"]) == 64
    chat = rows(db_engine, db.chat_event)[0]
    assert len(chat["message"]) == 500 and len(chat["faqs"]) <= 200 and not chat["faqs"].endswith(",")


def test_chat_keeps_message_text_only_for_fallbacks_and_unresolved(db_engine):
    events.record_chat(db_engine, visitor="v", reply_type="answer", message="パスワードを忘れた", faqs=[3816], at=T0)
    events.record_chat(db_engine, visitor="v", reply_type="fallback", message="ふっかつの呪文", faqs=[], at=T0)
    events.record_chat_unresolved(db_engine, visitor="v", message="SMSが来ない", faqs=[3816, 3817], at=T0)
    got = [(r["kind"], r["reply_type"], r["message"], r["faqs"]) for r in rows(db_engine, db.chat_event)]
    assert got == [("reply", "answer", None, "3816"), ("reply", "fallback", "ふっかつの呪文", ""),
                   ("unresolved", "unresolved", "SMSが来ない", "3816,3817")]


def test_one_vote_per_visitor_per_target_per_japan_day(db_engine):
    vote = dict(visitor="v", target_type="faq", target="3816", reason=None, comment=None)
    assert events.record_feedback(db_engine, helpful=True, at=T0, **vote) is True
    assert events.record_feedback(db_engine, helpful=False, at=T0 + timedelta(hours=5), **vote) is False
    # 15:00 UTC is already the next day in Japan
    assert events.record_feedback(db_engine, helpful=False, at=T0 + timedelta(hours=12), **vote) is True
    assert events.record_feedback(db_engine, helpful=True, at=T0, **{**vote, "target": "3817"}) is True
    assert events.record_feedback(db_engine, helpful=True, at=T0, **{**vote, "visitor": "w"}) is True
    assert count(db_engine, db.feedback) == 4


def test_a_reason_attaches_to_the_no_vote_once(db_engine):
    key = dict(visitor="v", target_type="faq", target="3816")
    assert not events.add_feedback_reason(db_engine, reason="unclear", comment=None, at=T0, **key)
    events.record_feedback(db_engine, helpful=False, reason=None, comment=None, at=T0, **key)
    assert events.add_feedback_reason(db_engine, reason="unclear", comment="  図がほしい ", at=T0, **key)
    assert not events.add_feedback_reason(db_engine, reason="other", comment="二度目", at=T0, **key)
    (row,) = rows(db_engine, db.feedback)
    assert (row["helpful"], row["reason"], row["comment"]) == (False, "unclear", "図がほしい")


def test_a_yes_vote_keeps_no_reason(db_engine):
    events.record_feedback(db_engine, visitor="v", target_type="faq", target="1", helpful=True,
                           reason="other", comment="x", at=T0)
    (row,) = rows(db_engine, db.feedback)
    assert row["reason"] is None and row["comment"] is None


def test_unknown_kinds_are_refused_as_programming_errors(db_engine):
    with pytest.raises(ValueError):
        events.record_wizard(db_engine, visitor="v", wizard="w", event="finish", node="n", path="")
    with pytest.raises(ValueError):
        events.record_feedback(db_engine, visitor="v", target_type="page", target="1", helpful=True,
                               reason=None, comment=None)
    with pytest.raises(ValueError):
        events.record_feedback(db_engine, visitor="v", target_type="faq", target="1", helpful=False,
                               reason="bored", comment=None)


def test_a_database_failure_while_counting_is_logged_not_raised(tmp_path, caplog):
    engine = db.make_engine("sqlite:///" + str(tmp_path / "never-migrated.sqlite3"))
    with caplog.at_level(logging.ERROR, logger="helpcenter.analytics.events"):
        events.record_search(engine, visitor="v", query="q", normalized="q", results=1, category=None, page=1)
    assert "could not record search" in caplog.text
    engine.dispose()


# --- several processes at once ------------------------------------------------

PROCS, EACH = 4, 120


def _writer(url: str, worker: int, barrier, results) -> None:
    """One "gunicorn worker": its own engine, all writers released together."""
    import logging as _logging

    failures = []

    class Catch(_logging.Handler):
        def emit(self, record):
            failures.append(record.getMessage())

    _logging.getLogger("helpcenter.analytics.events").addHandler(Catch())
    engine = db.make_engine(url)
    won = 0
    barrier.wait(60)
    for i in range(EACH):
        visitor = f"w{worker}-{i}"
        events.record_search(engine, visitor=visitor, query="Ｑ", normalized="q", results=i % 3, category=None, page=1)
        # every worker repeats the same search of the same visitor: one row in all
        events.record_search(engine, visitor="shared", query="q", normalized="q", results=1, category=None, page=1)
        events.record_chat(engine, visitor=visitor, reply_type="fallback", message=f"m{worker}-{i}", faqs=[1])
        events.record_wizard(engine, visitor=visitor, wizard="w", event="start", node="start", path="")
        events.record_search_click(engine, visitor=visitor, normalized="q", number=1, rank=1)
        # every worker votes for the same visitor and FAQ: exactly one vote may win
        won += events.record_feedback(engine, visitor="voter", target_type="faq", target=str(i), helpful=True,
                                      reason=None, comment=None)
    engine.dispose()
    results.put((worker, won, failures))


def _run_writers(url: str) -> tuple[int, list[str]]:
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, like separate workers or machines
    barrier, results = ctx.Barrier(PROCS), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, n, barrier, results)) for n in range(PROCS)]
    for p in procs:
        p.start()
    got = _collect(procs, results)
    return sum(w for _, w, _ in got), [f for _, _, fs in got for f in fs]


def _collect(procs, results, timeout: float = 240) -> list:
    """Every process's result; fails at once (not after the timeout) when one of them crashed."""
    import queue
    import time

    got, deadline = [], time.monotonic() + timeout
    while len(got) < len(procs):
        try:
            got.append(results.get(timeout=0.5))
        except queue.Empty:
            crashed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not crashed, f"a writer process crashed (exit codes {crashed})"
            assert time.monotonic() < deadline, "writers did not finish in time"
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return got


def _assert_exact(engine, won: int, failures: list[str]) -> None:
    assert failures == []
    assert count(engine, db.search_event) == PROCS * EACH + 1
    assert count(engine, db.search_event, db.search_event.c.visitor == "shared") == 1
    assert count(engine, db.chat_event) == PROCS * EACH
    assert count(engine, db.wizard_event) == PROCS * EACH
    assert count(engine, db.search_click) == PROCS * EACH
    assert won == EACH
    assert count(engine, db.feedback) == EACH


def test_concurrent_writers_on_sqlite_lose_nothing_and_never_lock(tmp_path):
    url = "sqlite:///" + str(tmp_path / "shared.sqlite3")
    engine = db.make_engine(url)
    db.upgrade(engine, str(tmp_path))
    won, failures = _run_writers(url)
    _assert_exact(engine, won, failures)
    engine.dispose()


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_lose_nothing(pg_url, tmp_path):
    engine = db.make_engine(pg_url)
    db.upgrade(engine, str(tmp_path))
    won, failures = _run_writers(pg_url)
    _assert_exact(engine, won, failures)
    engine.dispose()


def _migrator(url: str, instance: str, barrier, results) -> None:
    engine = db.make_engine(url)
    barrier.wait(60)
    try:
        db.upgrade(engine, instance)
        results.put(None)
    except Exception as exc:  # reported to the test
        results.put(repr(exc))
    engine.dispose()


@pytest.mark.postgres
def test_machines_migrating_the_same_postgresql_at_once_take_turns(pg_url, tmp_path):
    # separate instance dirs: only PostgreSQL's advisory lock keeps them apart
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_migrator, args=(pg_url, str(tmp_path / f"m{n}"), barrier, results))
             for n in range(3)]
    for p in procs:
        p.start()
    assert _collect(procs, results, 120) == [None, None, None]
    engine = db.make_engine(pg_url)
    assert db.current_revision(engine) == head_revision()
    engine.dispose()

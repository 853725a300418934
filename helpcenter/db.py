"""The database: SQLAlchemy Core tables, the engine, and migrations.

SQLite in the instance dir by default (WAL mode, busy timeout), PostgreSQL
through HELPCENTER_DATABASE_URL. Tables are defined here; Alembic migrations in
`helpcenter/migrations` create them and run on `serve` and
`helpcenter db upgrade`. Counting relies on unique constraints plus
INSERT … ON CONFLICT DO NOTHING, so concurrent workers never lose or double a
count and never read-modify-write.
"""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, text)
from sqlalchemy.engine import Engine

metadata = MetaData()

faq_view = Table(
    "faq_view", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("day", "visitor", "number", name="uq_faq_view_visitor_day"),
    Index("ix_faq_view_day_number", "day", "number"),
)

# Events for the editors' reports (helpcenter.analytics). `day` is the Japan
# date the event happened on; reports and `db purge` select by it. `visitor`
# is the random cookie id or the daily-salted hash (helpcenter.web.visitors),
# never an IP address or user agent. Text columns a member typed are capped in
# helpcenter.analytics.events before they get here.

search_event = Table(
    "search_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("query", String(200), nullable=False),
    Column("normalized", String(200), nullable=False),
    Column("results", Integer, nullable=False),
    Column("category", String(200), nullable=False),  # "" = all categories (NULLs would defeat the unique key)
    Column("page", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # a reload or going back to the results is the same search
    UniqueConstraint("day", "visitor", "normalized", "category", "page", name="uq_search_event_visitor_day"),
    Index("ix_search_event_day_normalized", "day", "normalized"),
)

search_click = Table(
    "search_click", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("normalized", String(200), nullable=False),
    Column("number", Integer, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("day", "visitor", "normalized", "number", name="uq_search_click_visitor_day"),
    Index("ix_search_click_day_normalized", "day", "normalized"),
)

wizard_event = Table(
    "wizard_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("wizard", String(100), nullable=False),
    Column("event", String(10), nullable=False),  # start | step | outcome
    Column("node", String(100), nullable=False),
    Column("path", String(500), nullable=False),  # the answers so far; its depth places a step in the funnel
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("day", "visitor", "wizard", "event", "node", "path", name="uq_wizard_event_visitor_day"),
    Index("ix_wizard_event_day_wizard", "day", "wizard"),
)

chat_event = Table(
    "chat_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("kind", String(12), nullable=False),  # reply | unresolved
    Column("reply_type", String(40), nullable=False),
    Column("message", String(500)),  # only for fallbacks and 「解決しませんでした」
    Column("faqs", String(200), nullable=False),  # comma-separated FAQ numbers offered
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_event_day_kind", "day", "kind"),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("target_type", String(10), nullable=False),  # faq | wizard | chat
    Column("target", String(200), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("reason", String(40)),
    Column("comment", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("day", "visitor", "target_type", "target", name="uq_feedback_visitor_day"),
    Index("ix_feedback_day_target", "day", "target_type", "target"),
)

# The contact page (helpcenter.contact): its views and problems typed, one row
# per visitor, day and kind, for the deflection rate; and each 受付番号 issued
# with the member's trail as JSON (helpcenter.contact.trail), kept as long as
# the events.
contact_event = Table(
    "contact_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("kind", String(10), nullable=False),  # view | typed
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("day", "visitor", "kind", name="uq_contact_event_visitor_day"),
    Index("ix_contact_event_day_kind", "day", "kind"),
)

contact_code = Table(
    "contact_code", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("visitor", String(64), nullable=False),
    Column("code", String(8), nullable=False),  # display form, K7Q-4MD2
    Column("source", String(10), nullable=False),  # contact | wizard | chat
    Column("trail", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("code", name="uq_contact_code_code"),
    Index("ix_contact_code_day_visitor", "day", "visitor"),
)

# Failed admin logins, so that the rate limit holds across workers and machines.
login_failure = Table(
    "login_failure", metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(64), nullable=False),  # salted hash of the client, see helpcenter.web.admin
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failure_client_created", "client", "created_at"),
)

# Editors' accounts (helpcenter.accounts): a name and a werkzeug scrypt hash.
editor = Table(
    "editor", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# What editors did on the dashboard: login, logout, export (helpcenter.accounts.audit).
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),  # Japan date, for `db purge` like the events
    Column("editor", String(64), nullable=False),
    Column("action", String(20), nullable=False),
    Column("detail", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_audit_log_created", "created_at"),
)

# Editors' login sessions (helpcenter.accounts.sessions): the cookie holds a
# random token, the database its SHA-256, so logout and a password change end a
# session on every worker at once. `credential` ties a bootstrap login to the
# HELPCENTER_ADMIN_PASSWORD it was made with.
admin_session = Table(
    "admin_session", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("editor", String(64), nullable=False),
    Column("credential", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_admin_session_editor", "editor"),
    Index("ix_admin_session_expires", "expires_at"),
)

# Rate limit counters shared by every worker and machine (helpcenter.ratelimits):
# hits per bucket (limit and client) and window; a bucket is a salted hash, never an address.
rate_counter = Table(
    "rate_counter", metadata,
    Column("bucket", String(64), primary_key=True),
    Column("slot", BigInteger, primary_key=True),  # which window: epoch seconds // its length
    Column("hits", Integer, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_rate_counter_expires", "expires_at"),
)

EVENT_TABLES = (faq_view, search_event, search_click, wizard_event, chat_event, feedback, contact_event, contact_code)


def make_engine(url: str, read_only: bool = False) -> Engine:
    """The engine for `url`; read_only opens an SQLite file without ever writing
    (for `helpcenter report` on an instance folder it may not write)."""
    if url.startswith("sqlite:///") and read_only:
        return _read_only_sqlite(url[len("sqlite:///"):])
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def exists(url: str) -> bool:
    """Whether the database is there, without creating it: the SQLite file
    exists, or the server accepts a connection."""
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):]).is_file()
    try:
        engine = create_engine(url)
        try:
            with engine.connect():
                return True
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - any driver's refusal means "not there"
        return False


def _read_only_sqlite(path: str) -> Engine:
    import sqlite3
    from urllib.parse import quote

    uri = "file:" + quote(str(Path(path).resolve()))

    def connect():
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=30, check_same_thread=False)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
            return conn
        except sqlite3.OperationalError:
            # a WAL database whose -shm file no running server has left: without
            # write access SQLite can only read it as an unchanging file
            conn.close()
            return sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, check_same_thread=False)

    return create_engine("sqlite://", creator=connect)


def insert_ignore(engine: Engine, table: Table):
    """INSERT … ON CONFLICT DO NOTHING for this engine's dialect."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing()


@contextmanager
def _migration_lock(engine: Engine, instance_dir: str):
    Path(instance_dir).mkdir(parents=True, exist_ok=True)
    with open(os.path.join(instance_dir, "migrate.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # workers of one machine
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":  # several machines
                    conn.execute(text("SELECT pg_advisory_lock(727274)"))
                    conn.commit()
                try:
                    yield conn
                finally:
                    if engine.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_unlock(727274)"))
                        conn.commit()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, instance_dir: str, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`, one process at a time."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with _migration_lock(engine, instance_dir) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def head_revision() -> str | None:
    """The newest migration's revision."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()

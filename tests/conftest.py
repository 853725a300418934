"""Shared fixtures.

* `app`, `client`: the real content/, its index built once per test session
  (linked into each test's own instance dir, so each test gets a fresh SQLite
  database but never rebuilds the index).
* `cached_app`: the same with the page cache on (60 s) and not in testing mode.
* `runner`: a click CliRunner for the `helpcenter` command.
* `small_content`: a minimal valid content tree in tmp_path for edge cases;
  tests edit its files to produce each kind of error.
* `make_app(content_dir)`: an app with its own instance dir and a fresh index.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpcenter import create_app
from helpcenter.publishing import prepare, publish
from helpcenter.search import indexer
from helpcenter.search.store import Generation
from support import (CONTENT, ROOT, SMALL_CATEGORIES, SMALL_SITE, app_config, copy_content,  # noqa: F401
                     dedent, faq_text)

@pytest.fixture(scope="session", autouse=True)
def lexical_search(tmp_path_factory):
    """Tests see the lexical engine whether or not `helpcenter vectors fetch`
    ran on this machine (tests/test_search_vectors.py brings its own vectors)."""
    before = os.environ.get("HELPCENTER_VECTORS_DIR")
    os.environ["HELPCENTER_VECTORS_DIR"] = str(tmp_path_factory.mktemp("no-word-vectors"))
    yield
    if before is None:
        os.environ.pop("HELPCENTER_VECTORS_DIR", None)
    else:
        os.environ["HELPCENTER_VECTORS_DIR"] = before


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, lexical_search) -> Path:
    """The real content's index, built once: returns an instance dir holding it."""
    inst = tmp_path_factory.mktemp("shared-instance")
    publish(str(CONTENT), str(inst))
    return inst / "index"


@pytest.fixture
def gen(built_index):
    """The real content's generation, opened afresh for each pure search/chat
    test (no app): its engine, and so its results cache, are the test's own."""
    g = Generation(indexer.current_generation(built_index.parent))
    yield g
    g.close()


@contextmanager
def _app_on_shared_index(tmp_path, built_index, testing: bool, **settings):
    """An app whose instance dir links the session's index (fresh database)."""
    inst = tmp_path / "instance"
    inst.mkdir()
    os.symlink(built_index, inst / "index")
    application = create_app(app_config(inst, **settings))
    if testing:
        application.config["TESTING"] = True
    prepare(application.config)
    try:
        yield application
    finally:
        application.extensions["helpcenter.index"].close()
        application.extensions["helpcenter.db"].dispose()


@pytest.fixture
def app(tmp_path, built_index):
    with _app_on_shared_index(tmp_path, built_index, testing=True) as application:
        yield application


@pytest.fixture
def cached_app(tmp_path, built_index):
    """An app as served: the page cache on (60 s), not in testing mode."""
    with _app_on_shared_index(tmp_path, built_index, testing=False, PAGE_CACHE_SECONDS=60) as application:
        yield application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def make_app(tmp_path):
    made = []

    def factory(content: Path, **extra):
        inst = tmp_path / f"instance{len(made)}"
        application = create_app(app_config(inst, content, **extra))
        application.config["TESTING"] = True
        prepare(application.config)
        made.append(application)
        return application

    yield factory
    for a in made:
        a.extensions["helpcenter.index"].close()
        a.extensions["helpcenter.db"].dispose()


@pytest.fixture
def small_content(tmp_path) -> Path:
    root = tmp_path / "content"
    (root / "faq").mkdir(parents=True)
    (root / "site.yaml").write_text(SMALL_SITE, encoding="utf-8")
    (root / "categories.yaml").write_text(SMALL_CATEGORIES, encoding="utf-8")
    (root / "faq" / "1.md").write_text(faq_text(1, "SMSが届きません", body="①設定を開きます。\n②[変更画面](flow:two-factor-settings)へ。"), encoding="utf-8")
    (root / "faq" / "2.md").write_text(faq_text(2, "パスワードを忘れました", "[login]", extra="related: [1]\n",
                                                body="[SMS](/faq/1)をご覧ください。"), encoding="utf-8")
    return root




# --- PostgreSQL (analytics) ---------------------------------------------------
# Tests marked `postgres` run against a real server: the CI script starts a
# throwaway cluster with `.ci/postgres start` and exports its URL.

@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for this test (dropped afterwards): its SQLAlchemy URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("HELPCENTER_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("HELPCENTER_TEST_POSTGRES_URL is unset; the lead's CI (.ci/run) always sets it "
                    "via `bash .ci/postgres start`")
    name = "hc_" + uuid.uuid4().hex[:16]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """Each test using it runs twice: on SQLite in tmp_path and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "db" / "helpcenter.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_engine(db_url, tmp_path):
    """A migrated engine on `db_url`."""
    from helpcenter import db

    engine = db.make_engine(db_url)
    db.upgrade(engine, str(tmp_path / "db"))
    yield engine
    engine.dispose()

"""Editors' sessions that end (logout, password change, a new shared password)
for every copy of the cookie, and login limits that count every attempt, even
concurrent ones, per address and from all addresses together."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select
from support import app_config

from helpcenter import db
from helpcenter.accounts import editors
from helpcenter.analytics import logins
from test_admin import PASSWORD, login, token

SATO_PW = "sato-password-123"


def logout(client):
    return client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_copied_cookie_opens_nothing_after_logout(client, app):
    assert login(client).status_code == 303
    thief = copy_of(app, client)
    assert thief.get("/admin/").status_code == 200 and thief.get("/admin/queries.csv").status_code == 200
    assert logout(client).status_code == 303
    assert thief.get("/admin/").status_code == 303
    assert thief.get("/admin/queries.csv").status_code == 401


def test_a_password_change_ends_every_session_of_that_editor(client, app):
    engine = app.extensions["helpcenter.db"]
    editors.add(engine, "sato", SATO_PW)
    editors.add(engine, "suzuki", "suzuki-password-1")
    other = app.test_client()
    client.post("/admin/login", data={"csrf_token": token(client), "name": "sato", "password": SATO_PW})
    other.post("/admin/login", data={"csrf_token": token(other), "name": "suzuki", "password": "suzuki-password-1"})
    assert client.get("/admin/").status_code == 200 and other.get("/admin/").status_code == 200
    editors.set_password(engine, "sato", "a-new-password-1")
    assert client.get("/admin/").status_code == 303
    assert other.get("/admin/").status_code == 200  # another editor stays logged in


def test_changing_the_shared_password_ends_its_sessions(client, app):
    assert login(client).status_code == 303
    app.config["HELPCENTER_ADMIN_PASSWORD"] = "a-different-shared-pw"
    assert client.get("/admin/").status_code == 303


def test_the_database_keeps_a_hash_of_the_session_token(client, app):
    login(client)
    with app.extensions["helpcenter.db"].connect() as conn:
        (stored,) = conn.execute(select(db.admin_session.c.token_hash)).scalars().all()
    from flask.sessions import SecureCookieSessionInterface

    raw = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    data = SecureCookieSessionInterface().get_signing_serializer(app).loads(raw)
    assert re.fullmatch(r"[0-9a-f]{64}", stored) and data["admin_token"] not in stored


def test_a_forged_session_without_a_row_opens_nothing(client, app):
    with client.session_transaction() as sess:  # signed with the real key, as a leaked key would allow
        import time

        sess["admin_since"], sess["admin_token"] = time.time(), "made-up"
    assert client.get("/admin/").status_code == 303


def test_concurrent_wrong_logins_get_exactly_the_limit_of_checks(app):
    """30 wrong passwords at once from one address: 5 are checked, 25 refused."""
    clients = [app.test_client() for _ in range(30)]
    forms = [{"csrf_token": token(c), "password": "wrong"} for c in clients]
    codes: list[int] = []
    start = threading.Barrier(len(clients))

    def attempt(c, form):
        start.wait()
        codes.append(c.post("/admin/login", data=form).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, forms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [401] * 5 + [429] * 25


def test_failed_logins_from_all_addresses_together_are_bounded(make_app, small_content):
    app = make_app(small_content, LOGIN_GLOBAL_RATE_LIMIT="8/300")
    for n in range(8):
        c = app.test_client()
        assert login(c, "wrong", environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code == 401
    late = app.test_client()
    r = login(late, PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 300


def test_attempts_are_counted_one_at_a_time_on_every_database(db_engine):
    allowed: list[float] = []

    def worker(n):
        for _ in range(5):
            allowed.append(logins.attempt(db_engine, f"client{n % 3}", (4, 300), (10, 300)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 30 attempts from 3 clients: each client at most 4, all together at most 10
    assert allowed.count(0.0) == 10


def test_a_successful_login_clears_only_that_clients_failures(db_engine):
    assert logins.attempt(db_engine, "a", (2, 300), (10, 300)) == 0.0
    assert logins.attempt(db_engine, "b", (2, 300), (10, 300)) == 0.0
    logins.clear_failures(db_engine, "a")
    assert logins.recent_failures(db_engine, "a", 300) == 0 and logins.recent_failures(db_engine, "b", 300) == 1

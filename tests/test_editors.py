"""Editors as people: accounts with scrypt hashes (`helpcenter editors …`),
login with name and password, HELPCENTER_ADMIN_PASSWORD as a bootstrap, and
the audit log of logins, logouts and exports, on SQLite and PostgreSQL."""
from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import select

from helpcenter import db
from helpcenter.accounts import audit, editors
from helpcenter.cli import main

PASSWORD = "test-admin-pw"
SATO_PW = "correct horse battery"


def token(client) -> str:
    html = client.get("/admin/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name: str, password: str):
    return client.post("/admin/login", data={"csrf_token": token(client), "name": name, "password": password})


def logout(client):
    html = client.get("/admin/").get_data(as_text=True)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post("/admin/logout", data={"csrf_token": tok})


# --- accounts ---------------------------------------------------------------------

def test_an_account_keeps_a_scrypt_hash_never_the_password(db_engine):
    assert editors.add(db_engine, "Sato", SATO_PW) == "sato"
    with db_engine.connect() as conn:
        (stored,) = conn.execute(select(db.editor.c.password_hash)).one()
    assert stored.startswith("scrypt:") and SATO_PW not in stored
    assert editors.verify(db_engine, "ＳＡＴＯ", SATO_PW) == "sato"  # width and case folded
    assert editors.verify(db_engine, "sato", SATO_PW + "x") is None
    assert editors.verify(db_engine, "tanaka", SATO_PW) is None


def test_names_are_unique_and_unusable_names_or_passwords_are_refused(db_engine):
    editors.add(db_engine, "佐藤", SATO_PW)
    with pytest.raises(editors.AccountError, match="すでに登録"):
        editors.add(db_engine, "佐藤", SATO_PW)
    for bad in ("", "a b", "x" * 65, "(共有パスワード)", "a/b", "\x00"):
        with pytest.raises(editors.AccountError):
            editors.add(db_engine, bad, SATO_PW)
    with pytest.raises(editors.AccountError, match="10〜200文字"):
        editors.add(db_engine, "tanaka", "short")
    assert editors.names(db_engine) == ["佐藤"]


def test_a_password_can_be_changed_and_an_account_removed(db_engine):
    editors.add(db_engine, "sato", SATO_PW)
    assert editors.set_password(db_engine, "sato", "another long one")
    assert editors.verify(db_engine, "sato", SATO_PW) is None
    assert editors.verify(db_engine, "sato", "another long one") == "sato"
    assert editors.remove(db_engine, "SATO") and not editors.any_exist(db_engine)
    assert not editors.remove(db_engine, "sato")


# --- the command ------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "inst"))
    monkeypatch.delenv("HELPCENTER_DATABASE_URL", raising=False)
    url = "sqlite:///" + str(tmp_path / "inst" / "helpcenter.sqlite3")
    yield url


def test_editors_add_prompts_twice_for_the_password_and_refuses_short_ones(runner, cli_db):
    result = runner.invoke(main, ["editors", "add", "Sato"], input=f"short\n{SATO_PW}\n{SATO_PW}\n")
    assert result.exit_code == 0, result.output
    assert "10〜200文字" in result.output and "編集者 sato を登録しました" in result.output
    assert SATO_PW not in result.output
    engine = db.make_engine(cli_db)
    assert editors.verify(engine, "sato", SATO_PW) == "sato"
    engine.dispose()
    again = runner.invoke(main, ["editors", "add", "sato"], input=f"{SATO_PW}\n{SATO_PW}\n")
    assert again.exit_code == 1 and "すでに登録" in again.output
    mismatch = runner.invoke(main, ["editors", "add", "tanaka"], input=f"{SATO_PW}\nother password\n")
    assert mismatch.exit_code != 0
    assert runner.invoke(main, ["editors", "list"]).output.split() == ["sato"]


def test_editors_passwd_and_remove(runner, cli_db):
    runner.invoke(main, ["editors", "add", "sato", "--password", SATO_PW])
    assert runner.invoke(main, ["editors", "passwd", "sato"], input="new password 1\nnew password 1\n").exit_code == 0
    assert runner.invoke(main, ["editors", "passwd", "nobody", "--password", SATO_PW]).exit_code == 1
    assert runner.invoke(main, ["editors", "remove", "sato"]).exit_code == 0
    assert runner.invoke(main, ["editors", "remove", "sato"]).exit_code == 1
    assert runner.invoke(main, ["editors", "list"]).output == ""


# --- the dashboard ----------------------------------------------------------------

def test_an_editor_logs_in_with_name_and_password_and_is_named_on_the_dashboard(client, app):
    editors.add(app.extensions["helpcenter.db"], "sato", SATO_PW)
    assert login(client, "sato", "wrong password!").status_code == 401
    assert login(client, "sato", SATO_PW).status_code == 303
    html = client.get("/admin/").get_data(as_text=True)
    assert "sato さん" in html


def test_the_shared_password_still_works_as_a_bootstrap_with_an_empty_name(client):
    assert login(client, "sato", PASSWORD).status_code == 401  # not an account's password
    assert login(client, "", PASSWORD).status_code == 303
    assert client.get("/admin/").status_code == 200


def test_accounts_alone_enable_the_dashboard(make_app, small_content):
    app = make_app(small_content, ADMIN_PASSWORD="")
    client = app.test_client()
    assert client.get("/admin/login").status_code == 403
    editors.add(app.extensions["helpcenter.db"], "sato", SATO_PW)
    assert client.get("/admin/login").status_code == 200
    assert login(client, "", "").status_code == 401  # no bootstrap without the setting
    assert login(client, "sato", SATO_PW).status_code == 303
    assert client.get("/admin/").status_code == 200


def test_removing_an_account_ends_its_sessions(client, app):
    engine = app.extensions["helpcenter.db"]
    editors.add(engine, "sato", SATO_PW)
    login(client, "sato", SATO_PW)
    assert client.get("/admin/").status_code == 200
    editors.remove(engine, "sato")
    assert client.get("/admin/").status_code == 303


def test_logins_logouts_and_exports_are_in_the_audit_log(client, app):
    editors.add(app.extensions["helpcenter.db"], "sato", SATO_PW)
    login(client, "sato", SATO_PW)
    assert client.get("/admin/queries.csv?days=7").status_code == 200
    logout(client)
    login(client, "", PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r'<td class="k-text c-editor">([^<]*)</td>\s*<td class="k-text c-action">([^<]*)</td>', html)
    assert rows == [("(共有パスワード)", "ログイン"), ("sato", "ログアウト"), ("sato", "CSVの出力"),
                    ("sato", "ログイン")]
    assert "helpcenter-queries-" in html
    csv = client.get("/admin/audit.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("日時,編集者,操作,内容")


def test_the_audit_log_is_purged_with_the_events(db_engine):
    from datetime import datetime, timedelta, timezone

    from helpcenter.analytics import retention
    from helpcenter.content.model import JST

    now = datetime.now(timezone.utc)
    audit.record(db_engine, "sato", "login", now=now - timedelta(days=200))
    audit.record(db_engine, "sato", "logout", now=now)
    deleted = retention.purge(db_engine, 180, now.astimezone(JST).date())
    assert deleted["audit_log"] == 1
    assert [r["action"] for r in audit.recent(db_engine).rows] == ["ログアウト"]


def test_junk_names_and_passwords_never_cause_a_server_error(make_app, small_content):
    app = make_app(small_content, LOGIN_RATE_LIMIT="1000/1")
    client = app.test_client()
    editors.add(app.extensions["helpcenter.db"], "sato", SATO_PW)
    rnd = random.Random(7)
    alphabet = "abcあ漢ｱ０\u3000\x00\x1f\ud800\U0001F600()<>'\"%&/\\ "
    for _ in range(30):
        name = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 80)))
        password = "".join(rnd.choice(alphabet) for _ in range(rnd.choice([0, 5, 300, 5000])))
        r = client.post("/admin/login", data={"csrf_token": token(client),
                                              "name": name.encode("utf-8", "surrogatepass"),
                                              "password": password.encode("utf-8", "surrogatepass")})
        assert r.status_code == 401, (name, r.status_code)

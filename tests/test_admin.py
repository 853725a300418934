"""The editors' dashboard: login, rate limit, expiry, logout, every URL protected,
the report pages and CSV exports, on SQLite and on PostgreSQL."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from helpcenter.analytics import events, reports
from helpcenter.web.admin import SESSION_KEY

from support import CONTENT, app_config

PASSWORD = "test-admin-pw"


def token(client, path: str = "/admin/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, password: str = PASSWORD, environ_base: dict | None = None, **form):
    return client.post("/admin/login", data={"csrf_token": token(client), "password": password, **form},
                       environ_base=environ_base or {})


@pytest.fixture
def admin(client):
    assert login(client).status_code == 303
    return client


def admin_urls(app) -> list[str]:
    """Every dashboard URL (one of each rule), as an editor would open it."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in ("admin.login", "admin.login_post"):
            continue
        if "GET" not in rule.methods:
            continue
        path = (rule.rule.replace("<name>", "queries").replace("<path:rest>", "no/such/page")
                .replace("<int:number>", "3816"))
        urls.append(path)
    return sorted(urls)


def test_the_dashboard_has_the_pages_the_editors_need(app):
    assert set(admin_urls(app)) >= {"/admin/", "/admin/searches", "/admin/feedback", "/admin/wizards",
                                    "/admin/chat", "/admin/queries.csv", "/admin/no/such/page"}


def test_every_admin_url_redirects_to_the_login_without_one(client, app):
    for url in admin_urls(app):
        r = client.get(url)
        if url.endswith(".csv"):
            assert r.status_code == 401, url
        else:
            assert r.status_code == 303, url
            assert r.headers["Location"].startswith("/admin/login?next="), url


@pytest.mark.parametrize("name", sorted(reports.TABLES))
def test_every_csv_export_answers_401_without_a_login(client, name):
    r = client.get(f"/admin/{name}.csv")
    assert r.status_code == 401 and b"," not in r.data.split(b"\n")[0]


def test_the_login_form_has_a_password_field_and_a_csrf_token(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert 'type="password"' in html and 'name="csrf_token"' in html
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"


def test_the_right_password_opens_every_page_and_returns_to_where_the_editor_was_going(client, app):
    r = login(client, next="/admin/wizards?days=7")
    assert r.status_code == 303 and r.headers["Location"] == "/admin/wizards?days=7"
    for url in admin_urls(app):
        r = client.get(url)
        assert r.status_code == (404 if "no/such" in url else 200), url


def test_login_never_redirects_off_the_dashboard(client):
    for target in ("//evil.example/", "https://evil.example/", "/faq/3816", "/admin/login"):
        r = login(client, next=target)
        assert r.headers["Location"] == "/admin/", target
        client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})


def test_a_wrong_password_is_refused(client):
    r = login(client, "wrong")
    assert r.status_code == 401 and "パスワードが違います" in r.get_data(as_text=True)
    assert client.get("/admin/").status_code == 303


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    r = login(client)
    cookie = [v for v in r.headers.getlist("Set-Cookie") if v.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_login_without_a_csrf_token_is_refused_with_400(client):
    client.get("/admin/login")
    r = client.post("/admin/login", data={"password": PASSWORD})
    assert r.status_code == 400
    r = client.post("/admin/login", data={"password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 400
    assert client.get("/admin/").status_code == 303


def test_repeated_failures_are_rate_limited_with_429_even_for_the_right_password(client):
    for _ in range(5):
        assert login(client, "wrong").status_code == 401
    r = login(client, PASSWORD)
    assert r.status_code == 429
    assert "しばらくログインできません" in r.get_data(as_text=True)
    assert 1 <= int(r.headers["Retry-After"]) <= 300


def test_the_rate_limit_is_per_client(client, app):
    for _ in range(5):
        login(client, "wrong")
    other = app.test_client()
    assert login(other, PASSWORD, environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 303


def test_the_rate_limit_window_passes(client, app):
    from sqlalchemy import update

    from helpcenter import db

    for _ in range(5):
        login(client, "wrong")
    assert login(client).status_code == 429
    with app.extensions["helpcenter.db"].begin() as conn:  # 301 seconds later
        conn.execute(update(db.login_failure).values(
            created_at=datetime.now(timezone.utc) - timedelta(seconds=301)))
    assert login(client).status_code == 303


def test_failures_count_across_workers_sharing_the_database(tmp_path, built_index, db_url):
    """Two apps (two gunicorn workers, or two machines) on one database share the limit."""
    import os

    from helpcenter import create_app
    from helpcenter.publishing import prepare

    apps = []
    for n in range(2):
        inst = tmp_path / f"worker{n}"
        inst.mkdir()
        os.symlink(built_index, inst / "index")
        a = create_app(app_config(inst, DATABASE_URL=db_url))
        prepare(a.config)
        apps.append(a)
    try:
        for n in range(5):
            assert login(apps[n % 2].test_client(), "wrong").status_code == 401
        assert login(apps[0].test_client()).status_code == 429
        assert login(apps[1].test_client()).status_code == 429
    finally:
        for a in apps:
            a.extensions["helpcenter.index"].close()
            a.extensions["helpcenter.db"].dispose()


def test_the_client_is_stored_as_a_hash_not_an_address(client, app):
    from sqlalchemy import select

    from helpcenter import db

    login(client, "wrong", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    with app.extensions["helpcenter.db"].connect() as conn:
        (stored,) = conn.execute(select(db.login_failure.c.client)).scalars().all()
    assert "198.51.100" not in stored and re.fullmatch(r"[0-9a-f]{32}", stored)


def test_a_login_expires_after_session_hours(admin, app):
    assert admin.get("/admin/").status_code == 200
    with admin.session_transaction() as sess:
        sess[SESSION_KEY] = time.time() - app.config["HELPCENTER_SESSION_HOURS"] * 3600 - 1
    r = admin.get("/admin/")
    assert r.status_code == 303 and r.headers["Location"].startswith("/admin/login")
    assert admin.get("/admin/queries.csv").status_code == 401
    assert app.permanent_session_lifetime == timedelta(hours=app.config["HELPCENTER_SESSION_HOURS"])


def test_logout_ends_the_session_and_needs_a_csrf_token(admin):
    assert admin.post("/admin/logout").status_code == 400
    assert admin.get("/admin/").status_code == 200
    r = admin.post("/admin/logout", data={"csrf_token": token(admin, "/admin/")})
    assert r.status_code == 303
    assert "ログアウトしました" in admin.get(r.headers["Location"]).get_data(as_text=True)
    assert admin.get("/admin/").status_code == 303


def test_an_empty_admin_password_disables_the_login(make_app, small_content):
    app = make_app(small_content, ADMIN_PASSWORD="")
    client = app.test_client()
    page = client.get("/admin/login")
    assert page.status_code == 403 and "無効" in page.get_data(as_text=True)
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/faq/1").get_data(as_text=True)).group(1)
    assert client.post("/admin/login", data={"csrf_token": tok, "password": ""}).status_code == 403
    assert client.get("/admin/").status_code == 303


# --- the reports on the pages -------------------------------------------------

def _fill(engine):
    for i in range(6):
        v = f"v{i}"
        events.record_search(engine, visitor=v, query="ふっかつのじゅもん", normalized="ふっかつのじゅもん", results=0,
                             category=None, page=1)
        events.record_search(engine, visitor=v, query="SMS", normalized="sms", results=3, category=None, page=1)
        events.record_feedback(engine, visitor=v, target_type="faq", target="3816", helpful=i == 0,
                               reason=None if i == 0 else "unclear", comment="図がほしい" if i == 1 else None)
        events.record_chat(engine, visitor=v, reply_type="fallback", message="ポイントの有効期限", faqs=[])
        events.record_wizard(engine, visitor=v, wizard="cannot-use-2fa", event="start", node="method", path="")


def test_the_pages_show_what_members_did(admin, app):
    _fill(app.extensions["helpcenter.db"])
    overview = admin.get("/admin/").get_data(as_text=True)
    assert "<svg" in overview and "<title" in overview and "<desc" in overview and "<table" in overview
    # 12 searches, 6 of them found nothing; 1 of 6 votes was 「はい」; every chat reply fell back
    kpi = dict(re.findall(r"<dt>(.*?)</dt><dd>([^<]*)", overview))
    assert kpi["検索"] == "12" and kpi["検索結果0件の割合"] == "50.0%"
    assert kpi["「役に立った」の割合"] == "16.7%" and kpi["チャットで回答できなかった割合"] == "100.0%"
    searches = admin.get("/admin/searches").get_data(as_text=True)
    zero = searches[searches.index("結果が0件だったキーワード"):]
    assert "ふっかつのじゅもん" in zero.split("結果が開かれなかったキーワード")[0]
    no_click = searches[searches.index("結果が開かれなかったキーワード"):]
    assert ">sms<" in no_click
    feedback = admin.get("/admin/feedback").get_data(as_text=True)
    assert 'href="/faq/3816"' in feedback and "図がほしい" in feedback
    assert "ポイントの有効期限" in admin.get("/admin/chat").get_data(as_text=True)
    assert "2段階認証が利用できない" in admin.get("/admin/wizards").get_data(as_text=True)


@pytest.mark.parametrize("days", ["7", "30", "90", "abc", "-1", "365", "９０", ""])
def test_the_period_switch_accepts_anything_without_a_500(admin, days):
    r = admin.get(f"/admin/?days={days}")
    assert r.status_code == 200
    current = re.search(r'<a href="[^"]*days=(\d+)" aria-current="true">', r.get_data(as_text=True)).group(1)
    assert current == (days if days in ("7", "30", "90") else "30")


def test_csv_exports_are_utf8_with_a_bom_and_neutralise_formulas(admin, app):
    events.record_search(app.extensions["helpcenter.db"], visitor="v", query="=HYPERLINK(\"x\")",
                         normalized="=hyperlink(\"x\")", results=0, category=None, page=1)
    r = admin.get("/admin/zero_results.csv?days=7")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="helpcenter-zero_results-' in r.headers["Content-Disposition"]
    assert r.data.startswith(b"\xef\xbb\xbf")
    text = r.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "キーワード（正規化後）,入力例,0件だった回数,最終日"
    assert "'=hyperlink" in text and "\n=" not in text and ",=" not in text


def test_an_unknown_csv_is_404_after_login(admin):
    assert admin.get("/admin/passwords.csv").status_code == 404


@pytest.mark.postgres
def test_the_dashboard_works_on_postgresql(tmp_path, built_index, pg_url):
    import os

    from helpcenter import create_app
    from helpcenter.publishing import prepare

    inst = tmp_path / "pg-instance"
    inst.mkdir()
    os.symlink(built_index, inst / "index")
    app = create_app(app_config(inst, DATABASE_URL=pg_url))
    prepare(app.config)
    try:
        _fill(app.extensions["helpcenter.db"])
        client = app.test_client()
        assert login(client).status_code == 303
        for url in admin_urls(app):
            if "no/such" not in url:
                assert client.get(url).status_code == 200, url
        assert "ふっかつのじゅもん" in client.get("/admin/zero_results.csv").data.decode("utf-8-sig")
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()


@pytest.mark.parametrize("hops, separate", [(0, False), (1, True)])
def test_behind_a_trusted_proxy_the_rate_limit_sees_the_members_address(make_app, hops, separate):
    """PROXY_HOPS=1 (one nginx in front): X-Forwarded-For names the client;
    without it, the header is ignored (anyone could send it) and every
    request counts as the proxy's."""
    app = make_app(CONTENT, PROXY_HOPS=hops)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = app.test_client()
    for _ in range(5):
        r = first.post("/admin/login", data={"csrf_token": token(first), "password": "wrong"},
                       environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"})
        assert r.status_code == 401
    second = app.test_client()
    r = second.post("/admin/login", data={"csrf_token": token(second), "password": PASSWORD},
                    environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.2"})
    assert r.status_code == (303 if separate else 429)

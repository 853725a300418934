"""The page cache serves repeat requests without Flask, yet still counts views,
sets the visitor cookie, signs a valid CSRF token and never crosses text sizes
or index generations."""
import re

import pytest
from support import app_config

from helpcenter import create_app, views_store
from helpcenter.publishing import prepare
from helpcenter.web import visitors

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}


def cache(app):
    return app.extensions["helpcenter.page_cache"]


def test_second_request_is_a_hit_with_the_same_body(cached_app):
    c = cached_app.test_client()
    first = c.get("/category/two-factor?page=2", headers=UA)
    second = c.get("/category/two-factor?page=2", headers=UA)
    assert (cache(cached_app).misses, cache(cached_app).hits) == (1, 1)
    assert first.data == second.data and second.status_code == 200
    assert second.headers["Content-Type"].startswith("text/html")


def test_text_sizes_are_cached_separately(cached_app):
    c = cached_app.test_client()
    c.get("/", headers=UA)
    c.set_cookie("hc_size", "L")
    html = c.get("/", headers=UA).get_data(as_text=True)
    assert 'class="fs-L"' in html and cache(cached_app).hits == 0


def test_hits_still_count_faq_views_once_per_visitor(cached_app):
    engine = cached_app.extensions["helpcenter.db"]
    a, b = cached_app.test_client(), cached_app.test_client()
    a.get("/faq/3821", headers=UA)
    a.get("/faq/3821", headers=UA)
    b.get("/faq/3821", headers=UA)
    assert cache(cached_app).hits == 2
    assert views_store.most_viewed(engine, visitors.today()) == [(3821, 2)]


def test_hits_set_the_visitor_cookie_for_new_visitors(cached_app):
    cached_app.test_client().get("/faq/3816", headers=UA)
    resp = cached_app.test_client().get("/faq/3816", headers=UA)
    assert cache(cached_app).hits == 1
    assert any(re.match(r"hc_v=[0-9a-f]{32};", c) for c in resp.headers.getlist("Set-Cookie"))


def test_query_strings_other_than_page_bypass_the_cache(cached_app):
    c = cached_app.test_client()
    c.get("/faq/3816?sq=x&rank=1", headers=UA)
    c.get("/faq/3816?sq=x&rank=1", headers=UA)
    assert cache(cached_app).hits == 0


def test_feedback_form_on_a_cached_page_carries_a_valid_token_for_a_new_session(cached_app):
    cached_app.test_client().get("/faq/3816", headers=UA)
    other = cached_app.test_client()
    page = other.get("/faq/3816", headers=UA).get_data(as_text=True)
    assert cache(cached_app).hits == 1
    if 'name="csrf_token"' not in page:
        pytest.skip("no form with a CSRF token on FAQ pages yet")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert "__hc_csrf" not in page and other.get_cookie("session") is not None
    from werkzeug.wrappers import Request
    from flask_wtf.csrf import validate_csrf

    req = Request.from_values(headers={"Cookie": f"session={other.get_cookie('session').value}"})
    raw = cached_app.session_interface.open_session(cached_app, req)["csrf_token"]
    with cached_app.test_request_context():
        from flask import session

        session["csrf_token"] = raw
        validate_csrf(token)  # raises when the token does not belong to the session


def test_a_new_generation_is_never_served_from_the_old_cache(tmp_path, small_content):
    app = create_app(app_config(tmp_path / "inst", small_content, PAGE_CACHE_SECONDS=60))
    prepare(app.config)
    c = app.test_client()
    assert "新しい質問" not in c.get("/category/login").get_data(as_text=True)
    (small_content / "faq" / "3.md").write_text(
        "---\nnumber: 3\ntitle: 新しい質問\ncategories: [login]\npublished: 2021-04-23 16:00\n"
        "updated: 2021-04-23 16:00\n---\n本文\n", encoding="utf-8")
    from helpcenter.publishing import publish

    publish(str(small_content), str(tmp_path / "inst"))
    assert "新しい質問" in c.get("/category/login").get_data(as_text=True)
    app.extensions["helpcenter.db"].dispose()


def test_bots_get_cached_pages_without_cookies_or_a_form_token(cached_app):
    bot = {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}
    cached_app.test_client().get("/faq/3816", headers=UA)
    resp = cached_app.test_client().get("/faq/3816", headers=bot)
    assert cache(cached_app).hits == 1
    assert resp.headers.getlist("Set-Cookie") == []
    html = resp.get_data(as_text=True)
    assert "__hc_csrf" not in html and 'name="csrf_token" value=""' in html
    assert views_store.most_viewed(cached_app.extensions["helpcenter.db"], visitors.today()) == [(3816, 1)]


def test_a_returning_members_token_is_reused_and_still_valid(cached_app):
    from flask_wtf.csrf import validate_csrf
    from werkzeug.wrappers import Request

    member = cached_app.test_client()
    member.get("/faq/3816", headers=UA)  # miss: Flask creates the session
    first = member.get("/faq/3816", headers=UA).get_data(as_text=True)
    second = member.get("/faq/3821", headers=UA).get_data(as_text=True)
    second = member.get("/faq/3821", headers=UA).get_data(as_text=True)
    tokens = {re.search(r'name="csrf_token" value="([^"]+)"', html).group(1) for html in (first, second)}
    assert len(tokens) == 1
    req = Request.from_values(headers={"Cookie": f"session={member.get_cookie('session').value}"})
    raw = cached_app.session_interface.open_session(cached_app, req)["csrf_token"]
    with cached_app.test_request_context():
        from flask import session

        session["csrf_token"] = raw
        validate_csrf(tokens.pop())


def test_a_database_failure_never_fails_a_cached_or_uncached_page(cached_app, caplog):
    from sqlalchemy import text

    engine = cached_app.extensions["helpcenter.db"]
    c = cached_app.test_client()
    with engine.begin() as conn:  # a broken database: the table the views go to is gone
        conn.execute(text("ALTER TABLE faq_view RENAME TO faq_view_away"))
    first = c.get("/faq/3821", headers=UA)   # miss: Flask records the view
    second = c.get("/faq/3821", headers=UA)  # hit: the cache records it, outside Flask
    home = c.get("/", headers=UA)            # the most viewed panel cannot be read
    assert (first.status_code, second.status_code, home.status_code) == (200, 200, 200)
    assert cache(cached_app).hits == 1
    assert "could not record a view of FAQ 3821" in caplog.text
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE faq_view_away RENAME TO faq_view"))
    c.get("/faq/3821", headers=UA)  # the database is back: the view that failed is counted now
    assert views_store.most_viewed(engine, visitors.today()) == [(3821, 1)]

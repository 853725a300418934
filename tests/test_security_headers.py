"""Every response carries the security headers (a CSP without inline script or
style, no framing, nosniff, referrer and permissions policies, HSTS behind
HTTPS), the page cache's hits exactly as Flask's; and no page has anything
inline that the policy would block."""
import re

import pytest

from helpcenter.web import security

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
PAGES = ["/", "/category/two-factor", "/category/two-factor?page=2", "/faq/3816", "/search?q=機種変更",
         "/search?q=zzqqxx", "/wizard/", "/wizard/changing-phones", "/wizard/changing-phones/1",
         "/wizard/code-rejected/map", "/chat", "/feedback/reason?target_type=faq&target=3816",
         "/feedback/thanks", "/admin/login", "/faq/999999", "/nowhere", "/api/search?q=a", "/api/suggest?q=s",
         "/static/css/site.css", "/static/js/site.js"]
NAMES = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
         "X-Frame-Options")
# what a CSP without 'unsafe-inline' blocks: inline scripts, event handler attributes, style attributes/elements
# JSON-LD (<script type="application/ld+json">) is a data block, never run: a CSP does not apply to it.
INLINE = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|javascript:", re.I)


def test_policy_allows_only_our_own_scripts_and_styles_and_no_framing():
    policy = dict(d.split(" ", 1) for d in security.csp([]).split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in security.csp([])


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path, headers=UA)
    assert r.status_code in (200, 404), path
    for name in NAMES:
        assert r.headers.get(name), (path, name)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in r.headers


def test_posts_errors_and_admin_pages_carry_them_too(client):
    responses = [client.post("/api/chat", data=b"[", content_type="application/json"),
                 client.post("/feedback", data={}), client.post("/text-size", data={"size": "L"}),
                 client.post("/admin/login", data={"password": "x"}), client.get("/admin/")]
    for r in responses:
        assert r.headers["Content-Security-Policy"] == security.csp([]), r.request.path


@pytest.mark.parametrize("path", ["/", "/category/two-factor?page=2", "/faq/3816"])
def test_page_cache_hits_send_the_same_headers_as_flask(cached_app, path):
    c = cached_app.test_client()
    miss, hit = c.get(path, headers=UA), c.get(path, headers=UA)
    assert cached_app.extensions["helpcenter.page_cache"].hits == 1
    for name in NAMES:
        assert hit.headers.get_all(name) == miss.headers.get_all(name) != [], name


def test_hsts_only_behind_https(make_app, small_content):
    app = make_app(small_content, SECURE_COOKIES=True, PAGE_CACHE_SECONDS=60)
    c = app.test_client()
    for _ in range(2):  # Flask, then a page cache hit
        r = c.get("/", headers=UA)
        assert r.headers["Strict-Transport-Security"] == f"max-age={security.HSTS_SECONDS}"
    assert app.extensions["helpcenter.page_cache"].hits == 1


def test_frame_ancestors_allow_list_for_embedding_the_chat(make_app, small_content):
    app = make_app(small_content, FRAME_ANCESTORS="https://www.example.jp https://*.example.com")
    r = app.test_client().get("/chat")
    assert "frame-ancestors https://www.example.jp https://*.example.com" in r.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in r.headers


@pytest.mark.parametrize("value", ["*", "'self' evil", "javascript:alert(1)", "https://a.example; script-src *"])
def test_frame_ancestors_must_be_origins(value):
    with pytest.raises(ValueError, match="FRAME_ANCESTORS"):
        security.frame_ancestors(value)


def test_no_template_has_inline_script_style_or_handlers():
    from support import ROOT

    for path in sorted((ROOT / "templates").rglob("*.html")):
        found = INLINE.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)


@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith(("/static", "/api"))])
def test_no_rendered_page_has_anything_the_policy_blocks(client, path):
    html = client.get(path, headers=UA).get_data(as_text=True)
    assert not INLINE.findall(html), path


def test_no_dashboard_page_has_anything_the_policy_blocks(client, app):
    from test_admin import admin_urls, login

    client.get("/wizard/changing-phones", headers=UA)  # a funnel with a meter to draw
    client.get("/wizard/changing-phones/1", headers=UA)
    assert login(client).status_code == 303
    assert "<svg class=\"meter\"" in client.get("/admin/wizards").get_data(as_text=True)
    for url in admin_urls(app):
        r = client.get(url)
        if r.mimetype == "text/html":
            assert not INLINE.findall(r.get_data(as_text=True)), url
        assert r.headers["Content-Security-Policy"] == security.csp([]), url


def test_a_views_own_stricter_policy_is_kept(client):
    r = client.get("/wizard/code-rejected/map")  # an SVG with content text: nothing may run in it
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"]

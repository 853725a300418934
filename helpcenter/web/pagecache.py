"""A page cache in front of Flask for the browsing pages.

Home, category and FAQ pages are the same for every member at a given text
size, so a worker keeps what it rendered for `PAGE_CACHE_SECONDS` and serves it
again as a plain WSGI response, without entering Flask. What differs per
request is still done on a hit:

* the visitor cookie is set when missing (visitors.resolve), except for bots,
  which get neither cookies nor a session;
* an FAQ view is counted (bots excluded, deduplicated as in browse.faq);
* a CSRF token (the feedback form) is signed for this visitor's session: the
  cached body holds a placeholder, filled in exactly as Flask-WTF's
  generate_csrf() would, creating the session cookie when there is none;
* the security headers (helpcenter.web.security) are set exactly as Flask sets them.

Entries are keyed by path, `page` parameter, text size, the furigana switch,
index generation and (without HELPCENTER_BASE_URL) the request's scheme and
host, so publishing new content or switching size or furigana never serves a
stale page; the
short lifetime bounds how stale 「閲覧の多いよくあるご質問」 can be. Anything
else (other query parameters, POSTs, errors, other pages) goes to Flask.
"""
from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, g
from itsdangerous import URLSafeTimedSerializer
from werkzeug.http import dump_cookie, parse_cookie

from .. import views_store
from . import security, visitors
from .furigana import COOKIE as FURIGANA_COOKIE

CSRF_PLACEHOLDER = "__hc_csrf_token__"
_CACHEABLE_QUERY = re.compile(r"^(page=\d{1,6})?$")
_SIZES = {"S", "M", "L"}
# Flask-WTF accepts a token for WTF_CSRF_TIME_LIMIT (an hour) after signing;
# reusing one for ten minutes leaves a member at least 50 to send the form.
TOKEN_REUSE = 600.0
TOKENS_KEPT = 10_000


@dataclass
class Entry:
    body: bytes
    headers: list[tuple[str, str]]
    expires: float
    view: int | None  # FAQ number whose view a hit counts
    csrf: bool


class PageCache:
    def __init__(self, app: Flask, seconds: float, size: int = 512):
        self.app, self.wsgi_app = app, app.wsgi_app
        self.seconds, self.size = seconds, size
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0
        self._serializers = None
        # session cookie → (signed token, until): a returning member's token is
        # signed once per TOKEN_REUSE seconds, not on every page.
        self._tokens: OrderedDict[str, tuple[str, float]] = OrderedDict()

    # --- WSGI ---------------------------------------------------------------
    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        entry = self.entries.get(key)
        if entry is None or entry.expires < time.monotonic():
            self.misses += 1
            environ["hc.page_cache_key"] = key
            return self.wsgi_app(environ, start_response)
        self.hits += 1
        return self._serve(entry, environ, start_response)

    def _key(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or self.seconds <= 0:
            return None
        query = environ.get("QUERY_STRING", "")
        if not _CACHEABLE_QUERY.match(query):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        size = cookies.get("hc_size", "M")
        try:
            gen = self.app.extensions["helpcenter.index"].current().name
        except Exception:
            return None
        # Pages hold absolute URLs (canonical, Open Graph) made from the
        # request's host when HELPCENTER_BASE_URL is unset: keyed by it, a
        # forged Host header only ever reaches the one who sent it.
        origin = "" if self.app.config.get("HELPCENTER_BASE_URL") else \
            (environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        furigana = cookies.get(FURIGANA_COOKIE) == "1"
        return (environ.get("PATH_INFO", ""), query, size if size in _SIZES else "M", furigana, gen, origin)

    def _serve(self, entry: Entry, environ, start_response):
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        body = entry.body
        headers = list(entry.headers)
        ua = environ.get("HTTP_USER_AGENT", "")
        if visitors.is_bot(ua):
            # Crawlers get the page but no cookies and no session: they are not
            # counted and cannot vote (their form token is empty).
            body = body.replace(CSRF_PLACEHOLDER.encode(), b"")
        else:
            if entry.csrf:
                token, session_cookie = self._csrf_token(environ)
                body = body.replace(CSRF_PLACEHOLDER.encode(), token.encode())
                if session_cookie:
                    headers.append(("Set-Cookie", session_cookie))
            day = visitors.today()
            vid, new_cookie = visitors.resolve(cookies.get(visitors.COOKIE), environ.get("REMOTE_ADDR"), ua,
                                               self.app.secret_key, day)
            if new_cookie:
                headers.append(("Set-Cookie", visitors.cookie_header(
                    new_cookie, self.app.config["HELPCENTER_SECURE_COOKIES"])))
            if entry.view is not None:
                views_store.record_view(self.app.extensions["helpcenter.db"], entry.view, vid, day)
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", security.apply(headers, self.app.extensions[security.KEY]))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _csrf_token(self, environ) -> tuple[str, str | None]:
        """(signed token, Set-Cookie for a new session or None), as generate_csrf() does."""
        app, interface = self.app, self.app.session_interface
        if self._serializers is None:  # built once: itsdangerous setup is most of the cost
            secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
            self._serializers = (interface.get_signing_serializer(app),
                                 URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
        session_serializer, csrf_serializer = self._serializers
        session = None
        cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(app.config["SESSION_COOKIE_NAME"])
        now = time.monotonic()
        reused = self._tokens.get(cookie) if cookie else None
        if reused is not None and reused[1] > now:
            return reused[0], None
        if cookie:
            try:
                session = session_serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()))
            except Exception:  # expired or tampered: start a new session, as Flask would
                session = None
        raw = session.get("csrf_token") if session is not None else None
        set_cookie = None
        if not raw:
            data = dict(session or {})
            raw = data["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            set_cookie = dump_cookie(
                app.config["SESSION_COOKIE_NAME"], session_serializer.dumps(data),
                path=app.config["SESSION_COOKIE_PATH"] or "/", httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"], samesite=app.config["SESSION_COOKIE_SAMESITE"])
        token = csrf_serializer.dumps(raw)
        if cookie and set_cookie is None:
            with self.lock:
                self._tokens[cookie] = (token, now + TOKEN_REUSE)
                while len(self._tokens) > TOKENS_KEPT:
                    self._tokens.popitem(last=False)
        return token, set_cookie

    # --- filling, from inside Flask ------------------------------------------
    def store(self, key: tuple, response, view: int | None, csrf: bool) -> None:
        headers = [(k, v) for k, v in response.headers.items()
                   if k.lower() not in ("set-cookie", "content-length", "vary")]
        entry = Entry(response.get_data(), headers, time.monotonic() + self.seconds, view, csrf)
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def mark_cacheable(view_number: int | None = None) -> None:
    """Called by a view whose page is the same for every member."""
    g.hc_page_cache = {"view": view_number}


def init_app(app: Flask) -> None:
    seconds = app.config["HELPCENTER_PAGE_CACHE_SECONDS"]
    cache = PageCache(app, seconds)
    app.extensions["helpcenter.page_cache"] = cache
    app.wsgi_app = cache  # type: ignore[method-assign]

    @app.context_processor
    def _csrf_placeholder():
        if g.get("hc_page_cache") is None:
            return {}

        def csrf_token():
            g.hc_page_cache_csrf = True
            return CSRF_PLACEHOLDER

        return {"csrf_token": csrf_token}

    @app.after_request
    def _fill(response):
        from flask import request
        from flask_wtf.csrf import generate_csrf

        info = g.get("hc_page_cache")
        if info is None:
            return response
        uses_csrf = bool(g.get("hc_page_cache_csrf"))
        key = request.environ.get("hc.page_cache_key")
        if key is not None and response.status_code == 200 and response.mimetype == "text/html":
            cache.store(key, response, info["view"], uses_csrf)
        if uses_csrf:
            body = response.get_data().replace(CSRF_PLACEHOLDER.encode(), generate_csrf().encode())
            response.set_data(body)
        return response

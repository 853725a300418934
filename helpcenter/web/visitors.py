"""Who is visiting, without storing who they are.

A visitor is a random id in a first-party cookie (`hc_v`). A client without
the cookie (its first request, or cookies off) is a hash of IP address and user
agent salted with the secret key and the day, so it cannot be reversed and
changes daily. Known bots and crawlers are recognised by their user agent and
never counted.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date, datetime

from flask import Flask, current_app, g, request

from ..content.model import JST

COOKIE = "hc_v"
_BOT = re.compile(r"bot|crawl|spider|slurp|fetch|scan|monitor|curl|wget|httpie|python-requests|"
                  r"python-urllib|go-http-client|okhttp|java/|libwww|headlesschrome.*lighthouse|"
                  r"facebookexternalhit|preview|wrk|ab/|apachebench|siege|k6/", re.I)
_VALID = re.compile(r"^[0-9a-f]{32}$")


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or bool(_BOT.search(user_agent))


def today() -> date:
    return datetime.now(JST).date()


def resolve(cookie: str | None, remote_addr: str | None, user_agent: str, secret: str | bytes,
            day: date) -> tuple[str, str | None]:
    """(visitor id, new cookie value or None): pure, shared with the page cache."""
    if cookie and _VALID.match(cookie):
        return cookie, None
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    salt = key + b":" + day.isoformat().encode()
    who = f"{remote_addr}|{user_agent}".encode("utf-8", "replace")
    return "h" + hmac.new(salt, who, hashlib.sha256).hexdigest()[:31], secrets.token_hex(16)


def visitor_id() -> str:
    cached = g.get("hc_visitor")
    if cached:
        return cached
    vid, new = resolve(request.cookies.get(COOKIE), request.remote_addr, request.user_agent.string,
                       current_app.secret_key, today())
    if new:
        g.hc_new_visitor = new
    g.hc_visitor = vid
    return vid


def init_app(app: Flask) -> None:
    @app.after_request
    def _set_cookie(response):
        new = g.get("hc_new_visitor")
        if new and response.status_code < 400 and not is_bot(request.user_agent.string):
            response.headers.add("Set-Cookie", cookie_header(new, current_app.config["HELPCENTER_SECURE_COOKIES"]))
        return response


def cookie_header(value: str, secure: bool) -> str:
    from werkzeug.http import dump_cookie

    return dump_cookie(COOKIE, value, max_age=365 * 86400, httponly=True, samesite="Lax", secure=secure)

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
from datetime import date, datetime, timezone

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


def visitor_id() -> str:
    cached = g.get("hc_visitor")
    if cached:
        return cached
    raw = request.cookies.get(COOKIE, "")
    if _VALID.match(raw):
        vid = raw
    else:
        g.hc_new_visitor = secrets.token_hex(16)
        salt = f"{current_app.secret_key}:{today().isoformat()}".encode()
        who = f"{request.remote_addr}|{request.user_agent.string}".encode("utf-8", "replace")
        vid = "h" + hmac.new(salt, who, hashlib.sha256).hexdigest()[:31]
    g.hc_visitor = vid
    return vid


def init_app(app: Flask) -> None:
    @app.after_request
    def _set_cookie(response):
        new = g.get("hc_new_visitor")
        if new and response.status_code < 400:
            response.set_cookie(COOKIE, new, max_age=365 * 86400, httponly=True, samesite="Lax",
                                secure=current_app.config["HELPCENTER_SECURE_COOKIES"])
        return response

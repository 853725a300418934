"""The security headers every response carries, the page cache's included.

A Content-Security-Policy that allows scripts, styles, fonts and requests only
from our own origin (no inline script or style anywhere: scripts are files
under /static, charts are SVG attributes), refuses framing unless
FRAME_ANCESTORS names the sites allowed to embed the pages, and
nosniff, a referrer policy, a permissions policy and, behind HTTPS
(SECURE_COOKIES), HSTS. `headers(config)` is pure; `init_app` adds them to
every Flask response that has not set its own and keeps the list for the page cache.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from flask import Flask

KEY = "helpcenter.security_headers"
_ORIGIN = re.compile(r"^(https?://[A-Za-z0-9.-]+(:\d{1,5})?|https?://\*\.[A-Za-z0-9.-]+)$")
HSTS_SECONDS = 365 * 86400


def frame_ancestors(setting: str) -> list[str]:
    """'https://a.example https://b.example' → the origins; ValueError on anything else."""
    origins = (setting or "").replace(",", " ").split()
    bad = [o for o in origins if not _ORIGIN.match(o)]
    if bad:
        raise ValueError(f"FRAME_ANCESTORS: not an origin such as https://www.example.jp: {', '.join(bad)}")
    return origins


def csp(ancestors: list[str]) -> str:
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",  # answers may show images from the member site
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors " + (" ".join(ancestors) if ancestors else "'none'"),
    ))


def headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    ancestors = frame_ancestors(config.get("HELPCENTER_FRAME_ANCESTORS", ""))
    out = [
        ("Content-Security-Policy", csp(ancestors)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if not ancestors:  # older browsers without frame-ancestors; X-Frame-Options has no allow-list
        out.append(("X-Frame-Options", "DENY"))
    if config.get("HELPCENTER_SECURE_COOKIES"):
        out.append(("Strict-Transport-Security", f"max-age={HSTS_SECONDS}"))
    return out


def apply(pairs: list[tuple[str, str]], security: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """WSGI header pairs with the security headers added where the response has none of that name."""
    present = {k.lower() for k, _ in pairs}
    return pairs + [(k, v) for k, v in security if k.lower() not in present]


def init_app(app: Flask) -> None:
    security = app.extensions[KEY] = headers(app.config)

    @app.after_request
    def _security_headers(response):
        for name, value in security:
            # a view may set a stricter one of its own (the wizard map's SVG: default-src 'none')
            if name not in response.headers:
                response.headers[name] = value
        return response

"""Helpcenter: a self-service help center and FAQ chatbot.

`create_app(config=None)` builds the Flask application; tests pass their own
config mapping, which wins over HELPCENTER_* environment variables.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    values = settings.load()
    values.update(config or {})
    values = settings.resolve_paths(values)
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"), instance_path=values["INSTANCE_DIR"])
    app.config.update({"HELPCENTER_" + k: v for k, v in values.items()})
    app.config["SECRET_KEY"] = values["SECRET_KEY"] or settings.secret_key(values["INSTANCE_DIR"])
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = values["SECURE_COOKIES"]
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.json.ensure_ascii = False

    from .web import extensions, furigana, security, views_common
    extensions.init_app(app)
    views_common.init_app(app)
    furigana.init_app(app)
    security.init_app(app)

    from .web import blueprints, pagecache
    for bp in blueprints():
        app.register_blueprint(bp)
    pagecache.init_app(app)
    if values["PROXY_HOPS"] > 0:
        # Outermost, so that the page cache and every view see the member's
        # address; only as many hops as configured are trusted (spoofing).
        n = values["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app

"""What every page shares: the text size, the site snapshot in templates,
friendly error pages, and the text-size switch itself."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from ..content.model import JST
from ..search.store import NoIndex
from . import visitors
from .extensions import csrf, generation, index_store

SIZES = ("S", "M", "L")
RETRY_AFTER = 30  # seconds: a rebuild of the index takes a few
SIZE_COOKIE = "hc_size"
log = logging.getLogger(__name__)

bp = Blueprint("common", __name__)


def text_size() -> str:
    size = request.cookies.get(SIZE_COOKIE, "M")
    return size if size in SIZES else "M"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never redirect a member elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


@bp.route("/text-size", methods=["GET", "POST"])
@csrf.exempt  # only sets a display preference
def set_text_size():
    size = (request.values.get("size") or "").upper()
    target = safe_next(request.values.get("next"))
    if size not in SIZES:
        return render_template("error.html", code=400, title="文字サイズを変更できませんでした",
                               message="S・M・L のいずれかを選んでください。"), 400
    if request.headers.get("X-Requested-With") == "fetch":
        response = jsonify({"size": size})
    else:
        response = redirect(target, code=303)
    response.set_cookie(SIZE_COOKIE, size, max_age=365 * 86400, samesite="Lax",
                        secure=current_app.config["HELPCENTER_SECURE_COOKIES"])
    return response


def format_dt(value) -> str:
    """Epoch seconds or datetime → 2021/04/23 16:00 in Japan time."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    return value.astimezone(JST).strftime("%Y/%m/%d %H:%M")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    visitors.init_app(app)
    app.register_blueprint(bp)
    app.jinja_env.filters["jst"] = format_dt
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.template_global()
    def trail(slug: str) -> list[tuple[str, str | None]]:
        """Breadcrumbs from the top page down to a category."""
        gen = generation()
        items: list[tuple[str, str | None]] = [("ヘルプセンター トップ", "/")]
        cat = gen.categories.get(slug)
        if cat is not None:
            for s in cat.ancestors + (cat.slug,):
                items.append((gen.categories[s].title, "/category/" + s))
        return items

    @app.context_processor
    def _common():
        try:
            gen = generation()
        except NoIndex:
            gen = None
        return {"gen": gen, "site": gen.site if gen else None, "text_size": text_size(),
                "text_sizes": SIZES, "current_path": request.full_path.rstrip("?")}

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if _wants_json():
            return jsonify({"error": exc.name, "message": exc.description}), exc.code
        titles = {404: "ページが見つかりません", 400: "リクエストを処理できませんでした",
                  405: "この操作はできません", 413: "送信された内容が大きすぎます",
                  429: "しばらく時間をおいてお試しください"}
        title = titles.get(exc.code or 500, exc.name)
        return render_template("error.html", code=exc.code, title=title,
                               message=getattr(exc, "member_message", None)), exc.code

    @app.errorhandler(NoIndex)
    def _no_index(exc):
        return _unavailable()

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s", request.path)
        try:  # files of the live index removed or changed under this worker?
            damaged = index_store().check_current()
        except Exception:  # noqa: BLE001 - the original error is what gets reported
            damaged = False
        if damaged:
            return _unavailable()
        if _wants_json():
            return jsonify({"error": "internal", "message": "unexpected error"}), 500
        try:
            return render_template("error.html", code=500, title="エラーが発生しました",
                                   message="お手数ですが、時間をおいて再度お試しください。"), 500
        except Exception:
            return "エラーが発生しました", 500


def _unavailable():
    """503 while there is no usable index (none built yet, or one being repaired)."""
    headers = {"Retry-After": str(RETRY_AFTER)}
    if _wants_json():
        return jsonify({"error": "unavailable", "message": "the search index is being built"}), 503, headers
    try:
        return render_template("error.html", code=503, title="ただいま準備中です",
                               message="ヘルプセンターのデータを準備しています。"
                                       f"{RETRY_AFTER}秒ほどしてから再度アクセスしてください。"), 503, headers
    except Exception:  # noqa: BLE001 - the page itself needs the index (site name): plain text then
        return ("ただいま準備中です。しばらくしてから再度アクセスしてください。", 503,
                {**headers, "Content-Type": "text/plain; charset=utf-8"})


def json_error(status: int, error: str, message: str, **headers):
    """An /api/ error: {"error", "message"} with `status` (headers as keyword
    arguments, Retry_After → Retry-After)."""
    response = jsonify({"error": error, "message": message})
    response.status_code = status
    for k, v in headers.items():
        response.headers[k.replace("_", "-")] = v
    return response


def not_found(message: str | None = None):
    """404 with a message for the member."""
    from werkzeug.exceptions import NotFound

    exc = NotFound()
    exc.member_message = message  # type: ignore[attr-defined]
    return exc

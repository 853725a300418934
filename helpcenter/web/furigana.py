"""The 「ふりがな」 switch and its use in templates.

* POST /furigana  on=1|0 and next: keeps the choice in a cookie and goes back
  (a form beside 「文字サイズ変更」, like the text size; works without JavaScript).
* Jinja filters `furigana` (plain text → escaped HTML) and `furigana_html`
  (sanitised HTML → HTML): with the switch off they change nothing; on, they
  add readings with `helpcenter.furigana.Annotator`.

The editors' readings are those of the published generation (its snapshot:
`helpcenter index` checks readings.yaml and publishes it with the entries).
"""
from __future__ import annotations

import threading

from flask import Blueprint, Flask, current_app, redirect, render_template, request
from markupsafe import Markup, escape

from ..furigana import Annotator
from ..search.store import NoIndex
from .extensions import csrf, generation
from .views_common import safe_next

COOKIE = "hc_furigana"
EXTENSION = "helpcenter.furigana"

bp = Blueprint("furigana", __name__)


def furigana_on() -> bool:
    return request.cookies.get(COOKIE) == "1"


class Readings:
    """The Annotator of the current index generation."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current: tuple[str, Annotator] | None = None

    def annotator(self) -> Annotator:
        try:
            gen = generation()
        except NoIndex:
            return Annotator()
        current = self.current
        if current is not None and current[0] == gen.name:
            return current[1]
        with self.lock:
            if self.current is None or self.current[0] != gen.name:
                self.current = (gen.name, Annotator(gen.snapshot.get("readings") or {}))
            return self.current[1]


def annotator() -> Annotator:
    return current_app.extensions[EXTENSION].annotator()


def ruby_text(text) -> Markup:
    """Template filter: plain text, escaped, with readings when the switch is on."""
    if text is None:
        return Markup("")
    if not furigana_on():
        return escape(text)
    return Markup(annotator().ruby_text(str(text)))


def ruby_html(fragment) -> Markup:
    """Template filter: trusted (sanitised) HTML, with readings when the switch is on."""
    fragment = "" if fragment is None else str(fragment)
    return Markup(annotator().ruby_html(fragment) if furigana_on() else fragment)


def segments(text: str) -> list[list]:
    """[[text, reading or None], …] for JSON (the chat widget builds ruby from it)."""
    return [[t, r] for t, r in annotator().segments(text)]


@bp.route("/furigana", methods=["GET", "POST"])
@csrf.exempt  # only sets a display preference
def switch():
    on = request.values.get("on")
    if on not in ("0", "1"):
        return render_template("error.html", code=400, title="ふりがなを切り替えられませんでした",
                               message="ふりがなを「表示する」か「表示しない」を選んでください。"), 400
    response = redirect(safe_next(request.values.get("next")), code=303)
    response.set_cookie(COOKIE, on, max_age=365 * 86400, samesite="Lax",
                        secure=current_app.config["HELPCENTER_SECURE_COOKIES"])
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Readings()
    app.register_blueprint(bp)
    app.jinja_env.filters["furigana"] = ruby_text
    app.jinja_env.filters["furigana_html"] = ruby_html

    @app.context_processor
    def _furigana():
        return {"furigana": furigana_on()}

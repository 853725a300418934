"""The contact page and 受付番号 on the web: thin views over helpcenter.contact.

* GET  /contact?q=…            「お問い合わせの前に、内容をご入力ください」: the FAQs and
                               wizards that match what the member typed, then the contact
                               channels and the button that issues a 受付番号.
* GET  /contact/matches?q=…    the matches alone (an HTML fragment) for static/js/contact.js,
                               which shows them as the member types.
* POST /contact/code           issue a code (form, CSRF): `source` contact | wizard | chat,
                               `q`, the wizard outcome's `wizard` + `path`, the /chat page's
                               signed `log`; answers 303 to the page that shows the code.
* GET  /contact/code/<code>    the contact page with that code (only codes this app signed).
* POST /api/contact-code       the chat widget's JSON: {"messages": [...]} → {"code", "url"}.

Matching goes through `matches()`, the one place that asks the search service.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, url_for

from ..analytics import events
from ..chat import state as chat_state
from ..contact import code as codes
from ..contact import store
from ..contact.trail import MAX_CHAT, build, clean_text
from ..search import service
from ..wizard import encode
from . import jsonbody, visitors
from .extensions import csrf, engine, generation
from .views_common import json_error, not_found

bp = Blueprint("contact", __name__)


@bp.app_template_global()
def wizard_path(step) -> str:
    """The encoded answers of a wizard step ("2-1-3"), for the outcome's 受付番号 form."""
    return encode(step.path)

MAX_FAQS = 5
MAX_WIZARDS = 2


@dataclass(frozen=True)
class Matches:
    query: str
    hits: tuple       # helpcenter.search.service.Hit
    wizards: tuple    # content.model.Wizard

    @property
    def summary(self) -> str:
        """For screen readers, after the list changed as the member typed."""
        if not self.query:
            return ""
        if not self.hits and not self.wizards:
            return "一致するよくあるご質問は見つかりませんでした。"
        parts = []
        if self.wizards:
            parts.append(f"質問ガイドが{len(self.wizards)}件")
        if self.hits:
            parts.append(f"よくあるご質問が{len(self.hits)}件")
        return "、".join(parts) + "見つかりました。"


def matches(gen, query: str) -> Matches:
    """The FAQs and wizards for what the member typed (the search layer's only caller here)."""
    if not query:
        return Matches("", (), ())
    result = service.search(gen, query, per_page=MAX_FAQS)
    return Matches(query, tuple(result.hits[:MAX_FAQS]), tuple(result.wizards[:MAX_WIZARDS]))


def _query() -> str:
    return clean_text(request.args.get("q"))


def _visitor() -> str:
    """The member's cookie id, on their first request too (the cookie this response sets).

    Other events count a first request under a daily hash (web/visitors.py); here
    the view and the problem typed must join up with the code asked for next (a
    POST, which carries that cookie), or a member landing on /contact?q=… would
    count as deflected after asking for a code. Codes themselves, and their daily
    limit, use the stable visitor id, so a client refusing cookies cannot reset it.
    """
    vid = visitors.visitor_id()
    return g.get("hc_new_visitor") or vid


def _record(kind: str) -> None:
    if not visitors.is_bot(request.user_agent.string):
        events.record_contact(engine(), visitor=_visitor(), kind=kind)


def _page(query: str, issued: str | None = None, error: str | None = None, status: int = 200):
    gen = generation()
    return render_template("contact.html", query=query, matches=matches(gen, query), issued=issued, error=error,
                           retention_days=current_app.config["HELPCENTER_RETENTION_DAYS"]), status


@bp.route("/contact")
def page():
    query = _query()
    _record("view")
    if query:
        _record("typed")
    return _page(query)


@bp.route("/contact/matches")
def matches_fragment():
    query = _query()
    if query:
        _record("typed")
    response = current_app.make_response(
        render_template("_contact_matches.html", matches=matches(generation(), query)))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _issue(source: str, *, query: str = "", wizard: tuple[str, str] | None = None,
           chat: list[str] | tuple[str, ...] = ()) -> str:
    """Raises store.TooMany past the visitor's daily limit."""
    gen, visitor = generation(), visitors.visitor_id()
    activity = store.recent_activity(engine(), visitor)
    trail = build(source, wizards=gen.wizards, faq_titles=gen.faq_titles, query=query, wizard=wizard,
                  chat=chat, activity=activity)
    return store.issue(engine(), visitor=visitor, trail=trail, secret=current_app.secret_key)


TOO_MANY = "本日はこれ以上、受付番号を発行できません。先に発行した番号をお伝えいただくか、番号なしでお問い合わせください。"


@bp.route("/contact/code", methods=["POST"])
def issue():
    form = request.form
    source = form.get("source", "contact")
    source = source if source in ("contact", "wizard", "chat") else "contact"
    query = clean_text(form.get("q"))
    wizard = None
    if source == "wizard" and isinstance(form.get("wizard"), str):
        wizard = (form.get("wizard", "")[:100], form.get("path", "")[:200])
    chat: list[str] = []
    if source == "chat":
        turns = chat_state.load_log(form.get("log"), current_app.secret_key)
        chat = [t["user"] for t in turns if isinstance(t.get("user"), str)][-MAX_CHAT:]
    try:
        issued = _issue(source, query=query, wizard=wizard, chat=chat)
    except store.TooMany:
        return _page(query, error=TOO_MANY, status=429)
    return redirect(url_for("contact.show_code", code=issued), code=303)


@bp.route("/contact/code/<code>")
def show_code(code: str):
    verified = codes.verify(code, current_app.secret_key)
    if verified is None:
        raise not_found("この受付番号は見つかりませんでした。お問い合わせページから発行し直してください。")
    if verified != code:
        return redirect(url_for("contact.show_code", code=verified), code=308)
    return _page("", issued=verified)


@bp.route("/api/contact-code", methods=["POST"])
@csrf.exempt  # JSON only: a cross-site form cannot send application/json without a preflight
def api_issue():
    try:
        body = jsonbody.read_object(request)
    except jsonbody.BadJSON as exc:
        return json_error(400, "bad_request", str(exc))
    messages = body.get("messages", [])
    if not isinstance(messages, list) or len(messages) > 20 or not all(isinstance(m, str) for m in messages):
        return json_error(400, "bad_request", "messages must be a list of at most 20 strings")
    try:
        issued = _issue("chat", chat=messages[-MAX_CHAT:])
    except store.TooMany:
        return json_error(429, "rate_limited", TOO_MANY)
    return jsonify({"code": issued, "url": url_for("contact.show_code", code=issued)})

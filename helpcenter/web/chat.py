"""The chatbot on the web: the JSON API (used by the widget on every page) and
the /chat page, which works without JavaScript.

Thin views over `helpcenter.chat`: they validate input, turn the signed state
into a `State` and back, limit the rate (helpcenter.ratelimits) and record analytics.
All decisions are in `helpcenter.chat.policy`.

* POST /api/chat  {"message": "...", "state": "<token>"} → the reply as JSON.
  JSON only (Content-Type application/json, which a cross-site form cannot
  send without a CORS preflight), so it is exempt from CSRF.
* GET/POST /chat  the conversation as a page: a form posting the message, the
  signed state and the signed transcript of the last turns (CSRF-protected).
"""
from __future__ import annotations

import logging
import math

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from .. import ratelimits

from ..analytics import events
from ..chat import state as chat_state
from ..chat.model import Reply, State
from ..chat.policy import respond
from ..chat.retrieval import IndexKnowledge
from ..search.store import NoIndex
from . import furigana, jsonbody, visitors
from .extensions import csrf, engine, generation
from .views_common import json_error

bp = Blueprint("chat", __name__)
log = logging.getLogger(__name__)

MAX_MESSAGE = 1000


class BadMessage(ValueError):
    """The member's message cannot be used (the text says why, in Japanese for the page)."""


def _limit(setting: str, default: str) -> ratelimits.Limit:
    try:
        return ratelimits.Limit.parse(current_app.config["HELPCENTER_" + setting])
    except ValueError:
        return ratelimits.Limit.parse(default)  # a typo in the setting must not lift the limit


def _rate_limited() -> float:
    """Seconds to wait, or 0: counted per client address (what the client cannot
    choose, after PROXY_HOPS) and per visitor, in the database all workers share."""
    secret, eng = current_app.secret_key, engine()
    try:
        by_address = ratelimits.hit(eng, ratelimits.key(secret, "chat-address", request.remote_addr or "-"),
                                    _limit("CHAT_RATE_LIMIT", "30/60"))
        by_visitor = ratelimits.hit(eng, ratelimits.key(secret, "chat-visitor", visitors.visitor_id()),
                                    _limit("CHAT_VISITOR_RATE_LIMIT", "20/60"))
    except SQLAlchemyError:  # the database is away: answer rather than fail (the chat writes nothing else)
        log.exception("chat rate limit not counted")
        return 0.0
    return max(by_address, by_visitor)


def _check_message(message) -> str:
    if not isinstance(message, str):
        raise BadMessage("メッセージを文字で入力してください。")
    if any("\ud800" <= ch <= "\udfff" for ch in message):
        raise BadMessage("使えない文字が含まれています。")
    if "\x00" in message:
        raise BadMessage("使えない文字が含まれています。")
    if not message.strip():
        raise BadMessage("メッセージを入力してください。")
    if len(message) > MAX_MESSAGE:
        raise BadMessage(f"メッセージは{MAX_MESSAGE}文字以内で入力してください。")
    return message


def _secret() -> str:
    return current_app.secret_key


def _reply(message: str, state: State) -> Reply:
    reply = respond(message, state, IndexKnowledge(generation()))
    _record(message, state, reply)
    return reply


def _record(message: str, state: State, reply: Reply) -> None:
    if visitors.is_bot(request.user_agent.string):
        return
    eng, visitor = engine(), visitors.visitor_id()
    events.record_chat(eng, visitor=visitor, reply_type=reply.type,
                       message=reply.record_message if reply.record_message is not None else message,
                       faqs=[f.number for f in reply.faqs])
    if reply.unresolved:
        events.record_chat_unresolved(eng, visitor=visitor, message=reply.record_message,
                                      faqs=list(state.asked))
    for ev in reply.wizard_events:
        events.record_wizard(eng, visitor=visitor, wizard=ev.wizard, event=ev.event, node=ev.node, path=ev.path)


# --- the JSON API ---------------------------------------------------------------

@bp.route("/api/chat", methods=["POST"])
@csrf.exempt  # JSON only: a cross-site form cannot send application/json without a preflight
def api():
    try:
        body = jsonbody.read_object(request)
    except jsonbody.BadJSON as exc:
        return json_error(400, "bad_request", str(exc))
    if "message" not in body:
        return json_error(400, "bad_request", "message is missing")
    try:
        message = _check_message(body["message"])
    except BadMessage as exc:
        return json_error(400, "bad_request", str(exc))
    wait = _rate_limited()
    if wait:
        return json_error(429, "rate_limited", "しばらく時間をおいてからお試しください。",
                      Retry_After=str(math.ceil(wait)))
    state = chat_state.load_state(body.get("state"), _secret())
    reply = _reply(message, state)
    body = reply.to_json(chat_state.dump_state(reply.state, _secret()))
    if furigana.furigana_on():
        # Segments, not HTML: the widget builds <ruby> with textContent only.
        body["ruby"] = {"lines": [furigana.segments(line) for line in reply.text.split("\n")],
                        "faqs": [furigana.segments(f.title) for f in reply.faqs]}
    return jsonify(body)


# --- the page ---------------------------------------------------------------------

STARTERS = 4


@bp.app_template_global("chat_starters")
def starters() -> list[str]:
    """Questions a member can start with (the page and the widget): the wizards' titles."""
    try:
        return [w.title for w in generation().wizards.values()][:STARTERS]
    except NoIndex:
        return []


def _turn(echo: str, reply: Reply) -> dict:
    return {"user": echo, "reply": {
        "type": reply.type, "text": reply.text,
        "faqs": [[f.number, f.title, f.url] for f in reply.faqs],
        "wizard": [reply.wizard.id, reply.wizard.title, reply.wizard.url] if reply.wizard else None,
        "contacts": [{k: v for k, v in vars(c).items() if v} for c in reply.contacts],
        "options": [[o.label, o.value] for o in reply.options],
    }}


def _page(turns: list[dict], state: State, error: str | None = None, status: int = 200, message: str = ""):
    secret = _secret()
    return render_template("chat.html", turns=turns, error=error, message=message,
                           state_token=chat_state.dump_state(state, secret),
                           log_token=chat_state.dump_log(turns, secret)), status


@bp.route("/chat", methods=["GET", "POST"])
def page():
    if request.method == "GET":
        return _page([], State())
    secret = _secret()
    turns = chat_state.load_log(request.form.get("log"), secret)
    state = chat_state.load_state(request.form.get("state"), secret)
    if request.form.get("reset"):
        return _page([], State())
    choice = request.form.get("choice")
    raw = choice if choice else request.form.get("message", "")
    try:
        message = _check_message(raw)
    except BadMessage as exc:
        return _page(turns, state, error=str(exc), status=400, message=raw if isinstance(raw, str) else "")
    wait = _rate_limited()
    if wait:
        return _page(turns, state, status=429, message=message,
                     error=f"短い時間にたくさんのメッセージが送られました。{math.ceil(wait)}秒ほど待ってからお試しください。")
    reply = _reply(message, state)
    turns = (turns + [_turn(reply.echo or message.strip(), reply)])[-chat_state.MAX_TURNS:]
    return _page(turns, reply.state)

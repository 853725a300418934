"""「この回答は役に立ちましたか？」: the vote, the reason form and the thank-you page.

Works as plain forms (POST → 303 → page); static/js/feedback.js posts the same
forms with fetch and gets JSON instead (X-Requested-With: fetch). A 「いいえ」 is
stored at once and its reason attached afterwards, so a member who leaves the
reason form still counts. Every post needs the CSRF token; a refused one gets
a friendly 400 page (or JSON for fetch).
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError

from ..analytics import events
from ..search.store import NoIndex
from . import visitors
from .extensions import engine, generation
from .views_common import json_error, safe_next

bp = Blueprint("feedback", __name__)

ALREADY = "すでにご回答いただいています"
ALREADY_TEXT = "この回答には本日すでにご回答いただいています。ありがとうございます。"
THANKS = "ご回答ありがとうございました"
THANKS_TEXT = "いただいたご意見は回答の改善に役立てます。"


class BadTarget(Exception):
    """The form names something that cannot be rated."""


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _target() -> tuple[str, str, str]:
    """(target_type, target, return path) from the form or query, checked against the index."""
    kind = request.values.get("target_type", "")
    target = (request.values.get("target") or "").strip()
    if kind == "faq":
        if not (target.isascii() and target.isdigit() and len(target) < 10):
            raise BadTarget
        try:
            known = int(target) in generation().faq_titles
        except NoIndex:
            known = False
        if not known:
            raise BadTarget
        return kind, str(int(target)), f"/faq/{int(target)}"
    if kind == "wizard":
        wizard_id, _, node = target.partition(":")
        try:
            wizard = generation().wizards.get(wizard_id)
        except NoIndex:
            wizard = None
        if wizard is None or node not in wizard.nodes or not wizard.nodes[node].is_outcome:
            raise BadTarget
        return kind, target, safe_next(request.values.get("next"), "/wizard/")
    if kind == "chat":
        if not target or len(target) > 200 or not target.isprintable():
            raise BadTarget
        return kind, target, safe_next(request.values.get("next"), "/")
    raise BadTarget


def _bad_request(message: str):
    if _wants_json():
        return json_error(400, "bad_request", message)
    return render_template("error.html", code=400, title="送信内容を確認できませんでした", message=message), 400


def _done(title: str, message: str, back: str, status: str, code: int = 200):
    if _wants_json():
        return jsonify({"status": status, "message": f"{title}。{message}"}), code
    return render_template("feedback_done.html", title=title, message=message, back=back), code


def _reason_form(kind: str, target: str, back: str, error: str | None = None, reason: str | None = None,
                 comment: str = "", code: int = 200):
    if _wants_json():
        return jsonify({"status": "invalid", "message": error}), code
    return render_template("feedback_reason.html", fb_type=kind, fb_target=target, fb_next=back,
                           error=error, reason=reason, comment=comment), code


@bp.app_errorhandler(CSRFError)
def csrf_refused(exc: CSRFError):
    # the token is missing or expired (a page left open for long, cookies off)
    message = ("ページの有効期限が切れたため、送信できませんでした。"
               "お手数ですが、ページを再読み込みしてからもう一度お試しください。")
    if _wants_json():
        return json_error(400, "csrf", message)
    return render_template("error.html", code=400, title="送信できませんでした", message=message), 400


@bp.route("/feedback", methods=["POST"])
def vote():
    try:
        kind, target, back = _target()
    except BadTarget:
        return _bad_request("評価の対象が見つかりませんでした。ページを開き直してからお試しください。")
    helpful = request.form.get("helpful")
    if helpful not in ("yes", "no"):
        return _bad_request("「はい」か「いいえ」を選んでください。")
    recorded = events.record_feedback(engine(), visitor=visitors.visitor_id(), target_type=kind, target=target,
                                      helpful=helpful == "yes", reason=None, comment=None)
    if not recorded:
        return _done(ALREADY, ALREADY_TEXT, back, "duplicate")
    if helpful == "yes":
        if _wants_json():
            return jsonify({"status": "recorded", "ask_reason": False, "message": f"{THANKS}。{THANKS_TEXT}"})
        return redirect("/feedback/thanks?" + urlencode({"next": back}), code=303)
    if _wants_json():
        return jsonify({"status": "recorded", "ask_reason": True,
                        "message": "ご回答ありがとうございます。よろしければ、理由を教えてください。"})
    return redirect("/feedback/reason?" + urlencode({"target_type": kind, "target": target, "next": back}), code=303)


@bp.route("/feedback/reason", methods=["GET"])
def reason_form():
    try:
        kind, target, back = _target()
    except BadTarget:
        return _bad_request("評価の対象が見つかりませんでした。ページを開き直してからお試しください。")
    return _reason_form(kind, target, back)


@bp.route("/feedback/reason", methods=["POST"])
def reason():
    try:
        kind, target, back = _target()
    except BadTarget:
        return _bad_request("評価の対象が見つかりませんでした。ページを開き直してからお試しください。")
    choice = request.form.get("reason")
    # browsers send line breaks as CRLF but count them as one character against maxlength
    comment = (request.form.get("comment") or "").replace("\r\n", "\n").strip()
    if choice not in events.REASONS:
        return _reason_form(kind, target, back, "理由をひとつ選んでください。", None, comment, 400)
    if len(comment) > events.COMMENT_MAX:
        return _reason_form(kind, target, back,
                            f"ご意見は{events.COMMENT_MAX}文字以内でご入力ください（現在{len(comment)}文字）。",
                            choice, comment, 400)
    visitor = visitors.visitor_id()
    attached = events.add_feedback_reason(engine(), visitor=visitor, target_type=kind, target=target,
                                          reason=choice, comment=comment or None)
    # no 「いいえ」 to attach to (the reason page opened on its own): the reason is the vote
    if not attached and not events.record_feedback(engine(), visitor=visitor, target_type=kind, target=target,
                                                    helpful=False, reason=choice, comment=comment or None):
        return _done(ALREADY, ALREADY_TEXT, back, "duplicate")
    if _wants_json():
        return jsonify({"status": "recorded", "message": f"{THANKS}。{THANKS_TEXT}"})
    return redirect("/feedback/thanks?" + urlencode({"next": back}), code=303)


@bp.route("/feedback/thanks")
def thanks():
    return render_template("feedback_done.html", title=THANKS, message=THANKS_TEXT,
                           back=safe_next(request.args.get("next")))


@bp.record_once
def _reasons(state) -> None:
    # a global rather than a context processor: the partial is included from other features' pages
    state.app.jinja_env.globals["feedback_reasons"] = events.REASONS

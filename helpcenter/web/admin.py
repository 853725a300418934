"""The editors' dashboard under /admin: login, report pages and CSV exports.

Thin views over helpcenter.analytics.reports. Editors log in
with their name and password (accounts made with `helpcenter editors add`);
HELPCENTER_ADMIN_PASSWORD with an empty name still works, as a bootstrap. With
neither an account nor that password the dashboard is disabled. Logins,
logouts and exports go to the audit log. A login lasts
SESSION_HOURS from the moment of logging in, however active the editor is, and
is a row in the database (helpcenter.accounts.sessions): logging out, a
password change or a removed account ends it on every worker at once.
Login attempts are counted in the database before the password is checked,
per salted client hash (LOGIN_RATE_LIMIT) and from all clients together
(LOGIN_GLOBAL_RATE_LIMIT), one at a time, so the limits hold across workers,
machines and concurrent requests. Without a login every page redirects to the
login form and every CSV answers 401.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import time
from datetime import datetime, timedelta, timezone

from flask import (Blueprint, Response, abort, current_app, g, redirect, render_template, request, session,
                   url_for)

from ..accounts import audit, editors, sessions
from ..analytics import charts, logins, reports
from ..contact import code as contact_codes
from ..contact import store as contact_store
from ..contact.trail import SOURCE_LABELS
from ..editorial import cues, review, stored
from ..search.store import NoIndex
from .extensions import engine, generation
from .views_common import safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")

SESSION_KEY = "admin_since"
TOKEN_KEY = "admin_token"
DEFAULT_DAYS = 30
PAGES = (  # endpoint, navigation label
    ("admin.overview", "概要"),
    ("admin.searches", "検索"),
    ("admin.feedback", "回答の評価"),
    ("admin.wizards", "診断ツール"),
    ("admin.chat", "チャット"),
    ("admin.review_page", "確認が必要なFAQ"),
    ("admin.cues_page", "改善案"),
    ("admin.history_page", "変更履歴"),
    ("admin.audit_page", "操作履歴"),
    ("admin.lookup", "受付番号"),
)


@bp.record_once
def _configure(state) -> None:
    app = state.app
    # only the editors' session is permanent; members' sessions (CSRF token) end with the browser
    app.permanent_session_lifetime = timedelta(hours=app.config["HELPCENTER_SESSION_HOURS"])
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


def _enabled() -> bool:
    return bool(current_app.config["HELPCENTER_ADMIN_PASSWORD"]) or editors.any_exist(engine())


def _bootstrap_credential() -> str:
    """Ties a bootstrap session to the HELPCENTER_ADMIN_PASSWORD it was made with:
    changing or withdrawing the password ends those sessions."""
    password = current_app.config["HELPCENTER_ADMIN_PASSWORD"]
    key = f"admin-bootstrap:{current_app.secret_key}".encode()
    return hmac.new(key, password.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32] if password else ""


def _editor() -> str | None:
    """The logged-in editor's name, or None: the session's row must still be in
    the database (not logged out, not expired, password not changed since)."""
    if "hc_admin_editor" in g:
        return g.hc_admin_editor
    g.hc_admin_editor = None
    since = session.get(SESSION_KEY)
    if not isinstance(since, (int, float)):
        return None
    if not 0 <= time.time() - since < current_app.config["HELPCENTER_SESSION_HOURS"] * 3600:
        return None
    found = sessions.lookup(engine(), session.get(TOKEN_KEY))
    if found is None:
        return None
    name, credential = found
    if name == editors.BOOTSTRAP:
        ok = bool(credential) and hmac.compare_digest(credential, _bootstrap_credential())
    else:
        ok = editors.exists(engine(), name)
    g.hc_admin_editor = name if ok else None
    return g.hc_admin_editor


def _logged_in() -> bool:
    return _editor() is not None


@bp.context_processor
def _who() -> dict:
    return {"admin_editor": _editor()}


@bp.before_request
def _require_login():
    if request.endpoint in ("admin.login", "admin.login_post"):
        return None
    if _logged_in():
        return None
    session.pop(SESSION_KEY, None)
    session.pop(TOKEN_KEY, None)
    if request.path.endswith(".csv"):
        return Response("ログインが必要です。/admin/login からログインしてください。\n", 401,
                        {"Content-Type": "text/plain; charset=utf-8"})
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")), code=303)


@bp.after_request
def _private(response):
    # reports and the login form are for editors only: not cached, not indexed, not framed
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["X-Frame-Options"] = "DENY"
    return response


# --- login ----------------------------------------------------------------------

def _client() -> str:
    """The client for the rate limit: a salted hash of its address, never the address itself."""
    key = f"admin-login:{current_app.secret_key}".encode()
    return hmac.new(key, (request.remote_addr or "-").encode(), hashlib.sha256).hexdigest()[:32]


def _limit(setting: str, default: tuple[int, int]) -> tuple[int, int]:
    try:
        return logins.parse_limit(current_app.config["HELPCENTER_" + setting])
    except ValueError:
        return default  # a typo in the setting must not open the door


def _login_page(error: str | None = None, code: int = 200, **extra):
    return render_template("admin/login.html", error=error,
                           enabled=_enabled(),
                           next=safe_next(request.values.get("next"), url_for("admin.overview")), **extra), code


@bp.route("/login", methods=["GET"])
def login():
    if not _enabled():
        return _login_page(code=403)
    if _logged_in():
        return redirect(url_for("admin.overview"), code=303)
    return _login_page(logged_out=request.args.get("logged_out") == "1")


@bp.route("/login", methods=["POST"])
def login_post():
    if not _enabled():
        return _login_page(code=403)
    client, eng = _client(), engine()
    wait = logins.attempt(eng, client, _limit("LOGIN_RATE_LIMIT", (5, 300)),
                          _limit("LOGIN_GLOBAL_RATE_LIMIT", (50, 300)))
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        body, code = _login_page(
            f"ログインに続けて失敗したため、しばらくログインできません。約{minutes}分後にもう一度お試しください。", 429)
        return body, code, {"Retry-After": str(max(1, math.ceil(wait)))}
    who = _check_credentials(request.form.get("name", ""), request.form.get("password", ""))
    if who is None:  # the attempt stays counted as a failure
        return _login_page("名前またはパスワードが違います。", 401)
    logins.clear_failures(eng, client)
    session.clear()  # a fresh session: nothing carried over from before the login
    session.permanent = True
    session[SESSION_KEY] = time.time()
    session[TOKEN_KEY] = sessions.create(eng, who, current_app.config["HELPCENTER_SESSION_HOURS"],
                                         _bootstrap_credential() if who == editors.BOOTSTRAP else "")
    audit.record(eng, who, "login")
    target = safe_next(request.form.get("next"), url_for("admin.overview"))
    if not target.startswith("/admin/") or target.startswith("/admin/login"):
        target = url_for("admin.overview")
    return redirect(target, code=303)


def _check_credentials(name: str, password: str) -> str | None:
    """The editor's name; an empty name with HELPCENTER_ADMIN_PASSWORD is the bootstrap login."""
    expected = current_app.config["HELPCENTER_ADMIN_PASSWORD"]
    if not name.strip():
        if expected and hmac.compare_digest(password.encode("utf-8", "replace"), expected.encode("utf-8")):
            return editors.BOOTSTRAP
        return None
    return editors.verify(engine(), name, password)


@bp.route("/logout", methods=["POST"])
def logout():
    who = _editor()
    if who is not None:
        audit.record(engine(), who, "logout")
    sessions.revoke(engine(), session.get(TOKEN_KEY))  # a copy of the cookie opens nothing any more
    session.clear()
    return redirect(url_for("admin.login", logged_out=1), code=303)


# --- report pages ---------------------------------------------------------------

def _period() -> reports.Period:
    raw = request.args.get("days", "")
    days = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in reports.PERIODS else DEFAULT_DAYS
    return reports.Period.ending_now(days)


def _labels() -> reports.Labels:
    try:
        return reports.Labels.from_generation(generation())
    except NoIndex:
        return reports.Labels()


def _page(template: str, names: tuple[str, ...], **extra):
    period, labels = _period(), _labels()
    tables = {name: reports.build(name, engine(), period, labels) for name in names}
    return render_template(template, period=period, periods=reports.PERIODS, tables=tables, pages=PAGES, **extra)


@bp.route("/")
def overview():
    period = _period()
    o = reports.overview(engine(), period)
    days = [d["day"].strftime("%m/%d") for d in o.daily]
    titles = ("FAQの閲覧数（日別）", "検索回数（日別）", "割合の推移（日別）")
    chart_svgs = [(t, svg) for t, svg in zip(titles, (
        charts.bar_chart("chart-views", titles[0], days, charts.Series("閲覧", [d["views"] for d in o.daily])),
        charts.bar_chart("chart-searches", titles[1], days,
                         charts.Series("検索", [d["searches"] for d in o.daily])),
        charts.line_chart("chart-rates", titles[2], days, [
            charts.Series("検索結果0件", [d["zero_result_rate"] for d in o.daily]),
            charts.Series("役に立った", [d["helpful_rate"] for d in o.daily]),
            charts.Series("チャット回答不可", [d["fallback_rate"] for d in o.daily]),
        ]),
    ))]
    return _page("admin/overview.html", ("daily",), overview=o, charts=chart_svgs,
                 contact=reports.contact_summary(engine(), period))


@bp.route("/searches")
def searches():
    return _page("admin/tables.html", ("queries", "zero_results", "no_clicks"), heading="検索")


@bp.route("/feedback")
def feedback():
    return _page("admin/tables.html", ("least_helpful", "feedback_comments"), heading="回答の評価")


@bp.route("/wizards")
def wizards():
    period, labels = _period(), _labels()
    funnels = reports.wizard_funnels(engine(), period, labels)
    return _page("admin/wizards.html", ("wizard_summary",), funnels=funnels)


@bp.route("/chat")
def chat():
    return _page("admin/tables.html", ("chat_replies", "chat_fallbacks"), heading="チャット")


def _review_table() -> reports.Table:
    try:
        entries = stored.entries(generation())
    except NoIndex:
        entries = []
    return review.table(entries, datetime.now(timezone.utc), current_app.config["HELPCENTER_REVIEW_DAYS"])


@bp.route("/review")
def review_page():
    return render_template("admin/tables.html", period=_period(), periods=reports.PERIODS, pages=PAGES,
                           tables={"review": _review_table()}, heading="確認が必要なFAQ", no_period=True,
                           empty_text="確認が必要なFAQはありません。")


def _cues(period: reports.Period) -> tuple[list, dict[int, str]]:
    try:
        gen = generation()
    except NoIndex:
        return [], {}
    return cues.cues(cues.collect(engine(), period), stored.knowledge(gen)), dict(gen.faq_titles)


@bp.route("/cues")
def cues_page():
    period = _period()
    found, titles = _cues(period)
    return render_template("admin/cues.html", period=period, periods=reports.PERIODS, pages=PAGES,
                           tables={"cues": cues.to_table(found, titles)})


@bp.route("/cues.yaml")
def cues_yaml():
    period = _period()
    found, titles = _cues(period)
    filename = f"helpcenter-cues-{period.today:%Y%m%d}-{period.days}d.yaml"
    audit.record(engine(), _editor() or "", "export", filename)
    return Response(cues.to_yaml(found, period, titles).encode("utf-8"), 200, {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.route("/history")
def history_page():
    try:
        gen = generation()
        changed = [(n, gen.faq_titles.get(n, ""), c) for n, c in stored.changed_entries(gen)]
    except NoIndex:
        changed = []
    return render_template("admin/history.html", period=_period(), periods=reports.PERIODS, pages=PAGES,
                           changed=changed)


@bp.route("/history/<int:number>")
def history_entry(number: int):
    try:
        gen = generation()
    except NoIndex:
        abort(404)
    title = gen.faq_titles.get(number)
    if title is None:
        abort(404)
    return render_template("admin/history_entry.html", period=_period(), periods=reports.PERIODS, pages=PAGES,
                           number=number, title=title, changes=stored.history(gen, number))


@bp.route("/audit")
def audit_page():
    return render_template("admin/tables.html", period=_period(), periods=reports.PERIODS, pages=PAGES,
                           tables={"audit": audit.recent(engine())}, heading="操作履歴", no_period=True,
                           empty_text="まだ記録はありません。")


@bp.route("/lookup")
def lookup():
    """受付番号 → what the member did before contacting us, so a call starts where they stopped."""
    raw = request.args.get("code", "")
    raw = raw if isinstance(raw, str) else ""
    issued, error, status = None, None, 200
    if raw.strip():
        if contact_codes.normalize(raw) is None:
            error, status = "受付番号は「K7Q-4MD2」のような英数字7文字です。もう一度ご確認ください。", 400
        else:
            verified = contact_codes.verify(raw, current_app.secret_key)
            issued = contact_store.lookup(engine(), verified) if verified else None
            if verified is None:
                error, status = ("この受付番号は正しくありません。聞き取りや入力の間違いがないか、"
                                 "お客様にもう一度ご確認ください。"), 404
            elif issued is None:
                error, status = (f"受付番号 {verified} の記録はありません（保存期間の"
                                 f"{current_app.config['HELPCENTER_RETENTION_DAYS']}日を過ぎた可能性があります）。"), 404
            else:
                # a member's trail was read: who read it stays on record
                audit.record(engine(), _editor() or "", "lookup", verified)
    body = _page("admin/lookup.html", ("contact",), code=raw.strip()[:40], issued=issued, error=error,
                 sources=SOURCE_LABELS)
    return body, status


@bp.route("/<path:rest>")
def unknown(rest: str):
    # reached only after the login check, so unknown /admin URLs reveal nothing either
    abort(404)


@bp.route("/<name>.csv")
def export(name: str):
    period = _period()
    if name == "review":
        table = _review_table()
    elif name == "cues":
        table = cues.to_table(*_cues(period))
    elif name == "audit":
        table = audit.recent(engine(), limit=10000)
    elif name in reports.TABLES:
        table = reports.build(name, engine(), period, _labels())
    else:
        abort(404)
    filename = f"helpcenter-{name}-{period.today:%Y%m%d}-{period.days}d.csv"
    audit.record(engine(), _editor() or "", "export", filename)
    return Response(reports.to_csv(table).encode("utf-8"), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    })

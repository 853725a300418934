"""Troubleshooting wizards on the web: the list, each step, and the editors' map.

Thin views over `helpcenter.wizard`. A step is a plain GET URL carrying the
answers so far (`/wizard/<id>/<answers>`, see `helpcenter.wizard.paths`), so
there is no server session and no JavaScript: back, reload, bookmarks and
shared links all just work. A URL that does not fit the current tree (tampered,
or from before an edit) is a 404 that offers to start the wizard again.
"""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from .. import render
from ..analytics import events
from ..content.model import Wizard
from ..wizard import BadPath, InvalidPath, Step, decode, encode, walk, wizards_covering
from ..wizard import diagram
from . import visitors
from .extensions import engine, generation
from .views_common import not_found

bp = Blueprint("wizard", __name__)


@bp.app_template_global()
def wizard_url(wid: str, path: tuple[int, ...] = ()) -> str:
    """The URL of the step reached by `path` (the start when empty)."""
    if not path:
        return url_for("wizard.step", wid=wid)
    return url_for("wizard.step", wid=wid, answers=encode(path))


# The FAQ page's offer (templates/_faq_wizards.html) asks this.
bp.add_app_template_global(wizards_covering, "wizards_covering")


@bp.route("/wizard/")
def index():
    return render_template("wizard_list.html", wizards=list(generation().wizards.values()))


def _wizard(wid: str) -> Wizard:
    wizard = generation().wizards.get(wid)
    if wizard is None:
        raise not_found("お探しの質問ガイドは見つかりませんでした。一覧からお選びください。")
    return wizard


def _stale(wizard: Wizard):
    """The 404 for answers that do not fit the tree: offer a fresh start."""
    restart = Markup(render_template("_wizard_restart.html", wizard=wizard))
    return render_template("error.html", code=404, title="ページが見つかりません",
                           message="このURLの回答は、いまの質問ガイドと合いません。"
                                   "内容が更新されたか、URLが途中で切れている可能性があります。",
                           extra=restart), 404


@bp.route("/wizard/<wid>")
@bp.route("/wizard/<wid>/<path:answers>")
def step(wid: str, answers: str = ""):
    wizard = _wizard(wid)
    try:
        current = walk(wizard, decode(answers))
    except (BadPath, InvalidPath):
        return _stale(wizard)
    _record(current)
    gen = generation()
    flows = gen.site.flows
    if not current.is_outcome:
        help_html = render.markdown_to_html(current.node.help, flows) if current.node.help else ""
        return render_template("wizard_step.html", wizard=wizard, step=current, help_html=help_html)
    outcome = current.node.outcome
    return render_template("wizard_outcome.html", wizard=wizard, step=current, outcome=outcome,
                           body_html=render.markdown_to_html(outcome.body, flows),
                           faqs=gen.faqs(outcome.faqs),
                           flows=[flows[name] for name in outcome.flows if name in flows],
                           feedback_target=f"{wizard.id}:{current.node.id}")


@bp.route("/wizard/<wid>/")
def trailing_slash(wid: str):
    # A hand-typed or cut URL: the start of the wizard is without the slash.
    _wizard(wid)
    return redirect(wizard_url(wid), code=308)


def _record(current: Step) -> None:
    """Analytics: started, each step answered, outcome reached (bots not counted).

    `path` is the encoded answers ("2-1-3"); a step event names the question
    just answered, so path depth and node place it in the funnel.
    """
    if visitors.is_bot(request.user_agent.string):
        return
    eng, visitor, wid = engine(), visitors.visitor_id(), current.wizard.id
    path = encode(current.path)
    if current.is_start:
        events.record_wizard(eng, visitor=visitor, wizard=wid, event="start", node=current.node.id, path="")
    else:
        events.record_wizard(eng, visitor=visitor, wizard=wid, event="step",
                             node=current.answers[-1].question.id, path=path)
    if current.is_outcome:
        events.record_wizard(eng, visitor=visitor, wizard=wid, event="outcome", node=current.node.id, path=path)


@bp.route("/wizard/<wid>/map")
def map_svg(wid: str):
    """The whole tree as an SVG diagram, for editors (cached per index generation)."""
    wizard = _wizard(wid)
    gen = generation()
    cache: dict = current_app.extensions.setdefault("helpcenter.wizard_maps", {})
    key = (gen.uid, wizard.id)
    svg = cache.get(key)
    if svg is None:
        try:
            svg = diagram.wizard_svg(wizard)
        except diagram.DiagramUnavailable as exc:
            current_app.logger.warning("wizard map %s: %s", wid, exc)
            return render_template("error.html", code=503, title="図を表示できません",
                                   message=f"質問ガイドの図を作成できませんでした：{exc}"), 503
        for old in [k for k in cache if k[0] != gen.uid]:  # an earlier generation's maps
            cache.pop(old, None)
        cache[key] = svg
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    # The SVG carries content text: never let it run script if opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

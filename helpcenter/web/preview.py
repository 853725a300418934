"""`helpcenter preview`: the site served from an editor's working copy.

`make_app(content_dir, instance_dir)` builds the ordinary app on a private
instance dir (its own index and database, so nothing reaches the real
analytics) with the page cache off, and attaches a `Previewer`: every page
then carries the 「プレビュー」 banner, drafts are shown, and when the latest
build failed the banner lists its problems (file, line, field) above the last
good version. Until a first build succeeds every page is that list.
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template, request

from ..editorial.preview import Previewer

bp = Blueprint("preview", __name__, url_prefix="/preview")


def previewer() -> Previewer:
    return previewer_of(current_app)


def previewer_of(app: Flask) -> Previewer:
    return app.extensions["helpcenter.preview"]


@bp.route("/status.json")
def status():
    """What static/js/preview.js polls to reload the page after a rebuild."""
    s = previewer().state
    return jsonify({"builds": s.builds, "failing": s.failing, "problems": len(s.problems),
                    "failed_at": s.failed_at.isoformat() if s.failed_at else None})


def init_app(app: Flask, prev: Previewer) -> None:
    app.extensions["helpcenter.preview"] = prev
    app.register_blueprint(bp)

    @app.context_processor
    def _preview():
        return {"preview": prev.state}

    @app.before_request
    def _nothing_built_yet():
        if prev.state.builds == 0 and request.endpoint not in ("static", "preview.status"):
            return render_template("preview_problems.html", preview=prev.state), 503
        return None


def make_app(content_dir: str, instance_dir: str, debounce: float = 0.4, poll: float = 0.5) -> Flask:
    """The preview app and its first build (the watcher is not started: `previewer().start()`)."""
    from .. import create_app, db

    app = create_app({"CONTENT_DIR": content_dir, "INSTANCE_DIR": instance_dir, "DATABASE_URL": "",
                      "PAGE_CACHE_SECONDS": 0, "INDEX_CHECK_SECONDS": 0})
    db.upgrade(app.extensions["helpcenter.db"], instance_dir)
    app.extensions["helpcenter.index"].show_scheduled = True  # future and expired entries too
    prev = Previewer(app.config["HELPCENTER_CONTENT_DIR"], instance_dir, debounce=debounce, poll=poll)
    prev.build()
    init_app(app, prev)
    return app

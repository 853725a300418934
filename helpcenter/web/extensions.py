"""Per-app services attached through init_app and kept in app.extensions.

* `helpcenter.index`: the IndexStore (current index generation; a damaged one
  is rebuilt from the content in the background, helpcenter.publishing)
* `helpcenter.db`: the SQLAlchemy engine
* CSRF protection (Flask-WTF) for every form post
"""
from __future__ import annotations

import threading

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine

from .. import db
from ..search import service
from ..search.store import Generation, IndexStore

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    cfg = app.config
    paths = {k: cfg[k] for k in ("HELPCENTER_CONTENT_DIR", "HELPCENTER_INSTANCE_DIR")}

    def repair(damaged, problems) -> None:
        from ..publishing import repair_in_background

        repair_in_background(paths, damaged, problems)

    app.extensions["helpcenter.index"] = IndexStore(cfg["HELPCENTER_INSTANCE_DIR"],
                                                    cfg["HELPCENTER_INDEX_CHECK_SECONDS"],
                                                    on_open=_prepare_in_background, on_damaged=repair,
                                                    cache_size=cfg["HELPCENTER_SEARCH_CACHE_SIZE"])
    app.extensions["helpcenter.db"] = db.make_engine(cfg["HELPCENTER_DATABASE_URL"])
    csrf.init_app(app)


def _prepare_in_background(gen: Generation) -> None:
    # Generations are opened on a worker's first request (never in the
    # gunicorn master before fork), so the thread lives in the worker.
    threading.Thread(target=service.prepare, args=(gen,), name="prepare-generation", daemon=True).start()


def index_store() -> IndexStore:
    return current_app.extensions["helpcenter.index"]


def generation() -> Generation:
    return index_store().current()


def engine() -> Engine:
    return current_app.extensions["helpcenter.db"]

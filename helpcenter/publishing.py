"""Checking and publishing content, and getting an instance ready to serve.

Used by the CLI and by `helpcenter.wsgi`; no Flask here.
"""
from __future__ import annotations

import fcntl
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import db, manifest
from .content.loader import load_content
from .content.model import Problem
from .editorial import history
from .search import indexer

log = logging.getLogger(__name__)


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass
class PublishResult:
    path: Path | None
    faqs: int
    rebuilt: bool
    analysed: int = 0  # entries analysed by this build (the others were unchanged: search.engine.reuse)


@contextmanager
def _lock(instance_dir: str):
    Path(instance_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(instance_dir) / "index.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def publish(content_dir: str, instance_dir: str, only_if_stale: bool = False, procs: int | None = None) -> PublishResult:
    """Validate the content and publish a new index generation.

    Raises ContentInvalid (leaving the live index untouched) on any problem.
    """
    with _lock(instance_dir):
        fingerprint = indexer.content_fingerprint(content_dir)
        current = indexer.current_generation(instance_dir)
        if only_if_stale and indexer.current_fingerprint(instance_dir) == fingerprint:
            problems = manifest.verify(current)
            if not problems:
                return PublishResult(current, 0, False)
            log.warning("index generation %s is damaged, rebuilding it: %s", current.name, "; ".join(problems[:5]))
        content, problems = load_content(content_dir)
        if content is None:
            raise ContentInvalid(problems)
        content = history.with_history(content, content_dir)  # git log here, never per request
        path, report = indexer.publish(content, instance_dir, fingerprint, procs=procs)
        return PublishResult(path, len(content.faqs), True, report.analysed)


def repair_in_background(config: dict, damaged: Path, problems: list[str]) -> threading.Thread:
    """Rebuild a damaged generation from the content, beside it, while the worker
    answers 503; the workers of one machine rebuild it once (the index lock)."""
    def run():
        log.error("index generation %s is damaged (%s); rebuilding from %s", damaged.name,
                  "; ".join(problems[:5]), config["HELPCENTER_CONTENT_DIR"])
        try:
            result = publish(config["HELPCENTER_CONTENT_DIR"], config["HELPCENTER_INSTANCE_DIR"], only_if_stale=True)
            log.warning("index repaired: now serving %s", result.path)
        except ContentInvalid as exc:
            log.error("cannot repair the index: the content has %d problem(s); run `helpcenter check`",
                      len(exc.problems))
        except Exception:  # noqa: BLE001 - logged; the store tries again after DAMAGE_RECHECK_SECONDS
            log.exception("cannot repair the index")

    thread = threading.Thread(target=run, name="repair-index", daemon=True)
    thread.start()
    return thread


def prepare(config: dict) -> PublishResult:
    """What `serve` does first: migrate the database, build the index if missing,
    stale or damaged (its manifest check fails).

    When the content is invalid but an older index exists, that index keeps
    serving and ContentInvalid is raised only if there is nothing to serve.
    """
    engine = db.make_engine(config["HELPCENTER_DATABASE_URL"])
    try:
        db.upgrade(engine, config["HELPCENTER_INSTANCE_DIR"])
    finally:
        engine.dispose()
    try:
        return publish(config["HELPCENTER_CONTENT_DIR"], config["HELPCENTER_INSTANCE_DIR"], only_if_stale=True)
    except ContentInvalid:
        if indexer.current_generation(config["HELPCENTER_INSTANCE_DIR"]) is None:
            raise
        return PublishResult(indexer.current_generation(config["HELPCENTER_INSTANCE_DIR"]), 0, False)

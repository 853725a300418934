"""Opening an index generation outside the web app: for `helpcenter search`,
`helpcenter eval` and the benchmarks.

`open_generation(content_dir, instance_dir)` yields the live generation of
the instance when it was built from exactly this content (same fingerprint,
which includes the schema version), and otherwise builds a throwaway one in a
temporary directory, so figures are never measured on a stale index.
"""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..content.loader import load_content
from ..content.model import Problem
from . import indexer
from .store import Generation


class ContentProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@contextmanager
def temporary_generation(content_dir: str | Path, procs: int | None = None, lenient: bool = False) -> Iterator[Generation]:
    """A generation built from `content_dir` in a temporary directory (removed afterwards).

    `lenient` (evaluating another FAQ collection): entries with problems are
    left out and the problems are kept as `gen.warnings` instead of failing.
    """
    content, problems = load_content(str(content_dir), lenient=lenient)
    if content is None or (problems and not lenient):
        raise ContentProblems(problems)
    with tempfile.TemporaryDirectory(prefix="helpcenter-index-") as tmp:
        target = Path(tmp) / "gen-temporary"
        target.mkdir()
        indexer.build_generation(content, target, procs=procs)
        gen = Generation(target)
        gen.warnings = problems
        try:
            yield gen
        finally:
            gen.close()


@contextmanager
def open_generation(content_dir: str | Path, instance_dir: str | Path | None = None,
                    procs: int | None = None, lenient: bool = False) -> Iterator[Generation]:
    if instance_dir is not None:
        live = indexer.current_generation(instance_dir)
        if live is not None and indexer.current_fingerprint(instance_dir) == indexer.content_fingerprint(content_dir):
            gen = Generation(live)
            try:
                yield gen
            finally:
                gen.close()
            return
    with temporary_generation(content_dir, procs=procs, lenient=lenient) as gen:
        yield gen

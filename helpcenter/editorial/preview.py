"""The editors' live preview: rebuild a private index whenever a file of the
working copy changes, and remember the problems of a build that failed.

No Flask here: `Previewer` owns a private instance dir, `build()` loads the
content with drafts and publishes it there (a failing build leaves the last
good generation current and keeps its problems), and `watch()` polls the
files' mtimes and sizes, rebuilding once they have been still for
`debounce` seconds (an editor's save often writes several files).
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..content.loader import load_content
from ..content.model import Problem
from ..search import indexer
from . import history

Signature = tuple[tuple[str, int, int], ...]


def signature(root: str | Path) -> Signature:
    """(path, mtime_ns, size) of every file under `root`, skipping hidden ones (editor swap files)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:  # removed while walking: the next poll sees it gone
                continue
            out.append((os.path.relpath(path, root), st.st_mtime_ns, st.st_size))
    return tuple(out)


@dataclass
class State:
    builds: int = 0             # successful builds so far
    problems: list[Problem] = field(default_factory=list)  # of the latest build; empty when it worked
    built_at: datetime | None = None   # of the last good build
    failed_at: datetime | None = None  # of the latest build, when it failed
    faqs: int = 0
    drafts: int = 0

    @property
    def failing(self) -> bool:
        return bool(self.problems)


class Previewer:
    def __init__(self, content_dir: str | Path, instance_dir: str | Path, debounce: float = 0.4,
                 poll: float = 0.5):
        self.content_dir, self.instance_dir = Path(content_dir), Path(instance_dir)
        self.debounce, self.poll = debounce, poll
        self.state = State()
        self._seen: Signature | None = None
        self._stop = threading.Event()
        self._lock = threading.RLock()  # the watcher holds it around build(), which takes it too

    def build(self) -> State:
        """Load (with drafts) and publish; on problems keep the last good generation."""
        with self._lock:
            self._seen = signature(self.content_dir)
            content, problems = load_content(self.content_dir, drafts=True)
            now = datetime.now(timezone.utc)
            if content is None:
                self.state = State(self.state.builds, problems or [Problem(str(self.content_dir), "", "cannot be read")],
                                   self.state.built_at, now, self.state.faqs, self.state.drafts)
                return self.state
            indexer.publish(history.with_history(content, self.content_dir), self.instance_dir)
            self.state = State(self.state.builds + 1, [], now, None, len(content.faqs),
                               sum(1 for f in content.faqs.values() if f.draft))
            return self.state

    def changed(self) -> bool:
        """Whether a file changed since the last build, and has stayed still for `debounce` seconds."""
        now = signature(self.content_dir)
        if now == self._seen:
            return False
        time.sleep(self.debounce)
        return signature(self.content_dir) == now

    def watch(self) -> None:
        """Rebuild on every change until `stop()`; run it in a thread."""
        while not self._stop.wait(self.poll):
            try:
                if self.changed():
                    with self._lock:  # stop() waits on this lock, so no build starts after it returned
                        if self._stop.is_set():
                            return
                        self.build()
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive any bad build
                self.state = State(self.state.builds, [Problem(str(self.content_dir), "", f"build failed: {exc}")],
                                   self.state.built_at, datetime.now(timezone.utc), self.state.faqs,
                                   self.state.drafts)
                self._seen = signature(self.content_dir)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.watch, name="preview-watcher", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop watching, after the build under way (if any) has finished:
        the caller may then remove the instance folder."""
        self._stop.set()
        with self._lock:
            pass

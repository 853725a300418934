#!/usr/bin/env python3
"""The editors' tools on the sample content, timed:

    python bench/editorial.py

* preview: the first build, then seconds from saving an answer to the rebuilt
  index (5 saves, the watcher's 0.5 s polling and 0.4 s debounce included);
* change history: git log + blobs, then rendering and diffing (`editorial.history`);
* content cues: the 209 evaluation queries taken as zero-result searches,
  grouped and given proposals (the mix of proposals is printed too).
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpcenter.content.loader import load_content  # noqa: E402
from helpcenter.editorial import cues, history, stored  # noqa: E402
from helpcenter.publishing import publish  # noqa: E402
from helpcenter.search import indexer  # noqa: E402
from helpcenter.search.store import Generation  # noqa: E402
from helpcenter.web import preview  # noqa: E402


def bench_preview(tmp: Path) -> None:
    shutil.copytree(ROOT / "content", tmp / "content")
    t = time.perf_counter()
    app = preview.make_app(str(tmp / "content"), str(tmp / "preview"))
    print(f"preview: first build {time.perf_counter() - t:.2f} s")
    prev = preview.previewer_of(app)
    prev.start()
    times = []
    path = tmp / "content" / "faq" / "3816.md"
    for i in range(5):
        before = prev.state.builds
        path.write_text(path.read_text(encoding="utf-8").replace("とは、", f"とは{i}、", 1), encoding="utf-8")
        t = time.perf_counter()
        while prev.state.builds == before:
            time.sleep(0.01)
        times.append(time.perf_counter() - t)
    prev.stop()
    app.extensions["helpcenter.index"].close()
    print("preview: save → rebuilt (s): " + " ".join(f"{x:.2f}" for x in times))


def bench_history() -> None:
    content, _ = load_content(ROOT / "content")
    t = time.perf_counter()
    commits, blobs = history.read_log(ROOT / "content")
    t1 = time.perf_counter()
    changes = history.changes(content, commits, blobs)
    t2 = time.perf_counter()
    print(f"history: {len(commits)} commits, {len(blobs)} file versions, {sum(map(len, changes.values()))} "
          f"changes: git {t1 - t:.3f} s, render and diff {t2 - t1:.3f} s")


def bench_cues(tmp: Path) -> None:
    publish(str(ROOT / "content"), str(tmp / "inst"))
    gen = Generation(indexer.current_generation(tmp / "inst"))
    lines = (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line)["query"] for line in lines if line.strip()]
    t = time.perf_counter()
    know = stored.knowledge(gen)
    t1 = time.perf_counter()
    found = cues.cues([cues.Signal("zero_results", q, 1) for q in queries], know)
    t2 = time.perf_counter()
    mix = Counter(c.proposal.kind for c in found)
    print(f"cues: {len(queries)} queries → {len(found)} groups; knowledge {t1 - t:.2f} s, "
          f"grouping and proposals {t2 - t1:.2f} s; " + ", ".join(f"{k} {v}" for k, v in mix.most_common()))
    gen.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        bench_preview(Path(d))
        bench_history()
        bench_cues(Path(d))


if __name__ == "__main__":
    main()

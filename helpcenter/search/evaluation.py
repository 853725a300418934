"""Search quality metrics over judged queries: pure functions, no index.

An evaluation set is JSON lines, one query each:

    {"query": "メール来ない", "relevant": {"3821": 2, "3823": 1}, "kind": "colloquial"}

Grade 2 means the entry answers the query, 1 that it is relevant. `kind` is
optional and only groups the figures. For a query and the ranked list of entry
numbers a search returned:

* recall@k: 1 if the top k contain an entry of grade 2, else 0. (So it is the
  fraction of queries "answered" within k, not the fraction of relevant
  entries found.) Queries with no grade-2 entry count their best grade instead.
* mrr@10: 1 / rank of the first grade-2 entry in the top 10, else 0.
* ndcg@10: DCG / ideal DCG with gain 2^grade - 1 and discount log2(rank + 1),
  the ideal ranking being all judged entries by grade.

Each figure of a set is the mean over its queries.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from math import log2
from pathlib import Path
from typing import Callable, Iterable, Sequence

METRICS = ("recall@1", "recall@3", "recall@10", "mrr@10", "ndcg@10")


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: dict[int, int]  # entry number → grade
    kind: str = ""

    @property
    def target_grade(self) -> int:
        return 2 if 2 in self.relevant.values() else max(self.relevant.values(), default=0)


def read_jsonl(path: str | Path, parse, what: str) -> list:
    """`parse(row)` of each non-blank JSON line; ValueError naming the line on bad input."""
    out = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(parse(json.loads(line)))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path}:{lineno}: not {what}: {exc}") from None
    return out


def load_queries(path: str | Path) -> list[Judged]:
    """Judged queries from a JSONL file; ValueError naming the line on bad input."""

    def judged(row) -> Judged:
        rel = {int(k): int(v) for k, v in (row.get("relevant") or {}).items()}
        return Judged(str(row["query"]), rel, str(row.get("kind", "")))

    return read_jsonl(path, judged, "a judged query")


def fold(judged: Sequence[Judged], name: str | None) -> list[Judged]:
    """Fold "A" (0-based even positions in the file) or "B" (odd), or all for
    None: values are fitted on one fold and reported on the other (search and
    chatbot alike: `helpcenter eval` and `chat-eval --fold`)."""
    if name is None:
        return list(judged)
    if name not in ("A", "B"):
        raise ValueError(f"fold must be A or B, not {name!r}")
    return [j for i, j in enumerate(judged) if i % 2 == (name == "B")]


def recall_at(ranked: Sequence[int], judged: Judged, k: int) -> float:
    target = judged.target_grade
    if target == 0:
        return 0.0
    return 1.0 if any(judged.relevant.get(n, 0) >= target for n in ranked[:k]) else 0.0


def mrr_at(ranked: Sequence[int], judged: Judged, k: int = 10) -> float:
    target = judged.target_grade
    if target == 0:
        return 0.0
    for i, n in enumerate(ranked[:k], 1):
        if judged.relevant.get(n, 0) >= target:
            return 1.0 / i
    return 0.0


def dcg(grades: Iterable[int]) -> float:
    return sum((2 ** g - 1) / log2(i + 1) for i, g in enumerate(grades, 1))


def ndcg_at(ranked: Sequence[int], judged: Judged, k: int = 10) -> float:
    ideal = dcg(sorted(judged.relevant.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(judged.relevant.get(n, 0) for n in ranked[:k]) / ideal


def query_metrics(ranked: Sequence[int], judged: Judged) -> dict[str, float]:
    return {"recall@1": recall_at(ranked, judged, 1), "recall@3": recall_at(ranked, judged, 3),
            "recall@10": recall_at(ranked, judged, 10), "mrr@10": mrr_at(ranked, judged, 10),
            "ndcg@10": ndcg_at(ranked, judged, 10)}


def mean_metrics(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {m: 0.0 for m in METRICS}
    return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS}


@dataclass
class Report:
    """Per-query figures and their means, overall and by kind."""

    overall: dict[str, float]
    by_kind: dict[str, dict[str, float]]
    counts: dict[str, int]
    missed: list[tuple[Judged, list[int]]] = field(default_factory=list)      # no target in top 10
    wrong_first: list[tuple[Judged, list[int]]] = field(default_factory=list)  # found, but not at rank 1


def evaluate(judged: Sequence[Judged], rank: Callable[[str], Sequence[int]]) -> Report:
    """Run `rank(query) -> entry numbers, best first` for each judged query."""
    per_query = []
    by_kind: dict[str, list[dict[str, float]]] = {}
    missed, wrong_first = [], []
    for j in judged:
        ranked = list(rank(j.query))[:10]
        m = query_metrics(ranked, j)
        per_query.append(m)
        by_kind.setdefault(j.kind or "-", []).append(m)
        if m["recall@10"] == 0:
            missed.append((j, ranked))
        elif m["recall@1"] == 0:
            wrong_first.append((j, ranked))
    return Report(mean_metrics(per_query), {k: mean_metrics(v) for k, v in sorted(by_kind.items())},
                  {k: len(v) for k, v in sorted(by_kind.items())}, missed, wrong_first)

"""The chatbot's figures on judged queries: what its *first* reply offers.

For each query of an evaluation set (eval/queries.jsonl: query + graded
relevant entries) the bot answers a fresh conversation, and we count

* offered: a grade-2 entry is among the FAQs the first reply links
  (answer: 1, clarify: 2–3, wizard offer: 1–3, fallback: none)
* answer_correct: of the replies of type answer, how many answer with a
  grade-2 entry
* the mix of reply types

and for a list of off-topic messages (eval/off-topic.jsonl) how many get the
fallback. Pure over a `Knowledge`; `helpcenter chat-eval` prints it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..search.evaluation import Judged, read_jsonl
from .model import REPLY_TYPES, State
from .policy import Knowledge, respond


@dataclass
class ChatReport:
    queries: int = 0
    offered: int = 0
    answers: int = 0
    answer_correct: int = 0
    types: Counter = field(default_factory=Counter)
    off_topic: int = 0
    off_topic_fallback: int = 0
    off_topic_types: Counter = field(default_factory=Counter)
    missed: list[tuple[str, str, list[int], list[int]]] = field(default_factory=list)  # query, type, offered, wanted
    leaked: list[tuple[str, str, list[int]]] = field(default_factory=list)  # off-topic not falling back

    def figures(self) -> dict:
        def share(n: int, d: int) -> float:
            return round(n / d, 4) if d else 0.0

        return {
            "queries": self.queries,
            "offered_rate": share(self.offered, self.queries),
            "answer_accuracy": share(self.answer_correct, self.answers),
            "types": {t: self.types.get(t, 0) for t in REPLY_TYPES},
            "type_rates": {t: share(self.types.get(t, 0), self.queries) for t in REPLY_TYPES},
            "off_topic": self.off_topic,
            "off_topic_fallback_rate": share(self.off_topic_fallback, self.off_topic),
            "off_topic_types": {t: self.off_topic_types.get(t, 0) for t in REPLY_TYPES},
        }


def load_messages(path: str | Path) -> list[str]:
    """Messages from JSON lines with a "query" (or "message") field."""
    return read_jsonl(path, lambda row: str(row["query"] if "query" in row else row["message"]), "a message")


def evaluate(kb: Knowledge, judged: Sequence[Judged], off_topic: Sequence[str] = ()) -> ChatReport:
    report = ChatReport()
    for j in judged:
        if not j.relevant:
            continue
        reply = respond(j.query, State(), kb)
        offered = [f.number for f in reply.faqs]
        wanted = sorted(n for n, g in j.relevant.items() if g >= j.target_grade)
        hit = any(n in wanted for n in offered)
        report.queries += 1
        report.types[reply.type] += 1
        report.offered += hit
        if reply.type == "answer":
            report.answers += 1
            report.answer_correct += hit
        if not hit:
            report.missed.append((j.query, reply.type, offered, wanted))
    for message in off_topic:
        reply = respond(message, State(), kb)
        report.off_topic += 1
        report.off_topic_types[reply.type] += 1
        if reply.type == "fallback":
            report.off_topic_fallback += 1
        else:
            report.leaked.append((message, reply.type, [f.number for f in reply.faqs]))
    return report

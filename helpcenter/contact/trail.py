"""What a member already did before asking for a 受付番号, as staff will read it.

A `Trail` is a snapshot taken when the code is issued: the wizard walks with
their answers and outcome, the member's last chat messages, the FAQs viewed,
the searches and the problem typed on the contact page. It is stored as JSON
with the code, so staff see what the member saw even after content changes.

`build` combines what the request says (the wizard outcome the button was on,
the chat transcript, the text typed) with the visitor's recent events
(`Activity`, read by `helpcenter.contact.store`). Pure: no Flask, no database.
Every list is capped, so a trail stays small whatever a client sends.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping

from ..content.model import Wizard
from ..wizard import BadPath, InvalidPath, decode, walk

SOURCES = ("contact", "wizard", "chat")
SOURCE_LABELS = {"contact": "お問い合わせページ", "wizard": "質問ガイドの結果", "chat": "チャット"}
MAX_TEXT = 200
MAX_CHAT = 5
MAX_FAQS = 10
MAX_SEARCHES = 5
MAX_WIZARDS = 3


@dataclass(frozen=True)
class WizardWalk:
    wizard: str                           # id
    title: str
    answers: tuple[tuple[str, str], ...]  # (question, answer chosen), in order
    outcome: str = ""                     # the outcome's heading; "" when the member stopped on the way
    path: str = ""                        # the encoded answers (/wizard/<id>/<path>)


@dataclass(frozen=True)
class Activity:
    """A visitor's recent events, most recent first (see store.recent_activity)."""
    wizard_paths: tuple[tuple[str, str], ...] = ()  # (wizard id, encoded path), the furthest walk of each
    faqs: tuple[int, ...] = ()
    searches: tuple[str, ...] = ()
    chat: tuple[str, ...] = ()  # messages the events keep (the bot's fallbacks, 「解決しませんでした」)


@dataclass(frozen=True)
class Trail:
    source: str                                   # where the code was asked for: one of SOURCES
    query: str = ""                               # the problem typed on the contact page
    wizards: tuple[WizardWalk, ...] = ()
    chat: tuple[str, ...] = ()                    # the member's last chat messages, oldest first
    faqs: tuple[tuple[int, str], ...] = ()        # (number, title) viewed, most recent first
    searches: tuple[str, ...] = ()                # queries searched, most recent first

    @property
    def empty(self) -> bool:
        return not (self.query or self.wizards or self.chat or self.faqs or self.searches)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Trail":
        """The stored form back; fields that do not have the expected shape are left out."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            return cls("contact")
        if not isinstance(data, dict):
            return cls("contact")
        source = data.get("source") if data.get("source") in SOURCES else "contact"
        walks = []
        for w in _list(data.get("wizards")):
            if isinstance(w, dict) and isinstance(w.get("wizard"), str):
                answers = tuple((str(a[0]), str(a[1])) for a in _list(w.get("answers"))
                                if isinstance(a, list) and len(a) == 2)
                walks.append(WizardWalk(w["wizard"], str(w.get("title", "")), answers,
                                        str(w.get("outcome", "")), str(w.get("path", ""))))
        faqs = tuple((int(f[0]), str(f[1])) for f in _list(data.get("faqs"))
                     if isinstance(f, list) and len(f) == 2 and isinstance(f[0], int))
        return cls(source, clean_text(data.get("query")), tuple(walks), _texts(data.get("chat"), MAX_CHAT), faqs,
                   _texts(data.get("searches"), MAX_SEARCHES))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def clean_text(value: Any) -> str:
    """Text a member typed, as stored: printable, one line, at most MAX_TEXT characters."""
    if not isinstance(value, str):
        return ""
    # no control characters or lone surrogates in what staff read
    kept = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in value
                   if not "\ud800" <= ch <= "\udfff")
    return " ".join(kept.split())[:MAX_TEXT]


def _texts(values: Any, limit: int) -> tuple[str, ...]:
    out = [t for t in (clean_text(v) for v in _list(values) if isinstance(v, str)) if t]
    return tuple(out[-limit:])


def describe_walk(wizard: Wizard, path: str) -> WizardWalk | None:
    """The questions and answers of an encoded walk; None when it does not fit the tree."""
    try:
        step = walk(wizard, decode(path))
    except (BadPath, InvalidPath):
        return None
    answers = tuple((a.question.question or "", a.option.label) for a in step.answers)
    outcome = step.node.outcome.heading if step.node.outcome else ""
    return WizardWalk(wizard.id, wizard.title, answers, outcome, path)


def build(source: str, *, wizards: Mapping[str, Wizard], faq_titles: Mapping[int, str], query: str = "",
          wizard: tuple[str, str] | None = None, chat: Iterable[str] = (),
          activity: Activity = Activity()) -> Trail:
    """The trail for a code asked for at `source`.

    `wizard` is the (id, encoded path) of the outcome the button was on, and
    `chat` the messages of the conversation; both come first, then what the
    visitor's events add. Parts that no longer fit the content are left out.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    walks: list[WizardWalk] = []
    for wid, path in ([wizard] if wizard else []) + list(activity.wizard_paths):
        w = wizards.get(wid) if isinstance(wid, str) else None
        if w is None or not isinstance(path, str) or any(x.wizard == wid for x in walks):
            continue
        described = describe_walk(w, path)
        if described is not None and described.answers:
            walks.append(described)
    messages = _texts(list(chat), MAX_CHAT) or _texts(list(reversed(activity.chat)), MAX_CHAT)
    faqs = tuple((n, faq_titles[n]) for n in dict.fromkeys(activity.faqs) if n in faq_titles)[:MAX_FAQS]
    searches = tuple(dict.fromkeys(t for t in (clean_text(s) for s in activity.searches) if t))[:MAX_SEARCHES]
    return Trail(source, clean_text(query), tuple(walks[:MAX_WIZARDS]), messages, faqs, searches)

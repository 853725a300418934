"""The chatbot's data: what retrieval found, what the bot replies, and the
conversation state carried between turns. Plain frozen dataclasses, no Flask.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPLY_TYPES = ("answer", "clarify", "wizard", "fallback", "smalltalk")


@dataclass(frozen=True)
class Candidate:
    """An FAQ entry retrieval found for a message, with the evidence for it."""

    number: int
    title: str
    url: str
    score: float           # the search engine's score (BM25, fused with the word vectors when present)
    coverage: float = 0.0  # share of the query this entry's text covers (see coverage)
    title_coverage: float = 0.0  # the same, over its question and aliases only
    summary: str = ""      # the first steps of the answer, plain text (see text.summarize)
    relevance: float = 0.0  # the chat's re-ranking score (see policy.rerank)
    # Σ idf of the query's topic units this entry covers (see coverage.topic_evidence)
    topic_evidence: float = 0.0
    # Its own question or aliases name one of the message's topic words (a
    # word of it, or all of its bigrams); True when the message names none.
    # An entry that shares the message's subject only in its answer text may
    # mention it in passing (「ポイント」 in a form's instructions).
    names_topic: bool = True


@dataclass(frozen=True)
class WizardRef:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Evidence:
    """Everything retrieval knows about one message (or message + topic)."""

    query: str
    candidates: tuple[Candidate, ...] = ()  # best first (search order; the policy re-ranks)
    wizards: tuple[WizardRef, ...] = ()     # troubleshooting wizards matching the situation
    topical: int = 0                        # units that name a topic (nouns, Latin words)
    units: int = 0                          # units in all
    max_idf: float = 0.0                    # idf of a word no entry has: topic_evidence's scale
    topic_weight: float = 0.0               # Σ weight of the units that name a topic
    unknown_share: float = 0.0              # share of topic_weight on words no entry has (Netflix, 新幹線)


@dataclass(frozen=True)
class Option:
    label: str  # shown on the button
    value: str  # sent back as the next message


@dataclass(frozen=True)
class ContactInfo:
    title: str
    phone: str = ""
    hours: str = ""
    where: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class FaqLink:
    number: int
    title: str
    url: str


@dataclass(frozen=True)
class WizardEvent:
    """A wizard walked inside the chat: recorded like the wizard pages' funnel."""

    wizard: str
    event: str  # start | step | outcome
    node: str
    path: str


@dataclass(frozen=True)
class State:
    """What the bot remembers between turns (signed and sent to the client).

    topic: the question the conversation is about (for short follow-ups)
    candidates: FAQ numbers offered or considered for it (re-ranked by follow-ups)
    options: the values of the buttons last offered (typed labels and numbers select them)
    wizard: (wizard id, 0-based answers) while a wizard runs in the chat
    asked: FAQ numbers that 「解決しましたか？」 is about
    """

    topic: str = ""
    candidates: tuple[int, ...] = ()
    options: tuple[str, ...] = ()
    wizard: tuple[str, tuple[int, ...]] | None = None
    asked: tuple[int, ...] = ()


@dataclass(frozen=True)
class Reply:
    type: str
    text: str
    faqs: tuple[FaqLink, ...] = ()
    wizard: WizardRef | None = None
    options: tuple[Option, ...] = ()
    contacts: tuple[ContactInfo, ...] = ()
    state: State = field(default_factory=State)
    echo: str = ""  # the member's message as shown in a transcript (an option's label for a button)
    unresolved: bool = False  # the member said the answer did not help: record it
    record_message: str | None = None  # what analytics keeps (the question, for fallbacks)
    wizard_events: tuple[WizardEvent, ...] = ()

    def __post_init__(self):
        if self.type not in REPLY_TYPES:
            raise ValueError(f"reply type must be one of {REPLY_TYPES}, not {self.type!r}")

    def to_json(self, state_token: str) -> dict[str, Any]:
        """The /api/chat body (the state already signed by the caller)."""
        return {
            "type": self.type,
            "text": self.text,
            "faqs": [{"number": f.number, "title": f.title, "url": f.url} for f in self.faqs],
            "wizard": None if self.wizard is None else {"id": self.wizard.id, "title": self.wizard.title,
                                                         "url": self.wizard.url},
            "options": [{"label": o.label, "value": o.value} for o in self.options],
            "contacts": [{k: v for k, v in vars(c).items() if v} for c in self.contacts],
            "state": state_token,
        }

"""The content model: plain frozen dataclasses, no I/O and no Flask.

A `Content` is what one publish of the content folder contains; the loader
builds it, the indexer turns it into documents, and the web layer reads a
snapshot of it back from the index generation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as known."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class Category:
    slug: str  # full slug, "two-factor/change"
    title: str
    description: str = ""
    parent: str | None = None
    children: tuple[str, ...] = ()
    order: int = 0

    @property
    def ancestors(self) -> tuple[str, ...]:
        parts = self.slug.split("/")
        return tuple("/".join(parts[:i]) for i in range(1, len(parts)))


@dataclass(frozen=True)
class Flow:
    name: str
    title: str
    url: str
    where: str = ""


@dataclass(frozen=True)
class Contact:
    id: str
    title: str
    phone: str = ""
    hours: str = ""
    where: str = ""
    flow: str = ""
    note: str = ""


@dataclass(frozen=True)
class Site:
    name: str
    service: str = ""
    contacts: tuple[Contact, ...] = ()
    flows: dict[str, Flow] = field(default_factory=dict)


@dataclass(frozen=True)
class Faq:
    number: int
    title: str
    categories: tuple[str, ...]
    published: datetime
    updated: datetime
    body: str  # Markdown
    aliases: tuple[str, ...] = ()
    related: tuple[int, ...] = ()
    source: str = ""
    reviewed: datetime | None = None  # when an editor last confirmed the answer is still right
    draft: bool = False  # kept out of `index` and `serve`, shown by `preview`
    expires: datetime | None = None  # hidden from this minute on (its URL answers 410)

    @property
    def url(self) -> str:
        return f"/faq/{self.number}"


@dataclass(frozen=True)
class Option:
    label: str
    next: str


@dataclass(frozen=True)
class Outcome:
    heading: str
    body: str
    faqs: tuple[int, ...] = ()
    flows: tuple[str, ...] = ()
    contact: bool = False


@dataclass(frozen=True)
class Node:
    id: str
    question: str | None = None
    help: str = ""
    options: tuple[Option, ...] = ()
    outcome: Outcome | None = None

    @property
    def is_outcome(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True)
class Wizard:
    id: str
    title: str
    description: str
    start: str
    nodes: dict[str, Node]
    faqs: tuple[int, ...] = ()  # FAQ pages that offer this wizard (derived from outcomes when empty)
    keywords: tuple[str, ...] = ()  # phrases that make search and chat offer it


@dataclass(frozen=True)
class Change:
    """One commit that changed an entry's rendered answer (from git, at index time)."""
    at: datetime
    note: str  # the commit's subject line
    commit: str  # abbreviated hash
    diff: tuple[tuple[str, str], ...] = ()  # ("+"|"-"|" ", line) of the rendered answer; () for the first version
    first: bool = False


@dataclass(frozen=True)
class Content:
    site: Site
    categories: dict[str, Category]  # in display order, parents before children
    faqs: dict[int, Faq]
    synonyms: tuple[tuple[str, ...], ...] = ()
    wizards: dict[str, Wizard] = field(default_factory=dict)
    history: dict[int, tuple[Change, ...]] = field(default_factory=dict)  # newest first; empty without git
    readings: dict[str, str] = field(default_factory=dict)  # furigana fixes: word → hiragana

    def top_categories(self) -> list[Category]:
        return [c for c in self.categories.values() if c.parent is None]

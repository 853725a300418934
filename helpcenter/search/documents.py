"""Index documents from the content model, and `FaqDoc`, the read model of a
published entry: pure functions, no I/O.

Also the snapshot of everything else a publish contains (site, categories,
synonyms, wizards), stored as JSON beside the index so that one generation
directory is one consistent version of the help center.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from .. import render
from ..content.model import (Category, Contact, Content, Faq, Flow, Node, Option, Outcome, Site,
                             Wizard)
from . import fields as F


def epoch(dt: datetime) -> int:
    return int(dt.astimezone(timezone.utc).timestamp())


@dataclass(frozen=True)
class FaqDoc:
    """A published FAQ entry as pages, search hits, the chatbot and the API
    read it (built from the stored fields in one place: `from_stored`)."""

    number: int
    title: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]  # the entry's own category slugs, primary first
    related: tuple[int, ...]
    published: int               # epoch seconds (UTC)
    updated: int
    excerpt: str                 # about 100 characters of plain text
    plain: str                   # the answer as plain text
    html: str                    # the rendered, sanitised answer
    expires: int | None = None   # epoch seconds from which it is hidden (URL answers 410)

    @property
    def url(self) -> str:
        return f"/faq/{self.number}"

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""

    @classmethod
    def from_stored(cls, d: dict[str, Any]) -> "FaqDoc":
        return cls(number=int(d[F.NUMBER]), title=d[F.TITLE], aliases=tuple(d.get(F.ALIASES) or ()),
                   categories=tuple(d.get(F.CATEGORY_LIST) or ()), related=tuple(d.get(F.RELATED) or ()),
                   published=int(d.get(F.PUBLISHED) or 0), updated=int(d.get(F.UPDATED) or 0),
                   excerpt=d.get(F.EXCERPT) or "", plain=d.get(F.PLAIN) or "", html=d.get(F.HTML) or "",
                   expires=d.get(F.EXPIRES))

    def visible(self, now: float | None) -> bool:
        """Published and not expired at `now` (None: any time, as the preview shows)."""
        return now is None or (self.published <= now and (self.expires is None or now < self.expires))


def all_category_slugs(faq: Faq, content: Content) -> list[str]:
    """The entry's categories and their ancestors (what a category page lists)."""
    slugs: list[str] = []
    for slug in faq.categories:
        cat = content.categories[slug]
        for s in cat.ancestors + (slug,):
            if s not in slugs:
                slugs.append(s)
    return slugs


def faq_document(faq: Faq, content: Content) -> dict[str, Any]:
    """The Whoosh document of an entry: stored fields (plain Python values)
    plus the fields browsing sorts and filters by."""
    html = render.markdown_to_html(faq.body, content.site.flows)
    plain = render.html_to_text(html)
    return {
        F.NUMBER: str(faq.number),
        F.NUMBER_SORT: faq.number,
        F.TITLE: faq.title,
        F.ALIASES: list(faq.aliases),
        F.CATEGORIES: ",".join(all_category_slugs(faq, content)),
        F.CATEGORY_LIST: list(faq.categories),
        F.UPDATED: epoch(faq.updated),
        F.UPDATED_SORT: epoch(faq.updated),
        F.PUBLISHED: epoch(faq.published),
        F.EXPIRES: epoch(faq.expires) if faq.expires else None,
        F.EXCERPT: render.excerpt(plain, 100),
        F.PLAIN: plain,
        F.HTML: html,
        F.RELATED: [int(n) for n in faq.related],
    }


def search_texts(faq: Faq, content: Content, doc: dict[str, Any]) -> dict[str, str]:
    """The text of each of the search engine's fields (see fields.KIND_FIELDS),
    from the entry and its Whoosh document (plain text, category slugs)."""
    categories = " ".join(content.categories[s].title for s in doc[F.CATEGORIES].split(",") if s)
    return {"title": faq.title, "aliases": "\n".join(faq.aliases), "body": doc[F.PLAIN], "category": categories}


def snapshot(content: Content) -> dict[str, Any]:
    """JSON-able site, categories, synonyms and wizards of one publish."""
    return {
        "site": {
            "name": content.site.name,
            "service": content.site.service,
            "contacts": [asdict(c) for c in content.site.contacts],
            "flows": {k: asdict(v) for k, v in content.site.flows.items()},
        },
        "categories": [asdict(c) for c in content.categories.values()],
        "synonyms": [list(g) for g in content.synonyms],
        "wizards": {wid: _wizard_json(w) for wid, w in content.wizards.items()},
        "faq_titles": {str(n): f.title for n, f in content.faqs.items()},
        "readings": dict(content.readings),  # editors' furigana fixes (web/furigana.py)
        # editors' data shown on the FAQ page and the dashboard (helpcenter.editorial.stored)
        "reviewed": {str(n): epoch(f.reviewed) for n, f in content.faqs.items() if f.reviewed},
        "drafts": [n for n, f in content.faqs.items() if f.draft],  # only `preview` publishes drafts
        "history": {str(n): [{"at": epoch(c.at), "note": c.note, "commit": c.commit, "first": c.first,
                              "diff": [list(d) for d in c.diff]} for c in changes]
                    for n, changes in content.history.items()},
    }


def _wizard_json(w: Wizard) -> dict[str, Any]:
    return {"id": w.id, "title": w.title, "description": w.description, "start": w.start,
            "keywords": list(w.keywords),
            "nodes": {nid: asdict(n) for nid, n in w.nodes.items()}}


def site_from_json(d: dict[str, Any]) -> Site:
    return Site(name=d["name"], service=d.get("service", ""),
                contacts=tuple(Contact(**c) for c in d.get("contacts", [])),
                flows={k: Flow(**v) for k, v in d.get("flows", {}).items()})


def categories_from_json(items: list[dict[str, Any]]) -> dict[str, Category]:
    return {c["slug"]: Category(c["slug"], c["title"], c.get("description", ""), c.get("parent"),
                                tuple(c.get("children", ())), c.get("order", 0)) for c in items}


def wizard_from_json(d: dict[str, Any]) -> Wizard:
    nodes = {}
    for nid, n in d["nodes"].items():
        o = n.get("outcome")
        nodes[nid] = Node(nid, question=n.get("question"), help=n.get("help", ""),
                          options=tuple(Option(x["label"], x["next"]) for x in n.get("options", ())),
                          outcome=Outcome(o["heading"], o["body"], tuple(o.get("faqs", ())),
                                          tuple(o.get("flows", ())), o.get("contact", False)) if o else None)
    return Wizard(d["id"], d["title"], d["description"], d["start"], nodes,
                  keywords=tuple(d.get("keywords", ())))

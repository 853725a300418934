"""Scheduled publishing and expiry: which entries are visible at a moment, and
what `check` warns about. Pure functions over the content model.

An entry is visible from its `published` minute until (not including) its
optional `expires` minute. `helpcenter check` warns (without failing) about
related lists, links in answers and wizard outcomes of a visible entry or
wizard that point at an entry not visible yet or no longer: members would
follow them to a 404 or a 410.
"""
from __future__ import annotations

import re
from datetime import datetime

from .model import Content, Faq, Problem

_FAQ_LINK = re.compile(r"(?<![\w/])/faq/(\d{1,9})\b")


def visible(faq: Faq, now: datetime) -> bool:
    return faq.published <= now and (faq.expires is None or now < faq.expires)


def _why(faq: Faq, now: datetime) -> str:
    if faq.published > now:
        return f"is not published until {faq.published:%Y-%m-%d %H:%M}"
    return f"expired at {faq.expires:%Y-%m-%d %H:%M}"


def warnings(content: Content, now: datetime) -> list[Problem]:
    """Links from what members see now to entries they cannot see now."""
    out: list[Problem] = []

    def hidden(n: int) -> Faq | None:
        target = content.faqs.get(n)
        return target if target is not None and not visible(target, now) else None

    for faq in content.faqs.values():
        if not visible(faq, now):
            continue
        for n in faq.related:
            if (target := hidden(n)) is not None:
                out.append(Problem(faq.source, "related", f"FAQ {n} {_why(target, now)}"))
        for m in _FAQ_LINK.finditer(faq.body):
            if (target := hidden(int(m.group(1)))) is not None:
                out.append(Problem(faq.source, "body", f"links to FAQ {m.group(1)}, which {_why(target, now)}"))
    for wizard in content.wizards.values():
        for node in wizard.nodes.values():
            for n in (node.outcome.faqs if node.outcome else ()):
                if (target := hidden(n)) is not None:
                    out.append(Problem(f"wizards/{wizard.id}", f"nodes.{node.id}.outcome.faqs",
                                       f"FAQ {n} {_why(target, now)}"))
    return out

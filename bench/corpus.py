"""Synthetic FAQ collections for benchmarks, made from the real content.

`synthetic_content(content, n, seed)` returns a Content with n entries whose
titles, aliases and answers are sentences of the real entries recombined at
random (fixed seed, so every run indexes the same text). The site, categories,
synonyms and wizards are the real ones, so the same indexer and search code
run unchanged. The text is far more repetitive than real FAQs, so queries
match many more entries than they would in a real collection of that size:
a pessimistic load for search time.
"""
from __future__ import annotations

import random
import re
from dataclasses import replace

from helpcenter.content.model import Content, Faq

_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def _sentences(content: Content) -> list[str]:
    out = []
    for faq in content.faqs.values():
        for line in faq.body.splitlines():
            line = re.sub(r"\]\([^)]*\)", "]", line).replace("[", "").replace("]", "")
            out.extend(s.strip() for s in _SENTENCE.findall(line) if len(s.strip()) > 8)
    return out


def synthetic_content(content: Content, n: int, seed: int = 20261127) -> Content:
    rnd = random.Random(seed)
    sentences = _sentences(content)
    originals = list(content.faqs.values())
    titles = [f.title for f in originals]
    aliases = [a for f in originals for a in f.aliases]
    faqs: dict[int, Faq] = {}
    for i in range(n):
        base = originals[i % len(originals)]
        number = 100_000 + i
        title = rnd.choice(titles)
        if rnd.random() < 0.5:
            title = rnd.choice(aliases) + "（" + title + "）"
        body = "\n\n".join(" ".join(rnd.sample(sentences, rnd.randint(2, 4))) for _ in range(rnd.randint(2, 5)))
        faqs[number] = replace(base, number=number, title=title, body=body,
                               aliases=tuple(rnd.sample(aliases, rnd.randint(0, 3))), related=(),
                               categories=rnd.choice(originals).categories, source=f"synthetic/{number}.md")
    return replace(content, faqs=faqs)

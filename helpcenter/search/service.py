"""Search as the rest of the application sees it: `search()`, `suggest()` and
`wizard_matches()` over one index generation. No Flask here; the pages, the
JSON API, the chatbot and the CLI all call these functions.

A query is cleaned and parsed once (`Engine.parse`), ranked by the
generation's engine (at most MAX_RESULTS, entries below `min_relative` of
the best left out), and comes back as a `SearchResult` carrying the parsed
query, its coverage units and the wizards it matches, so that no caller
parses it again. Results are cached per generation (`Engine.results`, sized
by the IndexStore from HELPCENTER_SEARCH_CACHE_SIZE), keyed by the
normalised query, category, page and ranking.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from ..content.model import Wizard
from ..pagination import Pagination, PageOutOfRange
from . import coverage as C
from .documents import FaqDoc
from .highlight import excerpt, ordered_terms
from .query import Parsed, clean, highlight_terms, normalized_query
from .ranking import DEFAULT, Ranking
from .suggest import suggest  # noqa: F401 (part of this API)

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 120


class UnknownCategory(ValueError):
    """The category filter names no category of this generation."""


@dataclass(frozen=True)
class Hit:
    number: int
    title: str
    url: str
    score: float
    excerpt: str       # plain text around the matched words
    excerpt_html: str  # the same, escaped, with <mark> around matched words
    doc: FaqDoc

    @property
    def categories(self) -> tuple[str, ...]:
        return self.doc.categories

    @property
    def updated(self) -> int:
        return self.doc.updated

    @property
    def published(self) -> int:
        return self.doc.published


@dataclass(frozen=True)
class SearchResult:
    query: str         # as typed, cleaned (no control characters, at most 200 characters)
    normalized: str    # the form it was searched and cached by
    total: int
    page: int
    pages: int
    per_page: int
    hits: tuple[Hit, ...]
    suggestion: str | None  # 「もしかして」: a corrected query, when this one found little
    parsed: Parsed
    units: tuple[C.QueryUnit, ...]  # the query's coverage units (chatbot, wizard matching)
    wizards: tuple[Wizard, ...]     # wizards that cover the query


def search(gen, query: str, *, page: int = 1, per_page: int = 10, category: str | None = None,
           ranking: Ranking = DEFAULT) -> SearchResult:
    """One page of results for a member's query (any string is safe).

    Raises PageOutOfRange for a page past the last (page 1 always exists) and
    UnknownCategory for a category slug the generation does not have.
    """
    if category and category not in gen.categories:
        raise UnknownCategory(category)
    if page < 1 or per_page < 1:
        raise PageOutOfRange(page)
    engine = gen.engine
    text = clean(query)
    norm = normalized_query(text)
    now = gen.now()
    key = (norm, category or "", page, per_page, ranking.identity() if ranking is not DEFAULT else None,
           engine.visibility_key(now))
    cached = engine.results.get(key)
    if cached is not None:
        return cached if cached.query == text else replace(cached, query=text)
    parsed = engine.parse(text)
    units = tuple(engine.coverage_units(parsed))
    ranked = engine.rank(parsed, category, ranking, now=now, units=units)
    pager = Pagination(len(ranked), page, per_page)  # raises PageOutOfRange
    terms = ordered_terms(highlight_terms(parsed, engine.group_lookup(ranking)))
    hits = []
    for number, score in ranked[pager.offset:pager.offset + per_page]:
        doc = gen.faq(number, hidden=True)  # visible at `now` (ranked so)
        if doc is not None:
            ex = excerpt(doc.plain, terms, EXCERPT_CHARS)
            hits.append(Hit(doc.number, doc.title, doc.url, round(score, 4), ex.text, ex.html, doc))
    result = SearchResult(text, norm, len(ranked), page, pager.pages, per_page, tuple(hits),
                          suggestion(gen, parsed), parsed, units, tuple(_wizards(gen, units)))
    engine.results.put(key, result)
    return result


def suggestion(gen, parsed: Parsed) -> str | None:
    """「もしかして」: the query with misconverted Japanese words respelled
    (spelling) and Latin words the index does not know replaced by their
    closest index word. Results already include the corrections, so the link
    mostly tells the member how it is spelt."""
    if parsed.empty:
        return None
    typed = parsed.normalized
    if parsed.respelled:
        parsed = replace(parsed, text=parsed.respelled)
    fixed = gen.engine.latin.did_you_mean(parsed) or parsed.respelled
    if fixed and normalized_query(fixed) != typed:
        return fixed
    return None


# --- wizards ------------------------------------------------------------------

WIZARD_LIMIT = 2
WIZARD_THRESHOLD = 0.5


def _wizards(gen, units: tuple[C.QueryUnit, ...], limit: int = WIZARD_LIMIT,
             threshold: float = WIZARD_THRESHOLD) -> list[Wizard]:
    """Wizards whose title, description and keywords name the query's units
    (search.coverage.named_share) for at least `threshold` of their weight."""
    if not units or not gen.wizards:
        return []
    terms = gen.engine.wizard_terms
    scored = []
    for wizard in gen.wizards.values():
        cov = C.named_share(units, terms[wizard.id])
        if cov >= threshold:
            scored.append((cov, wizard))
    scored.sort(key=lambda t: -t[0])
    return [w for _, w in scored[:limit]]


def wizard_matches(gen, query: str, limit: int = WIZARD_LIMIT, threshold: float = WIZARD_THRESHOLD) -> list[Wizard]:
    """Wizards matching a query (for callers that have no SearchResult)."""
    engine = gen.engine
    return _wizards(gen, tuple(engine.coverage_units(engine.parse(clean(query)))), limit, threshold)


def prepare(gen) -> None:
    """Build the per-generation tables the first searches and keystrokes would
    otherwise wait for. The web app runs this in a background thread when it
    opens a new generation."""
    try:
        gen.engine.prepare()
    except Exception:  # a generation retired and closed meanwhile: its data is moot
        logger.debug("preparing %s failed", getattr(gen, "name", gen), exc_info=True)

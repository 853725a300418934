"""From a message to `Evidence`: the search service's hits and wizard matches
for it, with query coverage and answer summaries. No Flask; the web view, the
CLI evaluation and the tests all use `IndexKnowledge(gen)`.

Per-generation data (each entry's term sets, summaries) is computed on first
use and dropped with the generation.
"""
from __future__ import annotations

import threading

from ..content.model import Wizard
from ..search import coverage as C
from ..search import fields as F
from ..search import service
from ..search.store import PerGeneration
from ..wizard import paths
from .model import Candidate, ContactInfo, Evidence, WizardRef
from .text import summarize

CANDIDATES = 10  # search results the chat considers (and re-ranks)


def wizard_url(wizard_id: str, path: tuple[int, ...] = ()) -> str:
    """The wizard page's URL for the answers so far (helpcenter.wizard.paths' scheme)."""
    return f"/wizard/{wizard_id}" + (f"/{paths.encode(path)}" if path else "")


class _GenCache:
    def __init__(self):
        self.docs: dict[int, tuple[C.DocTerms, C.DocTerms, str]] = {}
        self.wizards: dict[str, C.DocTerms] = {}
        self.lock = threading.Lock()


_cache = PerGeneration(lambda gen: _GenCache())


class IndexKnowledge:
    """What the dialogue policy may ask about one index generation."""

    def __init__(self, gen):
        self.gen = gen
        self._cache = _cache(gen)

    # --- entries --------------------------------------------------------------
    def _doc_data(self, doc: dict) -> tuple[C.DocTerms, C.DocTerms, str]:
        number = int(doc[F.NUMBER])
        data = self._cache.docs.get(number)
        if data is None:
            title, aliases, plain = doc[F.TITLE], doc.get(F.ALIASES) or "", doc.get(F.PLAIN) or ""
            data = (C.doc_terms(title, aliases, plain), C.doc_terms(title, aliases, ""), summarize(plain))
            self._cache.docs[number] = data
        return data

    def faq(self, number: int) -> Candidate | None:
        doc = self.gen.faq(number)
        if doc is None:
            return None
        _, _, summary = self._doc_data(doc)
        return Candidate(number=int(doc[F.NUMBER]), title=doc[F.TITLE], url=f"/faq/{int(doc[F.NUMBER])}",
                         score=0.0, summary=summary)

    # --- wizards --------------------------------------------------------------
    def wizard(self, wizard_id: str) -> Wizard | None:
        return self.gen.wizards.get(wizard_id)

    def wizards(self) -> dict[str, Wizard]:
        return self.gen.wizards

    def _wizard_terms(self, w: Wizard) -> C.DocTerms:
        terms = self._cache.wizards.get(w.id)
        if terms is None:
            terms = C.doc_terms(w.title, "\n".join(w.keywords), w.description)
            self._cache.wizards[w.id] = terms
        return terms

    # --- site -----------------------------------------------------------------
    def contacts(self) -> tuple[ContactInfo, ...]:
        site = self.gen.site
        out = []
        for c in site.contacts:
            flow = site.flows.get(c.flow) if c.flow else None
            out.append(ContactInfo(title=c.title, phone=c.phone, hours=c.hours, where=c.where,
                                   url=flow.url if flow else "", note=c.note))
        return tuple(out)

    # --- search ---------------------------------------------------------------
    def units(self, query: str) -> list[C.QueryUnit]:
        """The query's units with their weights (see search.coverage)."""
        return service.coverage_units(self.gen, service.parse_query(self.gen, query))

    def search(self, query: str) -> Evidence:
        units = self.units(query)
        if not units:
            return Evidence(query=query)
        result = service.search(self.gen, query, per_page=CANDIDATES)
        cands = []
        for hit in result.hits:
            full, title_only, summary = self._doc_data(hit.doc)
            cands.append(Candidate(number=hit.number, title=hit.title, url=hit.url, score=hit.score,
                                   coverage=round(C.coverage(units, full), 4),
                                   title_coverage=round(C.coverage(units, title_only), 4),
                                   summary=summary, topic_evidence=round(C.topic_evidence(units, full), 4)))
        wizards = []
        for w in service.wizard_matches(self.gen, query):
            wizards.append((C.coverage(units, self._wizard_terms(w)), w))
        spans_topical = sum(1 for u in units if u.weight >= C.MIN_WEIGHT)
        return Evidence(query=query, candidates=tuple(cands),
                        wizards=tuple(WizardRef(w.id, w.title, wizard_url(w.id)) for cov, w in wizards
                                      if cov >= WIZARD_COVERAGE),
                        topical=spans_topical, units=len(units),
                        max_idf=C.idf(0, max(1, self.gen.searcher().doc_count_all())))


# A wizard matched by the search service is offered only when its title,
# description and keywords also cover this much of the message: the service's
# matcher is generous (made for a search page that lists wizards beside results).
WIZARD_COVERAGE = 0.5

"""From a message to `Evidence`: the search service's hits and wizard matches
for it, with query coverage and answer summaries. No Flask; the web view, the
CLI evaluation and the tests all use `IndexKnowledge(gen)`.

Each entry's term sets are the generation's engine's (`Engine.doc_terms`):
computed on first use and dropped with the generation.
"""
from __future__ import annotations

from ..content.model import Wizard
from ..search import coverage as C
from ..search import service
from ..search.ranking import DEFAULT, Ranking
from ..wizard import paths
from .model import Candidate, ContactInfo, Evidence, WizardRef
from .text import summarize

CANDIDATES = 10  # search results the chat considers (and re-ranks)


def wizard_url(wizard_id: str, path: tuple[int, ...] = ()) -> str:
    """The wizard page's URL for the answers so far (helpcenter.wizard.paths' scheme)."""
    return f"/wizard/{wizard_id}" + (f"/{paths.encode(path)}" if path else "")


class IndexKnowledge:
    """What the dialogue policy may ask about one index generation."""

    def __init__(self, gen, ranking: Ranking = DEFAULT):
        self.gen = gen
        self.engine = gen.engine
        self.ranking = ranking  # the search's (another one only to measure the chat with it: chat-eval --ranking)

    # --- entries --------------------------------------------------------------
    def faq(self, number: int) -> Candidate | None:
        doc = self.gen.faq(number)
        if doc is None:
            return None
        return Candidate(number=doc.number, title=doc.title, url=doc.url, score=0.0, summary=summarize(doc.plain))

    # --- wizards --------------------------------------------------------------
    def wizard(self, wizard_id: str) -> Wizard | None:
        return self.gen.wizards.get(wizard_id)

    def wizards(self) -> dict[str, Wizard]:
        return self.gen.wizards

    def _wizard_terms(self, w: Wizard) -> C.DocTerms:
        return self.engine.wizard_terms[w.id]

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
    def search(self, query: str) -> Evidence:
        result = service.search(self.gen, query, per_page=CANDIDATES, ranking=self.ranking)
        units = result.units
        if not units:
            return Evidence(query=query)
        topic_units = [u for u in units if u.weight >= C.MIN_WEIGHT]
        cands = []
        for hit in result.hits:
            full, title_only = self.engine.doc_terms(hit.doc)
            cands.append(Candidate(number=hit.number, title=hit.title, url=hit.url, score=hit.score,
                                   coverage=round(C.coverage(units, full), 4),
                                   title_coverage=round(C.coverage(units, title_only), 4),
                                   summary=summarize(hit.doc.plain),
                                   topic_evidence=round(C.topic_evidence(units, full), 4),
                                   names_topic=not topic_units or any(C.unit_named(u, title_only)
                                                                      for u in topic_units)))
        wizards = [(C.coverage(units, self._wizard_terms(w)), w) for w in result.wizards]
        max_idf = self.engine.idf(0)
        topic_weight = sum(u.weight for u in topic_units)
        # A unit the index has never seen weighs the idf of df 0 (coverage.unit_weight).
        unknown = sum(u.weight for u in topic_units if u.weight >= max_idf - 1e-9)
        return Evidence(query=query, candidates=tuple(cands),
                        wizards=tuple(WizardRef(w.id, w.title, wizard_url(w.id)) for cov, w in wizards
                                      if cov >= WIZARD_COVERAGE),
                        topical=len(topic_units), units=len(units), max_idf=max_idf,
                        topic_weight=topic_weight,
                        unknown_share=round(unknown / topic_weight, 4) if topic_weight > 0 else 0.0)


# A wizard matched by the search service is offered only when its title,
# description and keywords also cover this much of the message: the service's
# matcher is generous (made for a search page that lists wizards beside results).
WIZARD_COVERAGE = 0.5

"""The FAQ chatbot: a retrieval-based dialogue over the search index and the
troubleshooting wizards. Pure core, no Flask:

* `retrieval.IndexKnowledge(gen)`: a message → `Evidence` (search hits with
  query coverage and summaries, matching wizards), entries, wizards, contacts
* `policy.respond(message, state, knowledge)` → `Reply` (answer, clarify,
  wizard, fallback or smalltalk) with the next `State`
* `state`: the state and the /chat transcript as signed tokens
* `evaluation`: the figures `helpcenter chat-eval` prints

The web layer (helpcenter.web.chat) validates input, signs state, limits the
rate and records analytics.
"""
from .model import Candidate, Evidence, Option, Reply, State, WizardRef
from .policy import respond

__all__ = ["Candidate", "Evidence", "Option", "Reply", "State", "WizardRef", "respond"]

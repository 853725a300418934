"""Troubleshooting wizards: the decision-tree engine, the URL encoding of a
walk through a tree, which wizards cover an FAQ, and the editors' diagram.

Plain functions and dataclasses over `helpcenter.content.model.Wizard`; no
Flask here, so the web views, the search engineer's wizard matching and the
chatbot can all import it.
"""
from .engine import Answer, InvalidPath, Step, outcome_paths, walk, wizards_covering
from .paths import BadPath, decode, encode

__all__ = ["Answer", "BadPath", "InvalidPath", "Step", "decode", "encode", "outcome_paths", "walk",
           "wizards_covering"]

"""Editors as people: their accounts (`editors`) and what they did (`audit`). No Flask."""

"""The web layer: thin Flask views over the pure core, one blueprint per feature."""
from __future__ import annotations

import importlib

# browse, search, wizard, chat, feedback, admin, api: each module defines `bp`.
FEATURES = ("browse", "search", "wizard", "chat", "feedback", "admin", "api")


def BLUEPRINTS():
    for name in FEATURES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue  # feature not built yet
        yield module.bp

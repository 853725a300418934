"""The web layer: thin Flask views over the pure core, one blueprint per feature."""
from __future__ import annotations

import importlib

# Each module defines `bp`; create_app registers them in this order.
FEATURES = ("browse", "search", "wizard", "chat", "contact", "feedback", "admin", "api", "discovery")


def blueprints():
    for name in FEATURES:
        yield importlib.import_module(f"{__name__}.{name}").bp

"""Helpers for the browser tests (imported by name; see tests/support.py)."""


def set_text_size(context, base_url: str, size: str) -> None:
    """Set the S/M/L cookie as the switch would."""
    context.add_cookies([{"name": "hc_size", "value": size, "url": base_url}])

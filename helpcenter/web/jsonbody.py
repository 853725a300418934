"""Reading a JSON request body without ever failing on what a client sends.

`read_object(request)` gives the body as a dict or raises `BadJSON` with an
English message for the API's 400. The body is already bounded in size by
MAX_CONTENT_LENGTH (413); nesting is bounded here before parsing, because the
json module recurses once per level and `[`×1000 was a RecursionError (500).
"""
from __future__ import annotations

import json
import re

MAX_DEPTH = 32
# strings first (brackets inside them do not nest), then any bracket
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.S)


class BadJSON(ValueError):
    """The body is not a JSON object we can read; the text says why."""


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text` (valid JSON or not)."""
    deepest = level = 0
    for m in _TOKENS.finditer(text):
        ch = m.group()
        if ch in "[{":
            level += 1
            deepest = max(deepest, level)
        elif ch in "]}":
            level = max(0, level - 1)
    return deepest


def parse_object(raw: bytes) -> dict:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJSON("the body is not UTF-8") from None
    if depth(text) > MAX_DEPTH:
        raise BadJSON(f"the body is nested more than {MAX_DEPTH} levels deep")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError cannot happen below MAX_DEPTH; belt and braces
        raise BadJSON("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadJSON("the body must be a JSON object")
    return body


def read_object(request) -> dict:
    """The request's JSON object; BadJSON for any other content type or body."""
    if request.mimetype != "application/json":
        raise BadJSON("Content-Type must be application/json")
    return parse_object(request.get_data(cache=False))

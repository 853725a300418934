"""The conversation state and the /chat transcript as signed, opaque tokens.

Nothing is kept on the server: the client sends the token back with its next
message. Tokens are signed (itsdangerous URLSafeSerializer with the app's
secret key, a salt per kind, zlib-compressed when that is shorter) and carry
a version; a token that was tampered with, is from another version or does
not have the expected shape reads as a fresh conversation, never an error.
"""
from __future__ import annotations

from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from ..wizard import BadPath, decode, encode
from .model import State

VERSION = 1
STATE_SALT = "helpcenter.chat.state"
LOG_SALT = "helpcenter.chat.log"
MAX_TOKEN = 16_000  # characters; longer tokens are not even verified
MAX_TURNS = 10      # /chat keeps the last MAX_TURNS exchanges
_MAX_LIST = 12


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


def dump_state(state: State, secret: str) -> str:
    data: dict[str, Any] = {"v": VERSION}
    if state.topic:
        data["t"] = state.topic
    if state.candidates:
        data["c"] = list(state.candidates)
    if state.options:
        data["o"] = list(state.options)
    if state.wizard:
        data["w"] = [state.wizard[0], encode(state.wizard[1])]
    if state.asked:
        data["a"] = list(state.asked)
    return _serializer(secret, STATE_SALT).dumps(data)


def _ints(value) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > _MAX_LIST:
        raise ValueError("not a list of numbers")
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 10**9 for n in value):
        raise ValueError("not a list of numbers")
    return tuple(value)


def _strs(value, size: int) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > _MAX_LIST:
        raise ValueError("not a list of strings")
    if not all(isinstance(s, str) and len(s) <= size for s in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def load_state(token: Any, secret: str) -> State:
    """The state in a token; a fresh State for anything else."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return State()
    try:
        data = _serializer(secret, STATE_SALT).loads(token)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return State()
        topic = data.get("t", "")
        if not isinstance(topic, str) or len(topic) > 500:
            raise ValueError("topic")
        wizard = None
        if "w" in data:
            w = data["w"]
            if not (isinstance(w, list) and len(w) == 2 and isinstance(w[0], str) and isinstance(w[1], str)
                    and len(w[0]) <= 200):
                raise ValueError("wizard")
            wizard = (w[0], decode(w[1]))
        return State(topic=topic, candidates=_ints(data.get("c", [])), options=_strs(data.get("o", []), 120),
                     wizard=wizard, asked=_ints(data.get("a", [])))
    except (BadData, ValueError, BadPath, TypeError):
        return State()


# --- the /chat page's transcript ----------------------------------------------

def dump_log(turns: list[dict], secret: str) -> str:
    return _serializer(secret, LOG_SALT).dumps({"v": VERSION, "turns": turns[-MAX_TURNS:]})


def load_log(token: Any, secret: str) -> list[dict]:
    """Turns as {"user": str, "reply": {type, text, faqs: [[n, title, url]], wizard: [id, title, url] | None}}."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN * 4:
        return []
    try:
        data = _serializer(secret, LOG_SALT).loads(token)
    except BadData:
        return []
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("turns"), list):
        return []
    out = []
    for t in data["turns"][-MAX_TURNS:]:
        if isinstance(t, dict) and isinstance(t.get("user"), str) and isinstance(t.get("reply"), dict):
            out.append(t)
    return out

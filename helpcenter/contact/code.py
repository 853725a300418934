"""受付番号: short reference codes such as K7Q-4MD2 that staff can take over the phone.

A code is five random symbols and two check symbols, written 3-4 with a hyphen.
The check symbols are an HMAC of the random part under the app's secret key,
so a code somebody invents (or mishears) is refused before the database is
asked: a caller cannot read another member's trail by guessing, and a misheard
symbol is caught (1 in 729 slips through, and then it also has to exist).

The alphabet has no symbols that are easily confused when read or heard:
no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V pairs (V stays, U goes), in 27 symbols.
Reading is lenient: full-width characters, lower case, spaces and any kind of
hyphen or long-vowel mark are accepted.

Pure: no Flask, no database. The random source is a parameter for tests.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from typing import Callable

ALPHABET = "23456789ACDEFGHJKMNPQRTVWXY"
BODY = 5    # random symbols: 27**5 ≈ 14.3 million codes
CHECK = 2   # HMAC symbols: 27**2 = 729
LENGTH = BODY + CHECK
_SALT = b"helpcenter.contact-code.v1:"
_DASHES = "-‐‑‒–—―−ーｰ－ "
_MAX_INPUT = 40  # longer text is not a code; refused before normalising


def _key(secret: str | bytes) -> bytes:
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")


def _check(body: str, secret: str | bytes) -> str:
    digest = hmac.new(_key(secret), _SALT + body.encode("ascii"), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big") % (len(ALPHABET) ** CHECK)
    out = []
    for _ in range(CHECK):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(out)


def display(compact: str) -> str:
    """"K7Q4MD2" → "K7Q-4MD2" (as shown to members and staff)."""
    return compact[:3] + "-" + compact[3:]


def new(secret: str | bytes, randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh code in its display form (K7Q-4MD2)."""
    body = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(BODY))
    return display(body + _check(body, secret))


def normalize(text: object) -> str | None:
    """What someone typed → the compact code ("k7q 4md2" → "K7Q4MD2"), or None when it
    cannot be a code (wrong length or a symbol outside the alphabet). Says nothing
    about whether the check symbols are right: see `verify`."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    folded = unicodedata.normalize("NFKC", text).upper()
    compact = "".join(ch for ch in folded if ch not in _DASHES and not ch.isspace())
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def verify(text: object, secret: str | bytes) -> str | None:
    """The code in display form when `text` is a code this secret signed, else None."""
    compact = normalize(text)
    if compact is None:
        return None
    body, check = compact[:BODY], compact[BODY:]
    if not hmac.compare_digest(check, _check(body, secret)):
        return None
    return display(compact)

"""Editors' accounts in the database: a name and a password hash.

Hashes are werkzeug's scrypt (`generate_password_hash(method="scrypt")`), a
memory-hard function from a library Flask already depends on. A login with an
unknown name still computes one hash, so the time taken does not tell whether
the name exists.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import editor
from . import sessions

MIN_PASSWORD = 10
MAX_PASSWORD = 200
_NAME = re.compile(r"^[^\s/\\:;,'\"<>&()]{1,64}$")
# checked against when the name is unknown (same cost as a real check)
_DUMMY = ("scrypt:32768:8:1$Lk2dCzJrB1TlkceW$320fbae58a216d1a14ba857b929cc9faadd77754b05281b2dbaa075adfd4532e"
          "3dc486af0ddedec51c8670231aece842e3231a4909a625cbb523ba108d26d051")
# who a login with HELPCENTER_ADMIN_PASSWORD is; no account can have this name (parentheses)
BOOTSTRAP = "(共有パスワード)"


class AccountError(ValueError):
    """A name or password that cannot be used; the message is for the editor."""


def normalize_name(name: str) -> str:
    """NFKC and case-folded for Latin letters, so 'Sato' and 'ｓａｔｏ' are one editor."""
    return unicodedata.normalize("NFKC", name or "").strip().lower()


def check_name(name: str) -> str:
    normalized = normalize_name(name)
    if not _NAME.match(normalized) or any(unicodedata.category(c).startswith("C") for c in normalized):
        raise AccountError("名前は1〜64文字で、空白や記号（/ \\ : ; , ' \" < > & ( )）を含めないでください。")
    return normalized


def check_password(password: str) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"パスワードは{MIN_PASSWORD}〜{MAX_PASSWORD}文字にしてください。")
    return password


def add(engine: Engine, name: str, password: str, now: datetime | None = None) -> str:
    """Create an account; AccountError when the name is taken or either value is unusable."""
    name, password = check_name(name), check_password(password)
    row = {"name": name, "password_hash": generate_password_hash(password, method="scrypt"),
           "created_at": now or datetime.now(timezone.utc)}
    try:
        with engine.begin() as conn:
            conn.execute(editor.insert().values(**row))
    except IntegrityError:
        raise AccountError(f"編集者 {name} はすでに登録されています。") from None
    return name


def set_password(engine: Engine, name: str, password: str) -> bool:
    """Change the password; every session of the editor ends (a stolen cookie with it)."""
    password = check_password(password)
    with engine.begin() as conn:
        changed = conn.execute(editor.update().where(editor.c.name == normalize_name(name))
                               .values(password_hash=generate_password_hash(password, method="scrypt"))).rowcount
        sessions.revoke_editor(conn, normalize_name(name))
        return changed > 0


def remove(engine: Engine, name: str) -> bool:
    with engine.begin() as conn:
        sessions.revoke_editor(conn, normalize_name(name))
        return conn.execute(delete(editor).where(editor.c.name == normalize_name(name))).rowcount > 0


def names(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(editor.c.name).order_by(editor.c.name)).scalars())


def any_exist(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(editor)).scalar_one() > 0


def exists(engine: Engine, name: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(editor.c.id).where(editor.c.name == name)).first() is not None


def verify(engine: Engine, name: str, password: str) -> str | None:
    """The editor's name when the password is theirs, else None."""
    name = normalize_name(name)
    with engine.connect() as conn:
        stored = conn.execute(select(editor.c.password_hash).where(editor.c.name == name)).scalar_one_or_none()
    if stored is None or len(password) > MAX_PASSWORD:
        check_password_hash(_DUMMY, password[:MAX_PASSWORD])
        return None
    return name if check_password_hash(stored, password) else None

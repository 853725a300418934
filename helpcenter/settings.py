"""The one table of settings: name, default and help, read from HELPCENTER_* variables.

Everything configurable lives here so that `helpcenter --help`, the README and
`create_app` agree. A test passes its own mapping to `create_app(config)`, which
wins over the environment.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PREFIX = "HELPCENTER_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _base_url(value: str) -> str:
    from .discovery import normalise_base_url

    return normalise_base_url(value)


SETTINGS: tuple[Setting, ...] = (
    Setting("CONTENT_DIR", "./content", "Folder with site.yaml, categories.yaml, synonyms.yaml, faq/ and wizards/."),
    Setting("INSTANCE_DIR", "./instance", "Folder for the Whoosh indexes and the SQLite database."),
    Setting("DATABASE_URL", "", "SQLAlchemy URL; empty means sqlite:///<INSTANCE_DIR>/helpcenter.sqlite3. "
            "Use postgresql+psycopg://user:pw@host/db when several processes or machines share data."),
    Setting("SECRET_KEY", "", "Signs sessions, CSRF tokens and chat state. Empty: a random key kept in "
            "<INSTANCE_DIR>/secret_key (set it explicitly when several machines serve)."),
    Setting("ADMIN_PASSWORD", "", "Shared password of the editors' dashboard /admin/ (log in with an empty name); a "
            "bootstrap beside the accounts of `helpcenter editors add`. Empty, and no account: the dashboard is disabled."),
    Setting("BASE_URL", "", "Scheme and host members reach the help center at, e.g. https://help.example.jp: "
            "canonical links, Open Graph, the sitemap, the feed and OpenSearch use it. Empty: the host of "
            "each request.", _base_url),
    Setting("PAGE_SIZE", 10, "Entries per page on category and search pages.", int),
    Setting("POPULAR_DAYS", 30, "Window in days for 「閲覧の多いよくあるご質問」.", int),
    Setting("INDEX_CHECK_SECONDS", 1.0, "How often a worker checks whether a new index was published.", float),
    Setting("PAGE_CACHE_SECONDS", 15.0, "How long a worker serves a rendered home, category or FAQ page "
            "again without re-rendering it (0 disables the page cache).", float),
    Setting("VECTORS_DIR", "", "Folder of the word vectors `helpcenter vectors fetch` writes (search ranks with "
            "them beside BM25 when present). Empty: share/helpcenter/vectors in the Python environment."),
    Setting("SEARCH_CACHE_SIZE", 512, "Search results cached per worker and index generation (0 disables the cache).", int),
    Setting("CHAT_RATE_LIMIT", "30/60", "Chat messages allowed per client address (after PROXY_HOPS), "
            "counted in the database for all workers: COUNT/SECONDS.", str),
    Setting("CHAT_VISITOR_RATE_LIMIT", "20/60", "Chat messages allowed per visitor (cookie) as a second "
            "bound: COUNT/SECONDS.", str),
    Setting("LOGIN_RATE_LIMIT", "5/300", "Failed admin logins allowed per client address: COUNT/SECONDS.", str),
    Setting("LOGIN_GLOBAL_RATE_LIMIT", "50/300", "Failed admin logins allowed from all addresses together: "
            "COUNT/SECONDS (a guess spread over many addresses; while it is reached nobody can log in).", str),
    Setting("SESSION_HOURS", 8, "Lifetime of an editor's login session, in hours.", int),
    Setting("REVIEW_DAYS", 180, "An FAQ entry neither reviewed (front matter `reviewed`) nor updated for "
            "this many days is listed for review on the dashboard and counted by `helpcenter report`.", int),
    Setting("RETENTION_DAYS", 180, "Default age after which `helpcenter db purge` deletes events.", int),
    Setting("SECURE_COOKIES", False, "Mark cookies Secure (set when served over HTTPS).", _bool),
    Setting("FRAME_ANCESTORS", "", "Sites allowed to show the pages in a frame (the chat widget on "
            "another site), as origins separated by spaces: https://www.example.jp. Empty: no framing at all.",
            str),
    Setting("PROXY_HOPS", 0, "Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host "
            "headers are trusted (0: none, the default; 1 behind one nginx). Rate limits and visitor "
            "counts then see the member's address instead of the proxy's.", int),
)


class SettingsError(ValueError):
    """Some HELPCENTER_* variables cannot be used; the text names each and why."""


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults overridden by HELPCENTER_* variables, keyed by the short name.
    Raises SettingsError naming every bad value at once."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems = []
    for s in SETTINGS:
        raw = environ.get(PREFIX + s.name)
        try:
            values[s.name] = s.default if raw is None or raw == "" else s.parse(raw)
        except ValueError as exc:
            problems.append(f"{PREFIX}{s.name}: {exc}")
    if problems:
        raise SettingsError("\n".join(problems))
    return values


def resolve_paths(values: dict[str, Any]) -> dict[str, Any]:
    """Absolute content/instance paths and the derived database URL."""
    out = dict(values)
    out["CONTENT_DIR"] = str(Path(out["CONTENT_DIR"]).expanduser().resolve())
    out["INSTANCE_DIR"] = str(Path(out["INSTANCE_DIR"]).expanduser().resolve())
    if not out.get("DATABASE_URL"):
        out["DATABASE_URL"] = "sqlite:///" + str(Path(out["INSTANCE_DIR"]) / "helpcenter.sqlite3")
    return out


def secret_key(instance_dir: str) -> str:
    """A random key persisted in the instance dir, shared by all workers of one machine."""
    path = Path(instance_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        tmp = path.with_suffix(".tmp%d" % os.getpid())
        tmp.write_text(key)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # first writer wins; the others read its key
        except FileExistsError:
            pass
        tmp.unlink()
        return path.read_text().strip()


def help_table() -> str:
    import textwrap

    rows = []
    for s in SETTINGS:
        rows.append(f"  {PREFIX}{s.name} (default: {s.default!r})")
        rows.extend(textwrap.wrap(s.help, 88, initial_indent="      ", subsequent_indent="      "))
    # "\b" tells click not to rewrap the paragraph that follows.
    return "\b\nSettings (environment variables):\n" + "\n".join(rows)

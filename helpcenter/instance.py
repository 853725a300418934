"""The instance folder (index generations, SQLite database, secret key, locks):
whether this process can write it, and the one sentence that says so when not.

Commands that write (`serve`, `index`, `db upgrade`, `db purge`) check first and
exit 1 with that sentence instead of a PermissionError traceback; read-only
commands (`check`, `search`, `report`) do not need to write at all.
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class NotWritable(Exception):
    """The instance folder or a file in it cannot be written; str() is the sentence for the operator."""


PROBE = ".write-probe-"


def sentence(instance_dir: str, exc: OSError) -> str:
    reason = exc.strerror or os.strerror(exc.errno or errno.EACCES)
    where = f"the instance folder {instance_dir}"
    name = Path(exc.filename) if exc.filename else None
    if name is not None and name != Path(instance_dir) and not name.name.startswith(PROBE):
        where = f"{name} in {where}"
    return (f"Cannot write to {where} ({reason}): make it writable for this user or set "
            "HELPCENTER_INSTANCE_DIR to a writable folder.")


def check_writable(instance_dir: str, database_url: str = "", create: bool = True) -> None:
    """Raise NotWritable unless the folder can be created (or, with create=False,
    exists) and be written, and the SQLite database in it, when there is one,
    opened for writing."""
    try:
        if create:
            Path(instance_dir).mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=PROBE, dir=instance_dir)
        os.close(fd)
        os.unlink(probe)
        if database_url.startswith("sqlite:///"):
            db_file = Path(database_url[len("sqlite:///"):])
            if db_file.exists():
                with open(db_file, "r+b"):
                    pass
    except OSError as exc:
        raise NotWritable(sentence(instance_dir, exc)) from None


def is_writable(instance_dir: str, database_url: str = "") -> bool:
    """Whether a read-only command may use the instance as usual (never creates the folder)."""
    try:
        check_writable(instance_dir, database_url, create=False)
    except NotWritable:
        return False
    return True

"""Publishing: build a new index generation beside the live one, then switch.

Layout under `<instance>/index/`:

    gen-<time>-<pid>-<rand>/   a Whoosh index of stored documents, engine/ (search
                               arrays, see search.engine.arrays), snapshot.json, FINGERPRINT
    CURRENT -> gen-…           symlink, replaced atomically with os.replace()

A build writes only into its own new directory, taking the entries that did
not change from the live generation instead of analysing them again
(search.engine.reuse: the same files as a build from scratch); if anything fails the
directory is removed and CURRENT still points at the old generation, which
keeps serving. Readers notice the switch by the symlink's target (a Whoosh
generation number restarts at 1 in a new directory, so `refresh()` cannot).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
import time
from pathlib import Path

from whoosh import index as windex

from .. import manifest
from ..content.model import Content
from . import documents
from . import vectors
from .engine import build
from .vectors import WordVectors
from .fields import build_schema

log = logging.getLogger(__name__)

# Bump when the fields or the files of a generation change. A change to the
# code that renders and analyses entries is noticed without it (the content
# fingerprint and each entry's digest include that code's digest,
# engine.build.code_digest), but a bump says so in the history.
SCHEMA_VERSION = "16"
CURRENT = "CURRENT"
KEEP_OLD = 2  # generations kept after a switch, for readers that still hold them


def index_root(instance_dir: str | Path) -> Path:
    return Path(instance_dir) / "index"


def content_fingerprint(content_dir: str | Path) -> str:
    """Hash of every content file, the schema version, the analysis code and
    its libraries (build.analysis_versions: a deploy that changes them makes
    the index stale) and whether word vectors are installed (installing them
    does too)."""
    root = Path(content_dir)
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    h.update("\0".join(build.analysis_versions()).encode() + b"\0")
    if WordVectors.load(vectors.default_dir()) is not None:
        h.update(b"vectors\0")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def current_generation(instance_dir: str | Path) -> Path | None:
    link = index_root(instance_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = index_root(instance_dir) / target
    return path if path.is_dir() else None


def current_fingerprint(instance_dir: str | Path) -> str | None:
    gen = current_generation(instance_dir)
    try:
        return (gen / "FINGERPRINT").read_text().strip() if gen else None
    except OSError:
        return None


def build_generation(content: Content, target: Path, procs: int | None = None, use_vectors: bool = True,
                     previous: Path | None = None) -> build.Analysed:
    """Write a complete generation for `content` into the empty dir `target`:
    the Whoosh index of stored documents, the search engine's arrays and the
    snapshot. `procs`: analysis processes (None: by collection size).
    `previous`: a generation whose unchanged entries need not be analysed
    again (engine.reuse; ignored when damaged). Returns how many entries
    were analysed and how many reused."""
    arrays = build.ArrayBuilder()
    report = build.Analysed()
    salt = build.build_salt(SCHEMA_VERSION, content)
    with build.plan(content, previous, salt) as plan:
        ix, writer, kept = _whoosh_writer(target, plan)
        try:
            entries = build.analysed(content, plan, procs, salt, report, docs=not kept)
            with contextlib.closing(entries):
                for doc, terms, digest in entries:
                    if doc is not None:  # None: taken, and already in the kept segments
                        writer.add_document(**doc)
                    arrays.add(doc, terms, digest)
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit()
        ix.close()
        arrays.write(target, WordVectors.load(vectors.default_dir()) if use_vectors else None)
    (target / "snapshot.json").write_text(
        json.dumps(documents.snapshot(content), ensure_ascii=False), encoding="utf-8")
    return report


# A rebuild keeps the previous generation's Whoosh segments (copied) while
# their deleted documents stay below this share; past it, every document is
# written anew (Whoosh reclaims a deleted document only when it merges its
# segment, and a big segment is rarely merged).
MAX_DELETED_SHARE = 0.2
# The files of a generation that are ours; every other top-level file is Whoosh's.
_OWN_FILES = {"FINGERPRINT", "snapshot.json", manifest.NAME}


def _whoosh_writer(target: Path, plan: build.Plan):
    """(index, writer, kept) for the new generation in `target`. When the
    previous generation's entries are taken, its Whoosh files are copied and
    only the documents of entries changed or removed are deleted (`kept`):
    a taken entry's stored document is neither read back nor written again
    (at 10,000 entries, most of a rebuild's remaining time). Copied, not
    linked: generations share no file, so damage to one never reaches another."""
    reuse = plan.reuse
    stale = reuse.stale_documents(plan.taken_digests, MAX_DELETED_SHARE) if reuse is not None else None
    if stale is not None:
        copied = []
        try:
            for path in reuse.gen_dir.iterdir():
                if path.is_file() and path.name not in _OWN_FILES:
                    copied.append(target / path.name)
                    shutil.copy2(path, copied[-1])
            ix = windex.open_dir(str(target))
        except Exception as exc:  # noqa: BLE001 - write every document instead
            log.warning("not keeping the Whoosh segments of %s (%r)", reuse.gen_dir.name, exc)
            for path in copied:
                path.unlink(missing_ok=True)
        else:
            writer = ix.writer(limitmb=256)
            try:
                for docnum in stale:
                    writer.delete_document(docnum)
            except BaseException:
                writer.cancel()
                ix.close()
                raise
            return ix, writer, True
    ix = windex.create_in(str(target), build_schema())
    return ix, ix.writer(limitmb=256), False


def publish(content: Content, instance_dir: str | Path, fingerprint: str = "",
            procs: int | None = None) -> tuple[Path, build.Analysed]:
    """Build a new generation and make it current. Returns its directory and
    how many entries were analysed and how many taken from the previous one."""
    root = index_root(instance_dir)
    root.mkdir(parents=True, exist_ok=True)
    name = "gen-%s-%d-%s" % (time.strftime("%Y%m%dT%H%M%S"), os.getpid(), secrets.token_hex(3))
    building = root / (".building-" + name)
    building.mkdir()
    try:
        report = build_generation(content, building, procs=procs, previous=current_generation(instance_dir))
        (building / "FINGERPRINT").write_text(fingerprint or "")
        manifest.write(building)  # last: every file above, checked when the generation is opened
        final = root / name
        os.rename(building, final)
        tmp_link = root / f".{CURRENT}.{os.getpid()}.{secrets.token_hex(3)}"
        os.symlink(name, tmp_link)
        os.replace(tmp_link, root / CURRENT)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _remove_old(root, name)
    return final, report


def _remove_old(root: Path, current: str) -> None:
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir() and p.name != current),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in gens[KEEP_OLD:]:
        shutil.rmtree(old, ignore_errors=True)
    # Builds that crashed long ago leave .building-* behind.
    for stale in root.glob(".building-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)

"""The manifest of an index generation: every file in its directory with its
size and SHA-256, written at publish and checked when a generation is opened.

The directory is walked generically (whatever files the search engine writes),
so a generation whose segment, table of contents, snapshot or any other file
was deleted, emptied or changed is recognised before it is served, and rebuilt
from the content (helpcenter.publishing) instead of failing every page. No
imports from the search package: it owns the files, this module only lists them.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

NAME = "MANIFEST.json"
VERSION = 1
_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name != NAME)


def write(directory: str | Path) -> dict:
    """List every file of the generation in its MANIFEST.json (written atomically); returns the manifest."""
    directory = Path(directory)
    files = {p.relative_to(directory).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
             for p in _files(directory)}
    manifest = {"version": VERSION, "files": files}
    tmp = directory / f".{NAME}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(tmp, directory / NAME)
    return manifest


def verify(directory: str | Path) -> list[str]:
    """What is wrong with the generation (empty when every listed file is there, whole and unchanged).

    Files written after the manifest (none today) are not checked.
    """
    directory = Path(directory)
    try:
        manifest = json.loads((directory / NAME).read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("version") != VERSION or not isinstance(files, dict) or not files:
            raise ValueError("unknown manifest version or no files")
    except FileNotFoundError:
        return [f"{directory.name}: no {NAME}"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"{directory.name}: unreadable {NAME} ({exc})"]
    problems = []
    for rel, want in files.items():
        path = directory / rel
        try:
            size = path.stat().st_size
            if size != want["size"]:
                problems.append(f"{rel}: {size} bytes instead of {want['size']}")
            elif _sha256(path) != want["sha256"]:
                problems.append(f"{rel}: contents changed")
        except FileNotFoundError:
            problems.append(f"{rel}: missing")
        except (OSError, KeyError, TypeError) as exc:
            problems.append(f"{rel}: unreadable ({exc})")
    return problems

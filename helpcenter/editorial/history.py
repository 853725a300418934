"""Change history of the answers, from git, computed when an index is built.

`read_log(content_dir)` is the I/O edge: one `git log --raw` over `faq/` and
one `git cat-file --batch` for the file versions it names (two processes
however many entries and commits). `changes(...)` is pure: for each entry,
the commits where its *rendered* answer changed (a fix in the front matter,
or a Markdown edit that renders the same, is not a change for members), each
with the commit's subject as its note and a line diff of the rendered steps.
Without git, outside a checkout, or on any git error the history is empty and
nothing fails.
"""
from __future__ import annotations

import difflib
import html
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .. import render
from ..content.loader import split_front_matter
from ..content.model import Change, Content, Flow

MAX_CHANGES = 20        # per entry, newest kept
MAX_DIFF_LINES = 200    # per change
TIMEOUT = 60            # seconds for each git process
_ZERO = "0" * 40
_BLOCK_END = re.compile(r"</(p|li|h\d|tr|blockquote|pre|ul|ol|table)>|<br\s*/?>", re.I)


@dataclass(frozen=True)
class Commit:
    sha: str
    at: datetime
    subject: str
    files: tuple[tuple[str, str, str], ...]  # (path relative to the content dir, old blob, new blob)


def read_log(content_dir: str | Path) -> tuple[list[Commit], dict[str, bytes]]:
    """Commits touching faq/ (oldest first) and the blobs they name; ([], {}) without git."""
    try:
        log = _git(content_dir, ["log", "--raw", "--no-abbrev", "--no-renames", "--relative", "--no-merges",
                                 "--format=%x1e%H%x1f%ct%x1f%s", "--", "faq"])
        if log is None:
            return [], {}
        commits = parse_log(log.decode("utf-8", "replace"))
        wanted = sorted({b for c in commits for _, old, new in c.files for b in (old, new) if b != _ZERO})
        blobs = _cat_blobs(content_dir, wanted) if wanted else {}
    except (OSError, subprocess.SubprocessError, ValueError):
        return [], {}
    return commits, blobs


def _git(cwd: str | Path, args: list[str], stdin: bytes | None = None) -> bytes | None:
    done = subprocess.run(["git", "-C", str(cwd), *args], input=stdin, capture_output=True, timeout=TIMEOUT,
                          check=False)
    return done.stdout if done.returncode == 0 else None


def parse_log(text: str) -> list[Commit]:
    commits = []
    for record in text.split("\x1e")[1:]:
        head, _, rest = record.partition("\n")
        sha, ct, subject = (head.split("\x1f") + ["", ""])[:3]
        files = []
        for line in rest.splitlines():
            # :100644 100644 <old> <new> M\tfaq/3816.md
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) >= 5 and line.startswith(":") and path.startswith("faq/") and path.endswith(".md"):
                files.append((path, parts[2], parts[3]))
        if sha and ct.isdigit():
            commits.append(Commit(sha, datetime.fromtimestamp(int(ct), timezone.utc), subject.strip(), tuple(files)))
    return commits[::-1]


def _cat_blobs(cwd: str | Path, shas: list[str]) -> dict[str, bytes]:
    out = _git(cwd, ["cat-file", "--batch"], ("\n".join(shas) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while out is not None and pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3:
            size = int(header[2])
            blobs[header[0].decode()] = out[pos:pos + size]
            pos += size + 1  # the content, then a newline
    return blobs


def rendered_lines(markdown_text: str, flows: dict[str, Flow]) -> list[str]:
    """The answer as members read it, one line per paragraph, step or row."""
    fragment = _BLOCK_END.sub("\n", render.markdown_to_html(markdown_text, flows))
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _body(blob: bytes | None) -> str | None:
    if blob is None:
        return None
    parts = split_front_matter(blob.decode("utf-8", "replace"))
    return parts[1].strip("\n") if parts else None


def changes(content: Content, commits: list[Commit], blobs: dict[str, bytes]) -> dict[int, tuple[Change, ...]]:
    """Per entry number, newest first: the commits that changed its rendered answer."""
    by_path = {Path(*Path(f.source).parts[1:]).as_posix(): n for n, f in content.faqs.items() if f.source}
    flows = content.site.flows
    out: dict[int, list[Change]] = {}
    last: dict[int, list[str]] = {}
    for commit in commits:
        for path, _old, new in commit.files:
            number = by_path.get(path)
            if number is None:
                continue
            body = _body(blobs.get(new)) if new != _ZERO else None
            if body is None:  # deleted, or no front matter in that version
                last.pop(number, None)
                continue
            lines = rendered_lines(body, flows)
            before = last.get(number)
            if before == lines:
                continue
            last[number] = lines
            note, short = commit.subject[:200], commit.sha[:10]
            if before is None:
                change = Change(commit.at, note, short, first=True)
            else:
                change = Change(commit.at, note, short, diff=line_diff(before, lines))
            out.setdefault(number, []).append(change)
    return {n: tuple(reversed(cs[-MAX_CHANGES:])) for n, cs in out.items()}


def line_diff(before: list[str], after: list[str], context: int = 1) -> tuple[tuple[str, str], ...]:
    """Changed lines with `context` unchanged lines around them; "…" between distant hunks."""
    rows: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_grouped_opcodes(context):
        if rows:
            rows.append((" ", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [(" ", line) for line in before[i1:i2]]
            else:
                rows += [("-", line) for line in before[i1:i2]]
                rows += [("+", line) for line in after[j1:j2]]
    return tuple(rows[:MAX_DIFF_LINES])


def with_history(content: Content, content_dir: str | Path) -> Content:
    """`content` with its change history filled in from git (unchanged without git)."""
    from dataclasses import replace

    commits, blobs = read_log(content_dir)
    return replace(content, history=changes(content, commits, blobs)) if commits else content

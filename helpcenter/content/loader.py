"""Reading the content folder: parse, then normalise, then validate.

`load_content(dir)` returns `(content, problems)`. Every file is read even when
others fail, and every problem is reported with file, line where known, and
field, so an editor fixes everything in one pass. Nothing here raises on bad
content; a `Content` is returned only when there are no problems.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from .. import yamlio
from ..furigana import HIRAGANA, has_kanji, split_word
from .model import (JST, Category, Contact, Content, Faq, Flow, Node, Option, Outcome,
                    Problem, Site, Wizard)

FAQ_FIELDS_REQUIRED = ("number", "title", "categories", "published", "updated")
FAQ_FIELDS_OPTIONAL = ("aliases", "related", "reviewed", "draft", "expires")
FAQ_LINK = re.compile(r"\]\(\s*/faq/([^)\s]*)\s*\)")
FLOW_LINK = re.compile(r"\]\(\s*flow:([^)\s]*)\s*\)")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NODE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class _Report:
    """Collects problems for one file, resolving field paths to lines."""

    def __init__(self, problems: list[Problem], file: str, lines: dict | None = None, offset: int = 0):
        self.problems, self.file, self.lines = problems, file, lines or {}

    def __call__(self, path: tuple | str, message: str, line: int | None = None) -> None:
        if isinstance(path, str):
            path = (path,) if path else ()
        if line is None:
            for cut in range(len(path), -1, -1):
                line = self.lines.get(tuple(path[:cut]))
                if line:
                    break
        name = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        self.problems.append(Problem(self.file, name, message, line))


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> tuple[Any, _Report] | None:
    rel = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(rel, "", "file is missing"))
        return None
    except (UnicodeDecodeError, OSError) as exc:
        problems.append(Problem(rel, "", f"cannot read file: {exc}"))
        return None
    try:
        data, lines = yamlio.load(text)
    except yamlio.YamlError as exc:
        problems.append(Problem(rel, "", str(exc), exc.line))
        return None
    return data, _Report(problems, rel, lines)


def parse_datetime(value: Any) -> datetime | None:
    """`2021-04-23 16:00`, with optional seconds and offset; Japan time without one."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$", value.strip()):
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=JST) if dt.tzinfo is None else dt


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _str_list(value: Any, report: _Report, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(field, f"must be a list of texts, not {type(value).__name__}")
        return ()
    out = []
    for i, item in enumerate(value):
        text = _text(item)
        if text is None:
            report((field, i), f"must be a non-empty text: {item!r}")
        else:
            out.append(text)
    return tuple(out)


def _int_list(value: Any, report: _Report, field: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        report(field, f"must be a list of FAQ numbers, not {type(value).__name__}")
        return ()
    out = []
    for i, item in enumerate(value):
        n = _positive_int(item)
        if n is None:
            report((field, i), f"not a FAQ number: {item!r}")
        else:
            out.append(n)
    return tuple(out)


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value > 0 else None


# --- site.yaml ------------------------------------------------------------------

def _load_site(root: Path, problems: list[Problem]) -> Site | None:
    got = _read_yaml(root / "site.yaml", root, problems)
    if got is None:
        return None
    data, report = got
    if not isinstance(data, dict):
        report("", "must be a mapping with name, contacts and flows")
        return None
    for key in data:
        if key not in ("name", "service", "contacts", "flows"):
            report(str(key), "unknown field")
    name = _text(data.get("name"))
    if name is None:
        report("name", "missing or empty")
    flows: dict[str, Flow] = {}
    raw_flows = data.get("flows") or {}
    if not isinstance(raw_flows, dict):
        report("flows", "must be a mapping of flow names to {title, url}")
        raw_flows = {}
    for fname, f in raw_flows.items():
        path = ("flows", fname)
        if not isinstance(fname, str) or not SLUG.match(fname):
            report(path, f"flow name must be lowercase letters, digits and hyphens: {fname!r}")
            continue
        if not isinstance(f, dict):
            report(path, "must be a mapping with title and url")
            continue
        title, url = _text(f.get("title")), _text(f.get("url"))
        if title is None:
            report(path + ("title",), "missing or empty")
        if url is None or not re.match(r"^(https?://|/)", url):
            report(path + ("url",), f"must be an http(s) URL or a path: {f.get('url')!r}")
        for key in f:
            if key not in ("title", "url", "where"):
                report(path + (key,), "unknown field")
        if title and url:
            flows[fname] = Flow(fname, title, url, _text(f.get("where")) or "")
    contacts = []
    raw_contacts = data.get("contacts") or []
    if not isinstance(raw_contacts, list):
        report("contacts", "must be a list")
        raw_contacts = []
    for i, c in enumerate(raw_contacts):
        path = ("contacts", i)
        if not isinstance(c, dict) or _text(c.get("id")) is None or _text(c.get("title")) is None:
            report(path, "each contact needs an id and a title")
            continue
        for key in c:
            if key not in ("id", "title", "phone", "hours", "where", "flow", "note"):
                report(path + (key,), "unknown field")
        flow = _text(c.get("flow")) or ""
        if flow and flow not in flows:
            report(path + ("flow",), f"unknown flow: {flow!r}")
        contacts.append(Contact(**{k: (_text(c.get(k)) or "") for k in
                                   ("id", "title", "phone", "hours", "where", "flow", "note")}))
    if name is None:
        return None
    return Site(name=name, service=_text(data.get("service")) or "", contacts=tuple(contacts), flows=flows)


# --- categories.yaml ------------------------------------------------------------

def _load_categories(root: Path, problems: list[Problem]) -> dict[str, Category]:
    got = _read_yaml(root / "categories.yaml", root, problems)
    if got is None:
        return {}
    data, report = got
    if not isinstance(data, list):
        report("", "must be a list of categories")
        return {}
    out: dict[str, Category] = {}
    order = 0

    def walk(items: list, parent: Category | None, path: tuple) -> tuple[str, ...]:
        nonlocal order
        slugs = []
        for i, item in enumerate(items):
            p = path + (i,)
            if not isinstance(item, dict):
                report(p, "must be a mapping with slug and title")
                continue
            for key in item:
                if key not in ("slug", "title", "description", "children"):
                    report(p + (key,), "unknown field")
            slug, title = item.get("slug"), _text(item.get("title"))
            if not isinstance(slug, str) or not SLUG.match(slug):
                report(p + ("slug",), f"must be lowercase letters, digits and hyphens: {slug!r}")
                continue
            if title is None:
                report(p + ("title",), "missing or empty")
                continue
            full = f"{parent.slug}/{slug}" if parent else slug
            if full in out:
                report(p + ("slug",), f"duplicate category: {full!r}")
                continue
            order += 1
            mine = order
            placeholder = Category(full, title, _text(item.get("description")) or "",
                                   parent.slug if parent else None, (), mine)
            out[full] = placeholder
            children = item.get("children") or []
            if not isinstance(children, list):
                report(p + ("children",), "must be a list")
                children = []
            kids = walk(children, placeholder, p + ("children",))
            out[full] = Category(full, title, placeholder.description, placeholder.parent, kids, mine)
            slugs.append(full)
        return tuple(slugs)

    walk(data, None, ())
    return dict(sorted(out.items(), key=lambda kv: kv[1].order))


# --- synonyms.yaml --------------------------------------------------------------

def _load_synonyms(root: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    if not (root / "synonyms.yaml").exists():
        return ()
    got = _read_yaml(root / "synonyms.yaml", root, problems)
    if got is None:
        return ()
    data, report = got
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        report("groups", "must be a mapping with a list 'groups' of word lists")
        return ()
    for key in data:
        if key != "groups":
            report(str(key), "unknown field")
    groups = []
    for i, g in enumerate(data["groups"]):
        words = _str_list(g, report, "groups") if isinstance(g, list) else None
        if words is None:
            report(("groups", i), "must be a list of words")
            continue
        if len(words) < 2:
            report(("groups", i), "a group needs at least two words")
            continue
        seen = set()
        for w in words:
            if w in seen:
                report(("groups", i), f"word listed twice: {w!r}")
            seen.add(w)
        groups.append(words)
    return tuple(groups)


# --- readings.yaml --------------------------------------------------------------

def _load_readings(root: Path, problems: list[Problem]) -> dict[str, str]:
    """Editors' fixes of furigana readings: `readings: {word: hiragana}`."""
    if not (root / "readings.yaml").exists():
        return {}
    got = _read_yaml(root / "readings.yaml", root, problems)
    if got is None:
        return {}
    data, report = got
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("readings"), dict):
        report("readings", "must be a mapping with a mapping 'readings' of word: reading")
        return {}
    for key in data:
        if key != "readings":
            report(str(key), "unknown field")
    out: dict[str, str] = {}
    for word, reading in data["readings"].items():
        field_path = ("readings", word)
        if not isinstance(word, str) or not has_kanji(word):
            report(field_path, f"the word must contain kanji: {word!r}")
            continue
        if not isinstance(reading, str) or not HIRAGANA.match(reading.strip()):
            report(field_path, f"the reading must be written in hiragana: {reading!r}")
            continue
        if split_word(word, reading.strip()) is None:
            report(field_path, f"the reading {reading!r} does not fit the kana written in {word!r}")
            continue
        out[word] = reading.strip()
    return out


def load_readings(root: str | Path) -> tuple[dict[str, str], list[Problem]]:
    """Only readings.yaml (the web app's furigana), with its problems."""
    problems: list[Problem] = []
    return _load_readings(Path(root), problems), problems


# --- faq/*.md -------------------------------------------------------------------

def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, markdown, line of the first yaml line) or None when there is none."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1:]), 2
    return None


def _load_faq(path: Path, root: Path, problems: list[Problem],
              lenient: bool = False) -> tuple[Faq | None, _Report, bool]:
    """Parse one entry. Returns (faq, report, valid): an entry with field errors is
    still returned when it has a number, so its references get checked too.

    `lenient` (another collection being evaluated): every problem is still
    reported, but an entry is kept whenever it has a number (or a numeric file
    name) and a question or an answer; what is missing gets a stand-in."""
    rel = _rel(path, root)
    report = _Report(problems, rel)
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        report("", f"cannot read file as UTF-8: {exc}")
        return None, report, False
    parts = split_front_matter(text)
    if parts is None:
        report("", "no front matter: the file must start with a line '---', the fields, and '---'", 1)
        if not (lenient and path.stem.isdigit() and text.strip()):
            return None, report, False
        parts = ("", text, 1)
    head, body, first = parts
    try:
        data, lines = yamlio.load(head, first_line=first)
    except yamlio.YamlError as exc:
        report("", str(exc), exc.line)
        if not lenient:
            return None, report, False
        data, lines = _loose_front_matter(head), {}
    report.lines = lines
    if lenient and not isinstance(data, dict):
        data = {}
    if not isinstance(data, dict):
        report("", "front matter must be a mapping of fields", first)
        return None, report, False
    ok = True
    for key in data:
        if key not in FAQ_FIELDS_REQUIRED + FAQ_FIELDS_OPTIONAL:
            report(str(key), "unknown field")
    for key in FAQ_FIELDS_REQUIRED:
        if key not in data or data[key] in (None, "", []):
            report(key, "missing", first - 1)
            ok = False
    number = _positive_int(data.get("number"))
    if "number" in data and number is None:
        report("number", f"not a positive whole number: {data.get('number')!r}")
        ok = False
    elif number is not None and path.stem.isdigit() and int(path.stem) != number:
        report("number", f"{number} does not match the file name {path.name}")
    title = _text(data.get("title"))
    if "title" in data and title is None:
        report("title", "must be a non-empty text")
        ok = False
    categories = _str_list(data.get("categories"), report, "categories")
    dates = {}
    for key in ("published", "updated"):
        if key in data and data[key] not in (None, ""):
            dt = parse_datetime(data[key])
            if dt is None:
                report(key, f"not a date: {data[key]!r} (write 2021-04-23 16:00)")
                ok = False
            dates[key] = dt
    if dates.get("published") and dates.get("updated") and dates["updated"] < dates["published"]:
        report("updated", f"is before published ({data['updated']} < {data['published']})")
        ok = False
    reviewed = _reviewed(data, dates, report)
    expires = None
    if data.get("expires") not in (None, ""):
        expires = parse_datetime(data["expires"])
        if expires is None:
            report("expires", f"not a date: {data['expires']!r} (write 2027-03-31 17:00)")
            ok = False
        elif dates.get("published") and expires <= dates["published"]:
            report("expires", f"is not after published ({data['expires']} <= {data['published']})")
            ok = False
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        report("draft", f"must be true or false: {draft!r}")
        draft = False
    aliases = _str_list(data.get("aliases"), report, "aliases")
    related = _int_list(data.get("related"), report, "related")
    if not body.strip():
        report("body", "the answer is empty", first + head.count("\n") + 1)
        ok = False
    if lenient:
        if number is None and path.stem.isdigit() and int(path.stem) > 0:
            number = int(path.stem)
        if title is None:
            title = _first_line(body)
        valid = number is not None and bool(title)
        categories = categories or (LENIENT_CATEGORY,)
        if dates.get("published") and dates.get("updated") and dates["updated"] < dates["published"]:
            dates["updated"] = dates["published"]
    if number is None:
        return None, report, False
    placeholder = datetime(1970, 1, 1, tzinfo=JST)
    faq = Faq(number=number, title=title or "", categories=categories,
              published=dates.get("published") or placeholder, updated=dates.get("updated") or placeholder,
              body=body.strip("\n"), aliases=aliases, related=related, source=rel, reviewed=reviewed,
              draft=draft, expires=expires)
    report.body_line = first + head.count("\n") + 1  # type: ignore[attr-defined]
    if not lenient:
        valid = ok and title is not None and bool(categories) and None not in dates.values()
    return faq, report, valid


def _reviewed(data: dict, dates: dict, report: _Report) -> datetime | None:
    """The optional `reviewed` date: a date (time optional), not before
    `published` and not in the future (a mistyped year would hide the entry
    from the review list for decades)."""
    raw = data.get("reviewed")
    if raw in (None, ""):
        return None
    reviewed = parse_datetime(raw)
    if reviewed is None:
        report("reviewed", f"not a date: {raw!r} (write 2024-05-01)")
    elif dates.get("published") and reviewed.astimezone(JST).date() < dates["published"].astimezone(JST).date():
        report("reviewed", f"is before published ({raw} < {data['published']})")
    elif reviewed > datetime.now(JST) + timedelta(days=1):
        report("reviewed", f"is in the future: {raw}")
    else:
        return reviewed
    return None


_LOOSE_FIELD = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*?)\s*$")


def _loose_front_matter(head: str) -> dict[str, Any]:
    """`key: value` lines of front matter that is not valid YAML (lenient
    loading: a converted collection's title with a colon, 「変更方法: 窓口で」),
    values as text with quotes removed, `[a, b]` as a list."""
    out: dict[str, Any] = {}
    for line in head.splitlines():
        m = _LOOSE_FIELD.match(line)
        if m and m.group(1) not in out:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if value.startswith("["):  # a flow list, perhaps unclosed: [pets, dogs
                value = [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
            out[m.group(1)] = value
    return out


# The stand-in category of entries without one (lenient loading only).
LENIENT_CATEGORY = "uncategorized"


def _first_line(body: str) -> str | None:
    """A stand-in question: the first non-empty line of the answer, without
    Markdown heading marks, at most 100 characters."""
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:100]
    return None


def _no_faq(n: int, drafts: set[int]) -> str:
    return f"FAQ {n} is a draft (draft: true) and will not be published" if n in drafts else f"no FAQ with number {n}"


def _check_faq_refs(faq: Faq, report: _Report, numbers: set[int], categories: dict[str, Category],
                    flows: dict[str, Flow], drafts: set[int] = frozenset()) -> None:
    for i, slug in enumerate(faq.categories):
        if slug not in categories and slug != LENIENT_CATEGORY:
            report(("categories", i), f"unknown category: {slug!r}")
    for i, n in enumerate(faq.related):
        if n not in numbers:
            report(("related", i), _no_faq(n, drafts))
        elif n == faq.number:
            report(("related", i), "an entry cannot be related to itself")
    base = getattr(report, "body_line", None)
    for lineno, line in enumerate(faq.body.splitlines()):
        at = base + lineno if base else None
        for m in FAQ_LINK.finditer(line):
            target = m.group(1).strip("/")
            if target.isdigit() and int(target) in drafts:
                report("body", f"link to /faq/{m.group(1)}: {_no_faq(int(target), drafts)}", at)
            elif not target.isdigit() or int(target) not in numbers:
                report("body", f"link to /faq/{m.group(1)}: no such FAQ", at)
        for m in FLOW_LINK.finditer(line):
            if m.group(1) not in flows:
                report("body", f"unknown flow: {m.group(1)!r}", at)


# --- wizards/*.yaml -------------------------------------------------------------

def _node_at_line(text: str, line: int) -> str | None:
    """The node whose block holds `line` (1-based), read from the raw text of a
    wizard that is not valid YAML: a node id is a key one level under `nodes:`."""
    node, in_nodes, indent = None, False, None
    for raw in text.splitlines()[:line]:
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(raw) - len(stripped)
        if depth == 0:
            node, in_nodes, indent = None, stripped.startswith("nodes:"), None
        elif in_nodes and (indent is None or depth <= indent):
            indent = depth
            m = re.match(r"([A-Za-z0-9][A-Za-z0-9_-]*)\s*:", stripped)
            node = m.group(1) if m else None
    return node


def _load_wizard(path: Path, root: Path, problems: list[Problem]) -> tuple[Wizard | None, _Report | None]:
    seen = len(problems)
    got = _read_yaml(path, root, problems)
    if got is None:
        # A syntax error has a line but no field: name the node it is in, so the
        # editor knows which question or outcome to look at.
        for i in range(seen, len(problems)):
            p = problems[i]
            if p.line and not p.field:
                try:
                    node = _node_at_line(path.read_text(encoding="utf-8"), p.line)
                except (OSError, UnicodeDecodeError):
                    node = None
                if node:
                    problems[i] = Problem(p.file, f"nodes.{node}", p.message, p.line)
        return None, None
    data, report = got
    wid = path.stem
    if not NODE_ID.match(wid):
        report("", f"wizard id (the file name) must be letters, digits and hyphens: {wid!r}")
        return None, report
    if not isinstance(data, dict):
        report("", "must be a mapping with title, description, start and nodes")
        return None, report
    for key in data:
        if key not in ("title", "description", "start", "nodes", "keywords"):
            report(str(key), "unknown field")
    title, description, start = _text(data.get("title")), _text(data.get("description")) or "", data.get("start")
    if title is None:
        report("title", "missing or empty")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, dict) or not raw_nodes:
        report("nodes", "must be a mapping of node ids to questions and outcomes")
        return None, report
    nodes: dict[str, Node] = {}
    for nid, raw in raw_nodes.items():
        p = ("nodes", nid)
        if not isinstance(nid, str) or not NODE_ID.match(nid):
            report(p, f"node id must be letters, digits, '-' and '_': {nid!r}")
            continue
        if not isinstance(raw, dict) or ("question" in raw) == ("outcome" in raw):
            report(p, "a node has either a question with options or an outcome")
            continue
        if "question" in raw:
            for key in raw:
                if key not in ("question", "help", "options"):
                    report(p + (key,), "unknown field")
            q = _text(raw.get("question"))
            if q is None:
                report(p + ("question",), "missing or empty")
            opts = raw.get("options")
            options = []
            if not isinstance(opts, list):
                report(p + ("options",), "must be a list of {label, next}")
                opts = []
            for i, o in enumerate(opts):
                if not isinstance(o, dict) or _text(o.get("label")) is None or not isinstance(o.get("next"), str):
                    report(p + ("options", i), "each option needs a label and next")
                    continue
                options.append(Option(_text(o["label"]), o["next"]))
            if not 2 <= len(opts) <= 6:
                report(p + ("options",), f"a question needs 2 to 6 options, has {len(opts)}")
            nodes[nid] = Node(nid, question=q or "", help=_text(raw.get("help")) or "", options=tuple(options))
        else:
            o = raw["outcome"]
            if not isinstance(o, dict):
                report(p + ("outcome",), "must be a mapping with heading, body, faqs")
                continue
            for key in o:
                if key not in ("heading", "body", "faqs", "flows", "contact"):
                    report(p + ("outcome", key), "unknown field")
            heading = _text(o.get("heading"))
            if heading is None:
                report(p + ("outcome", "heading"), "missing or empty")
            contact = o.get("contact", False)
            if not isinstance(contact, bool):
                report(p + ("outcome", "contact"), f"must be true or false: {contact!r}")
                contact = False
            faqs = _int_list(o.get("faqs"), report, "nodes." + nid + ".outcome.faqs")
            flows = _str_list(o.get("flows"), report, "nodes." + nid + ".outcome.flows")
            if not faqs and not contact:
                report(p + ("outcome",), "an outcome needs at least one FAQ or contact: true")
            nodes[nid] = Node(nid, outcome=Outcome(heading or "", _text(o.get("body")) or "", faqs, flows, contact))
    if not isinstance(start, str) or start not in nodes:
        report("start", f"unknown node: {start!r}")
        return None, report
    for nid, node in nodes.items():
        for i, opt in enumerate(node.options):
            if opt.next not in nodes and opt.next not in (raw_nodes or {}):
                report(("nodes", nid, "options", i, "next"), f"unknown node: {opt.next!r}")
    # Reachability and cycles, by depth-first search from start.
    state: dict[str, int] = {}

    def visit(nid: str, trail: list[str]) -> None:
        state[nid] = 1
        for opt in nodes[nid].options:
            if opt.next not in nodes:
                continue
            if state.get(opt.next) == 1:
                report(("nodes", nid), "cycle: " + " → ".join(trail[trail.index(opt.next):] + [nid, opt.next]))
            elif opt.next not in state:
                visit(opt.next, trail + [nid])
        state[nid] = 2

    visit(start, [])
    for nid in nodes:
        if nid not in state:
            report(("nodes", nid), "unreachable from start")
    keywords = _str_list(data.get("keywords"), report, "keywords")
    if title is None:
        return None, report
    return Wizard(wid, title, description, start, nodes, keywords=keywords), report


def _check_wizard_refs(w: Wizard, report: _Report, numbers: set[int], flows: dict[str, Flow],
                       drafts: set[int] = frozenset()) -> None:
    for nid, node in w.nodes.items():
        if node.outcome is None:
            continue
        for i, n in enumerate(node.outcome.faqs):
            if n not in numbers:
                report(("nodes", nid, "outcome", "faqs", i), _no_faq(n, drafts))
        for i, f in enumerate(node.outcome.flows):
            if f not in flows:
                report(("nodes", nid, "outcome", "flows", i), f"unknown flow: {f!r}")


# --- everything -----------------------------------------------------------------

def load_content(root: str | Path, lenient: bool = False,
                 drafts: bool = False) -> tuple[Content | None, list[Problem]]:
    """Load and validate a content folder.

    Entries with `draft: true` are validated but left out, and published
    entries and wizards may not point at them; `drafts=True` (the preview)
    keeps them in.

    `lenient` is for evaluating other FAQ collections (`helpcenter eval
    --content`): entries with problems are left out, a missing site.yaml or
    category gets a stand-in, and the problems come back as warnings beside a
    Content, which is None only when no entry could be read.
    """
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "", "content folder not found")]
    site = _load_site(root, problems)
    categories = _load_categories(root, problems)
    synonyms = _load_synonyms(root, problems)
    readings = _load_readings(root, problems)
    faqs: dict[int, Faq] = {}
    reports: list[tuple[Faq, _Report]] = []
    faq_dir = root / "faq"
    if not faq_dir.is_dir():
        problems.append(Problem(_rel(faq_dir, root), "", "folder is missing"))
    files = sorted(faq_dir.glob("*.md")) if faq_dir.is_dir() else []
    seen: dict[int, Faq] = {}
    for path in files:
        faq, report, valid = _load_faq(path, root, problems, lenient)
        if faq is None:
            continue
        if faq.number in seen:
            report("number", f"duplicate number {faq.number}, also in {seen[faq.number].source}")
            continue
        seen[faq.number] = faq
        reports.append((faq, report))
        if valid:
            faqs[faq.number] = faq
    held = set() if drafts else {n for n, f in seen.items() if f.draft}
    numbers = set(seen) - held
    faqs = {n: f for n, f in faqs.items() if n not in held}
    flows = site.flows if site else {}
    for faq, report in reports:
        if faq.number in held:  # a draft may point at anything that exists
            _check_faq_refs(faq, report, set(seen), categories, flows)
        else:
            _check_faq_refs(faq, report, numbers, categories, flows, held)
    wizards: dict[str, Wizard] = {}
    wiz_dir = root / "wizards"
    for path in sorted(wiz_dir.glob("*.yaml")) if wiz_dir.is_dir() else []:
        w, report = _load_wizard(path, root, problems)
        if w is not None and report is not None:
            _check_wizard_refs(w, report, numbers, flows, held)
            wizards[w.id] = w
    if lenient:
        return _lenient(root, site, categories, faqs, synonyms, wizards), problems
    if problems or site is None:
        return None, problems
    faqs = dict(sorted(faqs.items()))
    return Content(site, categories, faqs, synonyms, wizards, readings=readings), problems


def _lenient(root: Path, site: Site | None, categories: dict[str, Category], faqs: dict[int, Faq],
             synonyms, wizards: dict[str, Wizard]) -> Content | None:
    if not faqs:
        return None
    categories = dict(categories)
    for faq in faqs.values():
        for slug in faq.categories:
            parts = slug.split("/")
            for i in range(1, len(parts) + 1):
                s = "/".join(parts[:i])
                if s not in categories:
                    categories[s] = Category(s, parts[i - 1], parent="/".join(parts[:i - 1]) or None,
                                             order=len(categories) + 1)
    site = site or Site(name=root.name)
    return Content(site, categories, dict(sorted(faqs.items())), synonyms, wizards)


def iter_descendants(categories: dict[str, Category], slug: str) -> Iterable[str]:
    yield slug
    for child in categories[slug].children:
        yield from iter_descendants(categories, child)

"""Content cues: what members looked for and did not find, grouped, with the
change that would serve each group.

Signals of a period (zero-result searches, searches whose results nobody
opened, the chatbot's fallbacks and 「解決しませんでした」) are grouped by their
normalised Sudachi words (`analysis.words`, content words only), and groups
whose words read the same are merged, so near-duplicates (語順, 活用, 表記ゆれ,
an IME slip with the right reading) land together. Each group gets one
proposal:

* `alias`: one entry is what members wanted: most clicks on it, or search
  ranks it clearly first. Add the members' wording to its `aliases`.
* `synonym`: a word the collection does not know looks like a shortening or a
  variant of one it uses in questions or aliases (機種変/機種変更). Add the
  group to `synonyms.yaml`.
* `new_entry`: nothing fits: write a new entry.

`collect` reads the database, `Knowledge` the published index (through
`stored`); grouping and proposing are pure. `to_yaml` prints what
`helpcenter cues` shows, and `validate` is what `helpcenter check --cues`
runs on it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from ..analytics import reports
from ..content.model import Problem
from ..db import search_click
from ..search import analysis

KINDS = {"zero_results": "検索結果0件", "no_clicks": "結果が開かれなかった検索", "chat_fallbacks": "チャットで解決できず"}
PROPOSALS = {"alias": "既存のFAQに別表現（aliases）を追加", "synonym": "同義語グループを追加",
             "new_entry": "新しいFAQを書く"}
MAX_QUERIES = 5


@dataclass(frozen=True)
class Signal:
    kind: str   # a key of KINDS, or "clicked": a query whose results were opened (carries clicks only)
    text: str   # what the member typed (the normalised query, or the chat message)
    count: int
    clicked: tuple[tuple[int, int], ...] = ()  # (FAQ number, clicks) on this query in the period


@dataclass
class Group:
    words: tuple[str, ...]      # normalised forms of the content words, as written (analysis.written_form)
    reading: str                # their readings, space-separated
    signals: list[Signal] = field(default_factory=list)

    @property
    def asked(self) -> list[Signal]:
        return [s for s in self.signals if s.kind in KINDS]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.asked)

    def counts(self) -> dict[str, int]:
        c: Counter = Counter()
        for s in self.asked:
            c[s.kind] += s.count
        return {k: c[k] for k in KINDS}

    @property
    def example(self) -> str:
        return max(self.asked, key=lambda s: (s.count, -len(s.text))).text

    def queries(self) -> list[str]:
        seen: list[str] = []
        for s in sorted(self.asked, key=lambda s: (-s.count, s.text)):
            if s.text not in seen:
                seen.append(s.text)
        return seen[:MAX_QUERIES]

    def clicks(self) -> Counter:
        c: Counter = Counter()
        for s in self.signals:
            for number, n in s.clicked:
                c[number] += n
        return c


@dataclass(frozen=True)
class Proposal:
    kind: str                       # a key of PROPOSALS
    faq: int | None = None          # alias: the entry
    aliases: tuple[str, ...] = ()   # alias: the wording to add
    group: tuple[str, ...] = ()     # synonym: the words that mean the same
    title: str = ""                 # new_entry: a question to start from
    reason: str = ""


@dataclass(frozen=True)
class Cue:
    group: Group
    proposal: Proposal


# --- reading the period ------------------------------------------------------------

def collect(engine: Engine, period: reports.Period) -> list[Signal]:
    """The period's zero-result and no-click searches and chat fallbacks, as the reports count them."""
    signals = []
    zero = reports.build("zero_results", engine, period).rows
    noclick = reports.build("no_clicks", engine, period).rows
    clicks = _clicks(engine, period)
    for r in zero:
        signals.append(Signal("zero_results", r["normalized"], r["searches"]))
    for r in noclick:
        signals.append(Signal("no_clicks", r["normalized"], r["no_click"]))
    # what members opened for any wording: grouped with the others, it shows which entry they wanted
    signals += [Signal("clicked", query, 0, opened) for query, opened in clicks.items()]
    for r in reports.build("chat_fallbacks", engine, period).rows:
        if r.get("message"):
            signals.append(Signal("chat_fallbacks", r["message"], r["times"]))
    return signals


def _clicks(engine: Engine, period: reports.Period) -> dict[str, tuple[tuple[int, int], ...]]:
    c = search_click.c
    q = (select(c.normalized, c.number, func.count().label("n"))
         .where(c.day >= period.since, c.day <= period.today).group_by(c.normalized, c.number))
    out: dict[str, list[tuple[int, int]]] = {}
    with engine.connect() as conn:
        for r in conn.execute(q):
            out.setdefault(r.normalized, []).append((int(r.number), int(r.n)))
    return {k: tuple(sorted(v, key=lambda x: (-x[1], x[0]))) for k, v in out.items()}


# --- grouping ----------------------------------------------------------------------

def analyse(text: str) -> tuple[tuple[str, ...], str]:
    """(sorted content-word forms, reading of the whole text) of a text.

    Equal forms catch word order and inflection (パスワード 忘れた /
    パスワードを忘れてしまった); an equal reading catches the same words
    written differently, which Sudachi may cut differently (住民表 /
    じゅうみんひょう)."""
    ws = analysis.words(text)
    forms = sorted({analysis.written_form(w) for w in ws if w.content})
    spoken = "".join(w.reading for w in ws if w.pos not in ("補助記号", "空白"))
    if not forms:
        return (analysis.normalize(text).strip(),), spoken
    return tuple(forms), spoken


def reading_of(form: str) -> str:
    return "".join(w.reading for w in analysis.words(form))


def group(signals: Iterable[Signal],
          analyse: Callable[[str], tuple[tuple[str, ...], str]] = analyse) -> list[Group]:
    """Signals with the same words, or the same readings, in one group; biggest first."""
    signals = [s for s in signals if s.text.strip()]
    parent = list(range(len(signals)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys: dict[tuple, int] = {}
    info = []
    for i, s in enumerate(signals):
        forms, readings = analyse(s.text)
        info.append((forms, readings))
        for key in (("w",) + forms, ("r", readings) if readings else None):
            if key is None:
                continue
            if key in keys:
                parent[find(i)] = find(keys[key])
            else:
                keys[key] = i
    groups: dict[int, Group] = {}
    for i, s in enumerate(signals):
        root = find(i)
        if root not in groups:
            forms, _ = info[root]
            groups[root] = Group(forms, " ".join(reading_of(f) for f in forms))
        groups[root].signals.append(s)
    return sorted((g for g in groups.values() if g.total), key=lambda g: (-g.total, g.words))


# --- proposing ---------------------------------------------------------------------

@dataclass
class Knowledge:
    """What the published help center knows, for proposals (see `stored.knowledge`)."""
    search: Callable[[str], list[tuple[int, float]]]   # (number, score), best first
    vocabulary: dict[str, str]                          # question and alias words: form → reading
    aliases: dict[int, tuple[str, ...]]
    synonyms: list[list[str]]


CLEAR_LEAD = 1.3   # the first result's score over the second's for "search ranks it clearly first"
MIN_CLICKS = 2


def propose(g: Group, know: Knowledge) -> Proposal:
    clicks = g.clicks()
    if clicks:
        (top, n), = clicks.most_common(1)
        if n >= MIN_CLICKS and n * 2 > sum(clicks.values()):
            return _alias(g, know, top, f"検索した人の{n}/{sum(clicks.values())}件がこのFAQを開いた")
    partner = _synonym(g, know)
    if partner:
        return partner
    ranked = know.search(g.example)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= CLEAR_LEAD * ranked[1][1]):
        return _alias(g, know, ranked[0][0], "検索でこのFAQがはっきり1位")
    return Proposal("new_entry", title=g.example, reason="合うFAQも言い換えも見つからない")


def _alias(g: Group, know: Knowledge, number: int, reason: str) -> Proposal:
    have = {analysis.normalize(a) for a in know.aliases.get(number, ())}
    new = tuple(q for q in g.queries() if analysis.normalize(q) not in have)
    if not new:
        return Proposal("new_entry", title=g.example, reason="別表現はすでに登録済み。回答の内容を確認してください")
    return Proposal("alias", faq=number, aliases=new[:3], reason=reason)


def _synonym(g: Group, know: Knowledge) -> Proposal | None:
    """A word of the group that search does not know, next to a question word it
    shortens or lengthens (the start of the other, or its reading the start of the other's)."""
    grouped = {analysis.normalize(w) for grp in know.synonyms for w in grp}
    for word in g.words:
        if word in know.vocabulary or word in grouped or len(word) < 2 or know.search(word):
            continue
        r = reading_of(word)
        best = None
        for known, kr in know.vocabulary.items():
            if known == word or len(known) < 2:
                continue
            close = _shortens(word, known) or (len(r) >= 3 and len(kr) >= 3 and (kr.startswith(r) or r.startswith(kr)))
            if close:
                rank = (abs(len(known) - len(word)), known)
                if best is None or rank < best[0]:
                    best = (rank, known)
        if best:
            known = best[1]
            existing = next((grp for grp in know.synonyms if analysis.normalize(known) in
                             {analysis.normalize(w) for w in grp}), None)
            words = tuple(existing) + (word,) if existing else (known, word)
            return Proposal("synonym", group=words,
                            reason=f"「{word}」は検索で何も見つからず、質問文の「{known}」と似ている")
    return None


def _shortens(a: str, b: str) -> bool:
    """One word is the start of the other (機種変/機種変更): at least two
    Japanese characters, or three Latin ones (fa is not face)."""
    short, long = sorted((a, b), key=len)
    if not long.startswith(short):
        return False
    return len(short) >= (2 if analysis.is_japanese(short) else 3)


def cues(signals: Iterable[Signal], know: Knowledge) -> list[Cue]:
    return [Cue(g, propose(g, know)) for g in group(signals)]


# --- output ------------------------------------------------------------------------

def to_table(found: list[Cue], titles: dict[int, str]) -> reports.Table:
    rows = []
    for c in found:
        p, counts = c.proposal, c.group.counts()
        if p.kind == "alias":
            what = f"No:{p.faq}「{titles.get(p.faq, '')}」に aliases: " + " / ".join(p.aliases)
        elif p.kind == "synonym":
            what = "synonyms.yaml に [" + ", ".join(p.group) + "]"
        else:
            what = f"新しいFAQ「{p.title}」"
        rows.append({"words": " ".join(c.group.words), "reading": c.group.reading,
                     "queries": " / ".join(c.group.queries()), "total": c.group.total,
                     **counts, "proposal": PROPOSALS[p.kind], "change": what, "reason": p.reason})
    return reports.Table("cues", "コンテンツの改善案",
                         "見つからなかった検索・開かれなかった検索・チャットで解決できなかった質問を、"
                         "同じ言葉（Sudachiの正規化形と読み）ごとにまとめ、対応案を示します。"
                         "`helpcenter cues` で同じ内容をYAMLで出力できます。", (
                             reports.Column("words", "言葉（正規化形）"), reports.Column("reading", "読み"),
                             reports.Column("queries", "入力例"), reports.Column("total", "件数", "int"),
                             *(reports.Column(k, v, "int") for k, v in KINDS.items()),
                             reports.Column("proposal", "提案"), reports.Column("change", "変更内容"),
                             reports.Column("reason", "理由"),
                         ), rows)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def to_yaml(found: list[Cue], period: reports.Period, titles: dict[int, str]) -> str:
    lines = [f"# helpcenter cues: {period.since:%Y-%m-%d}〜{period.today:%Y-%m-%d}（{period.days}日間、日本時間）",
             "# alias: faq/<faq>.md の aliases に追加 / synonym: synonyms.yaml の groups に追加 / new_entry: 新しいFAQ",
             "# 確認: helpcenter check --cues <このファイル>",
             "cues:"]
    if not found:
        lines[-1] = "cues: []"
    for c in found:
        g, p = c.group, c.proposal
        lines.append(f"  - words: [{', '.join(_q(w) for w in g.words)}]")
        lines.append(f"    reading: {_q(g.reading)}")
        lines.append(f"    queries: [{', '.join(_q(q) for q in g.queries())}]")
        lines.append("    counts: {" + ", ".join(f"{k}: {v}" for k, v in g.counts().items()) + "}")
        lines.append(f"    proposal: {p.kind}")
        if p.kind == "alias":
            lines.append(f"    faq: {p.faq}  # {titles.get(p.faq, '')}")
            lines.append("    aliases:")
            lines += [f"      - {_q(a)}" for a in p.aliases]
        elif p.kind == "synonym":
            lines.append(f"    group: [{', '.join(_q(w) for w in p.group)}]")
        else:
            lines.append(f"    title: {_q(p.title)}")
        lines.append(f"    reason: {_q(p.reason)}")
    return "\n".join(lines) + "\n"


# --- checking a cues file ------------------------------------------------------------

_FIELDS = {"words", "reading", "queries", "counts", "proposal", "faq", "aliases", "group", "title", "reason"}


def validate(text: str, file: str, numbers: set[int], synonyms: Iterable[Iterable[str]] = ()) -> list[Problem]:
    """Every problem of a cues file, with line and field: proposals must be
    known, an alias's entry must exist, a synonym group needs two different words."""
    from .. import yamlio

    try:
        data, lines = yamlio.load(text)
    except yamlio.YamlError as exc:
        return [Problem(file, "", str(exc), exc.line)]
    problems: list[Problem] = []

    def report(path: tuple, message: str) -> None:
        line = None
        for cut in range(len(path), -1, -1):
            line = lines.get(tuple(path[:cut]))
            if line:
                break
        name = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        problems.append(Problem(file, name, message, line))

    if not isinstance(data, dict) or not isinstance(data.get("cues"), list):
        report(("cues",), "must be a mapping with a list 'cues'")
        return problems
    for key in data:
        if key != "cues":
            report((str(key),), "unknown field")
    for i, cue in enumerate(data["cues"]):
        at = ("cues", i)
        if not isinstance(cue, dict):
            report(at, "must be a mapping with proposal and its fields")
            continue
        for key in cue:
            if key not in _FIELDS:
                report(at + (str(key),), "unknown field")
        kind = cue.get("proposal")
        if kind not in PROPOSALS:
            report(at + ("proposal",), f"must be one of {', '.join(PROPOSALS)}: {kind!r}")
        elif kind == "alias":
            n = cue.get("faq")
            if isinstance(n, bool) or not isinstance(n, int) or n not in numbers:
                report(at + ("faq",), f"no FAQ with number {n!r}")
            aliases = cue.get("aliases")
            if not isinstance(aliases, list) or not aliases:
                report(at + ("aliases",), "must be a non-empty list of texts")
            else:
                for j, a in enumerate(aliases):
                    if not isinstance(a, str) or not a.strip():
                        report(at + ("aliases", j), f"must be a non-empty text: {a!r}")
        elif kind == "synonym":
            words = cue.get("group")
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                report(at + ("group",), "must be a list of words")
            elif len({analysis.normalize(w) for w in words}) < 2:
                report(at + ("group",), "a group needs at least two different words")
        elif not isinstance(cue.get("title"), str) or not cue["title"].strip():
            report(at + ("title",), "missing or empty")
    return problems


def knowledge_from(search: Callable[[str], list[tuple[int, float]]], questions: dict[int, tuple[str, ...]],
                   synonyms: list[list[str]]) -> Knowledge:
    """Knowledge from each entry's question and aliases (`questions[n] = (title, *aliases)`)."""
    vocab: dict[str, str] = {}
    for texts in questions.values():
        for text in texts:
            for w in analysis.words(text):
                form = analysis.written_form(w)
                if w.content and form not in vocab:
                    vocab[form] = reading_of(form)
    return Knowledge(search, vocab, {n: t[1:] for n, t in questions.items()}, synonyms)



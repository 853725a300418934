"""The editors' reports: aggregations over the event tables, as named tables.

Every report is a `Table` (columns with labels and kinds, rows as dicts) so
the dashboard, the CSV exports and `helpcenter report` show the same numbers.
`build(name, engine, period)` makes one; `TABLES` lists them. Periods are
whole Japan days ending today; a rate with nothing to divide by is None
(shown as 「—」), never 0.

Counts are of distinct visitor-days, because the event tables keep one row per
visitor, day and thing (see helpcenter.db).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.engine import Engine

from ..content.model import JST
from ..db import chat_event, contact_code, contact_event, faq_view, feedback, search_click, search_event, wizard_event
from .events import FALLBACK, REASONS

PERIODS = (7, 30, 90)


@dataclass(frozen=True)
class Period:
    days: int
    today: date
    now: datetime  # for 「abandoned」: a wizard started less than a day ago is still in progress

    @property
    def since(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return [self.since + timedelta(days=i) for i in range(self.days)]

    @classmethod
    def ending_now(cls, days: int, now: datetime | None = None) -> "Period":
        now = now or datetime.now(timezone.utc)
        return cls(days, now.astimezone(JST).date(), now)


@dataclass(frozen=True)
class Labels:
    """Titles for FAQ numbers and wizard ids, from the published index when there is one."""
    faq_titles: Mapping[int, str] = field(default_factory=dict)
    wizard_titles: Mapping[str, str] = field(default_factory=dict)
    node_texts: Mapping[tuple[str, str], str] = field(default_factory=dict)  # question or outcome heading

    @classmethod
    def from_generation(cls, gen: Any) -> "Labels":
        nodes = {(wid, nid): node.question or (node.outcome.heading if node.outcome else "")
                 for wid, w in gen.wizards.items() for nid, node in w.nodes.items()}
        return cls(dict(gen.faq_titles), {k: w.title for k, w in gen.wizards.items()}, nodes)

    def node(self, wizard: str, node: str) -> str:
        text = self.node_texts.get((wizard, node))
        return f"{text}（{node}）" if text else node

    def target(self, target_type: str, target: str) -> str:
        if target_type == "faq" and target.isdigit():
            return self.faq_titles.get(int(target), "")
        if target_type == "wizard":
            return self.wizard_titles.get(target.split(":", 1)[0], "")
        return ""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | rate | date


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]

    def cell(self, row: dict[str, Any], col: Column) -> str:
        return format_value(row.get(col.key), col.kind)


def format_value(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "date" and isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def _rate(part: int | None, whole: int | None) -> float | None:
    return None if not whole else (part or 0) / whole


def _as_date(value: Any) -> date:
    # SQLite hands dates back as date objects through SQLAlchemy, but be lenient with strings
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _aware(value: datetime) -> datetime:
    # SQLite keeps no offset; everything is written in UTC (helpcenter.analytics.events)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _in(table, period: Period):
    return and_(table.c.day >= period.since, table.c.day <= period.today)


# --- overview -------------------------------------------------------------------

@dataclass
class Overview:
    period: Period
    views: int
    searches: int
    zero_results: int
    votes: int
    helpful: int
    chat_replies: int
    chat_fallbacks: int
    chat_unresolved: int
    daily: list[dict[str, Any]]

    @property
    def zero_result_rate(self) -> float | None:
        return _rate(self.zero_results, self.searches)

    @property
    def helpful_rate(self) -> float | None:
        return _rate(self.helpful, self.votes)

    @property
    def fallback_rate(self) -> float | None:
        return _rate(self.chat_fallbacks, self.chat_replies)


def overview(engine: Engine, period: Period) -> Overview:
    """Totals and per-day series over the period."""
    per_day: dict[date, dict[str, int]] = {d: defaultdict(int) for d in period.dates()}
    zero = case((search_event.c.results == 0, 1), else_=0)
    yes = case((feedback.c.helpful.is_(True), 1), else_=0)
    fb = case((chat_event.c.reply_type == FALLBACK, 1), else_=0)
    queries = {
        ("views",): select(faq_view.c.day, func.count()).where(_in(faq_view, period)).group_by(faq_view.c.day),
        ("searches", "zero_results"): select(search_event.c.day, func.count(), func.sum(zero))
        .where(_in(search_event, period), search_event.c.page == 1).group_by(search_event.c.day),
        ("votes", "helpful"): select(feedback.c.day, func.count(), func.sum(yes))
        .where(_in(feedback, period)).group_by(feedback.c.day),
        ("chat_replies", "chat_fallbacks"): select(chat_event.c.day, func.count(), func.sum(fb))
        .where(_in(chat_event, period), chat_event.c.kind == "reply").group_by(chat_event.c.day),
        ("chat_unresolved",): select(chat_event.c.day, func.count())
        .where(_in(chat_event, period), chat_event.c.kind == "unresolved").group_by(chat_event.c.day),
    }
    with engine.connect() as conn:
        for keys, q in queries.items():
            for row in conn.execute(q):
                day = per_day.get(_as_date(row[0]))
                if day is not None:
                    for key, value in zip(keys, row[1:]):
                        day[key] += int(value or 0)
    daily = []
    for d, v in per_day.items():
        daily.append({"day": d, "views": v["views"], "searches": v["searches"], "zero_results": v["zero_results"],
                      "zero_result_rate": _rate(v["zero_results"], v["searches"]),
                      "votes": v["votes"], "helpful": v["helpful"], "helpful_rate": _rate(v["helpful"], v["votes"]),
                      "chat_replies": v["chat_replies"], "chat_fallbacks": v["chat_fallbacks"],
                      "fallback_rate": _rate(v["chat_fallbacks"], v["chat_replies"]),
                      "chat_unresolved": v["chat_unresolved"]})
    total = {k: sum(r[k] for r in daily) for k in ("views", "searches", "zero_results", "votes", "helpful",
                                                    "chat_replies", "chat_fallbacks", "chat_unresolved")}
    return Overview(period, daily=daily, **total)


def _overview_table(engine: Engine, period: Period, labels: Labels) -> Table:
    o = overview(engine, period)
    rows = [
        {"metric": "FAQの閲覧", "value": format_value(o.views, "int")},
        {"metric": "検索", "value": format_value(o.searches, "int")},
        {"metric": "検索結果0件の割合", "value": format_value(o.zero_result_rate, "rate")},
        {"metric": "「役に立った」の割合", "value": format_value(o.helpful_rate, "rate")
         + f"（{o.helpful:,} / {o.votes:,}票）"},
        {"metric": "チャットで回答できなかった割合", "value": format_value(o.fallback_rate, "rate")
         + f"（{o.chat_fallbacks:,} / {o.chat_replies:,}件）"},
        {"metric": "チャットの「解決しませんでした」", "value": format_value(o.chat_unresolved, "int")},
    ]
    return Table("overview", "概要", f"直近{period.days}日間（{period.since:%Y-%m-%d}〜{period.today:%Y-%m-%d}）",
                 (Column("metric", "指標"), Column("value", "値")), rows)


def _daily_table(engine: Engine, period: Period, labels: Labels) -> Table:
    return Table("daily", "日別の推移", "1日ごとの件数と割合。", (
        Column("day", "日付", "date"), Column("views", "閲覧", "int"), Column("searches", "検索", "int"),
        Column("zero_result_rate", "0件の割合", "rate"), Column("votes", "評価", "int"),
        Column("helpful_rate", "役に立った割合", "rate"), Column("chat_replies", "チャット応答", "int"),
        Column("fallback_rate", "回答できなかった割合", "rate"), Column("chat_unresolved", "解決しなかった", "int"),
    ), overview(engine, period).daily)


# --- searches -------------------------------------------------------------------

def _search_rows(engine: Engine, period: Period, where=None, having=None, order=None, limit: int = 100):
    s = search_event.c
    clicked = exists().where(search_click.c.day == s.day, search_click.c.visitor == s.visitor,
                             search_click.c.normalized == s.normalized)
    searches = func.count().label("searches")
    zero = func.sum(case((s.results == 0, 1), else_=0)).label("zero_results")
    with_click = func.sum(case((clicked, 1), else_=0)).label("with_click")
    q = (select(s.normalized, searches, zero, with_click, func.max(s.results).label("results"),
                func.min(s.query).label("example"), func.max(s.day).label("last_day"))
         .where(_in(search_event, period), s.page == 1, s.normalized != ""))
    if where is not None:
        q = q.where(where)
    q = q.group_by(s.normalized)
    if having is not None:
        q = q.having(having(searches, zero, with_click))
    q = q.order_by(*(order(searches, zero, with_click) if order else (searches.desc(),)), s.normalized).limit(limit)
    clicks = (select(search_click.c.normalized, func.count().label("clicks"), func.avg(search_click.c.rank).label("rank"))
              .where(_in(search_click, period)).group_by(search_click.c.normalized))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        wanted = {r["normalized"] for r in rows}
        by_query = {r.normalized: r for r in conn.execute(clicks) if r.normalized in wanted}
    for r in rows:
        c = by_query.get(r["normalized"])
        r["clicks"] = c.clicks if c else 0
        r["mean_rank"] = round(float(c.rank), 1) if c else None
        r["click_rate"] = _rate(r["with_click"], r["searches"])
        r["no_click"] = r["searches"] - r["with_click"]
        r["zero_rate"] = _rate(r["zero_results"], r["searches"])
        r["last_day"] = _as_date(r["last_day"])
    return rows


def _queries_table(engine: Engine, period: Period, labels: Labels) -> Table:
    return Table("queries", "よく検索されたキーワード",
                 "検索回数の多い順（同じ人の同じ日の同じ検索は1回）。クリック率は結果をひとつ以上開いた検索の割合。", (
                     Column("normalized", "キーワード（正規化後）"), Column("searches", "検索回数", "int"),
                     Column("results", "結果件数", "int"), Column("zero_rate", "0件の割合", "rate"),
                     Column("clicks", "クリック数", "int"), Column("click_rate", "クリック率", "rate"),
                     Column("mean_rank", "平均順位"),
                 ), _search_rows(engine, period))


def _zero_results_table(engine: Engine, period: Period, labels: Labels) -> Table:
    return Table("zero_results", "結果が0件だったキーワード",
                 "回答が用意されていない可能性があります。FAQの追加や同義語の登録を検討してください。", (
                     Column("normalized", "キーワード（正規化後）"), Column("example", "入力例"),
                     Column("searches", "0件だった回数", "int"), Column("last_day", "最終日", "date"),
                 ), _search_rows(engine, period, where=search_event.c.results == 0))


def _no_clicks_table(engine: Engine, period: Period, labels: Labels) -> Table:
    return Table("no_clicks", "結果が開かれなかったキーワード",
                 "結果はあっても、どれも開かれなかった検索。タイトルや要約がわかりにくい可能性があります。", (
                     Column("normalized", "キーワード（正規化後）"), Column("searches", "検索回数", "int"),
                     Column("no_click", "開かれなかった回数", "int"), Column("click_rate", "クリック率", "rate"),
                     Column("results", "結果件数", "int"),
                 ), _search_rows(engine, period, where=search_event.c.results > 0,
                                 having=lambda n, z, c: n - c > 0,
                                 order=lambda n, z, c: ((n - c).desc(), n.desc())))


# --- feedback -------------------------------------------------------------------

def _least_helpful_table(engine: Engine, period: Period, labels: Labels) -> Table:
    f = feedback.c
    yes = func.sum(case((f.helpful.is_(True), 1), else_=0)).label("helpful")
    no = func.sum(case((f.helpful.is_(False), 1), else_=0)).label("not_helpful")
    q = (select(f.target_type, f.target, func.count().label("votes"), yes, no)
         .where(_in(feedback, period)).group_by(f.target_type, f.target)
         .having(no > 0).order_by(no.desc(), (yes * 1.0 / func.count()).asc(), f.target_type, f.target).limit(100))
    reasons = (select(f.target_type, f.target, f.reason, func.count().label("n"))
               .where(_in(feedback, period), f.helpful.is_(False)).group_by(f.target_type, f.target, f.reason))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
        counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for r in conn.execute(reasons):
            counts[(r.target_type, r.target)][r.reason or "none"] += r.n
    for r in rows:
        r["title"] = labels.target(r["target_type"], r["target"])
        r["helpful_rate"] = _rate(r["helpful"], r["votes"])
        for key in (*REASONS, "none"):
            r["reason_" + key] = counts[(r["target_type"], r["target"])][key]
    return Table("least_helpful", "役に立たなかった回答",
                 "「いいえ」の多い順。理由の内訳つき（理由を選ばずに離れた人は「理由なし」）。", (
                     Column("target_type", "種類"), Column("target", "対象"), Column("title", "タイトル"),
                     Column("votes", "評価数", "int"), Column("not_helpful", "いいえ", "int"),
                     Column("helpful_rate", "役に立った割合", "rate"),
                     *(Column("reason_" + k, v, "int") for k, v in REASONS.items()),
                     Column("reason_none", "理由なし", "int"),
                 ), rows)


def _comments_table(engine: Engine, period: Period, labels: Labels) -> Table:
    f = feedback.c
    q = (select(f.day, f.target_type, f.target, f.reason, f.comment)
         .where(_in(feedback, period), f.comment.is_not(None)).order_by(f.day.desc(), f.id.desc()).limit(200))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        r["title"] = labels.target(r["target_type"], r["target"])
        r["reason"] = REASONS.get(r["reason"] or "", "")
    return Table("feedback_comments", "「いいえ」に添えられたコメント", "新しい順に200件まで。", (
        Column("day", "日付", "date"), Column("target_type", "種類"), Column("target", "対象"),
        Column("title", "タイトル"), Column("reason", "理由"), Column("comment", "コメント"),
    ), rows)


# --- wizards --------------------------------------------------------------------

_SEGMENT = re.compile(r"[-/,>\s]+")


def path_depth(path: str) -> int:
    """How many answers a wizard path holds ("2-1-3" → 3, as helpcenter.wizard.paths encodes them)."""
    return len([p for p in _SEGMENT.split(path or "") if p])


@dataclass
class Funnel:
    wizard: str
    title: str
    started: int = 0
    reached: int = 0
    abandoned: int = 0
    in_progress: int = 0
    steps: list[dict[str, Any]] = field(default_factory=list)     # depth, node, visitors
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # node, visitors

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.reached, self.started)


def wizard_funnels(engine: Engine, period: Period, labels: Labels | None = None) -> list[Funnel]:
    """Per wizard: starts, answers per depth, outcomes, and abandoned starts.

    A start is abandoned when the same visitor reached no outcome of that wizard
    within a day of it; starts less than a day old are still in progress.
    """
    labels = labels or Labels()
    w = wizard_event.c
    # outcomes may land the day after a start late in the evening
    q = (select(w.day, w.visitor, w.wizard, w.event, w.node, w.path, w.created_at)
         .where(w.day >= period.since, w.day <= period.today + timedelta(days=1)))
    starts: dict[str, dict[tuple, datetime]] = defaultdict(dict)
    outcome_times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    steps: dict[str, dict[tuple[int, str], set]] = defaultdict(lambda: defaultdict(set))
    outcomes: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    with engine.connect() as conn:
        for r in conn.execute(q):
            day, at = _as_date(r.day), _aware(r.created_at)
            if r.event == "outcome":
                outcome_times[(r.wizard, r.visitor)].append(at)
            if day > period.today:
                continue
            who = (day, r.visitor)
            if r.event == "start":
                starts[r.wizard][who] = min(at, starts[r.wizard].get(who, at))
            elif r.event == "step":
                steps[r.wizard][(path_depth(r.path), r.node)].add(who)
            else:
                outcomes[r.wizard][r.node].add(who)
    funnels = []
    for wid in sorted(set(starts) | set(steps) | set(outcomes)):
        f = Funnel(wid, labels.wizard_titles.get(wid, ""), started=len(starts[wid]))
        for (day, visitor), at in starts[wid].items():
            done = any(at <= t <= at + timedelta(days=1) for t in outcome_times[(wid, visitor)])
            if done:
                f.reached += 1
            elif period.now - at < timedelta(days=1):
                f.in_progress += 1
            else:
                f.abandoned += 1
        f.steps = [{"depth": d, "node": labels.node(wid, n), "visitors": len(v)}
                   for (d, n), v in sorted(steps[wid].items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1]))]
        f.outcomes = [{"node": labels.node(wid, n), "visitors": len(v)}
                      for n, v in sorted(outcomes[wid].items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        funnels.append(f)
    return funnels


def _wizard_summary_table(engine: Engine, period: Period, labels: Labels) -> Table:
    rows = [{"wizard": f.wizard, "title": f.title, "started": f.started, "reached": f.reached,
             "completion_rate": f.completion_rate, "abandoned": f.abandoned, "in_progress": f.in_progress}
            for f in wizard_funnels(engine, period, labels)]
    return Table("wizard_summary", "診断ツールの利用状況",
                 "途中でやめた＝開始から1日以内に結果まで進まなかった人（開始から1日未満は「進行中」）。", (
                     Column("wizard", "ID"), Column("title", "診断ツール"), Column("started", "開始", "int"),
                     Column("reached", "結果まで進んだ", "int"), Column("completion_rate", "完了率", "rate"),
                     Column("abandoned", "途中でやめた", "int"), Column("in_progress", "進行中", "int"),
                 ), rows)


def _wizard_steps_table(engine: Engine, period: Period, labels: Labels) -> Table:
    rows = []
    for f in wizard_funnels(engine, period, labels):
        rows.append({"wizard": f.wizard, "stage": "開始", "node": "", "visitors": f.started})
        rows += [{"wizard": f.wizard, "stage": f"質問{s['depth']}", "node": s["node"], "visitors": s["visitors"]}
                 for s in f.steps]
        rows += [{"wizard": f.wizard, "stage": "結果", "node": o["node"], "visitors": o["visitors"]}
                 for o in f.outcomes]
    return Table("wizard_steps", "診断ツールの段階ごとの人数", "何問目にどの質問へ答えたか、どの結果に着いたか。", (
        Column("wizard", "診断ツール"), Column("stage", "段階"), Column("node", "ノード"),
        Column("visitors", "人数", "int"),
    ), rows)


# --- chat -----------------------------------------------------------------------

def _chat_replies_table(engine: Engine, period: Period, labels: Labels) -> Table:
    c = chat_event.c
    q = (select(c.reply_type, func.count().label("replies")).where(_in(chat_event, period), c.kind == "reply")
         .group_by(c.reply_type).order_by(func.count().desc(), c.reply_type))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    total = sum(r["replies"] for r in rows)
    for r in rows:
        r["share"] = _rate(r["replies"], total)
    return Table("chat_replies", "チャットの応答の種類", "", (
        Column("reply_type", "応答の種類"), Column("replies", "件数", "int"), Column("share", "割合", "rate"),
    ), rows)


def _chat_fallbacks_table(engine: Engine, period: Period, labels: Labels) -> Table:
    c = chat_event.c
    n = func.count().label("times")
    q = (select(c.kind, c.message, n, func.max(c.day).label("last_day"), func.max(c.faqs).label("faqs"))
         .where(_in(chat_event, period), c.message.is_not(None),
                ((c.kind == "reply") & (c.reply_type == FALLBACK)) | (c.kind == "unresolved"))
         .group_by(c.kind, c.message).order_by(n.desc(), func.max(c.day).desc(), c.message).limit(200))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q)]
    for r in rows:
        r["kind"] = "解決しなかった" if r["kind"] == "unresolved" else "回答できなかった"
        r["last_day"] = _as_date(r["last_day"])
    return Table("chat_fallbacks", "チャットで解決できなかったメッセージ",
                 "ボットが回答できなかったメッセージと、「解決しませんでした」が押されたメッセージ。", (
                     Column("kind", "種類"), Column("message", "メッセージ"), Column("times", "回数", "int"),
                     Column("faqs", "案内したFAQ"), Column("last_day", "最終日", "date"),
                 ), rows)


# --- the contact page -------------------------------------------------------------

CODE_SOURCES = {"contact": "お問い合わせページ", "wizard": "質問ガイドの結果", "chat": "チャット"}


@dataclass
class ContactSummary:
    views: int            # visitor-days that opened the contact page
    typed: int            # visitor-days that typed a problem into it
    typed_with_code: int  # of those, the ones that asked for a 受付番号 the same day (from anywhere)
    codes: dict[str, int]  # 受付番号 issued, by where they were asked for

    @property
    def deflected(self) -> int:
        return self.typed - self.typed_with_code

    @property
    def deflection_rate(self) -> float | None:
        """Members who typed their problem and then did not ask for a code."""
        return _rate(self.deflected, self.typed)


def contact_summary(engine: Engine, period: Period) -> ContactSummary:
    e, k = contact_event.c, contact_code.c
    with_code = exists().where(k.day == e.day, k.visitor == e.visitor)
    count_kind = (select(e.kind, func.count(), func.sum(case((with_code, 1), else_=0)))
                  .where(_in(contact_event, period)).group_by(e.kind))
    by_source = select(k.source, func.count()).where(_in(contact_code, period)).group_by(k.source)
    with engine.connect() as conn:
        kinds = {kind: (int(n or 0), int(w or 0)) for kind, n, w in conn.execute(count_kind)}
        codes = {src: int(n) for src, n in conn.execute(by_source)}
    return ContactSummary(kinds.get("view", (0, 0))[0], kinds.get("typed", (0, 0))[0],
                          kinds.get("typed", (0, 0))[1], codes)


def _contact_table(engine: Engine, period: Period, labels: Labels) -> Table:
    c = contact_summary(engine, period)
    rows = [
        {"metric": "お問い合わせページの閲覧", "value": format_value(c.views, "int")},
        {"metric": "内容を入力した", "value": format_value(c.typed, "int")},
        {"metric": "入力後に受付番号を発行しなかった割合（自己解決率）",
         "value": format_value(c.deflection_rate, "rate") + f"（{c.deflected:,} / {c.typed:,}）"},
    ]
    for source, label in CODE_SOURCES.items():
        rows.append({"metric": f"受付番号の発行（{label}）", "value": format_value(c.codes.get(source, 0), "int")})
    return Table("contact", "お問い合わせページ",
                 "人数は訪問者と日の組み合わせで数えます。自己解決率は、お問い合わせページで内容を入力した方のうち、"
                 "同じ日に受付番号を発行しなかった方の割合です。", (Column("metric", "指標"), Column("value", "値")), rows)


# --- the registry ---------------------------------------------------------------

TABLES: dict[str, Callable[[Engine, Period, Labels], Table]] = {
    "overview": _overview_table,
    "daily": _daily_table,
    "queries": _queries_table,
    "zero_results": _zero_results_table,
    "no_clicks": _no_clicks_table,
    "least_helpful": _least_helpful_table,
    "feedback_comments": _comments_table,
    "wizard_summary": _wizard_summary_table,
    "wizard_steps": _wizard_steps_table,
    "chat_replies": _chat_replies_table,
    "chat_fallbacks": _chat_fallbacks_table,
    "contact": _contact_table,
}


def build(name: str, engine: Engine, period: Period, labels: Labels | None = None) -> Table:
    """The report `name` (a key of TABLES) over the period. KeyError for an unknown name."""
    return TABLES[name](engine, period, labels or Labels())


# --- output ---------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(text: str) -> str:
    # what members typed must not run as a formula when an editor opens the file in Excel
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(table: Table) -> str:
    """UTF-8 text with a BOM (so Excel reads the Japanese), raw numbers and rates as 0.123."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        cells = []
        for c in table.columns:
            v = row.get(c.key)
            if v is None:
                cells.append("")
            elif c.kind == "rate":
                cells.append(f"{v:.4f}")
            elif c.kind == "date":
                cells.append(format_value(v, "date"))
            elif isinstance(v, (int, float)):
                cells.append(str(v))
            else:
                cells.append(_csv_safe(str(v)))
        writer.writerow(cells)
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def to_text(table: Table, max_rows: int = 20, max_cell: int = 40) -> str:
    """A terminal table that lines up full-width Japanese characters."""
    header = [c.label for c in table.columns]
    body = [[_clip(table.cell(r, c), max_cell) for c in table.columns] for r in table.rows[:max_rows]]
    widths = [max([_width(h)] + [_width(row[i]) for row in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        parts = []
        for cell, width, col in zip(cells, widths, table.columns):
            pad = " " * (width - _width(cell))
            parts.append(pad + cell if col.kind in ("int", "rate") else cell + pad)
        return "  ".join(parts).rstrip()

    out = [f"■ {table.title}"]
    if table.description:
        out.append(table.description)
    if not body:
        out.append("（データなし）")
        return "\n".join(out)
    out += [line(header), line(["-" * w for w in widths])]
    out += [line(row) for row in body]
    if len(table.rows) > max_rows:
        out.append(f"…ほか{len(table.rows) - max_rows}件（CSVで全件を出力できます）")
    return "\n".join(out)

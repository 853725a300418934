"""The report aggregations (SQLite and PostgreSQL), the SVG charts, CSV and text output,
`helpcenter report` and `helpcenter db purge`."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy
from sqlalchemy import func, select

from helpcenter import db
from helpcenter.analytics import charts, events, reports, retention
from helpcenter.cli import main
from helpcenter.contact import store as contact_store
from helpcenter.contact.trail import Trail

NOW = datetime(2024, 6, 30, 3, 0, tzinfo=timezone.utc)  # 12:00 on 2024-06-30 in Japan
P7 = reports.Period(7, date(2024, 6, 30), NOW)
P30 = reports.Period(30, date(2024, 6, 30), NOW)


def ago(days: float = 0, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def search(engine, visitor, normalized, results, at=NOW, page=1, query=None):
    events.record_search(engine, visitor=visitor, query=query or normalized, normalized=normalized,
                         results=results, category=None, page=page, at=at)


def test_the_period_covers_whole_japan_days_ending_today():
    assert P7.since == date(2024, 6, 24) and len(P7.dates()) == 7 and P7.dates()[-1] == P7.today
    late = datetime(2024, 6, 30, 16, 0, tzinfo=timezone.utc)  # 01:00 on 7/1 in Japan
    assert reports.Period.ending_now(7, late).today == date(2024, 7, 1)


def test_overview_counts_and_rates_within_the_period_only(db_engine):
    from helpcenter import views_store

    views_store.record_view(db_engine, 3816, "a", date(2024, 6, 30))
    views_store.record_view(db_engine, 3816, "b", date(2024, 6, 24))
    views_store.record_view(db_engine, 3816, "c", date(2024, 6, 23))  # a day too old for 7 days
    search(db_engine, "a", "sms", 3)
    search(db_engine, "b", "sms", 0)
    search(db_engine, "a", "sms", 3, page=2)  # paging is not another search
    search(db_engine, "c", "old", 0, at=ago(days=10))
    for v, helpful in (("a", True), ("b", True), ("c", False)):
        events.record_feedback(db_engine, visitor=v, target_type="faq", target="1", helpful=helpful,
                               reason=None, comment=None, at=ago(hours=1))
    events.record_chat(db_engine, visitor="a", reply_type="answer", message="x", faqs=[1], at=NOW)
    events.record_chat(db_engine, visitor="a", reply_type="fallback", message="y", faqs=[], at=NOW)
    events.record_chat(db_engine, visitor="a", reply_type="answer", message="z", faqs=[1], at=NOW)
    events.record_chat(db_engine, visitor="a", reply_type="answer", message="z", faqs=[1], at=NOW)
    events.record_chat_unresolved(db_engine, visitor="a", message="z", faqs=[1], at=NOW)
    o = reports.overview(db_engine, P7)
    assert (o.views, o.searches, o.zero_results) == (2, 2, 1)
    assert o.zero_result_rate == 0.5
    assert o.helpful_rate == pytest.approx(2 / 3)
    assert o.fallback_rate == 0.25 and o.chat_unresolved == 1
    assert [d["views"] for d in o.daily] == [1, 0, 0, 0, 0, 0, 1]
    assert o.daily[1]["zero_result_rate"] is None  # nothing searched that day: no rate, not 0%
    assert reports.overview(db_engine, P30).searches == 3


def test_an_empty_database_gives_no_rates_rather_than_zero(db_engine):
    o = reports.overview(db_engine, P30)
    assert (o.zero_result_rate, o.helpful_rate, o.fallback_rate) == (None, None, None)
    for name in reports.TABLES:
        assert reports.build(name, db_engine, P30).columns  # every table builds on nothing


def test_top_queries_zero_results_and_queries_nobody_clicked(db_engine):
    for i in range(5):
        search(db_engine, f"v{i}", "sms", 4)
    for i in range(3):
        events.record_search_click(db_engine, visitor=f"v{i}", normalized="sms", number=3816, rank=2, at=NOW)
    events.record_search_click(db_engine, visitor="v0", normalized="sms", number=3817, rank=1, at=NOW)
    for i in range(2):
        search(db_engine, f"v{i}", "ふっかつ", 0, query="ﾌｯｶﾂ")
    search(db_engine, "v0", "パスワード", 2)
    queries = {r["normalized"]: r for r in reports.build("queries", db_engine, P7).rows}
    assert [r["normalized"] for r in reports.build("queries", db_engine, P7).rows][0] == "sms"
    assert (queries["sms"]["searches"], queries["sms"]["clicks"], queries["sms"]["click_rate"]) == (5, 4, 0.6)
    assert queries["sms"]["mean_rank"] == 1.8
    zero = reports.build("zero_results", db_engine, P7).rows
    assert [(r["normalized"], r["searches"], r["example"]) for r in zero] == [("ふっかつ", 2, "ﾌｯｶﾂ")]
    no_click = reports.build("no_clicks", db_engine, P7).rows
    assert [(r["normalized"], r["no_click"]) for r in no_click] == [("sms", 2), ("パスワード", 1)]


def test_least_helpful_lists_the_most_no_votes_first_with_reasons(db_engine):
    def vote(v, target, helpful, reason=None, comment=None):
        events.record_feedback(db_engine, visitor=v, target_type="faq", target=target, helpful=helpful,
                               reason=reason, comment=comment, at=NOW)

    vote("a", "1", False, "missing")
    vote("b", "1", False, "missing", "載っていない")
    vote("c", "1", False)
    vote("d", "1", True)
    vote("a", "2", False, "steps")
    vote("a", "3", True)
    events.record_feedback(db_engine, visitor="a", target_type="wizard", target="w:end", helpful=False,
                           reason="other", comment=None, at=NOW)
    labels = reports.Labels(faq_titles={1: "SMSが届かない"}, wizard_titles={"w": "診断"})
    rows = reports.build("least_helpful", db_engine, P7, labels).rows
    assert [(r["target_type"], r["target"]) for r in rows] == [("faq", "1"), ("faq", "2"), ("wizard", "w:end")]
    first = rows[0]
    assert (first["title"], first["votes"], first["not_helpful"], first["helpful_rate"]) == ("SMSが届かない", 4, 3, 0.25)
    assert (first["reason_missing"], first["reason_none"], first["reason_steps"]) == (2, 1, 0)
    assert rows[2]["title"] == "診断"
    comments = reports.build("feedback_comments", db_engine, P7, labels).rows
    assert [(c["target"], c["reason"], c["comment"]) for c in comments] == [("1", "知りたい内容が載っていない", "載っていない")]


def test_wizard_funnels_count_steps_by_depth_outcomes_and_abandoned_starts(db_engine):
    def ev(v, event, node, path, at):
        events.record_wizard(db_engine, visitor=v, wizard="w", event=event, node=node, path=path, at=at)

    # a: finishes within the hour; b: gives up at the second question; c: starts late, finishes
    # after midnight (a different day, still within a day); d: starts an hour ago (in progress)
    ev("a", "start", "q1", "", ago(days=3))
    ev("a", "step", "q1", "1", ago(days=3))
    ev("a", "step", "q2", "1-2", ago(days=3))
    ev("a", "outcome", "end-ok", "1-2", ago(days=3))
    ev("b", "start", "q1", "", ago(days=3))
    ev("b", "step", "q1", "2", ago(days=3))
    late = datetime(2024, 6, 27, 14, 50, tzinfo=timezone.utc)  # 23:50 in Japan
    ev("c", "start", "q1", "", late)
    ev("c", "step", "q1", "1", late)
    ev("c", "outcome", "end-call", "1", late + timedelta(minutes=20))
    ev("d", "start", "q1", "", ago(hours=1))
    labels = reports.Labels(wizard_titles={"w": "診断"}, node_texts={("w", "q1"): "どの方法？"})
    (f,) = reports.wizard_funnels(db_engine, P7, labels)
    assert (f.title, f.started, f.reached, f.abandoned, f.in_progress) == ("診断", 4, 2, 1, 1)
    assert f.steps == [{"depth": 1, "node": "どの方法？（q1）", "visitors": 3},
                       {"depth": 2, "node": "q2", "visitors": 1}]
    assert sorted((o["node"], o["visitors"]) for o in f.outcomes) == [("end-call", 1), ("end-ok", 1)]
    assert f.completion_rate == 0.5
    summary = reports.build("wizard_summary", db_engine, P7, labels).rows
    assert summary[0]["abandoned"] == 1
    stages = [(r["stage"], r["visitors"]) for r in reports.build("wizard_steps", db_engine, P7, labels).rows]
    assert stages[:3] == [("開始", 4), ("質問1", 3), ("質問2", 1)]


def test_path_depth_reads_the_wizard_paths_encoding():
    assert [reports.path_depth(p) for p in ("", "1", "2-1-3", "2/1")] == [0, 1, 3, 2]


def test_chat_fallbacks_group_the_same_message(db_engine):
    for v in "abc":
        events.record_chat(db_engine, visitor=v, reply_type="fallback", message="ポイント", faqs=[], at=NOW)
    events.record_chat(db_engine, visitor="a", reply_type="answer", message="秘密", faqs=[1], at=NOW)
    events.record_chat_unresolved(db_engine, visitor="a", message="SMS", faqs=[1, 2], at=NOW)
    rows = reports.build("chat_fallbacks", db_engine, P7).rows
    assert [(r["kind"], r["message"], r["times"]) for r in rows] == [("回答できなかった", "ポイント", 3),
                                                                    ("解決しなかった", "SMS", 1)]
    types = {r["reply_type"]: r["replies"] for r in reports.build("chat_replies", db_engine, P7).rows}
    assert types == {"fallback": 3, "answer": 1}


# --- output ---------------------------------------------------------------------

def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_bar_charts_are_valid_svg_named_and_described_for_screen_readers():
    svg = _svg(charts.bar_chart("c1", "閲覧数 <日別>", ["06/29", "06/30"], charts.Series("閲覧", [3, 12])))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-t c1-d"
    assert svg.find(ns + "title").text == "閲覧数 <日別>"
    desc = svg.find(ns + "desc").text
    assert "合計 15" in desc and "最多 12（06/30）" in desc
    heights = [float(r.get("height")) for r in svg.iter(ns + "rect")]
    assert heights[1] == pytest.approx(4 * heights[0])


def test_line_charts_leave_gaps_for_days_without_data_and_tell_series_apart_without_colour():
    svg = _svg(charts.line_chart("c2", "割合", ["1", "2", "3", "4"], [
        charts.Series("0件", [0.5, None, 0.25, 0.75]), charts.Series("役立った", [None, None, None, None])]))
    ns = "{http://www.w3.org/2000/svg}"
    lines = list(svg.iter(ns + "polyline"))
    assert len(lines) == 1  # 3–4 joined; 1 stands alone; the empty series draws nothing
    assert len(list(svg.iter(ns + "circle"))) == 3
    legend = [g for g in svg.iter(ns + "g") if g.get("class") == "legend"][0]
    assert [ln.get("stroke-dasharray") for ln in legend.iter(ns + "line")] == [None, "6 4"]
    assert [t.text for t in legend.iter(ns + "text")] == ["0件", "役立った"]
    assert "役立った：データなし" in svg.find(ns + "desc").text


def test_csv_has_a_bom_raw_numbers_and_no_formulas():
    table = reports.Table("t", "T", "", (reports.Column("q", "キーワード"), reports.Column("n", "回数", "int"),
                                          reports.Column("r", "率", "rate")),
                          [{"q": "=1+1", "n": 1200, "r": 0.5}, {"q": "@SUM", "n": 0, "r": None},
                           {"q": "-2", "n": 3, "r": 1.0}, {"q": "普通", "n": 1, "r": 0.0}])
    text = reports.to_csv(table)
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == ["キーワード,回数,率", "'=1+1,1200,0.5000", "'@SUM,0,", "'-2,3,1.0000",
                                     "普通,1,0.0000"]


def test_text_tables_line_up_full_width_characters():
    table = reports.Table("t", "見出し", "", (reports.Column("q", "キーワード"), reports.Column("n", "回数", "int")),
                          [{"q": "ふっかつ", "n": 12}, {"q": "sms", "n": 3}])
    lines = reports.to_text(table).splitlines()
    widths = {reports._width(line) for line in lines[1:]}
    assert len(widths) == 1, lines


# --- CLI ------------------------------------------------------------------------

@pytest.fixture
def cli_env(tmp_path, monkeypatch, db_url):
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("HELPCENTER_DATABASE_URL", db_url)
    engine = db.make_engine(db_url)
    db.upgrade(engine, str(tmp_path / "instance"))
    yield engine
    engine.dispose()


def test_report_prints_the_key_tables(runner, cli_env):
    now = datetime.now(timezone.utc)
    search(cli_env, "a", "ふっかつのじゅもん", 0, at=now)
    events.record_feedback(cli_env, visitor="a", target_type="faq", target="3816", helpful=False,
                           reason="unclear", comment=None, at=now)
    events.record_chat(cli_env, visitor="a", reply_type="fallback", message="ポイント失効", faqs=[], at=now)
    result = runner.invoke(main, ["report", "--days", "7"])
    assert result.exit_code == 0, result.output
    out = result.output
    for heading in ("■ 概要", "■ よく検索されたキーワード", "■ 結果が0件だったキーワード", "■ 役に立たなかった回答",
                    "■ 診断ツールの利用状況", "■ チャットで解決できなかったメッセージ"):
        assert heading in out
    assert "直近7日間" in out and "ふっかつのじゅもん" in out and "ポイント失効" in out
    assert "検索結果0件の割合" in out and "100.0%" in out


def test_report_names_the_database_it_reads(runner, cli_env, db_url):
    from sqlalchemy.engine import make_url

    result = runner.invoke(main, ["report", "--days", "7"])
    assert result.exit_code == 0, result.output
    shown = make_url(db_url).render_as_string(hide_password=True)
    assert f"Database: {shown}" in result.stderr
    if make_url(db_url).password:
        assert make_url(db_url).password not in result.output


def test_report_outside_a_project_refuses_and_creates_no_database(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPCENTER_INSTANCE_DIR", raising=False)
    monkeypatch.delenv("HELPCENTER_DATABASE_URL", raising=False)
    result = runner.invoke(main, ["report"])
    assert result.exit_code == 1
    expected = tmp_path / "instance" / "helpcenter.sqlite3"
    assert f"Database: sqlite:///{expected}" in result.stderr
    assert "No help center database there" in result.stderr
    assert "■ 概要" not in result.output
    assert not (tmp_path / "instance").exists()


def test_report_refuses_an_empty_database_that_was_never_migrated(runner, tmp_path, monkeypatch):
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("HELPCENTER_DATABASE_URL", f"sqlite:///{empty}")
    result = runner.invoke(main, ["report"])
    assert result.exit_code == 1
    assert "No help center database there" in result.stderr
    engine = db.make_engine(f"sqlite:///{empty}")
    try:
        assert sqlalchemy.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_report_refuses_a_bad_period(runner, cli_env):
    assert runner.invoke(main, ["report", "--days", "0"]).exit_code == 2
    assert runner.invoke(main, ["report", "--days", "abc"]).exit_code == 2


def test_purge_deletes_events_older_than_the_given_days_only(runner, cli_env):
    from helpcenter import views_store
    from helpcenter.content.model import JST

    today = datetime.now(JST).date()
    now = datetime.now(timezone.utc)
    for age in (0, 9, 10, 11, 400):
        at = now - timedelta(days=age)
        views_store.record_view(cli_env, 1, f"v{age}", today - timedelta(days=age))
        search(cli_env, f"v{age}", "q", 1, at=at)
        events.record_feedback(cli_env, visitor=f"v{age}", target_type="faq", target="1", helpful=True,
                               reason=None, comment=None, at=at)
        events.record_chat(cli_env, visitor=f"v{age}", reply_type="answer", message=None, faqs=[], at=at)
        events.record_wizard(cli_env, visitor=f"v{age}", wizard="w", event="start", node="n", path="", at=at)
        events.record_search_click(cli_env, visitor=f"v{age}", normalized="q", number=1, rank=1, at=at)
        events.record_contact(cli_env, visitor=f"v{age}", kind="view", at=at)
        contact_store.issue(cli_env, visitor=f"v{age}", trail=Trail("contact", query="q"), secret="s", at=at)
    result = runner.invoke(main, ["db", "purge", "--older-than", "10d"])
    assert result.exit_code == 0, result.output
    assert "search_event: 2 row(s) deleted" in result.output
    with cli_env.connect() as conn:
        for table in db.EVENT_TABLES:
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 3, table.name


def test_purge_defaults_to_the_retention_setting_and_rejects_nonsense(runner, cli_env, monkeypatch):
    search(cli_env, "old", "q", 1, at=datetime.now(timezone.utc) - timedelta(days=181))
    search(cli_env, "new", "q", 1, at=datetime.now(timezone.utc) - timedelta(days=170))
    assert "search_event: 1 row(s) deleted" in runner.invoke(main, ["db", "purge"]).output
    for bad in ("ten", "-5d", "10w", ""):
        assert runner.invoke(main, ["db", "purge", "--older-than", bad]).exit_code == 2, bad


def test_ages_are_read_as_days():
    assert [retention.parse_age(s) for s in ("180d", "180", " 7D ", "0d")] == [180, 180, 7, 0]
    with pytest.raises(ValueError):
        retention.parse_age("3m")


def test_purge_forgets_old_failed_logins(db_engine):
    from helpcenter.analytics import logins

    logins.record_failure(db_engine, "c", datetime.now(timezone.utc) - timedelta(days=2))
    logins.record_failure(db_engine, "c")
    deleted = retention.purge(db_engine, 180, date.today())
    assert deleted["login_failure"] == 1
    assert logins.recent_failures(db_engine, "c", 300) == 1

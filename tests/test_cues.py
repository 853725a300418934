"""Content cues: zero-result and no-click searches and chat fallbacks grouped
by their normalised Sudachi words and reading, each with a proposed alias,
synonym group or new entry; on the dashboard, as CSV, and as YAML from
`helpcenter cues` that `helpcenter check --cues` validates."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone

import pytest
from support import CONTENT

from helpcenter.analytics import events, reports
from helpcenter.cli import main
from helpcenter.editorial import cues
from helpcenter.editorial.cues import Knowledge, Signal

PASSWORD = "test-admin-pw"


def know(search=None, vocabulary=(), aliases=None, synonyms=()) -> Knowledge:
    results = search or {}
    return Knowledge(lambda text: results.get(text, []),
                     {w: cues.reading_of(w) for w in vocabulary}, aliases or {}, [list(g) for g in synonyms])


# --- grouping ----------------------------------------------------------------------

def test_near_duplicates_are_grouped_by_words_and_by_reading():
    signals = [Signal("zero_results", "パスワード 忘れた", 3), Signal("chat_fallbacks", "パスワードを忘れてしまった", 1),
               Signal("no_clicks", "忘れた パスワード", 2),                   # word order
               Signal("zero_results", "住民表", 2), Signal("zero_results", "じゅうみんひょう", 1),  # same reading
               Signal("zero_results", "ペットの登録", 1)]
    groups = cues.group(signals)
    assert [(g.words, g.total) for g in groups] == [(("パスワード", "忘れる"), 6), (("住民", "表"), 3),
                                                    (("ペット", "登録"), 1)]
    assert groups[0].counts() == {"zero_results": 3, "no_clicks": 2, "chat_fallbacks": 1}
    assert groups[0].reading == "ぱすわーど わすれる"
    assert groups[0].example == "パスワード 忘れた"
    assert sorted(groups[1].queries()) == ["じゅうみんひょう", "住民表"]


def test_text_without_content_words_is_grouped_by_itself():
    groups = cues.group([Signal("zero_results", "？？", 1), Signal("zero_results", "  ", 4)])
    assert [g.total for g in groups] == [1]


# --- proposals ---------------------------------------------------------------------

def test_an_entry_most_members_opened_gets_their_wording_as_an_alias():
    g = cues.group([Signal("no_clicks", "パスワード 忘れた", 4),
                    Signal("clicked", "パスワードを忘れた", 0, clicked=((3801, 3), (3802, 1)))])[0]
    p = cues.propose(g, know())
    assert (p.kind, p.faq, p.aliases) == ("alias", 3801, ("パスワード 忘れた",))


def test_an_entry_search_ranks_clearly_first_gets_an_alias_unless_it_has_it():
    g = cues.group([Signal("chat_fallbacks", "ログインの合言葉", 2)])[0]
    assert cues.propose(g, know({"ログインの合言葉": [(10, 9.0), (11, 5.0)]})).faq == 10
    assert cues.propose(g, know({"ログインの合言葉": [(10, 9.0), (11, 8.0)]})).kind == "new_entry"  # too close
    had = know({"ログインの合言葉": [(10, 9.0)]}, aliases={10: ("ログインの合言葉",)})
    assert cues.propose(g, had).kind == "new_entry"


def test_an_unknown_word_that_shortens_a_question_word_proposes_a_synonym_group():
    g = cues.group([Signal("zero_results", "機種変", 3)])[0]
    p = cues.propose(g, know(vocabulary=("機種変更", "パスワード")))
    assert (p.kind, p.group) == ("synonym", ("機種変更", "機種変"))
    # a word already in a group: the proposal extends that group
    p = cues.propose(g, know(vocabulary=("機種変更",), synonyms=[("機種変更", "買い替え")]))
    assert p.group == ("機種変更", "買い替え", "機種変")


def test_short_latin_fragments_are_not_taken_for_shortenings():
    g = cues.group([Signal("zero_results", "fa", 3)])[0]
    assert cues.propose(g, know(vocabulary=("face",))).kind == "new_entry"
    g = cues.group([Signal("zero_results", "authenticat", 3)])[0]
    assert cues.propose(g, know(vocabulary=("authenticator",))).group == ("authenticator", "authenticat")


def test_nothing_close_proposes_a_new_entry():
    g = cues.group([Signal("zero_results", "ペットの登録", 2)])[0]
    p = cues.propose(g, know(vocabulary=("パスワード",)))
    assert (p.kind, p.title) == ("new_entry", "ペットの登録")


# --- the period, the dashboard and the command --------------------------------------

def record(engine, now=None):
    now = now or datetime.now(timezone.utc)
    for v in ("a", "b", "c"):
        events.record_search(engine, visitor=v, query="ふっかつのじゅもん", normalized="ふっかつのじゅもん",
                             results=0, category=None, page=1, at=now)
    events.record_search(engine, visitor="d", query="2段階認証 アプリ", normalized="2段階認証 アプリ", results=12,
                         category=None, page=1, at=now)
    events.record_search(engine, visitor="e", query="2段階認証 アプリ", normalized="2段階認証 アプリ", results=12,
                         category=None, page=1, at=now)
    events.record_search(engine, visitor="f", query="アプリ 2段階認証", normalized="アプリ 2段階認証", results=12,
                         category=None, page=1, at=now)
    events.record_search_click(engine, visitor="f", normalized="アプリ 2段階認証", number=3811, rank=2, at=now)
    events.record_search_click(engine, visitor="g", normalized="アプリ 2段階認証", number=3811, rank=2, at=now)
    events.record_chat(engine, visitor="h", reply_type="fallback", message="ペットを登録したい", faqs=[], at=now)


def test_signals_of_the_period_come_from_the_reports(db_engine):
    record(db_engine)
    got = sorted(cues.collect(db_engine, reports.Period.ending_now(30)), key=lambda s: (s.kind, s.text))
    assert [(s.kind, s.text, s.count, s.clicked) for s in got] == [
        ("chat_fallbacks", "ペットを登録したい", 1, ()), ("clicked", "アプリ 2段階認証", 0, ((3811, 2),)),
        ("no_clicks", "2段階認証 アプリ", 2, ()), ("zero_results", "ふっかつのじゅもん", 3, ())]
    # the opened entry of one wording makes the alias proposal for the other
    (group,) = [g for g in cues.group(got) if "アプリ" in g.words]
    assert group.total == 2 and group.clicks() == Counter({3811: 2}) and group.queries() == ["2段階認証 アプリ"]


def login(client):
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True)).group(1)
    assert client.post("/admin/login", data={"csrf_token": tok, "password": PASSWORD}).status_code == 303


def test_the_dashboard_lists_the_groups_with_proposals_csv_and_yaml(client, app):
    record(app.extensions["helpcenter.db"])
    login(client)
    html = client.get("/admin/cues?days=7").get_data(as_text=True)
    assert "コンテンツの改善案" in html
    rows = re.findall(r'<td class="k-text c-words">([^<]*)</td>', html)
    assert rows == ["ふっ 且つ 呪文", "2 アプリ 段階 認証", "ペット 登録"]  # most asked first
    changes = re.findall(r'<td class="k-text c-change">([^<]*)</td>', html)
    assert changes[1].startswith("No:3811「") and "aliases: 2段階認証 アプリ" in changes[1]
    csv = client.get("/admin/cues.csv?days=7").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("言葉（正規化形）,読み,入力例,件数")
    y = client.get("/admin/cues.yaml?days=7")
    assert y.status_code == 200 and "proposal: alias" in y.get_data(as_text=True)
    for junk in ("x", "-1", "%00", "99999999999999999999"):
        assert client.get(f"/admin/cues?days={junk}").status_code == 200


def test_the_cues_need_a_login(client):
    assert client.get("/admin/cues").status_code == 303
    assert client.get("/admin/cues.yaml").status_code == 303
    assert client.get("/admin/cues.csv").status_code == 401


def test_helpcenter_cues_prints_yaml_that_check_validates(runner, app, monkeypatch, tmp_path):
    record(app.extensions["helpcenter.db"])
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", app.config["HELPCENTER_INSTANCE_DIR"])
    monkeypatch.setenv("HELPCENTER_CONTENT_DIR", str(CONTENT))
    result = runner.invoke(main, ["cues", "--days", "30"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# helpcenter cues:") and "\ncues:\n  - words:" in text
    kinds = Counter(re.findall(r"proposal: (\w+)", text))
    assert kinds["alias"] >= 1 and sum(kinds.values()) == 3
    path = tmp_path / "cues.yaml"
    path.write_text(text, encoding="utf-8")
    checked = runner.invoke(main, ["check", "--cues", str(path)])
    assert checked.exit_code == 0, checked.output


def test_check_reports_every_problem_of_a_cues_file_with_line_and_field(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPCENTER_CONTENT_DIR", str(CONTENT))
    path = tmp_path / "cues.yaml"
    path.write_text("cues:\n"
                    "  - proposal: alias\n    faq: 999999\n    aliases: []\n"
                    "  - proposal: synonym\n    group: [スマホ, ｽﾏﾎ]\n"
                    "  - proposal: rewrite\n    colour: red\n"
                    "  - proposal: new_entry\n", encoding="utf-8")
    result = runner.invoke(main, ["check", "--cues", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [f"{path}:3: cues[0].faq: no FAQ with number 999999",
                     f"{path}:4: cues[0].aliases: must be a non-empty list of texts",
                     f"{path}:6: cues[1].group: a group needs at least two different words",
                     f"{path}:8: cues[2].colour: unknown field",
                     f"{path}:7: cues[2].proposal: must be one of alias, synonym, new_entry: 'rewrite'",
                     f"{path}:9: cues[3].title: missing or empty"]
    path.write_text("cues: [", encoding="utf-8")
    assert runner.invoke(main, ["check", "--cues", str(path)]).exit_code == 1
    assert runner.invoke(main, ["check", "--cues", str(tmp_path / "missing.yaml")]).exit_code == 1


def test_junk_on_the_editors_pages_never_causes_a_server_error(client, app):
    import random
    from urllib.parse import quote

    record(app.extensions["helpcenter.db"])
    login(client)
    rnd = random.Random(14)
    alphabet = "abc0１９あ漢%&?#/\\<>\"'\x00\x1f{}[]\ud800\U0001F600 -"
    urls = ["/admin/cues?days={}", "/admin/cues.yaml?days={}", "/admin/cues.csv?days={}", "/admin/review?{}",
            "/admin/review.csv?days={}", "/admin/history/{}", "/admin/history?{}", "/admin/audit?days={}",
            "/admin/audit.csv?{}"]
    for _ in range(60):
        junk = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        url = rnd.choice(urls).format(quote(junk.encode("utf-8", "surrogatepass"), safe=""))
        assert client.get(url).status_code in (200, 404), url

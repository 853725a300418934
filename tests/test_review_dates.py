"""Review dates: the optional `reviewed` front matter is validated with file,
line and field, shown as 「最終確認日」 on the FAQ page, and entries neither
reviewed nor updated within HELPCENTER_REVIEW_DAYS are listed on the dashboard
(oldest first, with a CSV) and counted by `helpcenter report`."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from support import faq_text

from helpcenter.cli import main
from helpcenter.content.loader import load_content
from helpcenter.content.model import JST
from helpcenter.editorial import review
from helpcenter.editorial.stored import EntryDates

PASSWORD = "test-admin-pw"


def write(root, number: int, **kw) -> None:
    (root / "faq" / f"{number}.md").write_text(faq_text(number, **kw), encoding="utf-8")


def login(client):
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/admin/login", data={"csrf_token": token, "password": PASSWORD}).status_code == 303


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=JST)


# --- content ---------------------------------------------------------------------

def test_reviewed_is_read_as_a_japan_date(small_content):
    write(small_content, 3, extra="reviewed: 2022-03-01\n")
    content, problems = load_content(small_content)
    assert problems == []
    assert content.faqs[3].reviewed == at("2022-03-01")
    assert content.faqs[1].reviewed is None


def test_a_bad_reviewed_date_is_named_with_file_line_and_field(small_content):
    write(small_content, 3, extra="reviewed: 2022/03/01\n")
    write(small_content, 4, extra="reviewed: 2020-01-01\n")  # before published 2021-04-23
    write(small_content, 5, extra=f"reviewed: {datetime.now(JST).year + 30}-01-01\n")
    write(small_content, 6, published="2021-04-23 16:00", extra="reviewed: 2021-04-23\n")  # same day: fine
    content, problems = load_content(small_content)
    assert content is None
    got = sorted(str(p) for p in problems)
    assert got[0] == "content/faq/3.md:7: reviewed: not a date: '2022/03/01' (write 2024-05-01)"
    assert got[1].startswith("content/faq/4.md:7: reviewed: is before published")
    assert got[2].startswith("content/faq/5.md:7: reviewed: is in the future")
    assert len(got) == 3


# --- the pure core ---------------------------------------------------------------

def entry(n: int, updated: str, reviewed: str | None = None) -> EntryDates:
    return EntryDates(n, f"質問{n}", at("2020-01-01"), at(updated), at(reviewed) if reviewed else None)


def test_an_entry_is_due_when_neither_reviewed_nor_updated_within_the_days():
    now = at("2026-12-01")
    entries = [entry(1, "2026-11-01"),                     # updated recently
               entry(2, "2025-01-01", reviewed="2026-10-01"),  # reviewed recently
               entry(3, "2025-01-01", reviewed="2025-03-01"),  # reviewed, but long ago
               entry(4, "2024-06-01"),                     # oldest
               entry(5, "2026-06-03")]                     # 181 days
    assert [e.number for e in review.due(entries, now, 180)] == [4, 3, 5]
    assert [e.number for e in review.due(entries, now, 365)] == [4, 3]


def test_the_review_table_says_how_many_days_ago_it_was_last_checked():
    table = review.table([entry(3, "2025-01-01", reviewed="2025-03-01")], at("2026-03-01"), 180)
    (row,) = table.rows
    assert row["days"] == 365 and row["number"] == 3
    assert [c.label for c in table.columns] == ["No", "タイトル", "更新日", "最終確認日", "経過日数"]


# --- pages, CSV and the report -------------------------------------------------

def test_the_faq_page_shows_the_review_date_beside_published_and_updated(make_app, small_content):
    write(small_content, 3, extra="reviewed: 2022-03-01 10:00\n")
    client = make_app(small_content).test_client()
    html = client.get("/faq/3").get_data(as_text=True)
    meta = re.search(r'<ul class="faq-meta".*?</ul>', html, re.S).group(0)
    assert re.search(r"公開日時：2021/04/23 16:00</li>\s*<li>更新日時：2021/05/01 10:00</li>\s*"
                     r"<li>最終確認日：2022/03/01</li>", meta), meta
    assert "最終確認日" not in client.get("/faq/1").get_data(as_text=True)


def test_the_dashboard_lists_entries_due_for_review_oldest_first_with_a_csv(make_app, small_content):
    recent = (datetime.now(JST) - timedelta(days=3)).strftime("%Y-%m-%d")
    write(small_content, 3, updated="2021-04-24 10:00")
    write(small_content, 4, updated="2021-05-01 10:00", extra=f"reviewed: {recent}\n")
    write(small_content, 5, updated=recent + " 09:00")
    app = make_app(small_content)
    client = app.test_client()
    login(client)
    html = client.get("/admin/review").get_data(as_text=True)
    assert "確認が必要なFAQ" in html
    listed = re.findall(r'<td class="k-text c-number"><a href="/faq/(\d+)">', html)
    assert listed == ["3", "1", "2"]  # 3 updated 2021-04-24, 1 and 2 on 2021-05-01 (by number)
    csv = client.get("/admin/review.csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "No,タイトル,更新日,最終確認日,経過日数"
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "1", "2"]


def test_the_review_days_setting_changes_the_list(make_app, small_content):
    app = make_app(small_content, REVIEW_DAYS=100000)
    client = app.test_client()
    login(client)
    assert "確認が必要なFAQはありません。" in client.get("/admin/review").get_data(as_text=True)


def test_the_review_list_and_its_csv_need_a_login(client):
    assert client.get("/admin/review").status_code == 303
    assert client.get("/admin/review.csv").status_code == 401


def test_helpcenter_report_shows_how_many_entries_are_due(runner, tmp_path, small_content, monkeypatch):
    from helpcenter.publishing import publish

    inst = tmp_path / "inst"
    publish(str(small_content), str(inst))
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(inst))
    monkeypatch.setenv("HELPCENTER_REVIEW_DAYS", "30")
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["report", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "■ 確認が必要なFAQ: 2件（30日以上" in result.output

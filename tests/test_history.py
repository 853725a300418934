"""Change history: when the content folder is a git checkout, each FAQ page
lists the dates its rendered answer changed with the commit's subject, and
the dashboard shows a diff of the rendered steps; computed at index time
(never per request). Without git nothing is shown and nothing fails."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from support import faq_text

from helpcenter.content.loader import load_content
from helpcenter.editorial import history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PASSWORD = "test-admin-pw"


def git(root, *args, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "編集者", "GIT_AUTHOR_EMAIL": "e@example.jp",
           "GIT_COMMITTER_NAME": "編集者", "GIT_COMMITTER_EMAIL": "e@example.jp"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def write(root, number: int, **kw) -> None:
    (root / "faq" / f"{number}.md").write_text(faq_text(number, **kw), encoding="utf-8")


@pytest.fixture
def repo(tmp_path, small_content):
    """A checkout whose content folder is a subfolder, with three commits to entry 1."""
    top = tmp_path
    git(top, "init", "-q")
    git(top, "add", "content")
    git(top, "commit", "-qm", "最初の版", when="2024-01-10T10:00:00+09:00")
    write(small_content, 1, title="SMSが届きません", body="①設定を開きます。\n②[変更画面](flow:two-factor-settings)へ。\n③完了です。")
    git(top, "commit", "-qam", "手順③を追加", when="2024-03-05T09:00:00+09:00")
    write(small_content, 1, title="SMSが届きません（更新）", updated="2024-03-06 10:00",
          body="①設定を開きます。\n②[変更画面](flow:two-factor-settings)へ。\n③完了です。")
    git(top, "commit", "-qam", "タイトルだけ直した", when="2024-03-06T09:00:00+09:00")
    write(small_content, 1, title="SMSが届きません（更新）", updated="2024-04-01 10:00",
          body="①アプリの設定を開きます。\n②[変更画面](flow:two-factor-settings)へ。\n③完了です。")
    git(top, "commit", "-qam", "設定の場所を修正", when="2024-04-01T09:00:00+09:00")
    return small_content


def test_only_commits_that_change_the_rendered_answer_count(repo):
    content, _ = load_content(repo)
    commits, blobs = history.read_log(repo)
    got = history.changes(content, commits, blobs)
    assert [(c.note, c.first) for c in got[1]] == [("設定の場所を修正", False), ("手順③を追加", False),
                                                  ("最初の版", True)]
    assert got[1][0].diff == (("-", "①設定を開きます。"), ("+", "①アプリの設定を開きます。"),
                              (" ", "②変更画面へ。"))
    assert got[1][1].diff[-1] == ("+", "③完了です。")
    assert got[1][0].at.isoformat() == "2024-04-01T00:00:00+00:00"
    assert [c.note for c in got[2]] == ["最初の版"]


def test_the_faq_page_lists_the_dates_the_answer_changed_with_the_notes(make_app, repo):
    client = make_app(repo).test_client()
    html = client.get("/faq/1").get_data(as_text=True)
    section = re.search(r'<section class="panel faq-history".*?</section>', html, re.S).group(0)
    assert "<h2 id=\"history-h\">変更履歴</h2>" in section
    items = re.findall(r"<time[^>]*>([^<]+)</time><span class=\"history-note\">([^<]+)</span>", section)
    assert items == [("2024/04/01", "設定の場所を修正"), ("2024/03/05", "手順③を追加")]  # not the first version
    assert "変更履歴" not in client.get("/faq/2").get_data(as_text=True)  # never changed since


def test_the_dashboard_shows_a_diff_of_the_rendered_steps(make_app, repo):
    client = make_app(repo).test_client()
    tok = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").get_data(as_text=True)).group(1)
    client.post("/admin/login", data={"csrf_token": tok, "password": PASSWORD})
    listing = client.get("/admin/history").get_data(as_text=True)
    assert re.findall(r'<a href="/admin/history/(\d+)">', listing) == ["1", "2"]
    html = client.get("/admin/history/1").get_data(as_text=True)
    assert '<li class="diff-del"><span class="diff-op" aria-hidden="true">−</span><span class="visually-hidden">削除：</span>①設定を開きます。</li>' in html
    assert '<li class="diff-add"><span class="diff-op" aria-hidden="true">+</span><span class="visually-hidden">追加：</span>①アプリの設定を開きます。</li>' in html
    assert client.get("/admin/history/999").status_code == 404
    assert client.get("/admin/history/abc").status_code == 404


def test_history_is_read_when_indexing_never_per_request(make_app, repo, monkeypatch):
    app = make_app(repo)

    def no_git(*a, **kw):
        raise AssertionError("git called while serving")

    monkeypatch.setattr(history.subprocess, "run", no_git)
    assert "変更履歴" in app.test_client().get("/faq/1").get_data(as_text=True)


def test_without_git_nothing_is_shown_and_nothing_fails(make_app, small_content, monkeypatch):
    assert history.read_log(small_content) == ([], {})  # not a checkout
    monkeypatch.setenv("PATH", "/nonexistent")  # no git at all
    assert history.read_log(small_content) == ([], {})
    client = make_app(small_content).test_client()
    assert "変更履歴" not in client.get("/faq/1").get_data(as_text=True)


def test_a_garbled_log_is_ignored():
    assert history.parse_log("") == [] and history.parse_log("\x1enot a commit") == []
    assert history.parse_log("\x1eabc\x1f12\x1fs\n:1 2 3 4\tfaq/1.md\n:bad line\n")[0].files == ()

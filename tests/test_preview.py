"""Drafts and the live preview: `draft: true` keeps an entry out of `index` and
`serve` (and published entries may not point at it), `helpcenter preview`
shows drafts under a 「プレビュー」 banner, rebuilds when a file changes, and a
failing build lists its problems (file, line, field) above the last good version."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from support import faq_text

from helpcenter.content.loader import load_content
from helpcenter.editorial.preview import signature
from helpcenter.web import preview as preview_web


def write(root, number: int, **kw) -> None:
    (root / "faq" / f"{number}.md").write_text(faq_text(number, **kw), encoding="utf-8")


def problems_of(root) -> list[str]:
    content, problems = load_content(root)
    assert content is None
    return [str(p) for p in problems]


# --- drafts in the content ------------------------------------------------------

def test_a_draft_is_validated_but_left_out_unless_drafts_are_asked_for(small_content):
    write(small_content, 3, title="下書きの質問", extra="draft: true\n")
    content, problems = load_content(small_content)
    assert problems == [] and list(content.faqs) == [1, 2]
    content, problems = load_content(small_content, drafts=True)
    assert problems == [] and content.faqs[3].draft and not content.faqs[1].draft


def test_draft_must_be_true_or_false(small_content):
    write(small_content, 3, extra="draft: yes please\n")
    assert "content/faq/3.md:7: draft: must be true or false: 'yes please'" in problems_of(small_content)


def test_published_entries_and_wizards_may_not_point_at_a_draft(small_content):
    write(small_content, 3, extra="draft: true\n")
    write(small_content, 4, extra="related: [3]\n", body="[下書き](/faq/3)を参照。")
    write(small_content, 5, extra="draft: true\nrelated: [3]\n", body="[下書き](/faq/3)")  # a draft may
    (small_content / "wizards").mkdir()
    (small_content / "wizards" / "w.yaml").write_text(
        "title: 診断\nstart: a\nnodes:\n  a:\n    question: どれ？\n    options:\n"
        "      - {label: x, next: b}\n      - {label: y, next: b}\n"
        "  b:\n    outcome:\n      heading: 結果\n      faqs: [3]\n", encoding="utf-8")
    got = problems_of(small_content)
    assert got == [
        "content/faq/4.md:7: related[0]: FAQ 3 is a draft (draft: true) and will not be published",
        "content/faq/4.md:9: body: link to /faq/3: FAQ 3 is a draft (draft: true) and will not be published",
        "content/wizards/w.yaml:12: nodes.b.outcome.faqs[0]: FAQ 3 is a draft (draft: true) and will not be published",
    ]
    assert load_content(small_content, drafts=True)[1] == []


def test_index_and_serve_leave_a_draft_out_everywhere(make_app, small_content):
    write(small_content, 3, title="下書きのバックアップキー", categories="[login]", extra="draft: true\n")
    client = make_app(small_content).test_client()
    assert client.get("/faq/3").status_code == 404
    assert "下書き" not in client.get("/category/login").get_data(as_text=True)
    assert client.get("/api/search?q=バックアップキー").get_json()["total"] == 0
    assert client.get("/faq/1").status_code == 200


# --- the preview ----------------------------------------------------------------

@pytest.fixture
def preview_app(tmp_path, small_content):
    write(small_content, 3, title="下書きの質問", extra="draft: true\n")
    app = preview_web.make_app(str(small_content), str(tmp_path / "preview"), debounce=0.05, poll=0.05)
    yield app
    preview_web.previewer_of(app).stop()
    app.extensions["helpcenter.index"].close()
    app.extensions["helpcenter.db"].dispose()


def test_the_preview_shows_drafts_under_a_preview_banner(preview_app):
    client = preview_app.test_client()
    html = client.get("/faq/3").get_data(as_text=True)
    assert "下書きの質問" in html and "下書き（draft: true）：公開されません" in html
    assert re.search(r'<div class="preview-banner" role="region" aria-label="プレビュー">.*'
                     r'<strong class="preview-label">プレビュー</strong>', html, re.S)
    assert "下書き1件を含む3件" in html
    home = client.get("/").get_data(as_text=True)
    assert "preview-banner" in home and "/static/js/preview.js" in home
    assert "下書き（draft" not in client.get("/faq/1").get_data(as_text=True)


def test_a_failing_build_lists_its_problems_above_the_last_good_version(preview_app, small_content):
    client = preview_app.test_client()
    prev = preview_web.previewer_of(preview_app)
    write(small_content, 1, title="新しいタイトル", updated="2021/13/01")
    state = prev.build()
    assert state.failing and state.builds == 1
    r = client.get("/faq/1")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "SMSが届きません" in html and "新しいタイトル" not in html  # the last good version
    assert "最後に成功した版を表示しています" in html
    assert re.search(r"<td><code>content/faq/1.md</code></td><td>6</td><td><code>updated</code></td>"
                     r"<td>not a date: &#39;2021/13/01&#39;", html), html
    write(small_content, 1, title="新しいタイトル")
    assert not prev.build().failing
    html = client.get("/faq/1").get_data(as_text=True)
    assert "新しいタイトル" in html and "最後に成功した版" not in html


def test_until_a_first_build_succeeds_every_page_is_the_list_of_problems(tmp_path, small_content):
    (small_content / "categories.yaml").write_text("- slug: Bad Slug\n  title: x\n", encoding="utf-8")
    app = preview_web.make_app(str(small_content), str(tmp_path / "preview"))
    try:
        r = app.test_client().get("/faq/1")
        assert r.status_code == 503
        html = r.get_data(as_text=True)
        assert "プレビューを作成できません" in html and "content/categories.yaml" in html
        assert app.test_client().get("/preview/status.json").get_json()["builds"] == 0
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()


def test_the_watcher_rebuilds_after_a_file_changes(preview_app, small_content):
    client = preview_app.test_client()
    prev = preview_web.previewer_of(preview_app)
    prev.start()
    before = client.get("/preview/status.json").get_json()["builds"]
    write(small_content, 2, title="保存したばかりの質問", extra="related: [1]\n")
    deadline = time.monotonic() + 15
    while client.get("/preview/status.json").get_json()["builds"] == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "保存したばかりの質問" in client.get("/faq/2").get_data(as_text=True)


def test_the_signature_ignores_hidden_and_backup_files(small_content):
    before = signature(small_content)
    (small_content / "faq" / ".1.md.swp").write_text("x")
    (small_content / "faq" / "1.md~").write_text("x")
    assert signature(small_content) == before
    (small_content / "faq" / "1.md").write_text("changed", encoding="utf-8")
    assert signature(small_content) != before


def test_junk_urls_in_the_preview_never_cause_a_server_error(preview_app):
    client = preview_app.test_client()
    for url in ("/preview/", "/preview/status.json?x=%00", "/preview/%ff", "/faq/%E3%81", "/preview/status.json/.."):
        assert client.get(url).status_code < 500, url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_helpcenter_preview_serves_the_working_copy_and_leaves_nothing_behind_when_stopped(small_content, tmp_path):
    write(small_content, 3, title="コマンドで見る下書き", extra="draft: true\n")
    port = free_port()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "helpcenter.cli", "preview", "--content", str(small_content),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(tmp)})
    try:
        deadline, html = time.monotonic() + 60, None
        while time.monotonic() < deadline and html is None:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/faq/3", timeout=5).read().decode()
            except OSError:
                time.sleep(0.2)
        assert html is not None, proc.stderr.read1().decode() if proc.poll() is not None else "no answer"
        assert "コマンドで見る下書き" in html and "preview-banner" in html
        assert [p.name for p in tmp.iterdir()][0].startswith("helpcenter-preview-")
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0
    assert list(tmp.iterdir()) == []  # the temporary instance (index, database) is removed


def test_stopping_the_preview_waits_for_the_build_under_way_and_starts_no_other(tmp_path, small_content, monkeypatch):
    import threading

    from helpcenter.editorial import preview as editorial_preview

    started, builds = threading.Event(), []
    real = editorial_preview.indexer.publish

    def slow_publish(content, instance_dir):
        builds.append("start")
        started.set()
        time.sleep(0.5)
        result = real(content, instance_dir)
        builds.append("end")
        return result

    monkeypatch.setattr(editorial_preview.indexer, "publish", slow_publish)
    prev = editorial_preview.Previewer(small_content, tmp_path / "preview", debounce=0.02, poll=0.02)
    prev.start()
    write(small_content, 3, title="保存した質問")
    assert started.wait(10)
    prev.stop()
    assert builds == ["start", "end"]  # the build under way was finished before stop() returned
    write(small_content, 4, title="止めた後の保存")
    time.sleep(0.3)
    assert builds == ["start", "end"]  # and no build started after it

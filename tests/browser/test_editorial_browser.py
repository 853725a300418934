"""The editors' workflow in a real browser: the preview (banner, drafts, the
page reloading itself after a save, a failed build's problems) and the new
dashboard pages, with axe-core (WCAG 2.2 A/AA) and no CSP violation."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_support import set_text_size
from support import copy_content, faq_text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "browser-admin-pw"  # what the live_server fixture sets
EDITOR_PAGES = ["/admin/review", "/admin/cues", "/admin/history", "/admin/history/3816", "/admin/audit"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def preview_server(tmp_path):
    content = copy_content(tmp_path / "content")
    (content / "faq" / "9001.md").write_text(
        faq_text(9001, "下書きのご質問です", "[login]", body="①下書きの手順です。"), encoding="utf-8")
    draft = (content / "faq" / "9001.md")
    draft.write_text(draft.read_text(encoding="utf-8").replace("---\n①", "draft: true\nreviewed: 2021-06-01\n---\n①"), encoding="utf-8")
    port = _free_port()
    log = open(tmp_path / "preview.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "helpcenter.cli", "preview", "--content", str(content),
                             "--port", str(port)], stdout=log, stderr=log, cwd=str(ROOT),
                            env=dict(os.environ, HELPCENTER_SECRET_KEY="preview-tests"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url + "/preview/status.json", timeout=2)
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("preview did not start:\n" + (tmp_path / "preview.log").read_text())
            time.sleep(0.3)
    yield url, content
    proc.terminate()
    proc.wait(10)
    log.close()


def test_the_preview_shows_drafts_reloads_after_a_save_and_lists_a_failed_builds_problems(page, preview_server,
                                                                                         axe):
    url, content = preview_server
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(url + "/faq/9001")
    banner = page.get_by_role("region", name="プレビュー")
    assert "編集中の内容です" in banner.inner_text()
    assert page.get_by_text("下書き（draft: true）：公開されません").is_visible()
    assert page.get_by_text("最終確認日：2021/06/01").is_visible()
    assert axe(page) == []
    path = content / "faq" / "9001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("下書きのご質問です", "保存した直後のご質問"),
                    encoding="utf-8")
    # preview.js notices the rebuild and reloads the page by itself
    page.get_by_role("heading", name="保存した直後のご質問").wait_for(timeout=20000)
    path.write_text(path.read_text(encoding="utf-8").replace("updated: 2021-05-01 10:00", "updated: 2021/13/01"),
                    encoding="utf-8")
    problems = page.get_by_role("alert")
    problems.get_by_text("最後に成功した版を表示しています").wait_for(timeout=20000)
    assert "content/faq/9001.md" in problems.inner_text() and "updated" in problems.inner_text()
    assert page.get_by_role("heading", name="保存した直後のご質問").is_visible()  # the last good version
    assert axe(page) == []
    assert violations == []


@pytest.mark.parametrize("size", ["S", "L"])
def test_axe_finds_no_violations_on_the_editors_pages(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/admin/login")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(live_server + "/admin/")
    for path in EDITOR_PAGES:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1, path
        assert axe(page) == [], path

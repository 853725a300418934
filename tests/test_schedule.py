"""Scheduled publishing and expiry (issue 14): an entry is visible from its
`published` minute until its `expires` minute, everywhere, without a rebuild."""
import time
from datetime import datetime

from helpcenter.content import schedule
from helpcenter.content.loader import load_content
from helpcenter.content.model import JST
from helpcenter.search import store as store_module
from support import faq_text

FUTURE = "2099-01-01 09:00"


def write(small_content, number, text):
    (small_content / "faq" / f"{number}.md").write_text(text, encoding="utf-8")


def scheduled_content(small_content):
    write(small_content, 2, faq_text(2, "宅配ボックスの使い方", published=FUTURE, updated=FUTURE,
                                     body="宅配ボックスは玄関にあります。"))
    write(small_content, 3, faq_text(3, "宅配ボックスの旧ルール", published="2020-01-01 09:00",
                                     updated="2020-01-01 09:00", extra="expires: 2021-01-01 09:00\n",
                                     body="宅配ボックスの旧ルールです。"))
    write(small_content, 4, faq_text(4, "宅配ボックスが開かない", extra="related: [2, 3]\n",
                                     body="暗証番号をご確認ください。[使い方](/faq/2)もご覧ください。"))
    return small_content


def test_expires_must_be_a_date_after_published(small_content):
    write(small_content, 2, faq_text(2, extra="expires: someday\n"))
    write(small_content, 3, faq_text(3, extra="expires: 2020-01-01\n"))
    _, problems = load_content(small_content)
    found = {(p.file, p.field) for p in problems}
    assert ("content/faq/2.md", "expires") in found and ("content/faq/3.md", "expires") in found
    assert any("not a date" in p.message for p in problems) and any("not after published" in p.message
                                                                      for p in problems)


def test_check_warns_about_links_to_entries_not_visible_and_still_passes(small_content, runner, monkeypatch):
    from helpcenter.cli import main

    content, problems = load_content(scheduled_content(small_content))
    assert not problems, problems
    warned = schedule.warnings(content, datetime.now(JST))
    assert {(w.file, w.field) for w in warned} == {("content/faq/4.md", "related"), ("content/faq/4.md", "body")}
    assert any("not published until 2099-01-01" in w.message for w in warned)
    assert any("expired at 2021-01-01" in w.message for w in warned)
    monkeypatch.setenv("HELPCENTER_CONTENT_DIR", str(small_content))
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0 and "warning: content/faq/4.md: related: FAQ 2" in result.output


def test_future_and_expired_entries_are_invisible_everywhere(make_app, small_content):
    app = make_app(scheduled_content(small_content))
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "宅配ボックスの使い方" not in home and "宅配ボックスの旧ルール" not in home
    cat = client.get("/category/two-factor").get_data(as_text=True)
    assert "宅配ボックスが開かない" in cat and "宅配ボックスの使い方" not in cat and "旧ルール" not in cat
    found = client.get("/api/search?q=宅配ボックス").get_json()
    assert [r["number"] for r in found["results"]] == [4]
    assert [s["number"] for s in client.get("/api/suggest?q=宅配").get_json()["suggestions"]] == [4]
    assert client.get("/faq/2").status_code == 404
    gone = client.get("/faq/3")
    assert gone.status_code == 410
    page = gone.get_data(as_text=True)
    assert "公開を終了しました" in page and 'action="/search"' in page
    faq4 = client.get("/faq/4").get_data(as_text=True)
    assert 'href="/faq/2"' in faq4  # the link in the answer stays (check warns about it)
    assert 'id="related-h"' not in faq4  # both related entries hidden: no related list at all
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/faq/4" in sitemap and "/faq/2" not in sitemap and "/faq/3" not in sitemap
    assert "/faq/2" not in client.get("/feed.atom").get_data(as_text=True)


def test_a_scheduled_entry_appears_at_its_minute_without_a_rebuild(make_app, small_content, monkeypatch):
    app = make_app(scheduled_content(small_content))
    client = app.test_client()
    assert client.get("/faq/2").status_code == 404
    assert 2 not in [r["number"] for r in client.get("/api/search?q=宅配ボックス").get_json()["results"]]
    later = datetime(2099, 1, 1, 9, 1, tzinfo=JST).timestamp()
    monkeypatch.setattr(store_module.time, "time", lambda: later)
    assert client.get("/faq/2").status_code == 200
    assert 2 in [r["number"] for r in client.get("/api/search?q=宅配ボックス").get_json()["results"]]
    assert "宅配ボックスの使い方" in client.get("/category/two-factor").get_data(as_text=True)


def test_the_preview_shows_future_and_expired_entries(small_content, tmp_path):
    from helpcenter.web.preview import make_app

    app = make_app(str(scheduled_content(small_content)), str(tmp_path / "preview-instance"))
    try:
        client = app.test_client()
        assert client.get("/faq/2").status_code == 200 and client.get("/faq/3").status_code == 200
        assert {2, 3, 4} <= {r["number"] for r in client.get("/api/search?q=宅配ボックス").get_json()["results"]}
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()


def test_visibility_is_judged_per_minute_by_the_engine(gen):
    engine = gen.engine
    now = time.time()
    assert engine.visible(now) is None  # every published entry of content/ is visible
    assert engine.visibility_key(now) == engine.visibility_key(now + 1)


def test_visible_equals_the_mask_at_every_change(gen, monkeypatch):
    """Engine.visible answers None without a mask between the last
    publication and the first expiry; elsewhere the mask, as defined."""
    import numpy as np

    engine = gen.engine
    published = engine.published.copy()
    expires = engine.expires.copy()
    published[0] = published.max() + 100
    expires[1] = published.max() + 50  # all visible for 50 seconds from entry 0's publication
    monkeypatch.setattr(engine, "published", published)
    monkeypatch.setattr(engine, "expires", expires)
    monkeypatch.setattr(engine, "_all_visible", (int(published.max()), int(expires.min())))
    seen = set()
    for t in sorted({int(x) for x in published} | {int(x) for x in expires if x < 2 ** 62}):
        for now in (t - 1, t, t + 0.5):
            mask = (published <= now) & (expires > now)
            got = engine.visible(now)
            assert (got is None) == bool(mask.all()) and (got is None or np.array_equal(got, mask))
            seen.add(got is None)
    assert seen == {True, False}

"""Feedback and the editors' dashboard in a real browser on the live gunicorn server."""
from __future__ import annotations

import inspect
import uuid

import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser

PASSWORD = "browser-admin-pw"  # what the live_server fixture sets
FAQ = "/faq/3816"
ADMIN_PAGES = ["/admin/", "/admin/searches", "/admin/feedback", "/admin/wizards", "/admin/chat"]


def _search_view_records_searches() -> bool:
    # The lead wires record_search into the search view; until then the
    # zero-result test below has nothing to find on the dashboard.
    import importlib

    for name in ("helpcenter.web.search", "helpcenter.web.api"):
        try:
            if "record_search" in inspect.getsource(importlib.import_module(name)):
                return True
        except ModuleNotFoundError:
            continue
    return False


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(base + "/admin/")


@pytest.mark.skipif(not _search_view_records_searches(),
                    reason="the search view does not call analytics.events.record_search yet (the lead wires it)")
def test_a_nonsense_search_shows_up_as_a_zero_result_query_on_the_dashboard(page, live_server):
    nonsense = "zqxw" + uuid.uuid4().hex[:8]
    page.goto(f"{live_server}/search?q={nonsense}")
    log_in(page, live_server)
    page.goto(live_server + "/admin/searches?days=7")
    section = page.locator("section.report", has=page.get_by_role("heading", name="結果が0件だったキーワード"))
    assert nonsense in section.inner_text()


def test_feedback_with_javascript_asks_the_reason_in_place_and_reaches_the_dashboard(page, live_server):
    comment = "図があるとわかりやすい " + uuid.uuid4().hex[:6]
    page.goto(live_server + FAQ)
    page.get_by_role("button", name="いいえ").click()
    status = page.locator(".feedback-status")
    status.get_by_text("理由を教えてください").wait_for()
    assert page.url == live_server + FAQ  # no page load
    page.get_by_label("説明がわかりにくい").check()
    page.get_by_label("ご意見（任意・500文字以内）").fill(comment)
    page.get_by_role("button", name="送信する").click()
    status.get_by_text("ご回答ありがとうございました").wait_for()
    assert page.locator(".feedback-reason").is_hidden()
    assert page.url == live_server + FAQ
    page.reload()
    page.get_by_role("button", name="はい").click()
    status.get_by_text("すでにご回答いただいています").wait_for()

    log_in(page, live_server)
    page.goto(live_server + "/admin/feedback?days=7")
    assert comment in page.locator("main").inner_text()


def test_feedback_without_javascript_goes_through_the_reason_page_and_back(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = ctx.new_page()
    page.goto(live_server + FAQ)
    page.get_by_role("button", name="いいえ").click()
    page.wait_for_url("**/feedback/reason?**")
    page.get_by_label("手順どおりにできない").check()
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/feedback/thanks?**")
    assert page.get_by_role("heading", name="ご回答ありがとうございました").is_visible()
    page.get_by_role("link", name="元のページへ戻る").click()
    page.wait_for_url(live_server + FAQ)
    ctx.close()


def test_the_dashboard_needs_a_login_and_logging_out_ends_it(page, live_server):
    page.goto(live_server + "/admin/wizards")
    assert "/admin/login" in page.url
    log_in(page, live_server)
    page.get_by_role("button", name="ログアウト").click()
    page.get_by_text("ログアウトしました").wait_for()
    page.goto(live_server + "/admin/")
    assert "/admin/login" in page.url


def test_the_period_switch_changes_the_overview(page, live_server):
    log_in(page, live_server)
    page.get_by_role("link", name="直近90日").click()
    page.wait_for_url("**/admin/?days=90")
    assert page.get_by_role("link", name="直近90日").get_attribute("aria-current") == "true"
    assert page.locator("svg.chart").count() == 3
    # the daily table holds a row for each of the 90 days
    assert page.locator("section[aria-labelledby=daily-h] tbody tr").count() == 90


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_axe_finds_no_wcag22_aa_violations_on_the_dashboard(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/admin/login")
    assert axe(page) == []
    log_in(page, live_server)
    for path in ADMIN_PAGES:
        page.goto(live_server + path)
        assert f"fs-{size}" in page.locator("html").get_attribute("class")
        assert axe(page) == [], path


def test_axe_finds_no_violations_in_the_feedback_steps(context, live_server, axe):
    page = context.new_page()
    page.goto(live_server + "/faq/3817")
    page.get_by_role("button", name="いいえ").click()
    page.locator(".feedback-reason").wait_for(state="visible")
    assert axe(page) == []
    page.goto(live_server + "/feedback/reason?target_type=faq&target=3817&next=/faq/3817")
    assert axe(page) == []
    page.goto(live_server + "/feedback/thanks?next=/faq/3817")
    assert axe(page) == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/feedback", "/admin/wizards"])
def test_large_text_on_a_phone_keeps_the_dashboard_within_the_screen(browser, live_server, path):
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2)
    set_text_size(ctx, live_server, "L")
    page = ctx.new_page()
    log_in(page, live_server)
    page.goto(live_server + path)
    # wide tables scroll inside their own region, never the page
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    ctx.close()

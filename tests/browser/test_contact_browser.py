"""The contact page in a real browser: typing shows matching FAQs and wizards
(and the same without JavaScript), 受付番号 from the page, a wizard outcome and
the chat widget's fallback, staff reading it on /admin/lookup, no CSP
violation, and axe-core at S, M and L."""
import re

import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser

PASSWORD = "browser-admin-pw"  # what the live_server fixture sets
CODE = re.compile(r"^[23456789ACDEFGHJKMNPQRTVWXY]{3}-[23456789ACDEFGHJKMNPQRTVWXY]{4}$")
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective); });
"""


def log_in(page, base: str) -> None:
    page.goto(base + "/admin/login")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(base + "/admin/")


def lookup(page, base: str, code: str) -> str:
    page.goto(base + "/admin/lookup")
    page.get_by_label("お客様の受付番号").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="表示する").click()
    page.wait_for_selector(".lookup-result")
    return page.locator(".lookup-result").inner_text()


def test_typing_shows_matches_and_the_code_carries_what_was_typed(context, live_server):
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(live_server + "/contact")
    assert page.locator("#contact-matches h3").count() == 0
    box = page.get_by_label("お困りの内容")
    box.press_sequentially("コードが届かない", delay=20)
    page.wait_for_selector("#contact-matches .contact-faqs a")
    assert page.locator("#contact-matches a[href='/wizard/code-not-arriving']").count() == 1
    assert page.locator("#contact-matches .contact-faqs li").count() >= 3
    assert "見つかりました" in page.locator("#contact-status").inner_text()  # announced to screen readers
    assert "/contact?q=" in page.url  # reload and share keep what was typed
    # a match is a plain link to the answer
    first = page.locator("#contact-matches .contact-faqs a").first.get_attribute("href")
    assert first.startswith("/faq/")
    page.get_by_role("button", name="問い合わせ番号を発行する").click()
    page.wait_for_url("**/contact/code/**")
    code = page.locator(".contact-code-value strong").inner_text()
    assert CODE.match(code), code
    assert "0120-000-123" in page.content()
    assert page.evaluate("window.__csp") == []
    log_in(page, live_server)
    result = lookup(page, live_server, code)
    assert f"受付番号 {code}" in result and "コードが届かない" in result


def test_without_javascript_submitting_shows_the_same_matches(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="ja-JP")
    try:
        page = ctx.new_page()
        page.goto(live_server + "/contact")
        page.get_by_label("お困りの内容").fill("機種変更")
        page.get_by_role("button", name="解決方法を探す").click()
        page.wait_for_url("**/contact?q=*")
        assert page.locator("#contact-matches a[href='/wizard/changing-phones']").count() == 1
        page.get_by_role("button", name="問い合わせ番号を発行する").click()
        page.wait_for_url("**/contact/code/**")
        assert CODE.match(page.locator(".contact-code-value strong").inner_text())
    finally:
        ctx.close()


def test_a_wizard_outcome_that_offers_contact_gives_a_code_with_its_answers(page, live_server):
    page.goto(live_server + "/wizard/cannot-use-2fa")
    page.locator(".wizard-options a.wizard-option").nth(3).click()
    page.wait_for_selector("#wizard-contact")
    page.locator("#wizard-contact").get_by_role("button", name="問い合わせ番号を発行する").click()
    page.wait_for_url("**/contact/code/**")
    code = page.locator(".contact-code-value strong").inner_text()
    log_in(page, live_server)
    result = lookup(page, live_server, code)
    assert "質問ガイドの結果" in result and "まず、いまの認証方法を確認しましょう" in result


def test_the_chat_widget_fallback_gives_a_code_in_the_conversation(page, live_server):
    page.goto(live_server + "/")
    page.locator("#chat-launcher").click()
    panel = page.get_by_role("dialog", name="チャットで質問する")
    box = panel.get_by_label("ご質問")
    box.fill("明日の東京の天気は？")
    box.press("Enter")
    page.wait_for_selector("#chat-panel .chat-fallback .chat-code-button")
    assert panel.locator(".chat-fallback a[href='/contact']").count() == 1
    panel.get_by_role("button", name="問い合わせ番号を発行する").click()
    page.wait_for_selector("#chat-panel .chat-code-value strong")
    code = panel.locator(".chat-code-value strong").inner_text()
    assert CODE.match(code), code
    log_in(page, live_server)
    assert "明日の東京の天気は？" in lookup(page, live_server, code)


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_axe_finds_no_violations_on_the_contact_pages(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/contact")
    assert axe(page) == [], "/contact"
    page.get_by_label("お困りの内容").press_sequentially("パスワード", delay=20)
    page.wait_for_selector("#contact-matches .contact-faqs a")
    assert axe(page) == [], "/contact with matches"
    page.get_by_role("button", name="問い合わせ番号を発行する").click()
    page.wait_for_url("**/contact/code/**")
    assert axe(page) == [], page.url
    code = page.locator(".contact-code-value strong").inner_text()
    log_in(page, live_server)
    lookup(page, live_server, code)
    assert axe(page) == [], "/admin/lookup"


def test_the_contact_page_fits_a_phone_at_large_text(browser, live_server):
    ctx = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
    try:
        set_text_size(ctx, live_server, "L")
        page = ctx.new_page()
        page.goto(live_server + "/contact?q=コードが届かない")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        ctx.close()

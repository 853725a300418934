"""The chatbot in a real browser: the widget on every page (keyboard, focus,
answers with working links, fallback), /chat without JavaScript, and axe-core."""
import urllib.request

import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser


def open_widget(page):
    launcher = page.locator("#chat-launcher")
    assert launcher.get_attribute("role") == "button"
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    panel = page.get_by_role("dialog", name="チャットで質問する")
    panel.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "chat-widget-message"
    return panel


def ask(page, panel, text, replies_before):
    box = panel.get_by_label("ご質問")
    box.fill(text)
    box.press("Enter")
    bubbles = panel.locator(".chat-log .chat-bot")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat-panel .chat-log .chat-bot').length > n", arg=replies_before)
    return bubbles.last


def test_widget_answers_and_falls_back(page, live_server):
    page.goto(live_server + "/faq/3807")
    panel = open_widget(page)
    reply = ask(page, panel, "SMSが届かない", 1)
    assert "chat-fallback" not in reply.get_attribute("class")
    links = reply.locator(".chat-faqs a")
    assert links.count() >= 1
    href = links.first.get_attribute("href")
    assert href.startswith("/faq/")
    with urllib.request.urlopen(live_server + href) as r:
        assert r.status == 200
    assert reply.get_by_role("button").count() >= 2  # choices or はい/いいえ
    # off-topic: the honest fallback with the contact channels
    fallback = ask(page, panel, "明日の東京の天気は？", 2)
    assert "chat-fallback" in fallback.get_attribute("class")
    assert "0120-000-123" in fallback.inner_text()
    # Escape closes and gives focus back to the launcher
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "chat-launcher"
    # the conversation survives navigation
    page.goto(live_server + href)
    panel = open_widget(page)
    assert panel.locator(".chat-user").count() == 2


def test_widget_answer_link_and_buttons(page, live_server):
    page.goto(live_server + "/")
    panel = open_widget(page)
    reply = ask(page, panel, "苗字変わった", 1)
    assert "解決しましたか？" in reply.inner_text()
    reply.get_by_role("button", name="はい").click()
    page.wait_for_function("() => document.querySelectorAll('#chat-panel .chat-log .chat-bot').length > 2")
    assert "よかった" in panel.locator(".chat-bot").last.inner_text()
    # user text is shown as text, never as markup
    ask(page, panel, "<img src=x onerror=window.pwned=1>", 3)
    assert panel.locator(".chat-user").last.locator("p").last.inner_text() == "<img src=x onerror=window.pwned=1>"
    assert page.evaluate("window.pwned === undefined")


def test_chat_page_works_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.locator("#chat-launcher").click()  # a plain link
    page.wait_for_load_state()
    assert page.url.endswith("/chat")
    page.get_by_label("ご質問").fill("苗字変わった")
    page.get_by_role("button", name="送信").click()
    page.wait_for_load_state()
    assert page.locator(".chat-log a[href='/faq/4123']").count() == 1
    page.get_by_role("button", name="いいえ").click()
    page.wait_for_load_state()
    assert "お役に立てず" in page.locator(".chat-log").inner_text()
    ctx.close()


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_axe_with_the_widget_open(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/")
    panel = open_widget(page)
    ask(page, panel, "機種変更", 1)
    assert axe(page) == []


@pytest.mark.parametrize("size", ["S", "L"])
def test_axe_on_the_chat_page(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/chat")
    assert axe(page) == []
    page.get_by_label("ご質問").fill("SMSが届かない")
    page.get_by_role("button", name="送信").click()
    page.wait_for_load_state()
    assert axe(page) == []

"""Search in a real browser: find-as-you-type with the keyboard, the results
page, and accessibility at every text size."""
import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser


def test_suggestions_appear_as_you_type_and_keys_navigate(page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="キーワードで探す")
    box.press_sequentially("パスワ", delay=40)
    listbox = page.locator("#q-suggest")
    listbox.wait_for(state="visible")
    options = page.get_by_role("option")
    assert options.count() >= 2
    assert box.get_attribute("aria-expanded") == "true"
    assert "パスワード" in options.first.inner_text()

    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggest-0"
    assert options.nth(0).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggest-1"
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == "q-suggest-0"
    title = options.nth(0).inner_text()

    box.press("Enter")
    page.wait_for_url("**/faq/*")
    assert page.locator("h1").inner_text().endswith(title)


def test_escape_closes_the_suggestions_and_enter_then_searches(page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="キーワードで探す")
    box.press_sequentially("機種変更", delay=40)
    page.locator("#q-suggest").wait_for(state="visible")
    box.press("Escape")
    assert page.locator("#q-suggest").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("h1").inner_text() == '「機種変更」の検索結果'
    assert page.locator("mark").count() > 0


def test_search_form_works_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live_server + "/")
    page.get_by_role("combobox", name="キーワードで探す").fill("メール来ない")
    page.get_by_role("button", name="検索").click()
    page.wait_for_url("**/search?q=*")
    assert "件を表示" in page.locator(".range-status").first.inner_text()
    ctx.close()


@pytest.mark.parametrize("size", ["S", "M", "L"])
@pytest.mark.parametrize("path", ["/search?q=機種変更", "/search?q=🍣🍺", "/search", "/search?q=2段階認証&page=2"])
def test_axe_finds_no_wcag22_aa_violations_on_search_pages(context, live_server, axe, size, path):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + path)
    assert f"fs-{size}" in page.locator("html").get_attribute("class")
    assert axe(page) == []


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_axe_passes_with_the_suggestions_open(context, live_server, axe, size):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="キーワードで探す")
    box.press_sequentially("認証", delay=40)
    page.locator("#q-suggest").wait_for(state="visible")
    box.press("ArrowDown")
    assert axe(page) == []

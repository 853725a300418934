"""The browsing pages in a real browser: text size, pagination, accessibility."""
import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser


def test_text_size_switch_persists_across_pages_and_reloads(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("class") == "fs-M"
    page.get_by_role("button", name="文字サイズ 大（L）").click()
    page.wait_for_function("() => document.documentElement.classList.contains('fs-L')")
    assert page.get_by_role("button", name="文字サイズ 大（L）").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="文字サイズ 中（M）").get_attribute("aria-pressed") == "false"
    big = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    page.reload()
    assert "fs-L" in page.locator("html").get_attribute("class")
    page.goto(live_server + "/faq/3816")
    assert "fs-L" in page.locator("html").get_attribute("class")
    page.get_by_role("button", name="文字サイズ 小（S）").click()
    page.wait_for_function("() => document.documentElement.classList.contains('fs-S')")
    small = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert small < big


def test_text_size_switch_works_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live_server + "/category/two-factor?page=2")
    page.get_by_role("button", name="文字サイズ 大（L）").click()
    page.wait_for_load_state()
    assert page.url.endswith("/category/two-factor?page=2")
    assert "fs-L" in page.locator("html").get_attribute("class")
    ctx.close()


def test_pagination_by_clicking_shows_the_seed_page_two(page, live_server):
    page.goto(live_server + "/category/two-factor")
    page.locator("nav.pagination").first.get_by_role("link", name="次へ").click()
    page.wait_for_url("**/category/two-factor?page=2")
    assert page.locator(".range-status").first.inner_text() == "24件中 11 - 20 件を表示"
    assert page.locator(".page-status").first.inner_text() == "2 / 3ページ"
    numbers = page.locator(".faq-list .faq-meta li:first-child").all_inner_texts()
    assert numbers == ["No:" + n for n in
                       "3822 3821 3816 3820 3818 3817 3815 3814 3811 3810".split()]
    page.locator("nav.pagination").first.get_by_role("link", name="3ページ目").click()
    page.wait_for_url("**/category/two-factor?page=3")
    assert page.locator(".range-status").first.inner_text() == "24件中 21 - 24 件を表示"


@pytest.mark.parametrize("size", ["S", "M", "L"])
@pytest.mark.parametrize("path", ["/", "/category/two-factor?page=2", "/faq/3816"])
def test_axe_finds_no_wcag22_aa_violations(context, live_server, axe, size, path):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + path)
    assert f"fs-{size}" in page.locator("html").get_attribute("class")
    assert axe(page) == []


@pytest.mark.parametrize("path", ["/", "/category/two-factor?page=2", "/faq/3816"])
def test_large_text_on_a_phone_does_not_overflow_sideways(browser, live_server, path):
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2)
    set_text_size(ctx, live_server, "L")
    page = ctx.new_page()
    page.goto(live_server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    ctx.close()


def test_200_percent_zoom_keeps_content_within_the_viewport(browser, live_server):
    # 200% zoom of a 1280px window lays the page out at 640 CSS pixels.
    ctx = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = ctx.new_page()
    page.goto(live_server + "/category/two-factor?page=2")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    ctx.close()

"""The 「ふりがな」 switch in chromium: works without JavaScript, passes axe-core
at S, M and L, keeps lines apart and never widens the page at L on 375px."""
import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser

# Every ruby annotation clear of the other lines' text, and nothing wider than the screen.
LAYOUT = """() => {
  const over = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) over.push('page wider than the screen');
  const rts = [...document.querySelectorAll('main rt')].map(rt => [rt, rt.getBoundingClientRect()]);
  const bases = [...document.querySelectorAll('main ruby')].map(r => {
    const range = document.createRange();
    range.selectNodeContents(r.firstChild);
    return [r, range.getBoundingClientRect()];
  });
  for (const [rt, a] of rts) {
    if (a.right > width + 0.5) over.push('reading past the edge: ' + rt.textContent);
    for (const [r, b] of bases) {
      if (r === rt.parentElement) continue;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 1 && y > 1) over.push(rt.textContent + ' over ' + r.firstChild.textContent);
    }
  }
  return {problems: over.slice(0, 10), rubies: rts.length};
}"""


def furigana_on(context, base_url: str) -> None:
    context.add_cookies([{"name": "hc_furigana", "value": "1", "url": base_url}])


def test_the_switch_works_without_javascript_and_shows_readings(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = ctx.new_page()
    page.goto(live_server + "/faq/3807")
    assert page.locator("main ruby").count() == 0
    switch = page.get_by_role("button", name="ふりがな")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    page.wait_for_load_state()
    assert page.url.endswith("/faq/3807")
    assert page.get_by_role("button", name="ふりがな").get_attribute("aria-pressed") == "true"
    assert page.locator("h1 ruby").count() > 0 and page.locator(".answer ruby rt").count() > 20
    page.get_by_role("button", name="ふりがな").click()
    page.wait_for_load_state()
    assert page.locator("main ruby").count() == 0
    ctx.close()


@pytest.mark.parametrize("size", ["S", "M", "L"])
@pytest.mark.parametrize("path", ["/faq/3807", "/category/two-factor", "/wizard/changing-phones", "/chat",
                                  "/contact?q=コードが届かない"])
def test_axe_finds_no_violations_with_furigana(context, live_server, axe, size, path):
    set_text_size(context, live_server, size)
    furigana_on(context, live_server)
    page = context.new_page()
    page.goto(live_server + path)
    assert page.locator("main ruby").count() > 0
    assert axe(page) == []


@pytest.mark.parametrize("path", ["/faq/3807", "/faq/4203", "/category/two-factor", "/wizard/changing-phones", "/chat"])
def test_readings_never_overlap_text_or_widen_the_page_at_l_on_375px(browser, live_server, path):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, locale="ja-JP")
    set_text_size(ctx, live_server, "L")
    furigana_on(ctx, live_server)
    page = ctx.new_page()
    page.goto(live_server + path)
    result = page.evaluate(LAYOUT)
    assert result["rubies"] > 10 and result["problems"] == []
    ctx.close()


def test_the_chat_widget_shows_readings_in_its_replies(context, live_server):
    furigana_on(context, live_server)
    page = context.new_page()
    page.goto(live_server + "/")
    page.locator("#chat-launcher").click()
    page.locator("#chat-widget-message").fill("認証アプリのバックアップキーとは")
    page.locator("#chat-panel button[type=submit]").click()
    reply = page.locator("#chat-panel .chat-bot").nth(1)  # after the greeting
    reply.locator("ruby").first.wait_for()
    assert "にんしょう" in reply.locator("rt").all_inner_texts()

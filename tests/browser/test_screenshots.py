"""Screenshots of the members' pages as chromium draws them, for anyone to look
at after a run: build/screenshots/<page>-<width>-<size>.png (full pages; the
folder is not committed). Each shot also checks what a screenshot shows badly:
a page wider than the screen, and the chat button covering text at the end of
a page on a phone."""
from pathlib import Path

import pytest

from browser_support import set_text_size
from conftest import ROOT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "build" / "screenshots"
PAGES = {
    "home": "/",
    "category": "/category/two-factor",
    "faq": "/faq/3807",
    "search": "/search?q=機種変更",
    "search-none": "/search?q=🍣",
    "wizard": "/wizard/changing-phones",
    "wizard-outcome": "/wizard/changing-phones/1-3-1",
    "chat": "/chat",
    "contact": "/contact?q=コードが届かない",
}
VIEWS = [(1280, "M"), (375, "M"), (375, "L")]

# Text under the fixed chat button once the page is scrolled to its end.
COVERED = """() => {
  const b = document.querySelector('#chat-launcher');
  if (!b || b.hidden) return [];
  const r = b.getBoundingClientRect();
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || b.contains(n) || n.parentElement.closest('#chat-panel, .visually-hidden')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const t of range.getClientRects()) {
      if (t.width && t.height && t.left < r.right && t.right > r.left && t.top < r.bottom && t.bottom > r.top)
        out.push(n.textContent.trim().slice(0, 20));
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width,size", VIEWS, ids=[f"{w}-{s}" for w, s in VIEWS])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(browser, live_server, name, width, size):
    ctx = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 740}, locale="ja-JP",
                              device_scale_factor=1)
    set_text_size(ctx, live_server, size)
    page = ctx.new_page()
    page.goto(live_server + PAGES[name])
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{width}-{size}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate(COVERED) == []
    ctx.close()


def test_dark_theme_screenshots(browser, live_server):
    for name in ("faq", "search", "chat"):
        ctx = browser.new_context(viewport={"width": 375, "height": 740}, locale="ja-JP", color_scheme="dark")
        ctx.add_cookies([{"name": "hc_furigana", "value": "1", "url": live_server}])
        page = ctx.new_page()
        page.goto(live_server + PAGES[name])
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-375-M-dark-furigana.png"), full_page=True)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
        ctx.close()

"""What screenshots showed wrong before (issue 15), checked as a member sees it."""
import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser

PLACEHOLDER_FITS = """() => {
  const input = document.querySelector('#q');
  const s = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = s.fontWeight + ' ' + s.fontSize + ' ' + s.fontFamily;
  const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  return [ctx.measureText(input.placeholder).width, room];
}"""


@pytest.mark.parametrize("size", ["S", "M", "L"])
def test_the_search_placeholder_is_never_cut_on_375px(browser, live_server, size):
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, locale="ja-JP")
    set_text_size(ctx, live_server, size)
    page = ctx.new_page()
    page.goto(live_server + "/")
    text, room = page.evaluate(PLACEHOLDER_FITS)
    # with a tenth to spare: members' Japanese fonts are wider than IPAexGothic here
    # (the old 「例：2段階認証 コードが届かない」 took 298 of 303 pixels at L and was cut on phones)
    assert text <= 0.9 * room
    ctx.close()


def test_chat_choices_stand_apart_from_the_question_field(page, live_server):
    page.goto(live_server + "/chat")
    options = page.locator(".chat-form .chat-options").bounding_box()
    label = page.locator("label.chat-label").bounding_box()
    assert label["y"] - (options["y"] + options["height"]) >= 16


def test_the_widget_shows_each_step_on_its_own_line(page, live_server):
    page.goto(live_server + "/")
    page.locator("#chat-launcher").click()
    page.locator("#chat-widget-message").fill("苗字変わった")
    page.locator("#chat-panel button[type=submit]").click()
    reply = page.locator("#chat-panel .chat-bot").nth(1)
    reply.wait_for()
    lines = reply.locator("p").all_inner_texts()
    steps = [line for line in lines if line[:1] in "①②③④⑤"]
    assert len(steps) >= 2 and all(sum(ch in "①②③④⑤⑥⑦⑧⑨" for ch in line) == 1 for line in steps)

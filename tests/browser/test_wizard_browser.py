"""The wizards in a real browser: the back button and changing an answer,
working without JavaScript, and accessibility at every text size."""
import pytest

from browser_support import set_text_size

pytestmark = pytest.mark.browser

START = "/wizard/changing-phones"
QUESTION = START + "/2-3"      # after the change, app auth: is the old phone at hand?
OUTCOME = START + "/2-3-2-2-2"  # …no phone, no key, nothing synced: call the call center


def heading(page) -> str:
    return page.locator("h1").inner_text()


def test_back_button_then_changing_an_answer_reaches_an_outcome(page, live_server):
    page.goto(live_server + START)
    page.get_by_role("link", name="すでに機種変更した").click()
    page.wait_for_url("**" + START + "/2")
    page.get_by_role("link", name="アプリ認証（Google Authenticator）").click()
    page.wait_for_url("**" + START + "/2-3")
    page.get_by_role("link", name="手元にない・壊れた・初期化した").click()
    page.wait_for_url("**" + START + "/2-3-2")
    assert "バックアップキーは保存してありますか" in heading(page)

    page.go_back()
    page.wait_for_url("**" + START + "/2-3")
    assert "以前のスマートフォンは手元にありますか" in heading(page)
    answers = page.locator(".wizard-answers li")
    assert answers.count() == 2
    assert "アプリ認証（Google Authenticator）" in answers.nth(1).inner_text()

    # Change the second answer (the method) from the list of answers so far.
    page.get_by_role("link", name="変更 （質問2：認証方法はどれですか？）").click()
    page.wait_for_url("**" + START + "/2")
    assert heading(page).endswith("認証方法はどれですか？")
    page.get_by_role("link", name="メール認証", exact=True).click()
    page.wait_for_url("**" + START + "/2-2")
    page.get_by_role("link", name="受け取れる", exact=True).click()
    page.wait_for_url("**" + START + "/2-2-1")
    assert "同じアドレスなら、そのままメール認証を使えます" in heading(page)
    assert page.locator(".wizard-answers li").all_inner_texts()[1].count("メール認証") == 1

    page.get_by_role("link", name="戻る", exact=True).click()
    page.wait_for_url("**" + START + "/2-2")
    page.get_by_role("link", name="最初からやり直す").click()
    page.wait_for_url("**" + START)
    assert heading(page).endswith("機種変更はもうお済みですか？")


def test_a_wizard_works_without_javascript(browser, live_server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live_server + START)
    for label in ("これから機種変更する", "アプリ認証（Google Authenticator）", "残る（新しいものと両方操作できる）"):
        page.get_by_role("link", name=label).click()
        page.wait_for_load_state()
    assert page.url.endswith(START + "/1-3-1")
    assert "以前のスマートフォンからアカウントをエクスポートしてください" in heading(page)
    ctx.close()


@pytest.mark.parametrize("size", ["S", "M", "L"])
@pytest.mark.parametrize("path", [START, QUESTION, OUTCOME, "/wizard/", "/wizard/changing-phones/9"])
def test_axe_finds_no_wcag22_aa_violations_on_wizard_pages(context, live_server, axe, size, path):
    set_text_size(context, live_server, size)
    page = context.new_page()
    page.goto(live_server + path)
    assert f"fs-{size}" in page.locator("html").get_attribute("class")
    assert axe(page) == []


@pytest.mark.parametrize("path", [QUESTION, OUTCOME])
def test_large_text_on_a_phone_keeps_wizard_pages_within_the_screen(browser, live_server, path):
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2)
    set_text_size(ctx, live_server, "L")
    page = ctx.new_page()
    page.goto(live_server + path)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    # every option and navigation link is at least 44 CSS pixels high (WCAG 2.5.8 asks 24)
    heights = page.eval_on_selector_all(".wizard-option, .wizard-nav .button, .wizard-change",
                                        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    ctx.close()

"""The Content-Security-Policy in a real browser: no page of the help center or
the dashboard logs a violation while a member and an editor use it (search
suggestions, text size, feedback, the wizard, the chat widget, charts), and
the detector itself sees one when something inline is attempted."""
import pytest

pytestmark = pytest.mark.browser

PASSWORD = "browser-admin-pw"  # what the live_server fixture sets
# recorded in each document before any of its scripts run
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def watched(context):
    """A page whose CSP violations (events and console reports) are collected."""
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(10000)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)

    def violations() -> list[str]:
        return page.evaluate("window.__csp || []") + console

    page.violations = violations
    return page


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.violations() == [], url


def test_the_detector_sees_an_inline_style_and_an_inline_script(watched, live_server):
    visit(watched, live_server + "/")
    watched.evaluate("""() => {
      document.body.insertAdjacentHTML('beforeend', '<div style="color: red">x</div>');
      const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s);
    }""")
    watched.wait_for_timeout(200)
    found = " ".join(watched.violations())
    assert "style-src" in found and "script-src" in found
    assert watched.evaluate("window.__ran") is None  # and the policy really blocked the script


def test_no_member_page_logs_a_csp_violation(watched, live_server):
    page, base = watched, live_server
    visit(page, base + "/")
    # find-as-you-type (fetch to /api/suggest) and the text size switch (fetch to /text-size)
    page.get_by_role("combobox").first.fill("機種")
    page.wait_for_selector("#q-suggest [role=option]")
    page.locator(".text-size button[name=size][value=L]").first.click()
    page.wait_for_function("() => document.documentElement.classList.contains('fs-L')")
    assert page.violations() == []
    for path in ("/category/two-factor", "/category/two-factor?page=2", "/search?q=機種変更",
                 "/search?q=zzqqxxyy", "/wizard/", "/chat", "/faq/999999", "/nowhere",
                 "/feedback/reason?target_type=faq&target=3816", "/wizard/code-rejected/map", "/contact?q=機種変更"):
        visit(page, base + path)
    # the feedback form, enhanced with fetch
    visit(page, base + "/faq/3816")
    page.locator(".feedback-vote button[value=no]").click()
    page.wait_for_selector(".feedback-reason:not([hidden])")
    assert page.violations() == []
    # a wizard from its first question to an outcome
    visit(page, base + "/wizard/changing-phones")
    for _ in range(10):
        options = page.locator(".wizard-options a.wizard-option")
        if options.count() == 0:
            break
        options.first.click()
        page.wait_for_load_state("networkidle")
        assert page.violations() == [], page.url
    # the chat widget (fetch to /api/chat, replies built in the DOM)
    page.locator("#chat-launcher").click()
    box = page.get_by_role("dialog", name="チャットで質問する").get_by_label("ご質問")
    box.fill("SMSが届かない")
    box.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#chat-panel .chat-log .chat-bot').length > 1")
    assert page.violations() == []


def test_no_dashboard_page_logs_a_csp_violation(watched, live_server):
    page, base = watched, live_server
    visit(page, base + "/admin/login")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(base + "/admin/")
    assert page.violations() == []
    for path in ("/admin/?days=7", "/admin/searches", "/admin/feedback", "/admin/wizards", "/admin/chat",
                 "/admin/lookup?code=K7Q-4MD2"):
        visit(page, base + path)
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/admin/login**")
    assert page.violations() == []

"""Dark and high-contrast themes follow the member's system settings (CSS only)
and pass axe-core, like the default light theme."""
import pytest
from conftest import AXE, AXE_TAGS

pytestmark = pytest.mark.browser

THEMES = {
    "dark": {"color_scheme": "dark"},
    "contrast": {"color_scheme": "light", "contrast": "more"},
    "dark-contrast": {"color_scheme": "dark", "contrast": "more"},
    "forced-colors": {"color_scheme": "dark", "forced_colors": "active"},
}
PAGES = ["/", "/faq/3807", "/search?q=機種変更", "/search?q=🍣", "/wizard/changing-phones/1-3-1", "/chat"]


def axe_without_contrast(page) -> list[dict]:
    """axe-core without color-contrast: under forced colors it takes the text colour
    from -webkit-text-fill-color, which the browser does not force, against the
    forced background (dequelabs/axe-core#3978, axe-core-npm#1067), so it
    measures colours nobody sees. There the system's palette decides anyway."""
    page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n}")  # the CSP refuses a <script>
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    rules: {'color-contrast': {enabled: false}}})""", AXE_TAGS)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("theme", THEMES)
def test_axe_finds_no_violations_in_each_theme(browser, live_server, axe, theme):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", **THEMES[theme])
    ctx.add_cookies([{"name": "hc_furigana", "value": "1", "url": live_server}])
    page = ctx.new_page()
    found = {}
    for path in PAGES:
        page.goto(live_server + path)
        violations = axe_without_contrast(page) if "forced_colors" in THEMES[theme] else axe(page)
        if violations:
            found[path] = violations
    if "forced_colors" in THEMES[theme]:
        # What the member sees there: the system's text colour on its background.
        page.goto(live_server + "/faq/3807")
        pair = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.answer'));
                                        return [s.color, getComputedStyle(document.body).backgroundColor]; }""")
        assert pair == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    ctx.close()
    assert found == {}


def test_the_theme_follows_the_system_setting(browser, live_server):
    shades = {}
    for name, options in {"light": {"color_scheme": "light"}, **THEMES}.items():
        ctx = browser.new_context(locale="ja-JP", **options)
        page = ctx.new_page()
        page.goto(live_server + "/")
        shades[name] = background(page)
        ctx.close()
    assert shades["light"] == "rgb(246, 247, 249)"
    assert shades["dark"] == "rgb(13, 17, 23)"
    assert shades["contrast"] == "rgb(255, 255, 255)"
    assert shades["dark-contrast"] == "rgb(0, 0, 0)"

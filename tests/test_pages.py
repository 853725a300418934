"""Every browsing page through the Flask test client, including seed parity,
view counting and bad input."""
import re

import pytest

from helpcenter import views_store
from helpcenter.web import visitors

SEED_PAGE_2 = "3822 3821 3816 3820 3818 3817 3815 3814 3811 3810".split()
BROWSER_UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"}


def listed_numbers(html: str) -> list[str]:
    return re.findall(r"<li>No:(\d+)</li>", html)


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_every_page_has_header_search_text_size_breadcrumbs_and_contacts(client):
    for url in ["/", "/category/two-factor", "/faq/3816"]:
        html = text(client.get(url, headers=BROWSER_UA))
        assert "みらいネット ヘルプセンター" in html
        assert 'role="search"' in html and 'name="q"' in html
        assert "文字サイズ変更" in html and html.count('name="size"') == 3
        assert 'aria-label="パンくずリスト"' in html
        assert "0120-000-123" in html and "お問い合わせフォーム" in html


def test_category_page_two_matches_the_seed(client):
    resp = client.get("/category/two-factor?page=2")
    html = text(resp)
    assert resp.status_code == 200
    assert "『 2段階認証 』 内のFAQ" in html
    assert "24件中 11 - 20 件を表示" in html
    assert "2 / 3ページ" in html
    assert listed_numbers(html) == SEED_PAGE_2
    assert 'rel="prev" href="/category/two-factor"' in html
    assert 'rel="next" href="/category/two-factor?page=3"' in html


def test_faq_card_shows_excerpt_more_link_number_dates_and_categories(client):
    html = text(client.get("/category/two-factor?page=2"))
    card = html[html.index('<a href="/faq/3816">'):]
    card = card[:card.index("</li>\n</ul>") if "</li>\n</ul>" in card else 3000]
    assert "詳細表示" in card and "...</" not in card
    assert re.search(r"\.\.\.\s*<a class=\"more\" href=\"/faq/3816\"", card)
    assert "No:3816" in card
    assert "公開日時：2021/04/23 16:00" in card
    assert "更新日時：2021/12/16 08:16" in card
    assert '<a href="/category/two-factor/other">その他</a>' in card
    assert '<a href="/category/two-factor/glossary">用語説明</a>' in card


def test_child_category_lists_only_its_entries(client):
    html = text(client.get("/category/two-factor/change"))
    assert "『 変更方法 』 内のFAQ" in html
    assert "6件中 1 - 6 件を表示" in html and "1 / 1ページ" in html
    assert listed_numbers(html) == ["3827", "3826", "3825", "3812", "3811", "3810"]


def test_parent_category_lists_entries_of_its_children(client):
    html = text(client.get("/category/profile"))
    numbers = listed_numbers(html)
    assert "4101" in numbers and "4111" in numbers and "4121" in numbers


def test_faq_page_renders_markdown_metadata_related_and_breadcrumbs(client):
    html = text(client.get("/faq/3816"))
    assert "<h1" in html and "バックアップキー" in html
    assert "No:3816" in html and "更新日時：2021/12/16 08:16" in html
    assert "関連するご質問" in html
    assert '<a href="/category/two-factor">2段階認証</a>' in html
    assert '<a href="/category/two-factor/other">その他</a>' in html
    assert "flow:" not in html


def test_home_lists_categories_with_counts_and_recent_updates(app, client):
    html = text(client.get("/"))
    _, newest = app.extensions["helpcenter.index"].current().newest(None, 0, 1)
    assert "閲覧の多いよくあるご質問" in html
    assert re.search(r'<a href="/category/two-factor">2段階認証</a> <span class="count">（24件）', html)
    recent = html[html.index("最近更新されたよくあるご質問"):]
    assert re.findall(r'href="/faq/(\d+)"', recent)[0] == str(newest[0].number)


def test_views_are_counted_once_per_visitor_and_day_and_feed_most_viewed(app, client):
    for _ in range(3):
        client.get("/faq/3821", headers=BROWSER_UA)
    other = app.test_client()
    other.get("/faq/3821", headers=BROWSER_UA)
    other.get("/faq/3816", headers=BROWSER_UA)
    ranked = views_store.most_viewed(app.extensions["helpcenter.db"], visitors.today())
    assert ranked[:2] == [(3821, 2), (3816, 1)]
    html = text(client.get("/", headers=BROWSER_UA))
    popular = html[html.index("閲覧の多いよくあるご質問"):html.index("カテゴリーから探す")]
    assert popular.index("/faq/3821") < popular.index("/faq/3816")


@pytest.mark.parametrize("ua", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", ""])
def test_bots_are_not_counted(app, client, ua):
    client.get("/faq/3821", headers={"User-Agent": ua})
    assert views_store.most_viewed(app.extensions["helpcenter.db"], visitors.today()) == []


def test_visitor_cookie_is_random_and_http_only(client):
    resp = client.get("/faq/3821", headers=BROWSER_UA)
    cookie = resp.headers.get("Set-Cookie", "")
    assert re.match(r"hc_v=[0-9a-f]{32};", cookie) and "HttpOnly" in cookie


@pytest.mark.parametrize("url", [
    "/category/two-factor?page=4", "/category/two-factor?page=0", "/category/two-factor?page=abc",
    "/category/two-factor?page=-1", "/category/two-factor?page=１", "/category/two-factor?page=99999999999",
    "/category/nope", "/category/two-factor/nope", "/category/../../etc/passwd", "/category/%00",
    "/faq/99999", "/faq/abc", "/faq/3816abc", "/faq/%E2%80%8B", "/faq/-1", "/faq/" + "9" * 50,
    "/no/such/path", "/faq/3816/../../x",
])
def test_bad_input_gives_a_helpful_404_never_a_500(client, url):
    resp = client.get(url)
    assert resp.status_code == 404
    html = text(resp)
    assert "ヘルプセンター トップへ戻る" in html and "Traceback" not in html


def test_text_size_choice_is_kept_in_a_cookie_and_rendered_by_the_server(client):
    resp = client.post("/text-size", data={"size": "L", "next": "/faq/3816"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/faq/3816"
    assert "hc_size=L" in resp.headers["Set-Cookie"]
    html = text(client.get("/faq/3816"))
    assert '<html lang="ja" class="fs-L">' in html
    assert re.search(r'value="L" aria-pressed="true"', html)
    assert re.search(r'value="M" aria-pressed="false"', html)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_text_size_never_redirects_off_site(client, target):
    resp = client.post("/text-size", data={"size": "S", "next": target})
    assert resp.headers["Location"] == "/"


def test_text_size_rejects_unknown_sizes(client):
    assert client.post("/text-size", data={"size": "XL"}).status_code == 400
    client.set_cookie("hc_size", "<script>")
    assert '<html lang="ja" class="fs-M">' in text(client.get("/"))


def test_no_index_yet_gives_a_503_page_not_a_500(tmp_path):
    from helpcenter import create_app

    app = create_app({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    resp = app.test_client().get("/")
    assert resp.status_code == 503 and "準備中" in resp.get_data(as_text=True)

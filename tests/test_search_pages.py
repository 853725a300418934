"""/search, /api/search and /api/suggest through the Flask test client."""
import re

import pytest


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_results_page_shows_heading_range_cards_and_highlights(client):
    resp = client.get("/search?q=機種変更")
    html = text(resp)
    assert resp.status_code == 200
    assert '「機種変更」の検索結果' in html
    m = re.search(r"(\d+)件中 1 - (\d+) 件を表示", html)
    assert m and int(m.group(2)) == min(10, int(m.group(1)))
    assert 'class="faq-card"' in html and "詳細表示" in html and "No:" in html
    assert "公開日時：" in html and "更新日時：" in html and 'href="/category/' in html
    assert "<mark>機種変更</mark>" in html
    assert html.count('name="q"') >= 2 and 'value="機種変更"' in html  # header box keeps the query


def test_results_page_paginates_like_category_pages(client):
    html = text(client.get("/search?q=2段階認証"))
    total = int(re.search(r"(\d+)件中", html).group(1))
    assert total > 10
    assert 'rel="next" href="/search?page=2&amp;q=2%E6%AE%B5%E9%9A%8E%E8%AA%8D%E8%A8%BC"' in html
    second = text(client.get("/search?q=2段階認証&page=2"))
    assert f"{total}件中 11 - {min(20, total)} 件を表示" in second
    assert 'rel="prev"' in second


def test_query_is_escaped_everywhere(client):
    html = text(client.get("/search", query_string={"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for excerpt in re.findall(r'<p class="excerpt">(.*?)<a class="more"', html, re.S):
        assert "<script" not in excerpt


def test_zero_results_offers_popular_wizards_and_contacts(client):
    html = text(client.get("/search?q=🍣🍺"))
    assert "該当するよくあるご質問が見つかりませんでした" in html
    assert 'href="/wizard/changing-phones"' in html
    assert "解決しない場合のお問い合わせ" in html and "0120-000-123" in html
    # once, in the footer, which the page's tips link to
    assert html.count("0120-000-123") == 1 and html.count("解決しない場合のお問い合わせ") == 1
    assert 'href="#site-contacts"' in html and 'id="site-contacts"' in html


def test_zero_results_lists_popular_entries_when_there_are_views(client):
    client.get("/faq/3816", headers={"User-Agent": "Mozilla/5.0 Chrome/120"})
    html = text(client.get("/search?q=🍣🍺"))
    popular = html[html.index("閲覧の多いよくあるご質問"):]
    assert 'href="/faq/3816"' in popular


def test_empty_query_shows_tips(client):
    for url in ["/search", "/search?q=", "/search?q=%20%20"]:
        resp = client.get(url)
        assert resp.status_code == 200
        assert "検索のコツ" in text(resp)


def test_did_you_mean_links_the_corrected_query(client):
    html = text(client.get("/search?q=Authenticater"))
    assert "もしかして" in html and 'href="/search?q=authenticator"' in html


def test_wizard_box_appears_for_a_matching_query(client):
    html = text(client.get("/search?q=コードが違うって出る"))
    assert "状況に合わせて解決方法をご案内します" in html
    assert 'href="/wizard/code-rejected"' in html
    assert "状況に合わせて解決方法をご案内します" not in text(client.get("/search?q=パスワード 文字数"))


def test_category_filter_select_and_results(client):
    html = text(client.get("/search?q=変更&category=login"))
    assert '<option value="login" selected>' in html
    assert "カテゴリー「ログイン・パスワード」で絞り込んでいます" in html
    assert "/category/login" in html


@pytest.mark.parametrize("url", ["/search?q=認証&page=999", "/search?q=認証&page=0", "/search?q=認証&page=abc",
                                 "/search?q=認証&page=-1", "/search?q=認証&category=nope",
                                 "/search?q=認証&category=../login", "/search?page=2"])
def test_bad_page_or_category_is_a_404_page(client, url):
    resp = client.get(url)
    assert resp.status_code == 404
    assert "ページが見つかりません" in text(resp) or "見つかりませんでした" in text(resp)


def test_control_characters_and_surrogates_in_the_query_do_not_fail(client):
    for q in ["\x00", "%ED%A0%80", "a" * 5000, "😀" * 100]:
        assert client.get("/search?q=" + q).status_code == 200


def test_api_search_json_shape(client):
    resp = client.get("/api/search?q=バックアップキー")
    assert resp.status_code == 200 and resp.is_json
    data = resp.get_json()
    assert set(data) == {"query", "total", "page", "pages", "results"}
    assert data["query"] == "バックアップキー" and data["page"] == 1 and data["total"] >= 1
    first = data["results"][0]
    assert set(first) == {"number", "title", "url", "excerpt", "score", "categories", "updated"}
    assert first["number"] == 3816 and first["url"] == "/faq/3816"
    assert first["categories"] == ["two-factor/other", "two-factor/glossary"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}", first["updated"])
    assert first["updated"] == "2021/12/16 08:16"
    assert "<mark>" not in first["excerpt"]


def test_api_search_pages_and_category(client):
    data = client.get("/api/search?q=2段階認証&page=2").get_json()
    assert data["page"] == 2 and data["pages"] >= 2
    data = client.get("/api/search?q=変更&category=login").get_json()
    assert all("login" in r["categories"] for r in data["results"])


@pytest.mark.parametrize("url, status", [("/api/search", 400), ("/api/search?q=", 400),
                                         ("/api/search?q=x&page=abc", 400), ("/api/search?q=認証&page=999", 404),
                                         ("/api/search?q=認証&category=nope", 404)])
def test_api_errors_are_json(client, url, status):
    resp = client.get(url)
    assert resp.status_code == status and resp.is_json
    assert set(resp.get_json()) == {"error", "message"}


def test_api_suggest(client):
    data = client.get("/api/suggest?q=パスワ").get_json()
    assert data["query"] == "パスワ"
    assert 0 < len(data["suggestions"]) <= 8
    assert all(set(s) == {"number", "title", "url"} for s in data["suggestions"])
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest").get_json() == {"query": "", "suggestions": []}


def test_every_page_loads_the_suggest_script(client):
    html = text(client.get("/"))
    assert re.search(r'<script src="/static/js/suggest.js[^"]*" defer></script>', html)
    assert client.get("/static/js/suggest.js").status_code == 200


def test_did_you_mean_respells_a_misconverted_japanese_word(client):
    html = text(client.get("/search?q=二段回認証"))
    assert "もしかして" in html and "2段階認証" in html

"""The 「ふりがな」 switch: a cookie set by POST /furigana, readings rendered by
the server in answers, questions, wizard steps and chat replies (and given to
the chat widget as segments), and the page cache kept apart per choice."""
import json
import re

import pytest


UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}


def text(resp):
    return resp.get_data(as_text=True)


def on(client):
    resp = client.post("/furigana", data={"on": "1", "next": "/faq/3816"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/faq/3816"
    assert "hc_furigana=1" in resp.headers["Set-Cookie"]


def test_the_switch_sits_beside_the_text_size_and_says_whether_it_is_on(client):
    html = text(client.get("/"))
    switch = html[html.index('class="furigana-switch"'):]
    assert html.index('class="text-size"') < html.index('class="furigana-switch"')
    assert re.search(r'name="on" value="1">\s*<button type="submit" aria-pressed="false">ふりがな</button>', switch)
    assert "<ruby>" not in html
    on(client)
    html = text(client.get("/"))
    assert re.search(r'name="on" value="0">\s*<button type="submit" aria-pressed="true">ふりがな</button>', html)
    assert 'class="fs-M furigana-on"' in html


def test_answers_and_questions_carry_readings_over_kanji_only(client):
    on(client)
    html = text(client.get("/faq/3807"))
    h1 = re.search(r'<h1 id="faq-h".*?</h1>', html, re.S).group(0)
    assert "<ruby>認証<rt>にんしょう</rt></ruby>" in h1
    answer = html[html.index('<div class="answer">'):html.index('<ul class="faq-meta"')]
    assert "<ruby>端末<rt>たんまつ</rt></ruby>" in answer
    # links keep their targets; the page's title and description stay plain
    assert re.search(r'<a href="/faq/3829"[^>]*>', answer)
    assert "<ruby>" not in re.search(r"<title>.*?</title>", html, re.S).group(0)
    assert "<ruby>" not in re.search(r'<meta name="description"[^>]*>', html).group(0)
    assert "<rt>" not in html[:html.index("<body")]


def test_editors_readings_are_used_on_pages(client):
    on(client)
    html = text(client.get("/faq/4113"))
    assert "<ruby>空<rt>から</rt></ruby>に" in html


def test_category_cards_and_wizard_steps_and_outcomes_carry_readings(client):
    on(client)
    assert "<rt>" in re.search(r'<h2 class="faq-card-title">.*?</h2>|<h3 class="faq-card-title">.*?</h3>',
                               text(client.get("/category/two-factor")), re.S).group(0)
    step = text(client.get("/wizard/changing-phones"))
    question = re.search(r'<h1 id="question-h">.*?</h1>', step, re.S).group(0)
    assert "<ruby>機種変更<rt>きしゅへんこう</rt></ruby>" in question
    options = re.findall(r'<a class="wizard-option" href="([^"]+)">(.*?)</a>', step)
    assert options and all("<ruby>" not in href for href, _ in options)


def test_contact_page_matches_carry_readings(client):
    on(client)
    for url in ("/contact?q=コードが届かない", "/contact/matches?q=コードが届かない"):
        html = text(client.get(url))
        faqs = html[html.index('class="contact-faqs"'):]
        assert "<ruby>" in re.search(r'<a href="/faq/\d+">.*?</a>', faqs, re.S).group(0), url


def test_chat_page_replies_carry_readings_but_the_members_words_do_not(client):
    on(client)
    page = text(client.get("/chat"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    html = text(client.post("/chat", data={"csrf_token": token, "message": "認証アプリのバックアップキーとは"}))
    user = re.search(r'<div class="chat-bubble chat-user">.*?</div>', html, re.S).group(0)
    assert "<ruby>" not in user
    bot = html[html.index('id="chat-latest"'):]
    assert "<ruby>" in bot


def test_chat_api_gives_the_widget_segments_only_when_the_switch_is_on(client):
    body = json.dumps({"message": "認証アプリのバックアップキーとは"})
    plain = client.post("/api/chat", data=body, content_type="application/json").get_json()
    assert "ruby" not in plain
    on(client)
    reply = client.post("/api/chat", data=body, content_type="application/json").get_json()
    lines = reply["ruby"]["lines"]
    assert ["".join(t for t, _ in line) for line in lines] == reply["text"].split("\n")
    assert ["認証", "にんしょう"] in [seg for line in lines for seg in line]
    assert len(reply["ruby"]["faqs"]) == len(reply["faqs"])


@pytest.mark.parametrize("data", [{}, {"on": "yes"}, {"on": "1\x00"}])
def test_the_switch_rejects_anything_but_1_or_0(client, data):
    assert client.post("/furigana", data=data).status_code == 400


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_switch_never_redirects_off_site(client, target):
    assert client.post("/furigana", data={"on": "1", "next": target}).headers["Location"] == "/"


def test_a_junk_cookie_means_off(client):
    client.set_cookie("hc_furigana", "<script>")
    html = text(client.get("/faq/3807"))
    assert "<ruby>" not in html and 'aria-pressed="false">ふりがな' in html


def test_the_page_cache_keeps_pages_with_and_without_readings_apart(cached_app):
    app = cached_app
    c = app.test_client()
    assert "<ruby>" not in text(c.get("/faq/3807", headers=UA))
    c.set_cookie("hc_furigana", "1")
    assert "<ruby>" in text(c.get("/faq/3807", headers=UA))
    assert "<ruby>" in text(c.get("/faq/3807", headers=UA))
    c.set_cookie("hc_furigana", "0")
    assert "<ruby>" not in text(c.get("/faq/3807", headers=UA))
    cache = app.extensions["helpcenter.page_cache"]
    assert (cache.misses, cache.hits) == (2, 2)

"""The contact page, 受付番号 on the web (contact page, wizard outcomes, the chat
page and the widget's JSON), the editors' /admin/lookup and the deflection
KPI: every URL and form, including bad input."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from helpcenter.analytics import reports
from helpcenter.contact import code as codes
from helpcenter.contact import store
from helpcenter.db import contact_code, contact_event

BOT = {"User-Agent": "Googlebot/2.1"}
CONTACT_OUTCOME = "/wizard/cannot-use-2fa/4"  # 「まず、いまの認証方法を確認しましょう」: contact: true


def warm(client) -> None:
    """Get the visitor cookie: other events count a visitor's first request under a
    daily hash (helpcenter.web.visitors), so a trail starts at its second request."""
    client.get("/contact")


def text(resp) -> str:
    return resp.get_data(as_text=True)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_fields(html: str, form_id: str) -> dict[str, str]:
    form = re.search(r'<form id="%s".*?</form>' % form_id, html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def contact_rows(app, table=contact_event):
    with app.extensions["helpcenter.db"].connect() as conn:
        return [r._asdict() for r in conn.execute(select(table).order_by(table.c.id))]


def issue_from(client, path: str, form_id: str = "contact-code-form"):
    html = text(client.get(path))
    data = form_fields(html, form_id)
    resp = client.post("/contact/code", data=data)
    assert resp.status_code == 303, text(resp)
    code = resp.headers["Location"].rsplit("/", 1)[1]
    return code, resp


def login(client):
    html = text(client.get("/admin/login"))
    assert client.post("/admin/login", data={"csrf_token": csrf(html), "password": "test-admin-pw"}).status_code == 303


# --- the page ------------------------------------------------------------------------

def test_the_contact_page_asks_first_then_lists_the_channels_with_hours(client):
    html = text(client.get("/contact"))
    asks, channels = html.index("お問い合わせの前に、内容をご入力ください"), html.index("お問い合わせ先")
    assert asks < channels
    assert "0120-000-123" in html and "平日 9:00〜17:00（土日祝・年末年始を除く）" in html
    assert 'action="/contact"' in html and 'name="q"' in html
    assert "問い合わせ番号を発行する" in html and 'id="contact-matches"' in html
    assert "このようなご質問はありませんか" not in html  # nothing typed, nothing listed


def test_typing_a_problem_without_javascript_shows_matching_faqs_and_wizards(client):
    html = text(client.get("/contact?q=コードが届かない"))
    assert "このようなご質問はありませんか" in html
    assert "/wizard/code-not-arriving" in html
    assert html.count('<li><a href="/faq/') >= 3
    assert 'value="コードが届かない"' in html  # kept in the box and in the 受付番号 form


def test_the_matches_fragment_is_the_same_list_for_the_script(client):
    resp = client.get("/contact/matches?q=機種変更")
    html = text(resp)
    assert resp.status_code == 200 and html.lstrip().startswith('<div id="contact-matches"')
    assert "/wizard/changing-phones" in html and "<html" not in html
    assert 'data-summary="質問ガイドが' in html
    empty = text(client.get("/contact/matches?q="))
    assert "<h3>" not in empty and 'data-summary=""' in empty


def test_nothing_matching_says_so_and_points_to_the_channels(client):
    html = text(client.get("/contact?q=ｘｙｚｚｙ"))
    assert "に一致するよくあるご質問は見つかりませんでした" in html


def test_every_page_links_to_the_contact_page_from_the_footer(client):
    for url in ("/", "/faq/3816", "/search?q=sms", "/wizard/", "/chat"):
        assert 'href="/contact"' in text(client.get(url)), url


def test_views_and_problems_typed_are_counted_once_a_day_and_bots_not_at_all(client, app):
    warm(client)
    client.get("/contact")
    client.get("/contact")
    client.get("/contact?q=パスワード")
    client.get("/contact/matches?q=パスワードを忘れた")
    client.get("/contact?q=x", headers=BOT)
    rows = contact_rows(app)
    assert sorted(r["kind"] for r in rows) == ["typed", "view"]
    assert all("パスワード" not in str(r) for r in rows)  # what was typed is kept only with a code


def test_a_member_landing_on_the_contact_page_and_asking_for_a_code_is_not_counted_as_deflected(client, app):
    # the very first request: no visitor cookie yet; the one this response sets is used
    html = text(client.get("/contact?q=退会したい"))
    assert client.post("/contact/code", data=form_fields(html, "contact-code-form")).status_code == 303
    (view, typed), (issued,) = contact_rows(app), contact_rows(app, contact_code)
    assert view["visitor"] == typed["visitor"] == issued["visitor"]
    assert reports.contact_summary(app.extensions["helpcenter.db"], reports.Period.ending_now(7)).deflected == 0


# --- issuing codes -----------------------------------------------------------------

def test_the_contact_page_issues_a_signed_code_that_carries_what_the_member_did(client, app):
    warm(client)
    client.get("/faq/3816")
    client.get("/search?q=SMS 届かない")
    code, resp = issue_from(client, "/contact?q=コードが届かない")
    assert codes.verify(code, app.secret_key) == code
    shown = text(client.get(resp.headers["Location"]))
    assert code in shown and "受付番号を発行しました" in shown and "180日間" in shown
    assert "0120-000-123" in shown  # the channels stay on the page
    issued = store.lookup(app.extensions["helpcenter.db"], code)
    assert issued.source == "contact" and issued.trail.query == "コードが届かない"
    assert issued.trail.faqs[0][0] == 3816 and issued.trail.searches == ("SMS 届かない",)


def test_a_wizard_outcome_that_offers_contact_issues_a_code_with_its_answers(client, app):
    html = text(client.get(CONTACT_OUTCOME))
    assert "問い合わせ番号を発行する" in html and 'href="/contact"' in html
    fields = form_fields(html, "contact-code-form")
    assert fields["source"] == "wizard" and fields["wizard"] == "cannot-use-2fa" and fields["path"] == "4"
    code, _ = issue_from(client, CONTACT_OUTCOME)
    walk = store.lookup(app.extensions["helpcenter.db"], code).trail.wizards[0]
    assert walk.wizard == "cannot-use-2fa" and walk.outcome == "まず、いまの認証方法を確認しましょう"
    assert len(walk.answers) == 1 and walk.answers[0][0]


def test_outcomes_that_do_not_offer_contact_have_no_code_button(client):
    # sms-switch-first: contact: false
    html = text(client.get("/wizard/cannot-use-2fa/1-1-1"))
    assert "解決方法" in html and "問い合わせ番号を発行する" not in html


def test_the_chat_page_fallback_issues_a_code_with_the_conversation(client, app):
    html = text(client.get("/chat"))
    resp = client.post("/chat", data={"csrf_token": csrf(html), "message": "明日の東京の天気は？",
                                      "state": "", "log": ""})
    page = text(resp)
    assert "お問い合わせページを開く" in page and "問い合わせ番号を発行する" in page
    fields = form_fields(page, "chat-code-form")
    resp = client.post("/contact/code", data=fields)
    assert resp.status_code == 303
    code = resp.headers["Location"].rsplit("/", 1)[1]
    trail = store.lookup(app.extensions["helpcenter.db"], code).trail
    assert trail.source == "chat" and trail.chat == ("明日の東京の天気は？",)


def test_the_widget_gets_a_code_as_json(client, app):
    resp = client.post("/api/contact-code", json={"messages": ["アカウントが消えた", "まだ困っています"]})
    body = resp.get_json()
    assert resp.status_code == 200 and codes.verify(body["code"], app.secret_key) == body["code"]
    assert body["url"] == "/contact/code/" + body["code"]
    assert store.lookup(app.extensions["helpcenter.db"], body["code"]).trail.chat == ("アカウントが消えた", "まだ困っています")


@pytest.mark.parametrize("body, content_type", [
    (b"not json", "application/json"), (b"[]", "application/json"), (b'{"messages": "x"}', "application/json"),
    (b'{"messages": [1, 2]}', "application/json"), (b'{"messages": ' + b'["a"]' * 1 + b'}', "text/plain"),
    (b'{"messages": [' + b'"a",' * 30 + b'"a"]}', "application/json"), (b"\xff\xfe", "application/json"),
])
def test_the_json_endpoint_answers_bad_bodies_with_a_json_400(client, body, content_type):
    resp = client.post("/api/contact-code", data=body, content_type=content_type)
    assert resp.status_code == 400 and resp.get_json()["error"] == "bad_request"


def test_a_client_refusing_cookies_cannot_reset_the_daily_limit(app):
    client = app.test_client(use_cookies=False)
    statuses = [client.post("/api/contact-code", json={}).status_code for _ in range(store.MAX_PER_VISITOR_DAY + 1)]
    assert statuses[-1] == 429 and statuses.count(200) == store.MAX_PER_VISITOR_DAY


def test_junk_messages_are_cleaned_not_refused(client, app):
    raw = json.dumps({"messages": ["\x00\x1b", "a\ud800b", "x" * 5000]})  # \ud800 escaped, as a client may send it
    body = client.post("/api/contact-code", data=raw, content_type="application/json").get_json()
    chat = store.lookup(app.extensions["helpcenter.db"], body["code"]).trail.chat
    assert chat == ("ab", "x" * 200)


def test_a_visitor_gets_a_polite_refusal_past_the_daily_limit(client):
    warm(client)
    for _ in range(store.MAX_PER_VISITOR_DAY):
        assert client.post("/api/contact-code", json={}).status_code == 200
    resp = client.post("/api/contact-code", json={})
    assert resp.status_code == 429 and "本日はこれ以上" in resp.get_json()["message"]
    html = text(client.get("/contact"))
    resp = client.post("/contact/code", data={"csrf_token": csrf(html), "q": "まだ"})
    assert resp.status_code == 429 and "本日はこれ以上" in text(resp)


def test_issuing_without_a_csrf_token_is_refused(client, app):
    assert client.post("/contact/code", data={"q": "x"}).status_code == 400
    assert contact_rows(app, contact_code) == []


@pytest.mark.parametrize("fields", [
    {"source": "nonsense"}, {"source": "wizard", "wizard": "no-such", "path": "1"},
    {"source": "wizard", "wizard": "cannot-use-2fa", "path": "99-99-x"}, {"source": "chat", "log": "tampered"},
    {"source": "wizard"}, {"q": "\x00" * 300}, {"q": "a\ud800"},
])
def test_tampered_or_stale_form_fields_still_give_a_code_without_them(client, app, fields):
    html = text(client.get("/contact"))
    data = {"csrf_token": csrf(html), **fields}
    resp = client.post("/contact/code", data={k: v.encode("utf-8", "surrogatepass") for k, v in data.items()})
    assert resp.status_code == 303
    trail = store.lookup(app.extensions["helpcenter.db"], resp.headers["Location"].rsplit("/", 1)[1]).trail
    assert trail.wizards == () and trail.chat == () and "\x00" not in trail.query


def test_the_code_page_shows_only_codes_this_app_signed(client, app):
    assert client.get("/contact/code/K7Q-4MD2").status_code in (404, 200)  # 1 in 729 is signed by chance
    good = codes.new(app.secret_key)
    assert client.get("/contact/code/" + good).status_code == 200
    resp = client.get("/contact/code/" + good.lower().replace("-", ""))
    assert resp.status_code == 308 and resp.headers["Location"].endswith("/contact/code/" + good)
    forged = codes.new("another-secret")
    if codes.verify(forged, app.secret_key) is None:
        assert client.get("/contact/code/" + forged).status_code == 404
    for junk in ("", "x", "%00", "K7Q-4MD2-EXTRA", "あ" * 50):
        assert client.get("/contact/code/" + junk).status_code in (404, 308, 200)
    assert client.get("/contact/code/%E3%81%82").status_code == 404


# --- the editors' lookup ------------------------------------------------------------

def test_lookup_needs_a_login(client):
    resp = client.get("/admin/lookup?code=K7Q-4MD2")
    assert resp.status_code == 303 and "/admin/login" in resp.headers["Location"]


def test_staff_see_the_members_path_for_a_code_typed_loosely(client, app):
    warm(client)
    client.get("/faq/3816")
    client.get(CONTACT_OUTCOME)
    code, _ = issue_from(client, "/contact?q=ログインできない")
    login(client)
    loose = code.lower().replace("-", " ")
    html = text(client.get("/admin/lookup", query_string={"code": loose}))
    assert f"受付番号 {code}" in html and "お問い合わせページ" in html
    assert "ログインできない" in html and "/faq/3816" in html
    assert "まず、いまの認証方法を確認しましょう" in html and "/wizard/cannot-use-2fa/4" in html
    audit = text(client.get("/admin/audit"))
    assert "受付番号の照会" in audit and code in audit


@pytest.mark.parametrize("typed, status, says", [
    ("", 200, "お客様の受付番号"), ("K7Q", 400, "英数字7文字"), ("%00%ED%A0%80%FF", 400, "英数字7文字"),
    ("x" * 500, 400, "英数字7文字"), ("K7Q-4MD2X", 400, "英数字7文字"),
])
def test_lookup_explains_codes_that_cannot_be_right(client, typed, status, says):
    login(client)
    resp = client.get("/admin/lookup?code=" + typed)
    assert resp.status_code == status and says in text(resp)


def test_lookup_tells_a_misheard_code_from_one_that_is_no_longer_kept(client, app):
    login(client)
    signed = codes.new(app.secret_key)  # signed, never stored (or purged)
    resp = client.get("/admin/lookup", query_string={"code": signed})
    assert resp.status_code == 404 and "記録はありません" in text(resp)
    body, check = signed.replace("-", "")[:5], signed.replace("-", "")[5:]
    wrong = codes.display(body + "".join(codes.ALPHABET[(codes.ALPHABET.index(c) + 1) % 27] for c in check))
    resp = client.get("/admin/lookup", query_string={"code": wrong})
    assert resp.status_code == 404 and "正しくありません" in text(resp)


def test_the_dashboard_shows_the_deflection_rate(client, app):
    client.get("/contact?q=パスワード")
    other = app.test_client()
    other.get("/contact?q=退会したい")
    issue_from(other, "/contact?q=退会したい")
    login(client)
    html = text(client.get("/admin/"))
    assert "お問い合わせページの自己解決率" in html and "50.0%" in html
    lookup = text(client.get("/admin/lookup"))
    assert "自己解決率" in lookup and "受付番号の発行（お問い合わせページ）" in lookup
    csv = text(client.get("/admin/contact.csv"))
    assert "自己解決率" in csv

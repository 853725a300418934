"""「この回答は役に立ちましたか？」 without JavaScript (plain forms) and with it (JSON),
CSRF, one vote a day, the reason form and its 500-character limit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from helpcenter import db

FAQ = "3816"
FETCH = {"X-Requested-With": "fetch"}


def csrf_token(client, path: str = f"/faq/{FAQ}") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def votes(app) -> list[dict]:
    with app.extensions["helpcenter.db"].connect() as conn:
        return [r._asdict() for r in conn.execute(select(db.feedback).order_by(db.feedback.c.id))]


def vote(client, helpful: str, token: str, headers: dict | None = None):
    data = {"csrf_token": token, "target_type": "faq", "target": FAQ, "next": f"/faq/{FAQ}", "helpful": helpful}
    return client.post("/feedback", data=data, headers=headers or {})


def test_every_faq_page_asks_whether_the_answer_helped_with_a_plain_form(client):
    html = client.get(f"/faq/{FAQ}").get_data(as_text=True)
    assert "この回答は役に立ちましたか？" in html
    form = re.search(r'<form class="feedback-vote" method="post" action="/feedback">(.*?)</form>', html, re.S).group(1)
    assert 'name="csrf_token"' in form
    assert '<button type="submit" name="helpful" value="yes">はい</button>' in form
    assert 'name="helpful" value="no"' in form and "いいえ" in form


def test_yes_without_javascript_records_and_thanks_then_returns_to_the_faq(client, app):
    token = csrf_token(client)
    r = vote(client, "yes", token)
    assert r.status_code == 303
    thanks = client.get(r.headers["Location"])
    assert "ご回答ありがとうございました" in thanks.get_data(as_text=True)
    assert f'href="/faq/{FAQ}"' in thanks.get_data(as_text=True)
    (row,) = votes(app)
    assert (row["target_type"], row["target"], row["helpful"]) == ("faq", FAQ, True)


def test_no_without_javascript_leads_to_the_reason_form_and_attaches_the_reason(client, app):
    token = csrf_token(client)
    r = vote(client, "no", token)
    assert r.status_code == 303 and r.headers["Location"].startswith("/feedback/reason?")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    for label in ("知りたい内容が載っていない", "説明がわかりにくい", "手順どおりにできない", "その他"):
        assert label in page
    assert 'maxlength="500"' in page
    # the 「いいえ」 counts even before (or without) a reason
    assert [(v["helpful"], v["reason"]) for v in votes(app)] == [(False, None)]
    r = client.post("/feedback/reason", data={"csrf_token": token, "target_type": "faq", "target": FAQ,
                                              "next": f"/faq/{FAQ}", "reason": "steps", "comment": "画面が違う"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/feedback/thanks")
    (row,) = votes(app)
    assert (row["helpful"], row["reason"], row["comment"]) == (False, "steps", "画面が違う")


def test_a_second_vote_the_same_day_is_refused_politely(client, app):
    token = csrf_token(client)
    vote(client, "yes", token)
    r = vote(client, "no", token)
    assert r.status_code == 200
    assert "すでにご回答いただいています" in r.get_data(as_text=True)
    assert len(votes(app)) == 1


def test_another_visitor_may_vote_on_the_same_faq(app):
    for _ in range(2):
        client = app.test_client()  # its own cookie jar: another member
        vote(client, "yes", csrf_token(client))
    assert len(votes(app)) == 2


@pytest.mark.parametrize("length, ok", [(500, True), (501, False)])
def test_the_comment_is_limited_to_500_characters(client, app, length, ok):
    token = csrf_token(client)
    vote(client, "no", token)
    r = client.post("/feedback/reason", data={"csrf_token": token, "target_type": "faq", "target": FAQ,
                                              "reason": "other", "comment": "あ" * length})
    if ok:
        assert r.status_code == 303
        assert len(votes(app)[0]["comment"]) == 500
    else:
        assert r.status_code == 400
        html = r.get_data(as_text=True)
        assert "500文字以内" in html and "あ" * 501 in html  # what they typed is kept
        assert votes(app)[0]["comment"] is None


def test_line_breaks_count_once_as_the_browser_counts_them(client, app):
    token = csrf_token(client)
    vote(client, "no", token)
    comment = ("あ" * 9 + "\r\n") * 50  # 500 characters as the textarea counts them
    r = client.post("/feedback/reason", data={"csrf_token": token, "target_type": "faq", "target": FAQ,
                                              "reason": "other", "comment": comment})
    assert r.status_code == 303


def test_the_reason_is_required(client, app):
    token = csrf_token(client)
    vote(client, "no", token)
    r = client.post("/feedback/reason", data={"csrf_token": token, "target_type": "faq", "target": FAQ,
                                              "reason": "bogus", "comment": "x"})
    assert r.status_code == 400 and "理由をひとつ選んでください" in r.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_posts_without_a_valid_csrf_token_are_refused_with_a_friendly_400(client, app, token):
    csrf_token(client)  # a session exists, the token does not match
    data = {"target_type": "faq", "target": FAQ, "helpful": "yes"}
    if token is not None:
        data["csrf_token"] = token
    r = client.post("/feedback", data=data)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "再読み込み" in html and "<html" in html
    r = client.post("/feedback/reason", data={**data, "reason": "other"})
    assert r.status_code == 400
    assert votes(app) == []


@pytest.mark.parametrize("form", [
    {"target_type": "faq", "target": "999999", "helpful": "yes"},
    {"target_type": "faq", "target": "３８１６", "helpful": "yes"},
    {"target_type": "faq", "target": "1" * 40, "helpful": "yes"},
    {"target_type": "page", "target": FAQ, "helpful": "yes"},
    {"target_type": "wizard", "target": "no-such-wizard:x", "helpful": "yes"},
    {"target_type": "faq", "target": FAQ, "helpful": "maybe"},
    {"target_type": "faq", "target": FAQ},
    {},
])
def test_bad_feedback_forms_get_a_400_page_never_a_500(client, app, form):
    r = client.post("/feedback", data={"csrf_token": csrf_token(client), **form})
    assert r.status_code == 400
    assert votes(app) == []


def test_the_reason_page_for_something_unknown_is_a_400(client):
    assert client.get("/feedback/reason?target_type=faq&target=abc").status_code == 400
    assert client.get("/feedback/reason").status_code == 400


def test_the_thank_you_page_never_leads_off_site(client):
    html = client.get("/feedback/thanks?next=//evil.example/x").get_data(as_text=True)
    assert re.search(r'<a class="button" href="([^"]*)">元のページへ戻る</a>', html).group(1) == "/"


def test_with_javascript_the_vote_answers_json_and_asks_for_the_reason_in_place(client, app):
    token = csrf_token(client)
    r = vote(client, "no", token, headers=FETCH)
    assert r.status_code == 200
    assert r.get_json()["status"] == "recorded" and r.get_json()["ask_reason"] is True
    r = client.post("/feedback/reason", headers=FETCH, data={"csrf_token": token, "target_type": "faq",
                                                             "target": FAQ, "reason": "missing", "comment": ""})
    assert r.get_json()["status"] == "recorded"
    r = vote(client, "yes", token, headers=FETCH)
    assert r.get_json()["status"] == "duplicate" and "すでにご回答いただいています" in r.get_json()["message"]
    assert [(v["helpful"], v["reason"]) for v in votes(app)] == [(False, "missing")]


def test_a_refused_csrf_token_answers_json_to_javascript(client):
    csrf_token(client)
    r = client.post("/feedback", headers=FETCH, data={"target_type": "faq", "target": FAQ, "helpful": "yes"})
    assert r.status_code == 400 and r.get_json()["error"] == "csrf"


def _an_outcome(app) -> tuple[str, str]:
    gen = app.extensions["helpcenter.index"].current()
    for wid, wizard in gen.wizards.items():
        for node_id, node in wizard.nodes.items():
            if node.is_outcome:
                return wid, node_id
    pytest.fail("the real content has no wizard outcome")


def test_wizard_outcomes_can_be_rated_with_the_same_form(client, app):
    wid, node = _an_outcome(app)
    token = csrf_token(client)
    r = client.post("/feedback", data={"csrf_token": token, "target_type": "wizard", "target": f"{wid}:{node}",
                                       "next": f"/wizard/{wid}/1", "helpful": "yes"})
    assert r.status_code == 303 and "next=%2Fwizard%2F" in r.headers["Location"]
    assert [(v["target_type"], v["target"]) for v in votes(app)] == [("wizard", f"{wid}:{node}")]


def test_the_partial_rates_what_the_including_page_names(app):
    wid, node = _an_outcome(app)
    with app.test_request_context("/wizard/x"):
        html = app.jinja_env.from_string(
            '{% set feedback_target_type = "wizard" %}{% set feedback_target = t %}{% include "_feedback.html" %}'
        ).render(t=f"{wid}:{node}", current_path="/wizard/x/1")
    assert 'name="target_type" value="wizard"' in html
    assert f'name="target" value="{wid}:{node}"' in html
    assert 'name="next" value="/wizard/x/1"' in html


def test_opening_a_search_result_records_the_click_and_rank(client, app):
    r = client.get(f"/faq/{FAQ}?sq=sms 届かない&rank=3")
    assert r.status_code == 200
    assert f'<link rel="canonical" href="http://localhost/faq/{FAQ}">' in r.get_data(as_text=True)
    client.get(f"/faq/{FAQ}?sq=x&rank=abc")  # not a rank: the page shows, nothing is counted
    client.get(f"/faq/{FAQ}?sq=x&rank=0")
    with app.extensions["helpcenter.db"].connect() as conn:
        clicks = [(r.normalized, r.number, r.rank) for r in conn.execute(select(db.search_click))]
    assert clicks == [("sms 届かない", int(FAQ), 3)]


def test_bots_opening_a_search_result_are_not_counted(client, app):
    client.get(f"/faq/{FAQ}?sq=sms&rank=1", headers={"User-Agent": "Googlebot/2.1"})
    with app.extensions["helpcenter.db"].connect() as conn:
        assert conn.execute(select(db.search_click)).all() == []


def test_voting_works_from_a_page_served_by_the_page_cache(make_app, small_content):
    app = make_app(small_content, PAGE_CACHE_SECONDS=60)
    cache = app.extensions["helpcenter.page_cache"]
    for n in range(2):
        client = app.test_client()  # the second member gets the first member's cached page
        token = csrf_token(client, "/faq/1")
        r = client.post("/feedback", data={"csrf_token": token, "target_type": "faq", "target": "1",
                                           "helpful": "yes"})
        assert r.status_code == 303, n
    assert cache.hits >= 1
    assert len(votes(app)) == 2

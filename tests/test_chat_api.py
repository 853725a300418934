"""The chatbot on the web: POST /api/chat, the /chat page without JavaScript,
the widget on every page, analytics, the rate limit, and `helpcenter chat-eval`."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from helpcenter.cli import main
from helpcenter.db import chat_event, wizard_event

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def chat(client, message, state=None, **kw):
    body = {"message": message}
    if state is not None:
        body["state"] = state
    return client.post("/api/chat", json=body, **kw)


def events(app, table=chat_event):
    with app.extensions["helpcenter.db"].connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]


# --- reply types over the real content ----------------------------------------------

def test_answer(client, app):
    r = chat(client, "苗字変わった")
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) >= {"type", "text", "faqs", "wizard", "options", "state"}
    assert body["type"] == "answer"
    assert body["faqs"] == [{"number": 4123, "title": "結婚などで氏名（姓）が変わりました。", "url": "/faq/4123"}]
    assert "①" in body["text"] and "解決しましたか？" in body["text"]
    assert [o["label"] for o in body["options"]][:2] == ["はい", "いいえ"]
    assert client.get(body["faqs"][0]["url"]).status_code == 200
    rows = events(app)
    assert rows[-1]["reply_type"] == "answer" and rows[-1]["faqs"] == "4123" and rows[-1]["message"] is None


def test_near_neighbours_are_offered_not_guessed(client):
    # Several entries share the message's one topic word (パスワード: forgotten,
    # locked after wrong tries, …): the bot asks, the exact one first.
    body = chat(client, "パスワードを忘れてしまいました").get_json()
    assert body["type"] == "clarify"
    assert body["faqs"][0]["number"] == 4002 and 2 <= len(body["faqs"]) <= 3


def test_clarify_then_choose(client):
    body = chat(client, "住所変更").get_json()
    assert body["type"] == "clarify"
    assert 2 <= len(body["faqs"]) <= 3
    choice = body["options"][1]
    chosen = chat(client, choice["value"], body["state"]).get_json()
    assert chosen["type"] == "answer" and chosen["faqs"][0]["title"] == choice["label"]


def test_wizard_offer_and_walk(client, app):
    body = chat(client, "機種変更").get_json()
    assert body["type"] == "wizard"
    assert body["wizard"]["url"].startswith("/wizard/")
    assert 1 <= len(body["faqs"]) <= 3
    assert client.get(body["wizard"]["url"]).status_code == 200
    start = chat(client, body["options"][0]["value"], body["state"]).get_json()
    assert start["type"] == "wizard" and start["text"].startswith("質問1：")
    label = start["options"][0]["label"]
    step = chat(client, label, start["state"]).get_json()  # typing the label works
    assert step["text"].startswith("質問2：")
    assert client.get(step["wizard"]["url"]).status_code == 200
    assert [e["event"] for e in events(app, wizard_event)][:2] == ["start", "step"]


def test_fallback_names_the_contact_channels(client, app):
    body = chat(client, "明日の東京の天気は？").get_json()
    assert body["type"] == "fallback" and body["faqs"] == []
    assert "0120-000-123" in body["text"] and "お問い合わせフォーム" in body["text"]
    assert "平日 9:00〜17:00" in body["text"]
    assert any(c.get("url") for c in body["contacts"])
    row = events(app)[-1]
    assert row["reply_type"] == "fallback" and row["message"] == "明日の東京の天気は？"


def test_smalltalk(client):
    for m in ("こんにちは", "ありがとうございました", "お世話になります", "よろしく"):
        assert chat(client, m).get_json()["type"] == "smalltalk"


def test_not_resolved_is_recorded(client, app):
    first = chat(client, "苗字変わった").get_json()
    no = chat(client, "いいえ", first["state"]).get_json()
    assert no["type"] in ("clarify", "fallback") and "0120-000-123" in no["text"]
    rows = [r for r in events(app) if r["kind"] == "unresolved"]
    assert rows and rows[-1]["message"] == "苗字変わった" and rows[-1]["faqs"] == "4123"


def test_follow_up_uses_the_conversation(client):
    first = chat(client, "SMSの認証コードが届かない").get_json()
    follow = chat(client, "海外にいます", first["state"]).get_json()
    assert 3828 in [f["number"] for f in follow["faqs"]]


def test_bots_are_not_recorded(client, app):
    chat(client, "こんにちは", headers={"User-Agent": "Googlebot/2.1"})
    assert events(app) == []


# --- bad bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"not json", b"[1, 2]", b'"text"', b"{}", b'{"message": 42}', b'{"message": null}', b'{"message": ""}',
    b'{"message": "   "}', b'{"message": "\\ud800"}', b'{"message": "a\\udc00b"}', b"\xff\xfe{}",
    json.dumps({"message": "あ" * 1001}).encode(),
])
def test_bad_bodies_are_400_json(client, data):
    r = client.post("/api/chat", data=data, content_type="application/json")
    assert r.status_code == 400
    assert r.is_json and "error" in r.get_json()


def test_wrong_content_type_is_400(client):
    r = client.post("/api/chat", data={"message": "こんにちは"})
    assert r.status_code == 400 and r.get_json()["error"]


def test_1000_characters_are_fine(client):
    assert chat(client, "あ" * 1000).status_code == 200


def test_tampered_or_foreign_state_starts_fresh(client):
    first = chat(client, "パスワードを忘れてしまいました").get_json()
    tampered = first["state"][:-3] + "abc"
    for state in (tampered, "junk", 12, ["x"], {"v": 1}, None):
        r = chat(client, "はい", state)
        assert r.status_code == 200
        assert r.get_json()["type"] != "smalltalk" or "よかった" not in r.get_json()["text"]


def test_api_needs_no_csrf_token_but_page_does(client):
    assert chat(client, "こんにちは").status_code == 200
    r = client.post("/chat", data={"message": "こんにちは"})
    assert r.status_code == 400


def test_rate_limit(app):
    app.config["HELPCENTER_CHAT_RATE_LIMIT"] = "3/60"
    client = app.test_client()
    codes = [chat(client, "こんにちは").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = chat(client, "こんにちは")
    assert r.get_json()["error"] == "rate_limited" and int(r.headers["Retry-After"]) > 0
    other = app.test_client()  # another member, at another address
    assert chat(other, "こんにちは", environ_base={"REMOTE_ADDR": "192.0.2.44"}).status_code == 200


# --- /chat without JavaScript ----------------------------------------------------------

def form_fields(page: str) -> dict:
    fields = {}
    for name in ("csrf_token", "state", "log"):
        m = re.search(rf'name="{name}" value="([^"]*)"', page)
        fields[name] = html.unescape(m.group(1))
    return fields


def test_page_round_trip(client):
    page = client.get("/chat").get_data(as_text=True)
    assert 'role="log"' in page and 'aria-live="polite"' in page and "chat-launcher" not in page
    r = client.post("/chat", data={**form_fields(page), "message": "苗字変わった"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'href="/faq/4123"' in page and "解決しましたか？" in page
    assert 'name="choice" value="!yes"' in page
    # a button: the transcript keeps both turns
    r = client.post("/chat", data={**form_fields(page), "choice": "!no", "message": ""})
    page = r.get_data(as_text=True)
    assert "苗字変わった" in page and "お役に立てず申し訳ありません" in page
    assert page.count("chat-bubble chat-user") == 2


def test_page_escapes_user_text(client):
    page = client.get("/chat").get_data(as_text=True)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = client.post("/chat", data={**form_fields(page), "message": evil}).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_page_keeps_only_the_last_turns(client):
    page = client.get("/chat").get_data(as_text=True)
    for i in range(12):
        page = client.post("/chat", data={**form_fields(page), "message": f"こんにちは{i}"}).get_data(as_text=True)
    assert page.count("chat-bubble chat-user") == 10


def test_page_errors(client, app):
    page = client.get("/chat").get_data(as_text=True)
    r = client.post("/chat", data={**form_fields(page), "message": "  "})
    assert r.status_code == 400 and "入力してください" in r.get_data(as_text=True)
    r = client.post("/chat", data={**form_fields(page), "message": "あ" * 1001})
    assert r.status_code == 400
    # a tampered transcript or state is ignored
    r = client.post("/chat", data={**form_fields(page), "log": "junk", "state": "junk", "message": "こんにちは"})
    assert r.status_code == 200
    app.config["HELPCENTER_CHAT_RATE_LIMIT"] = "1/60"
    client.post("/chat", data={**form_fields(page), "message": "こんにちは"})
    r = client.post("/chat", data={**form_fields(page), "message": "こんにちは"})
    assert r.status_code == 429 and "待って" in r.get_data(as_text=True)


def test_widget_is_on_every_page_as_a_link_to_chat(client):
    for path in ("/", "/faq/4002", "/category/two-factor"):
        page = client.get(path).get_data(as_text=True)
        assert 'id="chat-launcher"' in page and 'href="/chat"' in page and "チャットで質問する" in page
        assert 'role="dialog"' in page and "js/chat.js" in page


def test_chat_js_never_puts_text_into_inner_html():
    js = (ROOT / "static" / "js" / "chat.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "textContent" in js


# --- evaluation, end to end -------------------------------------------------------------

def test_chat_eval_figures(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "inst"))
    result = runner.invoke(main, ["chat-eval", str(ROOT / "eval" / "queries.jsonl"), "--off-topic",
                                  str(ROOT / "eval" / "off-topic.jsonl"), "--content", str(ROOT / "content"),
                                  "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["queries"] == 209 and figures["off_topic"] == 46
    # measured 0.943 / 0.970 / 45 of 46 (docs/chat.md)
    assert figures["offered_rate"] >= 0.88
    assert figures["answer_accuracy"] >= 0.93
    assert figures["off_topic_fallback_rate"] >= 0.95
    assert sum(figures["types"].values()) == 209
    assert all(figures["types"][t] > 0 for t in ("answer", "clarify", "wizard", "fallback"))


def test_chat_eval_text_output(runner):
    result = runner.invoke(main, ["chat-eval", str(ROOT / "eval" / "queries.jsonl"), "--off-topic",
                                  str(ROOT / "eval" / "off-topic.jsonl"), "--content", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "grade-2 FAQ offered in the first reply" in result.output and "fallback:" in result.output


def test_page_has_breadcrumbs_and_starter_questions_until_the_first_message(client):
    page = client.get("/chat").get_data(as_text=True)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert 'href="/"' in crumbs and 'aria-current="page">チャットで質問する' in crumbs
    starters = re.findall(r'<button type="submit" name="choice" value="([^"]+)" class="secondary">', page)
    assert "機種変更のときの2段階認証" in starters and len(starters) == 4
    r = client.post("/chat", data={**form_fields(page), "choice": "機種変更のときの2段階認証", "message": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "質問ガイド「機種変更のときの2段階認証」" in page
    assert "質問の例" not in page


def test_widget_offers_the_same_starter_questions(client):
    page = client.get("/faq/3816").get_data(as_text=True)
    widget = page[page.index('id="chat-panel"'):]
    assert re.findall(r'data-message="([^"]+)"', widget)[:1] == ["2段階認証が利用できない"]


def test_answer_steps_are_separate_lines(client):
    r = client.post("/api/chat", data=json.dumps({"message": "苗字変わった"}),
                    content_type="application/json").get_json()
    lines = r["text"].split("\n")
    steps = [line for line in lines if re.match(r"^[①-⑳]", line)]
    assert len(steps) >= 2 and all(len(re.findall(r"[①-⑳]", line)) <= 1 for line in lines)


# --- the flagship problem: however it is phrased ------------------------------------

@pytest.mark.parametrize("message", [
    "コードが正しくありません",
    "コード違うって言われる",
    "正しいコード入れてるのにエラー",
    "コード 正しくありません エラー",
    "認証コードが正しくないと表示される",
    "2段階認証コードを入力するとエラーになります",
    "届いたコードを入れても通らない",
    "コードを何回入れてもはじかれる",
    "認証コードが違いますと出ます",
    "正しいはずのコードが弾かれる",
])
def test_every_phrasing_of_the_rejected_code_reaches_its_entry_or_wizard(gen, message):
    """The help center's most asked problem (entry 3822, wizard code-rejected)
    is offered in the first reply however a member words it."""
    from helpcenter.chat.policy import respond
    from helpcenter.chat.retrieval import IndexKnowledge
    from helpcenter.chat.model import State

    reply = respond(message, State(), IndexKnowledge(gen))
    offered = {f.number for f in reply.faqs}
    wizard = reply.wizard.id if reply.wizard else None
    assert 3822 in offered or wizard == "code-rejected", (reply.type, offered, wizard)


# --- what retrieval tells the policy about each candidate -------------------------

def test_retrieval_tells_which_entries_name_the_messages_topic_in_their_own_question(gen):
    from helpcenter.chat.retrieval import IndexKnowledge

    kb = IndexKnowledge(gen)
    points = {c.number: c for c in kb.search("ポイントの貯め方を教えて").candidates}
    # 4302 (the contact form) mentions ポイント in its answer only
    assert points[4302].coverage >= 0.8 and not points[4302].names_topic
    assert kb.search("パスワードを忘れてしまいました").candidates[0].names_topic
    # no word of the message names a topic (kana typed by reading): nothing to name, every entry may fit
    assert all(c.names_topic for c in kb.search("ぱすわーど わすれた").candidates)


def test_retrieval_measures_the_share_of_the_message_on_words_no_entry_has(gen):
    from helpcenter.chat.retrieval import IndexKnowledge

    kb = IndexKnowledge(gen)
    assert kb.search("Netflixの解約方法").unknown_share > 0.5  # Netflix: no entry has it
    assert kb.search("パスワードを忘れてしまいました").unknown_share == 0.0


def test_off_topic_messages_fall_back_under_an_answer_heavier_ranking_too(runner, tmp_path, monkeypatch):
    """The fallback must not depend on which entries the ranking puts in the
    first three: a ranking that weighs the answer text more brought entries
    that mention a word in passing there (43/46 before names_topic)."""
    monkeypatch.setenv("HELPCENTER_INSTANCE_DIR", str(tmp_path / "inst"))
    heavier = {"streams": {"body_words": {"weight": 2.5, "k1": 1.2}}, "reading_decay": 0.5, "short_words": 2}
    result = runner.invoke(main, ["chat-eval", str(ROOT / "eval" / "queries.jsonl"), "--off-topic",
                                  str(ROOT / "eval" / "off-topic.jsonl"), "--content", str(ROOT / "content"),
                                  "--json", "--ranking", json.dumps(heavier)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["off_topic_fallback_rate"] >= 0.95  # measured 45/46 (docs/chat.md)
    assert figures["offered_rate"] >= 0.92

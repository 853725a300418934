"""The dialogue policy on fixed search results: message + state + evidence → reply.

No index and no server: `FakeKnowledge` returns the Evidence each test sets
for a query, so every threshold and every reply type is exercised directly.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from helpcenter.chat import policy
from helpcenter.chat.model import Candidate, ContactInfo, Evidence, State, WizardRef
from helpcenter.chat.policy import respond
from helpcenter.content.model import Node, Option, Outcome, Wizard

FAQS = {
    1: "SMSが届きません。",
    2: "メールが届きません。",
    3: "海外でSMSが受け取れません。",
    4: "パスワードを忘れました。",
    5: "認証方法を確認できますか？",
}

WIZARD = Wizard(
    id="not-arriving", title="コードが届かない", description="コードが届かないときの案内", start="method",
    nodes={
        "method": Node("method", question="認証方法はどれですか？", help="設定画面で確認できます。",
                       options=(Option("SMS認証", "abroad"), Option("メール認証", "mail"))),
        "abroad": Node("abroad", question="今、海外にいますか？",
                       options=(Option("日本国内にいる", "sms"), Option("海外にいる", "abroad-out"))),
        "sms": Node("sms", outcome=Outcome("受信設定を確認してください", "①受信拒否を解除します。\n②再送信します。",
                                           faqs=(1, 3))),
        "abroad-out": Node("abroad-out", outcome=Outcome("海外ではSMSを受け取れません", "帰国後にお試しください。",
                                                         faqs=(3,), contact=True)),
        "mail": Node("mail", outcome=Outcome("迷惑メールフォルダをご確認ください", "フォルダを確認します。", faqs=(2,))),
    })


def cand(number: int, score: float, coverage: float = 1.0, title_coverage: float = 1.0,
         topic_evidence: float = 3.0) -> Candidate:
    # topic_evidence 3.0: the message's topic words (TOPIC_WEIGHT) all shared, worth half an unknown word (MAX_IDF)
    return Candidate(number=number, title=FAQS[number], url=f"/faq/{number}", score=score, coverage=coverage,
                     title_coverage=title_coverage, summary=f"{FAQS[number]}の手順です。",
                     topic_evidence=topic_evidence * coverage)


class FakeKnowledge:
    def __init__(self, table: dict[str, Evidence] | None = None, wizards: dict[str, Wizard] | None = None):
        self.table = table or {}
        self._wizards = {WIZARD.id: WIZARD} if wizards is None else wizards
        self.searched: list[str] = []

    def search(self, query: str) -> Evidence:
        self.searched.append(query)
        return self.table.get(query, Evidence(query=query))

    def faq(self, number: int):
        return cand(number, 0.0) if number in FAQS else None

    def wizard(self, wizard_id: str):
        return self._wizards.get(wizard_id)

    def wizards(self):
        return self._wizards

    def contacts(self):
        return (ContactInfo("コールセンター", phone="0120-000-000", hours="平日 9:00〜17:00"),
                ContactInfo("お問い合わせフォーム", where="マイページ", url="https://example.jp/form"))


MAX_IDF, TOPIC_WEIGHT = 6.0, 3.0


def ev(query: str, *cands: Candidate, wizards=(), topical: int = 2) -> Evidence:
    return Evidence(query=query, candidates=tuple(cands), wizards=tuple(wizards), topical=topical, units=topical,
                    max_idf=MAX_IDF, topic_weight=TOPIC_WEIGHT)


# --- reply types ----------------------------------------------------------------

def test_answer_when_one_entry_is_clearly_best():
    kb = FakeKnowledge({"パスワード忘れた": ev("パスワード忘れた", cand(4, 20.0), cand(1, 5.0, 0.5, 0.0))})
    reply = respond("パスワード忘れた", State(), kb)
    assert reply.type == "answer"
    assert [f.number for f in reply.faqs] == [4]
    assert "パスワードを忘れました。の手順です。" in reply.text
    assert reply.text.endswith("解決しましたか？")
    assert [(o.label, o.value) for o in reply.options] == [("はい", "!yes"), ("いいえ", "!no")]
    assert reply.state.asked == (4,) and reply.state.topic == "パスワード忘れた"


def test_clarify_when_several_fit_about_equally():
    kb = FakeKnowledge({"届かない": ev("届かない", cand(1, 10.0), cand(2, 9.8), cand(3, 9.5), cand(4, 9.0))},
                       wizards={})
    reply = respond("届かない", State(), kb)
    assert reply.type == "clarify"
    assert [f.number for f in reply.faqs] == [1, 2, 3]  # at most three
    assert [o.value for o in reply.options] == ["!faq:1", "!faq:2", "!faq:3", "!none"]
    # choosing one answers it
    chosen = respond("!faq:2", reply.state, kb)
    assert chosen.type == "answer" and [f.number for f in chosen.faqs] == [2]
    assert chosen.echo == FAQS[2]


def test_fallback_when_coverage_is_low_whatever_the_score():
    # a high BM25 score on one common word does not make an answer
    kb = FakeKnowledge({"Netflixの解約方法": ev("Netflixの解約方法", cand(4, 30.0, coverage=0.3, title_coverage=0.3))})
    reply = respond("Netflixの解約方法", State(), kb)
    assert reply.type == "fallback" and reply.faqs == ()
    assert "コールセンター" in reply.text and "0120-000-000" in reply.text and "平日 9:00〜17:00" in reply.text
    assert "お問い合わせフォーム" in reply.text
    assert reply.contacts and reply.record_message == "Netflixの解約方法"


def test_asks_back_when_a_long_message_shares_much_topic_but_little_share():
    # Coverage below MIN_COVERAGE (the message tells a story the answers never
    # mention), but the entries share topic words worth most of an unknown
    # word's idf: ask back, with 「どれも違う」, instead of giving up.
    strong = dict(coverage=0.35, title_coverage=0.2)
    e = Evidence(query="長い相談", candidates=(
        Candidate(1, FAQS[1], "/faq/1", 12.0, topic_evidence=5.0, **strong),
        Candidate(3, FAQS[3], "/faq/3", 10.0, topic_evidence=3.0, **strong),
        Candidate(4, FAQS[4], "/faq/4", 9.0, coverage=0.1, topic_evidence=1.0)), topical=6, units=9, max_idf=6.0)
    reply = respond("長い相談", State(), FakeKnowledge({"長い相談": e}))
    assert reply.type == "clarify" and reply.text.startswith("はっきりとはわかりませんでしたが")
    assert [f.number for f in reply.faqs] == [1, 3]  # 4 covers too little to offer
    assert [o.value for o in reply.options] == ["!faq:1", "!faq:3", "!none"]


def test_falls_back_when_the_shared_topic_is_too_little_to_ask_about():
    below = policy.MIN_COVERAGE - 0.01
    # shared only in the answer text: the full bar, 3.0 < UNSURE_EVIDENCE × 6.0
    weak = Evidence(query="ポイントの貯め方", candidates=(
        Candidate(4, FAQS[4], "/faq/4", 12.0, coverage=below, title_coverage=0.0, topic_evidence=3.0,
                  names_topic=False),), topical=1, units=2, max_idf=6.0)
    assert respond("ポイントの貯め方", State(), FakeKnowledge({"ポイントの貯め方": weak})).type == "fallback"
    # named by the entry's question, but 2.0 < UNSURE_TITLE_EVIDENCE × 6.0
    named = Evidence(query="q", candidates=(
        Candidate(4, FAQS[4], "/faq/4", 12.0, coverage=below, title_coverage=below, topic_evidence=2.0),),
        topical=1, units=2, max_idf=6.0)
    assert respond("q", State(), FakeKnowledge({"q": named})).type == "fallback"
    sparse = Evidence(query="x", candidates=(
        Candidate(4, FAQS[4], "/faq/4", 12.0, coverage=policy.UNSURE_COVERAGE - 0.05, topic_evidence=9.0),),
        topical=1, units=2, max_idf=6.0)
    assert respond("x", State(), FakeKnowledge({"x": sparse})).type == "fallback"


def test_only_an_entry_whose_question_names_the_topic_makes_the_question_fit():
    # An answer text mentions much in passing (「ポイント」 in a form's
    # instructions): covering the message there alone does not make it fit.
    def kb(names: bool) -> FakeKnowledge:
        body = dict(coverage=0.8, title_coverage=0.1, topic_evidence=3.0, names_topic=names)
        return FakeKnowledge({"q": ev("q", Candidate(1, FAQS[1], "/faq/1", 10.0, **body),
                                      Candidate(2, FAQS[2], "/faq/2", 9.0, **body))}, wizards={})
    assert respond("q", State(), kb(names=False)).type == "fallback"
    assert respond("q", State(), kb(names=True)).type == "clarify"


def test_an_entry_named_by_its_question_lets_others_that_cover_only_in_their_answer_be_offered_beside_it():
    named = Candidate(1, FAQS[1], "/faq/1", 10.0, coverage=0.5, title_coverage=0.5, topic_evidence=1.0)
    body = Candidate(2, FAQS[2], "/faq/2", 9.0, coverage=0.9, title_coverage=0.0, topic_evidence=1.0,
                     names_topic=False)
    reply = respond("q", State(), FakeKnowledge({"q": ev("q", named, body)}, wizards={}))
    assert reply.type == "clarify" and [f.number for f in reply.faqs] == [1, 2]


def test_an_entry_that_covers_enough_only_in_its_answer_is_not_asked_about_either():
    # It failed the stronger test (fitting); the weaker one (unsure) must not
    # let it back in. A long message that covers little still is asked about.
    covers = Candidate(1, FAQS[1], "/faq/1", 10.0, coverage=0.8, title_coverage=0.0, topic_evidence=5.0,
                       names_topic=False)
    little = replace(covers, coverage=0.3)
    assert respond("q", State(), FakeKnowledge({"q": ev("q", covers)}, wizards={})).type == "fallback"
    reply = respond("q", State(), FakeKnowledge({"q": ev("q", little)}, wizards={}))
    assert reply.type == "clarify" and reply.text.startswith("はっきりとはわかりませんでしたが")


def test_asks_back_on_less_shared_topic_when_the_entrys_question_names_it():
    # 0.5 × the idf of an unknown word: below UNSURE_EVIDENCE, above UNSURE_TITLE_EVIDENCE
    def reply(names: bool, unknown_share: float = 0.0):
        c = Candidate(1, FAQS[1], "/faq/1", 10.0, coverage=0.3, title_coverage=0.3, topic_evidence=3.0,
                      names_topic=names)
        e = replace(ev("q", c), unknown_share=unknown_share)
        return respond("q", State(), FakeKnowledge({"q": e}, wizards={}))
    assert policy.UNSURE_TITLE_EVIDENCE * MAX_IDF <= 3.0 < policy.UNSURE_EVIDENCE * MAX_IDF
    assert reply(names=True).type == "clarify"
    assert reply(names=False).type == "fallback"
    # words no entry has carry most of the message («Netflixの解約方法»): the full bar
    assert reply(names=True, unknown_share=policy.UNKNOWN_SHARE + 0.1).type == "fallback"
    assert reply(names=True, unknown_share=policy.UNKNOWN_SHARE).type == "clarify"


def test_clarify_offers_the_reranked_and_the_search_order_alternately():
    # search order 1, 2, 3, 4; the re-ranking puts the entries whose question
    # covers the message first: 2, 3, 4, 1. Offered: 2 (re-ranked), 1 (search), 3.
    kb = FakeKnowledge({"q": ev("q", cand(1, 10.0, 1.0, 0.0), cand(2, 9.0), cand(3, 8.0), cand(4, 7.0))},
                       wizards={})
    assert [c.number for c in policy.rerank(kb.table["q"].candidates)] == [2, 3, 4, 1]
    reply = respond("q", State(), kb)
    assert reply.type == "clarify" and [f.number for f in reply.faqs] == [2, 1, 3]


def test_choices_are_the_reranked_ones_when_the_search_agrees():
    e = ev("q", cand(1, 10.0), cand(2, 9.0), cand(3, 8.0), cand(4, 7.0))
    assert [c.number for c in policy.choices(policy.rerank(e.candidates), e)] == [1, 2, 3]


def test_fallback_when_nothing_is_found_or_only_symbols():
    kb = FakeKnowledge()
    assert respond("asdfghjkl", State(), kb).type == "fallback"
    assert respond("？？？", State(), kb).type == "fallback"
    assert respond("😂😂", State(), kb).type == "fallback"
    assert kb.searched == ["asdfghjkl"]  # symbols alone are not even searched


@pytest.mark.parametrize("message", ["こんにちは", "ありがとうございました！", "お世話になります。", "よろしくお願いします",
                                     "どうもありがとう", "Hello"])
def test_smalltalk(message):
    kb = FakeKnowledge()
    reply = respond(message, State(topic="前の話題", candidates=(1,)), kb)
    assert reply.type == "smalltalk" and reply.faqs == ()
    assert kb.searched == []
    assert reply.state.topic == "前の話題"


def test_greeting_with_a_question_answers_the_question():
    kb = FakeKnowledge({"パスワードを忘れました": ev("q", cand(4, 20.0), cand(1, 2.0, 0.5, 0.0))})
    reply = respond("こんにちは、パスワードを忘れました", State(), kb)
    assert reply.type == "answer" and reply.faqs[0].number == 4


def test_wizard_offer_when_several_fit_and_a_wizard_matches():
    w = WizardRef(WIZARD.id, WIZARD.title, "/wizard/not-arriving")
    kb = FakeKnowledge({"コードが届かない": ev("コードが届かない", cand(1, 10.0), cand(2, 9.9), wizards=[w])})
    reply = respond("コードが届かない", State(), kb)
    assert reply.type == "wizard"
    assert reply.wizard == w
    assert [f.number for f in reply.faqs] == [1, 2]
    assert reply.options[0].value == "!wizard:not-arriving"


def test_wizard_offer_when_a_wizard_covers_the_candidates():
    # no wizard matched the words, but its outcomes cite both entries that fit
    kb = FakeKnowledge({"届かない": ev("届かない", cand(1, 10.0), cand(3, 9.9))})
    reply = respond("届かない", State(), kb)
    assert reply.type == "wizard" and reply.wizard.id == "not-arriving"


def test_clear_answer_still_offers_a_matching_wizard_as_an_option():
    w = WizardRef(WIZARD.id, WIZARD.title, "/wizard/not-arriving")
    kb = FakeKnowledge({"SMS": ev("SMS", cand(1, 20.0), cand(2, 3.0, 0.5, 0.0), wizards=[w])})
    reply = respond("SMS", State(), kb)
    assert reply.type == "answer" and reply.wizard == w
    assert "!wizard:not-arriving" in [o.value for o in reply.options]


# --- thresholds -------------------------------------------------------------------

def test_coverage_threshold(monkeypatch):
    monkeypatch.setattr(policy, "MIN_COVERAGE", 0.5)
    just = FakeKnowledge({"q": ev("q", cand(4, 10.0, coverage=0.5))})
    below = FakeKnowledge({"q": ev("q", cand(4, 10.0, coverage=0.49))})
    assert respond("q", State(), just).type == "answer"
    assert respond("q", State(), below).type == "fallback"


def test_one_good_candidate_admits_weaker_ones_beside_it(monkeypatch):
    monkeypatch.setattr(policy, "MIN_COVERAGE", 0.5)
    monkeypatch.setattr(policy, "OTHERS_SHARE", 0.5)
    kb = FakeKnowledge({"q": ev("q", cand(1, 10.0, 0.9, 0.5), cand(2, 10.0, 0.3, 0.9), cand(3, 10.0, 0.2, 0.9))},
                       wizards={})
    reply = respond("q", State(), kb)
    assert reply.type == "clarify" and sorted(f.number for f in reply.faqs) == [1, 2]  # 3 covers too little


def test_answer_confidence_adds_lead_shared_topic_and_agreement():
    best, second = cand(1, 10.0), cand(2, 7.0)
    # relevance: 1 → 1 + 1 = 2; 2 → .7 + 1 = 1.7
    fit = policy.rerank([best, second])
    e = ev("q", best, second)
    assert policy.confidence(fit, e) == pytest.approx(
        0.3 + policy.ANSWER_EVIDENCE * 3.0 / MAX_IDF + policy.ANSWER_SHARE * 3.0 / TOPIC_WEIGHT + policy.ANSWER_AGREE)
    # the search ranked another entry first: no agreement term
    assert policy.confidence(fit, ev("q", second, best)) == pytest.approx(policy.confidence(fit, e) - policy.ANSWER_AGREE)


def test_answers_only_above_the_confidence_bar(monkeypatch):
    kb = FakeKnowledge({"q": ev("q", cand(1, 10.0), cand(2, 7.0))}, wizards={})
    conf = policy.confidence(policy.rerank([cand(1, 10.0), cand(2, 7.0)]), ev("q", cand(1, 10.0), cand(2, 7.0)))
    monkeypatch.setattr(policy, "ANSWER_CONFIDENCE", conf)
    assert respond("q", State(), kb).type == "answer"
    monkeypatch.setattr(policy, "ANSWER_CONFIDENCE", conf + 0.01)
    assert respond("q", State(), kb).type == "clarify"


def test_a_clear_lead_on_little_shared_topic_asks_back():
    # A large collection has near neighbours for every question: a big lead in
    # score over them is not enough when the entry shares little specific
    # content with the message (LocalgovFAQ: such leads were right 58% of the time).
    thin = FakeKnowledge({"q": ev("q", cand(1, 20.0, topic_evidence=0.5), cand(2, 5.0, 0.5, 0.0, 0.5))}, wizards={})
    rich = FakeKnowledge({"q": ev("q", cand(1, 20.0, topic_evidence=3.0), cand(2, 5.0, 0.5, 0.0, 3.0))}, wizards={})
    assert respond("q", State(), thin).type == "clarify"
    assert respond("q", State(), rich).type == "answer"


def test_rerank_prefers_entries_whose_question_covers_the_query():
    ranked = policy.rerank([cand(1, 10.0, 1.0, 0.2), cand(2, 9.0, 1.0, 1.0)])
    assert [c.number for c in ranked] == [2, 1]
    assert ranked[0].relevance == pytest.approx(0.9 + 1.0)


# --- follow-ups -----------------------------------------------------------------

def test_short_follow_up_continues_the_topic():
    kb = FakeKnowledge({
        "認証方法は？": ev("認証方法は？", cand(5, 10.0), cand(1, 9.9), cand(2, 9.8)),
        "SMSです": ev("SMSです", cand(3, 10.0), cand(1, 9.9), topical=1),
        "認証方法は？ SMSです": ev("認証方法は？ SMSです", cand(1, 10.0, topic_evidence=6.0), cand(3, 6.0, 0.6, 0.4)),
    }, wizards={})
    first = respond("認証方法は？", State(), kb)
    assert first.type == "clarify" and 1 in first.state.candidates
    second = respond("SMSです", first.state, kb)
    assert kb.searched[-1] == "認証方法は？ SMSです"
    assert second.type == "answer" and second.faqs[0].number == 1
    assert second.state.topic == "認証方法は？ SMSです"


def test_a_message_that_finds_nothing_alone_is_searched_with_the_topic():
    kb = FakeKnowledge({
        "SMSが届かない": ev("SMSが届かない", cand(1, 20.0), cand(2, 2.0, 0.5, 0.0)),
        "SMSが届かない 海外です": ev("j", cand(3, 20.0, topic_evidence=6.0), cand(1, 5.0, 0.5, 0.2)),
    })
    first = respond("SMSが届かない", State(), kb)
    reply = respond("海外です", first.state, kb)
    assert reply.type == "answer" and reply.faqs[0].number == 3


def test_short_message_on_another_subject_starts_a_new_topic():
    kb = FakeKnowledge({
        "SMSが届かない": ev("SMSが届かない", cand(1, 20.0), cand(3, 2.0, 0.5, 0.0)),
        "パスワード": ev("パスワード", cand(4, 20.0), topical=1),
    })
    first = respond("SMSが届かない", State(), kb)
    reply = respond("パスワード", first.state, kb)
    assert "SMSが届かない パスワード" not in kb.searched
    assert reply.faqs[0].number == 4 and reply.state.topic == "パスワード"


def test_previous_candidates_get_a_bonus_in_follow_ups():
    ranked = policy.rerank([cand(1, 10.0), cand(2, 9.5)], previous=[2])
    assert ranked[0].number == 2


# --- resolved? ------------------------------------------------------------------

def test_yes_after_an_answer():
    kb = FakeKnowledge({"パスワード忘れた": ev("q", cand(4, 20.0), cand(1, 1.0, 0.5, 0.0))})
    first = respond("パスワード忘れた", State(), kb)
    for said in ("!yes", "はい"):
        reply = respond(said, first.state, kb)
        assert reply.type == "smalltalk" and not reply.unresolved
        assert reply.state == State()


def test_no_after_an_answer_offers_other_candidates_and_contacts():
    kb = FakeKnowledge({"SMSが届かない": ev("SMSが届かない", cand(1, 20.0, topic_evidence=6.0), cand(3, 10.0, 0.6, 0.3))})
    first = respond("SMSが届かない", State(), kb)
    assert first.type == "answer"
    reply = respond("いいえ", first.state, kb)
    assert reply.unresolved and reply.record_message == "SMSが届かない"
    assert reply.type == "clarify" and [f.number for f in reply.faqs] == [3]
    assert reply.contacts and "コールセンター" in reply.text


def test_no_without_other_candidates_is_a_fallback_with_contacts():
    reply = respond("!no", State(topic="何か", candidates=(4,), asked=(4,), options=("!yes", "!no")), FakeKnowledge())
    assert reply.type == "fallback" and reply.unresolved and reply.contacts


def test_none_of_these_after_clarify_is_unresolved():
    kb = FakeKnowledge({"届かない": ev("届かない", cand(1, 10.0), cand(2, 9.8))}, wizards={})
    first = respond("届かない", State(), kb)
    reply = respond("どれも違う", first.state, kb)
    assert reply.unresolved and reply.type == "fallback"


# --- wizards inside the chat ------------------------------------------------------

def test_wizard_runs_one_question_per_turn():
    kb = FakeKnowledge()
    start = respond("!wizard:not-arriving", State(), kb)
    assert start.type == "wizard" and start.text.startswith("質問1：認証方法はどれですか？")
    assert "設定画面で確認できます。" in start.text
    assert [o.label for o in start.options] == ["SMS認証", "メール認証", "質問ガイドをやめる"]
    assert start.wizard.url == "/wizard/not-arriving"
    assert [(e.event, e.node) for e in start.wizard_events] == [("start", "method")]

    step = respond("!step:1", start.state, kb)
    assert step.text.startswith("質問2：今、海外にいますか？")
    assert step.wizard.url == "/wizard/not-arriving/1"
    assert step.state.wizard == ("not-arriving", (0,))

    done = respond("!step:2", step.state, kb)
    assert done.type == "wizard" and done.text.startswith("海外ではSMSを受け取れません")
    assert [f.number for f in done.faqs] == [3]
    assert done.contacts  # the outcome sends the member to the contact channels
    assert done.text.endswith("解決しましたか？")
    assert [e.event for e in done.wizard_events] == ["step", "outcome"]
    assert done.wizard_events[-1].path == "1-2"


def test_typing_an_option_label_steps_the_wizard():
    kb = FakeKnowledge()
    start = respond("!wizard:not-arriving", State(), kb)
    step = respond("SMSです", start.state, kb)
    assert step.state.wizard == ("not-arriving", (0,))
    step2 = respond("2", step.state, kb)  # the number of a button works too
    assert step2.text.startswith("海外ではSMSを受け取れません")
    assert kb.searched == []


def test_a_new_question_leaves_the_wizard():
    kb = FakeKnowledge({"パスワードを忘れました": ev("q", cand(4, 20.0))})
    start = respond("!wizard:not-arriving", State(), kb)
    reply = respond("パスワードを忘れました", start.state, kb)
    assert reply.type == "answer" and reply.state.wizard is None


def test_quit_and_stale_wizard_buttons():
    kb = FakeKnowledge()
    start = respond("!wizard:not-arriving", State(), kb)
    assert respond("!quit", start.state, kb).state.wizard is None
    assert respond("!step:9", start.state, kb).type == "fallback"  # no such option
    assert respond("!step:1", State(), kb).type == "fallback"  # no wizard running
    assert respond("!wizard:nope", State(), kb).type == "fallback"
    assert respond("!faq:999", State(), kb).type == "fallback"

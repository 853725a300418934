"""受付番号 in the database (SQLite and PostgreSQL) and the trail it carries:
issuing, looking up, the daily limit, the visitor's recent events, retention,
and the deflection rate on the dashboard."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest

from helpcenter import views_store
from helpcenter.analytics import events, reports, retention
from helpcenter.contact import code as codes
from helpcenter.contact import store
from helpcenter.contact.trail import Activity, Trail, WizardWalk, build, describe_walk

NOW = datetime(2024, 6, 30, 3, 0, tzinfo=timezone.utc)  # 12:00 in Japan
TODAY = date(2024, 6, 30)
SECRET = "test-secret"


def test_an_issued_code_is_signed_and_looks_up_to_its_trail(db_engine):
    trail = Trail("contact", query="コードが届かない", chat=("SMSが来ない",), faqs=((3816, "SMSが届きません"),),
                  searches=("sms 届かない",),
                  wizards=(WizardWalk("code-not-arriving", "届かない", (("どこで？", "SMS"),), "待つ", "1"),))
    issued = store.issue(db_engine, visitor="v1", trail=trail, secret=SECRET, at=NOW)
    assert codes.verify(issued, SECRET) == issued
    found = store.lookup(db_engine, issued)
    assert found is not None and found.trail == trail and found.source == "contact"
    assert found.created_at == NOW
    assert store.lookup(db_engine, "K7Q-4MD2") is None


def test_a_code_clash_draws_again_instead_of_failing(db_engine):
    first = store.issue(db_engine, visitor="a", trail=Trail("chat"), secret=SECRET, at=NOW,
                        randbelow=random.Random(1).randrange)
    # the same random source again: its first draw clashes, the next one does not
    rnd = random.Random(1)
    second = store.issue(db_engine, visitor="b", trail=Trail("chat"), secret=SECRET, at=NOW, randbelow=rnd.randrange)
    assert second != first and store.lookup(db_engine, first).source == "chat"


def test_a_visitor_gets_at_most_the_daily_number_of_codes(db_engine):
    for _ in range(store.MAX_PER_VISITOR_DAY):
        store.issue(db_engine, visitor="v", trail=Trail("contact"), secret=SECRET, at=NOW)
    with pytest.raises(store.TooMany):
        store.issue(db_engine, visitor="v", trail=Trail("contact"), secret=SECRET, at=NOW)
    store.issue(db_engine, visitor="other", trail=Trail("contact"), secret=SECRET, at=NOW)
    store.issue(db_engine, visitor="v", trail=Trail("contact"), secret=SECRET, at=NOW + timedelta(days=1))


def test_recent_activity_is_the_visitors_last_day_most_recent_first(db_engine):
    v = "visitor-1"
    at = NOW - timedelta(hours=2)
    events.record_wizard(db_engine, visitor=v, wizard="w1", event="start", node="q1", path="", at=at)
    events.record_wizard(db_engine, visitor=v, wizard="w1", event="step", node="q1", path="2", at=at)
    events.record_wizard(db_engine, visitor=v, wizard="w1", event="step", node="q2", path="2-1",
                         at=at + timedelta(minutes=1))
    views_store.record_view(db_engine, 3816, v, TODAY)
    events.record_search(db_engine, visitor=v, query="SMS 届かない", normalized="sms 届く", results=3,
                         category=None, page=1, at=at)
    events.record_search(db_engine, visitor=v, query="機種変更", normalized="機種変更", results=3,
                         category=None, page=1, at=at + timedelta(minutes=5))
    events.record_chat(db_engine, visitor=v, reply_type="fallback", message="ポイントが消えた", faqs=[], at=at)
    events.record_chat(db_engine, visitor=v, reply_type="answer", message="kept? no", faqs=[1], at=at)
    # someone else, and the same visitor two days ago
    events.record_search(db_engine, visitor="other", query="他人", normalized="他人", results=1, category=None,
                         page=1, at=at)
    events.record_search(db_engine, visitor=v, query="古い", normalized="古い", results=1, category=None,
                         page=1, at=NOW - timedelta(days=2))
    a = store.recent_activity(db_engine, v, now=NOW)
    assert a.wizard_paths == (("w1", "2-1"),)
    assert a.searches == ("機種変更", "SMS 届かない")
    assert a.chat == ("ポイントが消えた",)
    assert 3816 in a.faqs  # views are counted per day: their time is the first view's


def test_codes_and_contact_events_are_purged_with_the_events(db_engine):
    old = NOW - timedelta(days=200)
    store.issue(db_engine, visitor="v", trail=Trail("contact"), secret=SECRET, at=old)
    kept = store.issue(db_engine, visitor="v", trail=Trail("contact"), secret=SECRET, at=NOW)
    events.record_contact(db_engine, visitor="v", kind="view", at=old)
    deleted = retention.purge(db_engine, 180, TODAY)
    assert deleted["contact_code"] == 1 and deleted["contact_event"] == 1
    assert store.lookup(db_engine, kept) is not None


def test_the_deflection_rate_counts_members_who_typed_and_asked_for_no_code(db_engine):
    for v in ("a", "b", "c", "d"):
        events.record_contact(db_engine, visitor=v, kind="view", at=NOW)
    for v in ("a", "b", "c"):
        events.record_contact(db_engine, visitor=v, kind="typed", at=NOW)
        events.record_contact(db_engine, visitor=v, kind="typed", at=NOW)  # once a day
    store.issue(db_engine, visitor="a", trail=Trail("contact"), secret=SECRET, at=NOW)
    store.issue(db_engine, visitor="d", trail=Trail("wizard"), secret=SECRET, at=NOW)  # did not type
    store.issue(db_engine, visitor="x", trail=Trail("chat"), secret=SECRET, at=NOW)
    p7 = reports.Period(7, TODAY, NOW)
    s = reports.contact_summary(db_engine, p7)
    assert (s.views, s.typed, s.typed_with_code) == (4, 3, 1)
    assert s.deflection_rate == pytest.approx(2 / 3)
    assert s.codes == {"contact": 1, "wizard": 1, "chat": 1}
    table = reports.build("contact", db_engine, p7)
    assert any("66.7%" in r["value"] for r in table.rows)


def test_no_one_typing_gives_no_deflection_rate_rather_than_zero(db_engine):
    s = reports.contact_summary(db_engine, reports.Period(7, TODAY, NOW))
    assert s.deflection_rate is None


# --- the trail (pure) -------------------------------------------------------------

def test_a_trail_reads_back_from_its_json_and_junk_reads_as_empty():
    t = Trail("wizard", "q", (WizardWalk("w", "W", (("Q", "A"),), "O", "1"),), ("m",), ((1, "t"),), ("s",))
    assert Trail.from_json(t.to_json()) == t
    for junk in ("", "null", "[]", '{"source": "evil", "faqs": [["x", 1]], "chat": [1, "ok"]}', "{"):
        assert Trail.from_json(junk).source == "contact"
    assert Trail.from_json('{"chat": [1, "ok"]}').chat == ("ok",)


def test_build_describes_walks_in_words_and_puts_the_button_s_wizard_first(gen):
    wizards = gen.wizards
    wid = "code-not-arriving"
    described = describe_walk(wizards[wid], "1")
    assert described.answers and described.answers[0][1] == wizards[wid].nodes[wizards[wid].start].options[0].label
    activity = Activity(wizard_paths=(("changing-phones", "1"), (wid, "2"), ("gone", "1")),
                        faqs=(3816, 3816, 999999), searches=("a", "a", "\x00b"), chat=("new", "old"))
    t = build("wizard", wizards=wizards, faq_titles=gen.faq_titles, wizard=(wid, "1"), activity=activity,
              query="  コードが\n届かない ")
    assert [w.wizard for w in t.wizards] == [wid, "changing-phones"]  # the button's walk wins for its wizard
    assert t.wizards[0].path == "1"
    assert t.faqs == ((3816, gen.faq_titles[3816]),)  # once, unknown numbers left out
    assert t.searches == ("a", "b") and t.chat == ("old", "new") and t.query == "コードが 届かない"


def test_build_leaves_out_walks_that_no_longer_fit_and_caps_every_list(gen):
    t = build("chat", wizards=gen.wizards, faq_titles=gen.faq_titles, wizard=("code-not-arriving", "99-99"),
              chat=["x" * 5000] * 50)
    assert t.wizards == () and len(t.chat) == 5 and all(len(m) == 200 for m in t.chat)
    with pytest.raises(ValueError):
        build("elsewhere", wizards={}, faq_titles={})

"""The chatbot's pure helpers: small talk, summaries, button matching, query
coverage, signed state and the rate limit."""
from __future__ import annotations

import pytest

from helpcenter.search import coverage as C
from helpcenter.chat import state as S
from helpcenter.chat.model import State
from helpcenter.chat.text import is_meaningless, match_label, smalltalk, summarize, yes_no


@pytest.mark.parametrize("message,kind", [
    ("こんにちは", "greeting"), ("こんにちは！", "greeting"), ("お世話になっております。", "greeting"),
    ("よろしくお願いします", "greeting"), ("ありがとう", "thanks"), ("ありがとうございました😊", "thanks"),
    ("助かりました！", "thanks"), ("さようなら", "bye"), ("thank you", "thanks"),
])
def test_smalltalk_alone(message, kind):
    assert smalltalk(message) == (kind, "")


def test_smalltalk_with_a_question_keeps_the_question():
    kind, rest = smalltalk("こんにちは、SMSが届きません")
    assert kind == "greeting" and "届きません" in rest
    assert smalltalk("SMSが届きません") == (None, "SMSが届きません")
    assert smalltalk("history")[0] is None  # "hi" only as a whole word


def test_meaningless():
    assert is_meaningless("？？？") and is_meaningless("😂😂😂") and is_meaningless("  ")
    assert not is_meaningless("ｗｗ") and not is_meaningless("1")


def test_summary_takes_the_lead_and_the_first_steps():
    plain = ("パスワードはログイン画面から再設定できます。セキュリティのためお知らせできません。"
             " ①ログイン画面を開きます。画面の下にあります。 ②IDを入力します。 ③メールのURLを開きます。"
             " ④新しいパスワードを入力します。" + "あ" * 300)
    s = summarize(plain)
    assert s.startswith("パスワードはログイン画面から再設定できます。\n①ログイン画面を開きます。\n②IDを入力します。")
    assert "画面の下にあります" not in s  # only the first sentence of a step
    assert len(s) <= 200


def test_summary_without_steps_and_of_a_long_sentence():
    assert summarize("一文目です。二文目です。") == "一文目です。 二文目です。"
    long = "あ" * 500 + "。"
    s = summarize(long)
    assert len(s) == 200 and s.endswith("…")
    assert summarize("") == ""


def test_match_label():
    labels = ["SMS認証", "メール認証", "アプリ認証（Google Authenticator）", "わからない"]
    assert match_label("SMSです", labels) == 0
    assert match_label("メール認証", labels) == 1
    assert match_label("２", labels) == 1
    assert match_label("わからないです", labels) == 3
    assert match_label("5", labels) is None
    assert match_label("天気", labels) is None
    assert match_label("SMS", ["SMSが届きません。", "メールが届きません。"], partial=False) is None
    assert match_label("メールが届きません", ["SMSが届きません。", "メールが届きません。"], partial=False) == 1


def test_yes_no():
    assert yes_no("はい") is True and yes_no("はい。") is True
    assert yes_no("いいえ") is False and yes_no("解決しません") is False
    assert yes_no("SMSです") is None


# --- coverage --------------------------------------------------------------------

def unit(text: str, weight: float = 1.0, *alts: str) -> C.QueryUnit:
    return C.QueryUnit(text, weight, tuple(C.variant(t) for t in (text, *alts)))


def test_coverage_weights_units_and_counts_synonyms():
    doc = C.doc_terms("2段階認証のSMSが届きません。", "ショートメールが来ない", "電波の届く場所でお試しください。")
    assert C.coverage([unit("SMS"), unit("届かない")], doc) == 1.0
    assert C.coverage([unit("Netflix", 4.0), unit("SMS", 1.0)], doc) == pytest.approx(0.2)
    assert C.coverage([unit("ショートメッセージ", 1.0, "SMS")], doc) == 1.0  # through a synonym
    assert C.coverage([], doc) == 0.0


def test_kana_units_are_matched_by_reading():
    doc = C.doc_terms("住所を変更する方法", "", "")
    assert C.unit_covered(unit("じゅうしょ"), doc) == 1.0


def test_unit_weight_is_the_idf_of_the_most_common_known_variant():
    dfs = {"sms": 20, "ショートメッセージ": 2}
    variants = [C.variant("ショートメッセージ"), C.variant("SMS")]
    assert C.unit_weight(variants, lambda f: dfs.get(f, 0), 60) == pytest.approx(C.idf(20, 60))
    assert C.unit_weight([C.variant("Netflix")], lambda f: 0, 60) == pytest.approx(C.idf(0, 60))


def test_topic_words_are_nouns_and_latin_words():
    text = "明日の東京の天気を教えて"
    spans = C.topic_spans(text)
    topical = {text[s:e] for s, e in spans}
    assert "天気" in topical
    assert "明日" not in topical and "教え" not in topical
    assert C.is_topical(0, "netflix", [])


def test_people_light_nouns_and_place_names_set_the_scene_not_the_topic():
    text = "東京から引っ越した母の保険証がなくなったはずなのに届いた気がします"
    topical = {text[s:e] for s, e in C.topic_spans(text)}
    assert "保険" in topical  # 保険|証 in Sudachi mode A
    assert not topical & {"東京", "母", "はず", "気"}


def test_topic_spans_from_the_cached_words_equal_a_sudachi_pass_of_their_own():
    """topic_spans takes normalised text's tokens from words() (the parse's
    cached analysis); text that normalize() would change still gets its own
    pass. Both give the spans the part-of-speech tuples define."""
    from helpcenter.search.analysis import sudachi

    def reference(text):
        out = []
        for m in sudachi().tokenize(text[:2000]):
            pos = m.part_of_speech()
            if (pos[0] == "名詞" and pos[1] in ("普通名詞", "固有名詞") and pos[2] not in ("副詞可能", "地名")
                    and m.surface() not in C.CONTEXT_NOUNS) or C._LATIN.fullmatch(m.surface()):
                out.append((m.begin(), m.end()))
        return out

    for text in ("明日の東京の天気を教えて", "iphone15でパスワードを変えたい、今すぐ", "ＳＭＳが届かない",
                 "母が来週から大阪で2段階認証を使う" * 40):  # the last: longer than the query cache's 300
        assert C.topic_spans(text) == reference(text)



# --- signed state ----------------------------------------------------------------

def test_state_round_trip_and_tampering():
    st = State(topic="SMSが届かない", candidates=(3824, 3828), options=("!yes", "!no"),
               wizard=("code-not-arriving", (0, 2)), asked=(3824,))
    token = S.dump_state(st, "secret")
    assert S.load_state(token, "secret") == st
    assert S.load_state(token, "other-secret") == State()
    assert S.load_state(token[:-2] + ("A" if token[-1] != "A" else "B"), "secret") == State()
    for junk in (None, 42, "", "x" * 20000, ["a"], "abc.def"):
        assert S.load_state(junk, "secret") == State()


def test_state_of_another_version_or_shape_is_fresh():
    from itsdangerous import URLSafeSerializer

    ser = URLSafeSerializer("secret", salt=S.STATE_SALT)
    assert S.load_state(ser.dumps({"v": 999, "t": "x"}), "secret") == State()
    assert S.load_state(ser.dumps({"v": 1, "c": ["x"]}), "secret") == State()
    assert S.load_state(ser.dumps({"v": 1, "w": ["w", "0-junk"]}), "secret") == State()
    assert S.load_state(ser.dumps([1, 2]), "secret") == State()


def test_transcript_is_signed_and_bounded():
    turns = [{"user": f"q{i}", "reply": {"type": "smalltalk", "text": "t"}} for i in range(15)]
    token = S.dump_log(turns, "secret")
    assert [t["user"] for t in S.load_log(token, "secret")] == [f"q{i}" for i in range(5, 15)]
    assert S.load_log(token, "other") == []
    assert S.load_log("junk", "secret") == []


def test_topic_evidence_sums_the_covered_topic_units_only():
    doc = C.doc_terms("住民税の払込用紙", "", "住民税の納付書は6月に送ります。")
    topic = C.QueryUnit("住民税", 2.0, (C.variant("住民税"),))
    story = C.QueryUnit("母", 1.0, (C.variant("母"),))  # below MIN_WEIGHT: not a topic
    missing = C.QueryUnit("ソファ", 5.0, (C.variant("ソファ"),))
    assert C.topic_evidence([topic, story, missing], doc) == pytest.approx(2.0)


def test_words_that_only_say_something_failed_are_not_topics():
    text = "正しいコード入れてるのにエラー"
    topical = {text[s:e] for s, e in C.topic_spans(text)}
    assert "コード" in topical and "エラー" not in topical


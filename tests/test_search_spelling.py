"""「もしかして」 for Japanese: a run of words the index does not have, read like
a word of the questions, is respelled (pure functions, then through search)."""
from helpcenter.search import service
from helpcenter.search.query import parse
from helpcenter.search.spelling import build_vocabulary, respell

QUESTIONS = ["住民票の写しはどこで取れますか", "確定申告をした場合、住民税の申告は必要ですか",
             "マイナンバーカードの暗証番号を忘れました", "2段階認証を解除したい\n二段階認証 やめたい"]
VOCAB = build_vocabulary(QUESTIONS)
KNOWN_BIGRAMS = {"住民", "民票", "確定", "定申", "申告", "暗証", "証番", "番号", "取り", "深刻"}


def fix(query: str, known_words=()):
    return respell(parse(query), VOCAB, lambda form: form in known_words, lambda g: g in KNOWN_BIGRAMS)


def test_a_misconverted_compound_is_respelled_by_its_reading():
    assert fix("住民表").respelled == "住民票"
    assert fix("暗唱番号 忘れた").respelled == "暗証番号 忘れた"
    assert fix("確定深刻と住民税").respelled == "確定申告と住民税"


def test_the_respelled_run_becomes_one_unit_searching_the_correction_too():
    parsed = fix("確定深刻 住民税")
    unit = next(u for u in parsed.units if u.text == "確定深刻")
    assert unit.alternatives == ("確定申告",)
    assert [u.text for u in parsed.units if u.start > 0] == ["住民税"]


def test_text_the_index_has_is_never_respelled():
    # 深刻 alone is a word the answers use: typed on purpose.
    assert fix("深刻なエラー", known_words={"深刻"}).respelled is None
    assert fix("住民票").respelled is None


def test_queries_without_a_sounding_alike_question_word_are_left_alone():
    assert fix("ペット 登録").respelled is None
    assert fix("").respelled is None


def test_search_suggests_and_finds_the_respelled_word(gen):
    result = service.search(gen, "二段回認証 解除")
    assert result.suggestion == "2段階認証 解除"
    assert result.total and "解除" in result.hits[0].title


def test_search_does_not_respell_words_of_the_content(gen):
    assert service.search(gen, "機種変更").suggestion is None
    assert service.search(gen, "引継ぎ").suggestion is None


def test_the_web_app_prepares_a_new_generation_in_the_background(app):
    from helpcenter.web.extensions import index_store
    import threading
    import time

    with app.app_context():
        gen = index_store().current()
    deadline = time.monotonic() + 20
    while any(t.name == "prepare-generation" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    built = vars(gen.engine)  # cached properties land in the instance's dict once built
    assert built["vocabulary"].by_reading and built["suggestions"].rows and "latin" in built
    assert "ids" in vars(gen.engine.kinds["words"])

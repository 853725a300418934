"""Plain text of answers (render.html_to_text), which excerpts and the chat's summaries show."""
from helpcenter.render import html_to_text, markdown_to_html


def test_a_heading_never_runs_into_the_next_sentence():
    text = html_to_text(markdown_to_html("### いつもの端末でもコードを求められる場合\n\n次のような場合は、入力が必要です。"))
    assert text == "いつもの端末でもコードを求められる場合： 次のような場合は、入力が必要です。"


def test_lines_without_punctuation_are_ended_and_punctuated_ones_kept():
    text = html_to_text(markdown_to_html("【PC会員ページ】\n①ログインします。\n②[変更]を押す\n\n- 英字\n- 数字"))
    assert text == "【PC会員ページ】 ①ログインします。 ②[変更]を押す。 英字。 数字。"


def test_markup_and_entities_become_plain_text():
    assert html_to_text("<p>a &lt;b&gt; <strong>c</strong></p>") == "a <b> c。"
    assert html_to_text("") == ""

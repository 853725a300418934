"""Plain text of answers (render.html_to_text), which excerpts and the chat's summaries show;
the plain-paragraphs shortcut of markdown_to_html (render.plain_paragraphs_html)."""
import random
from pathlib import Path

from helpcenter import render
from helpcenter.content.loader import load_content
from helpcenter.render import html_to_text, markdown_to_html

ROOT = Path(__file__).resolve().parent.parent


def test_a_heading_never_runs_into_the_next_sentence():
    text = html_to_text(markdown_to_html("### いつもの端末でもコードを求められる場合\n\n次のような場合は、入力が必要です。"))
    assert text == "いつもの端末でもコードを求められる場合： 次のような場合は、入力が必要です。"


def test_lines_without_punctuation_are_ended_and_punctuated_ones_kept():
    text = html_to_text(markdown_to_html("【PC会員ページ】\n①ログインします。\n②[変更]を押す\n\n- 英字\n- 数字"))
    assert text == "【PC会員ページ】 ①ログインします。 ②[変更]を押す。 英字。 数字。"


def test_markup_and_entities_become_plain_text():
    assert html_to_text("<p>a &lt;b&gt; <strong>c</strong></p>") == "a <b> c。"
    assert html_to_text("") == ""


_FULL = render.new_markdown()


def _markdown(source: str) -> str:
    """Python-Markdown's HTML with every inline pattern."""
    return _FULL.reset().convert(source)


def test_plain_paragraphs_render_as_markdown_renders_them():
    """The shortcut gives exactly Markdown's HTML wherever it applies (the
    city's answers and generated text with every character that means
    something in Markdown), HTML the sanitiser leaves as it is, and applies
    to plain answers."""
    content, _ = load_content(str(ROOT / "eval" / "city" / "content"), lenient=True)
    bodies = [f.body for f in content.faqs.values()]
    rnd = random.Random(10)
    pieces = list("あい漢。、 ab1２.#=+-*>:!()~'\"/\\`_[]<>&|\t\u3000\u00a0\u2028") + \
        ["\n", "\n\n", "1. ", "- ", "  \n", "\n    ", "---", "===", "設定します"]
    bodies += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20))) for _ in range(20000)]
    shortcut = [(b, render.plain_paragraphs_html(b)) for b in bodies]
    taken = [(b, html) for b, html in shortcut if html is not None]
    assert len(taken) > 1000
    assert [html for _, html in taken] == [_markdown(b) for b, _ in taken]
    assert [html for _, html in taken] == [render.sanitize(html) for _, html in taken]
    assert render.plain_paragraphs_html("手順です。\n次へ進みます。\n\n完了です。") == \
        "<p>手順です。<br>\n次へ進みます。</p>\n<p>完了です。</p>"


def test_answers_with_markup_go_through_markdown():
    for source in ("**太字**", "- 項目", "1. 手順", "[リンク](https://example.com)", "a & b", "　字下げ", "見出し\n==="):
        assert render.plain_paragraphs_html(source) is None


def test_markdown_without_the_patterns_a_source_cannot_match_renders_it_the_same():
    """markdown_to_html converts each answer without the inline patterns whose
    opening it lacks: on our answers, the city's and generated text with
    every kind of markup, mixed and alone, the HTML is Markdown's with all of
    them; and a thread keeps a bounded number of instances."""
    bodies = []
    for folder in (ROOT / "content", ROOT / "eval" / "city" / "content"):
        content, _ = load_content(str(folder), lenient=True)
        bodies += [f.body for f in content.faqs.values()]
    rnd = random.Random(20261208)
    pieces = ["**太字**", "*斜体*", "_下線_", "__強調__", "`code`", "\\*", "[リンク](https://example.com)",
              "![画像](a.png)", "[参照][1]", "\n\n[1]: https://example.com/r", "<https://example.com>",
              "<a@example.com>", "<b>太</b>", "&amp;", "&#12354;", "  \n", "\n", "\n\n", "- 項目\n", "1. 手順\n",
              "### 見出し\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "> 引用\n", "設定します。", "a & b", "<", "[", "*"]
    bodies += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(3000)]
    assert len(bodies) > 3000
    for body in bodies:
        assert render._markdown(body).reset().convert(body) == _markdown(body), body
    assert len(render._local.md) <= render._KEPT_INSTANCES

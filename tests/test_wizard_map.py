"""The editors' map of a wizard: DOT generation (pure), SVG from Graphviz `dot`
with a timeout, the /wizard/<id>/map page (cached per generation, 503 without
dot) and `helpcenter wizard-map`. Graphviz is installed by .ci/install."""
from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from helpcenter.cli import main
from helpcenter.content.model import Node, Option, Outcome, Wizard
from helpcenter.publishing import publish
from helpcenter.wizard import diagram
from helpcenter.wizard.diagram import DiagramUnavailable, quote, render_svg, to_dot, wizard_svg

# The shipped content. tests/conftest.py has it too, but `from conftest import`
# can resolve to tests/browser/conftest.py when the whole suite runs.
CONTENT = Path(__file__).resolve().parent.parent / "content"

NASTY = 'a "quoted" \\N back\\slash\nnew line <script>alert(1)</script> & ok'


@pytest.fixture(autouse=True)
def graphviz_installed():
    if shutil.which("dot") is None:
        pytest.fail("Graphviz `dot` is missing: run .ci/install (Debian package graphviz)")


def tiny(label: str = "はい", heading: str = "解決") -> Wizard:
    return Wizard("w", "図のテスト", "", "q", {
        "q": Node("q", question="どちらですか？", options=(Option(label, "ok"), Option("いいえ", "call"))),
        "ok": Node("ok", outcome=Outcome(heading, "本文", (3818, 3820), ("two-factor-settings",))),
        "call": Node("call", outcome=Outcome("お電話ください", "本文", (), (), True)),
    })


def test_quote_escapes_everything_dot_would_interpret():
    assert quote('say "hi"') == r'"say \"hi\""'
    assert quote("a\\nb") == r'"a\\nb"'          # a literal backslash-n, not a line break
    assert quote("two\nlines") == r'"two\nlines"'  # a real newline is a line break
    assert quote("nul\x00bell\x07") == '"nul bell "'


def test_dot_draws_questions_as_boxes_and_outcomes_as_rounded_nodes_with_their_faqs():
    dot = to_dot(tiny())
    assert '"q" [label="[q]\\nどちらですか？", shape=box, style="filled"' in dot
    assert '"ok" [label="[ok]\\n解決\\nFAQ 3818, 3820\\n手続き: two-factor-settings", shape=box, style="rounded,filled"' in dot
    assert 'fillcolor="#fff1e0"' in dot.split('"call" [')[1].split("\n")[0]  # contact outcomes stand out
    assert '"q" -> "ok" [label="1. はい"];' in dot and '"q" -> "call" [label="2. いいえ"];' in dot
    assert '"__start" -> "q";' in dot


def test_long_japanese_labels_wrap_without_starting_a_line_with_punctuation():
    label = diagram.wrap("新しいスマートフォンを用意したあとも、以前のスマートフォンは手元に残りますか？")
    assert all(len(line) <= diagram.WRAP + 1 for line in label.split("\n"))
    assert not any(line[0] in "、。？" for line in label.split("\n"))
    assert diagram.wrap("アプリ認証（Google Authenticator）の設定", 10).count("Authenticator") == 1


def test_content_text_cannot_break_out_of_labels_or_into_the_svg():
    svg = wizard_svg(tiny(label=NASTY, heading=NASTY)).decode()
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "back\\slash" in svg and "\\N" in svg  # shown as typed, not as DOT escapes


def test_render_fails_cleanly_when_dot_is_missing_slow_or_failing(monkeypatch, tmp_path):
    monkeypatch.setattr(diagram, "DOT_COMMAND", str(tmp_path / "no-dot"))
    with pytest.raises(DiagramUnavailable, match="dot コマンドが見つかりません"):
        render_svg("digraph {}")
    slow = tmp_path / "slow-dot"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    monkeypatch.setattr(diagram, "DOT_COMMAND", str(slow))
    with pytest.raises(DiagramUnavailable, match="秒以内に終わりませんでした"):
        render_svg("digraph {}", timeout=0.3)
    monkeypatch.setattr(diagram, "DOT_COMMAND", "dot")
    with pytest.raises(DiagramUnavailable, match="失敗しました"):
        render_svg("digraph { this is not dot")


def test_map_page_is_the_whole_tree_as_svg(client):
    r = client.get("/wizard/changing-phones/map")
    assert r.status_code == 200
    assert r.mimetype == "image/svg+xml"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    svg = r.get_data(as_text=True)
    assert "<svg" in svg
    text_of = html.unescape(svg)  # dot writes "-" as &#45;
    for text in ("[after-app-synced]", "[app-lost]", "FAQ 3815, 4112, 3814, 4301", "2. すでに機種変更した"):
        assert text in text_of


def test_map_is_rendered_once_per_generation(small_content, make_app, monkeypatch):
    (small_content / "wizards").mkdir()
    (small_content / "wizards" / "w.yaml").write_text(
        "title: 図\nstart: q\nnodes:\n  q:\n    question: どちら？\n    options:\n"
        "      - {label: A, next: a}\n      - {label: B, next: a}\n"
        "  a:\n    outcome: {heading: 結果, body: 本文, faqs: [1]}\n", encoding="utf-8")
    app = make_app(small_content)
    client = app.test_client()
    calls = []
    real = diagram.render_svg
    monkeypatch.setattr(diagram, "render_svg", lambda dot, timeout=10: calls.append(dot) or real(dot, timeout))
    first = client.get("/wizard/w/map").data
    assert client.get("/wizard/w/map").data == first
    assert len(calls) == 1
    (small_content / "wizards" / "w.yaml").write_text(
        (small_content / "wizards" / "w.yaml").read_text(encoding="utf-8").replace("結果", "新しい結果"),
        encoding="utf-8")
    publish(str(small_content), app.config["HELPCENTER_INSTANCE_DIR"])
    assert "新しい結果" in client.get("/wizard/w/map").get_data(as_text=True)
    assert len(calls) == 2


def test_map_page_says_so_when_dot_is_missing(client, monkeypatch):
    monkeypatch.setattr(diagram, "DOT_COMMAND", "/nonexistent/dot")
    r = client.get("/wizard/code-rejected/map")
    assert r.status_code == 503
    assert "dot コマンドが見つかりません" in r.get_data(as_text=True)


def test_cli_writes_the_same_svg_as_the_page(runner, client, tmp_path):
    out = tmp_path / "map.svg"
    result = runner.invoke(main, ["wizard-map", "code-rejected", "--content", str(CONTENT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == client.get("/wizard/code-rejected/map").data


def test_cli_names_the_wizards_when_the_id_is_unknown(runner):
    result = runner.invoke(main, ["wizard-map", "nope", "--content", str(CONTENT)])
    assert result.exit_code == 2
    assert "No wizard 'nope'" in result.output and "changing-phones" in result.output

"""Wizard trees as content: the shipped trees load, and every kind of mistake in
a tree is reported naming its file and the node (and line) to fix."""
from pathlib import Path
from textwrap import dedent

from helpcenter.content.loader import load_content
from helpcenter.content.model import Problem

# The shipped content. tests/conftest.py has it too, but `from conftest import`
# can resolve to tests/browser/conftest.py when the whole suite runs.
CONTENT = Path(__file__).resolve().parent.parent / "content"

FILE = "content/wizards/t.yaml"

VALID = """\
title: テスト
description: 説明
start: q1
nodes:
  q1:
    question: どちらですか？
    options:
      - label: はい
        next: done
      - label: いいえ
        next: call
  done:
    outcome:
      heading: 解決
      body: 本文
      faqs: [1]
      flows: [two-factor-settings]
  call:
    outcome:
      heading: お電話ください
      body: 本文
      contact: true
"""


def write_wizard(root: Path, text: str, name: str = "t.yaml") -> None:
    (root / "wizards").mkdir(exist_ok=True)
    (root / "wizards" / name).write_text(dedent(text), encoding="utf-8")


def wizard_problems(root: Path) -> list[Problem]:
    content, problems = load_content(root)
    assert content is None, "the broken tree was accepted"
    return problems


def only(problems: list[Problem], field_start: str) -> Problem:
    found = [p for p in problems if p.field.startswith(field_start)]
    assert len(found) == 1, problems
    return found[0]


def test_shipped_wizards_load_with_their_nodes():
    content, problems = load_content(CONTENT)
    assert problems == []
    assert set(content.wizards) == {"cannot-use-2fa", "changing-phones", "code-not-arriving", "code-rejected"}
    phones = content.wizards["changing-phones"]
    assert phones.start == "timing"
    assert [o.next for o in phones.nodes["timing"].options] == ["before-method", "after-method"]
    assert phones.nodes["app-export"].outcome.faqs == (3818, 3820, 3816)


def test_a_valid_small_tree_loads_into_the_model(small_content):
    write_wizard(small_content, VALID)
    content, problems = load_content(small_content)
    assert problems == []
    w = content.wizards["t"]
    assert w.nodes["q1"].question == "どちらですか？"
    assert w.nodes["done"].outcome.flows == ("two-factor-settings",)
    assert w.nodes["call"].outcome.contact is True


def test_unknown_node_reference_names_the_option(small_content):
    write_wizard(small_content, VALID.replace("next: call", "next: nowhere"))
    problems = wizard_problems(small_content)
    p = only(problems, "nodes.q1.options[1].next")
    assert (p.file, p.line) == (FILE, 11)
    assert "unknown node: 'nowhere'" in p.message


def test_unreachable_node_is_named(small_content):
    write_wizard(small_content, VALID + "  orphan:\n    outcome:\n      heading: 孤立\n      body: x\n      faqs: [1]\n")
    p = only(wizard_problems(small_content), "nodes.orphan")
    assert (p.file, p.line) == (FILE, 23)
    assert p.message == "unreachable from start"


def test_cycle_names_the_node_closing_it_and_the_loop(small_content):
    text = VALID.replace("next: call", "next: q2") + (
        "  q2:\n    question: もう一度？\n    options:\n      - label: 最初へ\n        next: q1\n"
        "      - label: 電話\n        next: call\n")
    write_wizard(small_content, text)
    p = only(wizard_problems(small_content), "nodes.q2")
    assert p.file == FILE
    assert p.message == "cycle: q1 → q2 → q1"


def test_question_with_one_option_is_refused(small_content):
    write_wizard(small_content, VALID.replace("      - label: いいえ\n        next: call\n", "")
                 .replace("  call:\n    outcome:\n      heading: お電話ください\n      body: 本文\n      contact: true\n", ""))
    p = only(wizard_problems(small_content), "nodes.q1.options")
    assert (p.file, p.line) == (FILE, 7)
    assert p.message == "a question needs 2 to 6 options, has 1"


def test_question_with_more_than_six_options_is_refused(small_content):
    seven = "".join(f"      - label: 選択{i}\n        next: done\n" for i in range(7))  # + いいえ = 8
    write_wizard(small_content, VALID.replace("      - label: はい\n        next: done\n", seven))
    p = only(wizard_problems(small_content), "nodes.q1.options")
    assert p.file == FILE
    assert p.message == "a question needs 2 to 6 options, has 8"


def test_outcome_without_faq_or_contact_is_refused(small_content):
    write_wizard(small_content, VALID.replace("      contact: true\n", "      contact: false\n"))
    p = only(wizard_problems(small_content), "nodes.call.outcome")
    assert (p.file, p.line) == (FILE, 19)
    assert p.message == "an outcome needs at least one FAQ or contact: true"


def test_unknown_faq_number_is_named_with_its_node(small_content):
    write_wizard(small_content, VALID.replace("faqs: [1]", "faqs: [1, 999]"))
    p = only(wizard_problems(small_content), "nodes.done.outcome.faqs")
    assert (p.file, p.field, p.line) == (FILE, "nodes.done.outcome.faqs[1]", 16)
    assert p.message == "no FAQ with number 999"


def test_unknown_flow_is_named_with_its_node(small_content):
    write_wizard(small_content, VALID.replace("flows: [two-factor-settings]", "flows: [no-such-screen]"))
    p = only(wizard_problems(small_content), "nodes.done.outcome.flows")
    assert (p.file, p.field, p.line) == (FILE, "nodes.done.outcome.flows[0]", 17)
    assert p.message == "unknown flow: 'no-such-screen'"


def test_bad_start_names_the_missing_node(small_content):
    write_wizard(small_content, VALID.replace("start: q1", "start: begin"))
    p = only(wizard_problems(small_content), "start")
    assert (p.file, p.line) == (FILE, 3)
    assert p.message == "unknown node: 'begin'"


def test_yaml_syntax_error_gives_the_line_and_the_node_it_is_in(small_content):
    # 「: 」 inside an unquoted text, in the outcome `done` on line 15.
    write_wizard(small_content, VALID.replace("body: 本文\n      faqs", "body: 手順: 設定を開く\n      faqs"))
    problems = wizard_problems(small_content)
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.field, p.line) == (FILE, "nodes.done", 15)
    assert p.message.startswith("invalid YAML")

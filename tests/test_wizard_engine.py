"""The wizard core without a server: URL path encoding, walking a tree, every
path to an outcome, and which wizards an FAQ page offers."""
from pathlib import Path

import pytest

from helpcenter.content.loader import load_content
from helpcenter.content.model import Node, Option, Outcome, Wizard
from helpcenter.wizard import BadPath, InvalidPath, decode, encode, outcome_paths, walk, wizards_covering
from helpcenter.wizard.paths import MAX_ANSWERS

# The shipped content. tests/conftest.py has it too, but `from conftest import`
# can resolve to tests/browser/conftest.py when the whole suite runs.
CONTENT = Path(__file__).resolve().parent.parent / "content"


def tree(faqs_a=(1,), faqs_b=(2,), explicit=()) -> Wizard:
    """q1 ─1→ a (outcome)   q1 ─2→ q2 ─1→ a, ─2→ b (outcome, contact), ─3→ a"""
    nodes = {
        "q1": Node("q1", question="一つ目", options=(Option("A", "a"), Option("次へ", "q2"))),
        "q2": Node("q2", question="二つ目", options=(Option("A", "a"), Option("B", "b"), Option("A2", "a"))),
        "a": Node("a", outcome=Outcome("結果A", "本文", faqs_a)),
        "b": Node("b", outcome=Outcome("結果B", "本文", faqs_b, contact=True)),
    }
    return Wizard("t", "テスト", "", "q1", nodes, faqs=explicit)


@pytest.fixture(scope="module")
def shipped():
    content, problems = load_content(CONTENT)
    assert problems == []
    return content.wizards


# --- URL path encoding ------------------------------------------------------------

@pytest.mark.parametrize("path", [(), (0,), (1, 0, 2), (5, 5, 5, 5), (98, 0), (0,) * MAX_ANSWERS])
def test_path_encoding_round_trips(path):
    assert decode(encode(path)) == path


def test_paths_are_written_as_one_based_numbers_joined_by_hyphens():
    assert encode((1, 0, 2)) == "2-1-3"
    assert encode(()) == ""
    assert decode("2-1-3") == (1, 0, 2)


@pytest.mark.parametrize("junk", [
    "0", "01", "1-", "-1", "1--2", "1-2-", "a", "1.2", "1,2", "1 2", "+1", "1/2", "100",
    "99999999999999999999", "１", "1-２", "٣", "²", "1\n", "-".join(["1"] * (MAX_ANSWERS + 1)),
    "1" * 10_000,
])
def test_decoding_refuses_anything_but_the_canonical_form(junk):
    with pytest.raises(BadPath):
        decode(junk)


@pytest.mark.parametrize("bad", [(-1,), (True,), (99,), ("1",), (0,) * (MAX_ANSWERS + 1)])
def test_encoding_refuses_what_it_could_not_decode(bad):
    with pytest.raises(ValueError):
        encode(bad)


# --- walking a tree ---------------------------------------------------------------

def test_no_answers_is_the_first_question():
    step = walk(tree(), ())
    assert step.node.id == "q1" and step.is_start and not step.is_outcome
    assert step.back is None and step.answers == () and step.number == 1


def test_answers_lead_to_the_node_and_remember_how_to_change_each():
    step = walk(tree(), (1, 1))
    assert step.node.id == "b" and step.is_outcome
    assert [(a.question.id, a.option.label, a.before) for a in step.answers] == [
        ("q1", "次へ", ()), ("q2", "B", (1,))]
    assert step.back == (1,)


def test_choosing_an_option_extends_the_path_and_checks_the_index():
    step = walk(tree(), (1,))
    assert step.choose(2) == (1, 2)
    with pytest.raises(InvalidPath):
        step.choose(3)


@pytest.mark.parametrize("path", [(2,), (1, 3), (-1,), (0, 0), (1, 1, 0)])
def test_paths_that_do_not_fit_the_tree_are_invalid(path):
    # out of range, negative, and answers continuing past an outcome
    with pytest.raises(InvalidPath):
        walk(tree(), path)


def test_outcome_paths_lists_every_walk_to_an_outcome():
    assert list((p, n.id) for p, n in outcome_paths(tree())) == [
        ((0,), "a"), ((1, 0), "a"), ((1, 1), "b"), ((1, 2), "a")]


def test_every_outcome_of_the_shipped_trees_is_reached_and_every_path_ends_at_one(shipped):
    for w in shipped.values():
        paths = list(outcome_paths(w))
        assert {n.id for _, n in paths} == {nid for nid, n in w.nodes.items() if n.is_outcome}
        for path, node in paths:
            step = walk(w, path)
            assert step.node is node and step.is_outcome
            assert decode(encode(path)) == path


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # "from .model import Node": Node is not a module
        return False


def _imports(module: str, seen: set[str]) -> set[str]:
    """Top-level packages imported by `module` and, transitively, by the helpcenter
    modules it imports (the helpcenter package's own __init__ aside: it builds the app)."""
    import ast
    import importlib.util

    seen.add(module)
    spec = importlib.util.find_spec(module)
    tree_ = ast.parse(open(spec.origin, encoding="utf-8").read())
    package = module if spec.submodule_search_locations else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree_):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            target = ".".join(x for x in (base, node.module) if x)
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        for name in names:
            if name.startswith("helpcenter."):
                if name not in seen and _is_module(name):
                    found |= _imports(name, seen)
            elif name != "helpcenter":
                found.add(name.split(".")[0])
    return found


def test_the_core_imports_nothing_from_flask():
    assert "flask" in _imports("helpcenter.web.wizard", set())  # the check does see Flask in the views
    imported = _imports("helpcenter.wizard", set()) | _imports("helpcenter.wizard.diagram", set())
    assert "subprocess" in imported
    assert not imported & {"flask", "werkzeug", "jinja2", "flask_wtf"}


# --- which wizards an FAQ page offers ---------------------------------------------

def test_wizards_citing_an_faq_are_offered_most_citing_first():
    one = tree(faqs_a=(7,), faqs_b=(8,))           # 7 cited once
    two = Wizard("u", "二", "", "q1", {**tree().nodes,
                                       "b": Node("b", outcome=Outcome("B", "x", (7,), contact=True)),
                                       "a": Node("a", outcome=Outcome("A", "x", (7, 8)))})  # 7 cited twice
    assert [w.id for w in wizards_covering({"t": one, "u": two}, 7)] == ["u", "t"]
    assert [w.id for w in wizards_covering([one, two], "8")] == ["t", "u"]  # a tie keeps the order
    assert wizards_covering([one, two], 9) == []
    assert wizards_covering([one, two], "abc") == []


def test_an_explicit_faq_list_decides_where_a_wizard_is_offered():
    w = tree(faqs_a=(1,), explicit=(5,))
    assert wizards_covering([w], 5) == [w]
    assert wizards_covering([w], 1) == []


@pytest.mark.parametrize("number, first", [(3822, "code-rejected"), (3813, "code-rejected"),
                                           (3820, "changing-phones"), (3818, "changing-phones")])
def test_shipped_faqs_offer_the_wizard_that_cites_them_most(shipped, number, first):
    assert wizards_covering(shipped, number)[0].id == first

"""Walking a decision tree: from the answers given so far to the current step.

`walk(wizard, path)` replays a path of 0-based option indexes from the start
node and returns the `Step` it leads to: the node now shown, the answers that
led there (each knowing the path that re-asks it), and the path one step back.
A path that does not fit the tree (an index out of range, answers past an
outcome: a tampered URL or one from before an edit) raises `InvalidPath`.

Also: `outcome_paths` (every walk that ends at an outcome, for tests and
tools) and `wizards_covering` (which wizards to offer on an FAQ page).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..content.model import Node, Option, Wizard


class InvalidPath(ValueError):
    """The answers do not lead anywhere in this tree."""


@dataclass(frozen=True)
class Answer:
    """One question answered on the way to the current step."""

    question: Node
    index: int  # 0-based option index
    before: tuple[int, ...]  # the path that asks this question again (to change the answer)

    @property
    def option(self) -> Option:
        return self.question.options[self.index]


@dataclass(frozen=True)
class Step:
    wizard: Wizard
    path: tuple[int, ...]
    node: Node
    answers: tuple[Answer, ...]

    @property
    def is_start(self) -> bool:
        return not self.path

    @property
    def is_outcome(self) -> bool:
        return self.node.is_outcome

    @property
    def back(self) -> tuple[int, ...] | None:
        """The previous question's path, None at the start."""
        return self.path[:-1] if self.path else None

    @property
    def number(self) -> int:
        """1 for the first question, 2 for the second…"""
        return len(self.path) + 1

    def choose(self, index: int) -> tuple[int, ...]:
        """The path after picking option `index` here."""
        if not 0 <= index < len(self.node.options):
            raise InvalidPath(f"{self.node.id!r} has no option {index + 1}")
        return self.path + (index,)


def walk(wizard: Wizard, path: Iterable[int]) -> Step:
    path = tuple(path)
    node = wizard.nodes.get(wizard.start)
    if node is None:  # the loader refuses such trees; a hand-built one may still get here
        raise InvalidPath(f"start node {wizard.start!r} does not exist")
    answers = []
    for depth, index in enumerate(path):
        if node.is_outcome:
            raise InvalidPath(f"answers continue after the outcome {node.id!r}")
        if not 0 <= index < len(node.options):
            raise InvalidPath(f"{node.id!r} has no option {index + 1}")
        answers.append(Answer(node, index, path[:depth]))
        nxt = wizard.nodes.get(node.options[index].next)
        if nxt is None:
            raise InvalidPath(f"option {index + 1} of {node.id!r} leads to a missing node")
        node = nxt
    return Step(wizard, path, node, tuple(answers))


def outcome_paths(wizard: Wizard) -> Iterator[tuple[tuple[int, ...], Node]]:
    """Every (path, outcome node) from the start, depth first in option order."""

    def down(node: Node, path: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], Node]]:
        if node.is_outcome:
            yield path, node
            return
        for i, opt in enumerate(node.options):
            yield from down(wizard.nodes[opt.next], path + (i,))

    yield from down(wizard.nodes[wizard.start], ())


def citations(wizard: Wizard, number: int) -> int:
    """How many outcomes of `wizard` list FAQ `number`."""
    return sum(1 for n in wizard.nodes.values() if n.outcome is not None and number in n.outcome.faqs)


def wizards_covering(wizards: Mapping[str, Wizard] | Iterable[Wizard], number: int | str) -> list[Wizard]:
    """The wizards to offer on the page of FAQ `number`: those whose outcomes
    cite it, most citing outcomes first (ties keep the wizards' order).

    A wizard with an explicit `faqs` list is offered on exactly those pages.
    """
    try:
        number = int(number)
    except (TypeError, ValueError):
        return []
    items = wizards.values() if isinstance(wizards, Mapping) else wizards
    ranked = []
    for order, w in enumerate(items):
        count = citations(w, number)
        if w.faqs:
            count = max(count, 1) if number in w.faqs else 0
        if count:
            ranked.append((-count, order, w))
    return [w for _, _, w in sorted(ranked, key=lambda t: t[:2])]

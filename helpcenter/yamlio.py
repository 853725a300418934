"""YAML reading that keeps line numbers and leaves dates as text.

PyYAML turns `2021-04-23 16:00:00` into a naive datetime but leaves
`2021-04-23 16:00` a string; the content loader wants one rule for both, so
timestamps are never resolved here. Every value's line is kept by path so that
errors can say where they are.

Aliases (`*name`, and merge keys `<<: *name`) are refused: each one copies a
whole subtree, so a few hundred bytes of nested aliases expand to gigabytes
(a "billion laughs"), and editors' content never needs them.
"""
from __future__ import annotations

from typing import Any

import yaml


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlError(f"YAML aliases (*{event.anchor}) are not allowed in content: write the value out "
                            "in full", event.start_mark.line + self.first_line)
        return super().compose_node(parent, index)


# Drop the implicit timestamp resolver: dates are parsed by the content model.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}

Path = tuple


def load(text: str, first_line: int = 1) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return (data, {path: line}). Raises YamlError."""
    loader = _Loader(text)
    loader.first_line = first_line
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        raise YamlError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}

    def walk(n: yaml.Node, path: Path) -> None:
        lines.setdefault(path, n.start_mark.line + first_line)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines.setdefault(path + (key,), k.start_mark.line + first_line)
                walk(v, path + (key,))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, path + (i,))

    if node is not None:
        walk(node, ())
    return data, lines

"""YAML reading that keeps line numbers and leaves dates as text.

PyYAML turns `2021-04-23 16:00:00` into a naive datetime but leaves
`2021-04-23 16:00` a string; the content loader wants one rule for both, so
timestamps are never resolved here. Every value's line is kept by path so that
errors can say where they are.
"""
from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    pass


# Drop the implicit timestamp resolver: dates are parsed by the content model.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}

Path = tuple


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def load(text: str, first_line: int = 1) -> tuple[Any, dict[Path, int]]:
    """Parse one YAML document; return (data, {path: line}). Raises YamlError."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        raise YamlError(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
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

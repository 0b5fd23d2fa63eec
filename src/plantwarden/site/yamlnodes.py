"""YAML to plain data, remembering where every value and key sits (file:line:column).

The file is composed with PyYAML (``yaml.compose``) and built by hand, so that duplicate keys
are caught and every value keeps its node mark. Plain scalars follow the YAML 1.2 core schema:
only ``true``/``false`` are booleans and only decimal numbers are numbers, so ``on``, ``no``,
``10:00`` (a YAML 1.1 base-60 integer) and MAC addresses stay strings; dates stay strings and
are parsed by the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

Loc = tuple[str | int, ...]
MAX_DEPTH = 50
MAX_VALUES = 200_000  # anchors and aliases may multiply a small file; beyond this it is refused
TAG = "tag:yaml.org,2002:"


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema resolution of plain scalars."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _CoreResolver.add_implicit_resolver(TAG + _tag, re.compile(_pattern), list(_first))


class _Composer(Reader, Scanner, Parser, Composer, _CoreResolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)


@dataclass
class Located:
    """Plain data plus the position (0-based line, column) of each value and mapping key."""

    data: Any = None
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[tuple[tuple[int, int], str]] = field(default_factory=list)


def compose(text: str) -> Located:
    """Parse one YAML document; raises :class:`yaml.YAMLError` on a syntax error."""
    loader = _Composer(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    out = Located()
    if node is not None:
        out.data = _build(node, (), out)
    return out


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line, node.start_mark.column


class TooLarge(ValueError):
    """The document expands to more than MAX_VALUES values, or nests too deep."""


def _build(node: yaml.Node, loc: Loc, out: Located) -> Any:
    if len(out.values) >= MAX_VALUES or len(loc) > MAX_DEPTH:
        raise TooLarge(f"the document expands to more than {MAX_VALUES} values or {MAX_DEPTH} levels")
    out.values[loc] = _pos(node)
    if isinstance(node, yaml.CollectionNode) and node.tag not in (TAG + "map", TAG + "seq"):
        out.problems.append((_pos(node), f"unsupported YAML tag {node.tag!r} (expected plain values)"))
        return None
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, loc, out)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), out) for i, item in enumerate(node.value)]
    return _scalar(node, out)


def _mapping(node: yaml.MappingNode, loc: Loc, out: Located) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, out) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str | int) or isinstance(key, bool):
            out.problems.append((_pos(key_node), "a key must be a plain name (expected e.g. 'name:')"))
            continue
        key = str(key)
        if key in result:
            first = out.keys[(*loc, key)][0] + 1
            out.problems.append((_pos(key_node), f"duplicate key {key!r} (first given at line {first})"))
            continue
        out.keys[(*loc, key)] = _pos(key_node)
        result[key] = _build(value_node, (*loc, key), out)
    return result


def _scalar(node: yaml.Node, out: Located) -> Any:
    tag, text = node.tag, str(node.value)
    try:
        if tag == TAG + "null":
            return None
        if tag == TAG + "bool":
            return text.lower() == "true"
        if tag == TAG + "int":
            return int(text)
        if tag == TAG + "float":
            return float(text)
    except ValueError:
        out.problems.append((_pos(node), f"{text!r} is not a valid {tag.removeprefix(TAG)}"))
        return None
    if tag not in (TAG + "str", "!"):
        out.problems.append((_pos(node), f"unsupported YAML tag {tag!r} (expected plain values)"))
        return None
    return text

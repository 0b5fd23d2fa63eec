"""YAML composed by hand: YAML 1.2 core scalars, positions of values and keys, duplicate keys."""

from __future__ import annotations

import pytest
import yaml

from plantwarden.errors import SiteModelError
from plantwarden.site import load_site_text
from plantwarden.site.yamlnodes import compose


def test_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    text = "a: [10:00, on, no, yes, 06:00, 00:1b:1b:0a:10:01, 2025-01-05, ~, null, 1.5, -3, true, False, '7']"
    assert compose(text).data == {
        "a": [
            "10:00",
            "on",
            "no",
            "yes",
            "06:00",
            "00:1b:1b:0a:10:01",
            "2025-01-05",
            None,
            None,
            1.5,
            -3,
            True,
            False,
            "7",
        ]
    }


def test_keys_like_on_stay_strings() -> None:
    assert compose("on: sunday\n").data == {"on": "sunday"}


def test_positions_of_values_and_keys_are_recorded() -> None:
    found = compose("zones:\n  - name: ops\n    cidrs: [10.0.0.0/24, 10.1.0.0/24]\n")
    assert found.values[("zones", 0, "cidrs", 1)] == (2, 25)
    assert found.keys[("zones", 0, "cidrs")] == (2, 4)
    assert found.values[("zones", 0)] == (1, 4)


def test_duplicate_keys_are_problems_and_the_first_value_is_kept() -> None:
    found = compose("site:\n  name: a\n  name: b\n")
    assert found.data == {"site": {"name": "a"}}
    assert found.problems == [((2, 2), "duplicate key 'name' (first given at line 2)")]


def test_non_plain_keys_and_python_tags_are_problems() -> None:
    found = compose("? [a, b]\n: 1\nx: !!python/object:os.system {}\ny: !!binary aGVsbG8=\n")
    messages = [m for _, m in found.problems]
    assert messages[0].startswith("a key must be a plain name")
    assert messages[1:] == [
        "unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system' (expected plain values)",
        "unsupported YAML tag 'tag:yaml.org,2002:binary' (expected plain values)",
    ]
    assert found.data == {"x": None, "y": None}


def test_syntax_errors_raise_yaml_errors() -> None:
    with pytest.raises(yaml.YAMLError):
        compose("a: [1, 2\n")
    with pytest.raises(yaml.YAMLError):
        compose("a: 1\n---\nb: 2\n")


def test_anchors_and_aliases_are_resolved() -> None:
    assert compose("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize(
    "text",
    [
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "a: " + "[" * 60 + "]" * 60,
        "[" * 3000 + "]" * 3000,
    ],
    ids=["alias-bomb", "deep", "very-deep"],
)
def test_expanding_or_deep_documents_are_one_problem_not_a_crash(text: str) -> None:
    with pytest.raises(SiteModelError) as info:
        load_site_text(text, "big.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == ("big.yaml", 1, 1)

"""The JSON Schema of the site file accepts the worked example and rejects what the loader rejects."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from plantwarden.site.model import SiteModel
from plantwarden.site.schema import DIALECT, site_schema
from plantwarden.site.yamlnodes import compose

ROOT = Path(__file__).resolve().parents[2]
Validator = Any  # jsonschema.Draft202012Validator (no type stubs)
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"


@pytest.fixture(scope="module")
def validator() -> Validator:
    schema = site_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator: Validator = jsonschema.Draft202012Validator(schema)
    return validator


@pytest.fixture(scope="module")
def dairy_data() -> Any:
    """The example as the loader reads it (YAML 1.2 scalars: times and dates stay strings)."""
    return compose(DAIRY.read_text()).data


def test_schema_header_and_every_top_level_key() -> None:
    schema = site_schema()
    assert schema["$schema"] == DIALECT and schema["title"] == "plantwarden site model"
    assert set(schema["properties"]) == set(SiteModel.model_fields)
    assert schema["required"] == ["site"] and schema["additionalProperties"] is False


def test_schema_accepts_the_dairy_example(validator: Validator, dairy_data: Any) -> None:
    assert list(validator.iter_errors(dairy_data)) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("zones", 0, "ciddrs"), ["10.10.10.0/24"]),  # unknown key
        (("zones", 0, "sl_t"), 5),
        (("zones", 0, "level"), 6),
        (("zones", 0, "vlans"), [4095]),
        (("assets", 0, "role"), "plcc"),
        (("lines", 0, "downtime_cost_per_hour"), -1),
        (("redundancy_groups", 0, "k"), 0),
        (("conduits", 0, "allow"), ["s7com"]),
    ],
)
def test_schema_rejects_broken_values(
    validator: Validator, dairy_data: Any, path: tuple[Any, ...], value: Any
) -> None:
    broken = copy.deepcopy(dairy_data)
    target = broken
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert list(validator.iter_errors(broken)) != []


def test_cli_schema_out_writes_the_same_schema(tmp_path: Path) -> None:
    out = tmp_path / "site.schema.json"
    result = subprocess.run(
        [sys.executable, "-m", "plantwarden", "site", "schema", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text()) == json.loads(json.dumps(site_schema()))

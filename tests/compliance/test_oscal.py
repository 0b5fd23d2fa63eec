"""OSCAL assessment results: valid against the OSCAL 1.2.1 JSON schema, byte-identical across
two runs over the same state, UUID 5 everywhere, findings only for what plantwarden judged."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from plantwarden.compliance.assess import assess
from plantwarden.compliance.oscal import to_json
from tests.compliance.helpers import ROOT, state

SCHEMA = json.loads((ROOT / "tests" / "data" / "oscal" / "oscal_assessment-results_schema.json").read_text())
STATEMENT = {
    "requirement": "iec62443-3-3:SR 1.1",
    "by": "Anna Keller",
    "why": "AD enforces named accounts",
    "file": "policy.pdf",
    "file_sha256": "ab" * 32,
    "created_at": 1795000000.25,
}


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[jsonschema.ValidationError]:
    """``pattern`` with the schema's ``\\p{L}``/``\\p{N}`` read as Unicode letter and digit."""
    if isinstance(instance, str):
        translated = pattern.replace(r"\p{L}", r"[^\W\d_]").replace(r"\p{N}", r"\d")
        if not re.search(translated, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})


def errors(doc: dict[str, Any]) -> list[str]:
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    return [
        f"{list(e.path)}: {e.message}" for e in Validator(SCHEMA, format_checker=checker).iter_errors(doc)
    ]


def export(framework: str = "iec62443-3-3") -> str:
    st = state()  # a new state each time: nothing carried over between the two runs
    st.statements.append(dict(STATEMENT))
    return to_json(assess(st, framework), st.newest_record())


@pytest.mark.parametrize("framework", ["iec62443-3-3", "nist-csf-2.0", "cisa-cpg"])
def test_the_export_validates_against_the_oscal_schema(framework: str) -> None:
    assert errors(json.loads(export(framework))) == []


def test_two_runs_over_the_same_state_are_byte_identical() -> None:
    assert export() == export()


def test_the_validator_rejects_what_is_not_oscal() -> None:
    doc = json.loads(export())
    result = doc["assessment-results"]["results"][0]
    result["findings"][0]["target"]["status"]["state"] = "mostly"
    result["observations"][0]["collected"] = "yesterday"
    result["observations"][1]["uuid"] = "not-a-uuid"
    found = errors(doc)
    assert len(found) >= 3 and any("mostly" in e for e in found)


def uuids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("uuid") and isinstance(item, str):
                yield item
            yield from uuids(item)
    elif isinstance(value, list):
        for item in value:
            yield from uuids(item)


def test_every_uuid_is_a_name_based_uuid_5() -> None:
    found = list(uuids(json.loads(export())))
    assert found and all(uuid.UUID(u).version == 5 for u in found)


def test_findings_for_judged_requirements_observations_for_evidence_and_statements() -> None:
    result = json.loads(export())["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    assert findings["sr-5.1"]["target"]["status"] == {"state": "not-satisfied", "reason": "other"}  # partly
    assert "sr-1.1" not in findings  # not assessed: no finding, named in the remarks
    assert "SR 1.1" in result["remarks"]
    observations = {o["uuid"]: o for o in result["observations"]}
    related = {r["observation-uuid"] for r in findings["sr-5.1"]["related-observations"]}
    assert {observations[u]["title"].split(" ")[0] for u in related} == {
        "zones.defined",
        "conduits.conformance",
        "zones.flat",
    }
    (said,) = [o for o in result["observations"] if o["methods"] == ["INTERVIEW"]]
    assert (
        said["description"] == "AD enforces named accounts"
        and "policy.pdf" in said["relevant-evidence"][0]["description"]
    )
    parties = json.loads(export())["assessment-results"]["metadata"]["parties"]
    assert said["origins"][0]["actors"][0]["actor-uuid"] == parties[0]["uuid"]


def test_the_file_is_marked_as_plantwardens(tmp_path: Path) -> None:
    from plantwarden.cli.outfile import is_plantwarden_document

    assert is_plantwarden_document(export().encode()[:8192])

"""The hand-written matching set (data/expected.yaml, written by reading each of the 39 shared
advisories): every asset is matched against the whole shipped bundle and the (asset, CVE)
pairs found must be exactly the expected ones: precision and recall 1.0."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from plantwarden.vulns.bundle import current, load_advisories
from plantwarden.vulns.facts import AssetFacts, facts_of
from plantwarden.vulns.index import AdvisoryIndex, build_index
from plantwarden.vulns.match import Match, match_asset

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "data" / "expected.yaml").read_text())
FIELDS = ("vendor", "product", "model", "order_number", "firmware", "software")


@pytest.fixture(scope="module")
def index() -> AdvisoryIndex:
    return build_index(load_advisories(current("csaf")))


def _asset(spec: dict[str, Any]) -> AssetFacts:
    return facts_of(spec["id"], **{k: str(spec[k]) for k in FIELDS if k in spec})


def _expected() -> tuple[set[tuple[str, str]], list[dict[str, Any]]]:
    pairs: set[tuple[str, str]] = set()
    assets = []
    for case in CASES:
        for spec in case["match"]:
            pairs.update((spec["id"], cve) for cve in spec.get("cves", case["cves"]))
            pairs.update((spec["id"], cve) for cve in spec.get("also", []))
            assets.append(spec)
        assets.extend(case["no_match"])
    return pairs, assets


def test_every_shared_advisory_is_covered(index: AdvisoryIndex) -> None:
    covered = {c.get("of", c["advisory"]) for c in CASES}
    assert covered == set(index.advisories), set(index.advisories) ^ covered
    assert all(c["no_match"] for c in CASES if "of" not in c)


def test_precision_and_recall_are_one(index: AdvisoryIndex) -> None:
    expected, assets = _expected()
    found: dict[tuple[str, str], Match] = {}
    for spec in assets:
        for m in match_asset(_asset(spec), index):
            found[(m.asset, m.cve)] = m
    missing = expected - set(found)
    extra = set(found) - expected
    assert not missing and not extra, {"missing": sorted(missing), "extra": sorted(extra)}
    recall = len(expected & set(found)) / len(expected)
    precision = len(expected & set(found)) / len(found)
    assert (precision, recall) == (1.0, 1.0)


def test_expected_confidence(index: AdvisoryIndex) -> None:
    for case in CASES:
        for spec in case["match"]:
            want = spec.get("confidence", "exact")
            got = {m.confidence for m in match_asset(_asset(spec), index) if m.cve in case["cves"]}
            assert got == {want}, (spec["id"], got)


def test_evidence_names_the_fields_their_provenance_and_the_entry(index: AdvisoryIndex) -> None:
    asset = facts_of("cp", vendor="Siemens", order_number="6GK7243-8RX30-0XE0", firmware="V3.5.19")
    m = match_asset(asset, index)[0]
    assert m.evidence["met_by"] == "model"
    assert m.evidence["entry"]["product_id"] == "CSAFPID-0006"
    assert m.evidence["entry"]["range"] == "vers:all/<V3.5.20"
    fields = {f["field"]: f for f in m.evidence["asset_fields"]}
    assert fields["order_number"]["value"] == "6GK7243-8RX30-0XE0"
    assert fields["firmware"]["source"] == "declared"
    assert m.advisory == "ICSA-24-256-09" and m.advisory_version == "1"

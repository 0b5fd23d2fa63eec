"""The shipped ATT&CK for ICS data: reduced faithfully, and every rule's techniques exist in it."""

from __future__ import annotations

import json

from plantwarden.detect.attack import DATA_DIR, NOTICE, reduce_bundle, techniques
from plantwarden.detect.rules import catalog

from .helpers import ROOT

BUNDLE = ROOT.parent / "shared" / "data" / "attack-ics" / "ics-attack-18.1.json"


def _bundle_names() -> dict[str, str]:
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    names = {}
    for obj in bundle["objects"]:
        if obj["type"] != "attack-pattern" or obj.get("revoked") or obj.get("x_mitre_deprecated"):
            continue
        for ref in obj["external_references"]:
            if ref.get("source_name") == "mitre-attack":
                names[ref["external_id"]] = obj["name"]
    return names


def test_the_shipped_file_is_the_reduced_bundle() -> None:
    shipped = json.loads((DATA_DIR / "techniques.json").read_text(encoding="utf-8"))
    assert shipped == reduce_bundle(json.loads(BUNDLE.read_text(encoding="utf-8")))
    assert shipped["notice"] == NOTICE
    assert "The MITRE Corporation" in (DATA_DIR / "NOTICE").read_text(encoding="utf-8")


def test_every_rule_technique_exists_with_the_bundle_name() -> None:
    names = _bundle_names()
    used = {t for info in catalog() for t in info.techniques}
    assert used, "rules map to techniques"
    for tid in used:
        assert techniques()[tid].name == names[tid]
        assert techniques()[tid].url.endswith(tid)


def test_named_techniques_of_the_brief() -> None:
    expect = {
        "T0843": "Program Download",
        "T0845": "Program Upload",
        "T0858": "Change Operating Mode",
        "T0816": "Device Restart/Shutdown",
        "T0855": "Unauthorized Command Message",
        "T0846": "Remote System Discovery",
        "T0829": "Loss of View",
        "T0830": "Adversary-in-the-Middle",
    }
    assert {k: techniques()[k].name for k in expect} == expect
    assert "Execution" in techniques()["T0858"].tactics


def test_rule_names_are_unique_and_responses_are_ot_safe() -> None:
    infos = catalog()
    assert len({i.name for i in infos}) == len(infos)
    for info in infos:
        text = info.response.lower()
        assert "reimage" not in text or "do not" in text
        assert info.response and info.title

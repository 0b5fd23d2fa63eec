"""The MSP OT-capability assessment: examples/provider.yaml scored by hand against the dairy
plant's facts and on its own; malformed answers refused with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.compliance.provider_model import read_answers
from plantwarden.compliance.provider_score import Plant, score
from plantwarden.errors import InputError
from tests.compliance.helpers import ROOT

EXAMPLE = ROOT / "examples" / "provider.yaml"
DAIRY = Plant(
    protocols={
        "bacnet": 195,
        "ethernet/ip": 3348,
        "iec104": 73,
        "modbus": 1008,
        "opcua": 819,
        "s7comm": 1498,
    },
    vendors=[
        "HIMA Paul Hildebrandt GmbH",
        "Kältetechnik Süd GmbH",
        "Schneider Electric",
        "Siemens AG",
        "Systemintegrator Nord GmbH",
    ],
    safety_zones=["safety"],
    remote_vendors=["Siemens AG"],
    captures=2,
    known=True,
)


def points(doc: dict[str, object]) -> list[int]:
    return [s["score"] for s in doc["scores"]]  # type: ignore[attr-defined]


def test_the_example_scored_by_hand_against_the_dairy() -> None:
    doc = score(read_answers(EXAMPLE), DAIRY)
    # clients 6 -> 2; protocols 4 of the plant's 6 -> 3*4//6 = 2; certifications 2+1 -> 2; one tool -> 2;
    # incidents 2 -> 1; three offerings -> 2; three expertise areas -> 2; no safety -> 0;
    # vendors 2 of 5 (Siemens AG, Schneider Electric) -> 3*2//5 = 1
    assert points(doc) == [2, 2, 2, 2, 1, 2, 2, 0, 1]
    assert (doc["score"], doc["max"], doc["percent"], doc["verdict"]) == (14, 27, 52, "adequate, with gaps")
    gaps = doc["gaps"]
    assert "bacnet is on this plant's network (195 PDUs seen), not among the protocols claimed" in gaps
    assert any(g.startswith("iec104 is on this plant's network") for g in gaps)
    assert "the plant has safety zones (safety); no safety-critical experience claimed" in gaps
    assert (
        "does not offer vulnerability management" in gaps
        and "does not offer remote access management" in gaps
    )
    assert "no relationship with HIMA Paul Hildebrandt GmbH (a vendor of this plant)" in gaps
    assert not any("Siemens" in g or "Schneider" in g for g in gaps)


def test_the_example_on_its_own_is_scored_by_counts_and_says_so() -> None:
    doc = score(read_answers(EXAMPLE), Plant())
    # protocols: 5 claimed -> 3; vendors: 2 named -> 2; no safety zone to hold against it
    assert points(doc) == [2, 3, 2, 2, 1, 2, 2, 0, 2]
    assert doc["score"] == 16 and doc["verdict"] == "adequate, with gaps"
    assert "no site model or capture stored: answers scored on their own" in doc["notes"]


def test_remote_access_without_mfa_is_a_gap(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("mfa: true", "mfa: false")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert (
        "remote access by vpn without multi-factor authentication" in score(read_answers(path), DAIRY)["gaps"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("manufacturing_clients: 6", "manufacturing_clients: many"),
            r"p.yaml:8:\d+: experience.manufacturing_clients: ",
        ),
        (
            ("manufacturing_clients: 6", "manufacturing_clients: -1"),
            r"p.yaml:8:\d+: experience.manufacturing_clients: ",
        ),
        (
            ("  ot_incidents_handled: 2", "  ot_incidents: 2"),
            r"p.yaml:\d+:\d+: experience\.(ot_incidents|ot_incidents_handled): ",
        ),
        (
            ("[asset_inventory,", "[asset inventory,"),
            r"p.yaml:\d+:\d+: capabilities.ot_service_offerings.0: ",
        ),
        (
            ("answered_by: Henrik Sommer, head of OT services\n", ""),
            r"p.yaml:\d+:\d+: answered_by: Field required",
        ),
        (("experience:\n", "experience: [\n"), r"p.yaml:\d+:\d+: not YAML"),
    ],
)
def test_malformed_answers_name_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_answers(path)


def test_a_file_that_is_not_a_mapping_or_not_there(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"p\.yaml:1:1: expected a mapping"):
        read_answers(path)
    with pytest.raises(InputError, match="cannot read the provider answers"):
        read_answers(tmp_path / "none.yaml")

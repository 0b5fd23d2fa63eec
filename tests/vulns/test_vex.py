"""The CycloneDX export carries the matches as a VEX: vulnerabilities affecting the device
components, with the analysis state from the (asset, CVE) status; valid CycloneDX 1.6."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from plantwarden.inventory import make_inventory
from plantwarden.inventory.cyclonedx_export import cyclonedx_json
from tests.conftest import SHARED_CAPTURES
from tests.inventory.helpers import doc_of

S7 = SHARED_CAPTURES / "s7comm-iti-downloading_block_db1.pcap"


def _item(asset: str, cve: str, status: str, confidence: str = "exact", **more: Any) -> dict[str, Any]:
    return {
        "asset": asset,
        "cve": cve,
        "advisory": "ICSA-24-256-09",
        "advisory_version": "1",
        "confidence": confidence,
        "status": status,
        "status_who": more.get("who"),
        "status_why": more.get("why"),
        "status_until": more.get("until"),
        "kev": False,
        "ssvc": "SSVCv2/E:N/EXP:S/A:Y/HI:L/DSOI:D/",
        "why": "no known exploitation",
        "bundle": "b",
        "evidence": {"cvss": {"score": 7.5, "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}},
    }


def test_vex_in_the_device_bom() -> None:
    report = make_inventory([doc_of(S7)], as_of=date(2026, 12, 7))
    device = report.inventory.devices()[0].id
    items = [
        _item(device, "CVE-2023-28827", "not_remediated"),
        _item(
            device,
            "CVE-2023-30755",
            "accepted",
            who="anna",
            why="isolated",
            until="2027-03-31T00:00:00+00:00",
        ),
        _item(device, "CVE-2023-30756", "remediated", who="ben", why="V3.5.20 installed"),
        _item(device, "CVE-2023-99999", "not_remediated", confidence="version_unknown"),
        _item("not-in-the-bom", "CVE-2023-28827", "not_remediated"),
    ]
    text = cyclonedx_json(report, items)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    vulns = {v["id"]: v for v in json.loads(text)["vulnerabilities"]}
    assert set(vulns) == {"CVE-2023-28827", "CVE-2023-30755", "CVE-2023-30756", "CVE-2023-99999"}
    assert vulns["CVE-2023-28827"]["analysis"]["state"] == "exploitable"
    assert vulns["CVE-2023-28827"]["affects"] == [{"ref": device}]
    accepted = vulns["CVE-2023-30755"]["analysis"]
    assert accepted["state"] == "exploitable" and accepted["response"] == ["will_not_fix"]
    assert "anna until 2027-03-31: isolated" in accepted["detail"]
    assert vulns["CVE-2023-30756"]["analysis"]["state"] == "resolved"
    assert vulns["CVE-2023-99999"]["analysis"]["state"] == "in_triage"
    assert "vulnerabilities" not in json.loads(cyclonedx_json(report))

"""Hand-built site models for the plan tests: a small filling plant with two lines."""

from __future__ import annotations

from datetime import date
from typing import Any

from plantwarden.site import SiteModel

TODAY = date(2027, 1, 4)  # a Monday


def window(name: str, day: int, hours: int, lines: list[str]) -> dict[str, Any]:
    """An explicit window starting at 06:00 on 2027-01-(day)."""
    end = 6 + hours
    return {
        "name": name,
        "start": f"2027-01-{day:02d}T06:00:00",
        "end": f"2027-01-{day:02d}T{end:02d}:00:00",
        "lines": lines,
    }


def site(**extra: Any) -> dict[str, Any]:
    """Line 'filling' needs the group fill-plcs (1 of plc-fill-a, plc-fill-b); line 'packing'
    needs plc-pack alone; hmi-fill serves the filling operators."""
    doc: dict[str, Any] = {
        "site": {"name": "plan-test", "timezone": "UTC", "currency": "EUR"},
        "zones": [{"name": "cell", "level": "control", "sl_t": 2}],
        "assets": [
            {"name": "plc-fill-a", "role": "plc", "zone": "cell", "vendor": "Siemens"},
            {"name": "plc-fill-b", "role": "plc", "zone": "cell", "vendor": "Siemens"},
            {"name": "plc-pack", "role": "plc", "zone": "cell", "vendor": "Rockwell Automation"},
            {"name": "hmi-fill", "role": "hmi", "zone": "cell", "vendor": "Siemens"},
        ],
        "lines": [
            {"name": "filling", "downtime_cost_per_hour": 5000, "requires": ["fill-plcs"]},
            {"name": "packing", "downtime_cost_per_hour": 2000, "requires": ["plc-pack"]},
        ],
        "redundancy_groups": [{"name": "fill-plcs", "members": ["plc-fill-a", "plc-fill-b"], "k": 1}],
        "roles": [
            {"id": "ot-eng", "kind": "ot_production", "people": ["Anna Berg"]},
            {"id": "plant-mgr", "kind": "ot_production", "people": ["Bo Lind"]},
        ],
        "raci": [
            {"subject": {"activity": "updates"}, "responsible": ["ot-eng"], "accountable": ["plant-mgr"]},
        ],
        "maintenance_windows": [
            window("w1", 10, 4, ["filling"]),
            window("w2", 17, 4, ["filling", "packing"]),
            window("w3", 24, 4, ["filling", "packing"]),
        ],
    }
    doc.update(extra)
    return doc


def model(**extra: Any) -> SiteModel:
    return SiteModel.model_validate(site(**extra))


def vuln(
    asset: str, cve: str, decision: str = "Immediate", fix: bool = True, kev: bool = False
) -> dict[str, Any]:
    return {
        "asset": asset,
        "cve": cve,
        "decision": decision,
        "kev": kev,
        "status": "not_remediated",
        "evidence": {"fix": "Update to V4.6 or later"} if fix else {},
    }

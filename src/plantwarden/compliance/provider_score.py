"""Scoring an MSP's OT-capability answers, joined to what plantwarden knows of the plant.

Nine questions, 0-3 points each (27 in all), by fixed thresholds so a person can check a score
by hand (docs/compliance.md has the table). Joined to the plant: the OT protocols actually on
its network against those the provider says it understands, the plant's vendors against the
provider's vendor relationships, a safety zone against safety-critical experience, and the
vendors' remote access against the provider's remote-access method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantwarden.compliance.provider_model import ProviderAnswers, read_answers

#: Decoder names and common spellings -> one name per OT protocol.
CANON = {
    "modbus": "modbus",
    "modbus/tcp": "modbus",
    "s7comm": "s7comm",
    "s7": "s7comm",
    "enip": "ethernet/ip",
    "cip": "ethernet/ip",
    "ethernet/ip": "ethernet/ip",
    "iec104": "iec104",
    "iec 60870-5-104": "iec104",
    "opcua": "opcua",
    "opc ua": "opcua",
    "opc-ua": "opcua",
    "bacapp": "bacnet",
    "bvlc": "bacnet",
    "bacnet": "bacnet",
    "dnp3": "dnp3",
    "profinet": "profinet",
}
CORE_OFFERINGS = (
    "network_monitoring",
    "incident_response",
    "vulnerability_management",
    "remote_access_management",
)
MAX = 3


def steps(value: int, bounds: tuple[int, int, int]) -> int:
    """0 below ``bounds[0]``, 1 from it, 2 from ``bounds[1]``, 3 from ``bounds[2]``."""
    return sum(value >= b for b in bounds)


def share(have: int, need: int) -> int:
    return MAX if need == 0 else MAX * have // need


@dataclass
class Plant:
    """What plantwarden knows of the site: OT protocols seen (most PDUs in one capture), the
    site model's service vendors, safety zones,
    vendors with remote access. ``known``: False when no site or capture is stored."""

    protocols: dict[str, int] = field(default_factory=dict)
    vendors: list[str] = field(default_factory=list)
    safety_zones: list[str] = field(default_factory=list)
    remote_vendors: list[str] = field(default_factory=list)
    captures: int = 0
    known: bool = False


def _q(area: str, question: str, score: int, answer: str, gaps: list[str]) -> dict[str, Any]:
    return {"area": area, "question": question, "score": score, "max": MAX, "answer": answer, "gaps": gaps}


def _protocols(a: ProviderAnswers, plant: Plant) -> dict[str, Any]:
    claimed = {CANON.get(p.strip().lower(), p.strip().lower()) for p in a.experience.ot_protocols}
    answer = ", ".join(a.experience.ot_protocols) or "none"
    if not plant.protocols:
        gaps = [] if plant.captures else ["not checked against a plant: no capture stored"]
        return _q("experience", "OT protocols understood", steps(len(claimed), (1, 3, 5)), answer, gaps)
    missing = sorted(p for p in plant.protocols if p not in claimed)
    gaps = [
        f"{p} is on this plant's network ({plant.protocols[p]} PDUs seen), not among the protocols claimed"
        for p in missing
    ]
    score = share(len(plant.protocols) - len(missing), len(plant.protocols))
    return _q("experience", "OT protocols understood (against the plant's)", score, answer, gaps)


def _vendors(a: ProviderAnswers, plant: Plant) -> dict[str, Any]:
    held = [v.strip().lower() for v in a.capabilities.vendor_relationship_management]
    answer = ", ".join(a.capabilities.vendor_relationship_management) or "none"
    if not plant.vendors:
        return _q("capability", "vendor relationship management", steps(len(held), (1, 2, 4)), answer, [])
    covered = [v for v in plant.vendors if any(h in v.lower() or v.lower() in h for h in held)]
    gaps = [f"no relationship with {v} (a vendor of this plant)" for v in plant.vendors if v not in covered]
    return _q(
        "capability",
        "vendor relationship management (against the plant's vendors)",
        share(len(covered), len(plant.vendors)),
        answer,
        gaps,
    )


def _safety(a: ProviderAnswers, plant: Plant) -> dict[str, Any]:
    got = a.capabilities.safety_critical_experience
    gaps = []
    if plant.safety_zones and not got:
        gaps.append(
            f"the plant has safety zones ({', '.join(plant.safety_zones)}); "
            "no safety-critical experience claimed"
        )
    return _q("capability", "safety-critical experience", min(len(got), MAX), ", ".join(got) or "none", gaps)


def _remote(a: ProviderAnswers, plant: Plant) -> list[str]:
    r = a.capabilities.remote_access
    gaps = []
    if plant.remote_vendors and r is None:
        gaps.append("no remote-access method declared, while vendors reach this plant remotely")
    elif r is not None and not r.mfa:
        gaps.append(f"remote access by {r.method} without multi-factor authentication")
    elif r is not None and r.method in ("teamviewer", "anydesk", "other"):
        gaps.append(f"remote access by {r.method}, not through a managed gateway")
    return gaps


def score(a: ProviderAnswers, plant: Plant) -> dict[str, Any]:
    e, c = a.experience, a.capabilities
    certs = sum(e.staff_ot_certifications.values())
    offers = [o for o in CORE_OFFERINGS if o not in c.ot_service_offerings]
    scores = [
        _q(
            "experience",
            "manufacturing clients",
            steps(e.manufacturing_clients, (1, 3, 10)),
            str(e.manufacturing_clients),
            [] if e.manufacturing_clients >= 10 else ["fewer than 10 manufacturing clients"],
        ),
        _protocols(a, plant),
        _q(
            "experience",
            "staff OT certifications",
            steps(certs, (1, 2, 4)),
            f"{certs} holders",
            [] if certs >= 4 else ["fewer than 4 OT certification holders"],
        ),
        _q(
            "experience",
            "OT security tools",
            min(MAX, 2 * len(e.ot_security_tools) if len(e.ot_security_tools) < 2 else MAX),
            ", ".join(e.ot_security_tools) or "none",
            [] if e.ot_security_tools else ["no OT security tool named"],
        ),
        _q(
            "experience",
            "OT incidents handled",
            steps(e.ot_incidents_handled, (1, 3, 6)),
            str(e.ot_incidents_handled),
            [] if e.ot_incidents_handled else ["no OT incident handled"],
        ),
        _q(
            "capability",
            "OT service offerings",
            steps(len(c.ot_service_offerings), (1, 3, 5)),
            ", ".join(c.ot_service_offerings) or "none",
            [f"does not offer {o.replace('_', ' ')}" for o in offers],
        ),
        _q(
            "capability",
            "ICS expertise",
            steps(len(c.ics_expertise), (1, 3, 5)),
            ", ".join(c.ics_expertise) or "none",
            [] if c.ics_expertise else ["no ICS expertise named"],
        ),
        _safety(a, plant),
        _vendors(a, plant),
    ]
    total = sum(s["score"] for s in scores)
    top = MAX * len(scores)
    percent = round(100 * total / top)
    verdict = (
        "strong OT capability"
        if percent >= 75
        else "adequate, with gaps"
        if percent >= 50
        else "weak OT capability"
    )
    notes = [] if plant.known else ["no site model or capture stored: answers scored on their own"]
    notes += [
        "remote-access grants and sessions not recorded in this plantwarden: "
        "the provider's sessions are not checked",
        "incident records not recorded in this plantwarden: "
        "incident handling is not checked against this plant",
    ]
    gaps = [g for s in scores for g in s["gaps"]] + _remote(a, plant)
    return {
        "provider": a.provider,
        "answered_by": a.answered_by,
        "answered_on": a.answered_on,
        "score": total,
        "max": top,
        "percent": percent,
        "verdict": verdict,
        "scores": scores,
        "gaps": gaps,
        "plant": {
            "protocols": plant.protocols,
            "vendors": plant.vendors,
            "safety_zones": plant.safety_zones,
            "captures": plant.captures,
        },
        "notes": notes,
    }


def plant_facts(db: str | None, site_name: str | None) -> Plant:
    """What the store knows of the chosen site; an empty Plant when there is no store or site."""
    from plantwarden.compliance.service import site_id, store_url
    from plantwarden.compliance.sources import StoreRef, capture_records, site_record
    from plantwarden.errors import InputError

    try:
        ref = StoreRef(store_url(db), site_id(db, site_name)[0])
    except InputError:
        return Plant()
    site, captures = site_record(ref), capture_records(ref) or []
    plant = Plant(captures=len(captures), known=site is not None or bool(captures))
    for cap in captures:
        for name, entry in (cap.doc.get("protocols") or {}).items():
            canon = CANON.get(name)
            if canon is not None and isinstance(entry, dict):
                plant.protocols[canon] = max(plant.protocols.get(canon, 0), int(entry.get("pdus") or 0))
    if site is not None:
        model = site.model
        plant.vendors = sorted(dict.fromkeys(v.company for v in model.vendors))
        plant.safety_zones = [z.name for z in model.zones if z.level == "safety"]
        plant.remote_vendors = [v.company for v in model.vendors if v.remote_access != "none"]
    plant.protocols = dict(sorted(plant.protocols.items()))
    return plant


def assess_provider(path: Path, db: str | None, site_name: str | None) -> dict[str, Any]:
    answers = read_answers(path)
    return score(answers, plant_facts(db, site_name))

"""MITRE ATT&CK for ICS techniques, from the reduced bundle shipped in ``plantwarden/data/attack``.

The shipped file keeps, per active technique of the STIX 2.1 bundle, its id, name, tactics
and URL, with MITRE's notice. To refresh it from a newer bundle:
``python -m plantwarden.detect.attack ics-attack-NN.json``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "attack"
BUNDLE_NAME = "techniques.json"
NOTICE = (
    "© 2025 The MITRE Corporation. This work is reproduced and distributed with the "
    "permission of The MITRE Corporation."
)


@dataclass(frozen=True, slots=True)
class Technique:
    id: str
    name: str
    tactics: tuple[str, ...]
    url: str


def _external_id(obj: dict[str, Any]) -> tuple[str, str] | None:
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack" and "external_id" in ref:
            return str(ref["external_id"]), str(ref.get("url", ""))
    return None


def reduce_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """The product's view of a STIX bundle: active techniques with names, tactics, URLs."""
    objects = bundle.get("objects", [])
    tactics = {o["x_mitre_shortname"]: o["name"] for o in objects if o.get("type") == "x-mitre-tactic"}
    techniques: dict[str, dict[str, Any]] = {}
    for obj in objects:
        if obj.get("type") != "attack-pattern" or obj.get("revoked") or obj.get("x_mitre_deprecated"):
            continue
        ident = _external_id(obj)
        if ident is None:
            continue
        phases = [p["phase_name"] for p in obj.get("kill_chain_phases", [])]
        techniques[ident[0]] = {
            "name": obj["name"],
            "tactics": sorted(tactics.get(p, p) for p in phases),
            "url": ident[1],
        }
    return {
        "notice": NOTICE,
        "source": "MITRE ATT&CK for ICS (STIX 2.1)",
        "techniques": dict(sorted(techniques.items())),
    }


@cache
def techniques() -> dict[str, Technique]:
    """Every technique of the shipped bundle, by id."""
    doc = json.loads((DATA_DIR / BUNDLE_NAME).read_text(encoding="utf-8"))
    return {
        tid: Technique(tid, t["name"], tuple(t["tactics"]), t["url"]) for tid, t in doc["techniques"].items()
    }


def technique(tid: str) -> Technique:
    """One technique; an unknown id is a bug in a rule (KeyError)."""
    return techniques()[tid]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m plantwarden.detect.attack BUNDLE.json", file=sys.stderr)
        return 2
    try:
        bundle = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{argv[0]}: cannot read the STIX bundle: {exc}") from exc
    text = json.dumps(reduce_bundle(bundle), indent=1, ensure_ascii=False) + "\n"
    (DATA_DIR / BUNDLE_NAME).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

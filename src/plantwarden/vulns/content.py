"""``plantwarden content status``: every data set the product reads offline, what is loaded,
its date and source, and how stale it is."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from plantwarden.vulns.bundle import DATA, advisory_files, current, kev_path, read_kev_file

STALE_DAYS = {"csaf": 30, "kev": 30, "attack": 365, "oui": 365}


def status(root: Path | None = None, today: date | None = None) -> list[dict[str, Any]]:
    day = today or date.today()
    out = []
    csaf = current("csaf", root)
    out.append({**csaf.as_dict(), "items": len(advisory_files(csaf)), "unit": "advisories"})
    kev = current("kev", root)
    catalogue = read_kev_file(kev_path(kev))
    out.append(
        {
            **kev.as_dict(),
            "items": len(catalogue["vulnerabilities"]),
            "unit": "CVEs",
            "version": catalogue.get("catalogVersion"),
        }
    )
    out.append(
        _shipped(
            "attack",
            "techniques.json",
            "mitre-attack/attack-stix-data ics-attack-18.1",
            "2025-11-13",
            "techniques",
        )
    )
    out.append(
        _shipped(
            "oui",
            "registry.tsv.gz",
            "IEEE RA listings via Debian ieee-data 20220827.1",
            "2022-08-27",
            "assignments",
        )
    )
    for row in out:
        age = (day - date.fromisoformat(row["as_of"][:10])).days if row["as_of"] else None
        row["age_days"] = age
        row["stale"] = age is not None and age > STALE_DAYS[row["kind"]]
    return out


def _shipped(kind: str, name: str, source: str, as_of: str, unit: str) -> dict[str, Any]:
    path = DATA / kind / name
    if name.endswith(".json"):
        data = json.loads(path.read_bytes())
        items = len(data.get("techniques", data)) if isinstance(data, dict) else len(data)
    else:
        import gzip

        with gzip.open(path, "rt", encoding="utf-8") as f:
            items = sum(1 for _ in f)
    return {
        "kind": kind,
        "id": f"shipped-{as_of}",
        "path": str(path),
        "shipped": True,
        "source": source,
        "as_of": as_of,
        "items": items,
        "unit": unit,
    }

"""The known-exploited vulnerabilities (CISA KEV) of an alert's target, for ``alert show``
and the alert's JSON: what an analyst should know before deciding how urgent it is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from plantwarden.vulns.bundle import current, load_kev
from plantwarden.vulns.store import stored_matches


def known_exploited(
    db_url: str, site_id: int | None, assets: Iterable[str], content: Path | None = None
) -> list[dict[str, Any]]:
    """The stored matches of these assets (names) whose CVE is in the KEV catalogue in use,
    one per (asset, CVE), with the advisory, the status and the catalogue's dates."""
    names = {a for a in assets if a}
    if site_id is None or not names:
        return []
    kev = load_kev(current("kev", content))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for m in stored_matches(db_url, site_id):
        if m.asset in names and m.cve in kev and (m.asset, m.cve) not in found:
            entry = kev[m.cve]
            found[(m.asset, m.cve)] = {
                "asset": m.asset,
                "cve": m.cve,
                "advisory": m.advisory,
                "status": m.status,
                "kev_added": entry.get("dateAdded"),
                "kev_due": entry.get("dueDate"),
                "ransomware": entry.get("knownRansomwareCampaignUse") == "Known",
            }
    return sorted(found.values(), key=lambda x: (x["asset"], x["cve"]))


def text(item: dict[str, Any]) -> str:
    """``plc-fill-a: CVE-2024-6207 (ICSA-24-200-01, known exploited since 2025-01-07; not remediated)``"""
    since = f", known exploited since {item['kev_added']}" if item.get("kev_added") else ""
    ransom = ", used by ransomware" if item.get("ransomware") else ""
    status = str(item["status"]).replace("_", " ")
    return f"{item['asset']}: {item['cve']} ({item['advisory']}{since}{ransom}; {status})"

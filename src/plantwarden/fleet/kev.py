"""Which assets, over all the sites asked, have a known-exploited vulnerability (CISA KEV)
and an exposure path.

Straight from each site's ranked vulnerabilities (``vulns.service.site_vulns``): the matches
of the site's assets against the advisories, KEV from the catalogue in use, and exposure from
the observed conduits (``vulns.exposure``: ``O`` a public address reached it, ``C`` an
enterprise host or a vendor's access point did, directly or through one pivot, or it sits in
an enterprise or DMZ zone). An item answers when it is KEV, its exposure is ``O`` or ``C``,
and it is still open (not remediated, or work in progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plantwarden.fleet.common import OPEN_STATUSES, Skipped, per_site
from plantwarden.store.sites import SiteRef

EXPOSED = ("O", "C")
DECISIONS = ("Immediate", "Out-of-Cycle", "Scheduled", "Defer")


@dataclass(frozen=True, slots=True)
class KevAsset:
    site: str
    item: dict[str, Any]  # the site's ranked item (vulns.risk.Ranked.as_dict), as it is

    def sort_key(self) -> tuple[int, int, float, str, str, str]:
        i = self.item
        return (
            DECISIONS.index(i["decision"]),
            "OC".index(i["exposure"]["level"]),
            -float(i["production_at_risk"]["per_hour"]),
            self.site,
            i["asset"],
            i["cve"],
        )

    def as_dict(self) -> dict[str, Any]:
        i = self.item
        return {
            "site": self.site,
            "asset": i["asset"],
            "cve": i["cve"],
            "advisory": i["advisory"],
            "decision": i["decision"],
            "status": i["status"],
            "zone": i["zone"],
            "exposure": i["exposure"],
            "production_at_risk": i["production_at_risk"],
            "why": i["why"],
        }


@dataclass
class KevAnswer:
    sites: list[str]
    items: list[KevAsset]
    skipped: list[Skipped]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sites": self.sites,
            "items": [x.as_dict() for x in self.items],
            "skipped": [s.as_dict() for s in self.skipped],
        }


def site_kev(db_url: str, ref: SiteRef) -> list[KevAsset]:
    from plantwarden.vulns.service import site_vulns

    body = site_vulns(db_url, ref.name, kev_only=True)
    return [
        KevAsset(ref.name, i)
        for i in body["items"]
        if i["exposure"]["level"] in EXPOSED and i["status"] in OPEN_STATUSES
    ]


def kev_exposed(db_url: str, sites: list[SiteRef]) -> KevAnswer:
    """Over ``sites`` only (the caller chooses which it may show), most urgent first."""
    per, skipped = per_site(sites, lambda ref: site_kev(db_url, ref))
    items = sorted((x for found in per for x in found), key=KevAsset.sort_key)
    return KevAnswer([s.name for s in sites], items, skipped)

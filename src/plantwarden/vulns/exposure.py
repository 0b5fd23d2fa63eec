"""How reachable each asset is, from what was observed (SSVC "System Exposure"):

- ``O`` open: a public address opened a connection to it;
- ``C`` controlled: an enterprise host or a vendor's remote-access point reached it, directly
  or through one pivot host (continuity.exposure), or it sits in an enterprise or DMZ zone;
- ``S`` small: none of that was observed.

Each level carries the conduit that made it (who reached it, through which host, over what).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plantwarden.continuity.exposure import exposure_paths
from plantwarden.continuity.observed_edges import edges_of
from plantwarden.continuity.segmentation import vendor_points
from plantwarden.continuity.zoning import PUBLIC, Zoning, zone_class

if TYPE_CHECKING:
    from plantwarden.site.model import SiteModel


@dataclass(frozen=True, slots=True)
class Exposure:
    level: str  # O | C | S
    why: str
    observed: bool  # judged from traffic (else from the zone alone)

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "why": self.why, "observed": self.observed}


def exposures(model: SiteModel | None, docs: list[dict[str, Any]]) -> dict[str, Exposure]:
    """Exposure by IP address of every host the captures or the model show."""
    if model is None:
        return {}
    zoning = Zoning(model.zones, vendor_points(model))
    edges = [e for e in edges_of(docs) if e.client != e.server]
    name = {str(ip): a.name for a in model.assets for ip in a.ips}
    out: dict[str, Exposure] = {}
    for e in edges:
        if zoning.label(e.client) == PUBLIC:
            out[e.server] = Exposure(
                "O", f"reached from the public address {e.client} over {e.service}", True
            )
    for path in exposure_paths(zoning, edges):
        target = path["hops"][-1]["address"]
        if target in out:
            continue
        hops = " -> ".join(
            name.get(h["address"], h["address"]) + f" ({h.get('vendor') or h['zone']})" for h in path["hops"]
        )
        out[target] = Exposure(
            "C", f"{path['kind'].replace('_', ' ')}: {hops} over {', '.join(path['services'])}", True
        )
    for e in edges:
        if e.server not in out and zoning.is_source(e.client):
            src = name.get(e.client, e.client)
            out[e.server] = Exposure(
                "C", f"reached from {src} ({zoning.label(e.client)}) over {e.service}", True
            )
    for zone in model.zones:
        cls = zone_class(zone)
        if cls in ("enterprise", "dmz"):
            for a in (x for x in model.assets if x.zone == zone.name):
                for ip in a.ips:
                    out.setdefault(str(ip), Exposure("C", f"in the {zone.name} zone ({cls})", False))
    return out


def exposure_of(ips: list[str], table: dict[str, Exposure], observed: bool) -> Exposure:
    found = [table[ip] for ip in ips if ip in table]
    if found:
        return min(found, key=lambda x: "OCS".index(x.level))
    why = (
        "no path from enterprise, vendor or public addresses observed"
        if observed
        else "no traffic observed yet"
    )
    return Exposure("S", why, observed)

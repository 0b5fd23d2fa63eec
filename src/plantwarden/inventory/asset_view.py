"""One asset as the console's asset page (and ``GET .../assets/{asset}``) shows it: its
identity, every field with its provenance (``plantwarden asset``'s document), what the site
model declares and where the two differ, the addresses it was seen with, its conversations,
its alerts and a timeline of all of these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.errors import NotFoundError
from plantwarden.inventory.build import InventoryReport
from plantwarden.inventory.document import asset_doc
from plantwarden.inventory.model import Asset
from plantwarden.inventory.overview import AssetRow, asset_rows

DECLARED_FIELDS = (
    "role",
    "zone",
    "vendor",
    "product",
    "model",
    "firmware",
    "os",
    "os_version",
    "criticality",
    "safety",
    "install_date",
    "end_of_support",
    "notes",
)


@dataclass
class AssetView:
    row: AssetRow  # the list's row: status, differences, lines
    observed: dict[str, Any] | None  # plantwarden asset's document (None: never observed)
    declared: dict[str, Any] | None  # the site model's entry (None: not declared)
    conversations: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # other assets the key also names

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.row.as_dict(),
            "observed_as": self.observed,
            "declared_as": self.declared,
            "conversations": self.conversations,
            "alerts": self.alerts,
            "timeline": self.timeline,
            "others": self.others,
        }


def find_row(report: InventoryReport, key: str) -> tuple[AssetRow, Asset | None, list[str]]:
    """The asset a key names (name, id, IP or MAC; an exact name first), its observed asset,
    and the other assets the key also names (an IP two devices held)."""
    rows = asset_rows(report)
    by_name = {r.name.casefold(): r for r in rows}
    found = report.inventory.find(key)
    exact = by_name.get(key.strip().casefold())
    if exact is None and found:
        exact = next((r for r in rows if r.id == found[0].id), None)
    if exact is None:
        exact = next((r for r in rows if key.strip() in r.ips or key.strip().lower() in r.macs), None)
    if exact is None:
        raise NotFoundError(f"no asset {key!r} on this site ({len(rows)} assets)")
    asset = next((a for a in report.inventory.assets if a.id == exact.id), None)
    others = sorted(a.name or a.id for a in found if a.id != exact.id)
    return exact, asset, others


def _declared(report: InventoryReport, name: str) -> dict[str, Any] | None:
    site = report.site
    found = next((d for d in site.assets if d.name == name), None) if site is not None else None
    if found is None:
        return None
    raw = found.model_dump(mode="json")
    return {
        "name": found.name,
        "ips": raw["ips"],
        "macs": raw["macs"],
        **{k: raw.get(k) for k in DECLARED_FIELDS},
    }


def conversations_of(report: InventoryReport, asset_id: str) -> list[dict[str, Any]]:
    name = {a.id: a.name or a.id for a in report.inventory.assets}
    return [
        {
            **e.as_dict(),
            "client_name": name.get(e.client, e.client),
            "server_name": name.get(e.server, e.server),
        }
        for e in report.edges
        if asset_id in (e.client, e.server)
    ]


def timeline(view: AssetView) -> list[dict[str, Any]]:
    """What happened to the asset, oldest first: addresses and field values first seen,
    alerts raised, conversations started."""
    events: list[dict[str, Any]] = []
    doc = view.observed or {}
    for kind in ("macs", "ips"):
        for s in doc.get(kind, []):
            events.append({"ts": s["first_ts"], "kind": "address", "text": f"first seen with {s['address']}"})
    for name, values in (doc.get("fields") or {}).items():
        for v in values:
            events.append(
                {"ts": v["first_ts"], "kind": "field", "text": f"{name} = {v['value']} (first said)"}
            )
    for c in view.conversations:
        peer = c["server_name"] if c["client"] == doc.get("id") else c["client_name"]
        events.append({"ts": c["first_ts"], "kind": "conversation", "text": f"{c['proto']} with {peer}"})
    for a in view.alerts:
        events.append(
            {"ts": a["first_ts"], "kind": "alert", "text": f"{a['severity']}: {a['title']} ({a['id']})"}
        )
    dated = [e for e in events if e["ts"] is not None]
    return sorted(dated, key=lambda e: (e["ts"], e["kind"], e["text"]))


def asset_view(report: InventoryReport, key: str, alerts: list[dict[str, Any]] | None = None) -> AssetView:
    """The asset ``key`` names; ``alerts``: the site's alert documents (those naming one of
    its addresses are kept)."""
    row, asset, others = find_row(report, key)
    observed = asset_doc(asset) if asset is not None else None
    view = AssetView(row, observed, _declared(report, row.name) if row.declared else None, others=others)
    if asset is not None:
        view.conversations = conversations_of(report, asset.id)
    addresses = {*row.ips, *row.macs}
    view.alerts = [a for a in alerts or [] if {a.get("src"), a.get("dst")} & addresses]
    view.timeline = timeline(view)
    return view

"""The inventory's JSON form (``plantwarden.inventory/1``, docs/inventory.md)."""

from __future__ import annotations

from typing import Any

from plantwarden.inventory.build import InventoryReport
from plantwarden.inventory.conflicts import conflicts
from plantwarden.inventory.model import Asset, Seen, Source, Value

SCHEMA_KIND, SCHEMA_VERSION = "inventory", 1


def _seen(address: str, s: Seen) -> dict[str, Any]:
    return {
        "address": address,
        "first_ts": s.first_ts,
        "last_ts": s.last_ts,
        "sources": [x.as_dict() for x in sorted(s.sources, key=Source.key)],
    }


def _value(v: Value) -> dict[str, Any]:
    return {
        "value": v.value,
        "confidence": v.confidence.value,
        "first_ts": v.first_ts(),
        "last_ts": v.last_ts(),
        "sources": [s.as_dict() for s in sorted(v.sources, key=Source.key)],
    }


def asset_doc(asset: Asset) -> dict[str, Any]:
    first, last = asset.time_span()
    role = asset.role
    return {
        "id": asset.id,
        "name": asset.name,
        "kind": asset.kind,
        "declared": asset.declared,
        "zone": asset.zone,
        "role": role.role if role else None,
        "role_confidence": role.confidence.value if role else None,
        "roles": [
            {"role": r.role, "confidence": r.confidence.value, "reasons": list(r.reasons)}
            for r in asset.roles
        ],
        "macs": [_seen(m, asset.macs[m]) for m in sorted(asset.macs)],
        "ips": [_seen(i, asset.ips[i]) for i in sorted(asset.ips)],
        "fields": {f: [_value(v) for _, v in sorted(vs.items())] for f, vs in sorted(asset.fields.items())},
        "conflicts": conflicts(asset),
        "applications": sorted(asset.applications, key=lambda a: sorted(a.items())),
        "behind": sorted(asset.behind),
        "via": asset.via,
        "notes": sorted(set(asset.notes)),
        "captures": sorted(asset.captures),
        "first_ts": first,
        "last_ts": last,
    }


def summary_row(asset: Asset) -> dict[str, Any]:
    """The flat view of an asset (CSV columns, the ``assets`` table)."""
    first, last = asset.time_span()
    role = asset.role
    vendor = asset.value("vendor")
    return {
        "id": asset.id,
        "name": asset.name,
        "kind": asset.kind,
        "zone": asset.zone or "",
        "role": role.role if role else "",
        "role_confidence": role.confidence.value if role else "",
        "ips": " ".join(sorted(asset.ips)),
        "macs": " ".join(sorted(asset.macs)),
        "vendor": vendor or asset.value("mac_vendor") or "",
        "vendor_source": "identity" if vendor else ("oui" if asset.value("mac_vendor") else ""),
        **{
            f: asset.value(f) or ""
            for f in (
                "product",
                "model",
                "order_number",
                "firmware",
                "serial",
                "hostname",
                "os",
                "os_version",
            )
        },
        "declared": asset.declared or "",
        "conflicts": len(conflicts(asset)),
        "first_ts": first,
        "last_ts": last,
        "captures": " ".join(sorted(asset.captures)),
    }


def inventory_body(report: InventoryReport, assets: list[Asset] | None = None) -> dict[str, Any]:
    inv = report.inventory
    body: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "captures": inv.captures,
        "assets": [asset_doc(a) for a in (inv.assets if assets is None else assets)],
        "map": [e.as_dict() for e in report.edges],
        "lifecycle": [e.as_dict() for e in report.lifecycle],
        "legacy_share": report.legacy,
    }
    if report.comparison is not None:
        body["declared"] = report.comparison.as_dict()
    return body

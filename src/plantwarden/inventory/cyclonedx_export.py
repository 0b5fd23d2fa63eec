"""CycloneDX 1.6 JSON: every device a component of type ``device``, its firmware a nested
component of type ``firmware``; the vendor a device reports is its manufacturer and
supplier (CycloneDX 1.6, ``components[].manufacturer``, ``supplier``, ``type``).

Serial number and timestamp are derived from the captures and the report date, so the same
inputs give the same document.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, time
from typing import Any

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output.json import JsonV1Dot6

from plantwarden import __version__
from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.inventory.build import InventoryReport
from plantwarden.inventory.model import Asset

NAMESPACE = uuid.UUID("6f1d1c0e-5a52-4b7e-9a57-706c616e7477")  # plantwarden's uuid5 namespace
PROPERTY_FIELDS = (
    "model",
    "order_number",
    "serial",
    "hostname",
    "os",
    "os_version",
    "hardware",
    "device_type",
)


def _entity(name: str | None) -> OrganizationalEntity | None:
    return None if not name else OrganizationalEntity(name=name)


def _properties(asset: Asset) -> list[Property]:
    props = [Property(name="plantwarden:id", value=asset.id)]
    props += [Property(name="plantwarden:ip", value=ip) for ip in sorted(asset.ips)]
    props += [Property(name="plantwarden:mac", value=mac) for mac in sorted(asset.macs)]
    if asset.role is not None:
        props.append(Property(name="plantwarden:role", value=asset.role.role))
        props.append(Property(name="plantwarden:role_confidence", value=asset.role.confidence.value))
    for f in PROPERTY_FIELDS:
        if (v := asset.value(f)) is not None:
            props.append(Property(name=f"plantwarden:{f}", value=v))
    if asset.zone:
        props.append(Property(name="plantwarden:zone", value=asset.zone))
    return props


def device_component(asset: Asset) -> Component:
    vendor = asset.value("vendor")
    firmware = asset.value("firmware")
    nested = []
    if firmware is not None:
        nested.append(
            Component(
                type=ComponentType.FIRMWARE,
                name=f"{asset.value('product') or asset.name} firmware",
                version=firmware,
                bom_ref=f"{asset.id}/firmware",
                manufacturer=_entity(vendor),
            )
        )
    return Component(
        type=ComponentType.DEVICE,
        name=asset.value("product") or asset.value("model") or asset.name,
        version=asset.value("hardware"),
        bom_ref=asset.id,
        supplier=_entity(vendor),
        manufacturer=_entity(vendor or asset.value("mac_vendor")),
        description=asset.name,
        properties=_properties(asset),
        components=nested,
    )


def cyclonedx_json(report: InventoryReport, vulns: list[dict[str, Any]] | None = None) -> str:
    """The device BOM; with ``vulns`` (plantwarden.vulns.service.site_vulns items) also their
    CycloneDX vulnerabilities with analysis state (a VEX, plantwarden.vulns.vex)."""
    inv = report.inventory
    seed = (
        "|".join(sorted(str(d.get("sha256") or d.get("name")) for d in inv.documents))
        + report.as_of.isoformat()
    )
    tool = Component(type=ComponentType.APPLICATION, name="plantwarden", version=__version__)
    meta = BomMetaData(
        timestamp=datetime.combine(report.as_of, time(0), UTC),
        component=None,
        properties=[
            Property(name="generator", value=f"{GENERATOR_MARK} {__version__}"),
            *(Property(name="plantwarden:capture", value=c) for c in inv.captures),
        ],
    )
    meta.tools.components.add(tool)
    bom = Bom(
        serial_number=uuid.uuid5(NAMESPACE, seed),
        metadata=meta,
        components=[device_component(a) for a in inv.devices()],
    )
    if vulns:
        from plantwarden.vulns.vex import vulnerabilities

        refs = {a.declared or a.id: a.id for a in inv.devices()}
        for v in vulnerabilities(vulns, refs):
            bom.vulnerabilities.add(v)
    return _metadata_first(JsonV1Dot6(bom).output_as_string(indent=2))


def _metadata_first(text: str) -> str:
    """The same BOM with its header and metadata before the components (key order means
    nothing in JSON), so that the generator mark is in the file's first bytes and a later
    ``export --out`` recognises the file as plantwarden's (cli.outfile)."""
    doc = json.loads(text)
    head = ("$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata")
    ordered = {k: doc[k] for k in head if k in doc} | {k: v for k, v in doc.items() if k not in head}
    return json.dumps(ordered, indent=2, ensure_ascii=False)

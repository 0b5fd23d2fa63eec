"""From an identity record's fields (docs/analyze-json.md, ``identities``) to asset fields.

Canonical fields are compared across sources (and conflicts flagged); every other field is
kept as ``<proto>.<key>`` so nothing a device said is lost.
"""

from __future__ import annotations

from plantwarden.inventory.model import Claim, Confidence, Source

CANONICAL = (
    "vendor",
    "product",
    "model",
    "order_number",
    "firmware",
    "hardware",
    "serial",
    "hostname",
    "name",
    "device_type",
    "os",
    "os_version",
    "software",
    "description",
    "platform",
    "domain",
)

HOSTNAME_PROTOS = frozenset({"lldp", "cdp", "pn_dcp", "dhcp", "dns", "mdns", "llmnr", "nbns", "smb", "rdp"})
RENAMES: dict[str, dict[str, str]] = {
    "*": {
        "host_name": "hostname",
        "netbios_name": "hostname",
        "sys_descr": "description",
        "system_description": "description",
        "sysdescr": "description",
        "version": "software",
        "firmware_revision": "firmware",
        "model_name": "model",
        "vendor_name": "vendor",
        "serial_number": "serial",
        "os_name": "os",
        "server": "software",
        "banner": "software",
    },
    "cdp": {"software": "description"},
    "snmp": {"name": "hostname"},
}
# A field a third party tells about the device (a DNS answer), or a guess: not from the device.
THIRD_PARTY = {("dns", "hostname"): Confidence.MEDIUM, ("http", "user_agent"): Confidence.MEDIUM}
NOT_FIELDS = frozenset({"ip", "role", "netmask", "gateway", "management_address", "chassis_id"})
APPLICATION_PROTOS = frozenset({"opcua"})  # application descriptions: kept apart from the device


def field_name(proto: str, key: str) -> str:
    if key == "name" and proto in HOSTNAME_PROTOS:
        return "hostname"
    key = RENAMES.get(proto, {}).get(key, RENAMES["*"].get(key, key))
    return key if key in CANONICAL else f"{proto}.{key}"


def identity_claims(address: str, proto: str, fields: dict[str, object], source: Source) -> list[Claim]:
    """Claims of one identity record; empty and placeholder values are dropped."""
    claims = []
    for key, raw in sorted(fields.items()):
        value = " ".join(str(raw).split())
        if key in NOT_FIELDS or not value or value in ("0.0.0.0", "-"):
            continue
        name = field_name(proto, key)
        confidence = THIRD_PARTY.get((proto, name), Confidence.HIGH)
        claims.append(Claim(address, name, value, confidence, source))
    return claims

"""The other evidence to secure, by asset role, before production restoration overrides it:
controller programs and firmware via the engineering station, memory then disk images of
HMIs, servers and workstations, historian data, and the enforcing devices' logs."""

from __future__ import annotations

from plantwarden.incidents.context import Context
from plantwarden.site.model import AssetRole

CONTROLLERS = frozenset({AssetRole.PLC, AssetRole.RTU, AssetRole.SIS, AssetRole.SAFETY_PLC})
HOSTS = frozenset({
    AssetRole.HMI, AssetRole.SCADA_SERVER, AssetRole.ENGINEERING_WORKSTATION, AssetRole.IT_WORKSTATION,
    AssetRole.SERVER, AssetRole.MES, AssetRole.ERP, AssetRole.OPC_SERVER, AssetRole.DOMAIN_CONTROLLER,
    AssetRole.FILE_SERVER, AssetRole.PRINT_SERVER,
})  # fmt: skip
NETWORK = frozenset({AssetRole.FIREWALL, AssetRole.ROUTER, AssetRole.SWITCH, AssetRole.REMOTE_ACCESS_GATEWAY})


def to_secure(ctx: Context, assets: list[str]) -> list[str]:
    """What to secure, in the order to take it (volatile first)."""
    items: list[str] = []
    for name in assets:
        asset = ctx.asset(name)
        if asset is None:
            items.append(
                f"{name}: not in the site model; find it on the switch (port, MAC) and image it if seized"
            )
        elif asset.role in CONTROLLERS:
            never = (
                " (read only via its own engineering tool; never query it from plantwarden)"
                if name in ctx.safety
                else ""
            )
            items.append(
                f"{name}: controller program and firmware version "
                f"({asset.firmware or 'firmware not declared'}), "
                f"uploaded via the engineering station and hashed{never}"
            )
        elif asset.role in HOSTS:
            system = f"{asset.os or 'os not declared'} {asset.os_version or ''}".rstrip()
            items.append(f"{name}: memory image, then disk image ({system})")
        elif asset.role == AssetRole.HISTORIAN:
            items.append(f"{name}: historian data around the incident")
        elif asset.role in NETWORK:
            items.append(f"{name}: configuration and logs (sessions, connections)")
        else:
            items.append(f"{name}: configuration and logs")
    for asset in ctx.model.assets:
        if asset.role == AssetRole.HISTORIAN and asset.name not in assets:
            items.append(f"{asset.name}: historian data of the process values around the incident")
    devices = {c.enforced_by for c in ctx.model.conduits if c.enforced_by}
    for zone in (ctx.zone_of(ctx.source), ctx.zone_of(ctx.target)):
        for c in ctx.boundary(zone) if zone is not None else []:
            if c.enforced_by in devices and c.enforced_by not in assets:
                items.append(f"{c.enforced_by}: connection logs of conduit {c.name}")
                devices.discard(c.enforced_by)
    return items

"""Built-in effort per asset role (hours), before the site model's ``remediation`` overrides.

Rough figures for a firmware or OS update with its test and rollback time; a site that knows
better declares its own under ``remediation.roles`` or ``remediation.assets``.
"""

from __future__ import annotations

from plantwarden.site.model import Asset, AssetRole
from plantwarden.site.model_remediation import Effort, Remediation

R = AssetRole
# role: (duration hours, downtime hours, line must stop)
ROLE_EFFORT: dict[AssetRole, tuple[float, float, bool]] = {
    R.PLC: (2.0, 1.5, True),
    R.SAFETY_PLC: (4.0, 3.0, True),
    R.SIS: (4.0, 3.0, True),
    R.RTU: (2.0, 1.5, True),
    R.HMI: (1.5, 1.0, False),
    R.SCADA_SERVER: (3.0, 1.0, False),
    R.ENGINEERING_WORKSTATION: (1.0, 1.0, False),
    R.HISTORIAN: (2.0, 1.0, False),
    R.OPC_SERVER: (1.5, 1.0, False),
    R.MES: (3.0, 1.0, False),
    R.SWITCH: (1.0, 0.5, True),
    R.ROUTER: (1.0, 0.5, True),
    R.FIREWALL: (1.0, 0.5, True),
}
FALLBACK = (1.0, 1.0, False)


def effort_of(asset: Asset, remediation: Remediation) -> tuple[float, float, bool]:
    """(duration, downtime, line_stop) of work on ``asset``: asset override, role override, built-in."""
    duration, downtime, stop = ROLE_EFFORT.get(asset.role, FALLBACK)
    for layer in (remediation.roles.get(asset.role.value), remediation.assets.get(asset.name)):
        if layer is not None:
            duration, downtime, stop = _apply(layer, duration, downtime, stop)
    return duration, min(downtime, duration), stop


def _apply(e: Effort, duration: float, downtime: float, stop: bool) -> tuple[float, float, bool]:
    return (
        e.duration_hours if e.duration_hours is not None else duration,
        e.downtime_hours if e.downtime_hours is not None else downtime,
        e.line_stop if e.line_stop is not None else stop,
    )

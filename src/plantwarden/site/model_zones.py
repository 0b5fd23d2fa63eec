"""Zones and conduits (IEC 62443-3-2, 4.4: zone and conduit partitioning; Purdue levels 0-5)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, model_validator
from pydantic.networks import IPvAnyNetwork

from plantwarden.site.ports import KNOWN_PROTOCOLS, complete_allowed, parse_allowed
from plantwarden.site.types import Frozen, Name, Text

LEVEL_NAMES = ("enterprise", "dmz", "operations", "control", "safety", "building")
LevelName = Literal["enterprise", "dmz", "operations", "control", "safety", "building"]


def _check_level(value: Any) -> Any:
    """One clear message instead of one per union member."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 5:
        return value
    if isinstance(value, str) and value in LEVEL_NAMES:
        return value
    raise ValueError(f"level {value!r} is not a Purdue level 0-5 nor one of {', '.join(LEVEL_NAMES)}")


ZoneLevel = Annotated[
    Annotated[int, Field(ge=0, le=5)] | LevelName,
    BeforeValidator(_check_level),
    Field(description="Purdue level 0-5, or one of: " + ", ".join(LEVEL_NAMES) + "."),
]

Vlan = Annotated[int, Field(ge=1, le=4094, description="IEEE 802.1Q VLAN id, 1-4094.")]

SlLevel = Annotated[int, Field(ge=0, le=4)]


class SlVector(Frozen):
    """SL-T per foundational requirement (IEC 62443-3-3 FR 1-7, by their abbreviations); a
    requirement left out takes the zone's ``sl_t``."""

    iac: SlLevel | None = Field(default=None, description="FR 1 identification and authentication control.")
    uc: SlLevel | None = Field(default=None, description="FR 2 use control.")
    si: SlLevel | None = Field(default=None, description="FR 3 system integrity.")
    dc: SlLevel | None = Field(default=None, description="FR 4 data confidentiality.")
    rdf: SlLevel | None = Field(default=None, description="FR 5 restricted data flow.")
    tre: SlLevel | None = Field(default=None, description="FR 6 timely response to events.")
    ra: SlLevel | None = Field(default=None, description="FR 7 resource availability.")


FR_FIELDS = {
    "FR 1": "iac",
    "FR 2": "uc",
    "FR 3": "si",
    "FR 4": "dc",
    "FR 5": "rdf",
    "FR 6": "tre",
    "FR 7": "ra",
}


class Zone(Frozen):
    """A security zone: assets with the same security requirements (IEC 62443-3-2, 4.4)."""

    name: Name
    level: ZoneLevel
    sl_t: Annotated[int, Field(ge=0, le=4, description="IEC 62443 target security level SL-T, 0-4.")]
    cidrs: tuple[IPvAnyNetwork, ...] = Field(default=(), description="Address ranges of the zone (CIDR).")
    vlans: tuple[Vlan, ...] = ()
    description: Text | None = None
    sl_t_fr: SlVector | None = Field(
        default=None,
        description="Optional SL-T per foundational requirement (iac, uc, si, dc, rdf, tre, ra).",
    )

    def target_sl(self, fr: str | None) -> int:
        """The zone's SL-T for a foundational requirement (``FR 5``), else its ``sl_t``."""
        field = FR_FIELDS.get(fr or "")
        value = getattr(self.sl_t_fr, field) if self.sl_t_fr is not None and field else None
        return self.sl_t if value is None else int(value)


class ConduitDirection(StrEnum):
    FROM_TO = "from_to"  # only the 'from' side opens connections
    BIDIRECTIONAL = "bidirectional"


class Allowed(Frozen):
    """One permitted protocol on a conduit: ``{protocol: modbus, port: 502}`` or ``"tcp/443"``."""

    protocol: Annotated[str, Field(description="One of: " + ", ".join(sorted(KNOWN_PROTOCOLS)) + ".")]
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    transport: Literal["tcp", "udp"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = parse_allowed(value)
        return complete_allowed(value) if isinstance(value, dict) else value


class Conduit(Frozen):
    """A conduit: the permitted communication between two zones (IEC 62443-3-2, 4.4)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)  # from_zone round-trips

    name: Name
    from_zone: Name = Field(alias="from", description="Zone that opens connections.")
    to_zone: Name = Field(alias="to", description="Zone that accepts them.")
    allow: tuple[Allowed, ...] = Field(min_length=1)
    direction: ConduitDirection = ConduitDirection.FROM_TO
    enforced_by: Name | None = Field(default=None, description="Asset (firewall, router) enforcing it.")
    description: Text | None = None

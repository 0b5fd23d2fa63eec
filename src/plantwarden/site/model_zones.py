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


class Zone(Frozen):
    """A security zone: assets with the same security requirements (IEC 62443-3-2, 4.4)."""

    name: Name
    level: ZoneLevel
    sl_t: Annotated[int, Field(ge=0, le=4, description="IEC 62443 target security level SL-T, 0-4.")]
    cidrs: tuple[IPvAnyNetwork, ...] = Field(default=(), description="Address ranges of the zone (CIDR).")
    vlans: tuple[Vlan, ...] = ()
    description: Text | None = None


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

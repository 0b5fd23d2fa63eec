"""Vendor remote access in the site model: the site's limits and the standing grants.

``access`` is optional (older site files stay valid). ``max_grant_hours`` caps how long a
requested grant may last (``plantwarden access request``: never open-ended); a standing
arrangement declared here needs an ``end`` too, at most :data:`MAX_STANDING_DAYS` after its
start. Times are the site's local time, as in maintenance windows.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from plantwarden.site.types import Frozen, Name, Text

#: The default cap of a requested grant: one week (a maintenance weekend and its preparation).
DEFAULT_MAX_GRANT_HOURS = 168
#: A standing arrangement declared in the site file lasts at most a year; then it is renewed.
MAX_STANDING_DAYS = 366


class AccessProtocol(StrEnum):
    """What a grant may carry: remote-access tools, VPNs, and engineering protocols."""

    SSH = "ssh"
    TELNET = "telnet"
    RDP = "rdp"
    VNC = "vnc"
    TEAMVIEWER = "teamviewer"
    ANYDESK = "anydesk"
    IPSEC = "ipsec"
    OPENVPN = "openvpn"
    WIREGUARD = "wireguard"
    S7COMM = "s7comm"
    ENIP = "enip"
    MODBUS = "modbus"
    OPCUA = "opcua"


class GrantOperations(StrEnum):
    """``view``: screen sharing and reading; ``engineering``: writes, program downloads, mode changes."""

    VIEW = "view"
    ENGINEERING = "engineering"


class DeclaredGrant(Frozen):
    """A standing arrangement: who of which vendor may reach what, how, until when."""

    name: Name
    vendor: Text = Field(description="The vendor's company, as in 'vendors'.")
    person: Text = Field(description="The person who connects.")
    assets: tuple[Name, ...] = ()
    zone: Name | None = Field(default=None, description="A whole zone instead of assets.")
    protocols: tuple[AccessProtocol, ...] = Field(min_length=1)
    operations: GrantOperations = GrantOperations.VIEW
    start: datetime = Field(description="Local date-time in the site time zone.")
    end: datetime = Field(description="Local date-time; every grant ends.")
    ticket: Text | None = None
    reason: Text
    requested_by: Text
    approved_by: Text = Field(description="A person of a role Responsible or Accountable for the assets.")

    @field_validator("start", "end")
    @classmethod
    def _local(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError(f"{value.isoformat()} has a UTC offset (expected the site's local time)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DeclaredGrant:
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start {self.start.isoformat()}")
        if (self.end - self.start).days > MAX_STANDING_DAYS:
            raise ValueError(f"a standing grant lasts at most {MAX_STANDING_DAYS} days (renew it)")
        if bool(self.assets) == (self.zone is not None):
            raise ValueError("a grant names 'assets' or a 'zone' (one of them)")
        if self.requested_by == self.approved_by:
            raise ValueError("approved_by must be another person than requested_by (four eyes)")
        return self


class AccessPolicy(Frozen):
    """The site's remote-access limits and its standing grants."""

    max_grant_hours: int = Field(
        default=DEFAULT_MAX_GRANT_HOURS, ge=1, le=24 * 31, description="Longest a requested grant may last."
    )
    grants: tuple[DeclaredGrant, ...] = ()

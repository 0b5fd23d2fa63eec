"""Who does what: roles, RACI assignments (responsible, accountable, consulted, informed), vendors."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from plantwarden.site.types import Frozen, Name, Text


class RoleKind(StrEnum):
    IT = "it"
    OT_PRODUCTION = "ot_production"
    EHS = "ehs"
    QA = "qa"
    VENDOR_OEM = "vendor_oem"
    SERVICE_PROVIDER = "service_provider"


class Role(Frozen):
    """A role people or a team fill; RACI entries name roles by ``id``."""

    id: Name
    kind: RoleKind
    team: Text | None = None
    people: tuple[Text, ...] = ()
    contact: Text | None = Field(default=None, description="Phone, e-mail or on-call number.")

    @model_validator(mode="after")
    def _someone(self) -> Role:
        if self.team is None and not self.people:
            raise ValueError(f"role {self.id!r} names nobody (expected 'team' or 'people')")
        return self


class Activity(StrEnum):
    UPDATES = "updates"
    INCIDENTS = "incidents"
    CHANGES = "changes"


class Subject(Frozen):
    """What a RACI entry is about: an asset, a line, or an activity (optionally scoped to one)."""

    asset: Name | None = None
    line: Name | None = None
    activity: Activity | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Subject:
        if self.asset is not None and self.line is not None:
            raise ValueError("a subject names an asset or a line, not both")
        if self.asset is None and self.line is None and self.activity is None:
            raise ValueError("a subject needs 'asset', 'line' or 'activity'")
        return self


class RaciEntry(Frozen):
    """Responsible / accountable / consulted / informed role ids for one subject."""

    subject: Subject
    responsible: tuple[Name, ...] = Field(min_length=1)
    accountable: tuple[Name, ...] = Field(min_length=1, max_length=1, description="Exactly one role.")
    consulted: tuple[Name, ...] = ()
    informed: tuple[Name, ...] = ()


class RemoteAccess(StrEnum):
    VPN = "vpn"
    TEAMVIEWER = "teamviewer"
    ANYDESK = "anydesk"
    RDP_JUMP = "rdp_jump"
    VENDOR_PORTAL = "vendor_portal"
    MODEM = "modem"
    OTHER = "other"
    NONE = "none"


class Contact(Frozen):
    name: Text
    email: Text | None = None
    phone: Text | None = None


class Vendor(Frozen):
    """A supplier that supports assets, and how it reaches them."""

    company: Text
    contacts: tuple[Contact, ...] = ()
    assets: tuple[Name, ...] = Field(default=(), description="Assets the vendor supports.")
    remote_access: RemoteAccess = RemoteAccess.NONE
    via: Name | None = Field(default=None, description="Asset the remote access goes through (gateway).")
    notes: Text | None = None

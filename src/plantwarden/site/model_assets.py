"""Assets the site declares, and logical services (things a line can depend on)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, field_validator
from pydantic.networks import IPvAnyAddress
from pydantic_core.core_schema import ValidationInfo

from plantwarden.site.types import Frozen, MacAddress, Name, Text


class AssetRole(StrEnum):
    PLC = "plc"
    RTU = "rtu"
    HMI = "hmi"
    SCADA_SERVER = "scada_server"
    ENGINEERING_WORKSTATION = "engineering_workstation"
    HISTORIAN = "historian"
    OPC_SERVER = "opc_server"
    MES = "mes"
    ERP = "erp"
    PRINTER = "printer"
    PRINT_SERVER = "print_server"
    DOMAIN_CONTROLLER = "domain_controller"
    FILE_SERVER = "file_server"
    SWITCH = "switch"
    ROUTER = "router"
    FIREWALL = "firewall"
    REMOTE_ACCESS_GATEWAY = "remote_access_gateway"
    IT_WORKSTATION = "it_workstation"
    BUILDING_CONTROLLER = "building_controller"
    SIS = "sis"
    SAFETY_PLC = "safety_plc"
    SERVER = "server"
    OTHER = "other"


class Criticality(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Asset(Frozen):
    """A device or host the site knows it has."""

    name: Name
    role: AssetRole
    zone: Name = Field(description="Zone the asset sits in; its IPs must be inside the zone's CIDRs.")
    ips: tuple[IPvAnyAddress, ...] = ()
    macs: tuple[MacAddress, ...] = ()
    vendor: Text | None = None
    product: Text | None = None
    model: Text | None = Field(default=None, description="Model or order number, e.g. 6ES7 214-1AG40-0XB0.")
    firmware: Text | None = None
    os: Text | None = None
    os_version: Text | None = None
    criticality: Criticality = Criticality.MEDIUM
    safety: bool = Field(default=False, description="Part of a safety function (SIS, safety PLC).")
    install_date: date | None = None
    end_of_support: date | None = Field(default=None, description="Vendor end of support (patches).")
    notes: Text | None = None

    @field_validator("end_of_support")
    @classmethod
    def _after_install(cls, value: date | None, info: ValidationInfo) -> date | None:
        installed = info.data.get("install_date")
        if value is not None and isinstance(installed, date) and value < installed:
            raise ValueError(f"end_of_support {value} is before install_date {installed}")
        return value


class Service(Frozen):
    """A logical service ("ERP link", "label printing") that lines and assets can depend on."""

    name: Name
    description: Text | None = None
    requires: tuple[Name, ...] = Field(default=(), description="Assets, services or groups it needs.")

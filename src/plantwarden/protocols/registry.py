"""The protocols the engine knows, in the order payload probes are tried."""

from __future__ import annotations

from plantwarden.protocols.arp import SPEC as ARP_SPEC
from plantwarden.protocols.bacnet import SPEC as BACNET_SPEC
from plantwarden.protocols.base import ProtocolSpec
from plantwarden.protocols.cdp import SPEC as CDP_SPEC
from plantwarden.protocols.dnp3 import SPEC as DNP3_SPEC
from plantwarden.protocols.enip import SPEC as ENIP_SPEC
from plantwarden.protocols.iec104 import SPEC as IEC104_SPEC
from plantwarden.protocols.itkit.catalog import IT_SPECS
from plantwarden.protocols.lldp import SPEC as LLDP_SPEC
from plantwarden.protocols.modbus import SPEC as MODBUS_SPEC
from plantwarden.protocols.opcua import SPEC as OPCUA_SPEC
from plantwarden.protocols.profinet import SPEC as PN_DCP_SPEC
from plantwarden.protocols.s7comm import SPEC as S7COMM_SPEC

SPECS: list[ProtocolSpec] = [
    ARP_SPEC,
    LLDP_SPEC,
    CDP_SPEC,
    BACNET_SPEC,
    OPCUA_SPEC,
    ENIP_SPEC,
    PN_DCP_SPEC,
    IEC104_SPEC,
    S7COMM_SPEC,
    MODBUS_SPEC,
    DNP3_SPEC,
    *IT_SPECS,
]

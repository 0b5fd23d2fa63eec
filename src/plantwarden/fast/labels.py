"""Kernel labels -> (proto, code, name, operation class), from the decoders' own tables.

The kernel only counts PDUs whose code alone fixes the name and class the Python session
would give them (see :mod:`plantwarden.fast.protos`), so these lookups are exact.
"""

from __future__ import annotations

from functools import lru_cache

from plantwarden.fast.layout import (
    P_CIP,
    P_COTP,
    P_DNP3,
    P_DNS,
    P_ENIP,
    P_ENIP_IO,
    P_IEC104,
    P_MDNS,
    P_MODBUS,
    P_NBNS,
    P_NTP,
    P_OPCUA,
    P_S7,
)
from plantwarden.protocols.base import OpClass
from plantwarden.protocols.cip.classify import meaning
from plantwarden.protocols.cip.wire import Path
from plantwarden.protocols.dnp3 import codes as dnp3_codes
from plantwarden.protocols.dns import codes as dns_codes
from plantwarden.protocols.enip import codes as enip_codes
from plantwarden.protocols.enip.session import _COMMAND_CLASS
from plantwarden.protocols.iec104 import codes as iec104_codes
from plantwarden.protocols.modbus import codes as modbus_codes
from plantwarden.protocols.nbns import codes as nbns_codes
from plantwarden.protocols.ntp.session import MODES as NTP_MODES
from plantwarden.protocols.opcua.codes import MESSAGE_CLASS, MESSAGE_TYPE, SERVICE_INFO
from plantwarden.protocols.s7comm import codes as s7_codes

Label = tuple[str, str, str, OpClass]
_UA_TYPES = {1: b"HEL", 2: b"ACK", 6: b"OPN", 7: b"CLO"}


def _modbus(bits: int) -> Label:
    fc, exc = bits & 0x7F, bits & 0x80
    name = modbus_codes.function_name(fc)
    if bits >> 16 & 1:
        mei = bits >> 8 & 0xFF
        name = f"{name}: {modbus_codes.MEI_TYPES.get(mei, f'unknown-{mei}')}"
    return "modbus", f"{fc}:exc" if exc else str(fc), name, modbus_codes.function_class(fc)


def _opcua(bits: int) -> Label:
    kind, sid = bits >> 20 & 0xF, bits & 0xFFFFF
    if kind in _UA_TYPES:
        mtype = _UA_TYPES[kind]
        return "opcua", mtype.decode(), MESSAGE_TYPE[mtype], MESSAGE_CLASS.get(mtype, OpClass.OTHER)
    info = SERVICE_INFO.get(sid)
    if info is None:
        return "opcua", f"MSG:{sid}", f"unknown-{sid}", OpClass.OTHER
    return "opcua", f"MSG:{sid}", info[0], info[1]


def cip_path(family: int) -> Path:
    """A request path of the family a kernel CIP label names (fast.cip: 1 CM, 2 tag)."""
    return Path(class_id=6) if family == 1 else Path(tag="tag")


def _cip(bits: int) -> Label:
    service, reply, family = bits & 0xFF, bits >> 8 & 1, bits >> 12 & 0xF
    found = meaning(service, cip_path(family))
    return "cip", f"0x{service:02x}:{'rsp' if reply else 'req'}", found.name, found.op_class


def _iec104(bits: int) -> Label:
    kind, code = bits >> 16, bits & 0xFFFF
    if kind == 1:
        return "iec104", f"I:{code}", iec104_codes.type_name(code), iec104_codes.type_op_class(code)
    if kind == 2:
        return "iec104", "S", "S-format ack", OpClass.SESSION
    return "iec104", f"U:0x{code:02x}", iec104_codes.U_NAMES[code], OpClass.SESSION


def _dnp3(bits: int) -> Label:
    if bits >> 16:  # fast.dnp3.LINK: a link frame without user data
        primary, function = bool(bits >> 4 & 1), bits & 0x0F
        code = f"link:{'pri' if primary else 'sec'}/{function}"
        return "dnp3", code, dnp3_codes.link_name(primary, function), OpClass.SESSION
    function = bits & 0xFF
    return "dnp3", str(function), dnp3_codes.function_name(function), dnp3_codes.function_class(function)
def _dns(proto: int, bits: int) -> Label:
    kind = "response" if bits >> 16 & 1 else "query"
    tname = dns_codes.type_name(bits & 0xFFFF)
    return "mdns" if proto == P_MDNS else "dns", f"{kind}:{tname}", f"{kind} {tname}", OpClass.OTHER


def _udp(proto: int, bits: int) -> Label:
    """The UDP protocols of fast.udp."""
    if proto == P_NTP:
        return "ntp", str(bits), NTP_MODES[bits], OpClass.TIME_SYNC
    if proto == P_NBNS:
        tname = nbns_codes.name_of(nbns_codes.RR_TYPES, bits)
        return "nbns", f"query:{tname}", f"query {tname}", OpClass.OTHER
    if proto == P_ENIP_IO:
        return "cipio", "io", "Class 1 I/O", OpClass.IO_DATA
    return _dns(proto, bits)


@lru_cache(maxsize=4096)
def describe(label: int) -> Label:
    """(proto, code, name, op_class) of a kernel label."""
    proto, bits = label >> 24, label & 0xFFFFFF
    if proto == P_MODBUS:
        return _modbus(bits)
    if proto == P_S7:
        rosctr, func = bits >> 8, bits & 0xFF
        name, op_class = s7_codes.FUNCTIONS[func]
        return "s7comm", f"{rosctr}:0x{func:02x}", name, op_class
    if proto == P_COTP:
        name = s7_codes.COTP_TYPES[bits]
        return "cotp", name, f"COTP {name}", OpClass.SESSION
    if proto == P_OPCUA:
        return _opcua(bits)
    if proto == P_CIP:
        return _cip(bits)
    if proto == P_ENIP:
        return "enip", f"0x{bits:04x}", enip_codes.COMMANDS[bits], _COMMAND_CLASS.get(bits, OpClass.OTHER)
    if proto == P_IEC104:
        return _iec104(bits)
    if proto == P_DNP3:
        return _dnp3(bits)
    if proto in (P_DNS, P_MDNS, P_NTP, P_NBNS, P_ENIP_IO):
        return _udp(proto, bits)
    raise ValueError(f"unknown kernel label 0x{label:08x}")

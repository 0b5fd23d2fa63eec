"""Protocols a conduit may allow, with their registered transport and port (IANA service registry)."""

from __future__ import annotations

import difflib
from typing import Any

# name -> (transport, default port); None port: any port of that transport
KNOWN_PROTOCOLS: dict[str, tuple[str, int | None]] = {
    "tcp": ("tcp", None),
    "udp": ("udp", None),
    "modbus": ("tcp", 502),
    "s7comm": ("tcp", 102),
    "enip": ("tcp", 44818),
    "enip_io": ("udp", 2222),
    "cip": ("tcp", 44818),
    "dnp3": ("tcp", 20000),
    "bacnet": ("udp", 47808),
    "opcua": ("tcp", 4840),
    "iec104": ("tcp", 2404),
    "mqtt": ("tcp", 1883),
    "mqtts": ("tcp", 8883),
    "http": ("tcp", 80),
    "https": ("tcp", 443),
    "ssh": ("tcp", 22),
    "rdp": ("tcp", 3389),
    "vnc": ("tcp", 5900),
    "smb": ("tcp", 445),
    "dcerpc": ("tcp", 135),
    "ldap": ("tcp", 389),
    "ldaps": ("tcp", 636),
    "kerberos": ("tcp", 88),
    "dns": ("udp", 53),
    "ntp": ("udp", 123),
    "snmp": ("udp", 161),
    "syslog": ("udp", 514),
    "mssql": ("tcp", 1433),
    "ftp": ("tcp", 21),
    "smtp": ("tcp", 25),
    "ipp": ("tcp", 631),
    "jetdirect": ("tcp", 9100),
    "lpd": ("tcp", 515),
    "ipsec": ("udp", 500),
    "openvpn": ("udp", 1194),
    "wireguard": ("udp", 51820),
}


def unknown_protocol(name: str) -> ValueError:
    near = difflib.get_close_matches(name, KNOWN_PROTOCOLS, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    known = ", ".join(sorted(KNOWN_PROTOCOLS))
    return ValueError(f"unknown protocol {name!r} (expected one of {known}){hint}")


def parse_allowed(text: str) -> dict[str, Any]:
    """``"tcp/443"``, ``"modbus"`` or ``"modbus/5020"`` as a mapping."""
    name, _, port = text.strip().partition("/")
    if port and not port.isdigit():
        raise ValueError(f"{text!r} is not '<protocol>' or '<protocol>/<port>' (expected e.g. tcp/443)")
    return {"protocol": name, "port": int(port)} if port else {"protocol": name}


def complete_allowed(value: dict[str, Any]) -> dict[str, Any]:
    """Fill the registered transport and port of a known protocol; reject unknown names."""
    name = value.get("protocol")
    if not isinstance(name, str):
        return value
    if name not in KNOWN_PROTOCOLS:
        raise unknown_protocol(name)
    transport, port = KNOWN_PROTOCOLS[name]
    return {"transport": transport, "port": port, **value}

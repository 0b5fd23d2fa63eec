"""SNMP v1/v2c/v3 (RFC 1157, 3416, 3412): PDU types and the MIB-2 system group."""

from plantwarden.protocols.snmp.session import SPEC

__all__ = ["SPEC"]

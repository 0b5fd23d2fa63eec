"""IEC 60870-5-104 (telecontrol over TCP 2404): APCI framing, ASDU types, point values."""

from plantwarden.protocols.iec104.session import SPEC

__all__ = ["SPEC"]

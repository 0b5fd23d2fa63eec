"""Modbus/TCP decoder (MBAP framing, every function code, UMAS sub-functions)."""

from plantwarden.protocols.modbus.session import SPEC

__all__ = ["SPEC"]

"""Shared shape of the IT protocol decoders (DHCP, DNS, SMB, HTTP, TLS, ...)."""

from plantwarden.protocols.itkit.spec import ItSpec, emit_op, text

__all__ = ["ItSpec", "emit_op", "text"]

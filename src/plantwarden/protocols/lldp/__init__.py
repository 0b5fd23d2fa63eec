"""LLDP (IEEE 802.1AB): neighbour names, switch ports, capabilities."""

from plantwarden.protocols.lldp.session import SPEC

__all__ = ["SPEC"]

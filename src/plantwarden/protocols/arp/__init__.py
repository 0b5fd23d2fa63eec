"""ARP (RFC 826): who has which IPv4 address, from the frames hosts send anyway."""

from plantwarden.protocols.arp.session import SPEC

__all__ = ["SPEC"]

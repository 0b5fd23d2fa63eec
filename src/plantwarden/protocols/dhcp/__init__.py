"""DHCP (RFC 2131/2132): leases, client host names, vendor classes and fingerprints."""

from plantwarden.protocols.dhcp.session import SPEC

__all__ = ["SPEC"]

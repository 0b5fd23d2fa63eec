"""NetBIOS name and datagram services (RFC 1001/1002) with browser announcements (MS-BRWS)."""

from plantwarden.protocols.nbns.session import SPEC

__all__ = ["SPEC"]

"""RDP (MS-RDPBCGR): X.224 connection negotiation, user cookie and security protocols."""

from plantwarden.protocols.rdp.session import SPEC

__all__ = ["SPEC"]

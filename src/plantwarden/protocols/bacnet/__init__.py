"""BACnet/IP (ANSI/ASHRAE 135): BVLC (Annex J), NPDU (clause 6), APDU (clause 20)."""

from plantwarden.protocols.bacnet.session import SPEC

__all__ = ["SPEC"]

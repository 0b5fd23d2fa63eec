"""BACnet (ANSI/ASHRAE 135): BACnet/IP BVLC (Annex J), ISO 8802-2 and MS/TP links (clauses 7, 9,
in net/l2.py), NPDU (clause 6), APDU (clause 20)."""

from plantwarden.protocols.bacnet.session import SPEC

__all__ = ["SPEC"]

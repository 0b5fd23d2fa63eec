"""EtherNet/IP encapsulation (ODVA CIP Vol 2) and the CIP it carries (see ``protocols.cip``)."""

from plantwarden.protocols.enip.session import SPEC

__all__ = ["SPEC"]

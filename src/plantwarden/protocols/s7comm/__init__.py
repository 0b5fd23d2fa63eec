"""S7comm and S7comm-plus over ISO-on-TCP (TPKT/COTP, TCP 102)."""

from plantwarden.protocols.s7comm.session import SPEC

__all__ = ["SPEC"]

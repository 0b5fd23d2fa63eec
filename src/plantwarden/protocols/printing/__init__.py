"""Printing: LPD (RFC 1179) and raw/JetDirect (port 9100) with PJL printer models."""

from plantwarden.protocols.printing.session import JETDIRECT_SPEC, LPD_SPEC

__all__ = ["JETDIRECT_SPEC", "LPD_SPEC"]

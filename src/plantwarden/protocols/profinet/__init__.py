"""PROFINET DCP (IEC 61158-6-10, 4.3): discovery and basic configuration on ethertype 0x8892."""

from plantwarden.protocols.profinet.session import SPEC

__all__ = ["SPEC"]

"""Syslog (RFC 5424, RFC 3164) over UDP: severities, facilities, sender names."""

from plantwarden.protocols.syslog.session import SPEC

__all__ = ["SPEC"]

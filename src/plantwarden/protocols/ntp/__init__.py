"""NTP (RFC 5905): modes, strata and reference sources."""

from plantwarden.protocols.ntp.session import SPEC

__all__ = ["SPEC"]

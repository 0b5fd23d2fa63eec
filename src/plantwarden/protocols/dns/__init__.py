"""DNS (RFC 1035), mDNS (RFC 6762) and LLMNR (RFC 4795): queries, answers, host names."""

from plantwarden.protocols.dns.session import SPEC

__all__ = ["SPEC"]

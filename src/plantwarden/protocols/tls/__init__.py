"""TLS (RFC 5246/8446): versions, SNI and clear-text server certificates."""

from plantwarden.protocols.tls.session import SPEC

__all__ = ["SPEC"]

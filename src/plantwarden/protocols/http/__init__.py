"""HTTP/1.x (RFC 9112) and IPP over HTTP (RFC 8010): methods, status codes, software names."""

from plantwarden.protocols.http.session import SPEC

__all__ = ["SPEC"]

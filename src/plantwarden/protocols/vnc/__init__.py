"""VNC / RFB (RFC 6143): protocol versions of viewer and server."""

from plantwarden.protocols.vnc.session import SPEC

__all__ = ["SPEC"]

"""TFTP (RFC 1350): read and write requests with file names."""

from plantwarden.protocols.tftp.session import SPEC

__all__ = ["SPEC"]

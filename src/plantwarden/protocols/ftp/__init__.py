"""FTP (RFC 959) control connections: commands, replies, transferred file names."""

from plantwarden.protocols.ftp.session import SPEC

__all__ = ["SPEC"]

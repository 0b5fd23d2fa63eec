"""SSH (RFC 4253): client and server identification strings."""

from plantwarden.protocols.ssh.session import SPEC

__all__ = ["SPEC"]

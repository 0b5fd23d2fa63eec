"""SMB1/SMB2 (MS-CIFS, MS-SMB2): dialects, native OS strings, NTLMSSP host and domain names."""

from plantwarden.protocols.smb.session import SPEC

__all__ = ["SPEC"]

"""MS SQL Server TDS (MS-TDS): pre-login server version, clear-text login names."""

from plantwarden.protocols.tds.session import SPEC

__all__ = ["SPEC"]

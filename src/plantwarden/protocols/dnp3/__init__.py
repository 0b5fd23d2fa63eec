"""DNP3 decoder (link frames with CRCs, transport reassembly, application layer)."""

from plantwarden.protocols.dnp3.session import SPEC

__all__ = ["SPEC"]

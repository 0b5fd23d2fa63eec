"""OPC UA binary (OPC 10000-6): UA TCP, UA Secure Conversation, service bodies."""

from plantwarden.protocols.opcua.session import SPEC

__all__ = ["SPEC"]

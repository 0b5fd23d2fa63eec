"""Remote-access tools (TeamViewer, AnyDesk) recognised by port and payload signature."""

from plantwarden.protocols.remote_tools.session import ANYDESK_SPEC, TEAMVIEWER_SPEC

__all__ = ["ANYDESK_SPEC", "TEAMVIEWER_SPEC"]

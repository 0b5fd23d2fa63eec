"""CDP (Cisco Discovery Protocol) over 802.3 LLC/SNAP: device and port names, platform."""

from plantwarden.protocols.cdp.session import SPEC

__all__ = ["SPEC"]

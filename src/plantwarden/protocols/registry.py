"""The protocols the engine knows, in the order payload probes are tried."""

from __future__ import annotations

from plantwarden.protocols.base import ProtocolSpec

SPECS: list[ProtocolSpec] = []

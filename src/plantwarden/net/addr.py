"""Address formatting in the forms tshark prints, cached (addresses repeat)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache


@lru_cache(maxsize=65536)
def mac(b: bytes) -> str:
    """``00:02:b3:ce:70:51``."""
    return b.hex(":")


@lru_cache(maxsize=65536)
def ipv4(b: bytes) -> str:
    return f"{b[0]}.{b[1]}.{b[2]}.{b[3]}"


@lru_cache(maxsize=65536)
def ipv6(b: bytes) -> str:
    """RFC 5952 compressed form, as tshark prints it."""
    return str(ipaddress.IPv6Address(b))

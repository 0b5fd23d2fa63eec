"""Names of DHCP message types (RFC 2132 9.6, RFC 4388 6.1)."""

from __future__ import annotations

MESSAGE_TYPES: dict[int, str] = {
    1: "DHCPDISCOVER",
    2: "DHCPOFFER",
    3: "DHCPREQUEST",
    4: "DHCPDECLINE",
    5: "DHCPACK",
    6: "DHCPNAK",
    7: "DHCPRELEASE",
    8: "DHCPINFORM",
    10: "DHCPLEASEQUERY",
}
REQUESTS = frozenset({1, 3, 4, 7, 8, 10})


def message_type_name(code: int) -> str:
    return MESSAGE_TYPES.get(code, f"unknown-{code}")

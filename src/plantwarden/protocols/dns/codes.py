"""Names of DNS codes (IANA DNS parameters registry; RFC 1035 3.2.2, 4.1.1)."""

from __future__ import annotations

TYPES: dict[int, str] = {
    1: "A",
    2: "NS",
    5: "CNAME",
    6: "SOA",
    12: "PTR",
    13: "HINFO",
    15: "MX",
    16: "TXT",
    28: "AAAA",
    33: "SRV",
    35: "NAPTR",
    41: "OPT",
    43: "DS",
    46: "RRSIG",
    47: "NSEC",
    48: "DNSKEY",
    64: "SVCB",
    65: "HTTPS",
    251: "IXFR",
    252: "AXFR",
    255: "ANY",
}
OPCODES: dict[int, str] = {0: "query", 1: "iquery", 2: "status", 4: "notify", 5: "update"}
RCODES: dict[int, str] = {
    0: "NoError",
    1: "FormErr",
    2: "ServFail",
    3: "NXDomain",
    4: "NotImp",
    5: "Refused",
}
# proto name by server port: RFC 1035 (53), RFC 6762 (5353), RFC 4795 (5355)
PROTO_BY_PORT: dict[int, str] = {53: "dns", 5353: "mdns", 5355: "llmnr"}


def type_name(code: int) -> str:
    return TYPES.get(code, f"unknown-{code}")


def opcode_name(code: int) -> str:
    return OPCODES.get(code, f"unknown-{code}")


def rcode_name(code: int) -> str:
    return RCODES.get(code, f"unknown-{code}")

"""Names of NetBIOS codes (RFC 1002 4.2.1.1, 4.4.1; MS-BRWS 2.2; MS-RAP SV_TYPE bits)."""

from __future__ import annotations

OPCODES: dict[int, str] = {
    0: "query",
    5: "registration",
    6: "release",
    7: "wack",
    8: "refresh",
    15: "multihomed",
}
RR_TYPES: dict[int, str] = {0x20: "NB", 0x21: "NBSTAT", 0x0A: "NULL", 0x01: "A", 0x02: "NS"}
DGM_TYPES: dict[int, str] = {
    0x10: "direct_unique",
    0x11: "direct_group",
    0x12: "broadcast",
    0x13: "error",
    0x14: "query_request",
    0x15: "positive_query_response",
    0x16: "negative_query_response",
}
BROWSER: dict[int, str] = {
    0x01: "Host Announcement",
    0x02: "Request Announcement",
    0x08: "Election Request",
    0x09: "Get Backup List Request",
    0x0A: "Get Backup List Response",
    0x0B: "Become Backup",
    0x0C: "Domain/Workgroup Announcement",
    0x0D: "Master Announcement",
    0x0E: "Reset Browser State Announcement",
    0x0F: "Local Master Announcement",
}
# server type bits worth a role (MS-RAP 2.5.5.2.1 SV_TYPE_*)
ROLES: dict[int, str] = {
    0x00000004: "sql_server",
    0x00000008: "domain_controller",
    0x00000010: "backup_domain_controller",
    0x00000020: "time_source",
    0x00000200: "print_server",
    0x00000400: "dialin_server",
    0x00008000: "nt_server",
    0x00001000: "nt_workstation",
    0x00040000: "master_browser",
}


def name_of(table: dict[int, str], code: int) -> str:
    return table.get(code, f"unknown-{code}")


def roles(server_type: int) -> str:
    return ",".join(name for bit, name in ROLES.items() if server_type & bit)

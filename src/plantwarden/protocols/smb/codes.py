"""Names of SMB commands (MS-CIFS 2.2.2.1, MS-SMB2 2.2.1.2)."""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

SMB1_COMMANDS: dict[int, str] = {
    0x04: "Close",
    0x06: "Delete",
    0x0A: "Read",
    0x0B: "Write",
    0x10: "Check Directory",
    0x24: "Locking AndX",
    0x25: "Trans",
    0x26: "Trans Secondary",
    0x2B: "Echo",
    0x2D: "Open AndX",
    0x2E: "Read AndX",
    0x2F: "Write AndX",
    0x32: "Trans2",
    0x34: "Find Close2",
    0x70: "Tree Connect",
    0x71: "Tree Disconnect",
    0x72: "Negotiate Protocol",
    0x73: "Session Setup AndX",
    0x74: "Logoff AndX",
    0x75: "Tree Connect AndX",
    0xA0: "NT Trans",
    0xA2: "NT Create AndX",
    0xA4: "NT Cancel",
}
SMB2_COMMANDS: dict[int, str] = {
    0: "NEGOTIATE",
    1: "SESSION_SETUP",
    2: "LOGOFF",
    3: "TREE_CONNECT",
    4: "TREE_DISCONNECT",
    5: "CREATE",
    6: "CLOSE",
    7: "FLUSH",
    8: "READ",
    9: "WRITE",
    10: "LOCK",
    11: "IOCTL",
    12: "CANCEL",
    13: "ECHO",
    14: "QUERY_DIRECTORY",
    15: "CHANGE_NOTIFY",
    16: "QUERY_INFO",
    17: "SET_INFO",
    18: "OPLOCK_BREAK",
}
SESSION_1 = frozenset({0x72, 0x73, 0x74, 0x75, 0x71, 0x70, 0x2B})
FILES_1 = frozenset({0x0A, 0x0B, 0x2E, 0x2F})
SESSION_2 = frozenset({0, 1, 2, 3, 4, 13})
FILES_2 = frozenset({8, 9})


def smb1_name(cmd: int) -> str:
    return SMB1_COMMANDS.get(cmd, f"unknown-{cmd}")


def smb2_name(cmd: int) -> str:
    return SMB2_COMMANDS.get(cmd, f"unknown-{cmd}")


def op_class(version: int, cmd: int) -> OpClass:
    session, files = (SESSION_1, FILES_1) if version == 1 else (SESSION_2, FILES_2)
    if cmd in session:
        return OpClass.SESSION
    return OpClass.FILE_TRANSFER if cmd in files else OpClass.OTHER

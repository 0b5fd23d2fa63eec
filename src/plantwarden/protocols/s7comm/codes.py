"""Names of S7comm, S7comm-plus and COTP codes.

S7comm has no public standard; the names follow Siemens' documentation of the S7
services (System Software for S7-300/400, System and Standard Functions: SZL lists) and
the names Wireshark's s7comm dissector uses, so a user can match plantwarden to tshark.
Unknown codes keep their number (``unknown-65``).
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

ROSCTR_NAMES: dict[int, str] = {1: "Job", 2: "Ack", 3: "Ack_Data", 7: "Userdata"}

# Job / Ack_Data parameter function codes.
FUNCTIONS: dict[int, tuple[str, OpClass]] = {
    0x00: ("CPU services", OpClass.DIAGNOSTICS),
    0xF0: ("Setup communication", OpClass.SESSION),
    0x04: ("Read Var", OpClass.READ),
    0x05: ("Write Var", OpClass.WRITE),
    0x1A: ("Request download", OpClass.PROGRAM_DOWNLOAD),
    0x1B: ("Download block", OpClass.PROGRAM_DOWNLOAD),
    0x1C: ("Download ended", OpClass.PROGRAM_DOWNLOAD),
    0x1D: ("Start upload", OpClass.PROGRAM_UPLOAD),
    0x1E: ("Upload", OpClass.PROGRAM_UPLOAD),
    0x1F: ("End upload", OpClass.PROGRAM_UPLOAD),
    0x28: ("PI-Service", OpClass.OTHER),
    0x29: ("PLC Stop", OpClass.MODE_CHANGE),
}

# Program invocation services (PI-Service parameter), with the operation they amount to.
PI_SERVICES: dict[str, tuple[str, OpClass]] = {
    "_INSE": ("activate downloaded block", OpClass.PROGRAM_DOWNLOAD),
    "_DELE": ("delete block", OpClass.PROGRAM_DOWNLOAD),
    "_MODU": ("copy RAM to ROM", OpClass.PROGRAM_DOWNLOAD),
    "_GARB": ("compress memory", OpClass.OTHER),
    "P_PROGRAM": ("start program (run)", OpClass.MODE_CHANGE),
    "_EXTERN": ("external event", OpClass.OTHER),
}

FUNCTION_GROUPS: dict[int, str] = {
    0: "mode transition", 1: "programmer commands", 2: "cyclic data", 3: "block functions",
    4: "CPU functions", 5: "security", 6: "PBC BSEND/BRECV", 7: "time functions",
    15: "NC programming",
}

_GROUP_CLASS: dict[int, OpClass] = {
    0: OpClass.MODE_CHANGE, 1: OpClass.DIAGNOSTICS, 2: OpClass.READ, 3: OpClass.DIAGNOSTICS,
    4: OpClass.DIAGNOSTICS, 5: OpClass.SESSION, 6: OpClass.IO_DATA, 7: OpClass.TIME_SYNC,
}

SUBFUNCTIONS: dict[tuple[int, int], str] = {
    (1, 0x01): "request diag data", (1, 0x02): "VarTab", (1, 0x0C): "read diag data",
    (1, 0x0E): "remove diag data", (1, 0x0F): "erase", (1, 0x10): "forces",
    (1, 0x13): "request diag data (type 2)",
    (2, 0x01): "cyclic memory", (2, 0x04): "unsubscribe", (2, 0x05): "cyclic memory 2",
    (3, 0x01): "list blocks", (3, 0x02): "list blocks of type", (3, 0x03): "get block info",
    (4, 0x01): "read SZL", (4, 0x02): "message service", (4, 0x03): "diagnostic message",
    (4, 0x05): "ALARM_8 indication", (4, 0x06): "NOTIFY indication", (4, 0x0B): "alarm ack",
    (4, 0x11): "ALARM_SQ indication", (4, 0x12): "ALARM_S indication", (4, 0x13): "alarm query",
    (5, 0x01): "PLC password", (5, 0x02): "clear PLC password",
    (7, 0x01): "read clock", (7, 0x02): "set clock", (7, 0x03): "read clock (following)",
    (7, 0x04): "set clock (UTC)",
}

# Programmer commands that change what the PLC does (forces, variable tables write).
_WRITE_SUBS = frozenset({(1, 0x02), (1, 0x10)})

BLOCK_TYPES: dict[str, str] = {
    "08": "OB", "0A": "DB", "0B": "SDB", "0C": "FC", "0D": "SFC", "0E": "FB", "0F": "SFB",
}
BLOCK_TYPES_UD: dict[int, str] = {0x38: "OB", 0x41: "DB", 0x42: "SDB", 0x43: "FC", 0x44: "SFC",
                                  0x45: "FB", 0x46: "SFB"}

AREAS: dict[int, str] = {
    0x03: "SYS200", 0x05: "SYSFLAGS200", 0x06: "AI200", 0x07: "AQ200", 0x1C: "C", 0x1D: "T",
    0x1E: "IEC_C", 0x1F: "IEC_T", 0x80: "P", 0x81: "I", 0x82: "Q", 0x83: "M", 0x84: "DB",
    0x85: "DI", 0x86: "L", 0x87: "V",
}

SZL_NAMES: dict[int, str] = {
    0x0000: "SZL list", 0x0011: "module identification", 0x0111: "module identification record",
    0x001C: "component identification", 0x011C: "component identification record",
    0x0424: "CPU mode", 0x0131: "communication capability", 0x0132: "communication status",
    0x0013: "memory areas", 0x0074: "status LEDs", 0x00A0: "diagnostic buffer",
}

# SZL 0x001C record indexes (component identification) -> Identity field.
COMPONENT_FIELDS: dict[int, str] = {
    1: "name", 2: "module_name", 3: "plant_id", 4: "copyright", 5: "serial",
    7: "module_type", 8: "memory_card_serial", 9: "vendor", 11: "location",
}

ERROR_CLASSES: dict[int, str] = {
    0x00: "no error", 0x81: "application relationship", 0x82: "object definition",
    0x83: "no resources", 0x84: "service processing", 0x85: "supplies", 0x87: "access",
}

COTP_TYPES: dict[int, str] = {
    0xE0: "CR", 0xD0: "CC", 0x80: "DR", 0xC0: "DC", 0xF0: "DT", 0x10: "ED", 0x60: "AK",
    0x20: "EA", 0x50: "RJ", 0x70: "ER",
}

PLUS_OPCODES: dict[int, str] = {0x31: "Request", 0x32: "Response", 0x33: "Notification",
                                0x02: "Response2"}
PLUS_FUNCTIONS: dict[int, tuple[str, OpClass]] = {
    0x04B1: ("Error", OpClass.OTHER),
    0x04BB: ("Explore", OpClass.DIAGNOSTICS),
    0x04CA: ("CreateObject", OpClass.SESSION),
    0x04D4: ("DeleteObject", OpClass.SESSION),
    0x04F2: ("SetVariable", OpClass.WRITE),
    0x04FC: ("GetVariable", OpClass.READ),
    0x0506: ("AddLink", OpClass.OTHER),
    0x051A: ("RemoveLink", OpClass.OTHER),
    0x0524: ("GetLink", OpClass.READ),
    0x0542: ("SetMultiVariables", OpClass.WRITE),
    0x054C: ("GetMultiVariables", OpClass.READ),
    0x0556: ("BeginSequence", OpClass.OTHER),
    0x0560: ("EndSequence", OpClass.OTHER),
    0x056B: ("Invoke", OpClass.OTHER),
    0x057C: ("SetVarSubStreamed", OpClass.WRITE),
    0x0586: ("GetVarSubStreamed", OpClass.READ),
    0x0590: ("GetVariablesAddress", OpClass.READ),
    0x059A: ("Abort", OpClass.SESSION),
}


def unknown(code: int) -> str:
    return f"unknown-{code}"


def userdata_name(group: int, sub: int) -> str:
    sub_name = SUBFUNCTIONS.get((group, sub)) or unknown(sub)
    return f"{FUNCTION_GROUPS.get(group) or unknown(group)}: {sub_name}"


def userdata_class(group: int, sub: int) -> OpClass:
    if (group, sub) in _WRITE_SUBS:
        return OpClass.WRITE
    if group == 7:
        return OpClass.TIME_SYNC
    return _GROUP_CLASS.get(group, OpClass.OTHER)

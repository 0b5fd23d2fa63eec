"""Names and operation classes of DNP3 codes (IEEE Std 1815-2012).

Link function codes: 9.2.4.1.3 (primary, Table 9-1; secondary, Table 9-2). Application
function codes: 4.2.2.5 (Table 4-1 / 4-2). Internal indications: 4.2.2.6. Object groups:
Annex A. Unknown codes keep their number (``unknown-65``).
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

LINK_PRIMARY: dict[int, str] = {
    0: "Reset Link States",
    1: "Reset User Process",
    2: "Test Link States",
    3: "Confirmed User Data",
    4: "Unconfirmed User Data",
    9: "Request Link Status",
}
LINK_SECONDARY: dict[int, str] = {
    0: "ACK",
    1: "NACK",
    11: "Link Status",
    14: "Link Service Not Functioning",
    15: "Link Service Not Used",
}

C, R, W = OpClass.SESSION, OpClass.READ, OpClass.WRITE
FILE, TIME, MODE = OpClass.FILE_TRANSFER, OpClass.TIME_SYNC, OpClass.MODE_CHANGE

# 4.2.2.5 application function codes: name and operation class.
FUNCTIONS: dict[int, tuple[str, OpClass]] = {
    0: ("Confirm", C),
    1: ("Read", R),
    2: ("Write", W),
    3: ("Select", W),
    4: ("Operate", W),
    5: ("Direct Operate", W),
    6: ("Direct Operate No Ack", W),
    7: ("Immediate Freeze", W),
    8: ("Immediate Freeze No Ack", W),
    9: ("Freeze and Clear", W),
    10: ("Freeze and Clear No Ack", W),
    11: ("Freeze at Time", W),
    12: ("Freeze at Time No Ack", W),
    13: ("Cold Restart", OpClass.RESTART),
    14: ("Warm Restart", OpClass.RESTART),
    15: ("Initialize Data", W),
    16: ("Initialize Application", MODE),
    17: ("Start Application", MODE),
    18: ("Stop Application", MODE),
    19: ("Save Configuration", W),
    20: ("Enable Unsolicited", C),
    21: ("Disable Unsolicited", C),
    22: ("Assign Class", W),
    23: ("Delay Measurement", TIME),
    24: ("Record Current Time", TIME),
    25: ("Open File", FILE),
    26: ("Close File", FILE),
    27: ("Delete File", FILE),
    28: ("Get File Info", FILE),
    29: ("Authenticate File", FILE),
    30: ("Abort File", FILE),
    31: ("Activate Configuration", OpClass.PROGRAM_DOWNLOAD),
    32: ("Authentication Request", C),
    33: ("Authentication Request No Ack", C),
    129: ("Response", R),
    130: ("Unsolicited Response", OpClass.IO_DATA),
    131: ("Authentication Response", C),
}

# 4.2.2.6 internal indications, (octet, bit) -> name; IIN1 is the first octet.
IIN_BITS: dict[tuple[int, int], str] = {
    (0, 0): "broadcast",
    (0, 1): "class_1_events",
    (0, 2): "class_2_events",
    (0, 3): "class_3_events",
    (0, 4): "need_time",
    (0, 5): "local_control",
    (0, 6): "device_trouble",
    (0, 7): "device_restart",
    (1, 0): "no_func_code_support",
    (1, 1): "object_unknown",
    (1, 2): "parameter_error",
    (1, 3): "event_buffer_overflow",
    (1, 4): "already_executing",
    (1, 5): "config_corrupt",
}

# Annex A object groups (the common ones).
GROUPS: dict[int, str] = {
    0: "Device Attributes",
    1: "Binary Input",
    2: "Binary Input Event",
    3: "Double-bit Binary Input",
    4: "Double-bit Binary Input Event",
    10: "Binary Output",
    11: "Binary Output Event",
    12: "Binary Output Command (CROB)",
    13: "Binary Output Command Event",
    20: "Counter",
    21: "Frozen Counter",
    22: "Counter Event",
    23: "Frozen Counter Event",
    30: "Analog Input",
    31: "Frozen Analog Input",
    32: "Analog Input Event",
    33: "Frozen Analog Input Event",
    34: "Analog Input Deadband",
    40: "Analog Output Status",
    41: "Analog Output",
    42: "Analog Output Event",
    43: "Analog Output Command Event",
    50: "Time and Date",
    51: "Time and Date CTO",
    52: "Time Delay",
    60: "Class Data",
    70: "File Control",
    80: "Internal Indications",
    110: "Octet String",
    111: "Octet String Event",
    112: "Virtual Terminal Output",
    113: "Virtual Terminal Event",
    120: "Authentication",
}

# 12.3 CROB control code, operation type (low nibble).
CROB_OPERATIONS: dict[int, str] = {0: "nul", 1: "pulse_on", 2: "pulse_off", 3: "latch_on", 4: "latch_off"}
CROB_TRIP_CLOSE: dict[int, str] = {0: "nul", 1: "close", 2: "trip"}


def function_name(code: int) -> str:
    known = FUNCTIONS.get(code)
    return known[0] if known is not None else f"unknown-{code}"


def function_class(code: int) -> OpClass:
    known = FUNCTIONS.get(code)
    return known[1] if known is not None else OpClass.OTHER


def link_name(primary: bool, code: int) -> str:
    table = LINK_PRIMARY if primary else LINK_SECONDARY
    return table.get(code, f"unknown-{code}")


def iin_names(iin1: int, iin2: int) -> list[str]:
    """Names of the IIN bits that are set (reserved bits keep their position)."""
    names = []
    for octet, value in ((0, iin1), (1, iin2)):
        for bit in range(8):
            if value >> bit & 1:
                names.append(IIN_BITS.get((octet, bit), f"iin{octet + 1}.{bit}"))
    return names


def group_name(group: int) -> str:
    return GROUPS.get(group, f"unknown-{group}")

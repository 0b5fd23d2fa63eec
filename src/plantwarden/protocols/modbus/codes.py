"""Names and operation classes of Modbus codes.

Sources: Modbus Application Protocol Specification V1.1b3, 5.1 (public function codes),
6.8 (diagnostics sub-functions), 6.21 (device identification objects), 7 (exception
codes), Annex A (reserved codes); Schneider UMAS (FC 90) sub-function names as published
by its reverse engineering (lirasenlared, "The Unity (UMAS) protocol", 2017).
Unknown codes keep their number (``unknown-65``); nothing is dropped.
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

R, W, D = OpClass.READ, OpClass.WRITE, OpClass.DIAGNOSTICS

# [MB-AP] 5.1 public function codes: name and operation class.
FUNCTIONS: dict[int, tuple[str, OpClass]] = {
    1: ("Read Coils", R),
    2: ("Read Discrete Inputs", R),
    3: ("Read Holding Registers", R),
    4: ("Read Input Registers", R),
    5: ("Write Single Coil", W),
    6: ("Write Single Register", W),
    7: ("Read Exception Status", D),
    8: ("Diagnostics", D),
    11: ("Get Comm Event Counter", D),
    12: ("Get Comm Event Log", D),
    15: ("Write Multiple Coils", W),
    16: ("Write Multiple Registers", W),
    17: ("Report Server ID", D),
    20: ("Read File Record", OpClass.FILE_TRANSFER),
    21: ("Write File Record", OpClass.FILE_TRANSFER),
    22: ("Mask Write Register", W),
    23: ("Read/Write Multiple Registers", W),
    24: ("Read FIFO Queue", R),
    43: ("Encapsulated Interface Transport", D),
    90: ("Schneider UMAS", OpClass.OTHER),
}

# [MB-AP] Annex A: codes reserved for legacy products (kept with their number).
RESERVED = frozenset({9, 10, 13, 14, 41, 42, 91, 125, 126, 127})
# [MB-AP] 5.1: user-defined function code ranges.
USER_DEFINED = frozenset(range(65, 73)) | frozenset(range(100, 111))

# [MB-AP] 7 exception codes.
EXCEPTIONS: dict[int, str] = {
    1: "Illegal Function",
    2: "Illegal Data Address",
    3: "Illegal Data Value",
    4: "Server Device Failure",
    5: "Acknowledge",
    6: "Server Device Busy",
    8: "Memory Parity Error",
    10: "Gateway Path Unavailable",
    11: "Gateway Target Device Failed to Respond",
}

# [MB-AP] 6.8.1 diagnostics sub-function codes (FC 8).
DIAGNOSTICS: dict[int, str] = {
    0: "Return Query Data",
    1: "Restart Communications Option",
    2: "Return Diagnostic Register",
    3: "Change ASCII Input Delimiter",
    4: "Force Listen Only Mode",
    10: "Clear Counters and Diagnostic Register",
    11: "Return Bus Message Count",
    12: "Return Bus Communication Error Count",
    13: "Return Bus Exception Error Count",
    14: "Return Server Message Count",
    15: "Return Server No Response Count",
    16: "Return Server NAK Count",
    17: "Return Server Busy Count",
    18: "Return Bus Character Overrun Count",
    20: "Clear Overrun Counter and Flag",
}
DIAGNOSTIC_CLASSES: dict[int, OpClass] = {1: OpClass.RESTART, 4: OpClass.MODE_CHANGE}

# [MB-AP] 6.19 MEI types of FC 43.
MEI_TYPES: dict[int, str] = {13: "CANopen General Reference", 14: "Read Device Identification"}

# [MB-AP] 6.21 Table "Object Id": basic and regular objects, and the Identity field each fills.
DEVICE_OBJECTS: dict[int, tuple[str, str]] = {
    0: ("VendorName", "vendor"),
    1: ("ProductCode", "order_number"),
    2: ("MajorMinorRevision", "firmware"),
    3: ("VendorUrl", "vendor_url"),
    4: ("ProductName", "product"),
    5: ("ModelName", "model"),
    6: ("UserApplicationName", "name"),
}

# Schneider UMAS (FC 90) function codes. "Upload" in Schneider's words copies a program
# from the engineering PC into the PLC: in plantwarden's terms that is a download.
UMAS: dict[int, tuple[str, OpClass]] = {
    0x01: ("INIT_COMM", OpClass.SESSION),
    0x02: ("READ_ID", D),
    0x03: ("READ_PROJECT_INFO", D),
    0x04: ("READ_PLC_INFO", D),
    0x06: ("READ_CARD_INFO", D),
    0x0A: ("REPEAT", OpClass.SESSION),
    0x10: ("TAKE_PLC_RESERVATION", OpClass.SESSION),
    0x11: ("RELEASE_PLC_RESERVATION", OpClass.SESSION),
    0x12: ("KEEP_ALIVE", OpClass.SESSION),
    0x20: ("READ_MEMORY_BLOCK", R),
    0x22: ("READ_VARIABLES", R),
    0x23: ("WRITE_VARIABLES", W),
    0x24: ("READ_COILS_REGISTERS", R),
    0x25: ("WRITE_COILS_REGISTERS", W),
    0x30: ("INITIALIZE_UPLOAD", OpClass.PROGRAM_DOWNLOAD),
    0x31: ("UPLOAD_BLOCK", OpClass.PROGRAM_DOWNLOAD),
    0x32: ("END_STRATEGY_UPLOAD", OpClass.PROGRAM_DOWNLOAD),
    0x33: ("INITIALIZE_DOWNLOAD", OpClass.PROGRAM_UPLOAD),
    0x34: ("DOWNLOAD_BLOCK", OpClass.PROGRAM_UPLOAD),
    0x35: ("END_STRATEGY_DOWNLOAD", OpClass.PROGRAM_UPLOAD),
    0x39: ("READ_ETH_MASTER_DATA", R),
    0x40: ("START_PLC", OpClass.MODE_CHANGE),
    0x41: ("STOP_PLC", OpClass.MODE_CHANGE),
    0x50: ("MONITOR_PLC", R),
    0x58: ("CHECK_PLC", D),
    0x70: ("READ_IO_OBJECT", R),
    0x71: ("WRITE_IO_OBJECT", W),
    0x73: ("GET_STATUS_MODULE", D),
}
UMAS_OK, UMAS_ERROR = 0xFE, 0xFD

READ_BITS = frozenset({1, 2})
READ_REGISTERS = frozenset({3, 4})
# [MB-AP] 6.1-6.4, 6.11, 6.12, 6.17: largest quantity each function allows.
MAX_QUANTITY: dict[int, int] = {1: 2000, 2: 2000, 3: 125, 4: 125, 15: 1968, 16: 123}
# Point table of each read/write function (PointValue.point = unit<u>/<table>/<address>).
TABLES: dict[int, str] = {
    1: "coil",
    2: "discrete-input",
    3: "holding",
    4: "input",
    5: "coil",
    6: "holding",
    15: "coil",
    16: "holding",
    22: "holding",
    23: "holding",
}


def function_name(fc: int) -> str:
    """Name of a function code (exception bit stripped); unknown codes keep their number."""
    known = FUNCTIONS.get(fc)
    if known is not None:
        return known[0]
    if fc in USER_DEFINED:
        return f"user-defined-{fc}"
    if fc in RESERVED:
        return f"reserved-{fc}"
    return f"unknown-{fc}"


def function_class(fc: int) -> OpClass:
    known = FUNCTIONS.get(fc)
    return known[1] if known is not None else OpClass.OTHER


def exception_name(code: int) -> str:
    return EXCEPTIONS.get(code, f"unknown-{code}")


def diagnostic_name(sub: int) -> str:
    return DIAGNOSTICS.get(sub, f"unknown-{sub}")


def umas_name(code: int) -> str:
    known = UMAS.get(code)
    return known[0] if known is not None else f"unknown-0x{code:02x}"

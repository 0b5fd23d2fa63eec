"""Names of PROFINET DCP codes (IEC 61158-6-10, 4.3: DCP; PROFINET spec "DCP" chapter).

Unknown codes keep their number (``unknown-9``).
"""

from __future__ import annotations

# IEC 61158-6-10, 4.3.1.3.1: FrameID values of the DCP real-time acyclic frames
FRAME_IDS: dict[int, str] = {
    0xFEFC: "Hello",
    0xFEFD: "Get/Set",
    0xFEFE: "Identify request",
    0xFEFF: "Identify response",
}

# 4.3.1.3.2 ServiceID
SERVICES: dict[int, str] = {3: "Get", 4: "Set", 5: "Identify", 6: "Hello"}

# 4.3.1.3.3 ServiceType: bit 0 response, bit 2 "request not supported"
SERVICE_TYPES: dict[int, str] = {0: "request", 1: "response success", 5: "response not supported"}

# 4.3.1.4 Option / Suboption
OPTIONS: dict[int, str] = {
    1: "IP",
    2: "Device properties",
    3: "DHCP",
    5: "Control",
    6: "Device initiative",
    0xFF: "All selector",
}

SUBOPTIONS: dict[tuple[int, int], str] = {
    (1, 1): "MAC address",
    (1, 2): "IP parameter",
    (1, 3): "Full IP suite",
    (2, 1): "Type of station",  # DeviceVendorValue (manufacturer specific)
    (2, 2): "Name of station",
    (2, 3): "Device ID",
    (2, 4): "Device role",
    (2, 5): "Device options",
    (2, 6): "Alias name",
    (2, 7): "Device instance",
    (2, 8): "OEM device ID",
    (5, 1): "Start transaction",
    (5, 2): "End transaction",
    (5, 3): "Signal",
    (5, 4): "Response",
    (5, 5): "Reset factory settings",
    (5, 6): "Reset to factory",
    (6, 1): "Device initiative",
    (0xFF, 0xFF): "All",
}

# 4.3.1.4.x BlockError of a Control/Response block
BLOCK_ERRORS: dict[int, str] = {
    0: "no error",
    1: "option not supported",
    2: "suboption not supported or no dataset available",
    3: "suboption not set",
    4: "resource error",
    5: "set not possible by local reasons",
    6: "in operation, set not possible",
}

DEVICE_ROLES: dict[int, str] = {1: "IO-Device", 2: "IO-Controller", 4: "IO-Multidevice", 8: "IO-Supervisor"}


def suboption_name(option: int, suboption: int) -> str:
    return SUBOPTIONS.get((option, suboption), f"unknown-{option}/{suboption}")

"""Names and operation classes of CIP services, classes and statuses (ODVA CIP Vol 1).

A CIP service code means different things on different objects (0x52 is Unconnected Send on
the Connection Manager and Read Tag Fragmented on a Logix tag), so services are looked up
per object family. Unknown codes keep their number (``unknown-0x5f``).
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass

R, W, D = OpClass.READ, OpClass.WRITE, OpClass.DIAGNOSTICS

# Vol 1, Appendix A-3 (Table ): common services
COMMON: dict[int, tuple[str, OpClass]] = {
    0x01: ("Get_Attributes_All", R),
    0x02: ("Set_Attributes_All", W),
    0x03: ("Get_Attribute_List", R),
    0x04: ("Set_Attribute_List", W),
    0x05: ("Reset", OpClass.RESTART),
    0x06: ("Start", OpClass.MODE_CHANGE),
    0x07: ("Stop", OpClass.MODE_CHANGE),
    0x08: ("Create", W),
    0x09: ("Delete", W),
    0x0A: ("Multiple_Service_Packet", OpClass.OTHER),
    0x0D: ("Apply_Attributes", W),
    0x0E: ("Get_Attribute_Single", R),
    0x10: ("Set_Attribute_Single", W),
    0x11: ("Find_Next_Object_Instance", R),
    0x14: ("Error_Response", OpClass.OTHER),
    0x15: ("Restore", W),
    0x16: ("Save", W),
    0x17: ("No_Operation", OpClass.SESSION),
    0x18: ("Get_Member", R),
    0x19: ("Set_Member", W),
    0x1A: ("Insert_Member", W),
    0x1B: ("Remove_Member", W),
    0x1C: ("GroupSync", OpClass.SESSION),
}

# Vol 1, 3-5.5 (Table 3-5.4): Connection Manager (class 0x06) object-specific services
CONNECTION_MANAGER: dict[int, tuple[str, OpClass]] = {
    0x4E: ("Forward_Close", OpClass.SESSION),
    0x52: ("Unconnected_Send", OpClass.OTHER),
    0x54: ("Forward_Open", OpClass.SESSION),
    0x56: ("Get_Connection_Data", D),
    0x57: ("Search_Connection_Data", D),
    0x5A: ("Get_Connection_Owner", D),
    0x5B: ("Large_Forward_Open", OpClass.SESSION),
}

# Rockwell Logix 5000 Data Access (publication 1756-PM020): services on symbolic tag paths
LOGIX: dict[int, tuple[str, OpClass]] = {
    0x4C: ("Read_Tag", R),
    0x4D: ("Write_Tag", W),
    0x4E: ("Read_Modify_Write_Tag", W),
    0x52: ("Read_Tag_Fragmented", R),
    0x53: ("Write_Tag_Fragmented", W),
    0x55: ("Get_Instance_Attribute_List", R),
}

# Vol 1, 5-42 (File object, class 0x37) object-specific services
FILE_OBJECT: dict[int, tuple[str, OpClass]] = {
    0x4B: ("Initiate_Upload", OpClass.FILE_TRANSFER),
    0x4C: ("Initiate_Download", OpClass.FILE_TRANSFER),
    0x4D: ("Initiate_Partial_Read", OpClass.FILE_TRANSFER),
    0x4E: ("Initiate_Partial_Write", OpClass.FILE_TRANSFER),
    0x4F: ("Upload_Transfer", OpClass.FILE_TRANSFER),
    0x50: ("Download_Transfer", OpClass.FILE_TRANSFER),
    0x51: ("Clear_File", OpClass.FILE_TRANSFER),
}

CLASS_IDENTITY = 0x01
CLASS_MESSAGE_ROUTER = 0x02
CLASS_CONNECTION_MANAGER = 0x06
CLASS_FILE = 0x37
LOGIX_CLASSES = frozenset({0x6B, 0x6C, 0x6D})  # Symbol, Template, Program (1756-PM020)

# Vol 1, 5 / Appendix: object class names
CLASSES: dict[int, str] = {
    0x01: "Identity",
    0x02: "Message Router",
    0x03: "DeviceNet",
    0x04: "Assembly",
    0x05: "Connection",
    0x06: "Connection Manager",
    0x07: "Register",
    0x08: "Discrete Input Point",
    0x09: "Discrete Output Point",
    0x0A: "Analog Input Point",
    0x0B: "Analog Output Point",
    0x0F: "Parameter",
    0x10: "Parameter Group",
    0x2B: "Acknowledge Handler",
    0x37: "File",
    0x48: "Time Sync",
    0x67: "PCCC",
    0x6B: "Symbol",
    0x6C: "Template",
    0xAC: "Controller info (Rockwell)",
    0xF4: "Port",
    0xF5: "TCP/IP Interface",
    0xF6: "Ethernet Link",
}

# Vol 1, Appendix B-1 (Table B-1.1): general status codes
GENERAL_STATUS: dict[int, str] = {
    0x00: "Success",
    0x01: "Connection failure",
    0x02: "Resource unavailable",
    0x03: "Invalid parameter value",
    0x04: "Path segment error",
    0x05: "Path destination unknown",
    0x06: "Partial transfer",
    0x07: "Connection lost",
    0x08: "Service not supported",
    0x09: "Invalid attribute value",
    0x0A: "Attribute list error",
    0x0B: "Already in requested mode/state",
    0x0C: "Object state conflict",
    0x0D: "Object already exists",
    0x0E: "Attribute not settable",
    0x0F: "Privilege violation",
    0x10: "Device state conflict",
    0x11: "Reply data too large",
    0x12: "Fragmentation of a primitive value",
    0x13: "Not enough data",
    0x14: "Attribute not supported",
    0x15: "Too much data",
    0x16: "Object does not exist",
    0x17: "Service fragmentation sequence not in progress",
    0x18: "No stored attribute data",
    0x19: "Store operation failure",
    0x1A: "Routing failure, request packet too large",
    0x1B: "Routing failure, response packet too large",
    0x1C: "Missing attribute list entry data",
    0x1D: "Invalid attribute value list",
    0x1E: "Embedded service error",
    0x1F: "Vendor specific error",
    0x20: "Invalid parameter",
    0x21: "Write-once value or medium already written",
    0x22: "Invalid reply received",
    0x25: "Key failure in path",
    0x26: "Path size invalid",
    0x27: "Unexpected attribute in list",
    0x28: "Invalid member ID",
    0x29: "Member not settable",
    0x2A: "Group 2 only server general failure",
    0x2B: "Unknown Modbus error",
    0x2C: "Attribute not gettable",
}

# Logix atomic data types (1756-PM020, "CIP Data Types"): name, byte size, struct format
DATA_TYPES: dict[int, tuple[str, int, str]] = {
    0xC1: ("BOOL", 1, "<B"),
    0xC2: ("SINT", 1, "<b"),
    0xC3: ("INT", 2, "<h"),
    0xC4: ("DINT", 4, "<i"),
    0xC5: ("LINT", 8, "<q"),
    0xC6: ("USINT", 1, "<B"),
    0xC7: ("UINT", 2, "<H"),
    0xC8: ("UDINT", 4, "<I"),
    0xC9: ("ULINT", 8, "<Q"),
    0xCA: ("REAL", 4, "<f"),
    0xCB: ("LREAL", 8, "<d"),
    0xD1: ("BYTE", 1, "<B"),
    0xD2: ("WORD", 2, "<H"),
    0xD3: ("DWORD", 4, "<I"),
}


def status_name(status: int) -> str:
    """Name of a general status code, or ``unknown-0x..``."""
    return GENERAL_STATUS.get(status, f"unknown-0x{status:02x}")


def class_name(class_id: int) -> str:
    return CLASSES.get(class_id, f"unknown-0x{class_id:02x}")

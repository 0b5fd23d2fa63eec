"""Names of EtherNet/IP encapsulation codes (ODVA CIP Vol 2, chapter 2) and identity values.

Unknown codes keep their number (``unknown-0x0099``): :func:`name_of` never drops a value.
"""

from __future__ import annotations

# Vol 2, 2-3.2: encapsulation commands
COMMANDS: dict[int, str] = {
    0x0000: "NOP",
    0x0001: "Legacy 0x0001",
    0x0004: "List Services",
    0x0063: "List Identity",
    0x0064: "List Interfaces",
    0x0065: "Register Session",
    0x0066: "Unregister Session",
    0x006F: "Send RR Data",
    0x0070: "Send Unit Data",
    0x0072: "Indicate Status",
    0x0073: "Cancel",
}

# Vol 2, 2-3.3: encapsulation status
STATUS: dict[int, str] = {
    0x0000: "success",
    0x0001: "invalid or unsupported command",
    0x0002: "insufficient memory",
    0x0003: "incorrect data",
    0x0064: "invalid session handle",
    0x0065: "invalid length",
    0x0069: "unsupported protocol revision",
    0x006A: "encapsulated CIP service not allowed on this port",
}

# Vol 2, 2-6.1: Common Packet Format item type ids
CPF_ITEMS: dict[int, str] = {
    0x0000: "Null Address",
    0x000C: "CIP Identity",
    0x0086: "CIP Security Information",
    0x0087: "EtherNet/IP Capability",
    0x0088: "EtherNet/IP Usage",
    0x00A1: "Connected Address",
    0x00B1: "Connected Data",
    0x00B2: "Unconnected Data",
    0x0100: "List Services Response",
    0x8000: "Sockaddr Info O->T",
    0x8001: "Sockaddr Info T->O",
    0x8002: "Sequenced Address",
}

# ODVA vendor id list (CIP Vol 1, 5A-2.1 attribute 1): the vendors met most often on plant floors
VENDORS: dict[int, str] = {
    1: "Rockwell Automation/Allen-Bradley",
    2: "Namco Controls",
    3: "Honeywell",
    5: "Rockwell Automation/Reliance Electric",
    7: "SMC",
    8: "Molex",
    26: "Festo",
    40: "WAGO",
    43: "Balluff",
    44: "Yaskawa Electric America",
    46: "ABB Industrial Systems",
    47: "Omron",
    48: "Turck",
    56: "Softing",
    57: "Pepperl+Fuchs",
    68: "Eaton Electrical",
    82: "Mitsubishi Electric Automation",
    83: "Opto 22",
    90: "HMS Industrial Networks",
    108: "Beckhoff Automation",
    109: "National Instruments",
    121: "KUKA Roboter",
    145: "Siemens Energy & Automation/Drives",
    161: "Mitsubishi Electric",
    176: "Red Lion Controls",
    181: "Pilz",
    243: "Schneider Automation",
    250: "Yokogawa Electric",
    252: "Omron Software",
    255: "Bosch Rexroth",
    283: "Hilscher",
    309: "ProSoft Technology",
    315: "SEW-Eurodrive",
    322: "ifm efector",
    326: "GE Fanuc Automation",
    345: "Endress+Hauser",
    356: "Fanuc Robotics America",
    367: "Keyence",
}

# CIP Vol 1, 6-42 (device profiles): Identity object attribute 2 "Device Type"
DEVICE_TYPES: dict[int, str] = {
    0x00: "Generic Device (deprecated)",
    0x02: "AC Drive",
    0x03: "Motor Overload",
    0x04: "Limit Switch",
    0x05: "Inductive Proximity Switch",
    0x06: "Photoelectric Sensor",
    0x07: "General Purpose Discrete I/O",
    0x09: "Resolver",
    0x0C: "Communications Adapter",
    0x0E: "Programmable Logic Controller",
    0x10: "Position Controller",
    0x13: "DC Drive",
    0x15: "Contactor",
    0x16: "Motor Starter",
    0x17: "Soft Start",
    0x18: "Human-Machine Interface",
    0x1A: "Mass Flow Controller",
    0x1B: "Pneumatic Valve",
    0x1C: "Vacuum Pressure Gauge",
    0x1D: "Process Control Value",
    0x1E: "Residual Gas Analyzer",
    0x1F: "DC Power Generator",
    0x20: "RF Power Generator",
    0x21: "Turbomolecular Vacuum Pump",
    0x22: "Encoder",
    0x23: "Safety Discrete I/O Device",
    0x24: "Fluid Flow Controller",
    0x25: "CIP Motion Drive",
    0x26: "CompoNet Repeater",
    0x27: "Mass Flow Controller, Enhanced",
    0x28: "CIP Modbus Device",
    0x29: "CIP Modbus Translator",
    0x2A: "Safety Analog I/O Device",
    0x2B: "Generic Device (keyable)",
    0x2C: "Managed Ethernet Switch",
    0x32: "ControlNet Physical Layer Component",
}


def name_of(table: dict[int, str], value: int, width: int = 4) -> str:
    """The name of ``value`` in ``table``, or ``unknown-0x..`` keeping the number."""
    name = table.get(value)
    return name if name is not None else f"unknown-0x{value:0{width}x}"

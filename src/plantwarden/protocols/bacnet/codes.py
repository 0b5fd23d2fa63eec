"""Names of BACnet codes (ANSI/ASHRAE 135) and the operation class of each service.

Unknown numbers keep their number: ``name(TABLE, 65)`` gives ``unknown-65``.
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass


def name(table: dict[int, str], code: int) -> str:
    """The name of ``code`` in ``table``, or ``unknown-<code>``."""
    found = table.get(code)
    return found if found is not None else f"unknown-{code}"


# Annex J.2, Table J-1: BVLC functions of BACnet/IP
BVLC_FUNCTION: dict[int, str] = {
    0x00: "BVLC-Result", 0x01: "Write-Broadcast-Distribution-Table",
    0x02: "Read-Broadcast-Distribution-Table", 0x03: "Read-Broadcast-Distribution-Table-Ack",
    0x04: "Forwarded-NPDU", 0x05: "Register-Foreign-Device", 0x06: "Read-Foreign-Device-Table",
    0x07: "Read-Foreign-Device-Table-Ack", 0x08: "Delete-Foreign-Device-Table-Entry",
    0x09: "Distribute-Broadcast-To-Network", 0x0A: "Original-Unicast-NPDU",
    0x0B: "Original-Broadcast-NPDU", 0x0C: "Secure-BVLL",
}

# Annex J.2.1.1: BVLC-Result codes
BVLC_RESULT: dict[int, str] = {
    0x00: "successful-completion", 0x10: "write-bdt-nak", 0x20: "read-bdt-nak",
    0x30: "register-foreign-device-nak", 0x40: "read-fdt-nak", 0x50: "delete-fdt-entry-nak",
    0x60: "distribute-broadcast-to-network-nak",
}

BVLC_CLASS: dict[int, OpClass] = {
    0x00: OpClass.SESSION, 0x01: OpClass.WRITE, 0x02: OpClass.DIAGNOSTICS, 0x03: OpClass.DIAGNOSTICS,
    0x05: OpClass.SESSION, 0x06: OpClass.DIAGNOSTICS, 0x07: OpClass.DIAGNOSTICS, 0x08: OpClass.WRITE,
    0x0C: OpClass.SESSION,
}

# Clause 6.2.4: network layer message types
NETWORK_MESSAGE: dict[int, str] = {
    0x00: "Who-Is-Router-To-Network", 0x01: "I-Am-Router-To-Network", 0x02: "I-Could-Be-Router-To-Network",
    0x03: "Reject-Message-To-Network", 0x04: "Router-Busy-To-Network", 0x05: "Router-Available-To-Network",
    0x06: "Initialize-Routing-Table", 0x07: "Initialize-Routing-Table-Ack",
    0x08: "Establish-Connection-To-Network", 0x09: "Disconnect-Connection-To-Network",
    0x0A: "Challenge-Request", 0x0B: "Security-Payload", 0x0C: "Security-Response",
    0x0D: "Request-Key-Update", 0x0E: "Update-Key-Set", 0x0F: "Update-Distribution-Key",
    0x10: "Request-Master-Key", 0x11: "Set-Master-Key", 0x12: "What-Is-Network-Number",
    0x13: "Network-Number-Is",
}

NETWORK_CLASS: dict[int, OpClass] = {0x06: OpClass.WRITE, 0x11: OpClass.WRITE, 0x0E: OpClass.WRITE}

# Clause 20.1.1: BACnet-PDU types
APDU_TYPE: dict[int, str] = {
    0: "Confirmed-REQ", 1: "Unconfirmed-REQ", 2: "Simple-ACK", 3: "Complex-ACK",
    4: "Segment-ACK", 5: "Error", 6: "Reject", 7: "Abort",
}

# Clause 21: BACnetConfirmedServiceChoice
CONFIRMED_SERVICE: dict[int, str] = {
    0: "acknowledgeAlarm", 1: "confirmedCOVNotification", 2: "confirmedEventNotification",
    3: "getAlarmSummary", 4: "getEnrollmentSummary", 5: "subscribeCOV", 6: "atomicReadFile",
    7: "atomicWriteFile", 8: "addListElement", 9: "removeListElement", 10: "createObject",
    11: "deleteObject", 12: "readProperty", 13: "readPropertyConditional", 14: "readPropertyMultiple",
    15: "writeProperty", 16: "writePropertyMultiple", 17: "deviceCommunicationControl",
    18: "confirmedPrivateTransfer", 19: "confirmedTextMessage", 20: "reinitializeDevice", 21: "vtOpen",
    22: "vtClose", 23: "vtData", 24: "authenticate", 25: "requestKey", 26: "readRange",
    27: "lifeSafetyOperation", 28: "subscribeCOVProperty", 29: "getEventInformation",
    30: "subscribeCOVPropertyMultiple", 31: "confirmedCOVNotificationMultiple",
    32: "confirmedAuditNotification", 33: "auditLogQuery",
}

# Clause 21: BACnetUnconfirmedServiceChoice
UNCONFIRMED_SERVICE: dict[int, str] = {
    0: "i-Am", 1: "i-Have", 2: "unconfirmedCOVNotification", 3: "unconfirmedEventNotification",
    4: "unconfirmedPrivateTransfer", 5: "unconfirmedTextMessage", 6: "timeSynchronization", 7: "who-Has",
    8: "who-Is", 9: "utcTimeSynchronization", 10: "writeGroup", 11: "unconfirmedCOVNotificationMultiple",
    12: "unconfirmedAuditNotification", 13: "who-Am-I", 14: "you-Are",
}

_R, _W, _D, _IO = OpClass.READ, OpClass.WRITE, OpClass.DIAGNOSTICS, OpClass.IO_DATA
CONFIRMED_CLASS: dict[int, OpClass] = {
    0: OpClass.OTHER, 1: _IO, 2: _IO, 3: _D, 4: _D, 5: _IO, 6: OpClass.FILE_TRANSFER,
    7: OpClass.FILE_TRANSFER, 8: _W, 9: _W, 10: _W, 11: _W, 12: _R, 13: _R, 14: _R, 15: _W, 16: _W,
    17: OpClass.MODE_CHANGE, 18: OpClass.OTHER, 19: OpClass.OTHER, 20: OpClass.RESTART,
    21: OpClass.SESSION, 22: OpClass.SESSION, 23: OpClass.SESSION, 24: OpClass.SESSION,
    25: OpClass.SESSION, 26: _R, 27: _W, 28: _IO, 29: _D, 30: _IO, 31: _IO, 32: _D, 33: _R,
}
UNCONFIRMED_CLASS: dict[int, OpClass] = {
    0: _D, 1: _D, 2: _IO, 3: _IO, 4: OpClass.OTHER, 5: OpClass.OTHER, 6: OpClass.TIME_SYNC, 7: _D,
    8: _D, 9: OpClass.TIME_SYNC, 10: _W, 11: _IO, 12: _D, 13: _D, 14: _W,
}

# Clause 18: error classes
ERROR_CLASS: dict[int, str] = {
    0: "device", 1: "object", 2: "property", 3: "resources", 4: "security", 5: "services", 6: "vt",
    7: "communication",
}

# Clause 18.8: reject reasons
REJECT_REASON: dict[int, str] = {
    0: "other", 1: "buffer-overflow", 2: "inconsistent-parameters", 3: "invalid-parameter-data-type",
    4: "invalid-tag", 5: "missing-required-parameter", 6: "parameter-out-of-range", 7: "too-many-arguments",
    8: "undefined-enumeration", 9: "unrecognized-service", 10: "invalid-data-encoding",
}

# Clause 18.9: abort reasons
ABORT_REASON: dict[int, str] = {
    0: "other", 1: "buffer-overflow", 2: "invalid-apdu-in-this-state", 3: "preempted-by-higher-priority-task",
    4: "segmentation-not-supported", 5: "security-error", 6: "insufficient-security",
    7: "window-size-out-of-range", 8: "application-exceeded-reply-time", 9: "out-of-resources",
    10: "tsm-timeout", 11: "apdu-too-long",
}

# Clause 16.4.1.1.1: ReinitializeDevice reinitializedStateOfDevice
REINIT_STATE: dict[int, str] = {
    0: "coldstart", 1: "warmstart", 2: "start-backup", 3: "end-backup", 4: "start-restore",
    5: "end-restore", 6: "abort-restore", 7: "activate-changes",
}

# Clause 16.1.1.1.2: DeviceCommunicationControl enable-disable
DCC_MODE: dict[int, str] = {0: "enable", 1: "disable", 2: "disable-initiation"}

# Clause 21: BACnetSegmentation
SEGMENTATION: dict[int, str] = {
    0: "segmented-both", 1: "segmented-transmit", 2: "segmented-receive", 3: "no-segmentation",
}

# Device object properties that describe the device (clause 12.11) -> Identity field
IDENTITY_PROPERTY: dict[int, str] = {
    77: "name", 70: "model", 44: "firmware", 12: "software", 121: "vendor", 120: "vendor_id",
    28: "description", 58: "location", 112: "system_status",
}

PRESENT_VALUE = 85
DEVICE_TYPE = 8

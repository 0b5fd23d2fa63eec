"""Names of OPC UA codes and the operation class of each service (OPC 10000-4, 10000-6).

Unknown numbers keep their number (``unknown-65``).
"""

from __future__ import annotations

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.opcua.nodeids import SERVICE


def name(table: dict[int, str], code: int) -> str:
    found = table.get(code)
    return found if found is not None else f"unknown-{code}"


# OPC 10000-6 7.1.2.2: message types of UA Connection Protocol / UA Secure Conversation
MESSAGE_TYPE: dict[bytes, str] = {
    b"HEL": "Hello", b"ACK": "Acknowledge", b"ERR": "Error", b"RHE": "ReverseHello",
    b"MSG": "Message", b"OPN": "OpenSecureChannel", b"CLO": "CloseSecureChannel",
}
MESSAGE_CLASS: dict[bytes, OpClass] = {
    b"HEL": OpClass.SESSION, b"ACK": OpClass.SESSION, b"ERR": OpClass.SESSION, b"RHE": OpClass.SESSION,
    b"OPN": OpClass.SESSION, b"CLO": OpClass.SESSION,
}
CHUNK_TYPE: dict[int, str] = {0x46: "final", 0x43: "intermediate", 0x41: "abort"}  # F, C, A

# OPC 10000-7 security policy URIs -> short names
POLICY_PREFIX = "http://opcfoundation.org/UA/SecurityPolicy#"
POLICY: dict[str, str] = {
    POLICY_PREFIX + p: p
    for p in ("None", "Basic128Rsa15", "Basic256", "Basic256Sha256", "Aes128_Sha256_RsaOaep",
              "Aes256_Sha256_RsaPss")
}

# OPC 10000-4 7.20 MessageSecurityMode
SECURITY_MODE: dict[int, str] = {0: "Invalid", 1: "None", 2: "Sign", 3: "SignAndEncrypt"}

# OPC 10000-4 7.43 UserTokenType
USER_TOKEN_TYPE: dict[int, str] = {0: "Anonymous", 1: "UserName", 2: "Certificate", 3: "IssuedToken"}

# OPC 10000-4 7.1 ApplicationType
APPLICATION_TYPE: dict[int, str] = {0: "Server", 1: "Client", 2: "ClientAndServer", 3: "DiscoveryServer"}

# OPC 10000-4 7.39 / 10000-6 A.2: status codes an ERR message or a fault commonly carries
STATUS: dict[int, str] = {
    0x00000000: "Good", 0x80010000: "BadUnexpectedError", 0x80020000: "BadInternalError",
    0x80030000: "BadOutOfMemory", 0x80040000: "BadResourceUnavailable", 0x80050000: "BadCommunicationError",
    0x80060000: "BadEncodingError", 0x80070000: "BadDecodingError", 0x80080000: "BadEncodingLimitsExceeded",
    0x80090000: "BadRequestTooLarge", 0x800A0000: "BadResponseTooLarge", 0x800B0000: "BadUnknownResponse",
    0x800C0000: "BadTimeout", 0x800D0000: "BadServiceUnsupported", 0x800E0000: "BadShutdown",
    0x800F0000: "BadServerNotConnected", 0x80100000: "BadServerHalted", 0x80110000: "BadNothingToDo",
    0x80130000: "BadCertificateInvalid", 0x80140000: "BadSecurityChecksFailed",
    0x801F0000: "BadIdentityTokenInvalid", 0x80200000: "BadIdentityTokenRejected",
    0x80210000: "BadSecureChannelIdInvalid", 0x80220000: "BadInvalidTimestamp", 0x80230000: "BadNonceInvalid",
    0x80240000: "BadSessionIdInvalid", 0x80250000: "BadSessionClosed", 0x80260000: "BadSessionNotActivated",
    0x80270000: "BadSubscriptionIdInvalid", 0x80330000: "BadNodeIdUnknown",
    0x80340000: "BadNodeIdInvalid", 0x80350000: "BadAttributeIdInvalid", 0x803A0000: "BadUserAccessDenied",
    0x80560000: "BadTooManyOperations", 0x807C0000: "BadTcpMessageTypeInvalid",
    0x807D0000: "BadTcpSecureChannelUnknown", 0x807E0000: "BadTcpMessageTooLarge",
    0x807F0000: "BadTcpNotEnoughResources", 0x80800000: "BadTcpInternalError",
    0x80810000: "BadTcpEndpointUrlInvalid", 0x80820000: "BadRequestInterrupted",
    0x80830000: "BadRequestTimeout",
    0x80840000: "BadSecureChannelClosed", 0x80850000: "BadSecureChannelTokenUnknown",
    0x80860000: "BadSequenceNumberInvalid", 0x80BE0000: "BadProtocolVersionUnsupported",
    0x80AB0000: "BadTooManySessions", 0x80E50000: "BadSecurityPolicyRejected",
    0x80E60000: "BadSecurityModeRejected", 0x80750000: "BadMethodInvalid", 0x80760000: "BadArgumentsMissing",
}

_CLASS_OF_SERVICE: dict[OpClass, tuple[str, ...]] = {
    OpClass.READ: ("Read", "HistoryRead", "Browse", "BrowseNext", "TranslateBrowsePathsToNodeIds",
                   "QueryFirst", "QueryNext", "RegisterNodes", "UnregisterNodes"),
    OpClass.WRITE: ("Write", "HistoryUpdate", "AddNodes", "AddReferences", "DeleteNodes", "DeleteReferences"),
    OpClass.SESSION: ("CreateSession", "ActivateSession", "CloseSession", "Cancel", "OpenSecureChannel",
                      "CloseSecureChannel"),
    OpClass.IO_DATA: ("CreateSubscription", "ModifySubscription", "SetPublishingMode", "Publish",
                      "Republish", "TransferSubscriptions", "DeleteSubscriptions", "CreateMonitoredItems",
                      "ModifyMonitoredItems", "SetMonitoringMode", "SetTriggering", "DeleteMonitoredItems"),
    OpClass.DIAGNOSTICS: ("GetEndpoints", "FindServers", "FindServersOnNetwork", "RegisterServer",
                          "RegisterServer2"),
}
_BY_NAME = {svc: cls for cls, names in _CLASS_OF_SERVICE.items() for svc in names}


def _base(service: str) -> str:
    for suffix in ("Request", "Response"):
        if service.endswith(suffix):
            return service[: -len(suffix)]
    return service


# service encoding id -> (name, op class, request?); Call and ServiceFault are "other"
SERVICE_INFO: dict[int, tuple[str, OpClass, bool | None]] = {
    sid: (svc, _BY_NAME.get(_base(svc), OpClass.OTHER),
          True if svc.endswith("Request") else False if svc.endswith("Response") else None)
    for sid, svc in SERVICE.items()
}

ATTRIBUTE_VALUE = 13  # OPC 10000-6 A.1 AttributeId Value

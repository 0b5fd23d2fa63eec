"""OPC UA service bodies (OPC 10000-4 clause 5, encoded per OPC 10000-6 5.2) -> details.

Only the cheap, useful parts are read: application descriptions (identity), endpoints
(security modes and policies), the user identity token, node ids of Read / Write /
Browse / Call and simple written or read values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from plantwarden.protocols.opcua.codes import (
    APPLICATION_TYPE,
    ATTRIBUTE_VALUE,
    POLICY,
    SECURITY_MODE,
    name,
)
from plantwarden.protocols.opcua.nodeids import IDENTITY_TOKEN
from plantwarden.protocols.opcua.wire import Reader, WireError

MAX_LISTED = 32


@dataclass(slots=True)
class Decoded:
    details: dict[str, object] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    points: list[tuple[str, object]] = field(default_factory=list)  # (node id, value)
    read_nodes: list[str | None] = field(default_factory=list)  # ReadRequest, for pairing


def application(r: Reader) -> dict[str, str]:
    """OPC 10000-4 7.2 ApplicationDescription."""
    uri, product, app_name = r.string(), r.string(), r.localized_text()
    app_type = r.u32()
    r.string()
    r.string()
    for _ in range(r.count()):
        r.string()
    found = {"application_uri": uri, "product_uri": product, "name": app_name,
             "application_type": name(APPLICATION_TYPE, app_type)}
    return {k: v for k, v in found.items() if v}


def endpoints(r: Reader, out: Decoded) -> None:
    """OPC 10000-4 7.14 EndpointDescription[]: URL, server, certificate, mode, policy, tokens."""
    listed: list[dict[str, object]] = []
    for _ in range(r.count()):
        url = r.string()
        out.identity.update(application(r))
        r.bytestring()
        mode, policy = r.u32(), r.string() or ""
        for _ in range(r.count()):  # UserTokenPolicy
            r.string()
            r.u32()
            r.string()
            r.string()
            r.string()
        r.string()
        r.u8()
        if len(listed) < MAX_LISTED:
            listed.append({"url": url, "security_mode": name(SECURITY_MODE, mode),
                           "security_policy": POLICY.get(policy, policy)})
    out.details["endpoints"] = listed


def create_session(r: Reader, out: Decoded) -> None:
    """5.6.2 CreateSession request: RequestHeader, ClientDescription, ServerUri, EndpointUrl,
    SessionName."""
    r.request_header()
    out.identity.update(application(r))
    r.string()
    out.details["endpoint_url"] = r.string()
    out.details["session_name"] = r.string()


def create_session_response(r: Reader, out: Decoded) -> None:
    """5.6.2 CreateSession response: header, SessionId, AuthenticationToken, timeout, nonce,
    ServerCertificate, ServerEndpoints."""
    out.details["service_result"] = r.response_header()
    out.details["session_id"] = r.nodeid()
    r.nodeid()
    r.skip(8)
    r.bytestring()
    r.bytestring()
    endpoints(r, out)


def get_endpoints_response(r: Reader, out: Decoded) -> None:
    """5.4.4 GetEndpoints response: header, Endpoints."""
    out.details["service_result"] = r.response_header()
    endpoints(r, out)


def get_endpoints(r: Reader, out: Decoded) -> None:
    """5.4.4 GetEndpoints request: header, EndpointUrl."""
    r.request_header()
    out.details["endpoint_url"] = r.string()


def activate_session(r: Reader, out: Decoded) -> None:
    """5.6.3 ActivateSession request: header, ClientSignature, ClientSoftwareCertificates,
    LocaleIds, UserIdentityToken (7.36: anonymous, user name, X.509, issued)."""
    r.request_header()
    r.string()
    r.bytestring()
    for _ in range(r.count()):
        r.bytestring()
        r.bytestring()
    for _ in range(r.count()):
        r.string()
    type_id, _ = r.extension_object_header()
    numeric = int(type_id[2:]) if type_id.startswith("i=") else -1
    token = IDENTITY_TOKEN.get(numeric, type_id)
    out.details["identity_token"] = token.removesuffix("IdentityToken") or token
    if numeric == 324:  # UserNameIdentityToken: PolicyId, UserName
        r.string()
        out.details["user_name"] = r.string()


def read(r: Reader, out: Decoded) -> None:
    """5.10.2 Read request: header, MaxAge, TimestampsToReturn, ReadValueId[]."""
    r.request_header()
    r.skip(12)
    nodes: list[str] = []
    for _ in range(r.count()):
        node, attr = r.nodeid(), r.u32()
        r.string()
        r.u16()
        r.string()
        nodes.append(node)
        out.read_nodes.append(node if attr == ATTRIBUTE_VALUE else None)
    out.details["nodes"] = nodes[:MAX_LISTED]


def data_value(r: Reader) -> object:
    """5.2.2.17 DataValue: mask (1 value, 2 status, 4/8 timestamps, 10/20 picoseconds)."""
    mask = r.u8()
    value = r.variant() if mask & 0x01 else None
    r.skip((4 if mask & 0x02 else 0) + (8 if mask & 0x04 else 0) + (2 if mask & 0x10 else 0))
    r.skip((8 if mask & 0x08 else 0) + (2 if mask & 0x20 else 0))
    return value


def read_response(r: Reader, out: Decoded) -> None:
    """5.10.2 Read response: header, DataValue[] (paired with the request's nodes)."""
    out.details["service_result"] = r.response_header()
    for _ in range(r.count()):
        out.points.append(("", data_value(r)))


def write(r: Reader, out: Decoded) -> None:
    """5.10.4 Write request: header, WriteValue[] (NodeId, AttributeId, IndexRange, DataValue)."""
    r.request_header()
    listed: list[dict[str, object]] = []
    for _ in range(r.count()):
        node, attr = r.nodeid(), r.u32()
        r.string()
        value = data_value(r)
        listed.append({"node": node, "value": value})
        if attr == ATTRIBUTE_VALUE and value is not None:
            out.points.append((node, value))
    out.details["nodes"] = listed[:MAX_LISTED]


def call(r: Reader, out: Decoded) -> None:
    """5.11.2 Call request: header, CallMethodRequest[] (ObjectId, MethodId, arguments)."""
    r.request_header()
    methods: list[dict[str, str]] = []
    for _ in range(r.count()):
        obj, method = r.nodeid(), r.nodeid()
        methods.append({"object": obj, "method": method})
        break  # the arguments are variants of any type: stop at the first call
    out.details["methods"] = methods


def browse(r: Reader, out: Decoded) -> None:
    """5.8.2 Browse request: header, ViewDescription, max references, BrowseDescription[]."""
    r.request_header()
    r.nodeid()
    r.skip(16)
    nodes: list[str] = []
    for _ in range(r.count()):
        nodes.append(r.nodeid())
        r.skip(4)
        r.nodeid()
        r.skip(9)
    out.details["nodes"] = nodes[:MAX_LISTED]


def service_fault(r: Reader, out: Decoded) -> None:
    """7.29 ServiceFault: a ResponseHeader whose ServiceResult is bad."""
    out.details["service_result"] = r.response_header()


HANDLERS: dict[int, Callable[[Reader, Decoded], None]] = {
    461: create_session, 464: create_session_response, 428: get_endpoints, 431: get_endpoints_response,
    467: activate_session, 631: read, 634: read_response, 673: write, 712: call, 527: browse,
    397: service_fault,
}


def decode(service: int, r: Reader) -> Decoded:
    """Decode the body after the service type id; WireError on a body that does not fit."""
    out = Decoded()
    handler = HANDLERS.get(service)
    if handler is not None:
        try:
            handler(r, out)
        except WireError as err:
            if err.what != "complex_variant":
                raise
    return out

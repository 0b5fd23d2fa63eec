"""The identity-bearing part of OPC UA CreateSession messages, located in the kernel (numba).

Every OPC UA session starts with CreateSession (OPC 10000-4 5.6.2): the request carries the
client's ApplicationDescription, the response the server's endpoints with their
ApplicationDescriptions. The Python decoder (``protocols.opcua.services``) turns these into
identities, which vary per device but hardly ever per session, while the rest of the message
(nonces, session ids, timestamps, request handles) varies every time. So the kernel reads the
message as far as the Python decoder does, with the same checks (``protocols.opcua.wire``:
5.2.2 built-in types, 7.28 RequestHeader, 7.29 ResponseHeader), and returns the byte span that
fixes the identity. The kernel counts a CreateSession whose span it saw before from the
same address and hands the first of each to Python; a message it cannot read is handed over
too, so the Python decoder reports its anomaly.

Each reader returns the position after what it read, or -1 where the Python reader would
raise ``WireError``.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit

CREATE_SESSION, CREATE_SESSION_RESPONSE = 461, 464


@jit()
def _i32(b: np.ndarray, p: int) -> int:
    v = np.int64(b[p]) | (np.int64(b[p + 1]) << 8) | (np.int64(b[p + 2]) << 16) | (np.int64(b[p + 3]) << 24)
    return v - (1 << 32) if v >= 0x80000000 else v


@jit()
def _skip(p: int, n: int, end: int) -> int:
    return p + n if p >= 0 and n >= 0 and p + n <= end else -1


@jit()
def _string(b: np.ndarray, p: int, end: int) -> int:
    """5.2.2.4 String / 5.2.2.7 ByteString: Int32 length, -1 (any negative) for null."""
    if p < 0 or p + 4 > end:
        return -1
    n = _i32(b, p)
    return p + 4 if n < 0 else _skip(p + 4, n, end)


@jit()
def _count(b: np.ndarray, p: int, end: int) -> tuple[int, int]:
    """5.2.5 array length (negative = null array = 0): (position, count)."""
    if p < 0 or p + 4 > end:
        return -1, 0
    return p + 4, max(_i32(b, p), 0)


@jit()
def _nodeid(b: np.ndarray, p: int, end: int) -> int:
    """5.2.2.9 NodeId (with the 5.2.2.10 ExpandedNodeId flags, as ``Reader.nodeid``)."""
    if p < 0 or p + 1 > end:
        return -1
    enc = np.int64(b[p])
    form = enc & 0x0F
    p += 1
    if form == 0:
        p = _skip(p, 1, end)
    elif form == 1:
        p = _skip(p, 3, end)
    else:
        p = _skip(p, 2, end)
        if form == 2:
            p = _skip(p, 4, end)
        elif form == 3 or form == 5:
            p = _string(b, p, end)
        elif form == 4:
            p = _skip(p, 16, end)
        else:
            return -1
    if enc & 0x80:
        p = _string(b, p, end)
    if enc & 0x40:
        p = _skip(p, 4, end)
    return p


@jit()
def _extension_object(b: np.ndarray, p: int, end: int) -> int:
    """5.2.2.15 ExtensionObject: TypeId, encoding, and a body (1 binary, 2 XML) skipped."""
    p = _nodeid(b, p, end)
    if p < 0 or p + 1 > end:
        return -1
    enc = np.int64(b[p])
    p += 1
    if enc != 1 and enc != 2:
        return p
    if p + 4 > end:
        return -1
    return _skip(p + 4, max(_i32(b, p), 0), end)


@jit()
def _request_header(b: np.ndarray, p: int, end: int) -> int:
    """OPC 10000-4 7.28: AuthenticationToken, Timestamp, RequestHandle, ReturnDiagnostics,
    AuditEntryId, TimeoutHint, AdditionalHeader."""
    p = _skip(_nodeid(b, p, end), 16, end)
    p = _skip(_string(b, p, end), 4, end)
    return _extension_object(b, p, end)


@jit()
def _response_header(b: np.ndarray, p: int, end: int) -> int:
    """OPC 10000-4 7.29: Timestamp, RequestHandle, ServiceResult, ServiceDiagnostics
    (5.2.2.12, nested), StringTable, AdditionalHeader."""
    p = _skip(p, 16, end)
    while True:  # DiagnosticInfo: mask, the fields it flags, maybe an inner DiagnosticInfo
        if p < 0 or p + 1 > end:
            return -1
        mask = np.int64(b[p])
        p += 1
        for bit in range(4):
            if mask & (1 << bit):
                p = _skip(p, 4, end)
        if mask & 0x10:
            p = _string(b, p, end)
        if mask & 0x20:
            p = _skip(p, 4, end)
        if not mask & 0x40:
            break
    p, n = _count(b, p, end)
    for _ in range(n):
        p = _string(b, p, end)
        if p < 0:
            return -1
    return _extension_object(b, p, end)


@jit()
def _application(b: np.ndarray, p: int, end: int) -> int:
    """OPC 10000-4 7.2 ApplicationDescription: ApplicationUri, ProductUri, ApplicationName
    (LocalizedText 5.2.2.14), ApplicationType, GatewayServerUri, DiscoveryProfileUri,
    DiscoveryUrls."""
    p = _string(b, _string(b, p, end), end)
    if p < 0 or p + 1 > end:
        return -1
    mask = np.int64(b[p])
    p += 1
    if mask & 0x01:
        p = _string(b, p, end)
    if mask & 0x02:
        p = _string(b, p, end)
    p = _string(b, _string(b, _skip(p, 4, end), end), end)
    p, n = _count(b, p, end)
    for _ in range(n):
        p = _string(b, p, end)
        if p < 0:
            return -1
    return p


@jit()
def _endpoints(b: np.ndarray, p: int, end: int) -> int:
    """OPC 10000-4 7.14 EndpointDescription[]: EndpointUrl, Server, ServerCertificate,
    SecurityMode, SecurityPolicyUri, UserIdentityTokens (7.42), TransportProfileUri,
    SecurityLevel."""
    p, n = _count(b, p, end)
    for _ in range(n):
        p = _application(b, _string(b, p, end), end)
        p = _string(b, _skip(_string(b, p, end), 4, end), end)
        p, tokens = _count(b, p, end)
        for _ in range(tokens):
            p = _string(b, _skip(_string(b, p, end), 4, end), end)
            p = _string(b, _string(b, p, end), end)
            if p < 0:
                return -1
        p = _skip(_string(b, p, end), 1, end)
        if p < 0:
            return -1
    return p


@jit()
def identity_span(b: np.ndarray, body: int, end: int, sid: int) -> tuple[int, int]:
    """(start, stop) of the identity-bearing bytes of a CreateSession request or response
    whose body starts at ``body`` (after the service's type id); (-1, -1) when the Python
    decoder would stop with an anomaly, or for another service."""
    if sid == CREATE_SESSION:
        start = _request_header(b, body, end)
        stop = _application(b, start, end)
        rest = _string(b, _string(b, _string(b, stop, end), end), end)  # ServerUri, EndpointUrl, SessionName
        return (start, stop) if start >= 0 and rest >= 0 else (-1, -1)
    if sid == CREATE_SESSION_RESPONSE:
        # SessionId, AuthenticationToken, RevisedSessionTimeout, ServerNonce, ServerCertificate
        p = _nodeid(b, _nodeid(b, _response_header(b, body, end), end), end)
        start = _string(b, _string(b, _skip(p, 8, end), end), end)
        stop = _endpoints(b, start, end)
        return (start, stop) if start >= 0 and stop >= 0 else (-1, -1)
    return -1, -1


@jit()
def span_hash(b: np.ndarray, start: int, stop: int, salt: int) -> np.uint64:
    """A 64-bit hash of ``b[start:stop]`` (eight bytes a step, then the tail)."""
    h = np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(salt)
    k = start
    while k + 8 <= stop:
        w = np.uint64(0)
        for j in range(8):
            w |= np.uint64(b[k + j]) << np.uint64(8 * j)
        h = (h ^ w) * np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(32)
        k += 8
    while k < stop:
        h = (h ^ np.uint64(b[k])) * np.uint64(0x100000001B3)
        k += 1
    h ^= np.uint64(stop - start)
    return h * np.uint64(0xC4CEB9FE1A85EC53)


@jit()
def body_offset(b: np.ndarray, p: int, end: int) -> int:
    """Where the service body starts after the type id at ``p`` (``Reader.numeric_nodeid``
    reads encodings 0, 1 and 2 after masking the flags)."""
    if p >= end:
        return -1
    enc = np.int64(b[p]) & 0x3F
    step = 2 if enc == 0 else 4 if enc == 1 else 7 if enc == 2 else -1
    return p + step if step > 0 and p + step <= end else -1


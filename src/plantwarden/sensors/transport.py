"""Sending a batch to the central: the transport a sensor's push loop calls.

A transport takes a batch (JSON) and returns the central's acknowledgement
(:meth:`plantwarden.sensors.ingest.Ack.as_dict`), or raises :class:`CentralUnreachable`
(try again later: no answer, a timeout, a 5xx, 408 or 429) or :class:`CentralRefused` (the
central answered and refused the batch: sending it again will not help).

:class:`HttpTransport` POSTs the batch to ``{central}/api/v1/sensors/{name}/batches`` with
``Authorization: Bearer <token>``, over HTTPS with the server's certificate verified (the
system's CAs, or ``ca_file``). Plain ``http://`` is accepted for a central on this machine
(loopback) only. The sensor only connects outward.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from plantwarden import jsonout
from plantwarden.errors import PlantwardenError, UsageError

Transport = Callable[[dict[str, Any]], dict[str, Any]]
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class CentralUnreachable(PlantwardenError):
    """No acknowledgement this time: the batch stays queued and is sent again."""


class CentralRefused(PlantwardenError):
    """The central refused the batch (``code`` as :class:`~plantwarden.sensors.ingest.BatchRefused`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def batches_url(central: str, name: str) -> str:
    parts = urlsplit(central)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"--central {central!r}: expected https://HOST[:PORT]")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise UsageError(
            f"--central {central!r}: use https:// (plain http only to a central on this machine)"
        )
    return f"{central.rstrip('/')}/api/v1/sensors/{quote(name, safe='')}/batches"


class HttpTransport:
    def __init__(
        self, central: str, name: str, token: str, ca_file: str | None = None, timeout_s: float = 60.0
    ) -> None:
        self.url = batches_url(central, name)
        try:
            verify: ssl.SSLContext = ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"--ca-file {ca_file}: {exc}") from exc
        self._client = httpx.Client(
            verify=verify,
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = self._client.post(self.url, content=jsonout.to_bytes(batch))
        except httpx.HTTPError as exc:
            raise CentralUnreachable(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if answer.status_code >= 500 or answer.status_code in (408, 429):
            raise CentralUnreachable(f"{self.url}: HTTP {answer.status_code}")
        if answer.status_code >= 400:
            code, message = _refusal(answer)
            raise CentralRefused(
                code, f"the central refused the batch (HTTP {answer.status_code}): {message}"
            )
        try:
            ack: dict[str, Any] = answer.json()
        except ValueError as exc:
            raise CentralUnreachable(f"{self.url}: the answer is not JSON") from exc
        return ack

    def close(self) -> None:
        self._client.close()


def _refusal(answer: httpx.Response) -> tuple[str, str]:
    try:
        body = answer.json()
    except ValueError:
        return "http", answer.text.strip().splitlines()[0] if answer.text.strip() else answer.reason_phrase
    error = body.get("error", body) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        return "http", str(error)
    return str(error.get("code", "http")), str(error.get("message") or error.get("detail") or body)

"""The sensor's side of the reachback protocol over HTTPS (it only connects outward).

``GET {central}/api/v1/sensors/{name}/requests``: the open frame requests of the sensor's
site; ``POST .../requests/{id}/frames`` (multipart: ``manifest`` JSON and ``pcap``) delivers
them, ``POST .../requests/{id}/failed`` (``{"reason": ...}``) says why it cannot. The same
token, TLS checks and error classes as the batches' :class:`~.transport.HttpTransport`.
"""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from plantwarden import jsonout
from plantwarden.errors import UsageError
from plantwarden.sensors.transport import CentralRefused, CentralUnreachable, batches_url


class CentralRequests:
    def __init__(
        self, central: str, name: str, token: str, ca_file: str | None = None, timeout_s: float = 60.0
    ) -> None:
        self.base = batches_url(central, name).removesuffix("/batches")
        try:
            verify: ssl.SSLContext = ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"--ca-file {ca_file}: {exc}") from exc
        self._client = httpx.Client(
            verify=verify, timeout=timeout_s, headers={"Authorization": f"Bearer {token}"}
        )

    def open_requests(self) -> list[dict[str, Any]]:
        body = self._send("GET", "/requests")
        found = body.get("requests")
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def deliver(self, request_id: int, pcap: bytes, manifest: dict[str, Any]) -> dict[str, Any]:
        files = {"pcap": (f"request-{request_id}.pcap", pcap, "application/vnd.tcpdump.pcap")}
        data = {"manifest": jsonout.to_bytes(manifest).decode()}
        return self._send("POST", f"/requests/{request_id}/frames", files=files, data=data)

    def fail(self, request_id: int, reason: str) -> dict[str, Any]:
        body = jsonout.to_bytes({"reason": reason})
        headers = {"Content-Type": "application/json"}
        return self._send("POST", f"/requests/{request_id}/failed", content=body, headers=headers)

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = self.base + path
        try:
            answer = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise CentralUnreachable(f"{url}: {type(exc).__name__}: {exc}") from exc
        if answer.status_code >= 500 or answer.status_code in (408, 429):
            raise CentralUnreachable(f"{url}: HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError:
            body = None
        if answer.status_code >= 400:
            error = body.get("error") if isinstance(body, dict) else None
            code = str(error.get("code", "http")) if isinstance(error, dict) else "http"
            text = str(error.get("message")) if isinstance(error, dict) else answer.reason_phrase
            raise CentralRefused(code, f"the central refused (HTTP {answer.status_code}): {text}")
        if not isinstance(body, dict):
            raise CentralUnreachable(f"{url}: the answer is not a JSON object")
        return body

    def close(self) -> None:
        self._client.close()

"""The ERP <-> MES order exchange over HTTP (stdlib ``http.server`` / ``http.client``)."""

from __future__ import annotations

import http.client
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ORDERS = [{"order": f"PO-2025-{n:05d}", "material": "ESL-MILK-1L-3.5", "qty": 12000 + n * 50}
          for n in range(1, 6)]


class _Handler(BaseHTTPRequestHandler):
    server_version = "SAP NetWeaver Application Server"

    def _reply(self, code: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # http.server's naming
        self._reply(200, ORDERS if self.path.startswith("/orders") else {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        confirmation = json.loads(self.rfile.read(length) or b"{}")
        self._reply(201, {"accepted": confirmation.get("order")})

    def log_message(self, format: str, *args: object) -> None:
        return


def serve(ip: str) -> None:
    ThreadingHTTPServer((ip, 80), _Handler).serve_forever()


def exchange(host: str, step: int) -> None:
    """MES side: fetch the open orders, confirm one of them."""
    conn = http.client.HTTPConnection(host, 80, timeout=5)
    try:
        conn.request("GET", "/orders?plant=TB01")
        orders = json.loads(conn.getresponse().read())
        body = json.dumps({"order": orders[step % len(orders)]["order"], "produced": 480 + step})
        conn.request("POST", "/confirmations", body=body, headers={"Content-Type": "application/json"})
        conn.getresponse().read()
    finally:
        conn.close()

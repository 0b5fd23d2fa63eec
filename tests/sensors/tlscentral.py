"""A real HTTPS central for the transport tests: the standard library's HTTP server over TLS
(a certificate for 127.0.0.1 signed by a throw-away CA) calling the real ingest service.

It stands in for the route the web server adds later (POST /api/v1/sensors/{name}/batches,
Bearer token): same checks, same answers (200 with the ack; 401; 4xx with
``{"error": {"code", "message"}}``)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from plantwarden.sensors.ingest import REFUSAL_STATUS, BatchRefused, apply_batch
from plantwarden.sensors.registry import authenticate_sensor

PREFIX = "/api/v1/sensors/"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_certificates(where: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) as PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("test CA"))
        .issuer_name(_name("test CA"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("central"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = where / "ca.pem", where / "central.pem", where / "central.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


class Central:
    """``with Central(db_url, tmp_path) as c:`` serves on ``c.address`` (https://127.0.0.1:PORT)."""

    def __init__(self, db_url: str, where: Path) -> None:
        self.ca, cert, key = make_certificates(where)
        url = db_url

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                name = self.path.removeprefix(PREFIX).removesuffix("/batches")
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if authenticate_sensor(url, name, token) is None:
                    self._answer(
                        401, {"error": {"code": "unauthorized", "message": "unknown sensor or token"}}
                    )
                    return
                try:
                    ack = apply_batch(url, name, json.loads(body))
                except BatchRefused as exc:
                    self._answer(
                        REFUSAL_STATUS[exc.code], {"error": {"code": exc.code, "message": exc.message}}
                    )
                    return
                self._answer(200, ack.as_dict())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.address = f"https://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Central:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

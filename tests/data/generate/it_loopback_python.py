#!/usr/bin/env python3
"""Make tests/data/captures/it-python.pcap: HTTP, IPP-less HTTP, TLS, FTP, TFTP, syslog, SMB.

Real stacks on 127.0.5.1 (servers) and 127.0.5.2 (clients): Python's http.server and
urllib (HTTP/1.1 with a User-Agent); ssl with an openssl-made self-signed certificate
(TLS 1.2 on 443 so the certificate is in clear, TLS 1.3 on 8443); pyftpdlib and ftplib
(RETR and STOR of a firmware-like file); tftpy server and client; logging's
SysLogHandler and util-linux logger (RFC 3164 and RFC 5424 headers); impacket's SMB
server and client (SMB2 and SMB1 dialects, NTLMSSP). Needs root (ports < 1024, tcpdump),
openssl, logger. Regenerate with:

    sudo .venv/bin/python tests/data/generate/it_loopback_python.py
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import logging.handlers
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from ftplib import FTP
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "captures" / "it-python.pcap"
SRV, CLI = "127.0.5.1", "127.0.5.2"


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "PlantHMI/2.4"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"<html><title>HMI</title></html>"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class BoundHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> object:
        import http.client

        return self.do_open(
            lambda host, **kw: http.client.HTTPConnection(host, source_address=(CLI, 0), **kw), req
        )


def serve_http(server: http.server.HTTPServer) -> threading.Thread:
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return t


def http_part() -> None:
    srv = http.server.HTTPServer((SRV, 80), Handler)
    serve_http(srv)
    opener = urllib.request.build_opener(BoundHandler)
    for path in ("/", "/missing"):
        req = urllib.request.Request(
            f"http://{SRV}{path}", headers={"User-Agent": "EngTool/1.0 (Windows NT 6.1)"}
        )
        with contextlib.suppress(urllib.error.HTTPError):
            opener.open(req, timeout=5).read()
    srv.shutdown()


def tls_part(tmp: Path) -> None:
    key, cert = tmp / "key.pem", tmp / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "3650",
            "-subj",
            "/C=DE/O=Plant Example/CN=historian.plant.lan",
        ],
        check=True,
        capture_output=True,
    )
    for port, version in ((443, ssl.TLSVersion.TLSv1_2), (8443, ssl.TLSVersion.TLSv1_3)):
        sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sctx.load_cert_chain(cert, key)
        sctx.maximum_version = version
        lsock = socket.create_server((SRV, port))

        def serve(lsock: socket.socket = lsock, sctx: ssl.SSLContext = sctx) -> None:
            conn, _ = lsock.accept()
            with sctx.wrap_socket(conn, server_side=True) as s:
                s.recv(100)
                s.sendall(b"pong")

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        cctx = ssl.create_default_context(cafile=str(cert))
        cctx.check_hostname = False
        raw = socket.create_connection((SRV, port), source_address=(CLI, 0))
        with cctx.wrap_socket(raw, server_hostname="historian.plant.lan") as c:
            c.sendall(b"ping")
            c.recv(100)
        t.join(5)
        lsock.close()


def ftp_part(tmp: Path) -> None:
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    root = tmp / "ftp"
    root.mkdir()
    (root / "plc_fw_v2.bin").write_bytes(bytes(range(256)) * 4)
    auth = DummyAuthorizer()
    auth.add_user("engineer", "secret", str(root), perm="elradfmw")
    FTPHandler.authorizer = auth
    FTPHandler.banner = "PlantFTP ready"
    FTPHandler.passive_ports = range(60000, 60010)
    server = FTPServer((SRV, 21), FTPHandler)
    t = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)
    t.start()
    ftp = FTP()
    ftp.connect(SRV, 21, source_address=(CLI, 0))
    ftp.login("engineer", "secret")
    ftp.sendcmd("SYST")
    data = bytearray()
    ftp.retrbinary("RETR plc_fw_v2.bin", data.extend)
    import io

    ftp.storbinary("STOR backup.cfg", io.BytesIO(b"cfg=1\n"))
    ftp.quit()
    server.close_all()


def tftp_part(tmp: Path) -> None:
    import tftpy

    root = tmp / "tftp"
    root.mkdir()
    (root / "switch.cfg").write_text("hostname sw1\n")
    logging.getLogger("tftpy").setLevel(logging.ERROR)
    server = tftpy.TftpServer(str(root))
    t = threading.Thread(target=server.listen, args=(SRV, 69), daemon=True)
    t.start()
    time.sleep(0.3)
    client = tftpy.TftpClient(SRV, 69, localip=CLI)
    client.download("switch.cfg", str(tmp / "got.cfg"))
    server.stop(now=True)


def syslog_part() -> None:
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a listener, so no ICMP unreachable
    sink.bind((SRV, 514))
    handler = logging.handlers.SysLogHandler(address=(SRV, 514), facility="local0")
    log = logging.getLogger("plcgw")
    log.addHandler(handler)
    handler.setFormatter(logging.Formatter("plcgw: %(message)s"))
    log.warning("PLC 3 went to STOP")
    log.error("PLC 3 unreachable")
    handler.close()
    for flag in ("--rfc3164", "--rfc5424"):
        subprocess.run(
            [
                "logger",
                flag,
                "-n",
                SRV,
                "-P",
                "514",
                "-d",
                "-t",
                "scada",
                "-p",
                "daemon.notice",
                "--",
                "historian backup done",
            ],
            check=True,
        )
    sink.close()


def smb_part(tmp: Path) -> None:
    from impacket import smb
    from impacket.smbconnection import SMBConnection
    from impacket.smbserver import SimpleSMBServer

    share = tmp / "share"
    share.mkdir()
    (share / "recipe.csv").write_text("a,b\n")
    server = SimpleSMBServer(listenAddress=SRV, listenPort=445)
    server.addShare("PLANT", str(share), "plant share")
    server.setSMB2Support(True)
    server.addCredential(
        "engineer", 1000, "aad3b435b51404eeaad3b435b51404ee", "8846f7eaee8fb117ad06bdd830b7586c"
    )
    t = threading.Thread(target=server.start, daemon=True)
    t.start()
    time.sleep(0.5)
    for dialect in (None, smb.SMB_DIALECT):
        kw = {"preferredDialect": dialect} if dialect else {}
        conn = SMBConnection(SRV, SRV, sess_port=445, myName="ENG-WS01", **kw)
        conn.login("engineer", "password", domain="PLANT")
        conn.listPath("PLANT", "*")
        conn.logoff()
        conn.close()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="pwit-"))
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(OUT), f"host {SRV}"],
    )
    try:
        time.sleep(1.0)
        http_part()
        tls_part(tmp)
        ftp_part(tmp)
        tftp_part(tmp)
        syslog_part()
        smb_part(tmp)
        time.sleep(0.3)
    finally:
        time.sleep(1.0)
        dump.terminate()
        dump.wait()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

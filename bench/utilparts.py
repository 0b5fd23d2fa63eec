"""The stacks of the utility and building seed (bench/utilcap.py): one function per process.

Each runs its server and its client on 127.0.7.0/24 for ``seconds`` and returns; the
addresses are utilcap's (servers 127.0.7.1-99). Every byte on the wire is made by the
named library: c104, bacpypes3, cpppo, dnspython, impacket, ntplib.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from utilcap import BACNET, BACNET_CLIENT, DNS, ENIP, ENIP_CLIENT, IEC104, IT_CLIENT, NBNS, NTP, SMB


def _until(seconds: float) -> float:
    return time.monotonic() + seconds


def iec104(seconds: float) -> None:
    """A substation RTU (c104 server, station 47) reporting measured values spontaneously to
    a c104 client, which interrogates now and then and sends a set-point command."""
    import c104

    server = c104.Server(ip=IEC104, port=2404)
    station = server.add_station(common_address=47)
    assert station is not None
    kinds = (c104.Type.M_ME_NC_1, c104.Type.M_SP_NA_1, c104.Type.M_ME_NB_1, c104.Type.M_DP_NA_1)
    points = [station.add_point(io_address=1000 + i, type=kinds[i % 4]) for i in range(16)]
    station.add_point(io_address=2001, type=c104.Type.C_SE_NC_1)
    server.start()
    client = c104.Client()
    conn = client.add_connection(ip=IEC104, port=2404, init=c104.Init.ALL)
    assert conn is not None
    remote = conn.add_station(common_address=47)
    assert remote is not None
    for i in range(16):
        remote.add_point(io_address=1000 + i, type=kinds[i % 4])
    setpoint = remote.add_point(io_address=2001, type=c104.Type.C_SE_NC_1)
    client.start()
    end, n = _until(seconds), 0
    while time.monotonic() < end:
        for i, point in enumerate(points):
            assert point is not None
            if i % 4 == 0:
                point.value = 20.0 + random.random()
            elif i % 4 == 1:
                point.value = bool(n & 1)
            elif i % 4 == 2:
                point.value = c104.Int16(n % 1000)
            else:
                point.value = c104.Double.ON if n & 1 else c104.Double.OFF
            point.transmit(cause=c104.Cot.SPONTANEOUS)
        n += 1
        if n % 100 == 0:
            conn.interrogation(common_address=47)
            conn.clock_sync(common_address=47)
        if n % 250 == 0 and setpoint is not None:
            setpoint.value = 42.0 + n % 7
            setpoint.transmit(cause=c104.Cot.ACTIVATION)
        time.sleep(0.02)
    client.stop()
    server.stop()


def bacnet(seconds: float) -> None:
    """A building controller (bacpypes3 device, eight analog values) polled by a bacpypes3
    client: ReadProperty, ReadPropertyMultiple, a WriteProperty now and then, Who-Is."""
    from bacpypes3.app import Application
    from bacpypes3.argparse import SimpleArgumentParser
    from bacpypes3.local.analog import AnalogValueObject
    from bacpypes3.pdu import Address

    def app(address: str, instance: int, name: str, port: int) -> Application:
        args = SimpleArgumentParser().parse_args(
            ["--address", f"{address}/32:{port}", "--instance", str(instance), "--name", name])
        return Application.from_args(args)

    async def run() -> None:
        dev = app(BACNET, 3001, "AHU-3", 47808)
        for i in range(8):
            dev.add_object(AnalogValueObject(objectIdentifier=("analog-value", i + 1), objectName=f"zone-{i}",
                                             presentValue=21.0 + i, statusFlags=[0, 0, 0, 0]))
        client = app(BACNET_CLIENT, 4001, "bms", 47809)
        target = Address(BACNET)
        end, n = _until(seconds), 0
        try:
            while time.monotonic() < end:
                await client.read_property(target, f"analog-value,{n % 8 + 1}", "present-value")
                if n % 10 == 0:
                    await client.read_property_multiple(
                        target,
                        ["analog-value,1", ["present-value", "status-flags"], "device,3001", ["object-name"]])
                if n % 50 == 0:
                    await client.write_property(target, "analog-value,2", "present-value", 22.5 + n % 3)
                if n % 200 == 0:
                    await client.who_is(3001, 3001, target)
                n += 1
                await asyncio.sleep(0.01)
        finally:
            client.close()
            dev.close()

    asyncio.run(run())


def enip(seconds: float) -> None:
    """cpppo's Logix simulator read by cpppo's client: Read Tag mostly, a Write Tag now and then."""
    from cpppo.server.enip import client

    server = subprocess.Popen(
        [sys.executable, "-m", "cpppo.server.enip", "--no-config", "-a", f"{ENIP}:44818", "--no-print",
         "FLOW=REAL[4]", "LEVEL=INT[8]", "PUMP=BOOL"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection((ENIP, 44818), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        end, n = _until(seconds), 0
        with client.connector(host=ENIP, source_address=ENIP_CLIENT, timeout=3.0) as conn:
            while time.monotonic() < end:
                ops = ["FLOW[0-3]", "LEVEL[0-7]", "PUMP"] + (["LEVEL[2]=(INT)7"] if n % 20 == 0 else [])
                conn.process(operations=client.parse_operations(ops), depth=1, timeout=3.0)
                n += 1
                time.sleep(0.01)
    finally:
        server.terminate()
        server.wait()


def it(seconds: float) -> None:
    """DNS, NBNS, NTP and SMB, each a server thread (or impacket's SMB server) and a client loop."""
    stop = threading.Event()
    servers = [threading.Thread(target=f, args=(stop,), daemon=True) for f in (_dns_server, _nbns_server,
                                                                              _ntp_server)]
    for t in servers:
        t.start()
    smb = _smb_server()
    time.sleep(0.5)
    clients = [threading.Thread(target=f, args=(seconds,)) for f in (_dns_client, _nbns_client, _ntp_client,
                                                                    _smb_client)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    stop.set()
    del smb


def _udp(addr: str, port: int) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    s.settimeout(0.2)
    return s


def _serve(stop: threading.Event, sock: socket.socket, answer: Any) -> None:
    while not stop.is_set():
        try:
            data, peer = sock.recvfrom(4096)
        except TimeoutError:
            continue
        reply = answer(data)
        if reply:
            sock.sendto(reply, peer)


def _dns_server(stop: threading.Event) -> None:
    import dns.message
    import dns.rrset

    def answer(data: bytes) -> bytes:
        query = dns.message.from_wire(data)
        reply = dns.message.make_response(query)
        q = query.question[0]
        if q.rdtype == 1:  # A
            reply.answer.append(dns.rrset.from_text(q.name, 300, "IN", "A", "10.40.0.12"))
        else:
            reply.set_rcode(3)  # NXDOMAIN
        return bytes(reply.to_wire())

    _serve(stop, _udp(DNS, 53), answer)


def _dns_client(seconds: float) -> None:
    import dns.message
    import dns.query

    names = ["historian.plant.local", "scada01.plant.local", "wsus.corp.local", "time.plant.local",
             "bms.plant.local", "_ldap._tcp.dc._msdcs.corp.local"]
    end, n = _until(seconds), 0
    while time.monotonic() < end:
        kind = "SRV" if names[n % 6].startswith("_") else "A"
        dns.query.udp(dns.message.make_query(names[n % 6], kind), DNS, timeout=1, source=IT_CLIENT)
        n += 1
        time.sleep(0.05)


def _nbns_server(stop: threading.Event) -> None:
    from impacket import nmb

    def answer(data: bytes) -> bytes:
        query = nmb.NAME_SERVICE_PACKET(data)  # header, then the question: name, type, class
        reply = nmb.NAME_SERVICE_PACKET()
        reply["NAME_TRN_ID"] = query["NAME_TRN_ID"]
        reply["FLAGS"] = 0x8500  # response, authoritative, recursion desired
        reply["ANCOUNT"] = 1
        record = nmb.RESOURCE_RECORD()
        record["RR_NAME"] = query["ANSWERS"][:-4].rstrip(b"\x00")
        record["RR_TYPE"] = nmb.RR_TYPE_NB
        record["RR_CLASS"] = nmb.RR_CLASS_IN
        record["TTL"] = 300000
        record["RDATA"] = struct.pack(">H", 0) + socket.inet_aton("10.40.0.31")
        reply["ANSWERS"] = record.getData()
        return bytes(reply.getData())

    _serve(stop, _udp(NBNS, 137), answer)


def _nbns_client(seconds: float) -> None:
    from impacket import nmb

    end, n = _until(seconds), 0
    while time.monotonic() < end:
        bios = nmb.NetBIOS()
        bios.set_nameserver(NBNS)
        with contextlib.suppress(nmb.NetBIOSError, nmb.NetBIOSTimeout):
            bios.gethostbyname(["ENG-WS01", "HMI-02", "FILESRV"][n % 3], timeout=1)
        n += 1
        time.sleep(0.2)


def _ntp_server(stop: threading.Event) -> None:
    import ntplib

    def answer(data: bytes) -> bytes:
        query = ntplib.NTPPacket()
        query.from_data(data)
        now = ntplib.system_to_ntp_time(time.time())
        reply = ntplib.NTPPacket(version=query.version, mode=4, tx_timestamp=now)
        reply.stratum, reply.poll, reply.precision, reply.ref_id = 3, query.poll, -20, 0x0A280001
        reply.ref_timestamp = reply.recv_timestamp = now
        reply.orig_timestamp = query.tx_timestamp
        return bytes(reply.to_data())

    _serve(stop, _udp(NTP, 123), answer)


def _ntp_client(seconds: float) -> None:
    import ntplib

    end = _until(seconds)
    ntp = ntplib.NTPClient()
    while time.monotonic() < end:
        ntp.request(NTP, version=4, timeout=1)
        time.sleep(0.5)


def _smb_server() -> Any:
    from impacket.smbserver import SimpleSMBServer

    share = Path(tempfile.mkdtemp(prefix="utilsmb-"))
    (share / "report.csv").write_text("feeder,kw\n1,420\n")
    server = SimpleSMBServer(listenAddress=SMB, listenPort=445)
    server.addShare("OPS", str(share), "operations share")
    server.setSMB2Support(True)
    lm, nt = "aad3b435b51404eeaad3b435b51404ee", "8846f7eaee8fb117ad06bdd830b7586c"  # "password"
    server.addCredential("operator", 1000, lm, nt)
    threading.Thread(target=server.start, daemon=True).start()
    return server


def _smb_client(seconds: float) -> None:
    from impacket.smbconnection import SMBConnection

    end = _until(seconds)
    while time.monotonic() < end:
        conn = SMBConnection(SMB, SMB, sess_port=445, myName="HMI-02")
        conn.login("operator", "password", domain="UTIL")
        conn.listPath("OPS", "*")
        conn.logoff()
        conn.close()
        time.sleep(1.0)

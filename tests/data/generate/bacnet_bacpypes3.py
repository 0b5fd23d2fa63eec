"""Generate tests/data/captures/bacnet-bacpypes3.pcap with the real bacpypes3 stack.

A BACnet/IP device (127.0.4.1:47808, device 1001, an analog-value and a file object) and a
client (127.0.4.2:47808) run in one process; tcpdump records everything to or from the
device address. The client does: unicast Who-Is, ReadProperty of the device identity
properties, ReadPropertyMultiple, WriteProperty of analog-value present-value, a read of
an unknown object (Error), SubscribeCOV with a COV notification, Who-Has,
TimeSynchronization, UTCTimeSynchronization, DeviceCommunicationControl,
ReinitializeDevice and AtomicReadFile (bacpypes3 rejects services it does not implement).

Regenerate (needs root for tcpdump), from the project root:
    .venv/bin/python tests/data/generate/bacnet_bacpypes3.py
    python3 ../shared/tools/groundtruth.py tests/data/captures/bacnet-bacpypes3.pcap \
        --out tests/data/captures/truth
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from bacpypes3.apdu import (
    AtomicReadFileRequest,
    DeviceCommunicationControlRequest,
    ReinitializeDeviceRequest,
    TimeSynchronizationRequest,
    UTCTimeSynchronizationRequest,
)
from bacpypes3.app import Application
from bacpypes3.argparse import SimpleArgumentParser
from bacpypes3.basetypes import AtomicReadFileRequestAccessMethodChoice, DateTime
from bacpypes3.local.analog import AnalogValueObject
from bacpypes3.pdu import Address
from bacpypes3.primitivedata import Date, ObjectIdentifier, Time

DEVICE = "127.0.4.1"
CLIENT = "127.0.4.2"
OUT = Path(__file__).resolve().parent.parent / "captures" / "bacnet-bacpypes3.pcap"


def make_app(address: str, instance: int, name: str, port: int = 47808) -> Application:
    args = SimpleArgumentParser().parse_args(
        ["--address", f"{address}/32:{port}", "--instance", str(instance), "--name", name]
    )
    return Application.from_args(args)


def make_device() -> Application:
    app = make_app(DEVICE, 1001, "PW-AHU-1")
    dev = app.device_object
    dev.modelName = "AHU Controller 3000"
    dev.firmwareRevision = "4.2.1"
    dev.applicationSoftwareVersion = "app-7.0"
    dev.vendorName = "Plantwarden Test Vendor"
    av = AnalogValueObject(
        objectIdentifier=("analog-value", 1),
        objectName="supply-temp-sp",
        presentValue=21.5,
        statusFlags=[0, 0, 0, 0],
        covIncrement=0.1,
    )
    app.add_object(av)
    return app


async def client_session(client: Application, dev: Application) -> None:
    target = Address(DEVICE)
    await client.who_is(1001, 1001, target)
    for prop in (
        "object-name",
        "model-name",
        "firmware-revision",
        "vendor-name",
        "application-software-version",
        "vendor-identifier",
    ):
        await client.read_property(target, "device,1001", prop)
    await client.read_property_multiple(
        target, ["device,1001", ["object-name", "model-name"], "analog-value,1", ["present-value"]]
    )
    await client.write_property(target, "analog-value,1", "present-value", 23.25)
    await client.read_property(target, "analog-value,1", "present-value")
    try:
        await client.read_property(target, "analog-input,99", "present-value")
    except BaseException as exc:  # Error PDU: unknown object
        print("expected:", exc)
    async with client.change_of_value(target, ObjectIdentifier("analog-value,1"), 7, True, 60) as scm:
        await asyncio.sleep(0.2)
        dev.get_object_id(ObjectIdentifier("analog-value,1")).presentValue = 30.0
        await asyncio.wait_for(scm.get_value(), 3)
    await client.who_has(object_identifier=ObjectIdentifier("analog-value,1"), address=target, timeout=1)
    now = DateTime(date=Date((2024, 5, 6, 1)), time=Time((10, 20, 30, 0)))
    for sync in (TimeSynchronizationRequest(time=now), UTCTimeSynchronizationRequest(time=now)):
        sync.pduDestination = target
        await client.request(sync)
    for confirmed in (
        DeviceCommunicationControlRequest(timeDuration=1, enableDisable="disableInitiation"),
        DeviceCommunicationControlRequest(enableDisable="enable"),
        ReinitializeDeviceRequest(reinitializedStateOfDevice="warmstart", password="pw"),
        AtomicReadFileRequest(
            fileIdentifier=ObjectIdentifier("file,1"),
            accessMethod=AtomicReadFileRequestAccessMethodChoice(
                streamAccess={"fileStartPosition": 0, "requestedOctetCount": 64}
            ),
        ),
    ):
        confirmed.pduDestination = target
        try:
            await client.request(confirmed)
        except BaseException as exc:  # the device rejects or errors: that is the point
            print("expected:", exc)
    await asyncio.sleep(0.3)


async def run() -> None:
    dev = make_device()
    client = make_app(CLIENT, 2002, "pw-client", 47809)  # 127.x on its own port is looped back
    await asyncio.sleep(0.3)
    try:
        await client_session(client, dev)
    finally:
        client.close()
        dev.close()


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-w", str(OUT), f"host {DEVICE} and udp port 47808"],
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    try:
        asyncio.run(run())
    finally:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    print("wrote", OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())

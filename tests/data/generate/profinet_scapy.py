"""Generate tests/data/captures/profinet-scapy.pcap: PROFINET DCP frames built by scapy.

scapy's ``scapy.contrib.pnio_dcp`` builds the frames and ``wrpcap`` writes them; nothing is
sent on any interface. The exchange: an engineering station identifies all devices, two
devices answer, the station reads and renames one device, sets another's IP address (which
is refused), makes it flash its LEDs, and a device announces itself with Hello.

Regenerate from the project root (scapy is a test dependency):

    .venv/bin/python tests/data/generate/profinet_scapy.py

then the truth: ``python3 ../shared/tools/groundtruth.py tests/data/captures/profinet-scapy.pcap
--out tests/data/captures/truth``.
"""

from __future__ import annotations

from pathlib import Path

from scapy.contrib.pnio import ProfinetIO
from scapy.contrib.pnio_dcp import (
    DCP_GET_SET_FRAME_ID,
    DCP_IDENTIFY_REQUEST_FRAME_ID,
    DCP_IDENTIFY_RESPONSE_FRAME_ID,
    DCPControlBlock,
    DCPDeviceIDBlock,
    DCPDeviceRoleBlock,
    DCPIPBlock,
    DCPManufacturerSpecificBlock,
    DCPNameOfStationBlock,
    ProfinetDCP,
)
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Packet
from scapy.utils import wrpcap

OUT = Path(__file__).resolve().parents[1] / "captures" / "profinet-scapy.pcap"
STATION = "02:00:00:03:00:01"  # engineering station
DEVICES = {
    "02:00:00:03:00:11": ("plc-line1", "S7-1500", 0x0E, "192.168.3.11"),
    "02:00:00:03:00:12": ("io-rack7", "ET200SP", 0x0313, "192.168.3.12"),
}
MULTICAST = "01:0e:cf:00:00:00"


def dcp(src: str, dst: str, frame_id: int, pdu: Packet) -> Packet:
    return Ether(src=src, dst=dst, type=0x8892) / ProfinetIO(frameID=frame_id) / pdu


def pad(size: int) -> bytes:
    return b"\0" if size % 2 else b""


def identify_response(mac: str, xid: int) -> Packet:
    name, kind, device_id, ip = DEVICES[mac]
    # block lengths and padding given explicitly: scapy's LenField would count the chained
    # blocks too, and its padding field writes a byte even after an even-length block
    blocks = (
        DCPManufacturerSpecificBlock(
            dcp_block_length=len(kind) + 2, device_vendor_value=kind, padding=pad(len(kind))
        )
        / DCPNameOfStationBlock(name_of_station=name, padding=pad(len(name)))
        / DCPDeviceIDBlock(dcp_block_length=6, vendor_id=0x002A, device_id=device_id, padding=b"")
        / DCPDeviceRoleBlock(dcp_block_length=4, device_role_details=1, padding=b"")
        / DCPIPBlock(dcp_block_length=14, ip=ip, netmask="255.255.255.0", gateway="192.168.3.1")
    )
    pdu = ProfinetDCP(service_id=5, service_type=1, xid=xid) / blocks
    return dcp(mac, STATION, DCP_IDENTIFY_RESPONSE_FRAME_ID, pdu)


def frames() -> list[Packet]:
    """The exchange; request data lengths are given since scapy counts only chained layers."""
    plc, rack = list(DEVICES)
    out = [
        dcp(
            STATION,
            MULTICAST,
            DCP_IDENTIFY_REQUEST_FRAME_ID,
            ProfinetDCP(
                service_id=5,
                service_type=0,
                xid=0x1001,
                option=255,
                sub_option=255,
                dcp_data_length=4,
                dcp_block_length=0,
                reserved=1,
            ),
        )
    ]
    out += [identify_response(plc, 0x1001), identify_response(rack, 0x1001)]
    out.append(
        dcp(
            STATION,
            MULTICAST,
            DCP_IDENTIFY_REQUEST_FRAME_ID,
            ProfinetDCP(
                service_id=5,
                service_type=0,
                xid=0x1002,
                option=2,
                sub_option=2,
                dcp_data_length=14,
                dcp_block_length=9,
                name_of_station="plc-line1",
                reserved=1,
            ),
        )
    )
    out.append(identify_response(plc, 0x1002))
    out.append(
        dcp(
            STATION,
            plc,
            DCP_GET_SET_FRAME_ID,
            ProfinetDCP(
                service_id=4,
                service_type=0,
                xid=0x1003,
                option=2,
                sub_option=2,
                dcp_data_length=16,
                dcp_block_length=11,
                block_qualifier=1,
                name_of_station="plc-pack2",
            ),
        )
    )
    out.append(
        dcp(
            plc,
            STATION,
            DCP_GET_SET_FRAME_ID,
            ProfinetDCP(service_id=4, service_type=1, xid=0x1003)
            / DCPControlBlock(response=2, response_sub_option=2, block_error=0, padding=b"\0"),
        )
    )
    out.append(
        dcp(
            STATION,
            rack,
            DCP_GET_SET_FRAME_ID,
            ProfinetDCP(
                service_id=4,
                service_type=0,
                xid=0x1004,
                option=1,
                sub_option=2,
                dcp_data_length=18,
                dcp_block_length=14,
                block_qualifier=1,
                ip="10.9.9.9",
                netmask="255.0.0.0",
                gateway="10.0.0.1",
            ),
        )
    )
    out.append(
        dcp(
            rack,
            STATION,
            DCP_GET_SET_FRAME_ID,
            ProfinetDCP(service_id=4, service_type=1, xid=0x1004)
            / DCPControlBlock(response=1, response_sub_option=2, block_error=6),
        )
    )
    vlan = Ether(src=STATION, dst=rack) / Dot1Q(vlan=3, type=0x8892)
    vlan = vlan / ProfinetIO(frameID=DCP_GET_SET_FRAME_ID)
    out.append(
        vlan
        / ProfinetDCP(
            service_id=4,
            service_type=0,
            xid=0x1005,
            option=5,
            sub_option=3,
            dcp_data_length=8,
            dcp_block_length=4,
            block_qualifier=0,
        )
        / b"\x01\x00"
    )
    out.append(
        dcp(
            rack,
            STATION,
            DCP_GET_SET_FRAME_ID,
            ProfinetDCP(service_id=4, service_type=1, xid=0x1005)
            / DCPControlBlock(response=5, response_sub_option=3, block_error=0),
        )
    )
    return out


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    wrpcap(str(OUT), frames())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

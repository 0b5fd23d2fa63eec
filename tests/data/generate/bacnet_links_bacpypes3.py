"""Generate BACnet on ISO 8802-2 (Ethernet LLC) and on MS/TP from the real bacpypes3 capture.

bacpypes3 speaks BACnet/IP only (no raw Ethernet, no MS/TP driver), so the NPDUs (network
and application layers, every octet as the stack sent them) are taken from
``tests/data/captures/bacnet-bacpypes3.pcap`` (made by ``bacnet_bacpypes3.py``) and only
the link layer is replaced; nothing is sent on any interface.

- ``bacnet-ethernet-bacpypes3.pcap`` (LINKTYPE_ETHERNET): each NPDU in an IEEE 802.3 frame
  with an ISO 8802-2 LLC header, DSAP 0x82, SSAP 0x82, control 0x03 (ANSI/ASHRAE 135-2020
  clause 7), built by dpkt's ``Ethernet``/``LLC`` and padded to the 60-octet minimum as a
  receiving NIC shows it. The device 127.0.4.1 becomes 02:00:00:00:04:01, the client
  127.0.4.2 becomes 02:00:00:00:04:02 (locally administered MACs).
- ``bacnet-mstp-bacpypes3.pcap`` (LINKTYPE_BACNET_MS_TP, 165): each NPDU in an MS/TP frame
  (clause 9.3: preamble 0x55 0xFF, frame type 5 "BACnet Data Expecting Reply" when the
  NPDU's data_expecting_reply bit is set, else 6, destination, source, length, header CRC
  and data CRC computed as Annex G says), the device at MS/TP MAC 1, the client at 2, with
  the token passing between them (Poll For Master, Reply To Poll For Master, Token) that
  lets a station send.

Regenerate from the project root, then the truth:

    .venv/bin/python tests/data/generate/bacnet_links_bacpypes3.py
    python3 tests/data/generate/truth.py tests/data/captures/bacnet-ethernet-bacpypes3.pcap \\
        tests/data/captures/bacnet-mstp-bacpypes3.pcap
"""

from __future__ import annotations

from pathlib import Path

import dpkt

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
SOURCE = CAPTURES / "bacnet-bacpypes3.pcap"
ETHERNET_OUT = CAPTURES / "bacnet-ethernet-bacpypes3.pcap"
MSTP_OUT = CAPTURES / "bacnet-mstp-bacpypes3.pcap"
LINKTYPE_BACNET_MS_TP = 165
NPDU_OFFSET = {0x0A: 4, 0x0B: 4, 0x09: 4, 0x04: 10}  # Annex J.2 BVLL functions carrying an NPDU
MACS = {"127.0.4.1": b"\x02\x00\x00\x00\x04\x01", "127.0.4.2": b"\x02\x00\x00\x00\x04\x02"}
MSTP = {"127.0.4.1": 1, "127.0.4.2": 2}
TOKEN, POLL_FOR_MASTER, REPLY_TO_POLL, DATA_EXPECTING_REPLY, DATA_NOT_EXPECTING_REPLY = 0, 1, 2, 5, 6


def npdus() -> list[tuple[float, str, str, bytes]]:
    """(time, source IP, destination IP, NPDU) of every BACnet/IP datagram of the source."""
    out = []
    with SOURCE.open("rb") as f:
        for ts, raw in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(raw).data
            bvll = bytes(ip.data.data)
            start = NPDU_OFFSET.get(bvll[1])
            if bvll[0] == 0x81 and start is not None:
                out.append((ts, _ip(ip.src), _ip(ip.dst), bvll[start:]))
    return out


def _ip(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def ethernet_frame(src: str, dst: str, npdu: bytes) -> bytes:
    llc = dpkt.llc.LLC(dsap=0x82, ssap=0x82, ctl=0x03, data=npdu)
    frame = bytes(dpkt.ethernet.Ethernet(dst=MACS[dst], src=MACS[src], type=len(llc), data=llc))
    return frame + b"\0" * max(0, 60 - len(frame))


def crc_header(octets: bytes) -> int:
    """Annex G.1 header CRC-8, sent as the ones complement of the remainder."""
    crc = 0xFF
    for octet in octets:
        c = crc ^ octet
        c ^= (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
        crc = (c & 0xFE) ^ ((c >> 8) & 1)
    return ~crc & 0xFF


def crc_data(octets: bytes) -> int:
    """Annex G.2 data CRC-16, sent as the ones complement of the remainder, low octet first."""
    crc = 0xFFFF
    for octet in octets:
        low = (crc & 0xFF) ^ octet
        crc = (
            (crc >> 8)
            ^ (low << 8)
            ^ (low << 3)
            ^ (low << 12)
            ^ (low >> 4)
            ^ (low & 0x0F)
            ^ ((low & 0x0F) << 7)
        )
        crc &= 0xFFFF
    return ~crc & 0xFFFF


def mstp_frame(ftype: int, dst: int, src: int, data: bytes = b"") -> bytes:
    header = bytes([ftype, dst, src]) + len(data).to_bytes(2, "big")
    frame = b"\x55\xff" + header + bytes([crc_header(header)])
    if data:
        frame += data + crc_data(data).to_bytes(2, "little")
    return frame


def write(path: Path, linktype: int, frames: list[tuple[float, bytes]]) -> None:
    with path.open("wb") as f:
        writer = dpkt.pcap.Writer(f, linktype=linktype)
        for ts, frame in frames:
            writer.writepkt(frame, ts=ts)


def main() -> None:
    source = npdus()
    write(ETHERNET_OUT, dpkt.pcap.DLT_EN10MB, [(ts, ethernet_frame(s, d, n)) for ts, s, d, n in source])
    frames: list[tuple[float, bytes]] = []
    t0 = source[0][0] - 0.01
    frames.append((t0, mstp_frame(POLL_FOR_MASTER, 1, 2)))  # the client finds the device ...
    frames.append((t0 + 0.001, mstp_frame(REPLY_TO_POLL, 2, 1)))  # ... which answers
    holder = 2
    for ts, src, dst, npdu in source:
        sender = MSTP[src]
        if holder != sender:
            frames.append((ts - 0.0005, mstp_frame(TOKEN, sender, holder)))
            holder = sender
        ftype = DATA_EXPECTING_REPLY if npdu[1] & 0x04 else DATA_NOT_EXPECTING_REPLY
        frames.append((ts, mstp_frame(ftype, MSTP[dst], sender, npdu)))
    write(MSTP_OUT, LINKTYPE_BACNET_MS_TP, frames)


if __name__ == "__main__":
    main()

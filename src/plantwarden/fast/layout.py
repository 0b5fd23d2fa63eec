"""Shared layout of the fast path: table sizes, column indices, event kinds, protocol ids.

The kernel (:mod:`plantwarden.fast.kernel`) keeps its state in plain numpy arrays so numba
can compile it; this module names every column so the Python side reads the same layout.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# -- table capacities (powers of two; open addressing with linear probing) ----------------
START_CAP = 1 << 12  # tables start small (cache-resident) and double when half full
FLOW_CAP = 1 << 21
ADDR_CAP = 1 << 22
CONV_CAP = 1 << 22
SEEN_CAP = 1 << 16
BIND_CAP = 1 << 20
EDGE_CAP = 1 << 21
EVENT_CAP = 1 << 16
EVENT_MARGIN = 512  # free event rows the kernel keeps before it stops to let Python drain
MAX_LOAD_NUM, MAX_LOAD_DEN = 7, 10  # a table fuller than 70 % makes the kernel give up (BAIL)
CHUNK = 16 << 20  # bytes read per chunk
MAX_SEG_PDUS = 64  # PDUs per TCP segment the kernel frames itself
IDLE_NS = 300 * 1_000_000_000  # same idle timeout as plantwarden.net.flows
MAX_CAPLEN = 262144

# -- sampling of kernel-counted request/response pairs handed to the Python sessions -------
SAMPLE_READ_EVERY = 4096  # 1 read request (and its response) in N, per protocol
SAMPLE_WRITE_EVERY = 256  # 1 write request (and its response) in N, per protocol

# -- flow row columns (int64 fl[cap, NF]) ---------------------------------------------------
F_SERIAL, F_MODE, F_PROTO, F_CLIENT_IS_A, F_STATE, F_FINS, F_SYN = range(7)
F_FIRST, F_LAST, F_PK0, F_PK1, F_BY0, F_BY1, F_NSEQ0, F_NSEQ1 = range(7, 15)
F_SKEY, F_SLABEL, F_SAUX, F_SAMPLED, F_UAMODE = range(15, 20)  # pairing slot (tmp, see fast.protos)
F_SKEY2, F_SLABEL2, F_SAUX2 = range(20, 23)  # a second pending request (EtherNet/IP pipelining)
F_PAIRING = 8  # F_SKEY .. F_SAUX2: the columns a segment's judging reads and writes
F_ROUTED = 23  # 1 once a PDU of the flow went to a Python session (which must be dropped at its end)
# detection (fast.watch): baseline ids of client and server, conversation flags, two cached
# (label proto + 1, channel lookup) pairs, the time of the last event for the zone rules
F_BC, F_BS, F_WATCH, F_CHP0, F_CH0, F_CHP1, F_CH1, F_ZTS = range(24, 32)
# learning (fast.learning): the open run of the flow's address-port pair (0 none, 1 opened by
# side A, 2 by side B), its packets since from side A and B, the label protocols it requested
F_LRUN, F_LN0, F_LN1, F_LPROTOS = range(32, 36)
NF = 36
MODE_KERNEL, MODE_PY_FRESH, MODE_PY_HANDED = 1, 2, 3
# TCP states, as plantwarden.net.flows names them
STATES = ("active", "syn_sent", "established", "closing", "closed", "reset")
ST_ACTIVE, ST_SYN_SENT, ST_ESTABLISHED, ST_CLOSING, ST_CLOSED, ST_RESET = range(6)

# -- address kinds --------------------------------------------------------------------------
A_MAC, A_IPV4, A_IPV6 = 1, 4, 6

# -- globals (int64 g[NG]) ----------------------------------------------------------------
G_FRAMES, G_PACKETS, G_BYTES, G_FIRST_TS, G_LAST_TS, G_SERIAL, G_RETRANS = range(7)
G_CUT, G_CUT_FIRST, G_OVERSNAP, G_OVERSNAP_FIRST, G_OVERSNAP_LEN, G_GARBAGE_LEN = range(7, 13)
G_FLOWS, G_ADDRS, G_CONVS, G_SEEN, G_ALLPY, G_SAMPLE0 = range(13, 19)  # G_SAMPLE0.. 10 counters
G_KFLOWS = 28  # flows the kernel created and counts (handed-over ones included)
G_BINDS, G_EDGES = 29, 30  # entries of the binding and edge tables
G_DETECT, G_NEXT_TICK = 31, 32  # detection on (1, 2 with a site model); next clock event (ns)
TICK_NS = 1_000_000_000  # the clock events' period: the polling rules' stop check (rules.polling)
G_LEARN = 33  # learning a baseline (fast.learning): runs of packets and every request as records
G_SAMPLE_DNP3 = G_SAMPLE0 + 9  # IEC 104's write counter, which nothing counts: DNP3's sampled reads
NG = 34

# -- event columns (int64 ev[EVENT_CAP, NE]) ----------------------------------------------
E_KIND, E_FRAME, E_TS, E_OFF, E_LEN, E_ORIG, E_DIR, E_SERIAL = range(8)
E_CLIENT, E_SERVER, E_CPORT, E_SPORT, E_PROTO, E_FIRST, E_LAST = range(8, 15)
E_PK0, E_PK1, E_BY0, E_BY1, E_SYN, E_STATE, E_FINS, E_NSEQ0, E_NSEQ1 = range(15, 24)
E_SKEY, E_SLABEL, E_SAUX, E_SKEY2, E_SLABEL2, E_SAUX2 = range(24, 30)
E_UDP = 30  # 1: the event's flow is a UDP flow (fast.udp), 0: TCP
NE = 32
K_FRAME, K_PDU, K_PRIME, K_HANDOVER, K_END, K_PKT, K_TICK = 1, 2, 3, 4, 5, 6, 7
K_LFRAME = 8  # a frame of link type E_DIR for Python, made by the engine, not the kernel (pcapng)
# a K_PKT event (detection: a packet of a kernel flow the packet rules need) reuses the columns:
# E_CLIENT src id, E_SERVER dst id, E_CPORT sport, E_SPORT dport, E_PROTO TCP flags,
# E_DIR source MAC id, E_LEN TTL, E_ORIG wire length
# records of requests (detection, int64 rec[REC_CAP, NR]): frame, ts, channel, symbol key, and
# the index of the event they come before
RC_FRAME, RC_TS, RC_CH, RC_SYM, RC_EVPOS = range(5)
# learning writes records of three kinds (RC_KIND) in the same table, in capture order:
# LK_OPEN a run's first packet: RC_A src, RC_B dst, RC_PA sport, RC_PB dport, RC_X TCP flags,
#   RC_Y source MAC id;
# LK_CLOSE the run ends: RC_A/RC_B/RC_PA/RC_PB as it opened, RC_X and RC_Y its further packets
#   from RC_A and from RC_B;
# LK_REQ a request the kernel counted: RC_A client, RC_B server, RC_PA server port, RC_PB label,
#   RC_SYM symbol key, RC_X unit (-1: none), RC_Y and RC_Z the point range (RC_Z -1: none),
#   RC_CH 1 when it is the flow's first of its protocol (its conversation's protocol may be unset)
RC_KIND, RC_A, RC_B, RC_PA, RC_PB, RC_X, RC_Y, RC_Z = range(5, 13)
LK_OPEN, LK_CLOSE, LK_REQ = 1, 2, 3
NR = 13
REC_CAP = 1 << 16
SYM_CAP = 1 << 16  # symbol texts the kernel registers (key -> text), for what findings say
SYM_POOL = 1 << 22
MEMO_CAP = 1 << 14  # Modbus symbol keys by (label, unit, first point, count): a plant has hundreds
# watch globals (int64 wg[8]): records written, symbols registered, pool bytes used
WG_NREC, WG_NSYM, WG_POOL, WG_NMEMO = range(4)

# -- kernel return status -------------------------------------------------------------------
S_MORE, S_EVENTS, S_GARBAGE, S_BAIL, S_GROW = 0, 1, 2, 3, 4

# -- protocols the kernel frames (label = proto << 24 | code bits) -------------------------
P_NONE, P_MODBUS, P_S7, P_COTP, P_OPCUA, P_ENIP, P_BIND, P_CIP, P_IEC104 = range(9)
P_BACNET = 10  # reserved for BACnet/IP (not in the kernel yet)
P_ENIP_IO = 11  # EtherNet/IP class-1 I/O (UDP 2222; proto "cipio"; the flow's spec is EtherNet/IP)
P_DNS = 12  # DNS (UDP 53); also the spec id of mDNS flows (one spec, DNS_SPEC)
P_NBNS = 13  # NetBIOS name service (UDP 137)
P_MDNS = 14  # mDNS (UDP 5353): a label protocol only (the flow's spec is P_DNS)
P_SSDP = 15  # UDP flows no decoder takes (SSDP 1900, every unregistered well-known port): packets only
P_NTP = 16  # NTP (UDP 123)
KERNEL_PORTS = {502: P_MODBUS, 102: P_S7, 4840: P_OPCUA, 44818: P_ENIP, 2404: P_IEC104}
# UDP server ports the kernel follows (fast.udp), and the spec name each must have in the index
UDP_KERNEL_PORTS = {53: P_DNS, 5353: P_DNS, 123: P_NTP, 137: P_NBNS, 2222: P_ENIP_IO, 44818: P_ENIP}
UDP_SPEC_NAMES = {P_DNS: "dns", P_NTP: "ntp", P_NBNS: "nbns", P_ENIP_IO: "enip", P_ENIP: "enip"}
SVC_TCP, SVC_UDP = 1, 2  # bits of Tables.svc: a port some protocol registers, per transport
KPORT_UDP_SHIFT = 8  # Tables.kport: TCP protocol id in bits 0-7, UDP protocol id in bits 8-15
SPEC_NAMES = {P_MODBUS: "modbus", P_S7: "s7comm", P_OPCUA: "opcua", P_ENIP: "enip", P_IEC104: "iec104"}
P_DNP3 = 9  # fast.dnp3 (TCP)
KERNEL_PORTS[20000] = P_DNP3
SPEC_NAMES[P_DNP3] = "dnp3"
UDP_KERNEL_PORTS[20000] = P_DNP3  # fast.udp: DNP3 over UDP, its link frames judged by fast.dnp3
UDP_SPEC_NAMES[P_DNP3] = "dnp3"

# -- per-PDU actions ------------------------------------------------------------------------
A_COUNT, A_ROUTE, A_PRIME_ROUTE, A_SKIP, A_HANDOVER = 1, 2, 3, 4, 5


#: Modules outside ``fast/`` whose functions the kernel compiles and calls (relative to the
#: package; tests/fast/test_layout.py requires every user of ``fast.jit`` to be covered).
JIT_ELSEWHERE = ("detect/opstate.py",)


def jit_sources() -> list[Path]:
    """Every source file with numba-compiled functions: ``fast/`` and :data:`JIT_ELSEWHERE`."""
    here = Path(__file__).resolve().parent
    return [*sorted(here.glob("*.py")), *(here.parent / name for name in JIT_ELSEWHERE)]


def numba_cache_dir() -> str:
    """Where numba keeps compiled machine code: outside the source tree, per user, and per
    version of the kernel's sources. numba checks only the file of each function when it
    loads cached code, not the files of the functions it calls, so a change in one module
    would otherwise run stale machine code of its callers (``fast.detecting.apply_records``
    inlines ``detect.opstate``'s functions)."""
    digest = hashlib.sha256()
    for source in jit_sources():
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    default = Path.home() / ".cache" / "plantwarden" / "numba" / digest.hexdigest()[:16]
    return os.environ.get("NUMBA_CACHE_DIR") or str(default)

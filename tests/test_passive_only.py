"""plantwarden only listens: no module under src/plantwarden sends packets or captures raw.

The checker reads every module's syntax tree (nothing is imported or run) and reports:

- imports of modules that open sockets, send, capture raw or speak an industrial protocol
  actively (``FORBIDDEN_MODULES``), also through ``__import__``/``importlib``;
- calls of sending APIs by name (``SENDING_CALLS``), whatever object they are called on;
- process creation (``subprocess``, ``os.system``/``exec*``/``spawn*``, ...) outside the
  explicit allow-list ``PROCESS_ALLOWED`` (module -> the only programs it may start);
  ``os.fork`` (a copy of plantwarden, no other program) only in ``FORK_ALLOWED``;
- a transmitting tool (``TRANSMIT_TOOLS``) named where a program is named: the first item
  of a list or tuple literal, or a string argument of a call.

The store reaches PostgreSQL through psycopg, a library: that is not the monitored network
and needs no exception here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

FORBIDDEN_MODULES = frozenset(
    {
        "socket",
        "_socket",
        "socketserver",
        "asyncore",  # sockets of any kind, raw ones included
        "scapy",
        "pcapy",
        "pcapy_ng",
        "pcap",
        "pypcap",
        "libpcap",
        "pyshark",
        "pylibpcap",  # raw capture
        "pymodbus",
        "snap7",
        "asyncua",
        "opcua",
        "pycomm3",
        "pylogix",
        "cpppo",
        "bacpypes",
        "bacpypes3",
        "c104",
        "dnp3",
        "pydnp3",  # active industrial-protocol clients
        "urllib.request",
        "http.client",
        "requests",
        "httpx",
        "aiohttp",
        "ftplib",
        "smtplib",
        "telnetlib",
        "paramiko",
        "xmlrpc.client",  # network clients
        "subprocess",
        "pty",  # child processes: only in PROCESS_ALLOWED
        "ctypes",  # calls into C libraries (a socket through libc): only in CTYPES_ALLOWED
    }
)
SENDING_CALLS = frozenset(
    {
        "sendto",
        "sendmsg",
        "sendall",
        "sendp",
        "sr",
        "sr1",
        "srp",
        "srp1",
        "srloop",
        "sendpfast",
        "open_connection",
        "open_unix_connection",
        "create_connection",
        "create_datagram_endpoint",
        "sock_sendall",
        "sock_sendto",
        "sock_connect",
        "urlopen",
    }
)
PROCESS_CALLS = re.compile(
    r"^(subprocess\.\w+|os\.(system|popen|exec\w*|spawn\w*|posix_spawnp?|fork\w*)|pty\.spawn"
    r"|asyncio\.create_subprocess_(exec|shell))$"
)
TRANSMIT_TOOLS = frozenset(
    {
        "ping",
        "ping6",
        "fping",
        "arping",
        "hping",
        "hping2",
        "hping3",
        "nping",
        "nmap",
        "masscan",
        "zmap",
        "tcpreplay",
        "tcpreplay-edit",
        "bittwist",
        "scapy",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "curl",
        "wget",
        "snmpget",
        "snmpwalk",
        "snmpset",
        "mbpoll",
        "modbus-cli",
        "plcscan",
        "ettercap",
        "arpspoof",
        "yersinia",
    }
)
# The explicit, short allow-list: module (relative to src/) -> the programs it may start.
PROCESS_ALLOWED = {"plantwarden/capture/live.py": frozenset({"tcpdump", "dumpcap"})}
# Modules that may fork plantwarden itself (``os.fork`` alone: no exec, no other program):
# the store import in a child process, which only talks to the store.
FORK_ALLOWED = frozenset({"plantwarden/store/background.py"})
# Modules that may use ctypes: malloc_trim and madvise (memory hints), nothing else (checked below).
CTYPES_ALLOWED = frozenset({"plantwarden/memtrim.py"})

# The one module that may open a socket: it delivers plantwarden's OWN alerts to the
# operator's syslog server or webhook, addresses the operator configures explicitly
# (--syslog, --webhook). It never reaches the monitored network on its own. Only these
# findings are accepted there; anything else in it still fails.
ALERT_OUTPUT = "plantwarden/detect/outputs.py"
ALERT_OUTPUT_ALLOWED = frozenset(
    {
        "imports socket",
        "imports urllib.request",
        "imports urllib.request.Request",
        "imports urllib.request.urlopen",
    }
)
ALERT_OUTPUT_CALLS = frozenset({"sendto", "sendall", "create_connection", "urlopen"})


# The sensor's transport (issue 20): it sends the sensor's own batches to the central the
# operator names (--central), outward through the plant's conduit, never into the monitored
# network; the reachback client asks that same central for frame requests and delivers them
# over the same connection rules. They may import httpx and nothing else of the list.
SENSOR_TRANSPORT = frozenset({"plantwarden/sensors/transport.py", "plantwarden/sensors/reach_client.py"})
SENSOR_TRANSPORT_ALLOWED = frozenset({"imports httpx"})


def _accepted(f: Finding) -> bool:
    if f.module in SENSOR_TRANSPORT:
        return f.what in SENSOR_TRANSPORT_ALLOWED
    if f.module != ALERT_OUTPUT:
        return False
    if f.what in ALERT_OUTPUT_ALLOWED:
        return True
    return f.what.startswith("calls ") and f.what.rsplit(".", 1)[-1] in ALERT_OUTPUT_CALLS


@dataclass(frozen=True)
class Finding:
    module: str
    line: int
    what: str


def _forbidden_module(name: str, module: str) -> bool:
    if name in {"subprocess", "pty"} and module in PROCESS_ALLOWED:
        return False
    if (name == "ctypes" or name.startswith("ctypes.")) and module in CTYPES_ALLOWED:
        return False
    return any(name == m or name.startswith(m + ".") for m in FORBIDDEN_MODULES)


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str:
    """``a.b.c`` of a call target, with import aliases resolved."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value, aliases)}.{node.attr}"
    return ""


def _program(value: object) -> str:
    """The program a string names as its first word (``/usr/bin/nmap -sS`` -> ``nmap``)."""
    words = value.split() if isinstance(value, str) else []
    return words[0].rsplit("/", 1)[-1] if words else ""


def _argv_strings(node: ast.AST) -> list[object]:
    """Strings in program position: first item of a list/tuple, and string arguments of a call."""
    if isinstance(node, ast.List | ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
        return [node.elts[0].value]
    if isinstance(node, ast.Call):
        args = [*node.args, *(k.value for k in node.keywords)]
        return [a.value for a in args if isinstance(a, ast.Constant)]
    return []


def _imports(node: ast.AST, aliases: dict[str, str]) -> list[str]:
    """Module names an import statement brings in; records the local aliases."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            top = alias.name.split(".")[0]
            aliases[alias.asname or top] = alias.name if alias.asname else top
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        for alias in node.names:
            aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def check_source(source: str, module: str) -> list[Finding]:
    """Every way ``source`` (the module at ``module``, relative to src/) could send or capture."""
    found: list[Finding] = []
    aliases: dict[str, str] = {}
    tree = ast.parse(source)
    allowed_tools = PROCESS_ALLOWED.get(module, frozenset())
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for name in _imports(node, aliases):
            if _forbidden_module(name, module):
                found.append(Finding(module, line, f"imports {name}"))
                break
        for value in _argv_strings(node):
            if _program(value) in TRANSMIT_TOOLS:
                found.append(Finding(module, line, f"names transmitting tool {_program(value)!r}"))
        if not isinstance(node, ast.Call):
            continue
        target = _dotted(node.func, aliases)
        if target in {"__import__", "importlib.import_module"} and node.args:
            arg = node.args[0]
            name = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ""
            if name and _forbidden_module(name, module):
                found.append(Finding(module, line, f"imports {name}"))
        if target.rsplit(".", 1)[-1] in SENDING_CALLS:
            found.append(Finding(module, line, f"calls {target}"))
        forks_itself = target == "os.fork" and module in FORK_ALLOWED
        if PROCESS_CALLS.match(target) and not allowed_tools and not forks_itself:
            found.append(Finding(module, line, f"starts a process ({target}) outside the allow-list"))
    if allowed_tools:
        found += _unlisted_programs(tree, module, allowed_tools)
    return found


def _unlisted_programs(tree: ast.AST, module: str, allowed: frozenset[str]) -> list[Finding]:
    """In an allow-listed module, argv literals may start only with the allowed programs.

    A list of two or more items starting with a string that is not an option (``-f``) is taken
    for an argument vector.
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Constant):
            first, program = node.elts[0].value, _program(node.elts[0].value)
            argv = isinstance(first, str) and not first.startswith("-") and len(node.elts) > 1
            if argv and program not in allowed:
                found.append(Finding(module, node.lineno, f"argv starts with {program!r}, not allow-listed"))
    return found


def source_modules() -> list[Path]:
    return sorted((SRC / "plantwarden").rglob("*.py"))


def test_the_source_tree_is_there() -> None:
    assert len(source_modules()) > 10
    for module in [*PROCESS_ALLOWED, *FORK_ALLOWED, *CTYPES_ALLOWED]:
        assert (SRC / module).is_file(), f"allow-listed {module} does not exist"


def test_fork_is_allowed_only_where_listed() -> None:
    source = "import os\npid = os.fork()\n"
    assert check_source(source, "plantwarden/store/background.py") == []
    (finding,) = check_source(source, "plantwarden/analyze/pipeline.py")
    assert "os.fork" in finding.what
    assert check_source("import os\nos.execv('/bin/sh', [])\n", "plantwarden/store/background.py")


def test_ctypes_is_allowed_only_where_listed_and_calls_only_memory_hints() -> None:
    (finding,) = check_source("import ctypes\n", "plantwarden/analyze/pipeline.py")
    assert finding.what == "imports ctypes"
    source = (SRC / "plantwarden" / "memtrim.py").read_text()
    assert check_source(source, "plantwarden/memtrim.py") == []
    foreign = {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "libc"
    }
    assert foreign == {"malloc_trim", "madvise"}  # the two C functions it reaches (memory hints)


def test_no_module_sends_or_captures_raw() -> None:
    findings = [
        f
        for path in source_modules()
        for f in check_source(path.read_text(), path.relative_to(SRC).as_posix())
        if not _accepted(f)
    ]
    assert findings == []


def test_the_alert_output_allowance_is_narrow() -> None:
    sniff = "import socket\nfrom scapy.all import sendp\nsendp(b'x')\nsocket.socket().sendmsg([b'x'])\n"
    raw = {f.what for f in check_source(sniff, ALERT_OUTPUT) if not _accepted(f)}
    assert raw == {"imports scapy.all", "calls scapy.all.sendp", "calls .sendmsg"}
    assert all(not _accepted(f) for f in check_source("import socket\n", "plantwarden/net/flows.py"))


def test_live_capture_starts_only_the_listening_tools() -> None:
    from plantwarden.capture import live

    assert frozenset(live.TOOLS) == PROCESS_ALLOWED["plantwarden/capture/live.py"]
    for tool in live.TOOLS:
        assert live.command(tool, "eth1", "tcp port 502")[0] == tool


FORBIDDEN_EXAMPLES = [
    ("import socket\n", "imports socket"),
    ("from socket import socket as s\n", "imports socket"),
    ("import scapy.all as sc\nsc.sendp(pkt)\n", "imports scapy.all"),
    ("import scapy.all as sc\nsc.sendp(pkt)\n", "calls scapy.all.sendp"),
    ("from scapy.all import sr1\n", "imports scapy.all"),
    ("import pcapy\n", "imports pcapy"),
    ("import pcap\n", "imports pcap"),
    ("from pymodbus.client import ModbusTcpClient\n", "imports pymodbus.client"),
    ("import requests\n", "imports requests"),
    ("__import__('socket')\n", "imports socket"),
    ("import importlib\nimportlib.import_module('snap7.client')\n", "imports snap7.client"),
    ("import asyncio\nasyncio.open_connection('10.0.0.5', 502)\n", "calls asyncio.open_connection"),
    ("def f(s):\n    s.sendto(b'x', ('10.0.0.1', 502))\n", "calls s.sendto"),
    ("import subprocess\nsubprocess.run(['tcpdump', '-r', 'f'])\n", "imports subprocess"),
    ("import subprocess\nsubprocess.run(['tcpdump', '-r', 'f'])\n", "starts a process (subprocess.run)"),
    ("import os\nos.system('nmap -sS 10.0.0.1')\n", "names transmitting tool 'nmap'"),
    ("import os\nos.system('nmap -sS 10.0.0.1')\n", "starts a process (os.system)"),
    ("from os import execvp as run\nrun('x', [])\n", "starts a process (os.execvp)"),
    ("ARGV = ['/usr/bin/arping', '-c', '1']\n", "names transmitting tool 'arping'"),
    ("import asyncio\nasyncio.create_subprocess_exec('hping3')\n", "names transmitting tool 'hping3'"),
]


@pytest.mark.parametrize(("source", "what"), FORBIDDEN_EXAMPLES)
def test_the_checker_flags_forbidden_code(source: str, what: str) -> None:
    findings = check_source(source, "plantwarden/analyze/example.py")
    assert any(what in f.what for f in findings), findings
    assert all(f.line >= 1 for f in findings)


def test_the_allow_list_admits_only_its_programs() -> None:
    live = "plantwarden/capture/live.py"
    ok = "import subprocess\nsubprocess.Popen(['tcpdump', '-i', 'lo', '-w', '-'])\n"
    assert check_source(ok, live) == []
    bad = "import subprocess\nsubprocess.Popen(['ping', '-c', '1', 'plc'])\n"
    assert {f.what for f in check_source(bad, live)} == {
        "names transmitting tool 'ping'",
        "argv starts with 'ping', not allow-listed",
    }
    assert "imports subprocess" in [f.what for f in check_source(ok, "plantwarden/net/decode.py")]


def test_the_checker_leaves_clean_code_alone() -> None:
    clean = (
        '"""Decode frames; never ping a PLC."""\n'
        "import struct\nimport ipaddress\nfrom plantwarden.capture.live import command\n"
        "def f(gen, b):\n    gen.send(None)\n    return struct.unpack('<I', b), ipaddress.ip_address(1)\n"
        "NAMES = {'ping': 1}\nlabel = 'ping'\n"
    )
    assert check_source(clean, "plantwarden/net/example.py") == []

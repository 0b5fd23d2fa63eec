"""HTTP from urllib and http.server (it-python.pcap) agrees with tshark's fields."""

from __future__ import annotations

from collections import Counter

from protocols.itkit.it_helpers import PYTHON, conversations, identities, needs_tshark, tshark_rows


@needs_tshark
def test_methods_and_status_codes_equal_tshark() -> None:
    rows = tshark_rows(PYTHON, "http", "ip.src", "ip.dst", "http.request.method", "http.response.code")
    theirs = Counter((r[0], r[1], r[2] or r[3]) for r in rows)
    mine = Counter({(c["src"], c["dst"], c["code"]): c["count"] for c in conversations(PYTHON, "http")})
    assert theirs and mine == theirs


@needs_tshark
def test_user_agent_and_server_equal_tshark() -> None:
    agents = {(r[0], r[1]) for r in tshark_rows(PYTHON, "http.user_agent", "ip.src", "http.user_agent")}
    servers = {(r[0], r[1]) for r in tshark_rows(PYTHON, "http.server", "ip.src", "http.server")}
    mine = identities(PYTHON, "http")
    assert agents == {(i["address"], i["fields"]["user_agent"]) for i in mine if "user_agent" in i["fields"]}
    assert servers == {(i["address"], i["fields"]["server"]) for i in mine if "server" in i["fields"]}

"""``plantwarden serve``: refuses a missing store and bad options in one line (exit 2),
serves the API and the pages, over TLS when given a certificate and key, and starts fast."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import headers
from tests.web.serving import serving
from tests.web.world import World


def pw(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


def test_a_missing_store_is_refused_and_not_created(tmp_path: Path) -> None:
    store = tmp_path / "none.db"
    line = one_line_error(pw("serve", "--db", str(store)))
    assert (
        line
        == f"plantwarden: error: no plantwarden store at {store} (run `plantwarden db upgrade` or check --db)"
    )
    assert not store.exists()


def test_bad_options_are_refused(world: World, tmp_path: Path) -> None:
    assert "--cert and --key go together" in one_line_error(
        pw("serve", "--db", world.url, "--cert", str(world.path))
    )
    missing = tmp_path / "cert.pem"
    assert f"{missing}: no such file" in one_line_error(
        pw("serve", "--db", world.url, "--cert", str(missing), "--key", str(missing))
    )
    assert "--port 0" in one_line_error(pw("serve", "--db", world.url, "--port", "0"))


def test_serves_the_api_and_prints_its_url(world: World) -> None:
    with serving(world.url) as served:
        me = httpx.get(served.base + "/api/v1/me", headers=headers(world, "ana"))
        assert me.status_code == 200 and me.json()["name"] == "ana"
        assert httpx.get(served.base + "/api/v1/me").status_code == 401
        css = httpx.get(served.base + "/static/style.css")
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        assert httpx.get(served.base + "/static/htmx/htmx.min.js").status_code == 200
        output = served.output()
    assert f"plantwarden console at {served.base}/" in output
    assert world.tokens["ana"] not in output  # the token is never logged
    print(f"serve answered {served.started_s:.2f} s after the process started")


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_tls_with_certificate_and_key(world: World, tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    with serving(world.url, "--cert", str(cert), "--key", str(key), scheme="https") as served:
        answer = httpx.get(
            served.base + "/api/v1/me",
            headers=headers(world, "vic"),
            verify=ssl.create_default_context(cafile=str(cert)),
        )
        assert answer.status_code == 200 and answer.json()["name"] == "vic"
        output = served.output()
    assert "plantwarden console at https://127.0.0.1:" in output


@pytest.mark.slow
def test_several_workers(world: World) -> None:
    with serving(world.url, "--workers", "2", timeout_s=120) as served:
        for _ in range(4):
            me = httpx.get(served.base + "/api/v1/me", headers=headers(world, "eng"), timeout=30)
            assert me.status_code == 200 and me.json()["name"] == "eng"
        output = served.output()
    assert output.count("Started server process") == 2

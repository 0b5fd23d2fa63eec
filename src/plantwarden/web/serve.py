"""Running the application under uvicorn (``plantwarden serve``).

One worker serves the application object :func:`plantwarden.web.app.create_app` built (so a
missing store is refused before anything listens); several workers each build their own
from the environment (:func:`from_environment`, uvicorn's ``factory``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plantwarden.errors import UsageError

ENV_SERVE_DB = "PLANTWARDEN_SERVE_DB"
ENV_SERVE_TLS = "PLANTWARDEN_SERVE_TLS"
ENV_SERVE_MAX_BATCH = "PLANTWARDEN_SERVE_MAX_BATCH"
DEFAULT_MAX_BATCH = 64 << 20  # the sensors' ingest route: the largest batch body taken (413 above)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    cert: Path | None = None
    key: Path | None = None
    workers: int = 1
    max_batch_bytes: int = DEFAULT_MAX_BATCH

    @property
    def tls(self) -> bool:
        return self.cert is not None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/"


def check(options: ServeOptions) -> None:
    """Refuse bad options in one line, before the store is opened."""
    if (options.cert is None) != (options.key is None):
        raise UsageError("--cert and --key go together (TLS needs both)")
    for path in (options.cert, options.key):
        if path is not None and not path.is_file():
            raise UsageError(f"{path}: no such file")
    if not 1 <= options.port <= 65535:
        raise UsageError(f"--port {options.port}: a port from 1 to 65535")
    if not 1 <= options.workers <= 64:
        raise UsageError(f"--workers {options.workers}: from 1 to 64")
    if options.max_batch_bytes < 1 << 20:
        raise UsageError(f"--max-batch {options.max_batch_bytes} bytes: at least 1MiB")


def from_environment() -> Any:
    """The application of one worker among several (the store from the serving process)."""
    from plantwarden.web.app import create_app

    limit = int(os.environ.get(ENV_SERVE_MAX_BATCH, DEFAULT_MAX_BATCH))
    return create_app(
        os.environ[ENV_SERVE_DB], tls=os.environ.get(ENV_SERVE_TLS) == "1", max_batch_bytes=limit
    )


def run(options: ServeOptions, announce: Any) -> None:
    """Serve until interrupted; ``announce(url)`` once the store is checked."""
    import uvicorn

    from plantwarden.web.app import create_app

    check(options)
    app = create_app(options.db_url, tls=options.tls, max_batch_bytes=options.max_batch_bytes)
    tls: dict[str, Any] = {}
    if options.tls:
        tls = {"ssl_certfile": str(options.cert), "ssl_keyfile": str(options.key)}
    announce(options.url)
    common: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        "proxy_headers": False,
        "server_header": False,
        "log_level": "info",
        **tls,
    }
    if options.workers == 1:
        uvicorn.run(app, **common)
        return
    os.environ[ENV_SERVE_DB] = options.db_url
    os.environ[ENV_SERVE_TLS] = "1" if options.tls else "0"
    os.environ[ENV_SERVE_MAX_BATCH] = str(options.max_batch_bytes)
    uvicorn.run(f"{__name__}:from_environment", factory=True, workers=options.workers, **common)

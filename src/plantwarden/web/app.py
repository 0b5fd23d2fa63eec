"""The ASGI application: :func:`create_app` wires the store, the error handlers, the API
routers (:data:`plantwarden.web.api.ROUTERS`), the pages and the static files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from plantwarden import __version__
from plantwarden.store.engine import connected, open_engine
from plantwarden.web import errors
from plantwarden.web.state import WebState

STATIC = Path(__file__).resolve().parent / "static"
OPENAPI = "/api/v1/openapi.json"

#: Sent with every answer: no framing, no sniffing, scripts and styles only from here.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}


def assemble(app: FastAPI) -> None:
    """The error handlers, every API router and page, and the static files (what
    ``tests/web`` walks to hold every route to the error shape)."""
    from plantwarden.web.api import ROUTERS
    from plantwarden.web.pages import routers

    errors.install(app)
    for router in [*ROUTERS, *routers()]:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def create_app(db_url: str, *, tls: bool = False, max_batch_bytes: int = 64 << 20) -> FastAPI:
    """The application on the store ``db_url``, which must exist and be writable (sessions and
    the audit log are written): a missing or read-only store is a StoreError, before serving.
    ``max_batch_bytes``: the largest body the sensors' ingest route takes (413 above)."""
    with connected(db_url, writes=True):
        pass  # refuses a missing store (one line), upgrades an older one
    web = WebState(db_url, open_engine(db_url), tls=tls, max_batch_bytes=max_batch_bytes)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.engine.dispose()

    app = FastAPI(
        title="plantwarden",
        version=__version__,
        summary="Passive OT/IT visibility and production continuity: the REST API.",
        openapi_url=OPENAPI,
        docs_url=None,  # Swagger UI and ReDoc load scripts from the internet; plants run offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pw = web
    assemble(app)

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app

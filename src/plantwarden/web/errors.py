"""One error shape for every error the web application answers (API and pages alike).

``{"error": {"status": 404, "code": "not_found", "message": "...", "details": [...]}}``:
``status`` repeats the HTTP status, ``code`` is a stable word a client can branch on,
``message`` one line a person can act on, ``details`` a list (the fields of a validation
error, each ``{"loc": [...], "message": ...}``; empty otherwise). The handlers below turn
every exception into it: FastAPI's and Starlette's HTTPException (401, 403, 404, 405...),
request validation (422), plantwarden's own errors (:mod:`plantwarden.errors`), and anything
unexpected (500, with no traceback or exception text in the answer; the traceback goes to
the server's log). ``tests/web/test_error_shape.py`` walks every route and holds them to it.

A browser asking for a page (``Accept: text/html``, outside ``/api/``) gets the same fields
as an HTML page instead, and a missing identity on a page sends it to ``/login``.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from plantwarden.errors import InputError, NotFoundError, PlantwardenError, StoreError, UsageError

log = logging.getLogger(__name__)

CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}


class ApiError(Exception):
    """An error with a chosen code (``csrf_failed``, ``rate_limited``...) and optional details."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details or []
        self.headers = headers


def body(
    status: int, message: str, code: str | None = None, details: list[Any] | None = None
) -> dict[str, Any]:
    """The error document."""
    return {
        "error": {
            "status": status,
            "code": code or CODES.get(status, "error"),
            "message": message,
            "details": details or [],
        }
    }


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API)."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _login_url(target: str) -> str:
    return f"/login?next={quote(target, safe='')}"


def respond(request: Request, err: ApiError) -> Response:
    """The error as JSON, or for a browser on a page as HTML (401: to the login page; an htmx
    request is told to go there with ``HX-Redirect``)."""
    if err.status == 401 and request.headers.get("hx-request") == "true":
        page = urlsplit(request.headers.get("hx-current-url", "/"))
        target = page.path + (f"?{page.query}" if page.query else "")
        headers = {**(err.headers or {}), "HX-Redirect": _login_url(target or "/")}
        return JSONResponse(
            body(err.status, err.message, err.code, err.details), status_code=401, headers=headers
        )
    if wants_html(request):
        if err.status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(_login_url(target), status_code=303)
        from plantwarden.web.templating import render_error

        return render_error(request, body(err.status, err.message, err.code, err.details)["error"])
    return JSONResponse(
        body(err.status, err.message, err.code, err.details), status_code=err.status, headers=err.headers
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each problem: where (``["query", "limit"]``) and what; never the input value itself (it
    may be a password)."""
    return [{"loc": list(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors()]


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
    if exc.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return respond(request, ApiError(exc.status_code, message, headers=getattr(exc, "headers", None)))


def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc)
    first = details[0] if details else {"loc": [], "message": "invalid request"}
    where = ".".join(str(p) for p in first["loc"])
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return respond(request, ApiError(422, f"{where}: {first['message']}{more}", details=details))


def _api(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return respond(request, exc)


def _plantwarden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PlantwardenError)
    if isinstance(exc, NotFoundError):
        return respond(request, ApiError(404, exc.message))
    if isinstance(exc, UsageError | InputError):
        return respond(request, ApiError(422, exc.message))
    if isinstance(exc, StoreError):
        log.error("store error on %s %s: %s", request.method, request.url.path, exc.message)
        return respond(request, ApiError(503, "the store cannot be used just now (see the server's log)"))
    return respond(request, ApiError(400, exc.message))


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return respond(request, ApiError(500, "internal error (the server's log has the details)"))


def install(app: FastAPI) -> None:
    """Every exception handler of the application."""
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ApiError, _api)
    app.add_exception_handler(PlantwardenError, _plantwarden)
    app.add_exception_handler(Exception, _unexpected)

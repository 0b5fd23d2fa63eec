"""The one error shape (plantwarden.web.errors), checked on an answer."""

from __future__ import annotations

from typing import Any

import httpx

from plantwarden.web.errors import CODES


def assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The answer is ``status`` in the one error shape; returns its ``error`` object."""
    assert response.status_code == status, (response.request.url, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "code", "message", "details"}, error
    assert error["status"] == status
    assert error["code"] == CODES[status] or (status, error["code"]) in {(403, "csrf_failed")}, error
    assert isinstance(error["message"], str) and error["message"] and "\n" not in error["message"]
    assert isinstance(error["details"], list)
    assert "Traceback" not in response.text and 'File "' not in response.text
    return error

"""The OpenAPI document describes the API (and not the pages), with the error shape."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/api/v1/me", "/api/v1/sites", "/api/v1/sites/{site}", "/api/v1/audit"} <= paths
    assert {"/api/v1/sites/{site}/audit", "/api/v1/sites/{site}/answer"} <= paths
    assert all(p.startswith("/api/v1/") for p in paths)  # pages are not API
    sites = doc["paths"]["/api/v1/sites"]["get"]
    assert {p["name"] for p in sites["parameters"]} == {"limit", "cursor"}
    assert sites["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert client.get("/docs").status_code == 404  # no Swagger UI: it would load scripts from the internet

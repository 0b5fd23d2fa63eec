"""docs/site-model.md documents every key of the site file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from plantwarden.site import model
from plantwarden.site.messages import model_at

DOC = Path(__file__).resolve().parents[2] / "docs" / "site-model.md"


def site_models() -> list[type[BaseModel]]:
    found = [getattr(model, name) for name in model.__all__]
    return [m for m in found if isinstance(m, type) and issubclass(m, BaseModel)]


def test_every_key_of_every_model_is_documented() -> None:
    text = DOC.read_text()
    keys = {(f.alias or name) for m in site_models() for name, f in m.model_fields.items()}
    assert len(keys) > 60
    assert sorted(k for k in keys if f"`{k}`" not in text) == []


def test_every_nested_model_is_exported() -> None:
    """So that the test above sees them all: walking the site's keys finds only exported models."""
    exported = set(site_models())
    for m in site_models():
        for key, field in m.model_fields.items():
            nested = model_at(m, (field.alias or key,))
            nested = nested or model_at(m, (field.alias or key, 0))
            assert nested is None or nested in exported, nested

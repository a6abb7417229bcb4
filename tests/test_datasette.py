"""The SQLite database works as-is in Datasette: tables, views and FTS search, with our metadata."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from .conftest import ROOT

datasette_app = pytest.importorskip("datasette.app", reason="datasette (the serve extra) is not installed")


def test_datasette_shows_tables_views_and_search(sample_db: Path) -> None:
    metadata = json.loads((ROOT / "datasette" / "metadata.json").read_text(encoding="utf-8"))
    target = sample_db.parent / "protocols.db"
    assert target == sample_db  # the database name in metadata.json is the file stem

    async def fetch() -> tuple[dict, list, list]:
        ds = datasette_app.Datasette([str(sample_db)], metadata=metadata)
        tables = (await ds.client.get("/protocols.json")).json()
        hits = (await ds.client.get("/protocols/sections.json?_search=budget*&_shape=array&_col=kind")).json()
        view = (await ds.client.get("/protocols/decisions.json?_shape=array&_col=number")).json()
        return tables, hits, view

    tables, hits, view = asyncio.run(fetch())
    names = {t["name"] for t in tables["tables"]}
    assert {"documents", "items", "sections", "entities", "recipients", "sections_fts"} <= names
    assert {v["name"] for v in tables["views"]} == {
        "amounts", "case_history", "contested_items", "decisions", "party_votes", "person_mentions",
        "recipients_by_item", "recusals_by_item",
    }
    assert sorted(h["kind"] for h in hits) == ["arendebeskrivning", "sammanfattning"]
    assert [r["number"] for r in view] == [45, 46, 47, 48, 49, 76]

"""The SQLite database works in Datasette: tables, views, FTS search, the generated metadata and canned queries.

These run Datasette in process without the protokoll plugin (plain Datasette); tests/test_web.py
runs ``protokoll serve`` with it.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

datasette_app = pytest.importorskip("datasette.app", reason="datasette (the serve extra) is not installed")

METADATA = ROOT / "pipeline" / "web" / "metadata.json"


def metadata() -> dict[str, Any]:
    return json.loads(METADATA.read_text(encoding="utf-8"))


def fetch(ds: Any, *paths: str) -> list[Any]:
    async def get() -> list[Any]:
        return [(await ds.client.get(p)).json() for p in paths]

    return asyncio.run(get())


def test_datasette_shows_tables_views_and_search(sample_db: Path) -> None:
    assert sample_db.stem == "protocols"  # the database name metadata.json is written for
    ds = datasette_app.Datasette([str(sample_db)], metadata=metadata())
    tables, hits, view = fetch(ds, "/protocols.json", "/protocols/sections.json?_search=budget*&_shape=array&_col=kind",
                               "/protocols/decisions.json?_shape=array&_col=number")
    names = {t["name"] for t in tables["tables"]}
    assert {"documents", "items", "sections", "entities", "recipients", "sections_fts"} <= names
    assert {v["name"] for v in tables["views"]} >= {
        "amounts", "case_history", "contested_items", "decisions", "party_votes", "person_activity", "person_mentions",
        "person_votes", "recipients_by_item", "recusals_by_item",
    }
    assert sorted(h["kind"] for h in hits) == ["arendebeskrivning", "sammanfattning"]
    assert [r["number"] for r in view] == [45, 46, 47, 48, 49, 76]


def test_plain_datasette_finds_the_fts_tables_without_metadata(sample_db: Path) -> None:
    """Migration 0017 declares content="table": Datasette (and sqlite-utils, same rule) find the indexes alone."""
    ds = datasette_app.Datasette([str(sample_db)])

    async def detect() -> list[str | None]:
        db = ds.get_database("protocols")
        return [await db.fts_table(t) for t in ("sections", "items", "attachments", "meetings")]

    assert asyncio.run(detect()) == ["sections_fts", "items_fts", "attachments_fts", None]
    # plain Datasette matches whole words only: the gap the protokoll plugin closes (tests/test_web.py)
    whole, prefix = fetch(ds, "/protocols/items.json?_search=fastigheten&_shape=array&_col=number",
                          "/protocols/items.json?_search=fastighet&_shape=array&_col=number")
    assert [r["number"] for r in whole] == [48]
    assert prefix == []


def test_metadata_is_generated_from_the_docs_in_plain_text() -> None:
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_datasette_metadata.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "`" not in METADATA.read_text(encoding="utf-8")  # Datasette would show Markdown's backticks as they are
    tables = metadata()["databases"]["protocols"]["tables"]
    # a cell listing several columns gives each its own meaning where the meanings are listed in order
    assert tables["decisions"]["columns"]["item_id"] == "→ items.id"
    assert tables["decisions"]["columns"]["path"] == "the source file"
    assert [tables["person_mentions"]["columns"][c] for c in ("page", "item_id", "section_id")] == [
        "page of the PDF", "→ items.id", "→ sections.id"]
    assert [tables["party_votes"]["columns"][c] for c in ("vote_id", "item_id")] == ["→ votes.id", "→ items.id"]
    # otherwise all of them share it; links become their text
    assert tables["decisions"]["columns"]["body"] == "the meeting"
    assert "](#" not in tables["attendees"]["columns"]["page"] and tables["attendees"]["columns"]["page"].endswith(
        "See Boxes")
    assert tables["documents"]["columns"]["status"] == "ok or failed"
    assert {t: tables[t]["label_column"] for t in ("meetings", "items", "documents", "persons")} == {
        "meetings": "body", "items": "title", "documents": "path", "persons": "name"}
    assert {t: tables[t]["fts_table"] for t in ("sections", "items", "attachments")} == {
        "sections": "sections_fts", "items": "items_fts", "attachments": "attachments_fts"}


def documented_sql() -> list[str]:
    """The README's example statements and the docs/schema.md example queries, in order."""
    readme = re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    statements = [re.sub(r"^--[^\n]*\n", "", s.strip()) + ";" for q in readme for s in q.split(";") if s.strip()]
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8").split("## Example queries", 1)[1]
    return statements + [q.strip() for q in re.findall(r"```sql\n(.*?)```", doc, re.S)]


def test_canned_queries_are_the_documented_examples_and_run(sample_db: Path) -> None:
    queries = metadata()["databases"]["protocols"]["queries"]
    assert [q["sql"] for q in queries.values()] == documented_sql()
    assert list(queries)[:4] == [
        "who_proposed_something_in_which_item_and_for", "how_much_money_does_each_item_mention",
        "where_was_each_decision_sent", "meetings_and_how_many_items_each_has"]
    assert queries["who_declared_jav_on_which_item_and_why"]["title"] == "Who declared jäv on which item, and why"
    ds = datasette_app.Datasette([str(sample_db)], metadata=metadata())
    served = fetch(ds, *(f"/protocols/{name}.json?_shape=array" for name in queries))
    with sqlite3.connect(sample_db) as conn:
        for name, rows, query in zip(queries, served, queries.values(), strict=True):
            cursor = conn.execute(query["sql"])
            columns = [c[0] for c in cursor.description]
            assert rows == [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()], name
    meetings = served[3]
    assert [(m["body"], m["meeting_date"], m["items"]) for m in meetings] == [
        ("Regionala utvecklingsnämndens arbetsutskott", "2023-05-12", 1), ("Kommunstyrelsen", "2024-03-12", 5)]

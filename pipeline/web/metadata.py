"""The Datasette metadata of a protocols database, under whatever name its file has.

``metadata.json`` beside this module is generated from docs/schema.md and README.md by
scripts/make_datasette_metadata.py (``--check`` in the tests), so descriptions and canned queries
cannot drift from the documentation; it is shipped in the package because the docs are not. It
names the database ``protocols`` (the default file's stem), as plain Datasette needs.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

PACKAGED = Path(__file__).with_name("metadata.json")
WRITTEN_FOR = "protocols"
PLUGIN = "protokoll"  # the plugin's name in Datasette's metadata ("plugins": {"protokoll": {...}})


def for_database(name: str, reports: Path) -> dict[str, Any]:
    """Datasette metadata for the database ``name``, the plugin told where to cache pages and reports."""
    packaged = json.loads(PACKAGED.read_text(encoding="utf-8"))
    database = packaged["databases"][WRITTEN_FOR]
    database["description_html"] = tables_html(name, database["tables"])
    return {
        "title": packaged["title"],
        "description": packaged["description"],
        "databases": {name: database},
        "plugins": {PLUGIN: {"reports": str(reports)}},
    }


def tables_html(name: str, tables: dict[str, dict[str, Any]]) -> str:
    """Every table and view with its description, in the order of docs/schema.md: the database page's
    guide (Datasette's own list shows names and columns only)."""
    from datasette.utils import tilde_encode

    rows = "".join(
        f'<tr><td><a href="/{tilde_encode(name)}/{html.escape(table)}">{html.escape(table)}</a></td>'
        f"<td>{html.escape(meta['description'])}</td></tr>"
        for table, meta in tables.items() if meta.get("description")
    )
    return (f"<p>{html.escape(name)}: the tables and views, as described in docs/schema.md; a page column links "
            f"to the page of the PDF with the row's box drawn on it.</p><table>{rows}</table>")

"""Build the Datasette metadata from docs/schema.md and README.md, the one place tables, columns and example
queries are described.

Writes ``pipeline/web/metadata.json``, shipped in the package since the docs are not. It is in
Datasette's own layout under the default database name ``protocols`` (so plain ``datasette
data/processed/protocols.db --metadata pipeline/web/metadata.json`` works too); ``protokoll serve``
puts it under whatever name the served file has. Descriptions are plain text: Datasette shows
Markdown's backticks literally.

Usage: python scripts/make_datasette_metadata.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "schema.md"
README = ROOT / "README.md"
TARGET = ROOT / "pipeline" / "web" / "metadata.json"
PLAIN_NAME = "protocols"  # the default database file's stem (data/processed/protocols.db)
FTS = {"sections": "sections_fts", "items": "items_fts", "attachments": "attachments_fts"}
# the column Datasette shows for a row it links to (the web plugin shows meetings as body and date)
LABELS = {"documents": "path", "meetings": "body", "items": "title", "sections": "heading", "persons": "name",
          "votes": "question"}


def plain(text: str) -> str:
    """Markdown of a table cell -> plain text: no backticks, links as their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text.replace("`", "").strip()


def _split_meaning(columns: list[str], meaning: str) -> list[str]:
    """One meaning per column where the cell lists them in order: ``page of the PDF; → items.id, sections.id``
    for ``page``, ``item_id``, ``section_id``. Otherwise every column gets the whole meaning."""
    parts: list[str] = []
    for part in meaning.split("; "):
        targets = re.fullmatch(r"→ (`\w+\.\w+`(?:, `\w+\.\w+`)+)", part)
        parts += [f"→ {t}" for t in re.findall(r"`\w+\.\w+`", targets.group(1))] if targets else [part]
    return parts if len(columns) > 1 and len(parts) == len(columns) else [meaning] * len(columns)


def tables_from_doc(text: str) -> dict[str, dict[str, object]]:
    """{table or view: {"description": ..., "columns": {column: meaning}}} from the Markdown."""
    out: dict[str, dict[str, object]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        head = re.match(r"^### `(\w+)`(?: \(\w+\))? — (.+)$", line)
        if head and "," not in line.split("—")[0]:
            current = {}
            out[head.group(1)] = {"description": plain(head.group(2)), "columns": current}
            continue
        if line.startswith("#"):
            current = None
            continue
        row = re.match(r"^\| (`[^|]+) \|(.*)\|\s*$", line)
        if current is not None and row:
            cells = [c.strip() for c in row.group(2).split("|")]
            columns = re.findall(r"`(\w+)`", row.group(1))
            for col, meaning in zip(columns, _split_meaning(columns, cells[-1]), strict=True):
                current[col] = plain(meaning)
    return out


def _slug(title: str) -> str:
    """A query's name in its URL: the first words of its title, in ASCII (``jäv`` -> ``jav``)."""
    folded = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    return "_".join(re.findall(r"[a-z0-9]+", folded)[:8])


def doc_queries(text: str) -> list[tuple[str, str]]:
    """(title, SQL) of every example of the ``## Example queries`` section: the paragraph before each block."""
    section = text.split("## Example queries", 1)[1]
    out = []
    for before, sql in re.findall(r"((?:[^\n]+\n)+)\n```sql\n(.*?)```", section, re.S):
        title = " ".join(before.split()).rstrip(":")
        out.append((plain(title), sql.strip()))
    return out


def readme_queries(text: str) -> list[tuple[str, str]]:
    """(title, SQL) of the README's example block: each statement after its ``-- question`` comment."""
    out = []
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        for title, sql in re.findall(r"-- (.+?)\n(.*?;)", block, re.S):
            out.append((title.strip(), sql.strip()))
    return out


def queries() -> dict[str, dict[str, str]]:
    """The canned queries: the README's examples, then the research questions of docs/schema.md."""
    found = readme_queries(README.read_text(encoding="utf-8")) + doc_queries(DOC.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    for title, sql in found:
        name = _slug(title)
        if name in out:
            raise SystemExit(f"two example queries are both named {name!r}; give one another title")
        out[name] = {"title": title, "sql": sql}
    return out


def metadata() -> dict[str, object]:
    """The metadata of a protocols database: tables, views, labels, search, canned queries."""
    tables = tables_from_doc(DOC.read_text(encoding="utf-8"))
    for table, fts in FTS.items():
        tables[table] = {**tables[table], "fts_table": fts, "fts_pk": "id"}
    for table, column in LABELS.items():
        tables[table] = {**tables[table], "label_column": column}
    return {
        "title": "protokoll: Swedish meeting protocols",
        "description": "Meetings, items (§), typed sections, entities and recipients extracted from protocol PDFs. "
        "Schema: docs/schema.md.",
        "databases": {PLAIN_NAME: {"tables": tables, "queries": queries()}},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if the committed file is out of date")
    args = ap.parse_args()
    text = json.dumps(metadata(), ensure_ascii=False, indent=2) + "\n"
    if args.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date; run python scripts/make_datasette_metadata.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build datasette/metadata.json from docs/schema.md, the one place tables and columns are described.

Usage: python scripts/make_datasette_metadata.py [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "schema.md"
TARGET = ROOT / "datasette" / "metadata.json"
FTS = {"sections": "sections_fts", "items": "items_fts", "attachments": "attachments_fts"}


def tables_from_doc(text: str) -> dict[str, dict[str, object]]:
    """{table or view: {"description": ..., "columns": {column: meaning}}} from the Markdown."""
    out: dict[str, dict[str, object]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        head = re.match(r"^### `(\w+)`(?: \(\w+\))? — (.+)$", line)
        if head and "," not in line.split("—")[0]:
            current = {}
            out[head.group(1)] = {"description": head.group(2), "columns": current}
            continue
        if line.startswith("#"):
            current = None
            continue
        row = re.match(r"^\| (`[^|]+) \|(.*)\|\s*$", line)
        if current is not None and row:
            cells = [c.strip() for c in row.group(2).split("|")]
            meaning = cells[-1]
            for col in re.findall(r"`(\w+)`", row.group(1)):
                current[col] = meaning
    return out


def metadata() -> dict[str, object]:
    tables = tables_from_doc(DOC.read_text(encoding="utf-8"))
    for table, fts in FTS.items():
        tables[table] = {**tables[table], "fts_table": fts, "fts_pk": "id"}
    return {
        "title": "protokoll: Swedish meeting protocols",
        "description": "Meetings, items (§), typed sections, entities and recipients extracted from protocol PDFs. "
        "Schema: docs/schema.md.",
        "databases": {"protocols": {"tables": tables}},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", action="store_true", help="fail if the committed file is out of date")
    args = ap.parse_args()
    text = json.dumps(metadata(), ensure_ascii=False, indent=2) + "\n"
    if args.check:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date; run python scripts/make_datasette_metadata.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

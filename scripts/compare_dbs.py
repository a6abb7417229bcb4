"""Compare two protokoll SQLite databases made from the same files; exit 1 and print the tables that differ.

    python scripts/compare_dbs.py A.db B.db [--expect-model sv_protokoll]

Used by scripts/check_wheel.sh: the database an installed wheel makes (run from
another folder) must equal the one of the editable install. Every table is
compared row by row, ids included, except the columns that legitimately differ
between two runs over the same files: where the file was found (``path``), when
(timestamps, ``file_mtime`` stays: same file) and which run, process and log did it.
``documents.model`` is compared by its last path part: the model folder is
``models/sv_protokoll`` in the checkout and ``site-packages/sv_protokoll`` installed.
Documents are ordered by ``sha256``, every other table by its columns. Views and the
full-text index's shadow tables are derived from the tables and are not compared.

``--expect-model NAME`` also requires every imported document to be tagged with
that model and some entities to come from it: a run that silently tagged with the
rules only would otherwise compare equal to another such run.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path, PurePath

# Columns that differ between two runs over the same files, by table.
IGNORED = {
    "documents": {"path", "ingested_at", "run_id"},
    "document_paths": {"path", "seen_at", "run_id"},
    "runs": {"started_at", "finished_at", "command", "pid", "host", "log_path"},
    "schema_migrations": {"applied_at"},
}
PATH_COLUMNS = {"documents": {"model"}}  # compared by the last part of the path
ORDER = {"documents": "sha256"}
SHADOW = ("_data", "_idx", "_docsize", "_config", "_content")  # FTS5 tables of a virtual table
SHOWN = 5  # rows printed per side of a differing table


def tables(con: sqlite3.Connection) -> list[str]:
    """The tables to compare: all but SQLite's own and the full-text shadow tables."""
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = {name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")}
    shadow = {v + suffix for v in virtual for suffix in SHADOW}
    return [name for name, _ in rows if not name.startswith("sqlite_") and name not in shadow]


def columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]


def rows(con: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """The compared columns of ``table`` and its rows in a fixed order."""
    names = [c for c in columns(con, table) if c not in IGNORED.get(table, set())]
    select = ", ".join(f'"{c}"' for c in names)
    if table.endswith("_fts") and "rowid" not in names:
        names, select = ["rowid", *names], "rowid, " + select
    data = [tuple(_value(table, c, v) for c, v in zip(names, row, strict=True))
            for row in con.execute(f'SELECT {select} FROM "{table}"')]
    first = names.index(ORDER[table]) if ORDER.get(table) in names else None
    data.sort(key=lambda r: (repr(r[first]) if first is not None else "", [repr(v) for v in r]))
    return names, data


def _value(table: str, column: str, value: object) -> object:
    if column in PATH_COLUMNS.get(table, set()) and isinstance(value, str):
        return PurePath(value).name
    return value


def compare(a: Path, b: Path) -> list[str]:
    """One report block per table that differs (missing in one database, other columns, other rows)."""
    con_a, con_b = sqlite3.connect(f"file:{a}?mode=ro", uri=True), sqlite3.connect(f"file:{b}?mode=ro", uri=True)
    ta, tb = tables(con_a), tables(con_b)
    out = [f"{t}: only in {a}" for t in ta if t not in tb] + [f"{t}: only in {b}" for t in tb if t not in ta]
    for table in (t for t in ta if t in tb):
        cols_a, rows_a = rows(con_a, table)
        cols_b, rows_b = rows(con_b, table)
        if cols_a != cols_b:
            out.append(f"{table}: columns differ: {cols_a} vs {cols_b}")
        elif rows_a != rows_b:
            only_a = [r for r in rows_a if r not in rows_b]
            only_b = [r for r in rows_b if r not in rows_a]
            lines = [f"{table}: {len(rows_a)} vs {len(rows_b)} rows, {len(only_a)} only in A, {len(only_b)} only in B "
                     f"(columns {', '.join(cols_a)})"]
            lines += [f"  A {r!r}" for r in only_a[:SHOWN]] + [f"  B {r!r}" for r in only_b[:SHOWN]]
            if not only_a and not only_b:
                lines.append("  same rows, other multiplicity")
            out.append("\n".join(lines))
    return out


def model_problems(path: Path, model: str) -> list[str]:
    """Why the documents of ``path`` were not (all) tagged with ``model``; empty when they were."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    used = [m for (m,) in con.execute("SELECT model FROM documents WHERE status = 'ok'")]
    out = []
    if not used:
        out.append(f"{path}: no imported documents")
    other = sorted({str(m) for m in used if m is None or PurePath(m).name != model})
    if other:
        out.append(f"{path}: documents tagged with {other}, not with the model {model}")
    (from_model,) = con.execute("SELECT COUNT(*) FROM entities WHERE source = 'model'").fetchone()
    if not from_model:
        out.append(f"{path}: no entity comes from the model")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--expect-model", metavar="NAME", help="every document tagged with this model (folder name)")
    args = ap.parse_args(argv)
    for db in (args.a, args.b):
        if not db.is_file():
            print(f"{db}: no such database file", file=sys.stderr)
            return 2
    problems = compare(args.a, args.b)
    if args.expect_model:
        problems += model_problems(args.a, args.expect_model) + model_problems(args.b, args.expect_model)
    if problems:
        print(f"databases differ: A={args.a} B={args.b}")
        print("\n".join(problems))
        return 1
    con = sqlite3.connect(f"file:{args.a}?mode=ro", uri=True)
    counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables(con)}
    print(f"databases equal: {len(counts)} tables, {sum(counts.values())} rows "
          f"(documents {counts.get('documents')}, entities {counts.get('entities')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

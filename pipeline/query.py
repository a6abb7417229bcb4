"""Reading the database: full-text search, read-only SQL, export of every table, and the self-check issues.

Search is prefix search on both backends: a query word ``budget`` finds
``budget``, ``budgeten`` and ``budgetramen``. SQLite uses the FTS5 tables
(tokenizer unicode61 with diacritics kept, so å, ä, ö are letters of their
own); PostgreSQL its ``swedish`` text-search configuration, which also stems.
Sections, item titles and attachments are searched; an attachment's hit has
``section_kind`` ``attachment:<kind>`` and its ``label``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import db
from .errors import DatabaseError


@dataclass
class Hit:
    """One search result: where it is and a snippet with the match in [brackets].

    ``section_kind`` is the section's kind, ``title`` for an item title, or ``attachment:<kind>``
    for an attachment, whose ``label`` is then set; ``number`` and ``title`` are its item's, null
    for an attachment that names no item.
    """

    meeting_date: str | None
    body: str | None
    number: int | None
    title: str | None
    section_kind: str
    snippet: str
    path: str
    label: str | None = None


WORD_RE = re.compile(r'"[^"]+"|[\w-]+', re.UNICODE)


def fts5_query(text: str) -> str:
    """User words -> an FTS5 prefix query: ``budget minskning`` -> ``"budget"* "minskning"*``."""
    terms = []
    for word in WORD_RE.findall(text):
        if word.startswith('"'):
            terms.append(word)  # a quoted phrase stays a phrase
        elif word.upper() in ("OR", "AND", "NOT"):
            terms.append(word.upper())
        else:
            terms.append(f'"{word}"*')
    if not terms:
        raise ValueError("empty search query")
    return " ".join(terms)


def tsquery(text: str) -> str:
    """User words -> a PostgreSQL tsquery with prefix matching: ``budget:* & minskning:*``."""
    words = [re.sub(r"[^\w]", "", w) for w in WORD_RE.findall(text)]
    words = [w for w in words if w and w.upper() not in ("AND", "OR", "NOT")]
    if not words:
        raise ValueError("empty search query")
    return " & ".join(f"{w}:*" for w in words)


def search(
    engine: Engine,
    text: str,
    body: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Sections and item titles matching ``text``, best first, filtered by body and meeting date."""
    filters = []
    params: dict[str, Any] = {"limit": limit}
    if body:
        filters.append("lower(m.body) LIKE :body")
        params["body"] = f"%{body.lower()}%"
    if date_from:
        filters.append("m.meeting_date >= :date_from")
        params["date_from"] = date_from
    if date_to:
        filters.append("m.meeting_date <= :date_to")
        params["date_to"] = date_to
    where = "".join(f" AND {f}" for f in filters)
    joins = "JOIN meetings m ON m.id = i.meeting_id JOIN documents d ON d.id = m.document_id"
    attachment_joins = (
        "JOIN documents d ON d.id = a.document_id JOIN meetings m ON m.document_id = d.id "
        "LEFT JOIN items i ON i.id = a.item_id"
    )
    if engine.dialect.name == "sqlite":
        params["q"] = fts5_query(text)
        sql = f"""
            SELECT * FROM (
              SELECT m.meeting_date, m.body, i.number, i.title, s.kind AS section_kind,
                     snippet(sections_fts, 1, '[', ']', '…', 16) AS snippet, d.path, bm25(sections_fts) AS rank,
                     NULL AS label
              FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid
              JOIN items i ON i.id = s.item_id {joins}
              WHERE sections_fts MATCH :q {where}
              UNION ALL
              SELECT m.meeting_date, m.body, i.number, i.title, 'title' AS section_kind,
                     snippet(items_fts, 0, '[', ']', '…', 16) AS snippet, d.path, bm25(items_fts) - 5 AS rank,
                     NULL AS label
              FROM items_fts JOIN items i ON i.id = items_fts.rowid {joins}
              WHERE items_fts MATCH :q {where}
              UNION ALL
              SELECT m.meeting_date, m.body, i.number, i.title, 'attachment:' || a.kind AS section_kind,
                     snippet(attachments_fts, -1, '[', ']', '…', 16) AS snippet, d.path, bm25(attachments_fts) AS rank,
                     a.label
              FROM attachments_fts JOIN attachments a ON a.id = attachments_fts.rowid {attachment_joins}
              WHERE attachments_fts MATCH :q {where}
            ) ORDER BY rank, meeting_date, number LIMIT :limit"""
    else:
        params["q"] = tsquery(text)
        opts = "StartSel=[, StopSel=], MaxWords=20, MinWords=8, MaxFragments=1"
        attachment_tsv = db.attachment_tsvector("a")  # the GIN index's expression, so that the index is used
        sql = f"""
            SELECT * FROM (
              SELECT m.meeting_date, m.body, i.number, i.title, s.kind AS section_kind,
                     ts_headline('swedish', s.text, to_tsquery('swedish', :q), '{opts}') AS snippet, d.path,
                     -ts_rank(to_tsvector('swedish', coalesce(s.heading, '') || ' ' || s.text),
                              to_tsquery('swedish', :q)) AS rank,
                     NULL AS label
              FROM sections s JOIN items i ON i.id = s.item_id {joins}
              WHERE to_tsvector('swedish', coalesce(s.heading, '') || ' ' || s.text) @@ to_tsquery('swedish', :q)
                {where}
              UNION ALL
              SELECT m.meeting_date, m.body, i.number, i.title, 'title' AS section_kind,
                     ts_headline('swedish', coalesce(i.title, ''), to_tsquery('swedish', :q), '{opts}'),
                     d.path, -1 - ts_rank(to_tsvector('swedish', coalesce(i.title, '')), to_tsquery('swedish', :q)),
                     NULL
              FROM items i {joins}
              WHERE to_tsvector('swedish', coalesce(i.title, '')) @@ to_tsquery('swedish', :q) {where}
              UNION ALL
              SELECT m.meeting_date, m.body, i.number, i.title, 'attachment:' || a.kind,
                     ts_headline('swedish', a.text, to_tsquery('swedish', :q), '{opts}'), d.path,
                     -ts_rank({attachment_tsv}, to_tsquery('swedish', :q)), a.label
              FROM attachments a {attachment_joins}
              WHERE {attachment_tsv} @@ to_tsquery('swedish', :q) {where}
            ) AS hits ORDER BY rank, meeting_date, number LIMIT :limit"""
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(sql), params).mappings().all()
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"search failed: {exc}") from exc
    return [
        Hit(
            meeting_date=str(r["meeting_date"]) if r["meeting_date"] is not None else None,
            body=r["body"], number=r["number"], title=r["title"], section_kind=r["section_kind"],
            snippet=" ".join(str(r["snippet"]).split()), path=r["path"], label=r["label"],
        )
        for r in rows
    ]


class RefusedQuery(Exception):
    """A ``query`` statement refused before or while it runs (the user's SQL, not the database, is at fault)."""


# PRAGMAs that only read (their argument names a table or an index); any other PRAGMA with a value is refused
READING_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
})
REFUSED_FILES = "ATTACH and VACUUM INTO write files; 'protokoll query' only reads the database"


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _source: str | None) -> int:
    """SQLite authorizer of the read-only engine: refuse what writes files even on a ``mode=ro`` connection.

    ``ATTACH`` creates the file it names and ``VACUUM INTO`` (which SQLite authorises as an ATTACH)
    writes a full copy of the database; a PRAGMA that sets a value is refused too.
    """
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and arg2 is not None and (arg1 or "").lower() not in READING_PRAGMAS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _statements(sql: str) -> int:
    """How many statements ``sql`` holds: semicolons outside strings, quoted names, comments and
    PostgreSQL dollar quotes separate them; an empty last statement (a trailing ``;``) is not counted."""
    count, pending, i, n = 0, False, 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`":
            end = sql.find(c, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == c:  # '' and "" escape the quote
                end = sql.find(c, end + 2)
            i, pending = (n if end == -1 else end + 1), True
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif c == "$" and (m := re.match(r"\$[A-Za-z_]*\$", sql[i:])):
            end = sql.find(m.group(), i + len(m.group()))
            i, pending = (n if end == -1 else end + len(m.group())), True
        elif c == ";":
            count, pending, i = count + pending, False, i + 1
        else:
            pending = pending or not c.isspace()
            i += 1
    return count + pending


def read_only_engine(db_arg: str | None) -> Engine:
    """An engine whose connections cannot write: enforced by the database, not by parsing SQL.

    SQLite: the file is opened with ``mode=ro``; PostgreSQL: every transaction is READ ONLY.
    """
    url = sa.engine.make_url(db.database_url(db_arg))
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.is_file():
            raise DatabaseError(f"no database at {path}; run 'protokoll ingest' first")
        engine = sa.create_engine(f"sqlite:///file:{path.resolve().as_posix()}?mode=ro&uri=true")

        @sa.event.listens_for(engine, "connect")
        def _no_files(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.set_authorizer(_sqlite_authorizer)

        return engine
    try:
        if url.get_backend_name() == "postgresql":
            return sa.create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
        return sa.create_engine(url, execution_options={"postgresql_readonly": True})
    except Exception as exc:  # bad URL, missing driver
        raise DatabaseError(db.mask_url(f"cannot open database {url.render_as_string(hide_password=False)}: {exc}")) from exc


def up_to_date_engine(db_arg: str | None) -> Engine:
    """A read-only engine (``read_only_engine``) on a database of the current schema version.

    For the read commands (status, search): a missing file or an older schema is an error that
    names the database and the fix; nothing is created or migrated.
    """
    engine = read_only_engine(db_arg)
    try:
        pending = db.pending_migrations(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database at {_display(engine)}: {str(exc).splitlines()[0]}") from exc
    if pending:
        raise DatabaseError(
            f"the database at {_display(engine)} was made by an older version (lacks {', '.join(pending)}); "
            "run 'protokoll migrate' first"
        )
    return engine


def run_query(engine: Engine, sql: str) -> tuple[list[str], list[Sequence[Any]]]:
    """Run one SQL statement; returns column names and rows.

    More than one statement, or (SQLite) one that would write a file, raises ``RefusedQuery``;
    a statement the database refuses (a write on the read-only connection) ``DatabaseError``.
    """
    statements = _statements(sql)
    if statements != 1:
        raise RefusedQuery(f"query refused: {statements} statements; give exactly one")
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql)
            if not result.returns_rows:
                return [], []
            return list(result.keys()), [tuple(r) for r in result.fetchall()]
    except sa.exc.SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        message = str(orig) if orig is not None else str(exc)
        denied = getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_AUTH or "not authorized" in message
        if engine.dialect.name == "sqlite" and denied:
            raise RefusedQuery(f"query refused: {REFUSED_FILES}") from exc
        raise DatabaseError(f"query failed: {message.splitlines()[0]}") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def format_rows(columns: list[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, JSON (a list of objects) or CSV."""
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(columns, r, strict=True)} for r in rows],
                          ensure_ascii=False, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in r] for r in rows])
        return out.getvalue().rstrip("\n")
    cells = [[("" if v is None else str(_plain(v))).replace("\n", " ") for v in r] for r in rows]
    widths = [min(60, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def hits_as_rows(hits: list[Hit]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Search hits in the shape ``format_rows`` takes."""
    columns = ["meeting_date", "body", "number", "title", "section_kind", "snippet", "path", "label"]
    return columns, [tuple(asdict(h)[c] for c in columns) for h in hits]


def export_tables(engine: Engine, folder: Path, fmt: str) -> Iterator[tuple[str, int, Path]]:
    """Write every table to ``folder/<table>.<jsonl|csv>``; yields (table, rows, file)."""
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if not sa.inspect(conn).has_table(table.name):
                continue
            target = folder / f"{table.name}.{fmt}"
            count = 0
            result = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            columns = list(result.keys())
            with target.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n") if fmt == "csv" else None
                if writer:
                    writer.writerow(columns)
                for row in result:
                    values = [_plain(v) for v in row]
                    if table is db.runs:  # rows stored before passwords were masked
                        values = [db.mask_url(v) if c == "command" and v else v for c, v in zip(columns, values, strict=True)]
                    if writer:
                        writer.writerow(values)
                    else:
                        fh.write(json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False) + "\n")
                    count += 1
            yield table.name, count, target


@dataclass
class IssueRow:
    """A self-check issue as stored (``document_issues``), with the file and the § it concerns."""

    path: str
    severity: str
    code: str
    number: int | None
    page: int | None
    message: str

    def line(self) -> str:
        """``path: severity code §N p.K: message`` (§ and page left out when unknown)."""
        where = (f" §{self.number}" if self.number is not None else "") + (f" p.{self.page}" if self.page is not None else "")
        return f"{self.path}: {self.severity} {self.code}{where}: {self.message}"


def fetch_issues(engine: Engine, severity: str | None = None) -> list[IssueRow]:
    """Every self-check issue (or those of one severity), by file, errors first, in the order they were found."""
    d, i, n = db.documents.c, db.document_issues.c, db.items.c
    query = (
        sa.select(d.path, i.severity, i.code, n.number, i.page, i.message)
        .select_from(db.document_issues.join(db.documents, d.id == i.document_id).outerjoin(db.items, n.id == i.item_id))
        .order_by(d.path, i.severity, i.id)
    )
    if severity is not None:
        query = query.where(i.severity == severity)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(db.document_issues.name):
                raise DatabaseError(
                    f"the database at {_display(engine)} has no document_issues table "
                    "(made by an older version); run 'protokoll migrate', then 'protokoll ingest --force' to check "
                    "the documents"
                )
            rows = conn.execute(query).all()
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the document issues: {exc}") from exc
    return [IssueRow(r.path, r.severity, r.code, r.number, r.page, r.message) for r in rows]


def _display(engine: Engine) -> str:
    """The database as the user named it: the SQLite file (also when opened read-only by URI), else the URL."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return engine.url.database.removeprefix("file:").split("?")[0]
    return engine.url.render_as_string(hide_password=True)


def issue_counts(issues: list[IssueRow]) -> dict[str, dict[str, int]]:
    """{severity: {code: count}}, both in a fixed order (errors first; codes by count, then name)."""
    counts: dict[str, dict[str, int]] = {}
    for severity in ("error", "warning"):
        codes: dict[str, int] = {}
        for issue in issues:
            if issue.severity == severity:
                codes[issue.code] = codes.get(issue.code, 0) + 1
        if codes:
            counts[severity] = dict(sorted(codes.items(), key=lambda kv: (-kv[1], kv[0])))
    return counts

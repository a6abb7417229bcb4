"""Reading the database: full-text search, read-only SQL, export of every table and view, the
self-check issues, and the paths documents were recorded under.

Search is prefix search on both backends: a query word ``budget`` finds
``budget``, ``budgeten`` and ``budgetramen``. SQLite uses the FTS5 tables
(tokenizer unicode61 with diacritics kept, so å, ä, ö are letters of their
own); PostgreSQL its ``swedish`` text-search configuration, which also stems.
Sections, item titles and attachments are searched; an attachment's hit has
``section_kind`` ``attachment:<kind>`` and its ``label``. The search text is words,
"quoted phrases" and the operators AND, OR and NOT between them, meaning the same on both
backends; its length and number of terms are bounded, as its cost grows faster than its terms.

Everything here reads through ``read_only_engine``: the database itself refuses writes, and
``query`` and ``search`` run under a time limit that the database enforces (PostgreSQL's
``statement_timeout``, so a search the client gave up on does not go on running server-side).
Errors in the user's SQL or search text are ``QueryError`` (one line, exit 1); a database
that cannot be used is ``DatabaseError`` (exit 3).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from . import db
from .errors import DatabaseError, ProtokollError


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
OPERATORS = ("AND", "OR", "NOT")
# The cost of a search grows faster than its number of terms (SQLite: 1,000 repeated terms ran
# for minutes; PostgreSQL: 200 took 8 s on two documents), so the text is bounded.
MAX_SEARCH_CHARS = 500
MAX_SEARCH_TERMS = 32


class QueryError(Exception):
    """The user's SQL or search text, not the database, is at fault: one line on stderr, exit 1."""


class RefusedQuery(QueryError):
    """A ``query`` statement refused before or while it runs."""


class QueryTimeout(QueryError):
    """A statement stopped at its time limit; the database stops it too, so nothing goes on running."""


class ExportError(ProtokollError):
    """The export folder or one of its files cannot be written (an environment problem, exit 3)."""


@dataclass(frozen=True)
class Term:
    """A part of a search text: a ``word`` (prefix-matched), a quoted ``phrase`` or an ``op``erator.

    ``words`` are its letters-and-digits runs (``plan-och`` -> ``plan``, ``och``); for an operator, its name.
    """

    kind: str
    words: tuple[str, ...]


def parse_search(text: str) -> list[Term]:
    """The search text as terms and the operators AND, OR, NOT between them.

    An empty or overlong text (over ``MAX_SEARCH_CHARS`` characters or ``MAX_SEARCH_TERMS`` terms)
    raises ``ValueError``, a usage error; an operator without a term on each side ``QueryError``.
    """
    if len(text) > MAX_SEARCH_CHARS:
        raise ValueError(f"the search text has {len(text)} characters; give at most {MAX_SEARCH_CHARS}")
    terms = []
    for token in WORD_RE.findall(text):
        if token.upper() in OPERATORS:
            terms.append(Term("op", (token.upper(),)))
        elif words := tuple(re.findall(r"\w+", token)):
            terms.append(Term("phrase" if token.startswith('"') else "word", words))
    if not terms:
        raise ValueError("empty search query")
    count = sum(t.kind != "op" for t in terms)
    if count > MAX_SEARCH_TERMS:
        raise ValueError(f"the search text has {count} terms; give at most {MAX_SEARCH_TERMS}")
    for i, term in enumerate(terms):
        if term.kind == "op" and (i in (0, len(terms) - 1) or terms[i - 1].kind == "op"):
            op = term.words[0]
            raise QueryError(
                f"search: cannot parse the search text {text!r}: {op} needs a search word on each side, "
                f"as in 'budget {op} skola'"
            )
    return terms


def fts5_query(text: str) -> str:
    """User words -> an FTS5 prefix query: ``budget minskning`` -> ``"budget"* "minskning"*``."""
    parts = []
    for term in parse_search(text):
        joined = " ".join(term.words)
        parts.append(joined if term.kind == "op" else f'"{joined}"*' if term.kind == "word" else f'"{joined}"')
    return " ".join(parts)


def tsquery(text: str) -> str:
    """User words -> a PostgreSQL tsquery with prefix matching: ``budget:* & minskning:*``.

    The operators mean what they mean in FTS5 (``a NOT b`` is ``a & !b``; AND binds before OR),
    so a search finds the same on both backends.
    """
    parts: list[str] = []
    op = "AND"
    for term in parse_search(text):
        if term.kind == "op":
            op = term.words[0]
            continue
        words = list(term.words)
        if term.kind == "word":
            words[-1] += ":*"
        quoted = words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"
        if parts:
            parts.append("|" if op == "OR" else "&")
        parts.append("!" + quoted if op == "NOT" else quoted)
        op = "AND"
    return " ".join(parts)


@dataclass
class SearchResult:
    """The hits shown (at most the limit) and how many there are in all."""

    hits: list[Hit]
    total: int


def _search_branches(engine: Engine, where: str) -> list[tuple[str, str]]:
    """(columns, FROM ... WHERE ...) of each kind of hit: sections, item titles, attachments."""
    joins = "JOIN meetings m ON m.id = i.meeting_id JOIN documents d ON d.id = m.document_id"
    attachment_joins = (
        "JOIN documents d ON d.id = a.document_id JOIN meetings m ON m.document_id = d.id "
        "LEFT JOIN items i ON i.id = a.item_id"
    )
    if engine.dialect.name == "sqlite":
        return [
            ("m.meeting_date, m.body, i.number, i.title, s.kind AS section_kind, "
             "snippet(sections_fts, 1, '[', ']', '…', 16) AS snippet, d.path, bm25(sections_fts) AS rank, NULL AS label",
             f"FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid JOIN items i ON i.id = s.item_id {joins} "
             f"WHERE sections_fts MATCH :q {where}"),
            ("m.meeting_date, m.body, i.number, i.title, 'title' AS section_kind, "
             "snippet(items_fts, 0, '[', ']', '…', 16) AS snippet, d.path, bm25(items_fts) - 5 AS rank, NULL AS label",
             f"FROM items_fts JOIN items i ON i.id = items_fts.rowid {joins} WHERE items_fts MATCH :q {where}"),
            ("m.meeting_date, m.body, i.number, i.title, 'attachment:' || a.kind AS section_kind, "
             "snippet(attachments_fts, -1, '[', ']', '…', 16) AS snippet, d.path, bm25(attachments_fts) AS rank, a.label",
             f"FROM attachments_fts JOIN attachments a ON a.id = attachments_fts.rowid {attachment_joins} "
             f"WHERE attachments_fts MATCH :q {where}"),
        ]
    opts = "StartSel=[, StopSel=], MaxWords=20, MinWords=8, MaxFragments=1"
    query = "to_tsquery('swedish', :q)"
    section_tsv = "to_tsvector('swedish', coalesce(s.heading, '') || ' ' || s.text)"
    title_tsv = "to_tsvector('swedish', coalesce(i.title, ''))"
    attachment_tsv = db.attachment_tsvector("a")  # the GIN index's expression, so that the index is used
    return [
        (f"m.meeting_date, m.body, i.number, i.title, s.kind AS section_kind, "
         f"ts_headline('swedish', s.text, {query}, '{opts}') AS snippet, d.path, "
         f"-ts_rank({section_tsv}, {query}) AS rank, NULL AS label",
         f"FROM sections s JOIN items i ON i.id = s.item_id {joins} WHERE {section_tsv} @@ {query} {where}"),
        (f"m.meeting_date, m.body, i.number, i.title, 'title' AS section_kind, "
         f"ts_headline('swedish', coalesce(i.title, ''), {query}, '{opts}') AS snippet, d.path, "
         f"-1 - ts_rank({title_tsv}, {query}) AS rank, NULL AS label",
         f"FROM items i {joins} WHERE {title_tsv} @@ {query} {where}"),
        (f"m.meeting_date, m.body, i.number, i.title, 'attachment:' || a.kind AS section_kind, "
         f"ts_headline('swedish', a.text, {query}, '{opts}') AS snippet, d.path, "
         f"-ts_rank({attachment_tsv}, {query}) AS rank, a.label",
         f"FROM attachments a {attachment_joins} WHERE {attachment_tsv} @@ {query} {where}"),
    ]


def search(
    engine: Engine,
    text: str,
    body: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
    timeout: float | None = None,
) -> SearchResult:
    """Sections, item titles and attachments matching ``text``, best first, filtered by body and meeting date.

    Counts all matches when the limit cuts them. The text is checked (``parse_search``) before the
    database is asked; a search running longer than ``timeout`` seconds raises ``QueryTimeout``.
    """
    filters = []
    params: dict[str, Any] = {"q": fts5_query(text) if engine.dialect.name == "sqlite" else tsquery(text)}
    if body:
        filters.append("lower(m.body) LIKE :body")
        params["body"] = f"%{body.lower()}%"
    if date_from:
        filters.append("m.meeting_date >= :date_from")
        params["date_from"] = date_from
    if date_to:
        filters.append("m.meeting_date <= :date_to")
        params["date_to"] = date_to
    branches = _search_branches(engine, "".join(f" AND {f}" for f in filters))
    hits_sql = (
        "SELECT * FROM (" + " UNION ALL ".join(f"SELECT {columns} {rest}" for columns, rest in branches)
        + ") AS hits ORDER BY rank, meeting_date, number LIMIT :limit"
    )
    count_sql = "SELECT count(*) FROM (" + " UNION ALL ".join(f"SELECT 1 AS hit {rest}" for _, rest in branches) + ") AS hits"
    try:
        with engine.connect() as conn:
            _limit_time(conn, timeout)
            rows = conn.execute(sa.text(hits_sql), {**params, "limit": limit}).mappings().all()
            total = len(rows) if len(rows) < limit else int(conn.execute(sa.text(count_sql), params).scalar_one())
    except sa.exc.SQLAlchemyError as exc:
        raise _failure(exc, engine, "search", timeout, f"search: cannot parse the search text {text!r}") from exc
    hits = [
        Hit(
            meeting_date=str(r["meeting_date"]) if r["meeting_date"] is not None else None,
            body=r["body"], number=r["number"], title=r["title"], section_kind=r["section_kind"],
            snippet=" ".join(str(r["snippet"]).split()), path=r["path"], label=r["label"],
        )
        for r in rows
    ]
    return SearchResult(hits, total)


# PRAGMAs that only read (their argument names a table or an index); any other PRAGMA with a value is refused
READING_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
})
REFUSED_FILES = "ATTACH and VACUUM INTO write files; 'protokoll query' only reads the database"
# The statements 'query' runs: those that read. Anything else (SET, RESET, BEGIN, COMMIT, DO, CALL,
# COPY, LOAD, CHECKPOINT, ...) is refused before it reaches the database, since some act outside
# the read-only transaction: SET and COMMIT change it, COPY ... TO and DO write files as a superuser.
QUERY_KEYWORDS = ("SELECT", "WITH", "VALUES", "TABLE", "EXPLAIN", "SHOW", "PRAGMA")
# SQLite statements left to the authorizer, which refuses them with the reason (REFUSED_FILES)
AUTHORIZED_KEYWORDS = ("ATTACH", "DETACH", "VACUUM")
PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock (see _limit_time)


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


def _past_comment(sql: str, i: int) -> int | None:
    """Where a ``--`` or ``/* */`` comment starting at ``i`` ends (the end of ``sql`` if never closed); None if none starts there."""
    if sql.startswith("--", i):
        end = sql.find("\n", i)
        return len(sql) if end == -1 else end + 1
    if sql.startswith("/*", i):
        end = sql.find("*/", i + 2)
        return len(sql) if end == -1 else end + 2
    return None


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
        elif (after := _past_comment(sql, i)) is not None:
            i = after
        elif c == "$" and (m := re.match(r"\$[A-Za-z_]*\$", sql[i:])):
            end = sql.find(m.group(), i + len(m.group()))
            i, pending = (n if end == -1 else end + len(m.group())), True
        elif c == ";":
            count, pending, i = count + pending, False, i + 1
        else:
            pending = pending or not c.isspace()
            i += 1
    return count + pending


def first_keyword(sql: str) -> str:
    """The statement's first word in capitals, past comments and opening parentheses: what kind of statement it is."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i].isspace() or sql[i] == "(":
            i += 1
        elif (after := _past_comment(sql, i)) is not None:
            i = after
        else:
            break
    m = re.match(r"[A-Za-z]+", sql[i:])
    return m.group().upper() if m else ""


def read_only_engine(db_arg: str | None) -> Engine:
    """An engine whose connections cannot write: enforced by the database, not by parsing SQL.

    SQLite: the file is opened with ``mode=ro``, or ``immutable=1`` when that cannot work (a copy in
    a folder nobody may write, where SQLite cannot make the ``-shm`` file WAL reading needs), and an
    authorizer refuses ATTACH, VACUUM INTO and PRAGMAs that set. PostgreSQL: every transaction is
    READ ONLY from the moment the connection is made. No pool: each ``connect()`` is a fresh
    connection, so nothing one statement did to its session outlives it.
    """
    url = sa.engine.make_url(db.database_url(db_arg))
    if url.get_backend_name() == "sqlite":
        return _sqlite_read_only(Path(url.database or ""))
    try:
        if url.get_backend_name() == "postgresql":
            return sa.create_engine(
                url, poolclass=NullPool, connect_args={"options": "-c default_transaction_read_only=on"}
            )
        return sa.create_engine(url, poolclass=NullPool, execution_options={"postgresql_readonly": True})
    except Exception as exc:  # bad URL, missing driver
        raise DatabaseError(db.mask_url(f"cannot open database {url.render_as_string(hide_password=False)}: {exc}")) from exc


def _sqlite_read_only(path: Path) -> Engine:
    if not path.is_file():
        raise DatabaseError(f"no database at {path}; run 'protokoll ingest' first")
    uri = _sqlite_uri(path)
    # the URL names the file as the user did (for messages); the creator opens it by URI
    engine = sa.create_engine(
        sa.engine.URL.create("sqlite", database=str(path)), poolclass=NullPool,
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
    )

    @sa.event.listens_for(engine, "connect")
    def _guard(dbapi_conn, record):  # type: ignore[no-untyped-def]
        dbapi_conn.set_authorizer(_sqlite_authorizer)
        info = record.info
        dbapi_conn.set_progress_handler(lambda: int(time.monotonic() > info.get("deadline", math.inf)), PROGRESS_STEPS)

    @sa.event.listens_for(engine, "checkin")
    def _stop_timer(_dbapi_conn, record):  # type: ignore[no-untyped-def]
        timer = record.info.pop("timer", None)
        if timer is not None:
            timer.cancel()

    return engine


def _sqlite_uri(path: Path) -> str:
    """``mode=ro``, or ``immutable=1`` when a read-only open fails because the folder cannot be written.

    ``immutable`` makes SQLite skip locking and the ``-wal`` file, so it is used only when
    nothing waits in the ``-wal`` file (else those changes would silently be missing).
    """
    base = "file:" + urllib.parse.quote(path.resolve().as_posix())
    try:
        with contextlib.closing(sqlite3.connect(f"{base}?mode=ro", uri=True)) as probe:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_CANTOPEN:
            return f"{base}?mode=ro"  # not a folder problem: the first use reports it
        wal = path.with_name(path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            raise DatabaseError(
                f"cannot read {path}: its folder cannot be written and {wal.name} holds changes SQLite cannot "
                "read without writing there; copy the database and its -wal file to a folder you can write"
            ) from exc
        return f"{base}?immutable=1"
    return f"{base}?mode=ro"


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


def _limit_time(conn: Connection, timeout: float | None) -> None:
    """Stop the statements of this connection after ``timeout`` seconds (none when 0 or None).

    PostgreSQL stops the statement server-side (``statement_timeout``, for this transaction only),
    so a client that gave up leaves nothing running. SQLite: a timer interrupts the connection
    (``sqlite3_interrupt``), since a single call of an FTS5 function such as ``snippet()`` can run
    for seconds without a virtual-machine step; the progress handler of ``read_only_engine``
    catches a deadline that passed before the statement began. The timer is stopped when the
    connection is given back (the engine's ``checkin`` event).
    """
    if not timeout:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {max(1, round(timeout * 1000))}")
        return
    conn.info["deadline"] = time.monotonic() + timeout
    timer = threading.Timer(timeout, _interrupt, (conn.connection.dbapi_connection,))
    timer.daemon = True
    conn.info["timer"] = timer
    timer.start()


def _interrupt(dbapi_conn: Any) -> None:
    with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing left to stop
        dbapi_conn.interrupt()


# SQLite result codes that say the database cannot be used, rather than that the statement is wrong
SQLITE_ENVIRONMENT = frozenset({
    sqlite3.SQLITE_PERM, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_NOTADB,
})


def _failure(exc: sa.exc.SQLAlchemyError, engine: Engine, command: str, timeout: float | None, prefix: str) -> Exception:
    """The exception to raise for an error of a user's statement: ``QueryTimeout``, ``RefusedQuery``,
    ``QueryError`` (``prefix``: the database's first line) or, when the database itself cannot be used,
    ``DatabaseError`` (exit 3)."""
    orig = getattr(exc, "orig", None)
    text = (str(orig) if orig is not None else str(exc)).strip()
    message = text.splitlines()[0] if text else type(exc).__name__
    if engine.dialect.name == "sqlite":
        code = getattr(orig, "sqlite_errorcode", 0) & 0xFF
        if code == sqlite3.SQLITE_INTERRUPT:
            return _timeout(command, timeout)
        if code == sqlite3.SQLITE_AUTH or "not authorized" in message:
            return RefusedQuery(f"query refused: {REFUSED_FILES}")
        environment = code in SQLITE_ENVIRONMENT
    else:
        state = getattr(orig, "sqlstate", None) or ""
        if state == "57014":  # query_canceled: statement_timeout
            return _timeout(command, timeout)
        # no SQLSTATE: the connection failed; 08 connection, 53 resources, 57 operator, 58 system, XX internal
        environment = getattr(exc, "connection_invalidated", False) or not state or state[:2] in ("08", "53", "57", "58", "XX")
    if environment:
        return DatabaseError(db.mask_url(f"cannot read the database at {_display(engine)}: {message}"))
    return QueryError(f"{prefix}: {message}")


def _timeout(command: str, timeout: float | None) -> QueryTimeout:
    return QueryTimeout(
        f"{command}: stopped after {timeout or 0:g} s, its time limit; narrow the {command} "
        "or raise the limit with --timeout (or PROTOKOLL_QUERY_TIMEOUT; 0 for none)"
    )


def run_query(engine: Engine, sql: str, timeout: float | None = None) -> tuple[list[str], list[Sequence[Any]]]:
    """Run one SQL statement that reads; returns column names and rows.

    More than one statement, a statement that does not read (``QUERY_KEYWORDS``) or (SQLite) one
    that would write a file raises ``RefusedQuery``; one the database refuses (a write on the
    read-only connection, a syntax error) ``QueryError``; one running longer than ``timeout``
    seconds ``QueryTimeout``.
    """
    statements = _statements(sql)
    if statements != 1:
        raise RefusedQuery(f"query refused: {statements} statements; give exactly one")
    keyword = first_keyword(sql)
    if keyword and keyword not in QUERY_KEYWORDS and not (engine.dialect.name == "sqlite" and keyword in AUTHORIZED_KEYWORDS):
        raise RefusedQuery(
            f"query refused: {keyword} is not a query; 'protokoll query' runs one "
            f"{', '.join(QUERY_KEYWORDS[:-1])} or {QUERY_KEYWORDS[-1]} statement on a read-only connection"
        )
    if engine.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("%", "%%")  # no parameters are passed: a % is the user's (LIKE 'x%')
    try:
        with engine.connect() as conn:
            _limit_time(conn, timeout)
            result = conn.exec_driver_sql(sql)
            if not result.returns_rows:
                return [], []
            return list(result.keys()), [tuple(r) for r in result.fetchall()]
    except sa.exc.SQLAlchemyError as exc:
        raise _failure(exc, engine, "query", timeout, "query failed") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def format_rows(columns: list[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """Rows as an aligned text table, JSON (a list of objects), JSON lines (one object a line) or CSV."""
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(columns, r, strict=True)} for r in rows],
                          ensure_ascii=False, indent=1)
    if fmt == "jsonl":
        return "\n".join(json.dumps({c: _plain(v) for c, v in zip(columns, r, strict=True)}, ensure_ascii=False)
                         for r in rows)
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
    """Write every table to ``folder/<table>.<jsonl|csv>`` and every view to ``folder/views/<view>.<fmt>``;
    yields (table or view, rows, file).

    Each file is written to a new temporary file beside it and then renamed over the old one: a
    symlink planted at a file's name is replaced, never written through, and a reader never sees
    half a file. A folder that cannot be made or written raises ``ExportError``.
    """
    _export_folder(folder)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            for table in db.metadata.sorted_tables:
                if not inspector.has_table(table.name):
                    continue
                target = folder / f"{table.name}.{fmt}"
                # the columns the database has: an older or newer schema exports what it holds
                columns: list[sa.ColumnClause[Any]] = [sa.column(c["name"]) for c in inspector.get_columns(table.name)]
                order: list[sa.ColumnClause[Any]] = [sa.column(c.name) for c in table.primary_key.columns]
                result = conn.execute(sa.select(*columns).select_from(sa.table(table.name)).order_by(*order))
                yield table.name, _write_rows(result, target, fmt, masked=table is db.runs), target
            views = sorted(inspector.get_view_names())
            if views:
                _export_folder(folder / "views")
            for name in views:
                target = folder / "views" / f"{name}.{fmt}"
                result = conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)))
                yield name, _write_rows(result, target, fmt, masked=False), target
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database at {_display(engine)}: {str(exc).splitlines()[0]}") from exc


def _export_folder(folder: Path) -> None:
    """Make the folder; a symlink where ``views`` goes is refused, as it would lead the files elsewhere."""
    if folder.name == "views" and folder.is_symlink():
        raise ExportError(f"cannot export into {folder}: it is a symlink; remove it or export to another folder")
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot export into {folder}: it is a file, not a folder; export to a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot export into {folder}: {exc.strerror or exc}; export to a folder you can write") from exc


def _write_rows(result: sa.CursorResult[Any], target: Path, fmt: str, masked: bool) -> int:
    """Write the rows to a temporary file beside ``target``, then rename it to ``target``; returns the rows.

    ``masked``: the rows are runs, whose ``command`` may hold a database password stored before passwords were masked.
    """
    columns = list(result.keys())
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        tmp = Path(name)
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would make it; mkstemp makes 0600
        count = 0
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n") if fmt == "csv" else None
            if writer:
                writer.writerow(columns)
            for row in result:
                values = [_plain(v) for v in row]
                if masked:
                    values = [db.mask_url(v) if c == "command" and v else v for c, v in zip(columns, values, strict=True)]
                if writer:
                    writer.writerow(values)
                else:
                    fh.write(json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False) + "\n")
                count += 1
        os.replace(tmp, target)
        return count
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}; export to a folder you can write") from exc
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def recorded_paths(engine: Engine) -> dict[int, list[str]]:
    """{document id: every path it was recorded under} (``document_paths`` and ``documents.path``), by id."""
    d, p = db.documents.c, db.document_paths.c
    paths: dict[int, list[str]] = {}
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.union(sa.select(d.id, d.path), sa.select(p.document_id, p.path)).order_by("id", "path")
            ).all()
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database at {_display(engine)}: {str(exc).splitlines()[0]}") from exc
    for document_id, path in rows:
        paths.setdefault(document_id, []).append(path)
    return paths


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
    """The database as the user named it: the SQLite file, else the URL without its password."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        return engine.url.database
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

"""SQLAlchemy tables, the engine factory and the schema migrations.

The table and column names are a contract researchers write SQL against
(docs/schema.md): add, never rename. Every schema change is a named
migration recorded in ``schema_migrations``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .errors import DatabaseError

log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path("data/processed/protocols.db")
ENV_DB = "PROTOKOLL_DB"

metadata = sa.MetaData()


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _section_ref() -> sa.Column[int]:
    """The section a decision-chain row was read from (null when it spans sections)."""
    return sa.Column("section_id", sa.Integer, sa.ForeignKey("sections.id", ondelete="CASCADE"), index=True)


def _fk(name: str, target: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer, sa.ForeignKey(f"{target}.id", ondelete="CASCADE"), nullable=False, index=True)


schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    _id(),
    sa.Column("path", sa.Text, nullable=False, index=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("size", sa.Integer),
    sa.Column("page_count", sa.Integer),
    sa.Column("status", sa.String(10), nullable=False),  # 'ok' | 'failed'
    sa.Column("error", sa.Text),
    sa.Column("failed_stage", sa.String(20)),
    sa.Column("doc_type", sa.String(30)),
    sa.Column("extractor", sa.String(30)),
    sa.Column("model", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    sa.Column("run_id", sa.Integer),  # added by 0005_runs: the run that wrote the row
    sa.CheckConstraint("status IN ('ok', 'failed')", name="documents_status"),
)

pages = sa.Table(
    "pages",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("char_count", sa.Integer, nullable=False),
    sa.Column("has_text", sa.Boolean, nullable=False),
    sa.Column("ocr", sa.Boolean),  # added by 0007_ocr: the page's text comes from OCR
    sa.Column("text_quality", sa.String(12)),  # added by 0007_ocr: good | repairable | garbage
)

meetings = sa.Table(
    "meetings",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("organisation", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("meeting_date", sa.Date, index=True),
    sa.Column("place", sa.Text),
    sa.Column("first_item", sa.Integer),
    sa.Column("last_item", sa.Integer),
    sa.Column("justering_date", sa.Date),  # added by 0008_cover
    sa.Column("anslag_up", sa.Date),  # added by 0008_cover
    sa.Column("anslag_down", sa.Date),  # added by 0008_cover
)

attendees = sa.Table(
    "attendees",
    metadata,
    _id(),
    _fk("meeting_id", "meetings"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("party", sa.String(10)),
    sa.Column("role", sa.Text),
    sa.Column("kind", sa.String(12), nullable=False),  # ledamot | ersattare | ovrig | justerare
    sa.Column("replaces", sa.Text),
    sa.Column("presence", sa.Text),  # added by 0008_cover: "§§ 18-33", "kl. 15.58-"
    sa.Column("name_norm", sa.Text),  # added by 0009_people: "First Last"
)

items = sa.Table(
    "items",
    metadata,
    _id(),
    _fk("meeting_id", "meetings"),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("case_number", sa.String(80), index=True),
    sa.Column("page_start", sa.Integer),
    sa.Column("page_end", sa.Integer),
)

sections = sa.Table(
    "sections",
    metadata,
    _id(),
    _fk("item_id", "items"),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(30), nullable=False, index=True),
    sa.Column("heading", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("page_start", sa.Integer),
    sa.Column("page_end", sa.Integer),
)

def _mention_columns() -> list[sa.Column[Any]]:
    """The columns of a tagged mention, shared by ``entities`` and ``cover_entities`` (load._entity_row)."""
    return [
        sa.Column("label", sa.String(10), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start_char", sa.Integer, nullable=False),
        sa.Column("end_char", sa.Integer, nullable=False),
        sa.Column("page", sa.Integer),
        sa.Column("party", sa.String(10)),
        sa.Column("value_num", sa.Float),
        sa.Column("value_date", sa.Date),
        sa.Column("unit", sa.String(10)),
        sa.Column("source", sa.String(10)),
        sa.Column("norm", sa.Text),  # added by 0009_people: PERSON as "First Last", matching attendees.name_norm
    ]


entities = sa.Table(
    "entities",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _fk("section_id", "sections"),
    *_mention_columns(),
)

# added by 0010_cover_entities: the entities of the cover (the text before the first item),
# which belong to the meeting rather than to an item
cover_entities = sa.Table(
    "cover_entities",
    metadata,
    _id(),
    _fk("meeting_id", "meetings"),
    *_mention_columns(),
)

recipients = sa.Table(
    "recipients",
    metadata,
    _id(),
    _fk("item_id", "items"),
    sa.Column("name", sa.Text, nullable=False),
)

proposals = sa.Table(
    "proposals",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _section_ref(),
    sa.Column("person", sa.Text),
    sa.Column("party", sa.String(10)),
    sa.Column("kind", sa.String(20), nullable=False),  # bifall | avslag | återremiss | bordläggning | ändring | tillägg | other
    sa.Column("text", sa.Text, nullable=False),
)

votes = sa.Table(
    "votes",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _section_ref(),
    sa.Column("question", sa.Text),
    sa.Column("ja", sa.Integer),
    sa.Column("nej", sa.Integer),
    sa.Column("avstar", sa.Integer),
    sa.Column("franvarande", sa.Integer),
    sa.Column("warning", sa.Text),
)

vote_members = sa.Table(
    "vote_members",
    metadata,
    _id(),
    _fk("vote_id", "votes"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("party", sa.String(10)),
    sa.Column("vote", sa.String(12), nullable=False),  # ja | nej | avstår | frånvarande
)


def _stance_table(name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        _id(),
        _fk("item_id", "items"),
        _section_ref(),
        sa.Column("person", sa.Text),
        sa.Column("party", sa.String(10)),
        sa.Column("text", sa.Text, nullable=False),
    )


reservations = _stance_table("reservations")
protocol_notes = _stance_table("protocol_notes")
DECISION_TABLES = [proposals, votes, vote_members, reservations, protocol_notes]

# added by 0011_recusals: jäv declarations, one row per person and item. ``item_id`` is the item the
# jäv concerns; ``section_id`` the section it was read from, which for a declaration at the start of
# the meeting ("Anmälan av jäv", § 600: "anmäler jäv under paragraf 625") is in another item.
recusals = sa.Table(
    "recusals",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _section_ref(),
    sa.Column("person", sa.Text, nullable=False),
    sa.Column("party", sa.String(10)),
    sa.Column("reason", sa.Text),
    sa.Column("for_item_number", sa.Integer),  # the § a declaration names; null when written in the item itself
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("page", sa.Integer),
)

# added by 0012_anatomy: what a document is made of besides its items, and what looks wrong in it.
# ``item_id`` of an attachment or an issue is null when it names no item of the document.
regions = sa.Table(
    "regions",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("kind", sa.String(12), nullable=False),  # cover | agenda | item | attachment | signatures | other
    sa.Column("page_start", sa.Integer),
    sa.Column("page_end", sa.Integer),
    sa.Column("label", sa.Text),
)

attachments = sa.Table(
    "attachments",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="SET NULL"), index=True),
    sa.Column("label", sa.Text),
    sa.Column("kind", sa.String(25), nullable=False),  # bilaga | voteringslista | narvarolista | reservation | ...
    sa.Column("title", sa.Text),
    sa.Column("page_start", sa.Integer),
    sa.Column("page_end", sa.Integer),
    sa.Column("text", sa.Text, nullable=False),
)

document_issues = sa.Table(
    "document_issues",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="SET NULL"), index=True),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("code", sa.String(40), nullable=False, index=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("page", sa.Integer),
    sa.CheckConstraint("severity IN ('error', 'warning')", name="document_issues_severity"),
)
ANATOMY_TABLES = [regions, attachments, document_issues]

document_paths = sa.Table(
    "document_paths",
    metadata,
    _id(),
    _fk("document_id", "documents"),
    sa.Column("path", sa.Text, nullable=False, unique=True),
    sa.Column("size", sa.Integer),
    sa.Column("file_mtime", sa.Float),
    sa.Column("seen_at", sa.DateTime, nullable=False),
    sa.Column("run_id", sa.Integer),
)

runs = sa.Table(
    "runs",
    metadata,
    _id(),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("status", sa.String(12), nullable=False),  # running | ok | failed | interrupted
    sa.Column("command", sa.Text),
    sa.Column("files", sa.Integer),
    sa.Column("jobs", sa.Integer),
    sa.Column("inserted", sa.Integer),
    sa.Column("replaced", sa.Integer),
    sa.Column("unchanged", sa.Integer),
    sa.Column("failed", sa.Integer),
    sa.Column("pid", sa.Integer),
    sa.Column("host", sa.Text),
    sa.Column("log_path", sa.Text),
)

V1_TABLES = [documents, pages, meetings, attendees, items, sections, entities, recipients]

# Full-text search. SQLite: FTS5 tables over sections and item titles, kept in sync by
# triggers; tokenizer unicode61 with remove_diacritics 0 so å, ä, ö stay letters of their
# own; queries are turned into prefix queries (budget -> budget*). PostgreSQL: GIN
# indexes on to_tsvector('swedish', ...); the swedish configuration stems, prefix too.
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5(
        heading, text, content='sections', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
        title, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_insert AFTER INSERT ON sections BEGIN
        INSERT INTO sections_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_delete AFTER DELETE ON sections BEGIN
        INSERT INTO sections_fts(sections_fts, rowid, heading, text)
        VALUES ('delete', old.id, old.heading, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sections_fts_update AFTER UPDATE ON sections BEGIN
        INSERT INTO sections_fts(sections_fts, rowid, heading, text)
        VALUES ('delete', old.id, old.heading, old.text);
        INSERT INTO sections_fts(rowid, heading, text) VALUES (new.id, new.heading, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, title) VALUES (new.id, new.title); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title) VALUES ('delete', old.id, old.title); END""",
    """CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title) VALUES ('delete', old.id, old.title);
        INSERT INTO items_fts(rowid, title) VALUES (new.id, new.title); END""",
    "INSERT INTO sections_fts(sections_fts) VALUES ('rebuild')",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
]
POSTGRES_FTS = [
    """CREATE INDEX IF NOT EXISTS sections_search_idx ON sections
        USING GIN (to_tsvector('swedish', coalesce(heading, '') || ' ' || text))""",
    "CREATE INDEX IF NOT EXISTS items_search_idx ON items USING GIN (to_tsvector('swedish', coalesce(title, '')))",
]

# added by 0012_anatomy: the text of attachments, searched like the sections
SQLITE_ATTACHMENT_FTS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS attachments_fts USING fts5(
        label, title, text, content='attachments', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_insert AFTER INSERT ON attachments BEGIN
        INSERT INTO attachments_fts(rowid, label, title, text) VALUES (new.id, new.label, new.title, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_delete AFTER DELETE ON attachments BEGIN
        INSERT INTO attachments_fts(attachments_fts, rowid, label, title, text)
        VALUES ('delete', old.id, old.label, old.title, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS attachments_fts_update AFTER UPDATE ON attachments BEGIN
        INSERT INTO attachments_fts(attachments_fts, rowid, label, title, text)
        VALUES ('delete', old.id, old.label, old.title, old.text);
        INSERT INTO attachments_fts(rowid, label, title, text) VALUES (new.id, new.label, new.title, new.text); END""",
    "INSERT INTO attachments_fts(attachments_fts) VALUES ('rebuild')",
]


def attachment_tsvector(alias: str = "") -> str:
    """PostgreSQL: the words of an attachment's label, title and text; the GIN index's expression and search's."""
    a = f"{alias}." if alias else ""
    return f"to_tsvector('swedish', coalesce({a}label, '') || ' ' || coalesce({a}title, '') || ' ' || {a}text)"


POSTGRES_ATTACHMENT_FTS = [
    f"CREATE INDEX IF NOT EXISTS attachments_search_idx ON attachments USING GIN ({attachment_tsvector()})"
]

VIEWS = {
    "decisions": """
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number,
               s.text AS decision, i.id AS item_id, d.path
        FROM sections s
        JOIN items i ON i.id = s.item_id
        JOIN meetings m ON m.id = i.meeting_id
        JOIN documents d ON d.id = m.document_id
        WHERE s.kind = 'beslut'""",
    "person_mentions": """
        SELECT e.text AS person, e.norm AS person_norm, e.party, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id, e.section_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'PERSON'""",
    "amounts": """
        SELECT e.value_num AS sek, e.text, m.meeting_date, m.body, i.number, i.title,
               s.kind AS section_kind, e.page, e.item_id
        FROM entities e
        JOIN sections s ON s.id = e.section_id
        JOIN items i ON i.id = e.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE e.label = 'MONEY' AND (e.unit = 'SEK' OR e.unit IS NULL)""",
    "case_history": """
        SELECT i.case_number, m.meeting_date, m.organisation, m.body, i.number, i.title,
               (SELECT s.text FROM sections s WHERE s.item_id = i.id AND s.kind = 'beslut'
                ORDER BY s.position LIMIT 1) AS decision,
               i.id AS item_id
        FROM items i
        JOIN meetings m ON m.id = i.meeting_id
        WHERE i.case_number IS NOT NULL
        ORDER BY i.case_number, m.meeting_date, i.number""",
    "recipients_by_item": """
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.name AS recipient, r.item_id
        FROM recipients r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
}


def _initial(conn: Connection) -> None:
    metadata.create_all(conn, tables=V1_TABLES)


def _search(conn: Connection) -> None:
    for statement in SQLITE_FTS if conn.dialect.name == "sqlite" else POSTGRES_FTS:
        conn.exec_driver_sql(statement)


def _views(conn: Connection) -> None:
    for name, body in VIEWS.items():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE VIEW {name} AS {body}")


def _decisions(conn: Connection) -> None:
    metadata.create_all(conn, tables=DECISION_TABLES)
    _views(conn)


def _add_missing_columns(conn: Connection, table: sa.Table, names: list[str]) -> None:
    """ALTER TABLE ADD COLUMN for the columns of ``table`` the database lacks (a fresh one has them)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            column = table.c[name]
            conn.exec_driver_sql(
                f"ALTER TABLE {table.name} ADD COLUMN {name} {column.type.compile(dialect=conn.dialect)}"
            )


def _runs(conn: Connection) -> None:
    metadata.create_all(conn, tables=[runs])
    _add_missing_columns(conn, documents, ["run_id"])


def _paths(conn: Connection) -> None:
    metadata.create_all(conn, tables=[document_paths])
    conn.exec_driver_sql(
        "INSERT INTO document_paths (document_id, path, size, file_mtime, seen_at, run_id) "
        "SELECT id, path, size, NULL, ingested_at, run_id FROM documents "
        "WHERE path NOT IN (SELECT path FROM document_paths)"
    )


def _ocr(conn: Connection) -> None:
    _add_missing_columns(conn, pages, ["ocr", "text_quality"])


def _cover(conn: Connection) -> None:
    _add_missing_columns(conn, meetings, ["justering_date", "anslag_up", "anslag_down"])
    _add_missing_columns(conn, attendees, ["presence"])


def _people(conn: Connection) -> None:
    _add_missing_columns(conn, attendees, ["name_norm"])
    _add_missing_columns(conn, entities, ["norm"])
    _views(conn)


def _cover_entities(conn: Connection) -> None:
    metadata.create_all(conn, tables=[cover_entities])


# Created by 0011_recusals, not with ``VIEWS``: the earlier migrations that (re)create those run on
# databases that have no ``recusals`` table yet, and PostgreSQL refuses a view of a missing table.
RECUSAL_VIEWS = {
    "recusals_by_item": """
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.person, r.party, r.reason,
               r.page, r.item_id
        FROM recusals r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
}


def _recusals(conn: Connection) -> None:
    metadata.create_all(conn, tables=[recusals])
    for name, body in RECUSAL_VIEWS.items():
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE VIEW {name} AS {body}")


def _anatomy(conn: Connection) -> None:
    metadata.create_all(conn, tables=ANATOMY_TABLES)
    for statement in SQLITE_ATTACHMENT_FTS if conn.dialect.name == "sqlite" else POSTGRES_ATTACHMENT_FTS:
        conn.exec_driver_sql(statement)


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_initial", _initial),
    ("0002_search", _search),
    ("0003_views", _views),
    ("0004_decisions", _decisions),
    ("0005_runs", _runs),
    ("0006_paths", _paths),
    ("0007_ocr", _ocr),
    ("0008_cover", _cover),
    ("0009_people", _people),
    ("0010_cover_entities", _cover_entities),
    ("0011_recusals", _recusals),
    ("0012_anatomy", _anatomy),
]


def pending_migrations(engine: Engine) -> list[str]:
    """Names of the migrations this database has not had yet."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return [name for name, _ in MIGRATIONS]
        done = {row[0] for row in conn.execute(sa.select(schema_migrations.c.name))}
    return [name for name, _ in MIGRATIONS if name not in done]


def database_url(db: str | None) -> str:
    """The SQLAlchemy URL from ``--db``, else ``$PROTOKOLL_DB``, else the default SQLite file.

    A plain path is taken as an SQLite file.
    """
    value = db or os.environ.get(ENV_DB) or str(DEFAULT_DB_PATH)
    if "://" in value:
        return value
    return f"sqlite:///{value}"


URL_PASSWORD_RE = re.compile(r"([A-Za-z][\w+.-]*://[^:/@\s]*):[^\s]*@")


def mask_url(text: str) -> str:
    """``text`` (a database URL, a command line, an error message) with every URL password as ``***``:
    ``postgresql+psycopg://user:secret@host/db`` -> ``postgresql+psycopg://user:***@host/db``.

    Used wherever a URL or a command line is shown or stored (``runs.command``, error lines, status).
    """
    return URL_PASSWORD_RE.sub(r"\1:***@", text)


def make_engine(db: str | None = None) -> Engine:
    """An engine for ``db`` (URL or path), with SQLite set up for safe concurrent use."""
    url = database_url(db)
    try:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, future=True)
    except Exception as exc:  # bad URL, missing driver
        raise DatabaseError(mask_url(f"cannot open database {url}: {exc}")) from exc
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # transactions are begun below, so DDL is transactional too
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if not url.startswith("sqlite:///file:"):
                _set_wal(cur)
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            # writers take the write lock up front (BEGIN IMMEDIATE), so two processes never
            # deadlock upgrading a read lock; the busy timeout makes the second one wait
            conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")

    return engine


def _set_wal(cursor: Any) -> None:
    """Switch the file to WAL (persistent; a no-op once set). Another process creating the
    same new database at that moment makes the switch report "locked": wait and try again."""
    for attempt in range(300):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 299:
                raise
            time.sleep(0.1)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: BEGIN IMMEDIATE on SQLite, plain BEGIN elsewhere."""
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def migrate(engine: Engine) -> list[str]:
    """Apply the migrations this database lacks, in one locked transaction; returns their names.

    Safe when several processes start at once: SQLite takes the write lock first,
    PostgreSQL an advisory lock, and the list of applied migrations is read under it.
    """
    try:
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(8091)")
            schema_migrations.create(conn, checkfirst=True)
            done = {row[0] for row in conn.execute(sa.select(schema_migrations.c.name))}
            applied = []
            for name, step in MIGRATIONS:
                if name in done:
                    continue
                step(conn)
                conn.execute(sa.insert(schema_migrations).values(name=name, applied_at=now()))
                log.info("applied migration %s", name)
                applied.append(name)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(mask_url(f"cannot prepare database {engine.url!r}: {exc}")) from exc
    return applied


def now() -> dt.datetime:
    """The current UTC time without tzinfo (portable across SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

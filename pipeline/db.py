"""SQLAlchemy tables, the engine factory and the schema migrations.

The table and column names are a contract researchers write SQL against
(docs/schema.md): add, never rename. Every schema change is a named
migration recorded in ``schema_migrations``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .errors import DatabaseError

log = logging.getLogger(__name__)

DEFAULT_DB_PATH = Path("data/processed/protocols.db")
ENV_DB = "PROTOKOLL_DB"

metadata = sa.MetaData()


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


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

entities = sa.Table(
    "entities",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _fk("section_id", "sections"),
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
)

recipients = sa.Table(
    "recipients",
    metadata,
    _id(),
    _fk("item_id", "items"),
    sa.Column("name", sa.Text, nullable=False),
)

# Children before parents: the order in which a document's rows are deleted.
DOCUMENT_TABLES = (entities, recipients, sections, items, attendees, meetings, pages)


def _initial(conn: Connection) -> None:
    metadata.create_all(conn)


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_initial", _initial),
]


def database_url(db: str | None) -> str:
    """The SQLAlchemy URL from ``--db``, else ``$PROTOKOLL_DB``, else the default SQLite file.

    A plain path is taken as an SQLite file.
    """
    value = db or os.environ.get(ENV_DB) or str(DEFAULT_DB_PATH)
    if "://" in value:
        return value
    return f"sqlite:///{value}"


def make_engine(db: str | None = None) -> Engine:
    """An engine for ``db`` (URL or path), with SQLite set up for safe concurrent use."""
    url = database_url(db)
    try:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, future=True)
    except Exception as exc:  # bad URL, missing driver
        raise DatabaseError(f"cannot open database {url}: {exc}") from exc
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    return engine


def migrate(engine: Engine) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction; returns their names."""
    applied: list[str] = []
    try:
        with engine.begin() as conn:
            schema_migrations.create(conn, checkfirst=True)
            done = {row[0] for row in conn.execute(sa.select(schema_migrations.c.name))}
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with engine.begin() as conn:
                step(conn)
                conn.execute(sa.insert(schema_migrations).values(name=name, applied_at=now()))
            log.info("applied migration %s", name)
            applied.append(name)
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot prepare database {engine.url!r}: {exc}") from exc
    return applied


def now() -> dt.datetime:
    """The current UTC time without tzinfo (portable across SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

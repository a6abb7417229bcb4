"""SQLAlchemy tables, the engine factory and the schema migrations.

The table and column names are a contract researchers write SQL against
(docs/schema.md): add, never rename. The tables here (and ``VIEWS``) describe
today's schema for load and query; every change to it is also a new frozen
migration in ``pipeline/migrations/`` (how: that package's docstring),
recorded by name in ``schema_migrations``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import migrations
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


def _person_link() -> list[sa.Column[Any]]:
    """added by 0014_persons: the person a person-bearing row names (pipeline/persons.py), and how it was found.

    No foreign key: the rows are rewritten with their document, the registry is rebuilt per
    organisation (persons.refresh), and a person without rows is removed there.
    """
    return [
        sa.Column("person_id", sa.Integer, index=True),
        sa.Column("match_method", sa.String(20)),  # pipeline.persons.MATCH_METHODS
        sa.Column("match_score", sa.Float),
    ]


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
    *_person_link(),
    sa.Column("replaces_person_id", sa.Integer),  # added by 0014_persons: the person of ``replaces``
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
    # added by 0013_outcome: what was decided (pipeline.types.OUTCOMES), the sentence it was read from
    # with its offsets into that section's text, how sure, and how the chair found the result.
    # outcome_section_id has no foreign key: items and sections would reference each other, a cycle
    # SQLAlchemy cannot order; the section is deleted with its item anyway.
    sa.Column("outcome", sa.String(20), index=True),
    sa.Column("outcome_basis", sa.Text),
    sa.Column("outcome_section_id", sa.Integer),
    sa.Column("outcome_start", sa.Integer),
    sa.Column("outcome_end", sa.Integer),
    sa.Column("outcome_confidence", sa.Float),
    sa.Column("vote_method", sa.String(12)),  # acklamation | votering
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
        *_person_link(),  # PERSON only
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
    sa.Column("stance", sa.String(20)),  # added by 0013_outcome: pipeline.types.PROPOSAL_STANCES
    sa.Column("target", sa.Text),  # added by 0013_outcome: what it supports or opposes
    sa.Column("won", sa.Boolean),  # added by 0013_outcome: null when the protocol does not say
    *_person_link(),
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
    sa.Column("method", sa.String(12)),  # added by 0013_outcome: votering (an acklamation is items.vote_method)
)

vote_members = sa.Table(
    "vote_members",
    metadata,
    _id(),
    _fk("vote_id", "votes"),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("party", sa.String(10)),
    sa.Column("vote", sa.String(12), nullable=False),  # ja | nej | avstår | frånvarande
    *_person_link(),
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
        *_person_link(),
    )


reservations = _stance_table("reservations")
protocol_notes = _stance_table("protocol_notes")

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
    *_person_link(),
)

# added by 0014_persons: the person registry, one organisation (municipality or region) at a time.
# Derived from the person-bearing rows at load time (pipeline/persons.py); docs/schema.md "People".
persons = sa.Table(
    "persons",
    metadata,
    _id(),
    sa.Column("name", sa.Text, nullable=False),  # "Siw Frostdahl-Blomqvist": the most frequent full form
    sa.Column("given_name", sa.Text),
    sa.Column("family_name", sa.Text),
    sa.Column("organisation", sa.Text, index=True),  # null: the meeting did not say, linked within it only
    sa.Column("sort_name", sa.Text, nullable=False),  # "Frostdahl-Blomqvist, Siw"
    sa.Column("identifiers", sa.JSON),  # {"key": "..."}: the resolution key; other schemes may be added
)

memberships = sa.Table(
    "memberships",
    metadata,
    _id(),
    _fk("person_id", "persons"),
    sa.Column("organisation", sa.Text),
    sa.Column("body", sa.Text),
    sa.Column("role", sa.String(20), nullable=False),  # ledamot | ersättare | ordförande | vice ordförande
    sa.Column("party", sa.String(10)),
    sa.Column("start_date", sa.Date),  # first and last meeting seen in this role
    sa.Column("end_date", sa.Date),
    sa.Column("source", sa.String(20), nullable=False),  # attendance | ersätter
)

person_aliases = sa.Table(
    "person_aliases",
    metadata,
    sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),  # as written
    sa.Column("source", sa.String(20), primary_key=True),  # the table it was written in: attendees, entities, ...
)

# added by 0013_outcome: an item's decision cut into its numbered points, att-clauses or bullets.
# start_char/end_char are offsets into the text of section_id, as for entities.
decision_clauses = sa.Table(
    "decision_clauses",
    metadata,
    _id(),
    _fk("item_id", "items"),
    _section_ref(),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("start_char", sa.Integer),
    sa.Column("end_char", sa.Integer),
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


def _box_columns(page: bool) -> list[sa.Column[Any]]:
    """added by 0015_boxes: where the row's value stands on the page (pipeline/boxes.py), in PDF points
    from the top left: the first line's box; ``boxes`` (JSON) the further lines and pages, when any."""
    return [
        *([sa.Column("page", sa.Integer)] if page else []),  # entities and cover_entities have their page already
        *(sa.Column(name, sa.Float) for name in ("x0", "y0", "x1", "y1")),
        sa.Column("boxes", sa.Text),  # [[page, x0, y0, x1, y1], ...]; null when the value fits one line
    ]


# the rows that get a box, and whether the table needs a ``page`` column for it
BOXED_TABLES = {
    "items": True, "sections": True, "entities": False, "cover_entities": False, "attendees": True,
    "recipients": True, "proposals": True, "votes": True, "attachments": True,
}
for _name, _page in BOXED_TABLES.items():
    for _column in _box_columns(_page):
        metadata.tables[_name].append_column(_column)

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

# Full-text search (migrations 0002_search and 0012_anatomy). SQLite: FTS5 tables over sections,
# item titles and attachments, kept in sync by triggers; tokenizer unicode61 with remove_diacritics 0
# so å, ä, ö stay letters of their own; queries are turned into prefix queries (budget -> budget*).
# PostgreSQL: GIN indexes on to_tsvector('swedish', ...); the swedish configuration stems, prefix too.


def attachment_tsvector(alias: str = "") -> str:
    """PostgreSQL: the words of an attachment's label, title and text; the GIN index's expression and search's."""
    a = f"{alias}." if alias else ""
    return f"to_tsvector('swedish', coalesce({a}label, '') || ' ' || coalesce({a}title, '') || ' ' || {a}text)"


# The views as the last migration that (re)created each left them (0009_people, 0011_recusals, 0013_outcome,
# 0016_person_views).
# A new view text is a new migration that drops and creates the view; tests/test_database.py
# checks that a fresh database has exactly these.
VIEWS = {
    "decisions": """
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number,
               s.text AS decision, i.id AS item_id, d.path, i.outcome
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
    "recusals_by_item": """
        SELECT m.meeting_date, m.body, i.number, i.title, i.case_number, r.person, r.party, r.reason,
               r.page, r.item_id
        FROM recusals r
        JOIN items i ON i.id = r.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
    "party_votes": """
        SELECT m.meeting_date, m.body, i.number, i.title, v.question, vm.party,
               SUM(CASE WHEN vm.vote = 'ja' THEN 1 ELSE 0 END) AS ja,
               SUM(CASE WHEN vm.vote = 'nej' THEN 1 ELSE 0 END) AS nej,
               SUM(CASE WHEN vm.vote = 'avstår' THEN 1 ELSE 0 END) AS avstar,
               SUM(CASE WHEN vm.vote = 'frånvarande' THEN 1 ELSE 0 END) AS franvarande,
               v.id AS vote_id, i.id AS item_id
        FROM vote_members vm
        JOIN votes v ON v.id = vm.vote_id
        JOIN items i ON i.id = v.item_id
        JOIN meetings m ON m.id = i.meeting_id
        GROUP BY m.meeting_date, m.body, i.number, i.title, v.question, vm.party, v.id, i.id""",
    "contested_items": """
        SELECT m.meeting_date, m.organisation, m.body, i.number, i.title, i.case_number, i.outcome,
               c.proposals, c.votes, c.reservations, i.id AS item_id
        FROM (SELECT i.id AS item_id,
                     (SELECT COUNT(DISTINCT COALESCE(p.stance, p.kind) || ':' || COALESCE(p.target, ''))
                      FROM proposals p WHERE p.item_id = i.id) AS proposals,
                     (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id) AS votes,
                     (SELECT COUNT(*) FROM reservations r WHERE r.item_id = i.id) AS reservations
              FROM items i) c
        JOIN items i ON i.id = c.item_id
        JOIN meetings m ON m.id = i.meeting_id
        WHERE c.votes > 0 OR c.reservations > 0 OR c.proposals > 1""",
    "person_activity": """
        SELECT p.id AS person_id, p.name, p.organisation, CAST(SUBSTR(CAST(m.meeting_date AS TEXT), 1, 4) AS INTEGER) AS year,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' THEN e.meeting_id END) AS meetings,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' AND e.kind = 'ledamot' THEN e.meeting_id END) AS as_ledamot,
               COUNT(DISTINCT CASE WHEN e.what = 'attended' AND e.kind = 'ersattare' THEN e.meeting_id END) AS as_ersattare,
               SUM(CASE WHEN e.what = 'proposal' THEN 1 ELSE 0 END) AS proposals,
               SUM(CASE WHEN e.what = 'reservation' THEN 1 ELSE 0 END) AS reservations,
               SUM(CASE WHEN e.what = 'recusal' THEN 1 ELSE 0 END) AS recusals,
               SUM(CASE WHEN e.what = 'vote' THEN 1 ELSE 0 END) AS votes_cast
        FROM (SELECT a.person_id, a.meeting_id, a.kind, 'attended' AS what FROM attendees a
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'proposal' FROM proposals x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'reservation' FROM reservations x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT x.person_id, i.meeting_id, NULL, 'recusal' FROM recusals x JOIN items i ON i.id = x.item_id
              UNION ALL
              SELECT vm.person_id, i.meeting_id, NULL, 'vote' FROM vote_members vm
              JOIN votes v ON v.id = vm.vote_id JOIN items i ON i.id = v.item_id
              WHERE vm.vote IN ('ja', 'nej', 'avstår')) e
        JOIN persons p ON p.id = e.person_id
        JOIN meetings m ON m.id = e.meeting_id
        GROUP BY p.id, p.name, p.organisation, CAST(SUBSTR(CAST(m.meeting_date AS TEXT), 1, 4) AS INTEGER)""",
    "person_votes": """
        SELECT p.id AS person_id, p.name, p.organisation, m.meeting_date, m.body, i.number, i.title,
               v.question, vm.vote, vm.party, i.outcome, v.ja, v.nej, v.avstar, v.id AS vote_id, i.id AS item_id
        FROM vote_members vm
        JOIN persons p ON p.id = vm.person_id
        JOIN votes v ON v.id = vm.vote_id
        JOIN items i ON i.id = v.item_id
        JOIN meetings m ON m.id = i.meeting_id""",
}


# (name, migration) in order; the statements are frozen in pipeline/migrations/m0001_initial.py ...
MIGRATIONS: list[tuple[str, migrations.Migration]] = [(m.name, m) for m in migrations.MIGRATIONS]


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


def migrate(engine: Engine, upto: str | None = None) -> list[str]:
    """Apply the migrations this database lacks, in one locked transaction; returns their names.

    ``upto`` stops after that migration (tests build a database of an older version this way).
    Safe when several processes start at once: SQLite takes the write lock first,
    PostgreSQL an advisory lock, and the list of applied migrations is read under it.
    """
    names = [name for name, _ in MIGRATIONS]
    if upto is not None and upto not in names:
        raise ValueError(f"no migration {upto!r}; known: {', '.join(names)}")
    wanted = MIGRATIONS[: names.index(upto) + 1] if upto else MIGRATIONS
    try:
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(8091)")
            conn.exec_driver_sql(migrations.schema_migrations_ddl(conn.dialect.name))
            done = {row[0] for row in conn.execute(sa.select(schema_migrations.c.name))}
            applied = []
            for name, migration in wanted:
                if name in done:
                    continue
                migration.apply(conn)
                conn.execute(sa.insert(schema_migrations).values(name=name, applied_at=now()))
                log.info("applied migration %s", name)
                applied.append(name)
    except sa.exc.SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = engine.url.database if engine.dialect.name == "sqlite" else repr(engine.url)
        hint = " (is its folder there and writable?)" if engine.dialect.name == "sqlite" else ""
        raise DatabaseError(mask_url(f"cannot prepare database {where}: {first}{hint}")) from exc
    return applied


def now() -> dt.datetime:
    """The current UTC time without tzinfo (portable across SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


SQLITE_MAX_ROWID = 2**63 - 1


def insert_ids(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table`` (integer ``id``) in one statement; their ids, in the rows' order.

    PostgreSQL: one batched INSERT .. RETURNING (SQLAlchemy's "insertmanyvalues"). SQLite: there
    SQLAlchemy cannot rely on the order of RETURNING rows and runs one INSERT per row (most of the
    writer's insert time), so the ids are given instead: SQLite gives a row inserted without an id
    the largest id of the table plus one (1 in an empty table; no table here is AUTOINCREMENT), and
    the write lock is held (``write_transaction``), so numbering on from the largest id gives exactly
    the ids SQLite would have chosen, in one executemany. At the largest rowid SQLite would pick
    ids at random: left to RETURNING.
    """
    if not rows:
        return []
    top_id, insert, returning = _insert_ids_statements(table)
    if conn.dialect.name == "sqlite":
        top = conn.execute(top_id).scalar() or 0
        if top + len(rows) <= SQLITE_MAX_ROWID:
            ids = list(range(top + 1, top + 1 + len(rows)))
            conn.execute(insert, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
            return ids
    return [int(row[0]) for row in conn.execute(returning, rows)]


@functools.cache
def _insert_ids_statements(table: sa.Table) -> tuple[sa.Select[Any], sa.Insert, Any]:
    """The statements of ``insert_ids`` for one table, built once (a new select cost SQLAlchemy ~1 ms a run)."""
    return (sa.select(sa.func.max(table.c.id)), sa.insert(table),
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True))

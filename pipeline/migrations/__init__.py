"""The schema migrations, one frozen module per version: ``m0001_initial.py`` ... ``m0012_anatomy.py``.

Each module states the literal SQL its version ran, as two lists of statements, ``SQLITE`` and
``POSTGRESQL`` (``POSTGRESQL = SQLITE`` where the two do not differ). None of them reads the table
definitions of ``pipeline/db.py``: those describe today's schema for load and query, and a
migration that compiled them (``metadata.create_all``, ``column.type.compile``, today's view text)
would change meaning whenever the schema changes, so that a database upgraded from 0001 and one
made fresh could differ.

**A new schema change is a new migration; never edit an old one.** Databases out there already
ran it and will not run it again. tests/test_database.py holds the checksum of every released
migration's statements (``Migration.checksum``), so an edit fails the test.

Adding the next migration (say 0013, ``items.outcome``) is adding one file:

1. change the description in ``pipeline/db.py``: the column in ``metadata`` (``VIEWS`` for a view);
2. write ``pipeline/migrations/m0013_outcome.py`` with a docstring saying what it adds and
   ``SQLITE = ["ALTER TABLE items ADD COLUMN outcome VARCHAR(20)"]``, ``POSTGRESQL = SQLITE``.
   For a new table paste ``str(sa.schema.CreateTable(table).compile(dialect=...))`` and its
   ``CreateIndex`` statements, once per dialect (SQLite and PostgreSQL spell ids and timestamps
   differently); for a view ``DROP VIEW IF EXISTS name`` and ``CREATE VIEW name AS ...`` with its
   full text; a backfill is an ``UPDATE``/``INSERT ... SELECT`` statement;
3. run ``tests/test_database.py``: the fresh-schema test shows whether the head schema equals
   ``pipeline/db.py``, and the checksum test shows the new checksum to add to ``FROZEN_CHECKSUMS``.

Modules are found by name (``m`` + four digits + ``_`` + a name, recorded in ``schema_migrations``
as ``0013_outcome``) and run in number order; the numbers must run 1, 2, 3 ... without a gap.

Why not Alembic: the history is a straight line of DDL that SQLAlchemy can already execute, and
every database made so far records it by name in ``schema_migrations``. Alembic would bring a
dependency, an ``env.py`` and an ini file, a revision graph and a version table of its own, plus a
bridge for the existing databases; its autogenerate compares against the live metadata, which is
exactly what a frozen migration must not depend on. Plain statement lists (the sqlite-utils way)
are the smaller thing to read and to test.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
import re
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from ..errors import DatabaseError

MODULE_NAME = re.compile(r"m(\d{4})_([a-z0-9_]+)")

# The bookkeeping table, created before the list of applied migrations is read (so outside the
# numbered migrations). Frozen like them: the DDL of 0001's time, as tests/data/protocols-v1.db has it.
SCHEMA_MIGRATIONS = {
    "sqlite": """CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR(100) NOT NULL,
    applied_at DATETIME NOT NULL,
    PRIMARY KEY (name)
)""",
    "postgresql": """CREATE TABLE IF NOT EXISTS schema_migrations (
    name VARCHAR(100) NOT NULL,
    applied_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (name)
)""",
}


def schema_migrations_ddl(dialect: str) -> str:
    """``CREATE TABLE IF NOT EXISTS schema_migrations`` for ``dialect``."""
    if dialect not in SCHEMA_MIGRATIONS:
        raise _unsupported(dialect)
    return SCHEMA_MIGRATIONS[dialect]


def _unsupported(dialect: str) -> DatabaseError:
    return DatabaseError(
        f"the schema migrations are written for SQLite and PostgreSQL, not {dialect}; "
        "use a sqlite:/// or postgresql+psycopg:// database URL"
    )


@dataclass(frozen=True)
class Migration:
    """One schema version: the name ``schema_migrations`` records and the statements per dialect."""

    name: str
    statements: dict[str, tuple[str, ...]]

    def for_dialect(self, dialect: str) -> tuple[str, ...]:
        """The statements for ``dialect``; the migrations are written for SQLite and PostgreSQL only."""
        if dialect not in self.statements:
            raise _unsupported(dialect)
        return self.statements[dialect]

    def apply(self, conn: Connection) -> None:
        """Run the statements on ``conn``, inside the caller's transaction."""
        for statement in self.for_dialect(conn.dialect.name):
            conn.exec_driver_sql(statement)

    def checksum(self) -> str:
        """A short sha256 of every dialect's statements: changes when anyone edits the migration."""
        payload = json.dumps({d: list(self.statements[d]) for d in sorted(self.statements)}, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _load() -> list[Migration]:
    """The migration modules of this package, in number order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = MODULE_NAME.fullmatch(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        statements = {"sqlite": tuple(module.SQLITE), "postgresql": tuple(module.POSTGRESQL)}
        found.append(Migration(f"{match[1]}_{match[2]}", statements))
    found.sort(key=lambda m: m.name)
    numbers = [int(m.name[:4]) for m in found]
    if numbers != list(range(1, len(found) + 1)):
        # a programming error in this package, not a user's problem: fail on import, loudly
        raise ImportError(f"pipeline/migrations: numbers {numbers} must run 1, 2, 3 ... without gaps or repeats")
    return found


MIGRATIONS = _load()

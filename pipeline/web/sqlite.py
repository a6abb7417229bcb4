"""How the web view opens the SQLite file: immutable when all its data is in the file, else read-only and live."""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from ..query import read_only_engine


def has_log(path: Path) -> bool:
    """Whether part of the database's data is still in its write-ahead log (``<file>-wal`` not empty)."""
    wal = path.with_name(path.name + "-wal")
    return wal.is_file() and wal.stat().st_size > 0


def immutable_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(path.resolve().as_posix()) + "?immutable=1"


def reading_engine(path: Path) -> Engine:
    """An engine that cannot write and leaves no file beside the database.

    ``pipeline.query.read_only_engine`` opens ``mode=ro``, which makes ``-wal`` and ``-shm`` files
    beside a database in WAL mode; with an empty log ``immutable=1`` reads the same without them.
    """
    if has_log(path):
        return read_only_engine(str(path))
    uri = immutable_uri(path)
    return sa.create_engine(sa.engine.URL.create("sqlite", database=str(path)), poolclass=NullPool,
                            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))

"""Start Datasette on one SQLite database, immutable, with the project's metadata and plugin.

Serving never changes the database. A file whose write-ahead log is empty holds all its data and
is opened with ``immutable=1`` (SQLite reads it without locks and no statement can write). A file
with a non-empty ``-wal`` beside it (an ingest is writing, or a writer did not close cleanly) holds
part of its data in that log, which ``immutable=1`` would not read: it is opened ``mode=ro``
instead, still unable to write, and read live. Only SQLite can be served: Datasette reads SQLite
files, so a PostgreSQL URL is refused with the way to an SQLite copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa

from .. import db
from ..errors import DatabaseError, ProtokollError
from ..query import up_to_date_engine
from .metadata import for_database
from .sqlite import has_log, immutable_uri


class ServeError(ProtokollError):
    """The server cannot start: no SQLite database, port taken, Datasette missing (exit 3)."""


@dataclass(frozen=True)
class ServeOptions:
    """Where to serve and where to cache rendered pages and review reports (None: a temporary folder)."""

    host: str = "127.0.0.1"
    port: int = 8001
    reports: Path | None = None


def sqlite_path(db_arg: str | None) -> Path:
    """The SQLite file of ``--db``, checked to be a protokoll database of the current schema."""
    url = sa.engine.make_url(db.database_url(db_arg))
    if url.get_backend_name() != "sqlite":
        raise ServeError(
            f"cannot serve {db.mask_url(url.render_as_string(hide_password=False))}: Datasette reads SQLite files "
            "only; import the protocols into an SQLite file as well (protokoll ingest --db data/processed/protocols.db "
            "DIR) and serve that"
        )
    path = Path(url.database or "")
    if has_log(path):
        up_to_date_engine(db_arg).dispose()  # a missing file or an older schema: one line, exit 3
    else:
        _check_immutable(path)
    return path


def _check_immutable(path: Path) -> None:
    """``up_to_date_engine``'s checks, read as Datasette will (``immutable=1``): a ``mode=ro`` probe
    would leave ``-wal`` and ``-shm`` files beside a database in WAL mode."""
    if not path.is_file():
        raise DatabaseError(f"no database at {path}; run 'protokoll ingest' first")
    try:
        with contextlib.closing(sqlite3.connect(immutable_uri(path), uri=True)) as conn:
            done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot read the database at {path}: {str(exc).splitlines()[0]}") from exc
    pending = [name for name, _ in db.MIGRATIONS if name not in done]
    if pending:
        raise DatabaseError(
            f"the database at {path} was made by an older version (lacks {', '.join(pending)}); "
            "run 'protokoll migrate' first"
        )


def _bind(options: ServeOptions) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        sock = socket.create_server((options.host, options.port), family=family)
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {options.host}:{options.port}: {os.strerror(exc.errno) if exc.errno else exc} "
            "(choose another --port or --host)"
        ) from exc
    return sock


def _datasette(path: Path, live: bool, reports: Path) -> Any:
    try:
        import uvicorn  # noqa: F401  (checked here: it comes with the serve extra, like Datasette)
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError as exc:
        missing = (exc.name or "datasette").split(".")[0]
        raise ServeError(
            f"{missing} is not installed: protokoll serve needs the serve extra; "
            "install it with: pip install 'protokoll[serve]' (make serve does)"
        ) from exc
    from . import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="protokoll")
    files = {"files": [str(path)]} if live else {"immutables": [str(path)]}
    return Datasette(**files, metadata=for_database(path.stem, reports), settings={"sql_time_limit_ms": 5000})


class _Terminated(Exception):
    """SIGTERM arrived (raised by our handler, before uvicorn runs or when it re-raises the signal it stopped on)."""


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise _Terminated


def serve(db_arg: str | None, options: ServeOptions, announce: Callable[[str], None]) -> int | None:
    """Serve the database until Ctrl-C or SIGTERM; returns the signal that stopped it (None otherwise).

    ``announce`` gets the one line saying where the server listens (after the port is bound, so a
    port of 0 shows the port the system chose). Uvicorn shuts down gracefully on either signal and
    raises it again once done; a signal before it runs stops at once.
    """
    path = sqlite_path(db_arg)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with tempfile.TemporaryDirectory(prefix="protokoll-serve-") as scratch:
            _run(path, options, options.reports or Path(scratch), announce)
    except KeyboardInterrupt:
        return signal.SIGINT
    except _Terminated:
        return signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, previous)
    return None


def _writable(folder: Path) -> None:
    """The cache folder exists and takes files (checked now, not on the first page a researcher opens)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ServeError(
            f"cannot write the cache folder {folder}: {exc.strerror or exc} (choose a writable --reports folder)"
        ) from exc


def _run(path: Path, options: ServeOptions, reports: Path, announce: Callable[[str], None]) -> None:
    _writable(reports)
    live = has_log(path)  # decided once: the mode Datasette opens the file in and the line that says so
    ds = _datasette(path, live, reports)
    import uvicorn

    asyncio.run(ds.invoke_startup())
    with _bind(options) as sock:
        host, port = sock.getsockname()[:2]
        how = ", read live: it has a write-ahead log" if live else ""
        announce(f"serving {path} read-only at http://{host}:{port}/ (pages and reports cached in {reports}{how}; "
                 "Ctrl-C stops)")
        server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="off"))
        server.run(sockets=[sock])

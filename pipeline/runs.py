"""Operating a batch: the run record, the lock against overlapping runs, and the run's log file.

Every ``ingest`` is a row in ``runs`` (start, end, counts, status). A run that
was killed (kill -9, power loss) stays 'running' with a dead pid; the next run
on the same host marks it 'interrupted'. Its documents are whole or absent,
since each is one transaction, so the next run simply picks up the rest.

The lock makes a second ``ingest`` against the same database refuse (or, with
``--wait``, wait) while one is running: a file lock next to an SQLite
database, an advisory lock on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import db
from .errors import ProtokollError

log = logging.getLogger(__name__)
LOCK_KEY = 8093  # PostgreSQL advisory lock id of protokoll ingest runs


class LockedError(ProtokollError):
    """Another run holds the database's ingest lock."""


@contextmanager
def run_lock(engine: Engine, wait: bool = False) -> Iterator[None]:
    """Hold the ingest lock of this database for the duration of the block."""
    if engine.dialect.name == "sqlite":
        with _file_lock(Path(engine.url.database or "protocols.db"), wait):
            yield
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if wait:
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEY})")
            elif not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar():
                raise LockedError(
                    f"another 'protokoll ingest' is writing to {engine.url.render_as_string(hide_password=True)}; "
                    "try again later, or pass --wait to queue behind it"
                )
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY})")
                conn.commit()
    else:
        yield


@contextmanager
def _file_lock(database: Path, wait: bool) -> Iterator[None]:
    lock_path = database.with_name(database.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until the block ends
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            fh.seek(0)
            holder = fh.read().strip() or "unknown process"
            raise LockedError(
                f"another 'protokoll ingest' is writing to {database} ({holder}); "
                "try again later, or pass --wait to queue behind it"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}, since {db.now().isoformat(sep=' ')}")
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the lock


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted(engine: Engine) -> int:
    """Runs left 'running' by a dead process of this host become 'interrupted'; returns how many."""
    host = socket.gethostname()
    with db.write_transaction(engine) as conn:
        rows = conn.execute(
            sa.select(db.runs.c.id, db.runs.c.pid).where(db.runs.c.status == "running", db.runs.c.host == host)
        ).all()
        stale = [r.id for r in rows if r.pid != os.getpid() and not _alive(r.pid)]
        if stale:
            conn.execute(
                sa.update(db.runs).where(db.runs.c.id.in_(stale)).values(status="interrupted")
            )
    for run_id in stale:
        log.warning("run %s was interrupted; its finished documents are kept, the rest will be imported now", run_id)
    return len(stale)


def start_run(engine: Engine, command: str, files: int, jobs: int) -> int:
    """Insert the run row and return its id; a database password in ``command`` is stored masked."""
    with db.write_transaction(engine) as conn:
        return int(
            conn.execute(
                sa.insert(db.runs)
                .values(
                    started_at=db.now(), status="running", command=db.mask_url(command), files=files, jobs=jobs,
                    pid=os.getpid(), host=socket.gethostname(),
                )
                .returning(db.runs.c.id)
            ).scalar_one()
        )


def finish_run(engine: Engine, run_id: int, status: str, counts: dict[str, int], log_path: Path | None) -> None:
    """Record the end of a run with its counts."""
    with db.write_transaction(engine) as conn:
        conn.execute(
            sa.update(db.runs)
            .where(db.runs.c.id == run_id)
            .values(
                finished_at=db.now(), status=status, log_path=str(log_path) if log_path else None,
                **{k: counts.get(k, 0) for k in ("inserted", "replaced", "unchanged", "failed")},
            )
        )


class JsonFormatter(logging.Formatter):
    """One JSON object per log record, for machines."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("path", "outcome", "error", "run_id", "seconds", "items", "pages"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        return json.dumps(data, ensure_ascii=False)


@contextmanager
def run_log(folder: Path, run_id: int, as_json: bool) -> Iterator[Path]:
    """Also write every log record of the run (INFO and up) to ``folder/ingest-<run>-<time>.log``."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = folder / f"ingest-{run_id:05d}-{stamp}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(min(old_level, logging.INFO))
    for h in root.handlers:
        if h is not handler and h.level == logging.NOTSET:
            h.setLevel(old_level)  # stderr keeps the verbosity the user chose
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()

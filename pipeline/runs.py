"""Operating a batch: the run record, the lock against overlapping runs, and the run's log file.

Every ``ingest`` is a row in ``runs`` (start, end, counts, status). A run that
was killed (kill -9, power loss) stays 'running' with a dead pid; the next run
on the same host marks it 'interrupted'. Its documents are whole or absent,
since each is one transaction, so the next run simply picks up the rest.

The lock makes a second ``ingest`` against the same database refuse (or, with
``--wait``, wait) while one is running: a file lock next to an SQLite
database, an advisory lock on PostgreSQL.

SIGTERM ends a run like Ctrl-C does (``Terminated`` is raised in the main
thread), so the run row gets its true counts and status 'interrupted'.
``status_report`` is the read side of all this: it writes nothing, and shows a
run whose process is gone as 'interrupted' without recording it.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import db
from .errors import DatabaseError, ProtokollError
from .runlog import JsonFormatter, file_handler, on_stderr  # noqa: F401  (the CLI uses runs.JsonFormatter, runs.on_stderr)

log = logging.getLogger(__name__)
LOCK_KEY = 8093  # PostgreSQL advisory lock id of protokoll ingest runs


class LockedError(ProtokollError):
    """Another run holds the database's ingest lock."""


@contextmanager
def run_lock(engine: Engine, wait: bool = False, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the ingest lock of this database for the duration of the block.

    With ``wait``, ``on_wait`` is told once who holds the lock before this run queues behind it.
    """
    if engine.dialect.name == "sqlite":
        with _file_lock(Path(engine.url.database or "protocols.db"), wait, on_wait):
            yield
    elif engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait, on_wait):
            yield
    else:
        yield


@contextmanager
def _advisory_lock(engine: Engine, wait: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    shown = engine.url.render_as_string(hide_password=True)
    with engine.connect() as conn:
        if not conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar():
            if not wait:
                raise LockedError(
                    f"another 'protokoll ingest' is writing to {shown}; try again later, or pass --wait to queue behind it"
                )
            if on_wait:
                on_wait(f"waiting for the ingest lock held by {_holder_from_runs(engine)} on {shown}")
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEY})")
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY})")
            conn.commit()


def _holder_from_runs(engine: Engine) -> str:
    """The newest running run, as the lock holder's description (PostgreSQL locks carry no note)."""
    r = db.runs.c
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(r.id, r.pid, r.host, r.started_at).where(r.status == "running").order_by(r.id.desc()).limit(1)
            ).first()
    except sa.exc.SQLAlchemyError:
        row = None
    if row is None:
        return "another process"
    return f"run #{row.id} (pid {row.pid} on {row.host}, since {row.started_at})"


@contextmanager
def _file_lock(database: Path, wait: bool, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    lock_path = database.with_name(database.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh: IO[str] = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until the block ends
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the lock file {lock_path}: {exc.strerror} (the folder of the database must be writable)"
        ) from exc
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            fh.seek(0)
            holder = fh.read().strip() or "unknown process"
            if not wait:
                raise LockedError(
                    f"another 'protokoll ingest' is writing to {database} ({holder}); "
                    "try again later, or pass --wait to queue behind it"
                ) from None
            if on_wait:
                on_wait(f"waiting for the ingest lock held by {holder} on {database}")
            fcntl.flock(fh, fcntl.LOCK_EX)
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


def _db_failed(engine: Engine, what: str, exc: Exception) -> DatabaseError:
    where = db.mask_url(engine.url.render_as_string(hide_password=True))
    return DatabaseError(f"cannot {what} in the database {where}: {str(exc).splitlines()[0]} "
                         "(is the database file or its folder read-only, or the server down?)")


def mark_interrupted(engine: Engine) -> int:
    """Runs left 'running' by a dead process of this host become 'interrupted'; returns how many."""
    host = socket.gethostname()
    try:
        with db.write_transaction(engine) as conn:
            rows = conn.execute(
                sa.select(db.runs.c.id, db.runs.c.pid).where(db.runs.c.status == "running", db.runs.c.host == host)
            ).all()
            stale = [r.id for r in rows if r.pid != os.getpid() and not _alive(r.pid)]
            if stale:
                conn.execute(
                    sa.update(db.runs).where(db.runs.c.id.in_(stale)).values(status="interrupted")
                )
    except sa.exc.SQLAlchemyError as exc:
        raise _db_failed(engine, "record the run (nothing was imported or recorded)", exc) from exc
    for run_id in stale:
        log.warning("run %s was interrupted; its finished documents are kept, the rest will be imported now", run_id)
    return len(stale)


def start_run(engine: Engine, command: str, files: int, jobs: int) -> int:
    """Insert the run row and return its id; a database password in ``command`` is stored masked."""
    try:
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
    except sa.exc.SQLAlchemyError as exc:
        raise _db_failed(engine, "record the run (nothing was imported or recorded)", exc) from exc


RUN_COUNTS = ("inserted", "replaced", "unchanged", "failed")  # the outcomes the runs table has columns for


def finish_run(engine: Engine, run_id: int, status: str, counts: dict[str, int], log_path: Path | None) -> None:
    """Record the end of a run with its counts."""
    try:
        with db.write_transaction(engine) as conn:
            conn.execute(
                sa.update(db.runs)
                .where(db.runs.c.id == run_id)
                .values(
                    finished_at=db.now(), status=status, log_path=str(log_path) if log_path else None,
                    **{k: counts.get(k, 0) for k in RUN_COUNTS},
                )
            )
    except sa.exc.SQLAlchemyError as exc:
        raise _db_failed(engine, f"record the end of run #{run_id} (it stays 'running' until the next run)", exc) from exc


def check_writable(folder: Path) -> None:
    """Fail before the run starts when ``folder`` (logs, stage files) cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ProtokollError(
            f"cannot write to {exc.filename or folder}: {exc.strerror} "
            "(choose a writable folder with --processed or $PROTOKOLL_PROCESSED)"
        ) from exc


class Terminated(BaseException):
    """SIGTERM arrived: raised in the main thread so that the run ends like an interrupt (143)."""


_deferring = 0  # depth of deferred_signals blocks in the main thread
_pending: list[int] = []  # a signal that arrived while deferred


def _stop(signum: int, _frame: FrameType | None) -> None:
    """Handler of SIGINT and SIGTERM inside ``stop_signals``: raise now, or when the deferred block ends."""
    if _deferring:
        _pending.append(signum)
        return
    _raise_for(signum)


def _raise_for(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


@contextmanager
def stop_signals() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt and SIGTERM ``Terminated`` for the block (deferrable); restored after."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in before:
        signal.signal(sig, _stop)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """A stop signal arriving in the block is raised when it ends: a document written is also counted.

    A flag, not ``pthread_sigmask``: the kernel may hand the signal to another thread
    (the worker pool's), and Python then runs the handler in the main thread anyway.
    """
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if not _deferring and _pending:
        signum = _pending[0]
        _pending.clear()
        _raise_for(signum)


def ignore_signals() -> None:
    """While a stopped run records its end, a second Ctrl-C or SIGTERM must not cut that short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@dataclass
class StatusReport:
    """What ``protokoll status`` shows: documents by status, the last run, the failed files."""

    by_status: dict[str, int]
    last_run: dict[str, Any] | None
    failures: list[tuple[str, str | None, str | None]]  # path, stage, error

    @property
    def healthy(self) -> bool:
        """No run yet, or the last one finished without failures (or is still running)."""
        return self.last_run is None or self.last_run["status"] in ("ok", "running")


def status_report(engine: Engine) -> StatusReport:
    """Read the state of the database; a run left 'running' by a dead process of this host shows as
    'interrupted' (computed here, not written: status is read-only)."""
    d, r, p = db.documents.c, db.runs.c, db.document_paths.c
    with engine.connect() as conn:
        by_status = {k: int(v) for k, v in conn.execute(sa.select(d.status, sa.func.count()).group_by(d.status)).all()}
        last = conn.execute(sa.select(db.runs).order_by(r.id.desc()).limit(1)).mappings().first()
        failures = conn.execute(
            sa.select(p.path, d.failed_stage, d.error)
            .join_from(db.document_paths, db.documents, p.document_id == d.id)
            .where(d.status == "failed").order_by(p.path)
        ).all()
    last_run = dict(last) if last else None
    if last_run and last_run["status"] == "running" and _gone(last_run):
        last_run["status"] = "interrupted"
    return StatusReport(by_status, last_run, [(f.path, f.failed_stage, f.error) for f in failures])


def _gone(run: dict[str, Any]) -> bool:
    return bool(run["host"] == socket.gethostname() and run["pid"] and run["pid"] != os.getpid() and not _alive(run["pid"]))


@contextmanager
def run_log(folder: Path, run_id: int, as_json: bool) -> Iterator[Path]:
    """Also write every log record of the run (INFO and up) to ``folder/ingest-<run>-<time>.log``."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = (folder / f"ingest-{run_id:05d}-{stamp}.log").absolute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = file_handler(path, as_json)
    except OSError as exc:
        raise ProtokollError(f"cannot write the run log {path}: {exc.strerror} (choose a writable --processed)") from exc
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


def failed_paths(engine: Engine) -> list[str]:
    """Every path recorded as holding a failed document, sorted (what ``retry-failed`` tries again)."""
    p, d = db.document_paths.c, db.documents.c
    with engine.connect() as conn:
        return list(conn.execute(
            sa.select(p.path).join_from(db.document_paths, db.documents, p.document_id == d.id)
            .where(d.status == "failed").order_by(p.path)
        ).scalars())

"""The main job: files and folders -> all stages -> database, one document at a time.

Also the stage store: every stage writes its output for a document as JSON
under ``data/processed/<stage>/``, so a later stage can be re-run alone. Any
error in a document becomes a ``Failure`` that is recorded and the batch goes on.

Documents are extracted, segmented and tagged in worker processes, also with
``--jobs 1``: a file that kills its process (out of memory, a crash inside a
PDF library) then kills a worker, not the run; it is tried once more on its
own and then recorded as failed. This process is the one writer. Workers get
their configuration as a ``WorkerConfig`` and die with this process (Linux
parent-death signal plus a parent check), so no kill leaves them running. They
are forked from a forkserver that has imported the stages and spaCy once
(``_pool_context``), and with several of them the largest files go first (``schedule``).
What a worker runs (the stages of a document, the stage files, its set-up) is in
``pipeline/work.py``, which imports nothing of the database side; its names are re-exported here.

Paths are stored absolute (``Task.key``), so a later run, ``retry-failed`` or
``status`` means the same file from any working directory; messages show the
path as given (``Task.shown``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from . import load, runs
from .curation import Curation
from .errors import BadDocumentError, ProtokollError
from .extract import ExtractOptions, extract_data, file_sha256
from .types import ExtractedDocument, Failure, Protocol
from .work import (  # noqa: F401  (the worker side, re-exported: other modules and tests import it from here)
    ModelError,
    StageStore,
    StageWriteError,
    WorkerConfig,
    _identity,
    _init_worker,
    _nlp_for,
    _path_hash,
    _process_in_worker,
    die_with_parent,
    failure_of,
    process,
    process_many,
    read_stage_file,
    run_boxes,
    run_decide,
    run_extract,
    run_segment,
    run_tag,
    run_tag_many,
    write_json,
)

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".pdf",)
OUTCOMES = ("inserted", "replaced", "unchanged", "skipped", "failed")


def display_path(path: Path) -> str:
    """The path for messages: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def stored_path(path: Path) -> str:
    """The path as stored in ``documents.path`` and ``document_paths``: absolute, symlinks kept as named."""
    return Path(os.path.abspath(path)).as_posix()


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly (PDF or text) plus every PDF under the folders named, sorted, no duplicates.

    Entries that are no regular file (a FIFO, a device, a dangling link) and
    folders that cannot be listed are kept in the list: ``plan`` reports them as
    failed instead of opening them or leaving them out silently.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        for f in _walk(p) if p.is_dir() else [p]:
            found[f] = None
    return list(found)


def _walk(top: Path) -> list[Path]:
    unreadable: list[Path] = []
    files: list[Path] = []
    for folder, dirs, names in os.walk(top, onerror=lambda exc: unreadable.append(Path(exc.filename))):
        dirs.sort()
        files += [Path(folder, n) for n in names if n.lower().endswith(INPUT_SUFFIXES)]
    return sorted(files + unreadable)


@dataclass
class Summary:
    """What a run did, by outcome, and the failures with their reasons.

    ``skipped`` (left out by ``--since``) is not ``unchanged`` (already imported).
    """

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in OUTCOMES if self.counts[k]]
        total = sum(self.counts.values())
        return f"{total} document(s): " + (", ".join(parts) if parts else "nothing to do")


@dataclass
class Task:
    """A file to process: the path, as stored (absolute) and as shown (as given), and its size and mtime."""

    path: Path
    key: str
    shown: str
    size: int = 0
    mtime: float = 0.0


@dataclass
class Settled:
    """A file decided without processing it.

    ``outcome`` is 'unchanged', 'skipped' or 'failed'; ``failure`` is a new one to
    record (``new``) or the recorded one to report again; ``document_id`` is a
    recorded document whose content this path now holds (the path is recorded).
    """

    task: Task
    outcome: str
    failure: Failure | None = None
    new: bool = False
    document_id: int | None = None


@dataclass
class Plan:
    """Files to process, files decided without processing, and folder failures that no longer apply."""

    todo: list[Task] = field(default_factory=list)
    settled: list[Settled] = field(default_factory=list)
    readable_again: list[int] = field(default_factory=list)


def plan(paths: list[Path], engine: Engine, force: bool = False, since: float | None = None) -> Plan:
    """Split the inputs into files to process and files decided without processing them.

    A file whose path, size and modification time match its record is not read:
    'unchanged' when it was imported, 'failed' again when it failed (``protokoll
    retry-failed`` or ``--force`` tries it again). Otherwise its content hash
    decides: content already imported is 'unchanged' (its path is recorded), the
    same broken bytes at the same path are 'failed' again. ``since`` (a
    timestamp) leaves out files not modified since then ('skipped'). Anything
    that is no regular file, and a folder that cannot be listed, is a new
    failure, decided without opening it.
    """
    out = Plan()
    known = {} if force else load.known_paths(engine)
    out.readable_again = [k.document_id for path, k in known.items() if k.stage == "find" and _listable(path)]
    for path in paths:
        decided = _decide(Task(path, stored_path(path), path.as_posix()), engine, known, force, since)
        if isinstance(decided, Settled):
            out.settled.append(decided)
        else:
            out.todo.append(decided)
    return out


def _decide(
    task: Task, engine: Engine, known: dict[str, load.KnownPath], force: bool, since: float | None
) -> Task | Settled:
    try:
        st = os.stat(task.path)
    except OSError:
        return task  # extract reports why it cannot be read
    if not stat.S_ISREG(st.st_mode):
        return Settled(task, "failed", _not_a_file(task, st.st_mode), new=True)
    task.size, task.mtime = st.st_size, st.st_mtime
    if since is not None and st.st_mtime < since:
        return Settled(task, "skipped")
    if force:
        return task
    seen = known.get(task.key)
    if seen is not None and (seen.size, seen.mtime) == (st.st_size, st.st_mtime):
        return _as_before(task, seen, None)
    try:
        content = load.known_content(engine, file_sha256(task.path))
    except OSError:
        return task
    if content is None:
        return task
    document_id, status = content
    if status == "ok":
        return Settled(task, "unchanged", document_id=document_id)
    if seen is not None and seen.document_id == document_id:
        return _as_before(task, seen, document_id)
    return task  # the same broken bytes under a new name: tried, and recorded for this path


def _listable(path: str) -> bool:
    try:
        with os.scandir(path):
            return True
    except OSError:
        return False


def _as_before(task: Task, seen: load.KnownPath, document_id: int | None) -> Settled:
    if seen.status == "ok":
        return Settled(task, "unchanged", document_id=document_id)
    failure = Failure(task.key, "", task.size, seen.stage or "extract",
                      f"{seen.error} (failed before, unchanged; 'protokoll retry-failed' tries it again)")
    return Settled(task, "failed", failure, document_id=document_id)


def _not_a_file(task: Task, mode: int) -> Failure:
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(task.path):
                reason = "cannot read folder"
        except OSError as exc:
            reason = f"cannot read folder: {exc.strerror}"
        return Failure(task.key, _path_hash("folder", task.key), 0, "find",
                       f"{reason} (its files were not imported; make it readable and run again)")
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket"
    return Failure(task.key, _path_hash("special", task.key), 0, "extract",
                   f"not a regular file ({kind}), not opened (name a PDF file)")


def process_data(
    data: bytes, shown: str, text_file: bool, model: str | None, options: ExtractOptions | None
) -> Protocol | Failure:
    """Extract, segment, decide and tag a document given as bytes: the unit of work sent to a Dask cluster.

    The tagging pipeline is loaded once per worker process and kept.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc: ExtractedDocument | Failure = extract_data(data, shown, text_file=text_file, options=options)
    except Exception as exc:
        doc = failure_of(shown, exc, "extract", sha, len(data))
    result = run_decide(run_segment(doc))
    return run_boxes(run_tag(result, _nlp_for(model)), doc) if isinstance(result, Protocol) else result


class _Recorder:
    """Writes each result (one transaction per document), counts it, logs it and tells the caller."""

    def __init__(self, engine: Engine, summary: Summary, force: bool, run_id: int | None,
                 on_done: Callable[[Task, str, Failure | None], None] | None, curation: Curation | None = None):
        self.engine, self.summary, self.force, self.run_id, self.on_done = engine, summary, force, run_id, on_done
        self.curation = curation

    def record(self, task: Task, result: Protocol | Failure) -> None:
        with runs.deferred_signals():  # a signal between the commit and the count would make the counts lie
            outcome = load.save(self.engine, result, force=self.force, mtime=task.mtime, run_id=self.run_id,
                                curation=self.curation)
            failure = result if isinstance(result, Failure) else None
            items = len(result.items) if isinstance(result, Protocol) else 0
            self._count(task, "failed" if failure else outcome, failure, items)

    def settle(self, s: Settled) -> None:
        if s.failure is not None and s.new:
            self.record(s.task, s.failure)
            return
        with runs.deferred_signals():
            if s.document_id is not None:
                load.add_path(self.engine, s.document_id, s.task.key, s.task.size, s.task.mtime, self.run_id)
            self._count(s.task, s.outcome, s.failure, 0)

    def _count(self, task: Task, outcome: str, failure: Failure | None, items: int) -> None:
        self.summary.counts[outcome] += 1
        extra: dict[str, Any] = {"path": task.shown, "outcome": outcome, "items": items}
        if failure is not None:
            self.summary.failures.append(failure)
            # the command prints the failure as its own line on stderr; the record is for the run log
            log.warning("%s: failed: %s", task.shown, failure.error, extra={**extra, "stderr": False})
        elif outcome == "skipped":
            log.info("%s: skipped (not modified since --since)", task.shown, extra=extra)
        else:
            log.info("%s: %s", task.shown, outcome, extra=extra)
        if self.on_done:
            self.on_done(task, outcome, failure)


def ingest(
    paths: list[Path],
    engine: Engine,
    config: WorkerConfig,
    force: bool = False,
    on_done: Callable[[Task, str, Failure | None], None] | None = None,
    jobs: int = 1,
    since: float | None = None,
    run_id: int | None = None,
    dask: str | None = None,
    summary: Summary | None = None,
    curation: Curation | None = None,
) -> Summary:
    """Run every stage over ``paths`` and load each document in its own transaction.

    Worker processes (``jobs`` of them, or a Dask cluster) extract, segment and
    tag; this process is the one writer. ``summary`` is filled as documents are
    done, so a caller stopped by a signal or ``--strict`` still has the true counts. ``curation``
    (the persons file) is applied to each document's persons as it is loaded.
    """
    summary = summary if summary is not None else Summary()
    recorder = _Recorder(engine, summary, force, run_id, on_done, curation)
    planned = plan(paths, engine, force, since)
    for document_id in planned.readable_again:
        load.drop_failure(engine, document_id)
    for settled in planned.settled:
        recorder.settle(settled)
    if dask:
        _on_dask(dask, planned.todo, config, recorder.record)
    else:
        _parallel(planned.todo, jobs, config, recorder.record)
    return summary


def _parallel(
    todo: list[Task], jobs: int, config: WorkerConfig, record: Callable[[Task, Protocol | Failure], None]
) -> None:
    """Process ``todo`` in ``jobs`` worker processes, at most 2 x jobs documents in flight (bounded memory).

    A worker that dies (out of memory, a crash in a PDF library) breaks the pool;
    the documents in flight are then tried once more, each alone in a new
    worker, and the one that kills that worker too is recorded as failed.
    """
    if not todo:
        stop_forkserver()  # started early by the ingest command (``start_forkserver``), for nothing
    queue = list(reversed(schedule(todo, jobs)))
    while queue:
        in_flight, queue = _in_pool(queue, jobs, config, record)
        for task in in_flight:
            if _in_pool([task], 1, config, record)[0]:
                record(task, _died(task))


def schedule(todo: list[Task], jobs: int) -> list[Task]:
    """The order in which files go to the workers: largest first with several workers, else as given (path order).

    In path order a long protocol that comes last keeps one worker busy while the others have
    nothing left to do; started first, it runs while the others work through the small files.
    The size in bytes stands for the work (reading the page count would open every file here).
    With several workers the writer already records documents in the order they are done, so this
    changes no guarantee of the ids; with one worker the order, and so the ids, stay those of the paths.
    """
    if jobs <= 1:
        return list(todo)
    return sorted(todo, key=lambda t: (-t.size, t.key))


def _in_pool(
    queue: list[Task], jobs: int, config: WorkerConfig, record: Callable[[Task, Protocol | Failure], None]
) -> tuple[list[Task], list[Task]]:
    """Work through ``queue`` (popped from the end) in one pool.

    Returns the tasks in flight when a worker died (empty if none did) and the rest of the queue.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = list(queue)
    context, config = _pool_context(config)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(queue)), mp_context=context,
                               initializer=_init_worker, initargs=(config,))
    running: dict[Future[list[Protocol | Failure]], list[Task]] = {}
    broken = False
    try:
        while (queue or running) and not broken:
            while queue and len(running) < 2 * jobs:
                batch = _next_batch(queue, jobs)
                running[pool.submit(_process_in_worker, config, [task.key for task in batch])] = batch
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f][0].key):
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                for task, result in zip(running.pop(future), results, strict=True):
                    record(task, result)
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return sorted((task for batch in running.values() for task in batch), key=lambda t: t.key), queue


# What the forkserver imports once, so that each worker forked from it starts with it (``_pool_context``).
PRELOAD = ["pipeline.forkserver"]


def _pool_context(config: WorkerConfig) -> tuple[Any, WorkerConfig]:
    """The start method of the workers, and their configuration: a forkserver, else spawn.

    A spawned worker imports protokoll and spaCy (about 0.5 CPU-s) and, when it stops, tears its
    interpreter down (0.25 CPU-s with a model loaded). The forkserver is a fresh interpreter started
    once per process that imports ``PRELOAD`` and forks each worker from itself; a forked worker
    ends with ``os._exit``. The server holds no thread of this process, no lock, no open database
    and no model (loading one stays in the worker, as with spawn), so a worker starts from the same
    state. Its workers are the server's children: ``parent_pid`` becomes the server's, and the
    server dies with this process (``pipeline/forkserver.py``; it would wait for its workers
    otherwise, which hold its pipe), so a killed run leaves no process behind.
    """
    import multiprocessing

    server = start_forkserver()
    if server is None:
        return multiprocessing.get_context("spawn"), config
    config = dataclasses.replace(config, environ=dict(os.environ), cwd=os.getcwd())
    context = multiprocessing.get_context("forkserver")
    return context, dataclasses.replace(config, parent_pid=server) if config.parent_pid else config


def start_forkserver() -> int | None:
    """Start the workers' forkserver if it is not running yet; its pid, or None where there is none.

    Starting it does not wait for it: the server imports ``PRELOAD`` (about 0.7 CPU-s) while this
    process goes on. So the ingest command starts it as soon as it has files to import (before it
    opens the database, takes the lock and plans), and the first worker starts that much earlier.
    A run that then finds nothing to do stops it (``stop_forkserver``).
    """
    import multiprocessing
    from multiprocessing import forkserver

    try:
        multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)  # no effect once it runs
        forkserver.ensure_running()
        return int(forkserver._forkserver._forkserver_pid)  # type: ignore[attr-defined]
    except (ValueError, AttributeError, OSError, TypeError):  # no forkserver here (or another Python's internals)
        return None


def stop_forkserver() -> None:
    """Stop the workers' forkserver if it runs: a run with nothing to process then pays only the part of
    its imports done by the time it has planned (a few tenths of a CPU-s, not 0.7 and a process left
    running until they are done). The next pool of this process starts a new one."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if server is None or pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)  # it may be importing still: it would read its stop request after that
        server._stop()  # reaps it and forgets it, so that ``ensure_running`` starts a new one
    except (OSError, AttributeError):
        pass


# Small files go to a worker several at a time, so that the model's batches run across documents
# (6-11 % less tagging CPU on short documents, docs/performance.md) and results cross between
# processes in fewer, larger messages. A batch holds at most BATCH_DOCS files of BATCH_BYTES together.
BATCH_DOCS = 8
BATCH_BYTES = 256 * 1024


def _next_batch(queue: list[Task], jobs: int) -> list[Task]:
    """The next files for one worker, popped from the end of ``queue``: one file, or several small ones.

    Batches stay small enough that each worker still gets at least about eight of them, so that the
    last documents of a run spread over all workers instead of waiting behind one worker's batch.
    """
    most = max(1, min(BATCH_DOCS, len(queue) // (8 * jobs)))
    batch = [queue.pop()]
    size = batch[0].size
    while queue and len(batch) < most and size + queue[-1].size <= BATCH_BYTES:
        size += queue[-1].size
        batch.append(queue.pop())
    return batch


def _stop_workers(pool: Any) -> None:
    """Interrupted or stopped: end the workers now instead of waiting for their documents."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        if proc.is_alive():
            proc.terminate()


def _died(task: Task) -> Failure:
    sha, size = _identity(task.path)
    reason = BadDocumentError(task.key, "the worker process died on this document",
                              "out of memory, or a crash in a PDF library; it was tried twice")
    return failure_of(task.key, reason, "extract", sha, size)


def _on_dask(
    address: str, todo: list[Task], config: WorkerConfig, record: Callable[[Task, Protocol | Failure], None],
) -> None:
    """Send each document's bytes to a Dask cluster for extract, segment and tag; load results as they come.

    Workers need protokoll installed (with its model) but no access to the files.
    This process stays the one writer, so idempotency and failure records are
    those of a local run. At most 4 x the cluster's threads are in flight.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise ProtokollError("--dask needs the dask extra: pip install -e '.[dask]'") from exc
    try:
        client = Client(address, timeout="20s")
    except OSError as exc:
        raise ProtokollError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    store = StageStore(Path(config.store_root)) if config.store_root else None
    try:
        window = max(4, 4 * sum(client.nthreads().values()))
        pending = list(reversed(todo))
        running: dict[Any, Task] = {}

        def submit() -> None:
            while pending and len(running) < window:
                task = pending.pop()
                try:
                    data = task.path.read_bytes()
                except OSError as exc:
                    record(task, failure_of(task.key, BadDocumentError(task.key, f"cannot read file: {exc.strerror}"),
                                            "extract", *_identity(task.path)))
                    continue
                future = client.submit(process_data, data, task.key, task.path.suffix.lower() == ".txt",
                                       config.model, config.options, pure=False)
                running[future] = task
                batch.add(future)

        batch = as_completed([])
        submit()
        for future in batch:
            task = running.pop(future)
            try:
                result = future.result()
            except ProtokollError:
                raise
            except Exception as exc:  # the task itself died on a worker
                result = failure_of(task.key, RuntimeError(f"Dask task failed: {exc}"), "extract", *_identity(task.path))
            if store:
                store.write("tag", result)
            record(task, result)
            submit()
    finally:
        client.close()

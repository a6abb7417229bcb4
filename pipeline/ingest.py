"""The main job: files and folders -> all stages -> database, one document at a time.

Also the stage store: every stage writes its output for a document as JSON
under ``data/processed/<stage>/``, so a later stage can be re-run alone. Any
error in a document becomes a ``Failure`` that is recorded and the batch goes on.

Documents are extracted, segmented and tagged in worker processes, also with
``--jobs 1``: a file that kills its process (out of memory, a crash inside a
PDF library) then kills a worker, not the run; it is tried once more on its
own and then recorded as failed. This process is the one writer. Workers get
their configuration as a ``WorkerConfig`` and die with this process (Linux
parent-death signal plus a parent check), so no kill leaves them running.

Paths are stored absolute (``Task.key``), so a later run, ``retry-failed`` or
``status`` means the same file from any working directory; messages show the
path as given (``Task.shown``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import signal
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from . import load, runs
from .curation import Curation
from .decide import decide
from .errors import BadDocumentError, ProtokollError, StageInputError
from .extract import ExtractOptions, extract, extract_data, file_sha256
from .segment import segment
from .tag import tag, tag_protocol
from .types import ExtractedDocument, Failure, Protocol, StageOutput, stage_output_from_dict

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".pdf",)
OUTCOMES = ("inserted", "replaced", "unchanged", "skipped", "failed")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class StageWriteError(ProtokollError):
    """A stage output file cannot be written (the run cannot go on)."""


class ModelError(ProtokollError):
    """The tagging model cannot be loaded (the run cannot go on)."""


@dataclass
class StageStore:
    """Stage outputs under ``root/<stage>/<name>.<path-hash>.json``; one file per input path."""

    root: Path

    def path_for(self, stage: str, source_path: str) -> Path:
        digest = hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:10]
        return self.root / stage / f"{Path(source_path).stem}.{digest}.json"

    def write(self, stage: str, output: StageOutput) -> Path:
        target = self.path_for(stage, output.path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".json.tmp")
            with open(tmp, "w", encoding="utf-8") as out:
                write_json(output.to_dict(), out)
            os.replace(tmp, target)  # never a half-written stage file
        except OSError as exc:
            raise StageWriteError(
                f"cannot write the stage file {target}: {exc.strerror} "
                "(choose a writable --processed folder, or pass --no-stage-files)"
            ) from exc
        return target

    def files(self, stage: str) -> list[Path]:
        folder = self.root / stage
        return sorted([*folder.glob("*.json"), *folder.glob("*.json.gz")])


def write_json(value: Any, out: Any, depth: int = 2) -> None:
    """Write ``value`` as compact JSON to the text file ``out``, one piece at a time.

    ``json.dump`` streams through the pure-Python encoder, three times slower
    than ``json.dumps``; ``json.dumps`` of a whole 500-page extract output is one
    8 MB string. So the top ``depth`` levels of dicts and lists are written
    here and each value below them (a page with its words) by the C encoder.
    """
    if depth and isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        out.write("{")
        for k, (key, item) in enumerate(value.items()):
            out.write(("," if k else "") + json.dumps(key, ensure_ascii=False) + ":")
            write_json(item, out, depth - 1)
        out.write("}")
    elif depth and isinstance(value, list) and value:
        out.write("[")
        for k, item in enumerate(value):
            if k:
                out.write(",")
            write_json(item, out, depth - 1)
        out.write("]")
    else:
        out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def read_stage_file(path: Path) -> StageOutput:
    """Read back one stage output file: JSON as written here, indented or compact, or gzip'd (``.json.gz``)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return stage_output_from_dict(json.loads(data.decode("utf-8")))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise StageInputError(f"{path}: not a readable stage output ({exc})") from exc


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


def failure_of(path: str, exc: Exception, stage: str, sha: str = "", size: int = 0) -> Failure:
    """A Failure record for an exception raised while processing ``path``."""
    if isinstance(exc, BadDocumentError):
        reason = exc.reason + (f" ({exc.hint})" if exc.hint else "")
        if exc.page:
            reason = f"page {exc.page}: {reason}"
    else:
        reason = f"internal error in {stage}: {type(exc).__name__}: {exc}"
    return Failure(path=path, sha256=sha, size=size, stage=stage, error=reason)


def _path_hash(kind: str, path: str) -> str:
    """A stand-in content hash for something with no content to hash (a FIFO, a folder)."""
    return hashlib.sha256(f"{kind}:{path}".encode()).hexdigest()


def _identity(path: Path) -> tuple[str, int]:
    """(sha256, size) of a regular file; never opens anything else (a FIFO would block, /dev/zero never end)."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            return file_sha256(path), st.st_size
    except OSError:
        pass
    return _path_hash("path", str(path)), 0


def _crashed(stage: str, shown: str, exc: Exception) -> None:
    """A bug, not a bad document: the traceback goes to the run log (stderr gets the failure line only)."""
    log.error("%s: internal error in %s: %s: %s", shown, stage, type(exc).__name__, exc, exc_info=exc,
              extra={"stderr": False, "path": shown})


def run_extract(path: Path, shown: str, options: ExtractOptions | None = None) -> ExtractedDocument | Failure:
    """Stage 1 for one file, errors turned into a Failure."""
    try:
        return extract(path, display_path=shown, options=options)
    except Exception as exc:
        if not isinstance(exc, BadDocumentError):
            _crashed("extract", shown, exc)
        sha, size = _identity(path)
        return failure_of(shown, exc, "extract", sha, size)


def run_segment(doc: ExtractedDocument | Failure) -> Protocol | Failure:
    """Stage 2 for one document; a Failure passes through."""
    if isinstance(doc, Failure):
        return doc
    try:
        return segment(doc)
    except Exception as exc:
        if not isinstance(exc, BadDocumentError):
            _crashed("segment", doc.path, exc)
        return failure_of(doc.path, exc, "segment", doc.sha256, doc.size)


def run_decide(doc: Protocol | Failure) -> Protocol | Failure:
    """Stage 3 for one document; a Failure passes through. Never fails a document (``decide_failed`` warning)."""
    return doc if isinstance(doc, Failure) else decide(doc)


def run_tag(doc: Protocol | Failure, nlp: Any) -> Protocol | Failure:
    """Stage 3 for one document; a Failure passes through."""
    if isinstance(doc, Failure):
        return doc
    try:
        return tag_protocol(doc, nlp)
    except Exception as exc:
        if not isinstance(exc, BadDocumentError):
            _crashed("tag", doc.path, exc)
        return failure_of(doc.path, exc, "tag", doc.sha256, doc.size)


def run_tag_many(docs: list[Protocol | Failure], nlp: Any) -> list[Protocol | Failure]:
    """Stage 4 for several documents, their texts in one ``nlp.pipe`` stream (``tag.tag``); Failures pass through.

    If the stream fails, each document is tagged again alone, so that only the one at fault becomes a Failure.
    """
    protocols = [d for d in docs if isinstance(d, Protocol)]
    if len(protocols) > 1:
        try:
            for _ in tag(protocols, nlp):
                pass
            return docs
        except Exception:  # which document failed is found below, one at a time
            pass
    return [run_tag(d, nlp) for d in docs]


def run_boxes(doc: Protocol | Failure, extracted: StageOutput | Failure) -> Protocol | Failure:
    """Where each value stands on its page (``pipeline/boxes.py``); a value not found keeps no box,
    and a failure to locate never fails the document (its rows are written without boxes)."""
    if not isinstance(doc, Protocol) or not isinstance(extracted, ExtractedDocument):
        return doc
    from . import boxes

    try:
        boxes.add_boxes(doc, extracted)
    except Exception as exc:
        doc.boxes = {}
        _crashed("boxes", doc.path, exc)
    return doc


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


@dataclass(frozen=True)
class WorkerConfig:
    """Everything a worker process needs, passed explicitly to the pool initializer and each task."""

    model: str | None = None
    store_root: str | None = None
    options: ExtractOptions | None = None
    parent_pid: int = 0
    log_level: int = logging.WARNING
    log_path: str | None = None
    log_json: bool = False


def _init_worker(config: WorkerConfig) -> None:
    """Make the worker die with its parent, leave Ctrl-C to the parent, and log like the parent."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    _exit_if_orphaned(config)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    _worker_logging(config)


def _exit_if_orphaned(config: WorkerConfig) -> None:
    """The parent died before the death signal was set (or off Linux): stop."""
    if config.parent_pid and os.getppid() != config.parent_pid:
        os._exit(1)


def _worker_logging(config: WorkerConfig) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(config.log_level)
    stderr.addFilter(runs.on_stderr)
    stderr.setFormatter(runs.JsonFormatter() if config.log_json else logging.Formatter("protokoll: %(message)s"))
    root.addHandler(stderr)
    level = config.log_level
    if config.log_path:
        root.addHandler(runs.file_handler(Path(config.log_path), config.log_json))
        level = min(level, logging.INFO)
    root.setLevel(level)


_NLP: dict[str | None, Any] = {}  # one tagging pipeline per model per process: loading it takes seconds


def _nlp_for(model: str | None) -> Any:
    if model not in _NLP:
        from .tag import build_nlp

        try:
            _NLP[model] = build_nlp(model)
        except ProtokollError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load the tagging model {model or '(default)'}: {exc}") from None
    return _NLP[model]


def process(
    path: Path, shown: str, nlp: Callable[[], Any], store: StageStore | None, options: ExtractOptions | None = None
) -> Protocol | Failure:
    """Extract, segment, decide and tag one file; every error in the document becomes a Failure. Writes the stage files."""
    return process_many([(path, shown)], nlp, store, options)[0]


def process_many(
    files: list[tuple[Path, str]], nlp: Callable[[], Any], store: StageStore | None, options: ExtractOptions | None = None
) -> list[Protocol | Failure]:
    """``process`` for several files (path, as shown), tagging all their texts in one stream (``run_tag_many``)."""
    extracted: list[StageOutput] = []
    decided: list[Protocol | Failure] = []
    for path, shown in files:
        result: StageOutput = run_extract(path, shown, options)
        extracted.append(result)
        if store:
            store.write("extract", result)
        result = run_segment(result)  # type: ignore[arg-type]
        if store:
            store.write("segment", result)
        result = run_decide(result)  # type: ignore[arg-type]
        if store:
            store.write("decide", result)
        decided.append(result)  # type: ignore[arg-type]
    if any(isinstance(d, Protocol) for d in decided):
        decided = run_tag_many(decided, nlp())
    done: list[Protocol | Failure] = []
    for result, source in zip(decided, extracted, strict=True):
        if isinstance(result, Protocol):
            result = run_boxes(result, source)
        if store:
            store.write("tag", result)
        done.append(result)
    return done


def _process_in_worker(config: WorkerConfig, keys: list[str]) -> list[Protocol | Failure]:
    _exit_if_orphaned(config)
    store = StageStore(Path(config.store_root)) if config.store_root else None
    return process_many([(Path(key), key) for key in keys], lambda: _nlp_for(config.model), store, config.options)


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
    queue = list(reversed(todo))
    while queue:
        in_flight, queue = _in_pool(queue, jobs, config, record)
        for task in in_flight:
            if _in_pool([task], 1, config, record)[0]:
                record(task, _died(task))


def _in_pool(
    queue: list[Task], jobs: int, config: WorkerConfig, record: Callable[[Task, Protocol | Failure], None]
) -> tuple[list[Task], list[Task]]:
    """Work through ``queue`` (popped from the end) in one pool.

    Returns the tasks in flight when a worker died (empty if none did) and the rest of the queue.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = list(queue)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(queue)), mp_context=multiprocessing.get_context("spawn"),
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

"""The main job: files and folders -> all stages -> database, one document at a time.

Also the stage store: every stage writes its output for a document as JSON
under ``data/processed/<stage>/``, so a later stage can be re-run alone. Any
error in a document becomes a ``Failure`` that is recorded and the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from . import load
from .errors import BadDocumentError, ProtokollError, StageInputError
from .extract import ExtractOptions, extract, extract_data, file_sha256
from .segment import segment
from .tag import tag_protocol
from .types import ExtractedDocument, Failure, Protocol, StageOutput, stage_output_from_dict

log = logging.getLogger(__name__)

INPUT_SUFFIXES = (".pdf",)


@dataclass
class StageStore:
    """Stage outputs under ``root/<stage>/<name>.<path-hash>.json``; one file per input path."""

    root: Path

    def path_for(self, stage: str, source_path: str) -> Path:
        digest = hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:10]
        return self.root / stage / f"{Path(source_path).stem}.{digest}.json"

    def write(self, stage: str, output: StageOutput) -> Path:
        target = self.path_for(stage, output.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(output.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)  # never a half-written stage file
        return target

    def files(self, stage: str) -> list[Path]:
        return sorted((self.root / stage).glob("*.json"))


def read_stage_file(path: Path) -> StageOutput:
    """Read back one stage output file."""
    try:
        return stage_output_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StageInputError(f"{path}: not a readable stage output ({exc})") from exc


def display_path(path: Path) -> str:
    """The path as stored in ``documents.path``: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def find_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly (PDF or text) plus every PDF under the folders named, sorted, no duplicates."""
    found: dict[Path, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES:
                    found[f] = None
        else:
            found[p] = None
    return list(found)


def failure_of(path: str, exc: Exception, stage: str, sha: str = "", size: int = 0) -> Failure:
    """A Failure record for an exception raised while processing ``path``."""
    if isinstance(exc, BadDocumentError):
        reason = exc.reason + (f" ({exc.hint})" if exc.hint else "")
        if exc.page:
            reason = f"page {exc.page}: {reason}"
    else:
        reason = f"internal error in {stage}: {type(exc).__name__}: {exc}"
    return Failure(path=path, sha256=sha, size=size, stage=stage, error=reason)


def _identity(path: Path) -> tuple[str, int]:
    try:
        return file_sha256(path), path.stat().st_size
    except OSError:
        return hashlib.sha256(str(path).encode()).hexdigest(), 0


def run_extract(path: Path, shown: str, options: ExtractOptions | None = None) -> ExtractedDocument | Failure:
    """Stage 1 for one file, errors turned into a Failure."""
    try:
        return extract(path, display_path=shown, options=options)
    except Exception as exc:
        if not isinstance(exc, BadDocumentError):
            log.debug("extract crashed on %s", shown, exc_info=True)
        sha, size = _identity(path)
        return failure_of(shown, exc, "extract", sha, size)


def run_segment(doc: ExtractedDocument | Failure) -> Protocol | Failure:
    """Stage 2 for one document; a Failure passes through."""
    if isinstance(doc, Failure):
        return doc
    try:
        return segment(doc)
    except Exception as exc:
        log.debug("segment crashed on %s", doc.path, exc_info=True)
        return failure_of(doc.path, exc, "segment", doc.sha256, doc.size)


def run_tag(doc: Protocol | Failure, nlp: Any) -> Protocol | Failure:
    """Stage 3 for one document; a Failure passes through."""
    if isinstance(doc, Failure):
        return doc
    try:
        return tag_protocol(doc, nlp)
    except Exception as exc:
        log.debug("tag crashed on %s", doc.path, exc_info=True)
        return failure_of(doc.path, exc, "tag", doc.sha256, doc.size)


@dataclass
class Summary:
    """What a run did, by outcome, and the failures with their reasons."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in ("inserted", "replaced", "unchanged", "failed") if self.counts[k]]
        total = sum(self.counts.values())
        return f"{total} document(s): " + (", ".join(parts) if parts else "nothing to do")


@dataclass
class Task:
    """A file to process, with what is known of it before opening it."""

    path: Path
    shown: str
    size: int
    mtime: float


def plan(
    paths: list[Path], engine: Engine, force: bool = False, since: float | None = None
) -> tuple[list[Task], list[Path]]:
    """Split the inputs into files to process and files already recorded.

    A file whose path, size and modification time match a recorded document is
    skipped without being read; otherwise its content hash decides: content
    already imported, or the same broken file that failed before, is skipped
    (``protokoll retry-failed`` tries failures again). ``since`` (a timestamp)
    leaves out files not modified since then.
    """
    todo: list[Task] = []
    skipped: list[Path] = []
    known = {} if force else load.imported_files(engine)
    for path in paths:
        shown = display_path(path)
        try:
            stat = path.stat()
        except OSError:
            todo.append(Task(path, shown, 0, 0.0))  # extract will report why it cannot be read
            continue
        if since is not None and stat.st_mtime < since:
            skipped.append(path)
            continue
        if not force:
            if known.get(shown) == (stat.st_size, stat.st_mtime):
                skipped.append(path)
                continue
            sha, _size = _identity(path)
            if load.recorded(engine, sha, shown):
                skipped.append(path)
                continue
        todo.append(Task(path, shown, stat.st_size, stat.st_mtime))
    return todo, skipped


_WORKER_NLP: Any = None
_WORKER_MODEL: str | None = None
_WORKER_STORE: StageStore | None = None
_WORKER_OPTIONS: ExtractOptions | None = None


def _init_worker(model: str | None, store_root: str | None, options: ExtractOptions | None) -> None:
    global _WORKER_MODEL, _WORKER_STORE, _WORKER_OPTIONS
    _WORKER_MODEL = model
    _WORKER_STORE = StageStore(Path(store_root)) if store_root else None
    _WORKER_OPTIONS = options
    logging.getLogger().setLevel(logging.WARNING)


def _worker_nlp() -> Any:
    global _WORKER_NLP
    if _WORKER_NLP is None:
        from .tag import build_nlp

        _WORKER_NLP = build_nlp(_WORKER_MODEL)
    return _WORKER_NLP


def process(
    path: Path, shown: str, nlp: Callable[[], Any], store: StageStore | None, options: ExtractOptions | None = None
) -> Protocol | Failure:
    """Extract, segment and tag one file; every error becomes a Failure. Writes the stage files."""
    result: StageOutput = run_extract(path, shown, options)
    if store:
        store.write("extract", result)
    result = run_segment(result)  # type: ignore[arg-type]
    if store:
        store.write("segment", result)
    if isinstance(result, Protocol):
        result = run_tag(result, nlp())
    if store:
        store.write("tag", result)
    return result  # type: ignore[return-value]


def _process_in_worker(path: str, shown: str) -> Protocol | Failure:
    return process(Path(path), shown, _worker_nlp, _WORKER_STORE, _WORKER_OPTIONS)


def process_data(
    data: bytes, shown: str, text_file: bool, model: str | None, options: ExtractOptions | None
) -> Protocol | Failure:
    """Extract, segment and tag a document given as bytes: the unit of work sent to a Dask cluster.

    The tagging pipeline is loaded once per worker process and kept.
    """
    global _WORKER_MODEL
    if _WORKER_NLP is not None and _WORKER_MODEL != model:
        raise RuntimeError("a Dask worker serves one model per process")
    _WORKER_MODEL = model
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc: ExtractedDocument | Failure = extract_data(data, shown, text_file=text_file, options=options)
    except Exception as exc:
        doc = failure_of(shown, exc, "extract", sha, len(data))
    result = run_segment(doc)
    return run_tag(result, _worker_nlp()) if isinstance(result, Protocol) else result


def ingest(
    paths: list[Path],
    engine: Engine,
    nlp_factory: Callable[[], Any],
    store: StageStore | None,
    force: bool = False,
    on_done: Callable[[Path, str, Failure | None], None] | None = None,
    jobs: int = 1,
    model: str | None = None,
    since: float | None = None,
    run_id: int | None = None,
    options: ExtractOptions | None = None,
    dask: str | None = None,
) -> Summary:
    """Run every stage over ``paths`` and load each document in its own transaction.

    With ``jobs`` > 1, worker processes extract, segment and tag; this process is
    the one writer. ``nlp_factory`` (``jobs`` == 1) or ``model`` (workers) gives the
    tagging pipeline, loaded only if a document needs it.
    """
    summary = Summary()
    todo, skipped = plan(paths, engine, force, since)
    for path in skipped:
        summary.counts["unchanged"] += 1
        if on_done:
            on_done(path, "unchanged", None)

    def record(task: Task, result: Protocol | Failure) -> None:
        outcome = load.save(engine, result, force=force, mtime=task.mtime, run_id=run_id)
        failure = result if isinstance(result, Failure) else None
        if failure is not None:
            summary.failures.append(failure)
            outcome = "failed"
        summary.counts[outcome] += 1
        items = len(result.items) if isinstance(result, Protocol) else 0
        log.info("%s: %s", task.shown, outcome if failure is None else f"failed: {failure.error}",
                 extra={"path": task.shown, "outcome": outcome, "items": items})
        if on_done:
            on_done(task.path, outcome, failure)

    if dask:
        _on_dask(dask, todo, model, store, record, options)
        return summary
    if jobs <= 1 or len(todo) <= 1:
        nlp: Any = None

        def lazy_nlp() -> Any:
            nonlocal nlp
            nlp = nlp or nlp_factory()
            return nlp

        for task in todo:
            record(task, process(task.path, task.shown, lazy_nlp, store, options))
        return summary
    _parallel(todo, jobs, model, store, record, options)
    return summary


def _parallel(
    todo: list[Task], jobs: int, model: str | None, store: StageStore | None,
    record: Callable[[Task, Protocol | Failure], None], options: ExtractOptions | None = None,
) -> None:
    """Process ``todo`` in ``jobs`` worker processes, at most 2 x jobs documents in flight (bounded memory).

    A worker that dies (out of memory, a crash in a PDF library) breaks the pool;
    the documents in flight go to a new pool once more, and a document that
    breaks a pool twice is recorded as failed.
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    queue = list(reversed(todo))
    crashes: Counter[str] = Counter()
    context = multiprocessing.get_context("spawn")
    while queue:
        pool = ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_worker,
            initargs=(model, str(store.root) if store else None, options),
        )
        running: dict[Future[Protocol | Failure], Task] = {}
        broken = False
        try:
            while (queue or running) and not broken:
                while queue and len(running) < 2 * jobs:
                    task = queue.pop()
                    running[pool.submit(_process_in_worker, str(task.path), task.shown)] = task
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    try:
                        record(task, future.result())
                    except BrokenProcessPool:
                        broken = True
                        running[future] = task
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
        for task in running.values():  # in flight when a worker died
            crashes[task.shown] += 1
            if crashes[task.shown] >= 2:
                record(task, failure_of(task.shown, RuntimeError("the worker process died on this document"),
                                        "extract", *_identity(task.path)))
            else:
                queue.append(task)


def _on_dask(
    address: str, todo: list[Task], model: str | None, store: StageStore | None,
    record: Callable[[Task, Protocol | Failure], None], options: ExtractOptions | None,
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
                    record(task, failure_of(task.shown, BadDocumentError(task.shown, f"cannot read file: {exc.strerror}"),
                                            "extract", *_identity(task.path)))
                    continue
                future = client.submit(process_data, data, task.shown, task.path.suffix.lower() == ".txt", model,
                                       options, pure=False)
                running[future] = task
                batch.add(future)

        batch = as_completed([])
        submit()
        for future in batch:
            task = running.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the task itself died on a worker
                result = failure_of(task.shown, RuntimeError(f"Dask task failed: {exc}"), "extract", *_identity(task.path))
            if store:
                store.write("tag", result)
            record(task, result)
            submit()
    finally:
        client.close()

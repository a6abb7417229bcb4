"""The worker side of ingest: a document's stages (extract .. tag, boxes), its stage files, the worker set-up.

What a worker process runs, apart from the writer (``pipeline/ingest.py``), so that a worker
never imports the database side: the forkserver imports this module and spaCy once
(``pipeline/forkserver.py``), and SQLAlchemy, ``load``, ``persons`` and ``runs`` (0.2-0.3 CPU-s)
are none of its business. The pool submits ``_process_in_worker`` and ``_init_worker`` from here,
so unpickling a task in a worker imports nothing more. ``pipeline.ingest`` re-exports these
names. Keep it that way: an import of ``load``, ``db``, ``runs`` or ``sqlalchemy`` here puts it
back into every run's start-up (``tests/test_ingest_schedule.py`` checks a worker's modules).

``segment`` and ``decide`` (with ``decisions``) are imported where they run: every command
imports this module through ``pipeline.cli``, and ingest's writer and most commands never segment
(0.05-0.1 CPU-s); the forkserver imports them for the workers.
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import runlog
from .errors import BadDocumentError, ProtokollError, StageInputError
from .extract import ExtractOptions, extract, file_sha256
from .tag import tag, tag_protocol
from .types import ExtractedDocument, Failure, Protocol, StageOutput, stage_output_from_dict

log = logging.getLogger("pipeline.ingest")  # the logger name the run log always had

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


# What ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` uses, built once: dumps
# with these options builds a new encoder on every call, and an encoder keeps no state between calls.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def write_json(value: Any, out: Any, depth: int = 2) -> None:
    """Write ``value`` as compact JSON to the text file ``out``, one piece at a time.

    ``json.dump`` streams through the pure-Python encoder, three times slower
    than ``json.dumps``; ``json.dumps`` of a whole 500-page extract output is one
    8 MB string. So the top ``depth`` levels of dicts and lists that hold dicts
    are written here and each value below them (a page with its words) by the C
    encoder in one call; a container of numbers, strings or lists (spans,
    page_map, boxes) is one call too, as a call per element costs more than the
    element. Whatever the pieces, the text is the compact ``json.dumps(value)``.
    """
    if depth and isinstance(value, dict) and any(map(_holds_dicts, value.values())) and all(isinstance(k, str) for k in value):
        out.write("{")
        for k, (key, item) in enumerate(value.items()):
            out.write(("," if k else "") + _JSON.encode(key) + ":")
            write_json(item, out, depth - 1)
        out.write("}")
    elif depth and isinstance(value, list) and value and isinstance(value[0], dict):
        out.write("[")
        for k, item in enumerate(value):
            if k:
                out.write(",")
            write_json(item, out, depth - 1)
        out.write("]")
    else:
        out.write(_JSON.encode(value))


def _holds_dicts(value: Any) -> bool:
    """A dict, or a list that starts with one (pages, items): what ``write_json`` writes in pieces."""
    return isinstance(value, dict) or (isinstance(value, list) and bool(value) and isinstance(value[0], dict))


def read_stage_file(path: Path) -> StageOutput:
    """Read back one stage output file: JSON as written here, indented or compact, or gzip'd (``.json.gz``)."""
    try:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return stage_output_from_dict(json.loads(data.decode("utf-8")))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise StageInputError(f"{path}: not a readable stage output ({exc})") from exc


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
    from .segment import segment  # here, as ``decide`` below: see the end of the module docstring

    try:
        return segment(doc)
    except Exception as exc:
        if not isinstance(exc, BadDocumentError):
            _crashed("segment", doc.path, exc)
        return failure_of(doc.path, exc, "segment", doc.sha256, doc.size)


def run_decide(doc: Protocol | Failure) -> Protocol | Failure:
    """Stage 3 for one document; a Failure passes through. Never fails a document (``decide_failed`` warning)."""
    if isinstance(doc, Failure):
        return doc
    from .decide import decide

    return decide(doc)


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
    # The parent's environment and working directory when the pool starts (set by ``_pool_context``):
    # a worker forked from the forkserver would otherwise have the server's, from when it started.
    environ: dict[str, str] | None = None
    cwd: str | None = None


def _init_worker(config: WorkerConfig) -> None:
    """Make the worker die with its parent, leave Ctrl-C to the parent, and log like the parent."""
    if config.environ is not None:  # PROTOKOLL_TESSERACT, PATH, TESSDATA_PREFIX ... as the parent has them now
        os.environ.clear()
        os.environ.update(config.environ)
    if config.cwd is not None:
        os.chdir(config.cwd)
    die_with_parent()
    _exit_if_orphaned(config)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    _worker_logging(config)


def die_with_parent() -> None:
    """Ask Linux to end this process (SIGTERM) when its parent ends; elsewhere ``_exit_if_orphaned`` only."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


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
    stderr.addFilter(runlog.on_stderr)
    stderr.setFormatter(runlog.JsonFormatter() if config.log_json else logging.Formatter("protokoll: %(message)s"))
    root.addHandler(stderr)
    level = config.log_level
    if config.log_path:
        root.addHandler(runlog.file_handler(Path(config.log_path), config.log_json))
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



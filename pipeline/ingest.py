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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from . import load
from .errors import BadDocumentError, StageInputError
from .extract import extract, file_sha256
from .segment import segment
from .tag import tag_protocol
from .types import ExtractedDocument, Failure, Protocol, StageOutput, stage_output_from_dict

log = logging.getLogger(__name__)

STAGES = ("extract", "segment", "tag")
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


def run_extract(path: Path, shown: str) -> ExtractedDocument | Failure:
    """Stage 1 for one file, errors turned into a Failure."""
    try:
        return extract(path, display_path=shown)
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


def ingest(
    paths: list[Path],
    engine: Engine,
    nlp_factory: Callable[[], Any],
    store: StageStore | None,
    force: bool = False,
    on_done: Callable[[Path, str, Failure | None], None] | None = None,
) -> Summary:
    """Run every stage over ``paths`` and load each document in its own transaction.

    A file whose content hash is already imported is skipped without opening it
    (unless ``force``). ``nlp_factory`` is called once, only if a document needs tagging.
    """
    summary = Summary()
    nlp: Any = None
    for path in paths:
        shown = display_path(path)
        failure: Failure | None = None
        if not force and path.is_file():
            sha, _size = _identity(path)
            if load.is_imported(engine, sha):
                summary.counts["unchanged"] += 1
                if on_done:
                    on_done(path, "unchanged", None)
                continue
        result: StageOutput = run_extract(path, shown)
        if store:
            store.write("extract", result)
        result = run_segment(result)  # type: ignore[arg-type]
        if store:
            store.write("segment", result)
        if isinstance(result, Protocol):
            nlp = nlp or nlp_factory()
        result = run_tag(result, nlp)  # type: ignore[arg-type]
        if store:
            store.write("tag", result)
        outcome = load.save(engine, result, force=force)  # type: ignore[arg-type]
        if isinstance(result, Failure):
            failure = result
            summary.failures.append(result)
            outcome = "failed"
        summary.counts[outcome] += 1
        if on_done:
            on_done(path, outcome, failure)
    return summary


def read_stage_inputs(files: list[Path]) -> Iterator[StageOutput]:
    """Stage outputs from files, in order."""
    for f in files:
        yield read_stage_file(f)

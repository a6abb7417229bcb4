"""The ``protokoll`` command: click only. Parses options, calls the stages, maps errors to exit codes.

Exit codes: 0 all documents went well; 1 one or more documents failed (each
named on stderr and recorded in the database), or for ``check`` a self-check
found an error, or for ``query``/``search`` the statement or search text was
refused, failed or ran past --timeout; 2 usage error; 3 the run could not go on (database unreachable,
unreadable stage file); 4 another ingest holds the database's lock (try later,
or --wait); 130 ingest interrupted by Ctrl-C (SIGINT), 143 by SIGTERM. The
operator contract is in docs/operations.md.
"""

from __future__ import annotations

import functools
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, db, load, runs
from .errors import DatabaseError, ProtokollError, StageInputError
from .extract import EXTRACTORS, ExtractOptions
from .ingest import (
    StageStore,
    Summary,
    Task,
    WorkerConfig,
    display_path,
    find_inputs,
    ingest,
    read_stage_file,
    run_boxes,
    run_decide,
    run_extract,
    run_segment,
    run_tag,
    start_forkserver,
)
from .types import ExtractedDocument, Failure, Protocol

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR, EXIT_BUSY = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them
log = logging.getLogger("protokoll")


class Context:
    """What the group options give every command: the stage store and whether to be quiet."""

    def __init__(self, processed: Path, quiet: bool):
        self.store = StageStore(processed)
        self.quiet = quiet


def _setup_logging(verbose: int, quiet: bool) -> None:
    """Log records on stderr at the chosen level; those marked for the run log only never reach stderr."""
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="protokoll: %(message)s", stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(runs.on_stderr)


def _report_failure(f: Failure, shown: str | None = None) -> None:
    click.echo(f"{shown or f.path}: {f.error}", err=True)


def _db_option(func: Any) -> Any:
    return click.option(
        "--db", "db_url", envvar=db.ENV_DB, default=None, metavar="URL",
        help=f"SQLAlchemy URL or SQLite file [env {db.ENV_DB}; default {db.DEFAULT_DB_PATH}].",
    )(func)


def _persons_option(func: Any) -> Any:
    return click.option(
        "--persons", "persons_path", default=None, metavar="FILE",
        help="The curator's persons file (merge, split, rename; applied on every import) [env PROTOKOLL_PERSONS; "
             "default data/persons.toml, nothing when it is missing].",
    )(func)


def _curation(persons_path: str | None) -> Any:
    """The persons file's entries; a malformed file, or a named one that is missing, is exit 3 before anything runs."""
    from .curation import persons_file, read_curation

    path, named = persons_file(persons_path)
    return read_curation(path, required=named)


def _apply_curation(engine: Any, curation: Any) -> None:
    """The whole persons file once more at the end of a run (an edited file reaches every document); warn of entries naming nobody."""
    from .curation import apply_file

    for warning in apply_file(engine, curation):
        log.warning("%s", warning)


def _model_option(func: Any) -> Any:
    return click.option(
        "--model", default=None, metavar="PATH",
        help="spaCy model folder [env PROTOKOLL_MODEL; default: the installed sv_protokoll, else "
             "models/sv_protokoll of the source checkout; none found is exit 3]; 'blank' for the rules only.",
    )(func)


LIMIT_OPTIONS = (  # (option, ExtractOptions field, type, help): limits for untrusted PDFs, env PROTOKOLL_MAX_*
    ("--max-pages", "max_pages", click.IntRange(1), "Fail a PDF with more pages."),
    ("--max-stream-mb", "max_stream_mb", click.IntRange(1), "Fail a PDF with a stream (page content, image) inflating beyond this."),
    ("--max-content-mb", "max_content_mb", click.IntRange(1), "Fail a PDF whose streams (images aside) inflate beyond this together."),
    ("--max-page-area", "max_page_area", click.FloatRange(0, min_open=True), "Fail a PDF with a page larger than this, in m² (A0 is 1)."),
    ("--max-render-mpx", "max_render_mpx", click.IntRange(1), "Megapixels of a page rendered for OCR; a larger page gets a lower dpi."),
)


def _store_limit(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    ctx.meta.setdefault("extract_limits", {})[param.name] = value


def _extract_options(func: Any) -> Any:
    defaults = ExtractOptions()
    for flag, name, kind, text in reversed(LIMIT_OPTIONS):  # kept in ctx.meta, so the commands' signatures do not grow
        func = click.option(flag, name, type=kind, default=getattr(defaults, name), show_default=True,
                            envvar=f"PROTOKOLL_{name.upper()}", show_envvar=True, expose_value=False,
                            callback=_store_limit, help=text)(func)
    func = click.option("--ocr-dpi", type=click.IntRange(72, 600), default=300, show_default=True,
                        help="Resolution pages are rendered at for OCR.")(func)
    func = click.option("--no-ocr", is_flag=True,
                        help="Do not OCR pages without a usable text layer (Tesseract is used when installed).")(func)
    return click.option("--extractor", type=click.Choice(list(EXTRACTORS)), default=ExtractOptions().extractor,
                        show_default=True, help="PDF text backend (pdfium is fast; pdfplumber the reference).")(func)


def _options(extractor: str, no_ocr: bool, ocr_dpi: int) -> ExtractOptions:
    limits = click.get_current_context().meta.get("extract_limits", {})
    return ExtractOptions(extractor=extractor, ocr=not no_ocr, ocr_dpi=ocr_dpi, **limits)


def _engine(db_url: str | None) -> Any:
    engine = db.make_engine(db_url)
    applied = db.migrate(engine)
    if applied and len(applied) < len(db.MIGRATIONS):
        click.echo(f"protokoll: upgraded database schema ({', '.join(applied)})", err=True)
    return engine


def _nlp(model: str | None) -> Any:
    """The tagging pipeline; a model that cannot be found or loaded is a ProtokollError (exit 3)."""
    from .tag import build_nlp

    return build_nlp(model)


def _stage_files(ctx: Context, stage: str, files: tuple[str, ...]) -> list[Path]:
    paths = [Path(f) for f in files] if files else ctx.store.files(stage)
    if not paths:
        raise click.UsageError(f"no {stage} outputs in {ctx.store.root / stage}; run 'protokoll {stage}' first")
    return paths


class ProtokollGroup(click.Group):
    """Maps the run-stopping errors of any command to exit code 3 with a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        from .runs import LockedError

        try:
            return super().invoke(ctx)
        except LockedError as exc:
            click.echo(f"protokoll: {db.mask_url(str(exc))}", err=True)
            ctx.exit(EXIT_BUSY)
        except (DatabaseError, StageInputError, ProtokollError) as exc:
            click.echo(f"protokoll: {db.mask_url(str(exc))}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=ProtokollGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="protokoll")
@click.option(
    "--processed", type=click.Path(file_okay=False, path_type=Path), default=Path("data/processed"),
    envvar="PROTOKOLL_PROCESSED", show_default=True, help="Where stage outputs are written.",
)
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only errors on stderr.")
@click.pass_context
def main(cctx: click.Context, processed: Path, verbose: int, quiet: bool) -> None:
    """Swedish meeting protocols (PDF) into a documented SQL database."""
    _setup_logging(verbose, quiet)
    cctx.obj = Context(processed, quiet)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_extract_options
@click.pass_obj
def extract(ctx: Context, paths: tuple[Path, ...], extractor: str, no_ocr: bool, ocr_dpi: int) -> None:
    """Stage 1: PDFs -> text with page map, headers and footers removed (data/processed/extract/)."""
    failed = 0
    options = _options(extractor, no_ocr, ocr_dpi)
    for path in find_inputs(paths):
        result = run_extract(path, display_path(path), options)
        target = ctx.store.write("extract", result)
        if isinstance(result, Failure):
            failed += 1
            _report_failure(result)
        elif not ctx.quiet:
            click.echo(f"{result.path}: {result.page_count} pages -> {target}", err=True)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def segment(ctx: Context, files: tuple[str, ...]) -> None:
    """Stage 2: extract outputs -> meeting, items and sections (data/processed/segment/)."""
    failed = 0
    for f in _stage_files(ctx, "extract", files):
        doc = read_stage_file(f)
        if not isinstance(doc, (ExtractedDocument, Failure)):
            raise StageInputError(f"{f}: not an extract output")
        result = run_segment(doc)
        ctx.store.write("segment", result)
        if isinstance(result, Failure):
            failed += 1
            _report_failure(result)
        elif not ctx.quiet:
            click.echo(f"{result.path}: {len(result.items)} items", err=True)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def decide(ctx: Context, files: tuple[str, ...]) -> None:
    """Stage 3: segment outputs -> proposals, votes, reservations, jäv, outcomes, clauses (data/processed/decide/).

    Never fails a document itself: what cannot be read is a decide_failed warning in the document's
    self-check issues. A document that failed in an earlier stage is passed on and reported (exit 1).
    """
    failed = 0
    for f in _stage_files(ctx, "segment", files):
        doc = read_stage_file(f)
        if not isinstance(doc, (Protocol, Failure)) or (isinstance(doc, Protocol) and doc.tagged):
            raise StageInputError(f"{f}: not a segment output")
        result = run_decide(doc)
        ctx.store.write("decide", result)
        if isinstance(result, Failure):
            failed += 1
            _report_failure(result)
        elif not ctx.quiet:
            d = result.decisions
            warned = f", {len(d.issues)} decide_failed warning(s)" if d.issues else ""
            click.echo(f"{result.path}: {len(d.outcomes)} outcomes, {len(d.proposals)} proposals, "
                       f"{len(d.votes)} votes{warned}", err=True)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@_model_option
@click.pass_obj
def tag(ctx: Context, files: tuple[str, ...], model: str | None) -> None:
    """Stage 4: decide outputs -> entities with normalised values (data/processed/tag/)."""
    failed = 0
    nlp = None
    for f in _stage_files(ctx, "decide", files):
        doc = read_stage_file(f)
        if not isinstance(doc, (Protocol, Failure)):
            raise StageInputError(f"{f}: not a decide output")
        if isinstance(doc, Protocol) and not doc.decided:
            raise StageInputError(f"{f}: a segment output, not a decide output; run 'protokoll decide {f}' first")
        if isinstance(doc, Protocol) and nlp is None:
            nlp = _nlp(model)
        result = run_tag(doc, nlp)
        if isinstance(result, Protocol):  # boxes need the words of the extract stage, when its file is there
            extracted = ctx.store.path_for("extract", result.path)
            if extracted.exists():
                result = run_boxes(result, read_stage_file(extracted))
        ctx.store.write("tag", result)
        if isinstance(result, Failure):
            failed += 1
            _report_failure(result)
        elif not ctx.quiet:
            n = sum(len(s.entities) for i in result.items for s in i.sections)
            click.echo(f"{result.path}: {n} entities, {len(result.meeting.entities)} on the cover", err=True)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command(name="load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@_db_option
@click.option("--force", is_flag=True, help="Rewrite documents already imported.")
@_persons_option
@click.pass_obj
def load_cmd(ctx: Context, files: tuple[str, ...], db_url: str | None, force: bool, persons_path: str | None) -> None:
    """Stage 5: tag outputs -> database, one transaction per document."""
    curation = _curation(persons_path)
    engine = _engine(db_url)
    summary = Summary()
    for f in _stage_files(ctx, "tag", files):
        doc = read_stage_file(f)
        if isinstance(doc, Protocol) and not doc.tagged:
            raise StageInputError(f"{f}: not a tag output")
        if not isinstance(doc, (Protocol, Failure)):
            raise StageInputError(f"{f}: not a tag output")
        outcome = load.save(engine, doc, force=force, curation=curation)
        if isinstance(doc, Failure):
            _report_failure(doc)
            outcome = "failed"
        summary.counts[outcome] += 1
    _apply_curation(engine, curation)
    click.echo(f"protokoll: {summary.line()}", err=True)
    sys.exit(EXIT_FAILED if summary.failed else EXIT_OK)


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value).timestamp()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2024-01-31 or 2024-01-31T12:00") from exc


@main.command(name="ingest")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@_db_option
@_model_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the number of cores].")
@click.option("--force", is_flag=True, help="Re-process documents whose content is already imported.")
@click.option("--since", callback=_since, metavar="DATE", help="Only files modified on or after DATE.")
@click.option("--manifest", type=click.File("r", encoding="utf-8"), help="Also the files listed in this file, one per line ('-' for stdin).")
@click.option("--strict", is_flag=True, help="Stop at the first document that fails.")
@click.option("--wait", is_flag=True, help="If another ingest holds the database, wait for it instead of refusing.")
@click.option("--no-lock", is_flag=True, help="Run alongside other ingests (each document is still one transaction).")
@click.option("--no-stage-files", is_flag=True, help="Do not write stage outputs under --processed.")
@click.option("--log-json", is_flag=True, help="Log records as JSON lines (stderr and the run's log file).")
@click.option("--dask", metavar="ADDRESS", help="Send the work to a Dask cluster (tcp://scheduler:8786); needs the dask extra.")
@_persons_option
@click.option("-q", "--quiet", "quiet_here", is_flag=True,
              help="No progress bar and no summary line; only problems on stderr (same as 'protokoll -q ingest').")
@_extract_options
@click.pass_obj
def ingest_cmd(
    ctx: Context, paths: tuple[Path, ...], db_url: str | None, model: str | None, jobs: int | None, force: bool,
    since: float | None, manifest: Any, strict: bool, wait: bool, no_lock: bool, no_stage_files: bool,
    log_json: bool, dask: str | None, persons_path: str | None, quiet_here: bool, extractor: str, no_ocr: bool,
    ocr_dpi: int,
) -> None:
    """The main job: every stage over PDF files and folders (recursive) into the database.

    Each run is recorded in the runs table and logged to data/processed/logs/.
    Exit codes: 0 every file imported or already there; 1 a document failed
    (also one that failed before and is unchanged, and a folder that cannot be
    read); 3 the database or the --processed folder cannot be used; 4 another
    ingest holds the lock; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
    An interrupted run keeps the documents done; the next run imports the rest.
    """
    import os

    inputs: list[Path | str] = list(paths)
    if manifest is not None:
        inputs += [line.strip() for line in manifest if line.strip() and not line.startswith("#")]
    if not inputs:
        raise click.UsageError("give files or folders to import (or --manifest FILE)")
    missing = [str(p) for p in inputs if not Path(p).exists() and not Path(p).is_symlink()]
    if missing:
        raise click.UsageError(f"not found: {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""))
    from .tag import find_model

    find_model(model)  # a missing model stops the command here (exit 3), before any run is recorded
    curation = _curation(persons_path)  # so does a persons file that cannot be read
    quiet = ctx.quiet or quiet_here
    if quiet_here:
        _setup_logging(0, True)
    if log_json:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(runs.JsonFormatter())
    settings = _IngestSettings(
        db_url=db_url, jobs=jobs or os.cpu_count() or 1, force=force, since=since, strict=strict, wait=wait,
        no_lock=no_lock, log_json=log_json, dask=dask, quiet=quiet, curation=curation,
        worker=WorkerConfig(model=model, store_root=None if no_stage_files else str(ctx.store.root),
                            options=_options(extractor, no_ocr, ocr_dpi), parent_pid=os.getpid(),
                            log_level=logging.getLogger().getEffectiveLevel(), log_json=log_json),
    )
    try:
        with runs.stop_signals():
            code = _ingest_run(ctx, inputs, settings)
    except (KeyboardInterrupt, runs.Terminated) as exc:  # before the run was recorded
        code, what = _stopped_by(exc)
        click.echo(f"protokoll: {what} before the run started; nothing was imported or recorded", err=True)
    sys.exit(code)


@dataclass(frozen=True)
class _IngestSettings:
    """The ingest options, as one value for the functions that run the batch."""

    db_url: str | None
    jobs: int
    force: bool
    since: float | None
    strict: bool
    wait: bool
    no_lock: bool
    log_json: bool
    dask: str | None
    quiet: bool
    worker: WorkerConfig
    curation: Any = None  # the persons file's entries (pipeline.curation.Curation)


def _stopped_by(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted (Ctrl-C)"
    return EXIT_TERMINATED, "terminated (SIGTERM)"


def _ingest_run(ctx: Context, inputs: list[Path | str], s: _IngestSettings) -> int:
    """Lock, record the run, process the files, record the end; returns the exit code."""
    import contextlib
    import dataclasses

    files = find_inputs(inputs)
    if files and not s.dask:
        start_forkserver()  # its imports run while this process opens the database, locks and plans
    engine = _engine(s.db_url)
    logs = ctx.store.root / "logs"
    runs.check_writable(logs)  # before the run row: a run that cannot log must not be left 'running'

    def say(line: str) -> None:
        if not s.quiet:
            click.echo(f"protokoll: {line}", err=True)

    lock = contextlib.nullcontext() if s.no_lock else runs.run_lock(engine, wait=s.wait, on_wait=say)
    with lock:
        runs.mark_interrupted(engine)
        run_id = runs.start_run(engine, db.mask_url(" ".join(["protokoll", *sys.argv[1:]])), len(files), s.jobs)
        summary = Summary()
        status, code, stop_line = "failed", EXIT_FAILED, ""
        run_log = contextlib.ExitStack()
        try:
            log_path = run_log.enter_context(runs.run_log(logs, run_id, s.log_json))
        except ProtokollError:
            runs.finish_run(engine, run_id, "failed", {}, None)
            raise
        error: BaseException | None = None
        try:
            config = dataclasses.replace(s.worker, log_path=str(log_path))
            with _progress(len(files), s.quiet) as bar:

                def done(task: Task, outcome: str, failure: Failure | None) -> None:
                    bar.update(1)
                    if failure is not None:
                        bar.echo(f"{task.shown}: {failure.error}")
                        if s.strict:
                            raise _StrictStop()

                ingest(files, engine, config, force=s.force, on_done=done, jobs=s.jobs, since=s.since,
                       run_id=run_id, dask=s.dask, summary=summary, curation=s.curation)
            if s.curation is not None:
                _apply_curation(engine, s.curation)
            status, code = ("failed", EXIT_FAILED) if summary.failed else ("ok", EXIT_OK)
        except _StrictStop:
            stop_line = f"stopped at the first failure (--strict): {summary.line()}"
        except (KeyboardInterrupt, runs.Terminated) as exc:
            runs.ignore_signals()  # a second Ctrl-C must not cut the recording of the end short
            status = "interrupted"
            code, what = _stopped_by(exc)
            stop_line = f"{what}: run #{run_id} stopped after {summary.line()}; the next run imports the rest"
        except BaseException as exc:
            error = exc
            raise
        finally:
            log.info("run %s %s: %s", run_id, status, summary.line())
            run_log.close()
            _finish(engine, run_id, status, summary, log_path, error)
    if stop_line:
        click.echo(f"protokoll: {stop_line}", err=True)
    elif not s.quiet:
        click.echo(f"protokoll: {summary.line()}", err=True)
    return code


def _finish(engine: Any, run_id: int, status: str, summary: Summary, log_path: Path, error: BaseException | None) -> None:
    """Record the end of the run; if that fails while another error stops the run, say both."""
    try:
        runs.finish_run(engine, run_id, status, dict(summary.counts), log_path)
    except DatabaseError as exc:
        if error is None:
            raise
        click.echo(f"protokoll: {db.mask_url(str(exc))}", err=True)


STATUS_ERRORS = 10  # errors listed by status; protokoll check lists them all


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def status(db_url: str | None, fmt: str) -> None:
    """Documents by status, the last run, the failures with their reasons, and the self-check issues.

    Exit code (for cron and monitoring): 0 when the last run finished ok (or
    is still running, or there is none); 1 when it had failures or was
    interrupted or killed (a 'running' run whose process on this host is gone
    is shown as 'interrupted'). Read-only: never creates or changes a database
    (an older schema needs 'protokoll migrate').
    """
    import json

    from .query import fetch_issues, issue_counts, up_to_date_engine

    engine = up_to_date_engine(db_url)
    report = runs.status_report(engine)
    by_status, last, failures = report.by_status, report.last_run, report.failures
    issues = fetch_issues(engine)
    counts = issue_counts(issues)
    errors = [i for i in issues if i.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({
            "documents": {"ok": by_status.get("ok", 0), "failed": by_status.get("failed", 0)},
            "last_run": {k: (v.isoformat() if hasattr(v, "isoformat") else db.mask_url(v) if k == "command" and v else v)
                         for k, v in last.items()} if last else None,
            "failures": [{"path": path, "stage": stage, "error": error} for path, stage, error in failures],
            "issues": counts,
            "errors": [{"path": e.path, "code": e.code, "item": e.number, "page": e.page, "message": e.message}
                       for e in errors],
        }, ensure_ascii=False, indent=1))
        sys.exit(EXIT_OK if report.healthy else EXIT_FAILED)
    click.echo(f"documents: {by_status.get('ok', 0)} ok, {by_status.get('failed', 0)} failed")
    if last:
        click.echo(
            f"last run: #{last['id']} {last['status']}, started {last['started_at']}, "
            f"finished {last['finished_at'] or '-'}: {last['inserted'] or 0} inserted, {last['replaced'] or 0} replaced, "
            f"{last['unchanged'] or 0} unchanged, {last['failed'] or 0} failed"
            + (f" (log: {last['log_path']})" if last["log_path"] else "")
        )
    else:
        click.echo("last run: none")
    for path, _stage, error in failures:
        click.echo(f"failed: {path}: {error}")
    parts = [
        f"{sum(codes.values())} {severity}{'s' if sum(codes.values()) > 1 else ''} "
        f"({', '.join(f'{code} {n}' for code, n in codes.items())})"
        for severity, codes in counts.items()
    ]
    documents = len({i.path for i in issues})
    click.echo(f"issues: {', '.join(parts)} in {documents} document{'s' if documents > 1 else ''}" if parts else "issues: none")
    for e in errors[:STATUS_ERRORS]:
        click.echo(e.line())
    if len(errors) > STATUS_ERRORS:
        click.echo(f"... {len(errors) - STATUS_ERRORS} more errors: protokoll check --errors-only")
    sys.exit(EXIT_OK if report.healthy else EXIT_FAILED)


@main.command(name="retry-failed")
@_db_option
@_model_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.pass_context
def retry_failed(cctx: click.Context, db_url: str | None, model: str | None, jobs: int | None) -> None:
    """Import again every document recorded as failed whose file is still there (works from any folder)."""
    engine = _engine(db_url)
    paths = runs.failed_paths(engine)
    present = [p for p in paths if Path(p).exists()]
    for gone in sorted(set(paths) - set(present)):
        click.echo(f"{gone}: no longer there, not retried", err=True)
    if not present:
        click.echo("protokoll: no failed documents to retry", err=True)
        sys.exit(EXIT_OK)
    args = ["--force", *present] + (["--db", db_url] if db_url else []) + (["--model", model] if model else [])
    args += ["--jobs", str(jobs)] if jobs else []
    cctx.invoke(ingest_cmd, **_ingest_defaults(cctx, args))


def _ingest_defaults(cctx: click.Context, args: list[str]) -> dict[str, Any]:
    sub = ingest_cmd.make_context("ingest", args, parent=cctx)
    return dict(sub.params)


class _StrictStop(Exception):
    """The first failure under --strict: ends the batch."""


class _NoBar:
    """No progress display (quiet, or stderr is no terminal): lines are printed as they come."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None

    def echo(self, line: str) -> None:
        click.echo(line, err=True)


class _Bar(_NoBar):
    """A progress line on the terminal. A line to print clears it first and redraws it below, so no
    message is ever written onto the bar and no stale bar is left; at the end the bar is erased."""

    WIDTH = 30

    def __init__(self, total: int):
        self.total, self.done = total, 0

    def __enter__(self) -> _Bar:
        self._draw()
        return self

    def __exit__(self, *exc: object) -> None:
        self._write("\r\033[K")

    def update(self, n: int) -> None:
        self.done += n
        self._draw()

    def echo(self, line: str) -> None:
        self._write(f"\r\033[K{line}\n")
        self._draw()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        self._write(f"\r\033[Kingest  [{'#' * filled}{'-' * (self.WIDTH - filled)}]  {self.done}/{self.total}")

    @staticmethod
    def _write(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()


def _progress(total: int, quiet: bool) -> _NoBar:
    return _Bar(total) if not quiet and sys.stderr.isatty() else _NoBar()


@main.command()
@_model_option
@click.option(
    "--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("training/gold/protocol_gold.jsonl"), show_default=True, help="Gold passages (offsets, labels).",
)
@click.option(
    "--shared", type=click.Path(file_okay=False, path_type=Path), envvar="PROTOKOLL_SHARED",
    default=Path("../shared"), show_default=True, help="Folder the gold file names are relative to.",
)
@click.option("--split", default=None, help="Only passages of this split (dev, blind, blind3: those of --gold); default all.")
@click.option("--errors", default=0, show_default=True, help="Also print up to N errors on stderr.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a Markdown table.")
def evaluate(model: str | None, gold: Path, shared: Path, split: str | None, errors: int, as_json: bool) -> None:
    """Per-label precision, recall and F1 of the tag stage on the protocol gold set."""
    import json

    from .evaluate import evaluate_gold, format_table, gold_splits
    from .types import ENTITY_LABELS

    if split is not None and split not in (splits := gold_splits(gold)):
        raise click.BadParameter(f"{split!r} is not a split of {gold}; choose from {', '.join(splits)}", param_hint="--split")
    if not shared.is_dir():
        raise click.BadParameter(f"{shared} not found", param_hint="--shared")
    nlp = _nlp(model)
    scores = evaluate_gold(nlp, gold, shared, split=split)
    table = scores.table(list(ENTITY_LABELS))
    if as_json:
        click.echo(json.dumps(table, indent=2))
    else:
        part = f", split {split}" if split else ""
        click.echo(format_table(f"Protocol gold set{part}, full tag pipeline ({nlp.meta['protokoll_model']})", table))
    for kind, label, text in scores.errors[:errors]:
        click.echo(f"{kind}\t{label}\t{text}", err=True)


@main.command()
@_db_option
def migrate(db_url: str | None) -> None:
    """Upgrade the database schema in place (ingest and load also do this when needed)."""
    engine = db.make_engine(db_url)
    applied = db.migrate(engine)
    click.echo(f"protokoll: applied {', '.join(applied)}" if applied else "protokoll: schema is up to date", err=True)


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2023-12-31") from exc


FORMATS = ["table", "json", "jsonl", "csv"]


def _output_format(fmt: str | None, as_csv: bool, as_json: bool, as_nl: bool) -> str:
    chosen = {f for f, on in (("csv", as_csv), ("json", as_json), ("jsonl", as_nl)) if on} | ({fmt} if fmt else set())
    if len(chosen) > 1:
        raise click.UsageError(f"give one output format, not {' and '.join(sorted(chosen))}")
    return chosen.pop() if chosen else "table"


def _FORMAT(func: Any) -> Any:  # named like the option decorators it replaced
    """--format, and the shorthands sqlite-utils and Datasette users know: --csv, --json, --nl (JSON lines)."""

    @functools.wraps(func)
    def command(*args: Any, fmt: str | None, as_csv: bool, as_json: bool, as_nl: bool, **kwargs: Any) -> Any:
        return func(*args, fmt=_output_format(fmt, as_csv, as_json, as_nl), **kwargs)

    command = click.option("--nl", "as_nl", is_flag=True, help="Short for --format jsonl: one JSON object a line.")(command)
    command = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(command)
    command = click.option("--csv", "as_csv", is_flag=True, help="Short for --format csv.")(command)
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format on stdout.  [default: table]",
    )(command)


_TIMEOUT = click.option(
    "--timeout", type=click.FloatRange(min=0), default=60, show_default=True, envvar="PROTOKOLL_QUERY_TIMEOUT",
    metavar="SECONDS", help="Stop the statement after this long, in the database too [env PROTOKOLL_QUERY_TIMEOUT; 0: no limit].",
)


def _emit(text: str) -> None:
    if text:  # no rows as JSON lines is no line at all
        click.echo(text)


def _query_failed(exc: Exception) -> NoReturn:
    """A refused or failed statement, or one stopped by --timeout: the user's, so exit 1, one line."""
    click.echo(f"protokoll: {exc}", err=True)
    sys.exit(EXIT_FAILED)


@main.command()
@click.argument("text")
@_db_option
@click.option("--body", help="Only meetings of bodies whose name contains this (case-insensitive).")
@click.option("--from", "date_from", callback=_iso_date, metavar="DATE", help="Meetings on or after this date.")
@click.option("--to", "date_to", callback=_iso_date, metavar="DATE", help="Meetings on or before this date.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most this many hits, the best first (stderr then says how many there are).")
@_TIMEOUT
@_FORMAT
def search(
    text: str, db_url: str | None, body: str | None, date_from: Any, date_to: Any, limit: int, timeout: float, fmt: str,
) -> None:
    """Full-text search in sections, item titles and attachments (prefix search: budget finds budgeten).

    TEXT is words, "quoted phrases" and AND, OR, NOT between them (budget NOT skola); at most 500
    characters and 32 terms, else a usage error (exit 2). A text that cannot be parsed, or a search
    stopped by --timeout, is exit 1. Read-only: never creates or changes a database.
    """
    from .query import QueryError, format_rows, hits_as_rows, parse_search, up_to_date_engine
    from .query import search as run_search

    try:
        parse_search(text)  # a usage error is told before the database is opened
        found = run_search(up_to_date_engine(db_url), text, body=body, date_from=date_from, date_to=date_to,
                           limit=limit, timeout=timeout)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="TEXT") from exc
    except QueryError as exc:
        _query_failed(exc)
    if fmt == "table":
        for h in found.hits:
            where = f"§ {h.number} {h.title}" if h.number is not None else "(no item)"
            kind = f"{h.section_kind}: {h.label}" if h.label else h.section_kind
            click.echo(f"{h.meeting_date}  {h.body}  {where}  [{kind}]")
            click.echo(f"    {h.snippet}")
    else:
        _emit(format_rows(*hits_as_rows(found.hits), fmt))
    if found.total > len(found.hits):
        click.echo(f"protokoll: showing {len(found.hits)} of {found.total} hits (--limit {limit})", err=True)
    elif fmt == "table":
        click.echo(f"protokoll: {len(found.hits)} hit(s)", err=True)


@main.command()
@click.argument("sql")
@_db_option
@_TIMEOUT
@_FORMAT
def query(sql: str, db_url: str | None, timeout: float, fmt: str) -> None:
    """Run one read-only SQL statement and print the result; SQL '-' reads the statement from stdin.

    One SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW or PRAGMA statement; the connection itself
    refuses writes. A refused statement, an SQL error or --timeout is one line on stderr, exit 1.
    """
    from .query import QueryError, format_rows, read_only_engine, run_query

    if sql == "-":
        sql = sys.stdin.read()
    try:
        columns, rows = run_query(read_only_engine(db_url), sql, timeout=timeout)
    except QueryError as exc:
        _query_failed(exc)
    if columns:
        _emit(format_rows(columns, rows, fmt))


@main.command()
@_db_option
@click.option("--errors-only", is_flag=True, help="Print the errors only (the exit code is the same).")
@click.pass_obj
def check(ctx: Context, db_url: str | None, errors_only: bool) -> None:
    """Print the self-check issues of every document, one per line; exit 1 when any is an error.

    Read-only: never creates or changes a database, and reads copies in folders it cannot write.
    For a cron job that holds back publishing.
    """
    from .query import fetch_issues, read_only_engine

    issues = fetch_issues(read_only_engine(db_url))
    for issue in issues:
        if issue.severity == "error" or not errors_only:
            click.echo(issue.line())
    errors = sum(i.severity == "error" for i in issues)
    if not ctx.quiet:
        documents = len({i.path for i in issues})
        click.echo(f"protokoll: {errors} error(s), {len(issues) - errors} warning(s) in {documents} document(s)", err=True)
    sys.exit(EXIT_FAILED if errors else EXIT_OK)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@_db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "popolo"]), default="jsonl", show_default=True)
def export(folder: Path, db_url: str | None, fmt: str) -> None:
    """Write every table to FOLDER, one file per table, and every view to FOLDER/views/ (for pandas, R, ...).

    --format popolo writes FOLDER/popolo.json instead: persons, organizations, memberships, events,
    motions and vote events as Popolo JSON (docs/popolo.md).
    Each file is written beside its target and renamed over it: a symlink in FOLDER is replaced,
    never written through. A folder that cannot be made or written is exit 3. Read-only on the database.
    """
    from .query import export_tables, read_only_engine, up_to_date_engine

    if fmt == "popolo":
        from . import popolo

        target, counts = popolo.export(up_to_date_engine(db_url), folder)
        for name, count in counts.items():
            click.echo(f"{name}: {count} -> {target}", err=True)
        return
    for name, count, target in export_tables(read_only_engine(db_url), folder, fmt):
        click.echo(f"{name}: {count} rows -> {target}", err=True)


@main.command()
@_db_option
@click.option("--dry-run", is_flag=True, help="Only list the documents that would be removed.")
@click.option("--all", "remove_all", is_flag=True, help="Remove them even when no document has a file left.")
@click.option("--wait", is_flag=True, help="If an ingest holds the database, wait for it instead of refusing.")
@click.pass_obj
def prune(ctx: Context, db_url: str | None, dry_run: bool, remove_all: bool, wait: bool) -> None:
    """Remove the documents whose files are all gone, each with all its rows, in one transaction each.

    A document stays while any path it was recorded under exists; relative paths are read from the
    current folder, as ingest stored them. When no document has a file left (often: prune run in
    another folder than ingest) nothing is removed without --all (exit 2). Runs under the ingest
    lock. Prints "removed: PATH" (with --dry-run "would remove: PATH") for each document.
    """
    import contextlib

    from . import runs
    from .query import recorded_paths, up_to_date_engine

    reader = up_to_date_engine(db_url)  # a missing or older database is exit 3, and nothing is created
    engine = reader if dry_run else db.make_engine(db_url)
    lock: contextlib.AbstractContextManager[None] = contextlib.nullcontext() if dry_run else runs.run_lock(engine, wait=wait)
    with lock:
        recorded = recorded_paths(engine)
        gone = {doc: paths for doc, paths in recorded.items() if not any(Path(p).exists() for p in paths)}
        if gone and len(gone) == len(recorded) and not remove_all:
            raise click.UsageError(
                f"none of the {len(recorded)} documents has a file left, seen from {Path.cwd()}; run prune in "
                "the folder ingest ran in, or pass --all to remove them all"
            )
        for document_id, paths in gone.items():
            if not dry_run:
                load.delete_document(engine, document_id)
            click.echo(f"{'would remove' if dry_run else 'removed'}: {', '.join(paths)}")
    if not ctx.quiet:
        n = len(gone)
        what = f"{n} document{'s' if n != 1 else ''} whose files are gone"
        click.echo(f"protokoll: {'would remove' if dry_run else 'removed'} {what}" if n else
                   "protokoll: every document has a file; nothing to remove", err=True)


@main.command()
@click.argument("pdf", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", "document_id", type=int, metavar="ID", help="A document of the database (documents.id).")
@click.option("--all", "all_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Every document of the database, and DIR/index.html sorted by number of issues.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Folder for the report [default: PROCESSED/review].")
@_db_option
@_model_option
@_extract_options
@click.pass_obj
def review(ctx: Context, pdf: Path | None, document_id: int | None, all_dir: Path | None, output: Path | None,
           db_url: str | None, model: str | None, extractor: str, no_ocr: bool, ocr_dpi: int) -> None:
    """An HTML report per document: its pages as images with the boxes of every stored row.

    PDF runs the stages in memory and writes no database; --document ID reads one document of the
    database, --all DIR every one (with an index, the most issues first). The database is opened
    read-only and never created or changed. Exit 1 when the PDF could not be read.
    """
    from . import review as report
    from .query import up_to_date_engine

    if sum(x is not None for x in (pdf, document_id, all_dir)) != 1:
        raise click.UsageError("name a PDF, or --document ID, or --all DIR (one of them)")
    folder = all_dir or output or ctx.store.root / "review"
    if pdf is not None:
        shown = display_path(pdf)
        extracted = run_extract(pdf, shown, _options(extractor, no_ocr, ocr_dpi))
        result = run_decide(run_segment(extracted))
        if isinstance(result, Protocol):
            result = run_boxes(run_tag(result, _nlp(model)), extracted)
        if isinstance(result, Failure):
            _report_failure(result)
            sys.exit(EXIT_FAILED)
        click.echo(report.write_report(report.from_protocol(result, pdf.stem), folder))
        sys.exit(EXIT_OK)
    engine = up_to_date_engine(db_url)  # a missing or older database is exit 3, and nothing is created
    if document_id is not None:
        found = report.from_database(engine, document_id)
        if found is None:
            raise click.BadParameter(f"no imported document {document_id} in the database (see 'protokoll status')",
                                     param_hint="--document")
        click.echo(report.write_report(found, folder))
        sys.exit(EXIT_OK)
    rows = report.documents(engine)
    written: dict[int, str] = {}
    for row in rows:
        one = report.from_database(engine, row.id) if row.status == "ok" else None
        if one is not None:
            written[row.id] = report.write_report(one, folder).name
    click.echo(report.write_index(rows, written, folder))
    sys.exit(EXIT_OK)


@main.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port, shown on stderr).")
@click.option("--reports", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Keep the rendered pages and review reports in DIR [default: a temporary folder].")
def serve(db_url: str | None, host: str, port: int, reports: Path | None) -> None:
    """Browse the SQLite database in Datasette, read-only: prefix search, labels, each row's page with its box.

    The file is opened immutable and never changed. A PostgreSQL URL, a missing or older database,
    a port in use or no Datasette installed is one line and exit 3. Ctrl-C stops (130), SIGTERM 143.
    See docs/web.md.
    """
    from .web.server import ServeOptions
    from .web.server import serve as run_server

    stopped = run_server(db_url, ServeOptions(host, port, reports), lambda line: click.echo(f"protokoll: {line}", err=True))
    sys.exit({2: EXIT_INTERRUPTED, 15: EXIT_TERMINATED}.get(stopped or 0, EXIT_OK))


@main.group(name="persons")
def persons_group() -> None:
    """The person registry: list and show (read-only); merge, split and rename (the curator's decisions).

    A decision is applied to the database and appended to the persons file (--persons, default
    data/persons.toml), which every ingest and load applies again, so it survives 'ingest --force'.
    PERSON is an id (from 'protokoll persons list') or a name, matched like resolution matches
    (order, case and initials' dots ignored; every spelling a person was written in counts).
    """


_ORGANISATION = click.option("--organisation", metavar="NAME", help="Only persons of this organisation (meetings.organisation).")


def _one_person(conn: Any, ref: str, organisation: str | None) -> Any:
    """The one person ``ref`` names; none or several is a usage error (exit 2) saying what to give instead."""
    from .curation import find_persons

    found = find_persons(conn, ref, organisation)
    where = f" in {organisation}" if organisation else ""
    if not found:
        raise click.BadParameter(f"no person {ref!r}{where}; see 'protokoll persons list'", param_hint="PERSON")
    if len(found) > 1:
        listed = "; ".join(f"{p.id} {p.name} ({p.organisation or 'no organisation'})" for p in found)
        raise click.BadParameter(f"{ref!r} names {len(found)} persons{where}: {listed}; give the id", param_hint="PERSON")
    return found[0]


@persons_group.command(name="list")
@_ORGANISATION
@click.option("--name", metavar="TEXT", help="Only persons whose name contains TEXT (case-insensitive).")
@_db_option
@_FORMAT
def persons_list(organisation: str | None, name: str | None, db_url: str | None, fmt: str) -> None:
    """Every person: id, name, organisation, parties, meetings attended and rows naming the person.

    Read-only: never creates or changes a database.
    """
    from .curation import LIST_COLUMNS, list_persons
    from .query import format_rows, up_to_date_engine

    with up_to_date_engine(db_url).connect() as conn:
        rows = list_persons(conn, organisation, name)
    _emit(format_rows(LIST_COLUMNS, rows, fmt))


@persons_group.command(name="show")
@click.argument("person")
@_ORGANISATION
@_db_option
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def persons_show(person: str, organisation: str | None, db_url: str | None, as_json: bool) -> None:
    """One person: names, aliases, memberships and activity per year. Read-only."""
    import json

    from .curation import person_detail
    from .query import up_to_date_engine

    with up_to_date_engine(db_url).connect() as conn:
        detail = person_detail(conn, _one_person(conn, person, organisation).id)
    if as_json:
        click.echo(json.dumps(detail, ensure_ascii=False, indent=1, default=str))
        return
    click.echo(f"{detail['id']}  {detail['name']}  ({detail['organisation'] or 'no organisation'})")
    click.echo("aliases: " + "; ".join(f"{a['name']} ({a['source']})" for a in detail["aliases"]))
    for m in detail["memberships"]:
        click.echo(f"membership: {m['body']}, {m['role']}, {m['party'] or '-'}, {m['start_date']} to {m['end_date']} "
                   f"({m['source']})")
    for a in detail["activity"]:
        click.echo(f"{a['year']}: {a['meetings']} meetings ({a['as_ledamot']} as ledamot, {a['as_ersattare']} as "
                   f"ersättare), {a['proposals']} proposals, {a['reservations']} reservations, {a['recusals']} "
                   f"recusals, {a['votes_cast']} votes")


def _decide(db_url: str | None, persons_path: str | None, wait: bool, make: Any) -> tuple[Any, Path]:
    """Under the ingest lock: find the persons (``make(conn)`` gives the entry and what to say), apply, record."""
    import shlex

    from .curation import decide, persons_file
    from .query import up_to_date_engine

    path, _ = persons_file(persons_path)
    up_to_date_engine(db_url)  # a missing or older database is exit 3, and nothing is created
    engine = db.make_engine(db_url)
    with runs.run_lock(engine, wait=wait):
        with engine.connect() as conn:
            entry, said = make(conn)
        decide(engine, path, entry, db.mask_url(shlex.join(["protokoll", *sys.argv[1:]])))
    click.echo(f"protokoll: {said}; recorded in {path}", err=True)
    return entry, path


_WAIT = click.option("--wait", is_flag=True, help="If an ingest holds the database, wait for it instead of refusing.")


@persons_group.command(name="merge")
@click.argument("keep")
@click.argument("absorb", nargs=-1, required=True)
@_ORGANISATION
@_db_option
@_persons_option
@_WAIT
def persons_merge(keep: str, absorb: tuple[str, ...], organisation: str | None, db_url: str | None,
                  persons_path: str | None, wait: bool) -> None:
    """The persons ABSORB are the person KEEP: their rows move to KEEP (never across organisations)."""
    from .curation import Entry

    def make(conn: Any) -> tuple[Entry, str]:
        target = _one_person(conn, keep, organisation)
        others = [_one_person(conn, a, organisation) for a in absorb]
        for other in others:
            if other.organisation != target.organisation:
                raise click.UsageError(f"{other.name} ({other.organisation}) and {target.name} ({target.organisation}) "
                                       "are of two organisations; persons are never merged across organisations")
            if other.id == target.id:
                raise click.UsageError(f"{absorb[others.index(other)]!r} is {target.name} (id {target.id}) already")
        names = tuple(dict.fromkeys(o.name for o in others))
        said = f"merged {', '.join(f'{o.name} (id {o.id})' for o in others)} into {target.name} (id {target.id})"
        return Entry("merge", 0, target.organisation, target.name, names), said

    _decide(db_url, persons_path, wait, make)


@persons_group.command(name="split")
@click.argument("person")
@click.option("--name", "names", multiple=True, metavar="SPELLING", help="The rows written so go to another person (repeatable).")
@click.option("--body", metavar="BODY", help="The rows of meetings of this body go to another person.")
@_ORGANISATION
@_db_option
@_persons_option
@_WAIT
def persons_split(person: str, names: tuple[str, ...], body: str | None, organisation: str | None, db_url: str | None,
                  persons_path: str | None, wait: bool) -> None:
    """Some rows of PERSON name someone else: those written as --name, or of meetings of --body, or both."""
    from .curation import Entry

    if not names and body is None:
        raise click.UsageError("say which rows go to another person: --name SPELLING, --body BODY or both")

    def make(conn: Any) -> tuple[Entry, str]:
        source = _one_person(conn, person, organisation)
        what = " and ".join(([f"written as {', '.join(names)}"] if names else []) + ([f"of {body}"] if body else []))
        said = f"the rows of {source.name} (id {source.id}) {what} are another person"
        return Entry("split", 0, source.organisation, source.name, names, body), said

    _decide(db_url, persons_path, wait, make)


@persons_group.command(name="rename")
@click.argument("person")
@click.argument("new_name")
@_ORGANISATION
@_db_option
@_persons_option
@_WAIT
def persons_rename(person: str, new_name: str, organisation: str | None, db_url: str | None, persons_path: str | None,
                   wait: bool) -> None:
    """PERSON is called NEW_NAME from now on (otherwise a person is called by the spelling its rows use most)."""
    from .curation import Entry

    if len(new_name.split()) < 2:
        raise click.BadParameter(f"{new_name!r} is one word; give a full name like 'Anna Berg'", param_hint="NEW_NAME")

    def make(conn: Any) -> tuple[Entry, str]:
        source = _one_person(conn, person, organisation)
        return (Entry("rename", 0, source.organisation, source.name, to=" ".join(new_name.split())),
                f"renamed {source.name} (id {source.id}) to {' '.join(new_name.split())}")

    _decide(db_url, persons_path, wait, make)

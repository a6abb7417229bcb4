"""The ``protokoll`` command: click only. Parses options, calls the stages, maps errors to exit codes.

Exit codes: 0 all documents went well; 1 one or more documents failed (each
named on stderr and recorded in the database), or for ``check`` a self-check
found an error; 2 usage error; 3 the run could not go on (database unreachable,
unreadable stage file); 4 another ingest holds the database's lock (try later,
or --wait).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, db, load
from .errors import DatabaseError, ProtokollError, StageInputError
from .extract import EXTRACTORS, ExtractOptions
from .ingest import (
    StageStore,
    Summary,
    display_path,
    find_inputs,
    ingest,
    read_stage_file,
    run_extract,
    run_segment,
    run_tag,
)
from .types import ExtractedDocument, Failure, Protocol

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR, EXIT_BUSY = 0, 1, 2, 3, 4
log = logging.getLogger("protokoll")


class Context:
    def __init__(self, processed: Path, quiet: bool):
        self.store = StageStore(processed)
        self.quiet = quiet


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="protokoll: %(message)s", stream=sys.stderr, force=True)


def _report_failure(f: Failure) -> None:
    click.echo(f"{f.path}: {f.error}", err=True)


def _db_option(func: Any) -> Any:
    return click.option(
        "--db", "db_url", envvar=db.ENV_DB, default=None, metavar="URL",
        help=f"SQLAlchemy URL or SQLite file [env {db.ENV_DB}; default {db.DEFAULT_DB_PATH}].",
    )(func)


def _model_option(func: Any) -> Any:
    return click.option(
        "--model", default=None, metavar="PATH",
        help="spaCy model directory [default: models/sv_protokoll if present]; 'blank' for rules only.",
    )(func)


def _extract_options(func: Any) -> Any:
    func = click.option("--ocr-dpi", type=click.IntRange(72, 600), default=300, show_default=True,
                        help="Resolution pages are rendered at for OCR.")(func)
    func = click.option("--no-ocr", is_flag=True,
                        help="Do not OCR pages without a usable text layer (Tesseract is used when installed).")(func)
    return click.option("--extractor", type=click.Choice(list(EXTRACTORS)), default=ExtractOptions().extractor,
                        show_default=True, help="PDF text backend (pdfium is fast; pdfplumber the reference).")(func)


def _options(extractor: str, no_ocr: bool, ocr_dpi: int) -> ExtractOptions:
    return ExtractOptions(extractor=extractor, ocr=not no_ocr, ocr_dpi=ocr_dpi)


def _engine(db_url: str | None) -> Any:
    engine = db.make_engine(db_url)
    applied = db.migrate(engine)
    if applied and len(applied) < len(db.MIGRATIONS):
        click.echo(f"protokoll: upgraded database schema ({', '.join(applied)})", err=True)
    return engine


def _nlp(model: str | None) -> Any:
    from .tag import build_nlp

    try:
        return build_nlp(model)
    except (OSError, FileNotFoundError) as exc:
        raise click.BadParameter(str(exc), param_hint="--model") from exc


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
@_model_option
@click.pass_obj
def tag(ctx: Context, files: tuple[str, ...], model: str | None) -> None:
    """Stage 3: segment outputs -> entities with normalised values (data/processed/tag/)."""
    failed = 0
    nlp = None
    for f in _stage_files(ctx, "segment", files):
        doc = read_stage_file(f)
        if not isinstance(doc, (Protocol, Failure)):
            raise StageInputError(f"{f}: not a segment output")
        if isinstance(doc, Protocol) and nlp is None:
            nlp = _nlp(model)
        result = run_tag(doc, nlp)
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
@click.pass_obj
def load_cmd(ctx: Context, files: tuple[str, ...], db_url: str | None, force: bool) -> None:
    """Stage 4: tag outputs -> database, one transaction per document."""
    engine = _engine(db_url)
    summary = Summary()
    for f in _stage_files(ctx, "tag", files):
        doc = read_stage_file(f)
        if isinstance(doc, Protocol) and not doc.tagged:
            raise StageInputError(f"{f}: not a tag output")
        if not isinstance(doc, (Protocol, Failure)):
            raise StageInputError(f"{f}: not a tag output")
        outcome = load.save(engine, doc, force=force)
        if isinstance(doc, Failure):
            _report_failure(doc)
            outcome = "failed"
        summary.counts[outcome] += 1
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
@_extract_options
@click.pass_obj
def ingest_cmd(
    ctx: Context, paths: tuple[Path, ...], db_url: str | None, model: str | None, jobs: int | None, force: bool,
    since: float | None, manifest: Any, strict: bool, wait: bool, no_lock: bool, no_stage_files: bool,
    log_json: bool, dask: str | None, extractor: str, no_ocr: bool, ocr_dpi: int,
) -> None:
    """The main job: every stage over PDF files and folders (recursive) into the database.

    Each run is recorded in the runs table and logged to data/processed/logs/.
    """
    import contextlib
    import os

    from . import runs

    inputs: list[Path | str] = list(paths)
    if manifest is not None:
        inputs += [line.strip() for line in manifest if line.strip() and not line.startswith("#")]
    if not inputs:
        raise click.UsageError("give files or folders to import (or --manifest FILE)")
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise click.UsageError(f"not found: {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""))
    if log_json:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(runs.JsonFormatter())
    files = find_inputs(inputs)
    engine = _engine(db_url)
    jobs = jobs or os.cpu_count() or 1
    show = not ctx.quiet
    lock = contextlib.nullcontext() if no_lock else runs.run_lock(engine, wait=wait)
    with lock:
        runs.mark_interrupted(engine)
        run_id = runs.start_run(engine, db.mask_url(" ".join(["protokoll", *sys.argv[1:]])), len(files), jobs)
        status = "failed"
        summary = Summary()
        with runs.run_log(ctx.store.root / "logs", run_id, log_json) as log_path:
            bar_cm = (
                click.progressbar(length=len(files), label="ingest", file=sys.stderr, show_pos=True)
                if show and sys.stderr.isatty() else _NoBar()
            )
            try:
                with bar_cm as bar:

                    def done(path: Path, outcome: str, failure: Failure | None) -> None:
                        bar.update(1)
                        if failure is not None:
                            _report_failure(failure)
                            if strict:
                                raise _StrictStop()

                    summary = ingest(
                        files, engine, lambda: _nlp(model), None if no_stage_files else ctx.store, force=force,
                        on_done=done, jobs=jobs, model=model, since=since, run_id=run_id,
                        options=_options(extractor, no_ocr, ocr_dpi), dask=dask,
                    )
                status = "failed" if summary.failed else "ok"
            except _StrictStop:
                click.echo("protokoll: stopped at the first failure (--strict)", err=True)
            except KeyboardInterrupt:
                status = "interrupted"
                raise
            finally:
                counts = dict(summary.counts)
                runs.finish_run(engine, run_id, status, counts, log_path)
                log.info("run %s %s: %s", run_id, status, summary.line())
    if show:
        click.echo(f"protokoll: {summary.line()}", err=True)
    sys.exit(EXIT_OK if status == "ok" else EXIT_FAILED)


STATUS_ERRORS = 10  # errors listed by status; protokoll check lists them all


@main.command()
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def status(db_url: str | None, fmt: str) -> None:
    """Documents by status, the last run, the failures with their reasons, and the self-check issues.

    Read-only: never creates or changes a database (an older schema needs 'protokoll migrate').
    """
    import json

    import sqlalchemy as sa

    from .query import fetch_issues, issue_counts, up_to_date_engine

    engine = up_to_date_engine(db_url)
    d, r = db.documents.c, db.runs.c
    with engine.connect() as conn:
        by_status: dict[str, int] = dict(conn.execute(sa.select(d.status, sa.func.count()).group_by(d.status)).all())
        last = conn.execute(sa.select(db.runs).order_by(r.id.desc()).limit(1)).mappings().first()
        p = db.document_paths.c
        failures = conn.execute(
            sa.select(p.path, d.failed_stage, d.error)
            .join_from(db.document_paths, db.documents, p.document_id == d.id)
            .where(d.status == "failed").order_by(p.path)
        ).all()
    issues = fetch_issues(engine)
    counts = issue_counts(issues)
    errors = [i for i in issues if i.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({
            "documents": {"ok": by_status.get("ok", 0), "failed": by_status.get("failed", 0)},
            "last_run": {k: (v.isoformat() if hasattr(v, "isoformat") else db.mask_url(v) if k == "command" and v else v)
                         for k, v in last.items()} if last else None,
            "failures": [{"path": f.path, "stage": f.failed_stage, "error": f.error} for f in failures],
            "issues": counts,
            "errors": [{"path": e.path, "code": e.code, "item": e.number, "page": e.page, "message": e.message}
                       for e in errors],
        }, ensure_ascii=False, indent=1))
        return
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
    for f in failures:
        click.echo(f"failed: {f.path}: {f.error}")
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


@main.command(name="retry-failed")
@_db_option
@_model_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.pass_context
def retry_failed(cctx: click.Context, db_url: str | None, model: str | None, jobs: int | None) -> None:
    """Import again every document recorded as failed whose file is still there."""
    import sqlalchemy as sa

    engine = _engine(db_url)
    with engine.connect() as conn:
        p, d = db.document_paths.c, db.documents.c
        paths = conn.execute(
            sa.select(p.path).join_from(db.document_paths, db.documents, p.document_id == d.id)
            .where(d.status == "failed").order_by(p.path)
        ).scalars().all()
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
    pass


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


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
@click.option("--split", default=None, help="Only passages of this split (dev, blind, blind3); default all.")
@click.option("--errors", default=0, show_default=True, help="Also print up to N errors on stderr.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a Markdown table.")
def evaluate(model: str | None, gold: Path, shared: Path, split: str | None, errors: int, as_json: bool) -> None:
    """Per-label precision, recall and F1 of the tag stage on the protocol gold set."""
    import json

    from .evaluate import evaluate_gold, format_table
    from .types import ENTITY_LABELS

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


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format on stdout.",
)


@main.command()
@click.argument("text")
@_db_option
@click.option("--body", help="Only meetings of bodies whose name contains this (case-insensitive).")
@click.option("--from", "date_from", callback=_iso_date, metavar="DATE", help="Meetings on or after this date.")
@click.option("--to", "date_to", callback=_iso_date, metavar="DATE", help="Meetings on or before this date.")
@click.option("--limit", default=50, show_default=True)
@_FORMAT
def search(text: str, db_url: str | None, body: str | None, date_from: Any, date_to: Any, limit: int, fmt: str) -> None:
    """Full-text search in sections, item titles and attachments (prefix search: budget finds budgeten).

    Read-only: never creates or changes a database.
    """
    from .query import format_rows, hits_as_rows, up_to_date_engine
    from .query import search as run_search

    engine = up_to_date_engine(db_url)
    try:
        hits = run_search(engine, text, body=body, date_from=date_from, date_to=date_to, limit=limit)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="TEXT") from exc
    if fmt == "table":
        for h in hits:
            where = f"§ {h.number} {h.title}" if h.number is not None else "(no item)"
            kind = f"{h.section_kind}: {h.label}" if h.label else h.section_kind
            click.echo(f"{h.meeting_date}  {h.body}  {where}  [{kind}]")
            click.echo(f"    {h.snippet}")
        click.echo(f"protokoll: {len(hits)} hit(s)", err=True)
    else:
        click.echo(format_rows(*hits_as_rows(hits), fmt))


@main.command()
@click.argument("sql")
@_db_option
@_FORMAT
def query(sql: str, db_url: str | None, fmt: str) -> None:
    """Run one read-only SQL statement and print the result (the connection itself refuses writes)."""
    from .query import RefusedQuery, format_rows, read_only_engine, run_query

    try:
        columns, rows = run_query(read_only_engine(db_url), sql)
    except RefusedQuery as exc:
        click.echo(f"protokoll: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(format_rows(columns, rows, fmt))


@main.command()
@_db_option
@click.option("--errors-only", is_flag=True, help="Print the errors only (the exit code is the same).")
@click.pass_obj
def check(ctx: Context, db_url: str | None, errors_only: bool) -> None:
    """Print the self-check issues of every document, one per line; exit 1 when any is an error.

    Read-only: never creates or changes a database. For a cron job that holds back publishing.
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
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
def export(folder: Path, db_url: str | None, fmt: str) -> None:
    """Write every table to FOLDER, one file per table (for pandas, R, ...)."""
    from .query import export_tables, read_only_engine

    for table, count, target in export_tables(read_only_engine(db_url), folder, fmt):
        click.echo(f"{table}: {count} rows -> {target}", err=True)


"""The read commands (query, search, export, check, status) as an operator meets them, and prune.

Adversarial probes of issue 11: the read-only query on PostgreSQL (probe 1), export and symlinks
(probe 3), search cost and time limits (probe 7), read-only copies of an archive (probe 10), and
the sqlite-utils/Datasette conventions. SQLite always; PostgreSQL when $PROTOKOLL_TEST_DB is set.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import RAW, ROOT, _reset_postgres

NOT_A_QUERY = (
    "protokoll: query refused: {} is not a query; 'protokoll query' runs one SELECT, WITH, VALUES, TABLE, "
    "EXPLAIN, SHOW or PRAGMA statement on a read-only connection\n"
)
TIMED_OUT = (
    "protokoll: {0}: stopped after {1} s, its time limit; narrow the {0} or raise the limit with --timeout "
    "(or PROTOKOLL_QUERY_TIMEOUT; 0 for none)\n"
)
needs_postgres = pytest.mark.skipif(not os.environ.get("PROTOKOLL_TEST_DB"), reason="PROTOKOLL_TEST_DB not set")


def run(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(main, list(args), **kwargs)


def ingest(db_url: str, tmp_path: Path, *paths: str | Path) -> None:
    result = run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", db_url,
                 "--model", "blank", *map(str, paths))
    assert result.exit_code == 0, result.output


def url_of(db_url: str) -> str:
    return db_url if "://" in db_url else f"sqlite:///{db_url}"


def sql(db_url: str, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run a statement on a writable connection of our own (for setting up and checking)."""
    engine = sa.create_engine(url_of(db_url))
    with engine.begin() as conn:
        result = conn.execute(sa.text(statement), params or {})
        rows = [tuple(r) for r in result] if result.returns_rows else []
    engine.dispose()
    return rows


def is_postgres(db_url: str) -> bool:
    return db_url.startswith("postgresql")


@contextmanager
def unwritable(*paths: Path) -> Iterator[None]:
    """Make files and folders that nobody may change: ``chattr +i`` as root (who ignores permission
    bits, and these tests run as root here), ``chmod a-w`` otherwise."""
    done: list[Path] = []
    try:
        for path in paths:
            if os.geteuid() == 0:
                result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
                if result.returncode:
                    pytest.skip(f"chattr +i does not work here ({result.stderr.strip()}); root ignores chmod")
            else:
                path.chmod(0o555 if path.is_dir() else 0o444)
            done.append(path)
        yield
    finally:
        for path in reversed(done):
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(path)], check=True)
            else:
                path.chmod(0o755 if path.is_dir() else 0o644)


# --- probe 1: the read-only query --------------------------------------------------------------


def test_query_refuses_statements_that_are_not_queries(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)
    copied = tmp_path / "copied.csv"
    for statement, keyword in (
        ("SET default_transaction_read_only = off", "SET"),
        ("SET TRANSACTION READ WRITE", "SET"),
        ("reset all", "RESET"),
        ("BEGIN", "BEGIN"),
        ("COMMIT", "COMMIT"),
        ("/* hidden */ (DELETE FROM recipients)", "DELETE"),
        ("DO $$BEGIN DELETE FROM recipients; END$$", "DO"),
        ("CALL anything()", "CALL"),
        (f"COPY recipients TO '{copied}'", "COPY"),
        ("CHECKPOINT", "CHECKPOINT"),
    ):
        result = run("query", statement, "--db", db_url)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", NOT_A_QUERY.format(keyword)), statement
    assert sql(db_url, "SELECT count(*) FROM recipients") == [(14,)]
    assert not copied.exists()


@needs_postgres
def test_postgres_read_only_transaction_cannot_be_undone_in_the_statement(tmp_path: Path) -> None:
    from pipeline.query import QueryError, read_only_engine, run_query

    db_url = os.environ["PROTOKOLL_TEST_DB"]
    _reset_postgres(db_url)
    ingest(db_url, tmp_path, RAW)
    for statement, message in (
        ("WITH d AS (DELETE FROM recipients RETURNING 1) SELECT count(*) FROM d",
         "cannot execute SELECT in a read-only transaction"),
        ("EXPLAIN ANALYZE DELETE FROM recipients", "cannot execute DELETE in a read-only transaction"),
        ("SELECT set_config('transaction_read_only', 'off', false)",
         "transaction read-write mode must be set before any query"),
    ):
        result = run("query", statement, "--db", db_url)
        assert (result.exit_code, result.stderr) == (1, f"protokoll: query failed: {message}\n"), statement
    # a session setting changed by one statement does not reach the next: every statement gets a fresh connection
    engine = read_only_engine(db_url)
    assert run_query(engine, "SELECT set_config('default_transaction_read_only', 'off', false) AS v") == (["v"], [("off",)])
    with pytest.raises(QueryError, match="^query failed: cannot execute SELECT in a read-only transaction$"):
        run_query(engine, "WITH d AS (DELETE FROM recipients RETURNING 1) SELECT count(*) FROM d")
    assert sql(db_url, "SELECT count(*) FROM recipients") == [(14,)]


@needs_postgres
def test_postgres_timeout_cannot_be_lifted_in_the_statement() -> None:
    db_url = os.environ["PROTOKOLL_TEST_DB"]
    start = time.monotonic()
    result = run("query", "SELECT set_config('statement_timeout', '0', false), pg_sleep(5)", "--db", db_url,
                 "--timeout", "0.5")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", TIMED_OUT.format("query", "0.5"))
    assert time.monotonic() - start < 3


@needs_postgres
def test_postgres_stops_the_statement_server_side_when_the_client_is_killed(tmp_path: Path) -> None:
    """The probe: a search killed on the client side went on running for minutes on the server."""
    db_url = os.environ["PROTOKOLL_TEST_DB"]
    marker = f"read_commands_{os.getpid()}"
    running = f"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%{marker}%' AND pid <> pg_backend_pid()"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "query", f"SELECT pg_sleep(30) AS {marker}", "--timeout", "2"],
        cwd=tmp_path, env={**os.environ, "PROTOKOLL_DB": db_url, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while sql(db_url, running) != [(1,)]:
            assert time.monotonic() < deadline, "the statement never reached the server"
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
    killed = time.monotonic()
    while sql(db_url, running) != [(0,)]:
        assert time.monotonic() - killed < 8, "pg_sleep(30) still running on the server after the client was killed"
        time.sleep(0.1)


def test_sqlite_query_stops_at_its_time_limit(sample_db: Path) -> None:
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    start = time.monotonic()
    result = run("query", endless, "--db", str(sample_db), "--timeout", "0.5")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", TIMED_OUT.format("query", "0.5"))
    assert time.monotonic() - start < 3
    result = run("query", endless, "--db", str(sample_db), env={"PROTOKOLL_QUERY_TIMEOUT": "0.25"})
    assert (result.exit_code, result.stderr) == (1, TIMED_OUT.format("query", "0.25"))


# --- probe 3: export ---------------------------------------------------------------------------


def test_export_replaces_symlinks_instead_of_writing_through_them(sample_db: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (out / "items.jsonl").symlink_to(victim)
    (out / "documents.jsonl").symlink_to(elsewhere / "created-through-link.jsonl")  # dangling
    result = run("export", str(out), "--db", str(sample_db))
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim.txt"]
    for name, rows in (("items.jsonl", 6), ("documents.jsonl", 2)):
        target = out / name
        assert not target.is_symlink()
        assert len(target.read_text(encoding="utf-8").splitlines()) == rows
        umask = os.umask(0)
        os.umask(umask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_export_writes_every_view_to_its_own_file(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)
    out = tmp_path / "out"
    result = run("export", str(out), "--db", db_url)
    assert result.exit_code == 0, result.output
    views = {p.name: p.read_text(encoding="utf-8").splitlines() for p in (out / "views").iterdir()}
    engine = sa.create_engine(url_of(db_url))
    with engine.connect() as conn:
        assert set(views) == {f"{name}.jsonl" for name in sa.inspect(conn).get_view_names()}
    engine.dispose()
    assert {name: len(views[name]) for name in (
        "amounts.jsonl", "case_history.jsonl", "decisions.jsonl", "person_mentions.jsonl", "recipients_by_item.jsonl",
        "recusals_by_item.jsonl")} == {
        "amounts.jsonl": 14, "case_history.jsonl": 6, "decisions.jsonl": 6, "person_mentions.jsonl": 33,
        "recipients_by_item.jsonl": 14, "recusals_by_item.jsonl": 1,
    }
    first = json.loads(views["decisions.jsonl"][0])
    assert (first["number"], first["case_number"], first["decision"]) == (
        45, "KS/2024:12", "Kommunstyrelsen utser Lars Nyström (M) att jämte ordföranden justera dagens protokoll.")
    assert f"decisions: 6 rows -> {out / 'views' / 'decisions.jsonl'}\n" in result.stderr
    assert not (out / "decisions.jsonl").exists()  # tables and views stay apart


def test_export_refuses_a_symlinked_views_folder(sample_db: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "views").symlink_to(elsewhere)
    result = run("export", str(out), "--db", str(sample_db))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        3, f"protokoll: cannot export into {out / 'views'}: it is a symlink; remove it or export to another folder")
    assert list(elsewhere.iterdir()) == []


def test_export_folder_problems_are_exit_3_with_one_line(sample_db: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    cases = [
        (a_file / "sub", f"protokoll: cannot export into {a_file / 'sub'}: Not a directory; export to a folder you can write\n"),
        (a_file, f"protokoll: cannot export into {a_file}: it is a file, not a folder; export to a folder\n"),
    ]
    for folder, message in cases:
        result = run("export", str(folder), "--db", str(sample_db))
        assert (result.exit_code, result.stdout, result.stderr) == (3, "", message)
    with unwritable(locked):
        result = run("export", str(locked), "--db", str(sample_db))
        reason = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
        assert (result.exit_code, result.stderr) == (
            3, f"protokoll: cannot write {locked / 'documents.jsonl'}: {reason}; export to a folder you can write\n")
        result = run("export", str(locked / "new"), "--db", str(sample_db))
        assert (result.exit_code, result.stderr) == (
            3, f"protokoll: cannot export into {locked / 'new'}: {reason}; export to a folder you can write\n")
    assert list(locked.iterdir()) == []
    assert a_file.read_text(encoding="utf-8") == "x"


# --- probe 7: search cost ----------------------------------------------------------------------


def test_search_text_is_bounded(sample_db: Path) -> None:
    result = run("search", "kommun OR " * 1000, "--db", str(sample_db))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for TEXT: the search text has 10000 characters; give at most 500")
    result = run("search", " ".join(f"w{i}" for i in range(33)), "--db", str(sample_db))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for TEXT: the search text has 33 terms; give at most 32")
    result = run("search", " OR ".join(["kommun"] * 32), "--db", str(sample_db), "--format", "json")
    assert (result.exit_code, len(json.loads(result.stdout))) == (0, 20)
    # bounds are checked before the database is opened
    result = run("search", "kommun OR " * 1000, "--db", str(sample_db.parent / "missing.db"))
    assert result.exit_code == 2


def test_search_stops_at_its_time_limit(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)
    # long sections make snippet()/ts_headline of 32 terms slow: about 20 s untimed on SQLite
    text = " ".join(f"kommun{i % 50} kommunen" for i in range(3000))
    sql(db_url, "INSERT INTO sections (item_id, position, kind, heading, text) VALUES (1, :p, 'ovrigt', NULL, :t)",
        [{"p": 100 + i, "t": text} for i in range(150 if is_postgres(db_url) else 60)])
    start = time.monotonic()
    result = run("search", " OR ".join(f"kommun{i}" for i in range(32)), "--db", db_url, "--limit", "200",
                 "--timeout", "0.3")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", TIMED_OUT.format("search", "0.3"))
    assert time.monotonic() - start < 4


# --- probe 10: read-only copies ----------------------------------------------------------------


def test_read_commands_work_on_a_copy_nobody_may_write(sample_db: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    copy = archive / "protocols.db"
    with sqlite3.connect(sample_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a whole copy, still in WAL mode, with no -wal or -shm file beside it
    source.close()
    target.close()
    assert sorted(p.name for p in archive.iterdir()) == ["protocols.db"]
    assert sql(str(copy), "PRAGMA journal_mode") == [("wal",)]
    commands = [
        ["status", "--format", "json"], ["search", "budget", "--json"], ["check"],
        ["query", "SELECT number, title FROM items ORDER BY number", "--csv"],
    ]
    expected = [run(*c, "--db", str(sample_db)) for c in commands]
    with unwritable(copy, archive):
        for command, want in zip(commands, expected, strict=True):
            got = run(*command, "--db", str(copy))
            assert (got.exit_code, got.stdout) == (want.exit_code, want.stdout.replace(str(sample_db), str(copy))), (command, got.stderr)
        assert run("export", str(tmp_path / "out"), "--db", str(copy)).exit_code == 0
        assert len((tmp_path / "out" / "items.jsonl").read_text(encoding="utf-8").splitlines()) == 6
        assert sorted(p.name for p in archive.iterdir()) == ["protocols.db"]
    assert expected[0].exit_code == 0 and json.loads(expected[0].stdout)["documents"] == {"ok": 2, "failed": 0}


def test_a_read_only_copy_with_changes_still_in_its_wal_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "live"
    source.mkdir()
    live = sqlite3.connect(source / "protocols.db")
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("CREATE TABLE t (x)")
    live.execute("INSERT INTO t VALUES (1)")
    live.commit()  # still in protocols.db-wal: the connection is open, nothing was checkpointed
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("protocols.db", "protocols.db-wal"):
        shutil.copy(source / name, archive / name)
    live.close()
    copy = archive / "protocols.db"
    with unwritable(archive):
        result = run("query", "SELECT x FROM t", "--db", str(copy))
    assert (result.exit_code, result.stdout, result.stderr) == (
        3, "", f"protokoll: cannot read {copy}: its folder cannot be written and protocols.db-wal holds changes "
        "SQLite cannot read without writing there; copy the database and its -wal file to a folder you can write\n")


# --- conventions -------------------------------------------------------------------------------


def test_output_format_flags(sample_db: Path) -> None:
    statement = "SELECT number, case_number FROM items ORDER BY number LIMIT 2"
    outputs = {flags: run("query", statement, "--db", str(sample_db), *flags).stdout
               for flags in (("--nl",), ("--format", "jsonl"), ("--json",), ("--format", "json"), ("--csv",))}
    assert outputs[("--nl",)] == outputs[("--format", "jsonl")] == (
        '{"number": 45, "case_number": "KS/2024:12"}\n{"number": 46, "case_number": "KS/2024:13"}\n')
    assert outputs[("--json",)] == outputs[("--format", "json")]
    assert json.loads(outputs[("--json",)]) == [{"number": 45, "case_number": "KS/2024:12"},
                                                {"number": 46, "case_number": "KS/2024:13"}]
    assert outputs[("--csv",)] == "number,case_number\n45,KS/2024:12\n46,KS/2024:13\n"
    assert run("query", "SELECT 1 AS x WHERE 0", "--db", str(sample_db), "--nl").stdout == ""  # no rows, no line
    hits = run("search", "fastigheten", "--db", str(sample_db), "--nl").stdout.splitlines()
    assert sorted((json.loads(h)["number"], json.loads(h)["section_kind"]) for h in hits) == [
        (48, "arendebeskrivning"), (48, "beslut"), (48, "title")]
    for command in (["query", statement], ["search", "budget"]):
        result = run(*command, "--db", str(sample_db), "--csv", "--nl")
        assert (result.exit_code, result.stderr.splitlines()[-1]) == (2, "Error: give one output format, not csv and jsonl")


def test_query_reads_the_statement_from_stdin(sample_db: Path) -> None:
    result = run("query", "-", "--db", str(sample_db), "--csv",
                 input="SELECT number\nFROM items\nWHERE title LIKE 'Val%'\n")
    assert (result.exit_code, result.stdout) == (0, "number\n45\n")


def test_sql_errors_are_one_line_and_exit_1(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)
    message = 'column "nosuch" does not exist' if is_postgres(db_url) else "no such column: nosuch"
    result = run("query", "SELECT nosuch FROM items", "--db", db_url)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"protokoll: query failed: {message}\n")
    # a % is the user's, not a parameter placeholder
    result = run("query", "SELECT count(*) AS n FROM items WHERE title LIKE '%justerare%'", "--db", db_url, "--csv")
    assert (result.exit_code, result.stdout) == (0, "n\n1\n")


def test_search_operators_mean_the_same_on_both_backends(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)

    def found(text: str) -> list[tuple[int, str]]:
        result = run("search", text, "--db", db_url, "--json")
        assert result.exit_code == 0, result.output
        return sorted((h["number"], h["section_kind"]) for h in json.loads(result.stdout))

    assert found("fastigheten OR överenskommelsen") == [
        (48, "arendebeskrivning"), (48, "beslut"), (48, "title"),
        (76, "beslut"), (76, "forslag_till_beslut"), (76, "sammanfattning"),
    ]
    assert found("dagordning") == [(46, "beslut"), (46, "title")]
    assert found("dagordning budget") == []  # words without an operator: all of them
    assert found("budget NOT underskottet") == [(76, "sammanfattning")]
    assert found('"samlade budget"') == [(47, "arendebeskrivning")]
    for text, op in (("NOT", "NOT"), ("budget AND", "AND"), ("OR budget", "OR"), ("budget OR NOT skola", "NOT")):
        result = run("search", text, "--db", db_url)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", f"protokoll: search: cannot parse the search text {text!r}: {op} needs a search word on each "
            f"side, as in 'budget {op} skola'\n")


def test_search_says_how_many_hits_the_limit_cut(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, tmp_path, RAW)
    result = run("search", "budget", "--db", db_url, "--limit", "1", "--nl")
    assert (result.exit_code, len(result.stdout.splitlines()), result.stderr) == (
        0, 1, "protokoll: showing 1 of 2 hits (--limit 1)\n")
    result = run("search", "budget", "--db", db_url, "--limit", "2")
    assert (result.exit_code, result.stderr) == (0, "protokoll: 2 hit(s)\n")
    result = run("search", "budget", "--db", db_url, "--limit", "2", "--nl")
    assert (result.exit_code, len(result.stdout.splitlines()), result.stderr) == (0, 2, "")


def test_evaluate_split_must_be_one_of_the_gold_file(tmp_path: Path) -> None:
    gold = ROOT / "training" / "gold" / "protocol_gold.jsonl"
    result = run("evaluate", "--gold", str(gold), "--split", "nonsense", "--shared", str(tmp_path / "missing"))
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, f"Error: Invalid value for --split: 'nonsense' is not a split of {gold}; choose from blind, blind3, dev")


# --- prune -------------------------------------------------------------------------------------


CONTENT_TABLES = ("documents", "document_paths", "pages", "meetings", "attendees", "items", "sections", "entities",
                  "cover_entities", "recipients", "proposals", "votes", "vote_members", "reservations",
                  "protocol_notes", "recusals", "regions", "attachments", "document_issues")


def counts(db_url: str) -> dict[str, int]:
    return {t: sql(db_url, f"SELECT count(*) FROM {t}")[0][0] for t in CONTENT_TABLES}


def test_prune_removes_the_documents_whose_files_are_gone(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in RAW.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    kept, gone = folder / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", folder / "region-vasterbotten-run-au-2023-05-12.pdf"
    # what the database holds with only the file that stays
    alone = str(tmp_path / "alone.db")
    ingest(alone, tmp_path / "a", kept)
    expected = counts(alone)
    ingest(db_url, tmp_path, folder)
    before = counts(db_url)
    gone.unlink()
    result = run("prune", "--dry-run", "--db", db_url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"would remove: {gone}\n", "protokoll: would remove 1 document whose files are gone\n")
    assert counts(db_url) == before
    result = run("prune", "--db", db_url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"removed: {gone}\n", "protokoll: removed 1 document whose files are gone\n")
    assert counts(db_url) == expected
    assert json.loads(run("search", "överenskommelsen", "--db", db_url, "--json").stdout) == []  # search index too
    result = run("prune", "--db", db_url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "protokoll: every document has a file; nothing to remove\n")


def test_prune_keeps_a_document_while_any_of_its_paths_exists(tmp_path: Path) -> None:
    db = str(tmp_path / "protocols.db")
    pdf = RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"
    first, second, other = tmp_path / "first.pdf", tmp_path / "second.pdf", tmp_path / "other.pdf"
    for copy in (first, second):
        shutil.copy(pdf, copy)
    shutil.copy(RAW / "region-vasterbotten-run-au-2023-05-12.pdf", other)
    ingest(db, tmp_path, first, second, other)
    first.unlink()
    result = run("prune", "--db", db)
    assert (result.exit_code, result.stdout) == (0, "")
    second.unlink()
    result = run("prune", "--db", db)
    assert (result.exit_code, result.stdout) == (0, f"removed: {first}, {second}\n")
    assert sql(db, "SELECT path FROM document_paths") == [(str(other),)]


def test_prune_removes_nothing_when_no_document_has_a_file_left(tmp_path: Path) -> None:
    db = str(tmp_path / "protocols.db")
    only = tmp_path / "only.pdf"
    shutil.copy(RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", only)
    ingest(db, tmp_path, only)
    only.unlink()
    result = run("prune", "--db", db)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-1]) == (
        2, "", f"Error: none of the 1 documents has a file left, seen from {Path.cwd()}; run prune in the folder "
        "ingest ran in, or pass --all to remove them all")
    assert counts(db)["documents"] == 1
    result = run("prune", "--all", "--db", db)
    assert (result.exit_code, result.stdout) == (0, f"removed: {only}\n")
    assert counts(db) == dict.fromkeys(CONTENT_TABLES, 0)


def test_prune_takes_the_ingest_lock(tmp_path: Path) -> None:
    from pipeline import db as dbm
    from pipeline import runs

    db = tmp_path / "protocols.db"
    only = tmp_path / "only.pdf"
    shutil.copy(RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", only)
    ingest(str(db), tmp_path, only)
    only.unlink()
    engine = dbm.make_engine(str(db))
    with runs.run_lock(engine):
        result = run("prune", "--all", "--db", str(db))
    engine.dispose()
    assert (result.exit_code, result.stdout) == (4, "")
    assert result.stderr.startswith(f"protokoll: another 'protokoll ingest' is writing to {db} (pid {os.getpid()} on ")
    assert counts(str(db))["documents"] == 1


def test_prune_on_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "protocols.db"
    result = run("prune", "--db", str(missing))
    assert (result.exit_code, result.stderr) == (3, f"protokoll: no database at {missing}; run 'protokoll ingest' first\n")
    assert list(tmp_path.iterdir()) == []


@needs_postgres
def test_the_documented_read_only_role_can_only_read(tmp_path: Path) -> None:
    """docs/operations.md "Read-only access": its SQL, run as written, gives a role that cannot write."""
    import re

    admin_url = os.environ["PROTOKOLL_TEST_DB"]
    _reset_postgres(admin_url)
    ingest(admin_url, tmp_path, RAW)
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Read-only access"):]
    statements = re.search(r"```sql\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    role = f"protokoll_reader_{os.getpid()}"
    url = sa.engine.make_url(admin_url)
    statements = statements.replace("protokoll_reader", role).replace("DATABASE protocols", f'DATABASE "{url.database}"')
    try:
        for statement in statements.split(";\n"):
            if statement.strip():
                sql(admin_url, statement)
        reader = url.set(username=role, password="change-me").render_as_string(hide_password=False)
        result = run("query", "SELECT count(*) AS n FROM items", "--db", reader, "--csv")
        assert (result.exit_code, result.stdout) == (0, "n\n6\n")
        # outside protokoll, on a plain connection: lifting READ ONLY still leaves no right to write
        engine = sa.create_engine(reader)
        with engine.connect() as conn:
            with pytest.raises(sa.exc.InternalError, match="cannot execute DELETE in a read-only transaction"):
                conn.exec_driver_sql("DELETE FROM recipients")
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION READ WRITE")
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied for table recipients"):
                conn.exec_driver_sql("DELETE FROM recipients")
        with engine.connect() as conn:
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied for function pg_read_file"):
                conn.exec_driver_sql("SELECT pg_read_file('/etc/hostname')")
        engine.dispose()
        assert sql(admin_url, "SELECT count(*) FROM recipients") == [(14,)]
    finally:
        sql(admin_url, f"DROP OWNED BY {role}")
        sql(admin_url, f"DROP ROLE {role}")

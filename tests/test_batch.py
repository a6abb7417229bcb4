"""Archive-scale batches: parallel workers, incremental skips, the lock, kill -9 and resume, status, stress."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import db
from pipeline.cli import main
from pipeline.runs import run_lock

from .conftest import FIXTURES, RAW, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def ingest(db_url: str, work: Path, *args: str) -> Any:
    return run("--quiet", "--processed", str(work / "p"), "ingest", "--db", db_url, "--model", "blank", *args)


def rows(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.exec_driver_sql(sql).all()]
    engine.dispose()
    return out


CONTENT = """
SELECT d.path, m.body, m.meeting_date, i.number, i.title, i.case_number, s.position, s.kind, s.text,
       (SELECT count(*) FROM entities e WHERE e.section_id = s.id)
FROM documents d JOIN meetings m ON m.document_id = d.id JOIN items i ON i.meeting_id = m.id
JOIN sections s ON s.item_id = i.id ORDER BY d.path, i.number, s.position
"""


def test_parallel_run_equals_serial_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_corpus(folder, docs=4, items=3, paragraphs=2, broken=1, seed=7)
    for pdf in RAW.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    serial, parallel = str(tmp_path / "serial.db"), str(tmp_path / "parallel.db")
    assert ingest(serial, tmp_path / "s", "--jobs", "1", str(folder)).exit_code == 1
    assert ingest(parallel, tmp_path / "q", "--jobs", "2", str(folder)).exit_code == 1
    assert rows(serial, CONTENT) == rows(parallel, CONTENT)
    assert len(rows(serial, CONTENT)) == 4 * 3 * 4 + 31
    assert rows(parallel, "SELECT jobs, files, inserted, failed, status FROM runs") == [(2, 7, 6, 1, "failed")]


def test_second_ingest_refuses_while_the_lock_is_held(db_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine)
    minimal = str(FIXTURES / "minimal-protocol.pdf")
    with run_lock(engine):
        refused = ingest(db_url, tmp_path, "--jobs", "1", minimal)
        assert refused.exit_code == 4
        assert refused.stderr.startswith("protokoll: another 'protokoll ingest' is writing to ")
        assert refused.stderr.rstrip().endswith("try again later, or pass --wait to queue behind it")
        assert rows(db_url, "SELECT count(*) FROM documents") == [(0,)]
        assert ingest(db_url, tmp_path, "--jobs", "1", "--no-lock", minimal).exit_code == 0
    assert ingest(db_url, tmp_path, "--jobs", "1", "--wait", str(RAW)).exit_code == 0
    assert rows(db_url, "SELECT count(*) FROM documents") == [(3,)]
    engine.dispose()


def test_unchanged_file_is_skipped_without_reading_it(tmp_path: Path) -> None:
    src = tmp_path / "protokoll.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", src)
    database = str(tmp_path / "t.db")
    assert ingest(database, tmp_path, "--jobs", "1", str(src)).exit_code == 0
    stat = src.stat()
    src.write_bytes(b"x" * stat.st_size)  # same size, garbage, same mtime: never opened
    os.utime(src, (stat.st_atime, stat.st_mtime))
    again = ingest(database, tmp_path, "--jobs", "1", str(src))
    assert again.exit_code == 0
    assert rows(database, "SELECT unchanged, inserted, failed FROM runs ORDER BY id") == [(0, 1, 0), (1, 0, 0)]
    os.utime(src, (stat.st_atime, stat.st_mtime + 10))  # now it looks changed: read, and it is broken
    third = ingest(database, tmp_path, "--jobs", "1", str(src))
    assert third.exit_code == 1
    # the earlier good import of that path is kept next to the record of the failure
    assert rows(database, "SELECT status FROM documents ORDER BY id") == [("ok",), ("failed",)]


def test_since_and_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in RAW.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    old = folder / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"
    os.utime(old, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    database = str(tmp_path / "t.db")
    assert ingest(database, tmp_path, "--jobs", "1", "--since", "2024-01-01", str(folder)).exit_code == 0
    assert rows(database, "SELECT path FROM documents") == [(f"{folder.as_posix()}/region-vasterbotten-run-au-2023-05-12.pdf",)]
    manifest = tmp_path / "list.txt"
    manifest.write_text(f"# files to import\n{old}\n", encoding="utf-8")
    assert ingest(database, tmp_path, "--jobs", "1", "--manifest", str(manifest)).exit_code == 0
    assert rows(database, "SELECT count(*) FROM documents") == [(2,)]


def test_status_and_retry_failed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "a.pdf")
    shutil.copy(FIXTURES / "truncated.pdf", folder / "b.pdf")
    database = str(tmp_path / "t.db")
    assert ingest(database, tmp_path, "--jobs", "1", str(folder)).exit_code == 1
    out = run("status", "--db", database).stdout.splitlines()
    assert out[0] == "documents: 1 ok, 1 failed"
    assert out[1].startswith("last run: #1 failed, started ")
    assert ": 1 inserted, 0 replaced, 0 unchanged, 1 failed (log: " in out[1]
    assert out[2] == f"failed: {folder.as_posix()}/b.pdf: truncated PDF (no %%EOF marker at the end) (the file is incomplete; fetch it again)"
    log_path = Path(json.loads(run("status", "--db", database, "--format", "json").stdout)["last_run"]["log_path"])
    assert log_path.parent == tmp_path / "p" / "logs"
    assert "b.pdf: failed: truncated PDF" in log_path.read_text(encoding="utf-8")
    # a re-run does not try the same broken file again, but still counts it as failed; retry-failed tries it
    again = ingest(database, tmp_path, "--jobs", "1", str(folder))
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        f"{folder.as_posix()}/b.pdf: truncated PDF (no %%EOF marker at the end) (the file is incomplete; fetch it again) "
        "(failed before, unchanged; 'protokoll retry-failed' tries it again)"]
    assert rows(database, "SELECT unchanged, failed, status FROM runs WHERE id = 2") == [(1, 1, "failed")]
    shutil.copy(RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", folder / "b.pdf")  # the fixed file
    retried = run("--quiet", "--processed", str(tmp_path / "p"), "retry-failed", "--db", database, "--model", "blank")
    assert retried.exit_code == 0
    assert run("status", "--db", database).stdout.splitlines()[0] == "documents: 2 ok, 0 failed"


def test_kill_9_in_the_middle_and_resume(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = write_corpus(folder, docs=24, items=2, paragraphs=3, broken=0, seed=3)
    database = tmp_path / "t.db"
    cmd = [sys.executable, "-m", "pipeline", "--quiet", "--processed", str(tmp_path / "p"), "ingest",
           "--db", str(database), "--model", "blank", "--jobs", "1", str(folder)]
    proc = subprocess.Popen(cmd, cwd=tmp_path)
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and done < 4:
        time.sleep(0.2)
        try:
            with sqlite3.connect(database, timeout=1) as conn:
                done = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 4 <= done < 24
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("running",)]
    assert subprocess.run(cmd, cwd=tmp_path).returncode == 0
    with sqlite3.connect(database) as conn:
        per_doc = conn.execute(
            "SELECT d.path, count(i.id) FROM documents d JOIN meetings m ON m.document_id = d.id "
            "JOIN items i ON i.meeting_id = m.id GROUP BY d.id ORDER BY d.path").fetchall()
        statuses = conn.execute("SELECT status FROM runs ORDER BY id").fetchall()
        orphans = conn.execute("SELECT count(*) FROM items WHERE meeting_id NOT IN (SELECT id FROM meetings)").fetchone()
    assert [(Path(p).name, n) for p, n in per_doc] == [(name, 2) for name in sorted(k for k in expected if k.endswith(".pdf"))]
    assert statuses == [("interrupted",), ("ok",)]
    assert orphans == (0,)


@pytest.mark.slow
def test_stress_hundreds_of_documents_with_broken_ones(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    expected = write_corpus(folder, docs=240, items=2, paragraphs=1, broken=30, seed=11)
    database = str(tmp_path / "t.db")
    first = ingest(database, tmp_path, "--jobs", "2", "--no-stage-files", str(folder))
    assert first.exit_code == 1
    assert len(first.stderr.splitlines()) == 30
    got = {Path(p).name: (status, error) for p, status, error in rows(
        database, "SELECT p.path, d.status, d.error FROM document_paths p JOIN documents d ON d.id = p.document_id")}
    items = {Path(p).name: n for p, n in rows(database, "SELECT d.path, group_concat(i.number) FROM documents d "
                                               "JOIN meetings m ON m.document_id = d.id JOIN items i ON i.meeting_id = m.id "
                                               "GROUP BY d.id")}
    assert len(got) == 270  # every file recorded, also the ten identical zero-byte ones
    for name, want in expected.items():
        if "error" in want:
            assert got[name][0] == "failed" and got[name][1].startswith(want["error"]), name
        else:
            assert got[name] == ("ok", None), name
            assert sorted(int(x) for x in items[name].split(",")) == want["items"], name
    again = ingest(database, tmp_path, "--jobs", "2", "--no-stage-files", str(folder))
    assert again.exit_code == 1  # the broken files, unchanged, still count as failed
    assert rows(database, "SELECT files, unchanged, inserted, failed FROM runs ORDER BY id DESC LIMIT 1") == [(270, 240, 0, 30)]
    assert rows(database, "SELECT count(*) FROM documents") == [(261,)]  # 240 good, 20 broken + 1 empty content


def test_dask_cluster_gives_the_same_database_as_a_local_run(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    folder = tmp_path / "in"
    write_corpus(folder, docs=3, items=2, paragraphs=2, broken=1, seed=5)
    for pdf in RAW.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    local, remote = str(tmp_path / "local.db"), str(tmp_path / "dask.db")
    assert ingest(local, tmp_path / "l", "--jobs", "1", str(folder)).exit_code == 1
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = ingest(remote, tmp_path / "d", "--dask", cluster.scheduler_address, str(folder))
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [f"{folder.as_posix()}/broken-0000-zero.pdf: empty file (0 bytes) "
                                              "(the download or copy was probably interrupted)"]
        again = ingest(remote, tmp_path / "d", "--dask", cluster.scheduler_address, str(folder))
    assert again.exit_code == 1  # nothing new; the broken file is not tried again but still counts as failed
    assert rows(local, CONTENT) == rows(remote, CONTENT)
    assert rows(remote, "SELECT status, count(*) FROM documents GROUP BY status ORDER BY status") == [("failed", 1), ("ok", 5)]
    assert rows(remote, "SELECT inserted, failed, unchanged FROM runs ORDER BY id") == [(5, 1, 0), (0, 1, 5)]


def test_mask_url() -> None:
    assert db.mask_url("postgresql+psycopg://user:secret@host/db") == "postgresql+psycopg://user:***@host/db"
    assert db.mask_url("postgresql://u:p%40ss:w@db.example:5432/prot?sslmode=require") == (
        "postgresql://u:***@db.example:5432/prot?sslmode=require")
    assert db.mask_url("protokoll ingest --db mysql://user:PASSWORD@localhost/x data/raw") == (
        "protokoll ingest --db mysql://user:***@localhost/x data/raw")
    assert db.mask_url("protokoll ingest --db=postgresql://a:b@h/d -j 2") == "protokoll ingest --db=postgresql://a:***@h/d -j 2"
    # nothing to mask: no password, or no URL
    assert db.mask_url("postgresql+psycopg://user@host/db") == "postgresql+psycopg://user@host/db"
    assert db.mask_url("sqlite:///data/processed/protocols.db") == "sqlite:///data/processed/protocols.db"
    assert db.mask_url("a:b@c.pdf: broken") == "a:b@c.pdf: broken"


def test_the_database_password_is_never_stored_or_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "a.pdf")
    database = str(tmp_path / "t.db")
    # the command line as cron would give it (the database run here is the SQLite file)
    argv = ["protokoll", "ingest", "--db", "postgresql+psycopg://ops:s3cret@db.example/prot", str(folder)]
    monkeypatch.setattr(sys, "argv", argv)
    assert ingest(database, tmp_path, "--jobs", "1", str(folder)).exit_code == 0
    masked = f"protokoll ingest --db postgresql+psycopg://ops:***@db.example/prot {folder}"
    assert rows(database, "SELECT command FROM runs") == [(masked,)]
    # a row stored by an older version, with the password: masked when shown and exported
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE runs SET command = 'protokoll ingest --db postgresql://ops:s3cret@h/prot x'")
    engine.dispose()
    status = run("status", "--db", database, "--format", "json")
    assert json.loads(status.stdout)["last_run"]["command"] == "protokoll ingest --db postgresql://ops:***@h/prot x"
    assert "s3cret" not in status.stdout
    assert run("export", str(tmp_path / "out"), "--db", database).exit_code == 0
    exported = [json.loads(line) for line in (tmp_path / "out" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["command"] for r in exported] == ["protokoll ingest --db postgresql://ops:***@h/prot x"]
    assert all("s3cret" not in f.read_text(encoding="utf-8") for f in (tmp_path / "out").rglob("*") if f.is_file())


@pytest.mark.parametrize("command", [["status"], ["search", "budget"], ["query", "SELECT 1"], ["check"], ["migrate"], ["load"]])
def test_error_messages_mask_the_database_password(command: list[str], tmp_path: Path) -> None:
    result = run("--processed", str(tmp_path), *command, "--db", "mysql://user:PASSWORD@localhost/x")
    assert (result.exit_code, result.stderr) == (
        3, "protokoll: cannot open database mysql://user:***@localhost/x: No module named 'MySQLdb'\n")


@pytest.mark.parametrize(("command", "prefix"), [
    (["status"], "protokoll: cannot read the database at postgresql+psycopg://user:***@127.0.0.1:1/db: "),
    (["migrate"], "protokoll: cannot prepare database postgresql+psycopg://user:***@127.0.0.1:1/db: "),
])
def test_connection_errors_mask_the_database_password(command: list[str], prefix: str) -> None:
    pytest.importorskip("psycopg")
    result = run(*command, "--db", "postgresql+psycopg://user:secret@127.0.0.1:1/db")
    assert result.exit_code == 3
    assert result.stderr.startswith(prefix)
    assert "secret" not in result.stderr

"""The operator contract of ``protokoll ingest`` and ``status`` (docs/operations.md), run as cron would run it.

Every test starts the installed ``protokoll`` command as a real process on real PDFs in a
temporary folder, and sends it real signals. Where permissions matter and the tests run as
root (who reads anything), the command runs without the capabilities that let root ignore
file modes (``setpriv``), so that a mode-000 folder is as unreadable as for anyone else.
"""

from __future__ import annotations

import json
import os
import pty
import re
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipeline import db
from pipeline.runs import run_lock

from .conftest import BJORKVIK_PDF, FIXTURES, ROOT, SEED_PDF

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import write_corpus  # noqa: E402

PROTOKOLL = str(Path(sys.executable).with_name("protokoll"))
TRUNCATED = "truncated PDF (no %%EOF marker at the end) (the file is incomplete; fetch it again)"
EMPTY = "empty file (0 bytes) (the download or copy was probably interrupted)"
AGAIN = " (failed before, unchanged; 'protokoll retry-failed' tries it again)"
NO_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "--"]


def protokoll(work: Path, *args: str, db_path: str | None = None, cwd: Path | None = None,
              prefix: list[str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``protokoll --processed WORK/p ingest ...``-style commands; ``db_path`` adds ``--db`` after the subcommand."""
    cmd = [*(prefix or []), PROTOKOLL, "--processed", str(work / "p"), *args]
    if db_path is not None:
        cmd += ["--db", db_path]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd or work, timeout=timeout)


def ingest(work: Path, database: str, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return protokoll(work, "ingest", "--model", "blank", "--jobs", "1", *args, db_path=database, **kw)


def rows(database: str, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(database if "://" in database else f"sqlite:///{database}")
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.exec_driver_sql(sql).all()]
    engine.dispose()
    return out


def lines(text: str) -> list[str]:
    return text.splitlines()


def without_root_powers() -> list[str]:
    """The prefix that makes file modes apply to this test's commands (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file modes cannot be made to apply")
    return NO_DAC


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (all its threads' children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (a zombie waiting to be reaped does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def workers(pid: int) -> list[int]:
    """The worker processes of ``pid``: spawned children, or the children of its forkserver (``ingest._pool_context``)."""
    found = [c for c in children(pid) if "spawn_main" in _cmdline(c)]
    for server in (c for c in children(pid) if "forkserver" in _cmdline(c)):
        found += children(server)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def documents_in(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def wait_for(condition: Any, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.1)


# --- re-runs, skips and log levels -------------------------------------------------------------


def test_a_rerun_counts_broken_files_still_broken_as_failed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "a.pdf")
    shutil.copy(FIXTURES / "truncated.pdf", folder / "b.pdf")
    database = str(tmp_path / "t.db")
    first = ingest(tmp_path, database, "-q", str(folder))
    assert (first.returncode, lines(first.stderr)) == (1, [f"{folder}/b.pdf: {TRUNCATED}"])
    again = ingest(tmp_path, database, "-q", str(folder))
    # not read again (retry-failed does that), but a cron run must still see it and exit 1
    assert (again.returncode, lines(again.stderr)) == (1, [f"{folder}/b.pdf: {TRUNCATED}{AGAIN}"])
    assert rows(database, "SELECT inserted, unchanged, failed, status FROM runs ORDER BY id") == [
        (1, 0, 1, "failed"), (0, 1, 1, "failed")]
    log = Path(rows(database, "SELECT log_path FROM runs WHERE id = 2")[0][0]).read_text(encoding="utf-8")
    assert re.findall(r"^\S+ \S+ (\w+) (.*)$", log, re.M) == [
        ("INFO", f"{folder}/a.pdf: unchanged"),
        ("WARNING", f"{folder}/b.pdf: failed: {TRUNCATED}{AGAIN}"),
        ("INFO", "run 2 failed: 2 document(s): 1 unchanged, 1 failed"),
    ]


def test_files_left_out_by_since_are_skipped_not_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in (SEED_PDF, BJORKVIK_PDF):
        shutil.copy(src, folder / src.name)
        os.utime(folder / src.name, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    database = str(tmp_path / "t.db")
    result = ingest(tmp_path, database, "--since", "2024-01-01", str(folder))
    assert (result.returncode, result.stderr) == (0, "protokoll: 2 document(s): 2 skipped\n")
    assert rows(database, "SELECT count(*) FROM documents") == [(0,)]
    assert rows(database, "SELECT inserted, unchanged, failed, status FROM runs") == [(0, 0, 0, "ok")]


def test_ingest_accepts_quiet_after_the_subcommand(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    loud = ingest(tmp_path, str(tmp_path / "loud.db"), str(pdf))
    assert (loud.returncode, loud.stderr) == (0, "protokoll: 1 document(s): 1 inserted\n")
    for flag in ("--quiet", "-q"):
        quiet = ingest(tmp_path, str(tmp_path / f"{flag}.db"), flag, str(pdf))
        assert (quiet.returncode, quiet.stderr) == (0, "")


def test_a_crash_leaves_one_line_on_stderr_and_its_traceback_in_the_run_log(tmp_path: Path) -> None:
    import spacy

    model = tmp_path / "untrained"  # a real spaCy pipeline whose NER was never trained: tagging raises
    nlp = spacy.blank("sv")
    nlp.add_pipe("ner")
    nlp.to_disk(model)
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    database = str(tmp_path / "t.db")
    result = protokoll(tmp_path, "-q", "ingest", "--model", str(model), "--jobs", "1", str(pdf), db_path=database)
    assert result.returncode == 1
    [line] = lines(result.stderr)
    assert line.startswith(f"{pdf}: internal error in tag: KeyError: ")
    error = line.removeprefix(f"{pdf}: ")
    assert rows(database, "SELECT status, failed_stage, error FROM documents") == [("failed", "tag", error)]
    log = Path(rows(database, "SELECT log_path FROM runs")[0][0]).read_text(encoding="utf-8")
    at = log.index(f" ERROR {pdf}: {error}\nTraceback (most recent call last):\n")
    assert f'File "{ROOT / "pipeline" / "work.py"}", line ' in log[at:]  # run_tag, in the worker
    assert f" WARNING {pdf}: failed: {error}\n" in log


# --- signals, workers, status -------------------------------------------------------------------


def _corpus(tmp_path: Path, docs: int) -> Path:
    folder = tmp_path / "in"
    write_corpus(folder, docs=docs, items=2, paragraphs=3, broken=0, seed=3)
    return folder


@pytest.mark.parametrize(("sig", "code", "what"), [
    (signal.SIGINT, 130, "interrupted (Ctrl-C)"),
    (signal.SIGTERM, 143, "terminated (SIGTERM)"),
])
def test_a_signal_ends_the_run_with_its_true_counts(tmp_path: Path, sig: int, code: int, what: str) -> None:
    folder = _corpus(tmp_path, 16)
    database = tmp_path / "t.db"
    proc = subprocess.Popen([PROTOKOLL, "-q", "--processed", str(tmp_path / "p"), "ingest", "--db", str(database),
                             "--model", "blank", "--jobs", "2", str(folder)],
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    wait_for(lambda: documents_in(database) >= 3)
    started = children(proc.pid)
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == code
    done = documents_in(database)
    assert 3 <= done < 16
    assert proc.stderr is not None
    assert proc.stderr.read() == (
        f"protokoll: {what}: run #1 stopped after {done} document(s): {done} inserted; the next run imports the rest\n")
    assert rows(str(database), "SELECT status, inserted, unchanged, failed FROM runs") == [("interrupted", done, 0, 0)]
    wait_for(lambda: not any(running(c) for c in started), 10)
    rerun = ingest(tmp_path, str(database), "-q", str(folder))
    assert (rerun.returncode, rerun.stderr) == (0, "")
    assert rows(str(database), "SELECT status, inserted, unchanged FROM runs WHERE id = 2") == [("ok", 16 - done, done)]


def test_kill_9_leaves_no_worker_running_and_status_says_interrupted(tmp_path: Path) -> None:
    folder = _corpus(tmp_path, 16)
    database = tmp_path / "t.db"
    proc = subprocess.Popen([PROTOKOLL, "-q", "--processed", str(tmp_path / "p"), "ingest", "--db", str(database),
                             "--model", "blank", "--jobs", "2", str(folder)],
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    wait_for(lambda: documents_in(database) >= 2 and len(workers(proc.pid)) == 2)
    started = children(proc.pid) + workers(proc.pid)
    assert len(started) >= 2
    proc.kill()
    proc.wait()
    wait_for(lambda: not any(running(c) for c in started), 5)
    # status writes nothing, but shows the run whose process is gone as interrupted, and exits 1
    status = protokoll(tmp_path, "status", db_path=str(database))
    assert status.returncode == 1
    assert lines(status.stdout)[1].startswith("last run: #1 interrupted, started ")
    assert rows(str(database), "SELECT status FROM runs") == [("running",)]


def test_status_exit_code_follows_the_last_run(tmp_path: Path) -> None:
    database = str(tmp_path / "t.db")
    good, bad = tmp_path / "a.pdf", tmp_path / "b.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", good)
    shutil.copy(FIXTURES / "truncated.pdf", bad)
    assert ingest(tmp_path, database, "-q", str(good)).returncode == 0
    assert protokoll(tmp_path, "status", db_path=database).returncode == 0
    assert ingest(tmp_path, database, "-q", str(bad)).returncode == 1
    failed = protokoll(tmp_path, "status", "--format", "json", db_path=database)
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["last_run"]["status"] == "failed"


def test_wait_says_once_whose_lock_it_waits_for(db_url: str, tmp_path: Path) -> None:
    engine = db.make_engine(db_url)  # the command itself creates the database while it waits
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    with run_lock(engine):
        proc = subprocess.Popen([PROTOKOLL, "--processed", str(tmp_path / "p"), "ingest", "--wait", "--db", db_url,
                                 "--model", "blank", "--jobs", "1", str(pdf)],
                                stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        assert proc.stderr is not None
        selector = selectors.DefaultSelector()
        selector.register(proc.stderr, selectors.EVENT_READ)
        assert selector.select(timeout=60), "no line while waiting"
        first = proc.stderr.readline()
        time.sleep(1)
        assert proc.poll() is None  # still waiting
    assert proc.wait(timeout=120) == 0
    rest = proc.stderr.read()
    if "://" in db_url:
        assert first == f"protokoll: waiting for the ingest lock held by another process on {db.mask_url(db_url)}\n"
    else:
        assert first.startswith(f"protokoll: waiting for the ingest lock held by pid {os.getpid()} on "
                                f"{socket.gethostname()}, since ")
        assert first.endswith(f" on {db_url}\n")
    assert rest == "protokoll: 1 document(s): 1 inserted\n"
    engine.dispose()


def test_strict_stops_at_the_first_failure_with_the_true_counts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "a.pdf")
    shutil.copy(FIXTURES / "zero-bytes.pdf", folder / "b.pdf")
    shutil.copy(SEED_PDF, folder / "c.pdf")
    database = str(tmp_path / "t.db")
    result = ingest(tmp_path, database, "--strict", str(folder))
    assert result.returncode == 1
    assert lines(result.stderr) == [
        f"{folder}/b.pdf: {EMPTY}",
        "protokoll: stopped at the first failure (--strict): 2 document(s): 1 inserted, 1 failed",
    ]
    assert rows(database, "SELECT status, inserted, failed FROM runs") == [("failed", 1, 1)]
    assert rows(database, "SELECT path, status FROM documents ORDER BY path") == [
        (f"{folder}/a.pdf", "ok"), (f"{folder}/b.pdf", "failed")]


def test_failure_lines_are_printed_above_the_progress_bar(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "zero-bytes.pdf", folder / "a.pdf")
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "b.pdf")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([PROTOKOLL, "--processed", str(tmp_path / "p"), "ingest", "--db", str(tmp_path / "t.db"),
                             "--model", "blank", "--jobs", "1", str(folder)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal, cwd=tmp_path)
    os.close(terminal)
    out = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        out += chunk
    os.close(controller)
    assert proc.wait(timeout=60) == 1

    def bar(done: int) -> str:
        return f"\r\x1b[Kingest  [{'#' * (15 * done)}{'-' * (30 - 15 * done)}]  {done}/2"

    # the failure line clears the bar's line and the bar is drawn again below it; at the end it is erased
    assert out.decode() == (
        bar(0) + bar(1) + f"\r\x1b[K{folder}/a.pdf: {EMPTY}\r\n" + bar(1) + bar(2)
        + "\r\x1b[Kprotokoll: 2 document(s): 1 inserted, 1 failed\r\n"
    )


@pytest.mark.slow
def test_a_document_that_kills_its_worker_is_recorded_failed_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_corpus(tmp_path / "big", docs=1, items=300, paragraphs=8, broken=0, seed=5)
    folder.mkdir()
    shutil.move(tmp_path / "big" / "protokoll-0000.pdf", folder / "a-big.pdf")
    for name in ("b.pdf", "c.pdf"):
        shutil.copy(FIXTURES / "minimal-protocol.pdf" if name == "b.pdf" else SEED_PDF, folder / name)
    database = tmp_path / "t.db"
    proc = subprocess.Popen([PROTOKOLL, "-q", "--processed", str(tmp_path / "p"), "ingest", "--db", str(database),
                             "--model", "blank", "--jobs", "1", str(folder)],
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    killed: list[int] = []
    for _ in range(2):  # the worker dies on a-big.pdf, and again when a-big.pdf is tried alone
        wait_for(lambda: [w for w in workers(proc.pid) if w not in killed], 60)
        [worker] = [w for w in workers(proc.pid) if w not in killed]
        time.sleep(1.5)  # at work on the big file
        os.kill(worker, signal.SIGKILL)
        killed.append(worker)
    assert proc.wait(timeout=180) == 1
    reason = ("the worker process died on this document "
              "(out of memory, or a crash in a PDF library; it was tried twice)")
    assert proc.stderr is not None
    assert lines(proc.stderr.read()) == [f"{folder}/a-big.pdf: {reason}"]
    assert rows(str(database), "SELECT path, status, error FROM documents ORDER BY path") == [
        (f"{folder}/a-big.pdf", "failed", reason), (f"{folder}/b.pdf", "ok", None), (f"{folder}/c.pdf", "ok", None)]


# --- hostile inputs -----------------------------------------------------------------------------


def test_a_fifo_or_a_device_is_reported_and_never_opened(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    fifo, zero, good, inner = tmp_path / "pipe.pdf", tmp_path / "zero.pdf", tmp_path / "a.pdf", folder / "pipe.pdf"
    os.mkfifo(fifo)
    os.mkfifo(inner)
    zero.symlink_to("/dev/zero")
    shutil.copy(FIXTURES / "minimal-protocol.pdf", good)
    database = str(tmp_path / "t.db")
    result = ingest(tmp_path, database, "-q", str(fifo), str(zero), str(folder), str(good), timeout=60)
    assert result.returncode == 1
    assert lines(result.stderr) == [
        f"{fifo}: not a regular file (a FIFO), not opened (name a PDF file)",
        f"{zero}: not a regular file (a device), not opened (name a PDF file)",
        f"{inner}: not a regular file (a FIFO), not opened (name a PDF file)",
    ]
    assert rows(database, "SELECT path, status, size FROM documents ORDER BY path") == [
        (str(good), "ok", good.stat().st_size), (str(inner), "failed", 0), (str(fifo), "failed", 0),
        (str(zero), "failed", 0)]


def test_an_unreadable_subfolder_is_named_recorded_and_exits_1(tmp_path: Path) -> None:
    prefix = without_root_powers()
    folder = tmp_path / "in"
    locked = folder / "locked"
    locked.mkdir(parents=True)
    shutil.copy(FIXTURES / "minimal-protocol.pdf", folder / "a.pdf")
    shutil.copy(SEED_PDF, locked / "b.pdf")
    locked.chmod(0)
    database = str(tmp_path / "t.db")
    try:
        result = ingest(tmp_path, database, "-q", str(folder), prefix=prefix)
    finally:
        locked.chmod(0o755)
    reason = "cannot read folder: Permission denied (its files were not imported; make it readable and run again)"
    assert (result.returncode, lines(result.stderr)) == (1, [f"{locked}: {reason}"])
    assert rows(database, "SELECT path, status, failed_stage, error FROM documents ORDER BY path") == [
        (f"{folder}/a.pdf", "ok", None, None), (str(locked), "failed", "find", reason)]
    # readable again: its file is imported and the failure of the folder is gone
    again = ingest(tmp_path, database, "-q", str(folder), prefix=prefix)
    assert (again.returncode, again.stderr) == (0, "")
    assert rows(database, "SELECT path, status FROM documents ORDER BY path") == [
        (f"{folder}/a.pdf", "ok"), (f"{locked}/b.pdf", "ok")]


def test_an_unwritable_processed_folder_is_exit_3_before_the_run_starts(tmp_path: Path) -> None:
    prefix = without_root_powers()
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    database = str(tmp_path / "t.db")
    cmd = [*prefix, PROTOKOLL, "-q", "--processed", str(locked / "p"), "ingest", "--db", database, "--model", "blank",
           str(pdf)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (3, f"protokoll: cannot write to {locked}/p: Permission denied "
                                                     "(choose a writable folder with --processed or $PROTOKOLL_PROCESSED)\n")
    assert rows(database, "SELECT count(*) FROM runs") == [(0,)]
    assert not (locked / "p").exists()


@pytest.mark.parametrize("how", ["read-only", "immutable"])
def test_a_database_that_cannot_be_written_is_exit_3_with_one_line(tmp_path: Path, how: str) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    database = tmp_path / "t.db"
    assert ingest(tmp_path, str(database), "-q", str(pdf)).returncode == 0
    prefix: list[str] = []
    if how == "read-only":
        prefix = without_root_powers()
        database.chmod(0o444)
    elif subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not permitted here (needs CAP_LINUX_IMMUTABLE)")
    try:
        result = ingest(tmp_path, str(database), "-q", "--force", str(pdf), prefix=prefix)
    finally:
        if how == "immutable":
            subprocess.run(["chattr", "-i", str(database)], check=True)
        database.chmod(0o644)
    assert result.returncode == 3
    assert result.stderr == (
        f"protokoll: cannot record the run (nothing was imported or recorded) in the database sqlite:///{database}: "
        "(sqlite3.OperationalError) attempt to write a readonly database "
        "(is the database file or its folder read-only, or the server down?)\n")
    assert rows(str(database), "SELECT id, status FROM runs") == [(1, "ok")]


# --- paths -------------------------------------------------------------------------------------


def test_paths_are_stored_absolute_and_retry_failed_works_from_another_folder(tmp_path: Path) -> None:
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    (work / "in").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(FIXTURES / "truncated.pdf", work / "in" / "b.pdf")
    database = str(tmp_path / "t.db")
    first = ingest(work, database, "-q", "in/b.pdf", cwd=work)
    assert (first.returncode, lines(first.stderr)) == (1, [f"in/b.pdf: {TRUNCATED}"])  # shown as given
    assert rows(database, "SELECT path FROM documents") == [(f"{work}/in/b.pdf",)]
    assert rows(database, "SELECT path FROM document_paths") == [(f"{work}/in/b.pdf",)]
    shutil.copy(FIXTURES / "minimal-protocol.pdf", work / "in" / "b.pdf")  # fixed
    retried = protokoll(tmp_path, "-q", "retry-failed", "--model", "blank", db_path=database, cwd=elsewhere)
    assert (retried.returncode, retried.stderr) == (0, "")
    assert rows(database, "SELECT path, status FROM documents") == [(f"{work}/in/b.pdf", "ok")]


def test_a_file_restored_after_a_failure_is_no_longer_listed_as_failed(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)
    database = str(tmp_path / "t.db")
    assert ingest(tmp_path, database, "-q", str(pdf)).returncode == 0
    shutil.copy(FIXTURES / "truncated.pdf", pdf)  # a broken download over it
    assert ingest(tmp_path, database, "-q", str(pdf)).returncode == 1
    assert lines(protokoll(tmp_path, "status", db_path=database).stdout)[2] == f"failed: {pdf}: {TRUNCATED}"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", pdf)  # restored
    restored = ingest(tmp_path, database, str(pdf))
    assert (restored.returncode, restored.stderr) == (0, "protokoll: 1 document(s): 1 unchanged\n")
    status = protokoll(tmp_path, "status", db_path=database)
    assert status.returncode == 0
    assert lines(status.stdout)[0] == "documents: 1 ok, 0 failed"
    assert not [line for line in lines(status.stdout) if line.startswith("failed: ")]
    assert rows(database, "SELECT d.status, p.path FROM documents d JOIN document_paths p ON p.document_id = d.id") == [
        ("ok", str(pdf))]


def test_copies_are_recorded_and_documents_path_follows_the_content(db_url: str, tmp_path: Path) -> None:
    x, y = tmp_path / "x.pdf", tmp_path / "y.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", x)
    assert ingest(tmp_path, db_url, "-q", str(x)).returncode == 0
    shutil.copy(FIXTURES / "minimal-protocol.pdf", y)  # the same content at a new path, in a later run
    copy = ingest(tmp_path, db_url, str(y))
    assert (copy.returncode, copy.stderr) == (0, "protokoll: 1 document(s): 1 unchanged\n")
    holders = "SELECT d.path, p.path FROM document_paths p JOIN documents d ON d.id = p.document_id ORDER BY p.path"
    assert rows(db_url, holders) == [(str(x), str(x)), (str(x), str(y))]
    shutil.copy(SEED_PDF, x)  # x changes from content A to B; y still holds A
    assert ingest(tmp_path, db_url, "-q", str(x)).returncode == 0
    assert rows(db_url, holders) == [(str(x), str(x)), (str(y), str(y))]
    assert rows(db_url, "SELECT path, page_count FROM documents ORDER BY path") == [(str(x), 8), (str(y), 1)]


def test_a_database_in_a_folder_that_cannot_be_written_is_exit_3_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not permitted here (needs CAP_LINUX_IMMUTABLE)")
    try:
        result = ingest(tmp_path, str(folder / "t.db"), "-q", str(FIXTURES / "minimal-protocol.pdf"))
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert result.returncode == 3
    assert result.stderr == (
        f"protokoll: cannot prepare database {folder}/t.db: (sqlite3.OperationalError) unable to open database file "
        "(is its folder there and writable?)\n")
    assert list(folder.iterdir()) == []

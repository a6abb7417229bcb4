"""The command line: bad input, exit codes, idempotency, replacement, stage re-runs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import FIXTURES, SEED_PDF


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


BAD = {
    "zero-bytes.pdf": "empty file (0 bytes) (the download or copy was probably interrupted)",
    "not-a-pdf.pdf": "not a PDF (the file starts with '<!DOCTYPE html>')",
    "truncated.pdf": "truncated PDF (no %%EOF marker at the end) (the file is incomplete; fetch it again)",
    "encrypted.pdf": "encrypted PDF, no password given (try qpdf --decrypt in.pdf out.pdf)",
    "scanned-no-text.pdf": "no text layer on any of its 1 page(s) (scanned PDF) (OCR is switched off by --no-ocr)",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_named_recorded_and_exits_1(name: str, tmp_path: Path) -> None:
    src = tmp_path / name
    shutil.copy(FIXTURES / name, src)
    db = tmp_path / "t.db"
    result = run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--no-ocr", "--db", str(db),
                 "--model", "blank", str(src))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{src.as_posix()}: {BAD[name]}"]
    assert q(db, "SELECT status, failed_stage, error FROM documents") == [("failed", "extract", BAD[name])]
    assert q(db, "SELECT count(*) FROM meetings") == [(0,)]


def test_batch_goes_on_after_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("zero-bytes.pdf", "encrypted.pdf", "minimal-protocol.pdf"):
        shutil.copy(FIXTURES / name, folder / name)
    db = tmp_path / "t.db"
    result = run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", str(db), "--model", "blank", str(folder))
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 2
    assert q(db, "SELECT path LIKE '%minimal-protocol.pdf', status FROM documents ORDER BY path") == [
        (0, "failed"), (1, "ok"), (0, "failed")
    ]
    assert q(db, "SELECT body, meeting_date FROM meetings") == [("Socialnämnden", "2024-01-15")]
    assert q(db, "SELECT number, title FROM items") == [(1, "Val av justerare")]


def test_strict_stops_at_first_failure(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a-zero.pdf", "b-minimal.pdf"):
        shutil.copy(FIXTURES / ("zero-bytes.pdf" if name.startswith("a") else "minimal-protocol.pdf"), folder / name)
    db = tmp_path / "t.db"
    result = run("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--strict", "--db", str(db), "--model", "blank", str(folder))
    assert result.exit_code == 1
    assert q(db, "SELECT status FROM documents") == [("failed",)]


def test_reimport_changes_nothing_and_changed_file_replaces(tmp_path: Path) -> None:
    src = tmp_path / "protokoll.pdf"
    shutil.copy(FIXTURES / "minimal-protocol.pdf", src)
    db = tmp_path / "t.db"
    args = ("--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--db", str(db), "--model", "blank", str(src))
    assert run(*args).exit_code == 0
    first = q(db, "SELECT id, sha256, ingested_at FROM documents")
    counts = q(db, "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM sections), (SELECT count(*) FROM entities)")
    assert run(*args).exit_code == 0
    assert q(db, "SELECT id, sha256, ingested_at FROM documents") == first
    assert q(db, "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM sections), (SELECT count(*) FROM entities)") == counts
    shutil.copy(SEED_PDF, src)  # a new version at the same path
    assert run(*args).exit_code == 0
    assert q(db, "SELECT count(*), max(sha256 != ?) FROM documents".replace("?", repr(first[0][1]))) == [(1, 1)]
    assert q(db, "SELECT number FROM items") == [(76,)]
    assert q(db, "SELECT count(*) FROM meetings") == [(1,)]
    # the old version's cover entities went with its meeting; the new cover's place is there once
    assert q(db, "SELECT count(*) FROM cover_entities WHERE meeting_id NOT IN (SELECT id FROM meetings)") == [(0,)]
    assert q(db, "SELECT text FROM cover_entities WHERE label = 'LOC' ORDER BY start_char") == [("Regionens hus",), ("Umeå",)]


def test_stages_rerun_from_processed(tmp_path: Path) -> None:
    processed = tmp_path / "p"
    db = tmp_path / "t.db"
    base = ("--quiet", "--processed", str(processed))
    assert run(*base, "extract", str(SEED_PDF)).exit_code == 0
    assert run(*base, "segment").exit_code == 0
    assert run(*base, "decide").exit_code == 0
    assert run(*base, "tag", "--model", "blank").exit_code == 0
    assert run(*base, "load", "--db", str(db)).exit_code == 0
    # segment, decide and tag again from the files on disk, without extracting again
    assert run(*base, "segment").exit_code == 0
    assert run(*base, "decide").exit_code == 0
    assert run(*base, "tag", "--model", "blank").exit_code == 0
    assert run(*base, "load", "--db", str(db)).exit_code == 0
    assert [p.parent.name for p in sorted(processed.rglob("*.json"))] == ["decide", "extract", "segment", "tag"]
    assert q(db, "SELECT count(*) FROM documents") == [(1,)]
    assert q(db, "SELECT number, case_number FROM items") == [(76, "RUN 560-2022")]
    # the stages one by one give the boxes an ingest gives (tag reads the extract stage's words)
    whole = tmp_path / "whole.db"
    assert run("--quiet", "--processed", str(tmp_path / "p2"), "ingest", "--db", str(whole), "--model", "blank",
               str(SEED_PDF)).exit_code == 0
    boxes = "SELECT number, page, x0, y0, x1, y1 FROM items"
    assert q(db, boxes) == q(whole, boxes)
    assert q(db, "SELECT page, x0 FROM items") == [(2, 62.0)]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("ingest").exit_code == 2
    assert run("ingest", str(tmp_path / "missing.pdf")).exit_code == 2
    assert run("--processed", str(tmp_path / "empty"), "segment").exit_code == 2


def test_unusable_database_exits_3(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    result = run("--quiet", "ingest", "--jobs", "1", "--db", str(tmp_path / "dir.db"), "--model", "blank", str(FIXTURES / "minimal-protocol.pdf"))
    assert result.exit_code == 3
    assert result.stderr.startswith("protokoll: cannot prepare database")

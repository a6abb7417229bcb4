"""Scanned pages through the whole pipeline: OCR'd, marked, and parsed like any other page."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import ocr
from pipeline.cli import main

from .conftest import FIXTURES


def ingest(tmp_path: Path, pdf: Path, *extra: str) -> tuple[int, str, Path]:
    src = tmp_path / pdf.name
    shutil.copy(pdf, src)
    db = tmp_path / "t.db"
    result = CliRunner().invoke(main, ["--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1",
                                       "--db", str(db), "--model", "blank", *extra, str(src)])
    return result.exit_code, result.stderr, db


def q(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.ocr
@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract-ocr with Swedish data is not installed")
def test_scanned_protocol_page_is_ocred_and_parsed(tmp_path: Path) -> None:
    code, err, db = ingest(tmp_path, FIXTURES / "scanned-protocol-page.pdf")
    assert (code, err) == (0, "")
    assert q(db, "SELECT number, ocr, has_text, text_quality FROM pages") == [(1, 1, 1, "none")]
    assert q(db, "SELECT number, title, case_number FROM items") == [
        (47, "Ekonomisk uppföljning per februari 2024", "KS 2024/123")
    ]
    assert q(db, "SELECT kind FROM sections ORDER BY position") == [("arendebeskrivning",), ("yrkanden",), ("beslut",)]
    assert q(db, "SELECT text, party FROM entities WHERE label = 'PERSON' ORDER BY start_char") == [
        ("Anna Berg", "S"), ("Per Öström", "M")
    ]
    assert q(db, "SELECT person, party, kind FROM proposals ORDER BY id") == [("Anna Berg", "S", "bifall"), ("Per Öström", "M", "avslag")]


def test_scanned_pdf_without_tesseract_fails_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an environment without tesseract (inherited by the worker process that extracts the document)
    monkeypatch.setenv("PROTOKOLL_TESSERACT", "/nonexistent/tesseract")
    code, err, db = ingest(tmp_path, FIXTURES / "scanned-protocol-page.pdf")
    assert code == 1
    assert err.endswith("no text layer on any of its 1 page(s) (scanned PDF) "
                        "(install tesseract-ocr and tesseract-ocr-swe to OCR it)\n")
    assert q(db, "SELECT status FROM documents") == [("failed",)]

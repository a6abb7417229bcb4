"""The fast paths give what the slow ones gave (issue 15): equivalence, not timings.

* the one-pass character reader of the pdfium backend against the general two-pass one;
* a page with rotated text leaves the fast path for the general one;
* a text line joined as whole words against the letter-by-letter join;
* stage files written compactly, piece by piece, read back as before (and older forms too);
* tagging in small batches, each Doc dropped when read, gives the same entities;
* an unchanged re-run decides every file with one query, however many files there are.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pipeline import db, pdfium_backend
from pipeline.cli import main
from pipeline.extract import ExtractOptions, extract
from pipeline.ingest import StageStore, find_inputs, plan, read_stage_file
from pipeline.segment import segment
from pipeline.tag import build_nlp, tag_protocol

from .conftest import CORPUS_PDF, FIXTURES, RAW, ROOT, corpus_files, raw_pdf

SAMPLES = sorted(RAW.glob("*.pdf")) + [FIXTURES / "minimal-protocol.pdf"]
MODEL = ROOT / "models" / "sv_protokoll"


def chars_both_ways(path: Path) -> tuple[list[list[dict[str, Any]]], list[list[dict[str, Any]]], int]:
    """Every page's chars by ``_fast_chars`` and by ``_chars``, each path with its own font and space memory,
    and the number of pages the fast path declined (rotated text)."""
    import pypdfium2 as pdfium

    fast: list[list[dict[str, Any]]] = []
    slow: list[list[dict[str, Any]]] = []
    declined = 0
    memory: dict[str, tuple[dict[int, Any], dict[int, float]]] = {"fast": ({}, {}), "slow": ({}, {})}
    pdf = pdfium.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            _w, height, ctm = pdfium_backend._page_frame(page)
            try:
                fast.append(pdfium_backend._fast_chars(textpage, ctm, height, *memory["fast"]))
            except pdfium_backend._Rotated:
                declined += 1
                fast.append(pdfium_backend._chars(textpage, ctm, height, *memory["fast"]))
            slow.append(pdfium_backend._chars(textpage, ctm, height, *memory["slow"]))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return fast, slow, declined


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_one_pass_chars_equal_two_pass_on_samples(pdf: Path) -> None:
    fast, slow, declined = chars_both_ways(pdf)
    assert declined == 0
    assert sum(len(p) for p in fast) > 150  # real pages of text, not an empty comparison
    assert fast == slow


def test_one_pass_chars_equal_two_pass_on_corpus() -> None:
    files = corpus_files(CORPUS_PDF, "*.pdf")
    differ = []
    for path in files:
        fast, slow, _declined = chars_both_ways(path)
        differ += [f"{path.name} page {k + 1}" for k, (a, b) in enumerate(zip(fast, slow, strict=True)) if a != b]
    assert differ == []


def rotated_pdf(path: Path) -> None:
    """One A4 page: a line of upright text and a line turned 90 degrees clockwise, read top to bottom (a margin note)."""
    content = (b"BT /F1 12 Tf 1 0 0 1 72 700 Tm (Upright line of text) Tj ET\n"
               b"BT /F1 12 Tf 0 -1 1 0 40 700 Tm (Turned text) Tj ET\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(raw_pdf(objects, b"1.4"))


def test_rotated_text_takes_the_general_path(tmp_path: Path) -> None:
    pdf = tmp_path / "rotated.pdf"
    rotated_pdf(pdf)
    fast, slow, declined = chars_both_ways(pdf)
    assert declined == 1
    assert fast == slow
    lines = [line["text"] for page in pdfium_backend.iter_pages(pdfium_backend.open_document(pdf.read_bytes()))
             for line in page.lines]
    # as before the fast path: PDFium lists the turned text first and the backend reads a turned line
    # word by word (pdfplumber gives "Upright line of text", "Turned", "text": same lines, other order)
    assert lines == ["Turned", "text", "Upright line of text"]


def char(text: str, x0: float, x1: float, top: float = 100.0) -> dict[str, Any]:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 10, "size": 10.0, "upright": True,
            "fontname": "Helvetica", "bold": False}


def test_line_joined_by_words_equals_letter_by_letter() -> None:
    # two words with a ligature, then a glyph mapped to " 1" at the start of a line below
    chars = [char("o", 10, 15), char("ﬁ", 15, 20), char("x", 30, 35),
             char(" 1", 10, 16, top=200), char("2", 16, 21, top=200)]
    lines = pdfium_backend.text_lines(chars)
    assert [line["text"] for line in lines] == ["ofi x", "12"]
    assert [(line["x0"], line["top"], line["x1"], line["bottom"]) for line in lines] == [
        (10, 100, 35, 110), (10, 200, 21, 210)]
    row = [[chars[0], chars[1]], [chars[2]]]
    assert pdfium_backend._joined(row) == pdfium_backend._joined_slowly(row)
    assert pdfium_backend._joined_slowly([[chars[3], chars[4]]])["text"] == "12"  # type: ignore[index]


def test_stage_files_compact_and_older_forms_read(tmp_path: Path) -> None:
    doc = extract(FIXTURES / "minimal-protocol.pdf", options=ExtractOptions(ocr=False))
    store = StageStore(tmp_path / "p")
    written = store.write("extract", doc)
    expected = doc.to_dict()
    assert written.read_text(encoding="utf-8") == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    assert not list((tmp_path / "p" / "extract").glob("*.tmp"))
    indented = tmp_path / "p" / "extract" / "old.json"
    indented.write_text(json.dumps(expected, ensure_ascii=False, indent=2), encoding="utf-8")
    packed = tmp_path / "p" / "extract" / "packed.json.gz"
    packed.write_bytes(gzip.compress(json.dumps(expected).encode("utf-8")))
    assert [p.name for p in store.files("extract")] == sorted([written.name, "old.json", "packed.json.gz"])
    for path in store.files("extract"):
        assert read_stage_file(path).to_dict() == expected


def entities(protocol: Any) -> list[Any]:
    return [protocol.meeting.entities] + [s.entities for item in protocol.items for s in item.sections]


@pytest.mark.parametrize("model", ["blank", "trained"])
def test_small_batches_tag_the_same(model: str) -> None:
    if model == "trained" and not MODEL.is_dir():
        pytest.skip(f"no trained model at {MODEL}")
    nlp = build_nlp("blank" if model == "blank" else str(MODEL))
    doc = extract(RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", options=ExtractOptions(ocr=False))
    one_by_one = tag_protocol(segment(doc), nlp, batch_size=1)
    all_at_once = tag_protocol(segment(doc), nlp, batch_size=1000)
    default = tag_protocol(segment(doc), nlp)
    assert sum(len(e) for e in entities(default)) > 20
    assert entities(one_by_one) == entities(all_at_once) == entities(default)


def tiny_files(folder: Path, count: int) -> None:
    seed = (FIXTURES / "minimal-protocol.pdf").read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):  # a trailing comment makes every copy a document of its own
        (folder / f"p{k:03d}.pdf").write_bytes(seed + b"\n%% copy %d\n" % k)


@pytest.mark.parametrize("count", [3, 40])
def test_unchanged_rerun_is_one_query(count: int, db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    tiny_files(folder, count)
    result = CliRunner().invoke(main, ["--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1",
                                       "--no-ocr", "--no-stage-files", "--model", "blank", "--db", db_url,
                                       str(folder)])
    assert result.exit_code == 0, result.output
    engine = db.make_engine(db_url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        planned = plan(find_inputs([folder]), engine)
    finally:
        engine.dispose()
    assert planned.todo == []
    assert [s.outcome for s in planned.settled] == ["unchanged"] * count
    queries = [q for q in statements if not q.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert len(queries) == 1 and queries[0].startswith("SELECT document_paths.path, document_paths.size")


def test_unchanged_rerun_reads_no_file(tmp_path: Path) -> None:
    """Size and mtime decide: new bytes of the same size under the old mtime are not read (not hashed)."""
    folder = tmp_path / "many"
    tiny_files(folder, 2)
    url = f"sqlite:///{tmp_path / 't.db'}"
    args = ["--quiet", "--processed", str(tmp_path / "p"), "ingest", "--jobs", "1", "--no-ocr",
            "--no-stage-files", "--model", "blank", "--db", url, str(folder)]
    assert CliRunner().invoke(main, args).exit_code == 0
    changed = folder / "p000.pdf"
    st = changed.stat()
    changed.write_bytes(b"x" * st.st_size)
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns))
    engine = db.make_engine(url)
    try:
        planned = plan(find_inputs([folder]), engine)
        touched = plan(find_inputs([folder]), engine, force=True)
    finally:
        engine.dispose()
    assert [s.outcome for s in planned.settled] == ["unchanged", "unchanged"]
    assert [t.shown for t in touched.todo] == [(folder / "p000.pdf").as_posix(), (folder / "p001.pdf").as_posix()]

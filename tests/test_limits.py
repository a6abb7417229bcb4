"""Hostile PDFs: resource limits in extraction (issue 11, probes 4 to 6).

The PDFs are written byte by byte here, each a few kilobytes: a content stream of
spaces inflates a thousand times, so a 3 KB stream stands for a 3 MiB one and the
limits are lowered to match (``max_stream_mb=2``) instead of building real bombs.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import limits, ocr
from pipeline.cli import main
from pipeline.errors import BadDocumentError
from pipeline.extract import ExtractOptions, extract, file_sha256

from .conftest import raw_pdf

ROOT = Path(__file__).resolve().parent.parent
MIB = 1 << 20
TEXT = b"BT /F1 12 Tf 72 720 Td (Kommunstyrelsen sammantrader i dag om budgeten) Tj ET\n"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pages(contents: list[bytes], size: tuple[int, int] = (595, 842), extra: list[bytes] | None = None) -> bytes:
    """A PDF with one page per stream object in ``contents`` (each a whole ``<< >> stream`` object);
    ``extra`` objects follow them."""
    n = len(contents)
    first_page = 4  # 1 catalog, 2 pages, 3 font, then the pages, then their contents
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), FONT]
    for i in range(n):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (*size, first_page + n + i))
    return raw_pdf(objects + contents + (extra or []))


OTHER = b"BT /F1 12 Tf 72 720 Td (Ordet lamnades fritt till ledamoterna) Tj ET\n"


def _spaces(mib: int, text: bytes = TEXT) -> bytes:
    """``text`` followed by ``mib`` MiB of spaces, deflated: a page that reads normally and inflates 1000-fold."""
    return zlib.compress(text + b" " * (mib * MIB), 9)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


NO_OCR = {"ocr": False}


@pytest.mark.parametrize("extractor", ["pdfium", "pdfplumber"])
def test_content_stream_inflating_beyond_the_limit_fails_naming_its_page(tmp_path: Path, extractor: str) -> None:
    pdf = _write(tmp_path, "bomb.pdf", _pages([_stream(zlib.compress(OTHER), b"/Filter /FlateDecode"),
                                               _stream(_spaces(3), b"/Filter /FlateDecode")]))
    assert pdf.stat().st_size < 8000
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "bomb.pdf", ExtractOptions(extractor=extractor, max_stream_mb=2, **NO_OCR))
    assert err.value.message == "bomb.pdf: content stream of page 2 inflates beyond 2 MiB (raise --max-stream-mb)"
    # the same file within a raised limit reads normally: the check measured, it did not guess
    doc = extract(pdf, "bomb.pdf", ExtractOptions(extractor=extractor, max_stream_mb=4, **NO_OCR))
    assert doc.page_count == 2
    assert doc.text == "Ordet lamnades fritt till ledamoterna\nKommunstyrelsen sammantrader i dag om budgeten"


def test_nested_filters_and_escaped_names_are_decoded_to_the_end(tmp_path: Path) -> None:
    """Flate inside Flate: the first layer is 3 KB, the second 3 MiB. ``/Fl#61teDecode`` is
    ``/FlateDecode`` to a PDF parser, and ``/Fl`` its abbreviation."""
    twice = zlib.compress(_spaces(3), 9)
    assert len(twice) < 1000 and len(zlib.decompress(twice)) < 8000
    pdf = _write(tmp_path, "nested.pdf", _pages([_stream(twice, b"/Filter [/Fl#61teDecode /Fl]")]))
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "nested.pdf", ExtractOptions(max_stream_mb=2, **NO_OCR))
    assert err.value.message == "nested.pdf: content stream of page 1 inflates beyond 2 MiB (raise --max-stream-mb)"


def test_streams_together_beyond_the_content_limit_fail_the_document(tmp_path: Path) -> None:
    pdf = _write(tmp_path, "long.pdf", _pages([_stream(_spaces(1), b"/Filter /FlateDecode")] * 3))
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "long.pdf", ExtractOptions(max_content_mb=2, **NO_OCR))
    assert err.value.message == "long.pdf: its streams together inflate beyond 2 MiB (raise --max-content-mb)"
    assert extract(pdf, "long.pdf", ExtractOptions(max_content_mb=4, **NO_OCR)).page_count == 3


def test_an_image_counts_against_the_stream_limit_only(tmp_path: Path) -> None:
    image = _stream(zlib.compress(b"\xff" * (3 * MIB), 9),
                    b"/Type /XObject /Subtype /Image /Width 1536 /Height 2048 /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode")
    data = _pages([_stream(zlib.compress(TEXT), b"/Filter /FlateDecode")], extra=[image])
    pdf = _write(tmp_path, "image.pdf", data)
    assert extract(pdf, "image.pdf", ExtractOptions(max_content_mb=2, **NO_OCR)).page_count == 1
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "image.pdf", ExtractOptions(max_stream_mb=2, **NO_OCR))
    assert err.value.message == "image.pdf: stream object 6 inflates beyond 2 MiB (raise --max-stream-mb)"


def test_decoders_of_the_other_filters_give_the_exact_output() -> None:
    # the LZW example of the PDF reference (7.4.4.2): 80 0B 60 50 22 0C 0C 85 01 is "-----A---B"
    assert b"".join(limits._lzw([bytes.fromhex("800B6050220C0C8501")])) == b"-----A---B"
    assert b"".join(limits._run_length([bytes([2]) + b"abc" + bytes([255]) + b"x" + bytes([128]) + b"zzz"])) == b"abcxx"
    assert b"".join(limits._ascii_hex([b"48 65 6c6c\n6F 2>"])) == b"Hello "
    text = b"Kommunfullm\xe4ktige " * 40
    encoded = base64.a85encode(text)
    assert b"".join(limits._ascii85([encoded[:101], encoded[101:] + b"~>"])) == text
    assert b"".join(limits._ascii85([b"z!!~>"])) == bytes(5)  # "z" is four zero bytes, a final "!!" one
    assert limits.decoded_size(zlib.compress(base64.a85encode(text)), ["FlateDecode", "ASCII85Decode"], 10**6) == 720


def test_decoding_stops_just_past_the_limit() -> None:
    raw = zlib.compress(b" " * (64 * MIB), 9)
    assert limits.decoded_size(raw, ["FlateDecode"], 64 * MIB) == 64 * MIB
    assert limits.decoded_size(raw, ["FlateDecode"], 5 * MIB) == 6 * MIB  # one chunk past the limit, then stop


@pytest.mark.parametrize("extractor", ["pdfium", "pdfplumber"])
def test_too_many_pages_fail_before_any_is_read(tmp_path: Path, extractor: str) -> None:
    pdf = _write(tmp_path, "three.pdf", _pages([_stream(TEXT)] * 3))
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "three.pdf", ExtractOptions(extractor=extractor, max_pages=2, **NO_OCR))
    assert err.value.message == "three.pdf: 3 pages, more than the limit of 2 (raise --max-pages)"
    assert extract(pdf, "three.pdf", ExtractOptions(extractor=extractor, max_pages=3, **NO_OCR)).page_count == 3


@pytest.mark.parametrize("extractor", ["pdfium", "pdfplumber"])
def test_a_200_inch_page_fails_on_its_area(tmp_path: Path, extractor: str) -> None:
    pdf = _write(tmp_path, "poster.pdf", _pages([_stream(TEXT)], size=(14400, 14400)))
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "poster.pdf", ExtractOptions(extractor=extractor, **NO_OCR))
    assert err.value.message == ("poster.pdf: page 1: page is 5.08 × 5.08 m (25.8 m²), larger than the limit of "
                                 "5 m² (raise --max-page-area)")
    assert extract(pdf, "poster.pdf", ExtractOptions(extractor=extractor, max_page_area=26, **NO_OCR)).page_count == 1


def test_render_dpi_is_lowered_for_a_large_page_and_refused_below_72() -> None:
    assert ocr.render_dpi(595, 842, 300, 40_000_000) == 300  # A4: 8.7 megapixels
    assert ocr.render_dpi(2384, 3370, 300, 40_000_000) == 160  # A0: 139 megapixels at 300 dpi, 39.7 at 160
    with pytest.raises(ocr.RenderLimitError) as err:
        ocr.render_dpi(14400, 14400, 300, 40_000_000)
    assert str(err.value) == ("page would render at 14,400 × 14,400 pixels even at 72 dpi, more than the limit of "
                              "40 megapixels (raise --max-render-mpx)")


def test_a_large_page_is_rendered_within_the_pixel_limit(tmp_path: Path) -> None:
    data = _pages([_stream(TEXT)], size=(600, 600))  # 2,500 x 2,500 pixels at 300 dpi
    image, dpi = ocr.render_page_within(data, 0, 300, 1_000_000)
    assert (dpi, image.size) == (120, (1000, 1000))
    image, dpi = ocr.render_page_within(data, 0, 300, None)
    assert (dpi, image.size) == (300, (2500, 2500))


@pytest.mark.skipif(not ocr.ocr_available(), reason="tesseract with Swedish data is not installed")
def test_a_page_without_text_too_large_to_render_fails_before_rendering(tmp_path: Path) -> None:
    pdf = _write(tmp_path, "blank-poster.pdf", _pages([_stream(b"0 0 m 10 10 l S")], size=(14400, 14400)))
    with pytest.raises(BadDocumentError) as err:
        extract(pdf, "blank-poster.pdf", ExtractOptions(max_page_area=30))
    assert err.value.message == (
        "blank-poster.pdf: page 1: page would render at 14,400 × 14,400 pixels even at 72 dpi, more than the limit "
        "of 40 megapixels (raise --max-render-mpx)")


def test_long_documents_log_their_progress(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import extract as extract_module

    monkeypatch.setattr(extract_module, "PROGRESS_PAGES", 2)
    pdf = _write(tmp_path, "five.pdf", _pages([_stream(TEXT)] * 5))
    with caplog.at_level(logging.INFO, logger="pipeline.extract"):
        extract(pdf, "five.pdf", ExtractOptions(**NO_OCR))
    assert [r.getMessage() for r in caplog.records if r.name == "pipeline.extract"] == [
        "extract: page 2/5 of five.pdf", "extract: page 4/5 of five.pdf"]


@pytest.mark.parametrize("extractor", ["pdfium", "pdfplumber"])
def test_words_of_a_document_share_equal_texts_and_coordinates(tmp_path: Path, extractor: str) -> None:
    """What keeps a long document's words at half their size: the same word on two pages is one object."""
    pdf = _write(tmp_path, "two.pdf", _pages([_stream(TEXT)] * 2))
    doc = extract(pdf, "two.pdf", ExtractOptions(extractor=extractor, **NO_OCR))
    first, second = doc.pages[0].words[0], doc.pages[1].words[0]
    assert first == second and first is not second
    assert first.text is second.text and first.top is second.top and first.x1 is second.x1


def _run(args: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: a regression (a hang on a FIFO, /dev/zero read to the
    end) ends in a timeout here, not in a stuck test run."""
    return subprocess.run([sys.executable, "-m", "pipeline", "--processed", str(tmp_path / "processed"), *args],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_the_extract_command_refuses_a_fifo_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    result = _run(["extract", "pipe.pdf"], tmp_path)
    assert (result.returncode, result.stderr) == (
        1, "pipe.pdf: not a regular file: a FIFO (named pipe) (name the PDF file itself)\n")


def test_extract_and_file_sha256_refuse_a_fifo_and_a_link_to_dev_zero(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    code = ("from pipeline.extract import extract, file_sha256\n"
            "for call in (extract, file_sha256):\n"
            "    for name in ('pipe.pdf', 'zero.pdf'):\n"
            "        try:\n            call(name)\n"
            "        except Exception as exc:\n            print(type(exc).__name__, exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    fifo = "BadDocumentError pipe.pdf: not a regular file: a FIFO (named pipe) (name the PDF file itself)"
    zero = "BadDocumentError zero.pdf: not a regular file: a character device (name the PDF file itself)"
    assert result.stdout.splitlines() == [fifo, zero, fifo, zero]
    with pytest.raises(BadDocumentError) as err:
        file_sha256(tmp_path / "missing.pdf")
    assert err.value.message == f"{tmp_path / 'missing.pdf'}: cannot read file: No such file or directory"


def test_limits_are_options_and_environment_variables_of_extract(tmp_path: Path) -> None:
    _write(tmp_path, "three.pdf", _pages([_stream(TEXT)] * 3))
    result = _run(["extract", "--no-ocr", "--max-pages", "2", "three.pdf"], tmp_path)
    assert (result.returncode, result.stderr) == (1, "three.pdf: 3 pages, more than the limit of 2 (raise --max-pages)\n")
    result = _run(["extract", "--no-ocr", "three.pdf"], tmp_path, env={"PROTOKOLL_MAX_PAGES": "2"})
    assert (result.returncode, result.stderr) == (1, "three.pdf: 3 pages, more than the limit of 2 (raise --max-pages)\n")
    result = _run(["-q", "extract", "--no-ocr", "three.pdf"], tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    result = _run(["extract", "--max-stream-mb", "0", "three.pdf"], tmp_path)
    assert result.returncode == 2


def test_ingest_records_a_document_over_a_limit_as_failed(tmp_path: Path) -> None:
    import sqlite3

    _write(tmp_path, "bomb.pdf", _pages([_stream(_spaces(3), b"/Filter /FlateDecode")]))
    result = CliRunner().invoke(main, ["-q", "--processed", str(tmp_path / "processed"), "ingest", "--jobs", "1",
                                       "--db", str(tmp_path / "p.db"), "--model", "blank", "--no-ocr",
                                       "--max-stream-mb", "2", str(tmp_path / "bomb.pdf")])
    assert result.exit_code == 1, result.output
    with sqlite3.connect(tmp_path / "p.db") as conn:
        rows = conn.execute("SELECT error FROM documents").fetchall()
    assert rows == [("content stream of page 1 inflates beyond 2 MiB (raise --max-stream-mb)",)]

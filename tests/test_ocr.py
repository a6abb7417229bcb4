"""OCR of scanned pages: tesseract's TSV into positioned lines, and a real scan read back.

Tests marked ``ocr`` need the tesseract program with Swedish data (Debian
packages tesseract-ocr and tesseract-ocr-swe) and are skipped without it; the
TSV parsing and the error messages are tested everywhere.
"""

from __future__ import annotations

import pytest

from pipeline import ocr
from pipeline.ocr import (
    OcrLine,
    OcrUnavailableError,
    lines_text,
    ocr_available,
    ocr_page,
    parse_tsv,
)

from .conftest import FIXTURES

SCANNED = FIXTURES / "scanned-protocol-page.pdf"
needs_tesseract = pytest.mark.skipif(
    not ocr_available(), reason="tesseract with Swedish data not installed (install tesseract-ocr and tesseract-ocr-swe)"
)

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"


def tsv(*rows: tuple[int, int, int, int, int, int, int, int, float, str]) -> str:
    """Tesseract TSV with word rows (block, par, line, word, left, top, width, height, conf, text)."""
    out = TSV_HEADER + "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n"
    for block, par, line, word, left, top, width, height, conf, text in rows:
        out += f"5\t1\t{block}\t{par}\t{line}\t{word}\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}\n"
    return out


def test_parse_tsv_groups_words_into_lines_in_points() -> None:
    text = tsv(
        (1, 1, 1, 1, 300, 600, 100, 50, 96.0, "47"),
        (1, 1, 1, 2, 420, 600, 50, 50, 90.0, "§"),
        (2, 1, 1, 1, 300, 700, 200, 50, 80.0, "Beslut"),
    )
    lines = parse_tsv(text, dpi=300)
    assert [ln.text for ln in lines] == ["47 §", "Beslut"]
    first = lines[0]
    assert (first.x0, first.top, first.x1, first.bottom, first.conf) == (72.0, 144.0, 112.8, 156.0, 93.0)
    assert [w.text for w in first.words] == ["47", "§"]


def test_parse_tsv_joins_blocks_on_one_row_like_pdfplumber() -> None:
    # a running header that tesseract splits into three blocks side by side
    text = tsv(
        (1, 1, 1, 1, 300, 300, 200, 40, 95.0, "Protokoll"),
        (2, 1, 1, 1, 900, 302, 100, 40, 95.0, "14"),
        (2, 1, 1, 2, 1010, 302, 30, 40, 95.0, "§"),
        (3, 1, 1, 1, 2000, 298, 100, 40, 95.0, "Sida"),
        (4, 1, 1, 1, 300, 400, 300, 40, 95.0, "Personalsektionen"),
    )
    assert [ln.text for ln in parse_tsv(text, dpi=300)] == ["Protokoll 14 § Sida", "Personalsektionen"]
    assert [ln.text for ln in parse_tsv(text, dpi=300, join_rows=False)] == [
        "Protokoll", "14 §", "Sida", "Personalsektionen"]  # tesseract's block order


def test_parse_tsv_drops_specks() -> None:
    text = tsv(
        (1, 1, 1, 1, 300, 600, 120, 40, 93.0, "Dnr"),
        (1, 1, 1, 2, 440, 600, 60, 40, 93.0, "KS"),
        (1, 1, 1, 3, 520, 600, 200, 40, 92.0, "2024/123"),
        (1, 1, 1, 4, 760, 620, 30, 15, 42.5, "ge"),
    )
    assert lines_text(parse_tsv(text, dpi=300)) == "Dnr KS 2024/123"


def test_section_sign_reading() -> None:
    assert ocr._section_reading("148", "14§") == "14 §"
    assert ocr._section_reading("17.8", "17§") == "17 §"
    assert ocr._section_reading("&", '"§|') == "§"
    assert ocr._section_reading("148", "148") is None  # a real number stays
    assert ocr._section_reading("2018", "20§") is None  # digits must agree


def test_ocr_line_round_trip() -> None:
    line = parse_tsv(tsv((1, 1, 1, 1, 300, 600, 100, 50, 96.0, "Beslut")), dpi=300)[0]
    assert OcrLine.from_dict(line.to_dict()) == line


def test_missing_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROTOKOLL_TESSERACT", "/nonexistent/tesseract")
    assert ocr_available() is False
    with pytest.raises(OcrUnavailableError) as info:
        ocr_page(SCANNED, 0)
    assert str(info.value) == (
        "OCR needs the tesseract program, which was not found (install tesseract-ocr and tesseract-ocr-swe)")


def test_scanned_fixture_has_no_text_layer() -> None:
    import pdfplumber

    with pdfplumber.open(SCANNED) as pdf:
        assert len(pdf.pages) == 1
        assert pdf.pages[0].chars == []
        assert len(pdf.pages[0].images) == 1


@pytest.fixture(scope="module")
def scanned_lines() -> list[OcrLine]:
    return ocr_page(SCANNED, 0)


@pytest.mark.ocr
@needs_tesseract
def test_ocr_reads_item_heading_case_number_and_person(scanned_lines: list[OcrLine]) -> None:
    texts = [ln.text for ln in scanned_lines]
    assert "47 § Ekonomisk uppföljning per februari 2024" in texts
    assert "Dnr KS 2024/123" in texts
    assert "Anna Berg (S) yrkar bifall till arbetsutskottets förslag." in texts


@pytest.mark.ocr
@needs_tesseract
def test_ocr_keeps_swedish_letters(scanned_lines: list[OcrLine]) -> None:
    texts = [ln.text for ln in scanned_lines]
    assert "Per Öström (M) yrkar avslag." in texts
    assert "åtgärder som bringar verksamheten i ekonomisk balans." in texts
    assert "Ärendebeskrivning" in texts


@pytest.mark.ocr
@needs_tesseract
def test_ocr_lines_are_positioned_like_a_text_layer(scanned_lines: list[OcrLine]) -> None:
    tops = [ln.top for ln in scanned_lines]
    assert tops == sorted(tops)
    heading = next(ln for ln in scanned_lines if ln.text.startswith("47 §"))
    # laid out at y = 842 - 110 pt from the bottom with 13 pt type: top ~ 100 pt from the top of the page
    assert 95 < heading.top < 106 and 110 < heading.bottom < 118 and 55 < heading.x0 < 66
    footer = scanned_lines[-1]
    assert footer.text == "Justerandes sign Utdragsbestyrkande"
    assert footer.top > 0.9 * 842


@pytest.mark.ocr
@needs_tesseract
def test_ocr_page_reads_pdf_bytes() -> None:
    lines = ocr_page(SCANNED.read_bytes(), 0, dpi=200)
    assert "Dnr KS 2024/123" in [ln.text for ln in lines]


@pytest.mark.ocr
@needs_tesseract
def test_ocr_page_index_out_of_range() -> None:
    with pytest.raises(IndexError, match=r"page index 3 out of range \(the PDF has 1 pages\)"):
        ocr_page(SCANNED, 3)

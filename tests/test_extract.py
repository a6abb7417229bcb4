"""Extraction on the sample PDFs: running lines removed, paragraphs re-joined, page map kept."""

from __future__ import annotations

import json

from pipeline.extract import _dehyphenate, _line_key, extract
from pipeline.segment import segment
from pipeline.types import ExtractedDocument, Protocol

from .conftest import BJORKVIK_PDF, SEED_PDF

URL = "https://skr.se/skr/tjanster/rapporterochskrifter/publikationer/finansieringavregionaltutvecklingsarbete.64841.html"


def test_running_header_and_footer_found_by_repetition() -> None:
    doc = extract(SEED_PDF)
    assert doc.page_count == 8
    assert doc.pages[2].header == [
        "Protokoll", "Sammanträdesdatum", "Regionala utvecklingsnämndens", "arbetsutskott", "2023-05-12",
        "Utdragsbestyrkande",
    ]
    assert doc.pages[2].footer == ["Justerandes signatur\t3 (8)"]  # a tab between columns
    assert "Utdragsbestyrkande" not in doc.text and "Justerandes" not in doc.text
    b = extract(BJORKVIK_PDF)
    assert b.pages[3].header == ["Björkviks kommun\tSammanträdesprotokoll\tSida 4 av 6", "Kommunstyrelsen\t2024-03-12"]
    assert b.pages[3].footer == ["Justerandes sign\tUtdragsbestyrkande"]


def test_paragraph_cut_by_page_break_is_rejoined_and_page_map_kept() -> None:
    doc = extract(SEED_PDF)
    cut = doc.text.index("till regionstyrelseförvaltningen, efter\nen genomgripande analys")
    assert doc.page_at(cut) == 5
    assert doc.page_at(doc.text.index("en genomgripande analys")) == 6
    b = extract(BJORKVIK_PDF).text
    assert "att kommunstyrelsen\ngodkänner försäljningen" in b


def test_link_lines_bullets_and_hyphenation() -> None:
    doc = extract(SEED_PDF)
    assert doc.text.replace("\n", "").count(URL) == 1
    assert "\uf0b7" not in doc.text
    assert doc.text.count("• ") == 9
    assert "som enhälligt föreslår att kommunstyrelsen ställer sig" in extract(BJORKVIK_PDF).text.replace("\n", " ")


def test_dehyphenate_rules() -> None:
    assert _dehyphenate("är lag-", "ligt sammankallad") == "join"
    assert _dehyphenate("ett EU-", "projekt") == "keep"
    assert _dehyphenate("hälso-", "och sjukvård") is None
    assert _dehyphenate("slutet.", "Nästa") is None


def test_line_key_ignores_numbers_and_paragraph_signs() -> None:
    assert _line_key("Protokoll 39 § 15.09.2022 Sida") == _line_key("Protokoll 15.09.2022 Sida") == "protokoll # sida"
    assert _line_key("Sida 3 av 28") == "sida # av #"


def test_stage_outputs_round_trip() -> None:
    doc = extract(BJORKVIK_PDF)
    again = ExtractedDocument.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again == doc
    protocol = segment(doc)
    assert Protocol.from_dict(json.loads(json.dumps(protocol.to_dict()))) == protocol


def test_ocr_letterhead_read_with_noise_is_removed_as_a_running_header() -> None:
    """OCR reads a logo differently on each page; copies close to a found header go too."""
    from pipeline.extract import Line, _remove_running_lines
    from pipeline.types import Page

    def page(n: int, ocr: bool) -> Page:
        return Page(number=n, width=595.0, height=842.0, char_count=100, has_text=True, ocr=ocr)

    def lines(*texts: str) -> list[Line]:
        # a header block at the top, a gap, then the body
        out = [Line(t, 20.0 + 12 * k, 30.0 + 12 * k, 50.0, False) for k, t in enumerate(texts)]
        return out + [Line("Protokoll 30 § 29.05.2023 Sida", 200.0, 210.0, 50.0, False),
                      Line("Ärendet antecknades för kännedom.", 400.0, 410.0, 50.0, False)]

    pages = [page(1, False), page(2, True), page(3, True), page(4, True), page(5, False)]
    page_lines = [
        lines("NYKARLEBY", "CZ VUSIKAARLEPYY"),
        lines("NYKARLEBY", "CZ VUSIKAARLEPYY"),
        lines("=", "ÖR NYKARLEBY", "& j UUSIKAARLEPYY"),  # OCR noise: not counted as repeated
        lines("Beslut om NYKARLEBY stads budget"),  # a body line that merely names the town stays
        lines("NYKARLEBY", "CZ VUSIKAARLEPYY"),
    ]
    _remove_running_lines(pages, page_lines)
    assert [p.header for p in pages] == [
        ["NYKARLEBY", "CZ VUSIKAARLEPYY"],
        ["NYKARLEBY", "CZ VUSIKAARLEPYY"],
        ["=", "ÖR NYKARLEBY", "& j UUSIKAARLEPYY"],
        [],
        ["NYKARLEBY", "CZ VUSIKAARLEPYY"],
    ]
    assert [ln.text for ln in page_lines[3]][:1] == ["Beslut om NYKARLEBY stads budget"]
    assert all(ln[0].text == "Protokoll 30 § 29.05.2023 Sida" for k, ln in enumerate(page_lines) if k != 3)

"""The two text backends, pdfplumber and pdfium, give the same items, sections and entities.

Each PDF goes through extract (one backend, no OCR), segment and the rules-only
tagger; the summaries of both runs must be equal. The one normalisation: runs
of spaces count as one space in titles, headings and entity texts. In the
Nykarleby PDFs a few glyphs are mapped to a space plus a letter (" 1", " o");
pdfminer keeps that space next to the word gap and prints two, PDFium drops it
and prints one ("Lokal justeringspot T  1.6.2023"). Both are the same words.

Within the pdfium backend, the array path (PDFium asked in C loops, boxes on
arrays) must give exactly the lines, words and character counts of the char
path (a dict per character) it stands in for, and leave to it only the pages
it declines (rotated text).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline import pdfium_backend
from pipeline.errors import BadDocumentError
from pipeline.extract import EXTRACTORS, ExtractOptions, extract
from pipeline.segment import segment
from pipeline.tag import tag_protocol

from .conftest import CORPUS_PDF, FIXTURES, RAW, ROOT, corpus_files, raw_pdf
from .test_cli import BAD
from .test_speed_contract import rotated_pdf

SAMPLES = sorted(RAW.glob("*.pdf")) + [FIXTURES / "minimal-protocol.pdf"]


def _same_words(text: str | None) -> str | None:
    return re.sub(" {2,}", " ", text) if text is not None else None


def summary(path: Path, extractor: str, nlp: Any) -> dict[str, list[tuple[Any, ...]]]:
    """What must not depend on the backend: items, section kinds and headings, entities."""
    protocol = tag_protocol(segment(extract(path, options=ExtractOptions(extractor=extractor, ocr=False))), nlp)
    return {
        "items": [(i.number, _same_words(i.title), i.case_number, i.page_start, i.page_end) for i in protocol.items],
        "sections": [(i.number, s.position, s.kind, _same_words(s.heading)) for i in protocol.items for s in i.sections],
        "entities": [
            (i.number, s.position, e.label, _same_words(e.text), e.value_num, e.value_date, e.unit, e.norm)
            for i in protocol.items for s in i.sections for e in s.entities
        ],
    }


def test_both_backends_are_offered() -> None:
    assert EXTRACTORS == ("pdfplumber", "pdfium")
    with pytest.raises(ValueError, match="unknown extractor 'pymupdf'; choose one of pdfplumber, pdfium"):
        ExtractOptions(extractor="pymupdf")


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_samples_same_items_sections_entities(pdf: Path, nlp_blank: Any) -> None:
    assert summary(pdf, "pdfium", nlp_blank) == summary(pdf, "pdfplumber", nlp_blank)


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_samples_same_text_and_pages(pdf: Path) -> None:
    """On the samples the backends agree on more than the summary: text, page map, headers, counts."""
    a = extract(pdf, options=ExtractOptions(extractor="pdfplumber", ocr=False))
    b = extract(pdf, options=ExtractOptions(extractor="pdfium", ocr=False))
    assert b.text == a.text
    assert b.spans == a.spans
    assert b.bold_lines == a.bold_lines
    assert [(p.number, p.width, p.height, p.char_count, p.quality, p.header, p.footer) for p in b.pages] == [
        (p.number, p.width, p.height, p.char_count, p.quality, p.header, p.footer) for p in a.pages
    ]


def test_corpus_same_items_sections_entities(nlp_blank: Any) -> None:
    files = corpus_files(CORPUS_PDF, "*.pdf")
    differ = {f.name: (a, b) for f in files
              if (a := summary(f, "pdfplumber", nlp_blank)) != (b := summary(f, "pdfium", nlp_blank))}
    assert not differ, "\n".join(
        f"{name}: {key} differ" for name, (a, b) in differ.items() for key in a if a[key] != b[key]
    )


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("extractor", EXTRACTORS)
def test_bad_input_same_message(name: str, extractor: str, tmp_path: Path) -> None:
    src = tmp_path / name
    shutil.copy(FIXTURES / name, src)
    with pytest.raises(BadDocumentError) as caught:
        extract(src, options=ExtractOptions(extractor=extractor, ocr=False))
    err = caught.value
    assert err.reason + (f" ({err.hint})" if err.hint else "") == BAD[name]


def both_paths(path: Path) -> tuple[list[Any], list[Any], int]:
    """Every page's (lines, words, visible chars) by the array path and by the char path, and the number of
    pages with text the array path declined (a page read char by char keeps pdfplumber's lines)."""
    pdf = pdfium_backend.open_document(path.read_bytes())
    try:
        by_arrays = [(page.made, bool(page.lines)) for page in pdfium_backend.iter_pages(pdf)]
        by_chars = [page.made for page in pdfium_backend.iter_pages(pdf, arrays=False)]
    finally:
        pdf.close()
    return [made for made, _ in by_arrays], by_chars, sum(declined for _, declined in by_arrays)


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_array_path_equals_char_path_on_samples(pdf: Path) -> None:
    arrays, chars, declined = both_paths(pdf)
    assert declined == 0  # upright text only: every page is read by arrays
    assert sum(len(words) for _, words, _ in arrays) >= 25  # real lines of words (the fixture has 25), not an empty comparison
    assert arrays == chars


def test_array_path_equals_char_path_on_corpus() -> None:
    """The real PDFs bring what the samples lack: glyphs mapped to two characters ("ti", "§\\0"), unmapped
    glyphs, spaces PDFium drops, pages with rotated text (declined, read char by char)."""
    differ, pages, declined = [], 0, 0
    for path in corpus_files(CORPUS_PDF, "*.pdf"):
        arrays, chars, skipped = both_paths(path)
        differ += [f"{path.name} page {k + 1}" for k, (a, b) in enumerate(zip(arrays, chars, strict=True)) if a != b]
        pages, declined = pages + len(arrays), declined + skipped
    assert differ == []
    assert 0 < declined < pages / 10  # most pages by arrays; the few with turned text by chars


def test_array_path_equals_char_path_on_bench_corpus(tmp_path: Path) -> None:
    """Dense full-width pages of ``make_corpus.py``, what ``make bench`` measures."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    write_corpus(tmp_path, 2, 16, 6, 0, 1)
    files = sorted(tmp_path.glob("*.pdf"))
    assert len(files) == 2
    for path in files:
        arrays, chars, declined = both_paths(path)
        assert len(arrays) > 10 and declined == 0
        assert arrays == chars


def test_rotated_page_declined_and_read_by_chars(tmp_path: Path) -> None:
    pdf = tmp_path / "rotated.pdf"
    rotated_pdf(pdf)
    arrays, chars, declined = both_paths(pdf)
    assert declined == 1
    assert arrays == chars
    assert [line.text for line in arrays[0][0]] == ["Turned", "text", "Upright line of text"]


def test_array_path_without_text(tmp_path: Path) -> None:
    """A page with no characters at all: no lines, no words, no count, by either path."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    pdf.save(path)
    pdf.close()
    assert both_paths(path) == ([([], [], 0)], [([], [], 0)], 0)


def glyph_pdf(path: Path) -> None:
    """One line, "Lag § 12 och ﬁ", whose font maps the glyph § to two characters, U+00A7 U+0000 (as some
    protocols' fonts do) and the glyph 0x1F to the ligature ﬁ."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"2 beginbfchar <A7> <00A70000> <1F> <FB01> endbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    content = b"BT /F1 12 Tf 72 700 Td (Lag \\247 12 och \\037) Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"endstream",
    ]
    path.write_bytes(raw_pdf(objects, b"1.4"))


def test_glyph_of_two_characters_one_with_control(tmp_path: Path) -> None:
    """PDFium lists § and U+0000 at one origin, and its page text has U+FFFE for the U+0000: the array path
    asks for that character alone and joins both into one char, as the char path does. PDFium splits the
    ligature ﬁ into f and i at one origin: one char "fi" by both paths."""
    pdf = tmp_path / "glyphs.pdf"
    glyph_pdf(pdf)
    arrays, chars, declined = both_paths(pdf)
    assert declined == 0
    assert arrays == chars
    lines, words, count = arrays[0]
    assert [line.text for line in lines] == ["Lag §\x00 12 och fi"]
    assert [w.text for w in words] == ["Lag", "§\x00", "12", "och", "fi"]
    assert count == 10  # L a g, §, 1 2, o c h, fi: a glyph of two characters counts once

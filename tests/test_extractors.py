"""The two text backends, pdfplumber and pdfium, give the same items, sections and entities.

Each PDF goes through extract (one backend, no OCR), segment and the rules-only
tagger; the summaries of both runs must be equal. The one normalisation: runs
of spaces count as one space in titles, headings and entity texts. In the
Nykarleby PDFs a few glyphs are mapped to a space plus a letter (" 1", " o");
pdfminer keeps that space next to the word gap and prints two, PDFium drops it
and prints one ("Lokal justeringspot T  1.6.2023"). Both are the same words.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import BadDocumentError
from pipeline.extract import EXTRACTORS, ExtractOptions, extract
from pipeline.segment import segment
from pipeline.tag import tag_protocol

from .conftest import CORPUS_PDF, FIXTURES, RAW, corpus_files
from .test_cli import BAD

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

"""Real protocols from ../shared/corpus: every paragraph found with its number.

For the PDFs the expected numbers are the range the cover page declares
(``Ärenden 39 – 49 §``); for the Göteborg texts they are the ``§`` headings a
human counts. Skipped with a reason when the corpus is absent.
"""

from __future__ import annotations

import json

import pytest

from pipeline.extract import ExtractOptions, extract
from pipeline.segment import segment

from .conftest import CORPUS_PDF, CORPUS_TXT, ROOT, corpus_files

NO_OCR = ExtractOptions(ocr=False)  # OCR of the scanned pages is measured by make eval-corpus

# What a human counts, shared with scripts/eval_corpus.py; see the notes there (e.g. a cover typo)
EXPECTED = json.loads((ROOT / "tests" / "data" / "corpus_expected.json").read_text(encoding="utf-8"))


def wanted(kind: str, name: str) -> list[int]:
    e = EXPECTED[kind][name]
    return [n for n in range(e["first"], e["last"] + 1) if n not in e.get("missing", [])]


@pytest.mark.corpus
def test_corpus_pdf_items_match_the_declared_range() -> None:
    files = corpus_files(CORPUS_PDF, "*.pdf")
    seen = {}
    for f in files:
        protocol = segment(extract(f, options=NO_OCR))
        numbers = [i.number for i in protocol.items]
        if protocol.doc_type == "foredragningslista":
            seen[f.name] = ("foredragningslista", numbers[0], numbers[-1], len(numbers))
            continue
        declared = (protocol.meeting.first_item, protocol.meeting.last_item)
        assert numbers == wanted("pdf", f.name), f.name
        assert all(i.title for i in protocol.items), f.name
        seen[f.name] = (protocol.doc_type, declared[0], declared[1], len(numbers))
    assert seen == {
        "nykarleby_personalsektionen_protokoll_28_03_2023_15_00_159076.pdf": ("protokoll", 13, 24, 12),
        "nykarleby_personalsektionen_protokoll_29_05_2023_15_00_164658.pdf": ("protokoll", 15, 38, 14),
        "nykarleby_stadsstyrelsen_foredragningslista_26_09_2022_16_30_140208.pdf": ("foredragningslista", 188, 202, 15),
        "nykarleby_ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf": ("protokoll", 1, 9, 9),
        "nykarleby_valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf": ("protokoll", 39, 49, 11),
    }


@pytest.mark.corpus
def test_corpus_pdf_meeting_and_case_numbers() -> None:
    corpus_files(CORPUS_PDF, "*.pdf")
    protocol = segment(extract(CORPUS_PDF / "nykarleby_valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf", options=NO_OCR))
    m = protocol.meeting
    assert (m.body, m.meeting_date, m.place) == ("Välfärdsnämnden", "2022-09-15", "Stadshuset, stadsstyrelsens rum")
    by_number = {i.number: i for i in protocol.items}
    assert by_number[42].case_number == "NKBY/497/12.03.01/2022"
    assert by_number[44].case_number == "NKBY/482/01.01.01.07/2022"
    assert by_number[44].title == "Rekrytering av välfärdschef"
    assert by_number[39].case_number is None
    present = [(a.name, a.kind, a.role) for a in m.attendees if a.kind in ("ledamot", "ersattare")]
    assert present == [
        ("Lindvall Mikael", "ledamot", "ordförande"),
        ("Backman Tua", "ledamot", None),
        ("Bjarnadottir Unnur", "ledamot", None),
        ("Hellsten Jean", "ledamot", "viceordförande (distans)"),
        ("Rögård Linda", "ersattare", None),
        ("Kengo Anna", "ledamot", None),
        ("Norrbygård Johanna", "ledamot", None),
    ]


@pytest.mark.corpus
def test_goteborg_texts_items_and_case_numbers() -> None:
    files = corpus_files(CORPUS_TXT, "goteborg_*.txt")
    for f in files:
        protocol = segment(extract(f, options=NO_OCR))
        assert [i.number for i in protocol.items] == wanted("txt", f.name), f.name
        assert all(i.title for i in protocol.items), f.name
    ks = segment(extract(CORPUS_TXT / "goteborg_ks-2024-08-28.txt"))
    first = ks.items[1]
    assert (first.number, first.case_number, first.title) == (
        601,
        "SLK-2024-00536",
        "Hemställan från Bostads AB Poseidon om fusion av Bostads AB Poseidon och Fastighets AB Sannegården 26:1",
    )
    assert [s.kind for s in first.sections] == ["beslut", "beslutsunderlag", "expedieras_till"]
    assert first.recipients == ["KF Handling 2024 nr 140"]

"""Boxes (issue 14): where each stored value stands on its page, and the verbatim check.

The verbatim check reads the rows back from a real database and the words back from the PDF:
the words inside a row's boxes, joined, must contain the row's value (whitespace and the hyphens
of words split at a line end ignored), so that no box, and no stored text, is invented.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline import boxes, load
from pipeline.boxes import squash
from pipeline.cli import main
from pipeline.db import make_engine, migrate
from pipeline.decide import decide
from pipeline.extract import ExtractOptions, extract
from pipeline.ocr import ocr_available
from pipeline.segment import segment
from pipeline.tag import tag_protocol
from pipeline.types import ExtractedDocument, Page, Protocol

from .conftest import BJORKVIK_PDF, CORPUS_PDF, FIXTURES, RAW, SEED_PDF, SHARED, corpus_files

LEFT = 62.0  # scripts/make_samples.py: the left margin every heading of the samples starts at
NO_OCR = ExtractOptions(ocr=False)


def stages(pdf: Path, nlp: Any, options: ExtractOptions | None = None) -> tuple[ExtractedDocument, Protocol]:
    doc = extract(pdf, options=options)
    return doc, tag_protocol(decide(segment(doc)), nlp)


def words_in(page: Page, box: list[float]) -> list[str]:
    """The words of ``page`` whose centre lies inside ``box``, in the page's order."""
    _, x0, y0, x1, y1 = box
    return [w.text for w in page.words
            if x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.top + w.bottom) / 2 <= y1]


def text_at(doc: ExtractedDocument, found: list[list[float]]) -> str:
    return " ".join(" ".join(words_in(doc.pages[int(b[0]) - 1], b)) for b in found)


# ---------------------------------------------------------------- one known box, reasoned from the PDF


def test_seed_item_76_heading_box(nlp_blank: Any) -> None:
    doc, protocol = stages(SEED_PDF, nlp_blank)
    stats = boxes.add_boxes(protocol, doc)
    # § 76 is the one item of the seed; its heading is set at the left margin of page 2 and wraps
    # once: the second line lies one leading (15 pt) lower
    assert protocol.items[0].number == 76
    first, second = protocol.boxes["item/0"]
    assert first == [2, LEFT, 145.48, 431.44, 157.48]
    assert second == [2, LEFT, 160.48, 211.39, 172.48]
    assert text_at(doc, [first, second]) == (
        "§ 76 Genomförande av fullmäktigeuppdragen tilldelade regionala utvecklingsnämnden 2023")
    assert protocol.items[0].title == "Genomförande av fullmäktigeuppdragen tilldelade regionala utvecklingsnämnden 2023"
    assert stats.unlocated == 0
    assert stats.wanted == Counter(attendee=9, cover_entity=18, entity=46, item=1, proposal=2, recipient=4, section=6)


def test_a_value_spanning_two_lines_has_the_second_in_boxes(tmp_path: Path, nlp_blank: Any) -> None:
    doc, protocol = stages(SEED_PDF, nlp_blank)
    boxes.add_boxes(protocol, doc)
    engine = make_engine(str(tmp_path / "p.db"))
    migrate(engine)
    assert load.save(engine, protocol) == "inserted"
    with sqlite3.connect(tmp_path / "p.db") as conn:
        row = conn.execute("SELECT page, x0, y0, x1, y1, boxes FROM items WHERE number = 76").fetchone()
        one_line = conn.execute("SELECT page, page_start, x0, y0, x1, y1, boxes FROM sections "
                                "WHERE heading = 'Beslut'").fetchone()
    assert row == (2, LEFT, 145.48, 431.44, 157.48, "[[2, 62.0, 160.48, 211.39, 172.48]]")
    # the heading Beslut: one line at the margin of the page its section starts on, 11 pt high
    assert one_line == (7, 7, LEFT, 681.28, 95.62, 692.28, None)


# ---------------------------------------------------------------- boxes change nothing else


def _rows_without_boxes(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows without the box columns and the import time."""
    skip = {"x0", "y0", "x1", "y1", "boxes", "ingested_at", "seen_at", "applied_at"}
    out = {}
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'")]
        for t in tables:
            cols = [c[1] for c in conn.execute(f"PRAGMA table_info({t})") if c[1] not in skip]
            if t in db_boxed_with_page() and "page" in cols:
                cols.remove("page")  # the box's page: the one new value of these tables
            out[t] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
    return out


def db_boxed_with_page() -> set[str]:
    from pipeline.db import BOXED_TABLES

    return {t for t, page in BOXED_TABLES.items() if page}


@pytest.mark.parametrize("pdf", [SEED_PDF, BJORKVIK_PDF], ids=lambda p: p.stem)
def test_computing_boxes_changes_no_other_value(pdf: Path, tmp_path: Path, nlp_blank: Any) -> None:
    doc, protocol = stages(pdf, nlp_blank)
    without = copy.deepcopy(protocol)
    boxes.add_boxes(protocol, doc)
    assert protocol.boxes and not without.boxes
    assert {**protocol.to_dict(), "boxes": {}} == without.to_dict()
    for name, p in (("with", protocol), ("without", without)):
        engine = make_engine(str(tmp_path / f"{name}.db"))
        migrate(engine)
        load.save(engine, p)
        engine.dispose()
    with_rows, without_rows = _rows_without_boxes(tmp_path / "with.db"), _rows_without_boxes(tmp_path / "without.db")
    assert with_rows == without_rows
    with sqlite3.connect(tmp_path / "without.db") as conn:
        assert conn.execute("SELECT count(*) FROM entities WHERE x0 IS NOT NULL OR boxes IS NOT NULL").fetchone() == (0,)


# ---------------------------------------------------------------- what cannot be found gets no box


def test_a_value_not_on_its_page_gets_no_box_and_is_counted(nlp_blank: Any, caplog: pytest.LogCaptureFixture) -> None:
    doc, protocol = stages(SEED_PDF, nlp_blank)
    protocol.meeting.attendees[1].name = "Ingen Sådan Person"
    protocol.items[0].sections[0].entities[0].text = "påhittad"  # its offsets point at other words
    with caplog.at_level(logging.INFO, logger="pipeline.boxes"):
        stats = boxes.add_boxes(protocol, doc)
    assert "attendee/1" not in protocol.boxes and "attendee/0" in protocol.boxes
    assert "entity/0/0/0" not in protocol.boxes and "entity/0/0/1" in protocol.boxes
    assert stats.unlocated == 2 and stats.found["attendee"] == 8
    assert caplog.messages == [
        f"{protocol.path}: 2 of 86 values not located on their page (attendee 1, entity 1)"]


def test_a_text_input_has_no_positions_and_no_boxes(tmp_path: Path, nlp_blank: Any) -> None:
    txt = tmp_path / "kort.txt"
    txt.write_text("Kommunstyrelsen\nProtokoll 2024-03-12\n\n§ 1 Val av justerare\n\nBeslut\n\n"
                   "Kommunstyrelsen utser Anna Berg (S) att justera protokollet.\n", encoding="utf-8")
    doc, protocol = stages(txt, nlp_blank)
    stats = boxes.add_boxes(protocol, doc)
    assert protocol.boxes == {}
    assert stats.wanted["item"] == 1 and sum(stats.found.values()) == 0


# ---------------------------------------------------------------- the verbatim check over samples and corpus

# (table, value column, whether its page column is its own) for the values whose text is checked
VALUES = [
    ("items", "title"), ("sections", "heading"), ("entities", "text"), ("cover_entities", "text"),
    ("attendees", "name"), ("recipients", "name"), ("proposals", "person"),
]


def verbatim(db: Path, docs: dict[str, ExtractedDocument]) -> tuple[Counter[str], Counter[str], list[str]]:
    """(values per kind, values located, values whose box does not hold them) of every document in ``db``."""
    wanted: Counter[str] = Counter()
    located: Counter[str] = Counter()
    wrong: list[str] = []
    with sqlite3.connect(db) as conn:
        for table, column in VALUES:
            doc_of = {
                "items": "SELECT d.path, t.{c}, t.page, t.x0, t.y0, t.x1, t.y1, t.boxes FROM items t "
                         "JOIN meetings m ON m.id = t.meeting_id JOIN documents d ON d.id = m.document_id",
                "cover_entities": "SELECT d.path, t.{c}, t.page, t.x0, t.y0, t.x1, t.y1, t.boxes FROM cover_entities t "
                                  "JOIN meetings m ON m.id = t.meeting_id JOIN documents d ON d.id = m.document_id",
                "attendees": "SELECT d.path, t.{c}, t.page, t.x0, t.y0, t.x1, t.y1, t.boxes FROM attendees t "
                             "JOIN meetings m ON m.id = t.meeting_id JOIN documents d ON d.id = m.document_id",
            }.get(table, "SELECT d.path, t.{c}, t.page, t.x0, t.y0, t.x1, t.y1, t.boxes FROM {t} t "
                         "JOIN items i ON i.id = t.item_id JOIN meetings m ON m.id = i.meeting_id "
                         "JOIN documents d ON d.id = m.document_id")
            for path, value, page, x0, y0, x1, y1, more in conn.execute(doc_of.format(c=column, t=table)):
                if not value:
                    continue
                wanted[table] += 1
                if x0 is None:
                    continue
                located[table] += 1
                found = [[page, x0, y0, x1, y1], *json.loads(more or "[]")]
                words = text_at(docs[path], found)
                if squash(value) not in squash(words):
                    wrong.append(f"{Path(path).name}: {table}.{column} {value!r} at {found}: {words!r}")
    return wanted, located, wrong


def ingest_and_check(pdfs: list[Path], tmp_path: Path, options: ExtractOptions | None, extra: list[str]
                     ) -> dict[str, float]:
    db = tmp_path / "protocols.db"
    result = CliRunner().invoke(main, ["--quiet", "ingest", "--no-stage-files", "--jobs", "1", "--db", str(db),
                                       "--model", "blank", *extra, *map(str, pdfs)])
    assert result.exit_code == 0, result.output
    docs = {str(p.resolve()): extract(p, options=options) for p in pdfs}
    wanted, located, wrong = verbatim(db, docs)
    assert wrong == []
    fractions = {t: round(located[t] / wanted[t], 3) for t in sorted(wanted)}
    print("located fraction per value kind:", fractions)  # shown with -s or -rA
    return fractions


def test_verbatim_samples(tmp_path: Path) -> None:
    pdfs = sorted(RAW.glob("*.pdf"))
    fractions = ingest_and_check(pdfs, tmp_path, None, [])
    assert fractions == {t: 1.0 for t, _ in VALUES}


@pytest.mark.corpus
@pytest.mark.slow
def test_verbatim_corpus_pdf(tmp_path: Path) -> None:
    pdfs = corpus_files(CORPUS_PDF, "*.pdf")
    fractions = ingest_and_check(pdfs, tmp_path, NO_OCR, ["--no-ocr"])
    assert min(fractions.values()) >= 0.95, fractions


@pytest.mark.corpus
def test_verbatim_corpus_rendered(tmp_path: Path) -> None:
    pdfs = corpus_files(SHARED / "corpus" / "pdf-rendered", "*.pdf")
    fractions = ingest_and_check(pdfs, tmp_path, None, [])
    assert min(fractions.values()) >= 0.95, fractions


@pytest.mark.ocr
@pytest.mark.skipif(not ocr_available(), reason="tesseract-ocr with Swedish data is not installed")
def test_verbatim_ocr_page_uses_tesseract_word_boxes(tmp_path: Path) -> None:
    # a scanned page has no text layer: its words, and so its boxes, are Tesseract's
    pdf = FIXTURES / "scanned-protocol-page.pdf"
    doc = extract(pdf)
    assert [p.ocr for p in doc.pages] == [True]
    fractions = ingest_and_check([pdf], tmp_path, None, [])
    assert fractions == {"cover_entities": 1.0, "entities": 1.0, "items": 1.0, "proposals": 1.0, "sections": 1.0}

"""The fast paths give what the slow ones gave (issue 15): equivalence, not timings.

* the one-pass character reader of the pdfium backend against the general two-pass one;
* a page with rotated text leaves the fast path for the general one;
* a text line joined as whole words against the letter-by-letter join;
* stage files written compactly, piece by piece, read back as before (and older forms too);
* tagging in small batches, each Doc dropped when read, gives the same entities;
* an unchanged re-run decides every file with one query, however many files there are;
* dates read without dateparser are the dates dateparser reads;
* one tag stream over several protocols gives each the entities it gets alone, and the listed
  places found by string hashes are those a walk over every token finds;
* the writer inserts a document's items and sections one statement per table, rows in order;
* small files go to a worker in batches, each file keeping its own result;
* an entity's page found by binary search is ``Protocol.page_at``'s, and the rules given the text
  a Doc was made from find what they find in ``doc.text`` (tests/test_values_scan.py: the value
  and party patterns written for re's fast scan match as their plain forms).
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

from pipeline import db, ingest, load, pdfium_backend, tag, values
from pipeline.cli import main
from pipeline.extract import ExtractOptions, extract
from pipeline.ingest import StageStore, Task, find_inputs, plan, read_stage_file
from pipeline.segment import segment
from pipeline.tag import build_nlp, tag_protocol
from pipeline.types import Failure, Protocol

from .conftest import CORPUS_PDF, CORPUS_TXT, FIXTURES, RAW, ROOT, corpus_files, raw_pdf

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


def test_plain_dates_are_what_dateparser_reads() -> None:
    """Every day of every month in the three forms of ``DATE_RES``, with and without a year and an anchor."""
    cases: list[tuple[str, str | None]] = []
    for month, name in enumerate(values.MONTHS, start=1):
        for day in range(1, 32):
            cases += [(f"{day} {name}", "2023-05-12"), (f"{day} {name.capitalize()}", "2024-02-29"),
                      (f"{day} {name} 2024", None), (f"2024-{month:02d}-{day:02d}", None), (f"{day}.{month}.2023", "2024-01-01")]
    cases += [("5 sept", "2022-01-01"), ("5 Sept 2023", None)]
    read = [(text, anchor, values._plain_date(text, anchor)) for text, anchor in cases]
    assert sum(iso is not None for _, _, iso in read) == 3 * 366 + 2 * 365 + 2  # 2024 is a leap year, 2023 not
    assert [(t, a, iso) for t, a, iso in read if iso is not None and iso != values._dateparser_date(t, a)] == []
    # no such day: left to dateparser, which has its own answer for a 29 februari with no year
    assert [values._plain_date(t, "2023-05-12") for t in ("29 februari", "30 februari 2024", "31 juni", "2023-02-29")] == [None] * 4
    assert values.parse_date("29 februari", "2023-05-12") == values._dateparser_date("29 februari", "2023-05-12")
    assert values._plain_date("15 juni", None) is None and values.parse_date("15 juni", None) is None


@pytest.fixture(scope="module")
def tag_nlp() -> Any:
    """The trained model when it is there (model entities decide where a listed place may go), else the rules."""
    return build_nlp(str(MODEL) if MODEL.is_dir() else "blank")


def decided(paths: list[Path]) -> list[Protocol]:
    return [segment(extract(p, options=ExtractOptions(ocr=False))) for p in paths]


def test_one_stream_tags_each_protocol_as_alone(tag_nlp: Any) -> None:
    alone = [tag_protocol(p, tag_nlp) for p in decided(SAMPLES)]
    fresh = decided(SAMPLES)
    streamed = list(tag.tag(iter(fresh), tag_nlp, batch_size=3))  # batches run across the documents
    assert [p.path for p in streamed] == [p.path for p in alone]
    assert all(p.tagged for p in streamed)
    assert [entities(p) for p in streamed] == [entities(p) for p in alone]
    assert [[(a.name, a.norm) for a in p.meeting.attendees] for p in streamed] == \
        [[(a.name, a.norm) for a in p.meeting.attendees] for p in alone]
    assert sum(len(e) for p in alone for e in entities(p)) > 50


def places_by_walking(doc: Any, index: dict[str, list[tuple[str, ...]]]) -> list[tuple[int, int]]:
    """``tag.listed_places`` as it was: a look at every token that is not white space."""
    words_at = [t for t in doc if not t.is_space]
    ents = list(doc.ents)
    out: list[tuple[int, int]] = []
    p = 0
    while p < len(words_at):
        text = words_at[p].text
        candidates = (index.get(text) or index.get(text[:-1])) if text[:1].isupper() else None
        match = None
        for words in candidates or ():
            q = p + len(words)
            if q > len(words_at):
                continue
            start, end = words_at[p].i, words_at[q - 1].i + 1
            *head, last = words
            if (all(words_at[p + k].text == w for k, w in enumerate(head))
                    and words_at[q - 1].text in (last, last + "s")
                    and tag._free_or_exact_model_span(ents, start, end)):
                match = (start, end, q)
                break
        if match is None:
            p += 1
        else:
            out.append(match[:2])
            p = match[2]
    return out


def test_listed_places_found_by_hashes_equal_a_walk_over_every_token(tag_nlp: Any) -> None:
    texts = [p.read_text(encoding="utf-8") for p in corpus_files(CORPUS_TXT, "*.txt")]
    chunks = [chunk for text in texts for chunk in text.split("\n\n") if chunk.strip()]
    chunks += ["Mötet hölls i Gamla Ullevi och Mjörns strand, sedan i Scandinaviums foajé.", "Lomma\n\nLommas"]
    index = tag.places_index()
    found = walked = 0
    with tag_nlp.select_pipes(disable=[tag.RULES]):  # the Docs as the rules get them: model entities only
        docs = list(tag_nlp.pipe(chunks, batch_size=64))
    for doc in docs:
        fast = [(s.start, s.end) for s in tag.listed_places(doc, index)]
        assert fast == places_by_walking(doc, index), doc.text[:200]
        found += len(fast)
        walked += 1
    assert walked == len(chunks) and found > 20


def test_items_and_sections_are_written_one_statement_a_table(db_url: str) -> None:
    protocol = tag_protocol(decided([RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"])[0], build_nlp("blank"))
    sections = [(item.number, s.position, s.heading) for item in protocol.items for s in item.sections]
    assert len(protocol.items) == 5 and len(sections) == 25
    engine = db.make_engine(db_url)
    db.migrate(engine)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        assert load.save(engine, protocol) == "inserted"
        with engine.connect() as conn:
            rows = conn.execute(sa.select(db.items.c.number, db.sections.c.position, db.sections.c.heading)
                                .join_from(db.sections, db.items).order_by(db.sections.c.id)).all()
            entity_rows = conn.execute(sa.select(sa.func.count()).select_from(db.entities)).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == sections
    assert entity_rows == sum(len(s.entities) for item in protocol.items for s in item.sections) > 0
    for table in ("items", "sections"):
        inserts = [q for q in statements if q.startswith(f"INSERT INTO {table} ")]
        # one statement for all items (sections): a row of values each where the driver returns the ids in
        # order (PostgreSQL); on SQLite one executemany with the ids given by the writer (db.insert_ids)
        assert len(inserts) == 1


def test_small_files_go_to_a_worker_in_batches() -> None:
    small = [Task(Path(f"/in/{k:03d}.pdf"), f"/in/{k:03d}.pdf", f"{k:03d}.pdf", size=10_000) for k in range(100)]
    queue = list(reversed(small))
    assert [t.key for t in ingest._next_batch(queue, jobs=2)] == [f"/in/{k:03d}.pdf" for k in range(6)]  # 100 // 16
    assert len(queue) == 94
    big = Task(Path("/in/big.pdf"), "/in/big.pdf", "big.pdf", size=ingest.BATCH_BYTES)
    queue = [*reversed(small[:50]), big]
    assert ingest._next_batch(queue, jobs=1) == [big]  # a file of BATCH_BYTES goes alone
    assert len(ingest._next_batch(queue, jobs=1)) == 6  # 50 // 8: eight batches a worker
    many = [Task(Path(f"/in/{k}.pdf"), f"/in/{k}.pdf", f"{k}.pdf", size=10_000) for k in range(1000)]
    assert len(ingest._next_batch(many, jobs=2)) == ingest.BATCH_DOCS
    larger = [Task(Path(f"/in/{k}.pdf"), f"/in/{k}.pdf", f"{k}.pdf", size=100_000) for k in range(1000)]
    assert len(ingest._next_batch(larger, jobs=2)) == 2  # 3 x 100,000 bytes > BATCH_BYTES
    assert [len(ingest._next_batch(list(reversed(small[:15])), jobs=1))] == [1]  # few files: one each


def test_a_batch_keeps_each_files_result(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a pdf")
    files = [RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf", broken, FIXTURES / "minimal-protocol.pdf"]
    nlp = build_nlp("blank")
    batch = ingest.process_many([(p, p.name) for p in files], lambda: nlp, StageStore(tmp_path / "p"))
    alone = [ingest.process(p, p.name, lambda: nlp, None) for p in files]
    assert [type(r) for r in batch] == [Protocol, Failure, Protocol]
    assert [r.path for r in batch] == [r.path for r in alone] == [p.name for p in files]
    assert [entities(r) for r in batch if isinstance(r, Protocol)] == [entities(r) for r in alone if isinstance(r, Protocol)]
    assert sorted(f.name.split(".")[0] for f in (tmp_path / "p" / "tag").iterdir()) == ["bjorkvik-kommunstyrelsen-2024-03-12", "broken", "minimal-protocol"]


def test_page_finder_answers_as_page_at() -> None:
    protocol = decided([RAW / "bjorkvik-kommunstyrelsen-2024-03-12.pdf"])[0]
    assert len(protocol.page_map) > 3
    maps = [
        protocol.page_map,
        [[3, 100, 200], [4, 200, 300], [5, 300, 400]],  # text before the first page: the first page
        [[1, 0, 50], [2, 50, 50], [3, 50, 90]],  # an empty page
        [[1, 0, 50], [3, 120, 200], [2, 50, 120]],  # out of order: page_at stops at the first start after the offset
        [[7, 40, 60]],
        [],
    ]
    for page_map in maps:
        protocol.page_map = page_map
        find = tag.page_finder(protocol)
        end = max((e for _p, _s, e in page_map), default=10)
        assert [find(k) for k in range(-2, end + 5)] == [protocol.page_at(k) for k in range(-2, end + 5)], page_map
    protocol.page_map = [[1, 0, 50], [3, 120, 200], [2, 50, 120]]
    assert [tag.page_finder(protocol)(k) for k in (0, 49, 50, 119, 120, 500)] == [1, 1, 1, 1, 2, 2]


def test_the_rules_read_the_text_a_doc_was_made_from_as_doc_text(nlp_blank: Any) -> None:
    """spaCy's tokenizer loses nothing, so ``doc._.source_text`` (set by ``tag``) is ``doc.text``; the rules find the same either way."""
    texts = [p.read_text(encoding="utf-8") for p in corpus_files(CORPUS_TXT, "*.txt")]
    chunks = [chunk for text in texts for chunk in text.split("\n\n")][:400]
    chunks += ["", "  \n", "Anna Berg (S)\u00a0yrkar 5 mkr\tden 3 juni.\r\n\n", "Mötet i Gamla Ullevi 2024-05-12 \u2028"]
    rules = nlp_blank.get_pipe(tag.RULES)
    found = 0
    for chunk in chunks:
        plain = nlp_blank.make_doc(chunk)
        assert plain.text == chunk
        given = nlp_blank.make_doc(chunk)
        given._.source_text = chunk
        for doc in (plain, given):
            doc._.anchor = "2024-03-12"
            rules(doc)
        assert [(e.start, e.end, e.label_, e._.party, e._.value_num, e._.value_date) for e in given.ents] == \
            [(e.start, e.end, e.label_, e._.party, e._.value_num, e._.value_date) for e in plain.ents]
        found += len(plain.ents)
    assert found > 50

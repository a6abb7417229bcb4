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

import itertools
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


# --- the array path's fast pieces (issue 15): each equal to the plain Python it stands in for


def test_round_cents_is_round_to_two_decimals() -> None:
    """``round_cents`` gives ``round(v, 2)`` bit for bit: halves to even on the exact binary value, the sign of
    a zero kept; ties, huge and non-finite values go to ``round`` itself; and on a million random values."""
    import math

    import numpy as np

    crafted = [0.125, 0.375, -0.125, 2.675, 1.005, 0.005, -0.001, 0.0, -0.0, 12.345, 99.995, 1e15 + 0.125,
               2.0 ** 52 + 1, 1e300, -1e300, math.inf, -math.inf]
    expected = [0.12, 0.38, -0.12, 2.67, 1.0, 0.01, -0.0, 0.0, -0.0, 12.35, 100.0, 1e15 + 0.12,
                2.0 ** 52 + 1, 1e300, -1e300, math.inf, -math.inf]
    got = pdfium_backend.round_cents(np.array(crafted)).tolist()
    assert [(v, math.copysign(1, v)) for v in got] == [(v, math.copysign(1, v)) for v in expected]
    assert math.isnan(pdfium_backend.round_cents(np.array([math.nan]))[0])
    rng = np.random.default_rng(15)
    values = np.concatenate([rng.uniform(-900, 900, 500_000), np.arange(-100_000, 100_000) / 200.0,
                             np.round(rng.uniform(0, 900, 300_000), 3)])
    reference = np.array([round(v, 2) for v in values.tolist()])
    assert np.array_equal(pdfium_backend.round_cents(values).view(np.int64), reference.view(np.int64))


def test_shared_is_share_per_value_and_keeps_zero_signs() -> None:
    """``_shared`` gives what ``share`` gives for every value, in order, cut into equal parts; a zero keeps
    its sign (the sharer of ``extract`` leaves zeros alone: 0.0 and -0.0 are equal keys)."""
    import math

    import numpy as np

    from pipeline.extract import _sharer

    values = [1.5, 2.25, -0.0, 1.5, 0.0, 2.25, -0.0, 7.0]
    parts = pdfium_backend._shared(np.array(values), _sharer(), 2)
    assert parts == [[1.5, 2.25, -0.0, 1.5], [0.0, 2.25, -0.0, 7.0]]
    assert [math.copysign(1, v) for v in parts[0] + parts[1]] == [math.copysign(1, v) for v in values]
    assert parts[0][0] is parts[0][3] and parts[0][1] is parts[1][1]  # one object per value


def test_runs_and_picked_equal_plain_python() -> None:
    """``_runs`` (slices of one joined string) and ``_picked`` give what a join per run and a list
    comprehension give, with texts of several letters (a ``(cid:NN)``, a ligature, "§\\0")."""
    import numpy as np

    texts = ["L", "a", "(cid:12)", "g", "fi", "§\x00", " ", "x", "y"]
    for bounds in ([0, 9], [0, 2, 3, 5, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]):
        assert pdfium_backend._runs(texts, bounds) == ["".join(texts[a:b]) for a, b in itertools.pairwise(bounds)]
    assert pdfium_backend._runs(list("abcde"), [0, 2, 5]) == ["ab", "cde"]
    for positions in ([], [4], [8, 0, 4, 4, 2]):
        assert pdfium_backend._picked(texts, np.array(positions, dtype=np.int64)) == [texts[k] for k in positions]


def test_put_back_spaces_inserts_copies_of_the_previous_glyph() -> None:
    """A space put back before a glyph (also two in a row) copies the previous glyph's top, bottom, size
    and boldness, runs from its end to the next one's start, and is blank; nothing else moves."""
    import numpy as np

    glyphs = pdfium_backend._Glyphs(
        ["a", "b", "c", "d"], np.array([0.0, 10.0, 20.0, 30.0]), np.array([5.0, 15.0, 25.0, 35.0]),
        np.array([1.0, 1.0, 1.0, 1.0]), np.array([9.0, 9.0, 9.5, 9.0]), np.array([8.0, 8.0, 8.5, 8.0]),
        np.array([False, True, False, True]), np.zeros(4, dtype=bool))
    pdfium_backend._put_back_spaces(glyphs, [1, 2, 3], {}, [7, 7, 7], [10.0, 10.0, 10.0])
    assert glyphs.texts == ["a", " ", "b", " ", "c", " ", "d"]
    assert glyphs.x0.tolist() == [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    assert glyphs.x1.tolist() == [5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]
    assert glyphs.bottom.tolist() == [9.0, 9.0, 9.0, 9.0, 9.5, 9.5, 9.0]
    assert glyphs.size.tolist() == [8.0, 8.0, 8.0, 8.0, 8.5, 8.5, 8.0]
    assert glyphs.bold.tolist() == [False, False, True, True, False, False, True]
    assert glyphs.blank.tolist() == [False, True, False, True, False, True, False]
    assert glyphs.top.tolist() == [1.0] * 7


def test_bare_calls_equal_typed_calls() -> None:
    """The PDFium calls without argument types (``_bare``: the text page as a ready ``byref`` object from
    ``_address``, results written through ``_slots`` or ``byref``) give what pypdfium2's typed calls
    give, character by character."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as c

    api = pdfium_backend._api()
    pdf = pypdfium2.PdfDocument(SAMPLES[0].read_bytes())
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        count = c.FPDFText_CountChars(textpage)
        assert count > 100
        tp = pdfium_backend._address(ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0)
        buffer, starts, middles = pdfium_backend._slots(count)
        ox, oy, rect = ctypes.c_double(), ctypes.c_double(), c.FS_RECTF()
        bx, by, brect = ctypes.c_double(), ctypes.c_double(), c.FS_RECTF()  # as ``_fast_chars`` passes them
        for i in range(count):
            assert api.bare_object(tp, i) == (ctypes.cast(c.FPDFText_GetTextObject(textpage, i), ctypes.c_void_p).value or 0)
            assert api.bare_generated(tp, i) == c.FPDFText_IsGenerated(textpage, i)
            assert api.bare_unicode(tp, i) == c.FPDFText_GetUnicode(textpage, i)
            assert api.bare_map_error(tp, i) == c.FPDFText_HasUnicodeMapError(textpage, i)
            assert api.bare_origin(tp, i, starts[i], middles[i]) == c.FPDFText_GetCharOrigin(textpage, i, ox, oy)
            assert buffer[2 * i:2 * i + 2].tolist() == [ox.value, oy.value]
            api.bare_origin(tp, i, ctypes.byref(bx), ctypes.byref(by))
            assert (bx.value, by.value) == (ox.value, oy.value)
        for i in range(count):
            assert api.bare_loose(tp, i, starts[i]) == c.FPDFText_GetLooseCharBox(textpage, i, rect)
            assert buffer[2 * i:2 * i + 2].view("float32").tolist() == [rect.left, rect.top, rect.right, rect.bottom]
            api.bare_loose(tp, i, ctypes.byref(brect))
            assert (brect.left, brect.top, brect.right, brect.bottom) == (rect.left, rect.top, rect.right, rect.bottom)
        textpage.close()
        page.close()
    finally:
        pdf.close()


def test_slots_grow_and_point_into_their_buffer() -> None:
    """``_slots`` gives pointer arguments to consecutive 16-byte slots of its buffer, growing it for a
    larger page: a PDFium call through the first and the last slots writes exactly there."""
    import ctypes

    import numpy as np
    import pypdfium2
    import pypdfium2.raw as c

    buffer, starts, middles = pdfium_backend._slots(10)
    assert len(starts) == len(middles) >= 10
    buffer, starts, middles = pdfium_backend._slots(len(starts) + 1)
    assert len(starts) == len(middles) == buffer.size // 2
    api = pdfium_backend._api()
    pdf = pypdfium2.PdfDocument(SAMPLES[0].read_bytes())
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        assert c.FPDFText_GetCharOrigin(textpage, 5, ox, oy) and ox.value and oy.value
        tp = pdfium_backend._address(ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0)
        buffer[:] = 0.0
        for k in (0, 1, len(starts) - 1):
            assert api.bare_origin(tp, 5, starts[k], middles[k])
        written = np.flatnonzero(buffer).tolist()
        assert written == [0, 1, 2, 3, buffer.size - 2, buffer.size - 1]
        assert buffer[written].tolist() == [ox.value, oy.value] * 3
        textpage.close()
        page.close()
    finally:
        pdf.close()


def test_clusters_equal_cluster_ids() -> None:
    """``_clusters`` (one sort) numbers values as pdfplumber's clustering of the distinct values does: equal
    values, chains of near values (each within 3 pt of the last), both zeros, a single value."""
    import numpy as np

    for values in ([5.0], [10.0, 2.0, 4.0, 10.0, 13.5, 16.0, 2.0, 30.0, 0.0, -0.0, 33.0, 36.0, 39.1],
                   np.random.default_rng(3).uniform(0, 800, 3000).round(1).tolist()):
        ids = pdfium_backend._cluster_ids(set(values))
        assert pdfium_backend._clusters(np.array(values)).tolist() == [ids[v] for v in values]


def test_distinct_is_unique_with_index_and_inverse() -> None:
    """``_distinct`` (from the runs of equal values) gives ``np.unique``'s values, first places and inverse:
    a value in several runs, a single value, all distinct, long runs."""
    import numpy as np

    rng = np.random.default_rng(15)
    cases = [[7], [3, 3, 3], [5, 1, 5], [9, 9, 2, 2, 9, 1, 1, 1, 2], list(range(20, 0, -1)),
             np.repeat(rng.integers(0, 30, 200), rng.integers(1, 40, 200)).tolist()]
    for values in cases:
        array = np.array(values, dtype=np.uint64)
        expected = np.unique(array, return_index=True, return_inverse=True)
        found = pdfium_backend._distinct(array)
        for e, f in zip(expected, found, strict=True):
            assert f.tolist() == e.reshape(-1).tolist()


def _columns_by_info_of(textpage: Any, keys: Any, firsts: Any, fonts: dict[int, Any], ctm: tuple[float, ...]
                        ) -> tuple[list[int], Any, bool]:
    """What ``_object_columns`` stands for: ``_info_of`` of each object, its columns and flags."""
    import ctypes

    import numpy as np
    import pypdfium2.raw as c

    table = []
    for key, first in zip(keys.tolist(), firsts.tolist(), strict=True):
        obj = ctypes.cast(key, c.FPDF_PAGEOBJECT)
        font = c.FPDFTextObj_GetFont(obj)
        size, matrix = ctypes.c_float(), c.FS_MATRIX()
        c.FPDFTextObj_GetFontSize(obj, size)
        c.FPDFText_GetMatrix(textpage, first, matrix)
        table.append(pdfium_backend._info_of(pdfium_backend._font_info(font, fonts),
                                             ctypes.cast(font, ctypes.c_void_p).value or 0, size.value,
                                             (matrix.a, matrix.b, matrix.c, matrix.d), ctm))
    ok = all(i[3] and i[13] and i[14] for i in table)
    columns = np.array([[i[j] for i in table] for j in (2, 3, 5, 11, 12, 1)], dtype=np.float64)
    return [i[4] for i in table], columns, ok


def test_object_columns_are_info_of_per_object() -> None:
    """``_object_columns`` gives bit for bit the values ``_info_of`` gives each text object (same float64
    operations on arrays), on upright pages of the samples and the corpus, and declines a rotated page."""
    import ctypes

    import numpy as np
    import pypdfium2
    import pypdfium2.raw as c

    api = pdfium_backend._api()
    checked = declined = 0
    for path in [*SAMPLES, *corpus_files(CORPUS_PDF, "*.pdf")]:
        pdf = pypdfium2.PdfDocument(path.read_bytes())
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                _w, _h, ctm = pdfium_backend._page_frame(page)
                count = c.FPDFText_CountChars(textpage)
                tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
                objs = np.array([api.text_object(tp, i) or 0 for i in range(count)], dtype=np.uint64)
                shown = np.flatnonzero(objs)
                if shown.size:
                    keys, at, _where = pdfium_backend._distinct(objs[shown])
                    fonts: dict[int, Any] = {}
                    font_keys, columns, ok = _columns_by_info_of(textpage, keys, shown[at], fonts, ctm)
                    try:
                        found = pdfium_backend._object_columns(textpage, keys, shown[at], fonts, ctm)
                    except pdfium_backend._Declined:
                        assert not ok
                        declined += 1
                    else:
                        assert ok and found[0] == font_keys
                        assert found[1].tobytes() == columns.tobytes()  # the same bits, signs of zeros included
                        checked += 1
                textpage.close()
                page.close()
        finally:
            pdf.close()
    assert checked > 50 and declined > 0


def test_learn_spaces_keeps_the_first_real_space_of_each_font() -> None:
    """``_learn_spaces`` (the first space of each font only) leaves ``spaces`` as the loop over every
    space did: fonts shared by several objects, fonts already known, zero advances and sizes skipped."""
    import numpy as np

    def plain(spaces: dict[int, float], space: Any, adv: Any, fs: Any, where: Any, font_keys: list[int]) -> None:
        for k in np.flatnonzero(space & (adv != 0) & (fs > 0)).tolist():
            font_key = font_keys[int(where[k])]
            if font_key not in spaces:
                spaces[font_key] = float(adv[k]) / float(fs[k])

    rng = np.random.default_rng(4)
    for _ in range(300):
        n, objects = int(rng.integers(1, 60)), int(rng.integers(1, 6))
        font_keys = [int(k) for k in rng.choice([11, 12, 13, 2**63 + 5], objects)]
        where = rng.integers(0, objects, n)
        space = rng.random(n) < 0.4
        adv = rng.choice([0.0, 2.5, 3.0, 3.3333], n)
        fs = rng.choice([0.0, 9.0, 10.0, 11.5], n)
        known = {12: 0.3} if rng.random() < 0.5 else {}
        expected, found = dict(known), dict(known)
        plain(expected, space, adv, fs, where, font_keys)
        pdfium_backend._learn_spaces(found, space, adv, fs, where, font_keys)
        assert found == expected

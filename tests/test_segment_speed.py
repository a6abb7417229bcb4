"""Issue 15 (speed): the fast paths of segment, decide and boxes give what the plain ones gave.

Each fast path is held to the plain computation it replaced (written out here) on crafted inputs
with exact expected values, and on real protocols where the inputs are the stage's own.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import pytest

from pipeline import boxes, segment, tables
from pipeline.decisions import actors, stances, text
from pipeline.extract import ExtractOptions, extract
from pipeline.types import ExtractedDocument, Page, PageSpan, Section, Word

from .conftest import BJORKVIK_PDF, CORPUS_TXT, FIXTURES, SEED_PDF, corpus_files

NO_OCR = ExtractOptions(ocr=False)


def _doc(body: str, spans: list[PageSpan], words: list[list[str]] | None = None) -> ExtractedDocument:
    pages = [Page(n + 1, 595.0, 842.0, 0, True,
                  words=[Word(w, 10.0 * i, 10.0, 10.0 * i + 8.0, 20.0) for i, w in enumerate(ws)])
             for n, ws in enumerate(words or [[] for _ in spans])]
    return ExtractedDocument("t.pdf", "0" * 64, 0, len(pages), body, spans, pages)


# ---------------------------------------------------------------- boxes


NOISY_WORDS = ["-", "Kom-", "mun\u00adstyrelsen", "", " ", "2023-05-12", "\x07", "§", "76", "x\ty", "--"]


def test_words_squashed_at_once_equal_one_by_one() -> None:
    assert boxes._squashed_each(NOISY_WORDS) == [boxes.squash(t) for t in NOISY_WORDS]
    assert boxes._squashed_each(NOISY_WORDS) == ["", "Kom", "munstyrelsen", "", "", "20230512", "", "§", "76", "xy", ""]
    # a word holding the separator takes the plain way, with the same answer
    odd = ["a\uffffb", "c-d"]
    assert boxes._squashed_each(odd) == ["a\uffffb", "cd"]
    assert boxes._squashed_each([]) == []


def test_page_word_owner_equals_the_list_of_owners() -> None:
    for words in (NOISY_WORDS, ["-", "-", "Ab", "-", "c", "-"], ["abc"]):
        page = Page(1, 595.0, 842.0, 0, True, words=[Word(w, 0.0, 0.0, 1.0, 1.0) for w in words])
        pw = boxes._PageWords(page)
        plain = [i for i, w in enumerate(words) for _ch in boxes.squash(w)]  # the owner list it replaced
        assert pw.text == "".join(boxes.squash(w) for w in words)
        assert [pw.owner(at) for at in range(len(pw.text))] == plain
    pw = boxes._PageWords(Page(1, 595.0, 842.0, 0, True, words=[Word(w, 0.0, 0.0, 1.0, 1.0) for w in ["-", "Ab", "-", "c"]]))
    assert pw.find("Abc", 0) == (1, 3) and pw.find("b", 0) == (1, 1) and pw.find("c", 0) == (3, 3)


BODY = "§ 76  Kom-\nmunstyrelsen\x0c beslutar\n\n– att\u00ad anta  2023-05-12."


def test_squashed_text_of_a_range_equals_squash_of_the_slice() -> None:
    loc = boxes.Locator(_doc(BODY, [PageSpan(1, 0, 24), PageSpan(2, 25, len(BODY))]))
    assert loc.squashed == boxes.squash(BODY)
    assert loc.squashed_offsets == [i for i, ch in enumerate(BODY) if not boxes.NOISE_RE.match(ch)]
    for a in range(-3, len(BODY) + 3):
        for b in range(-3, len(BODY) + 3):
            assert loc._squashed_text(a, b) == boxes.squash(BODY[a:b]), (a, b)
    assert loc._squashed_text(0, 12) == "§76Komm"


def _plain_parts(doc: ExtractedDocument, start: int, end: int) -> list[tuple[int, int, int, int]]:
    return [(s.page, max(start, s.start), min(end, s.end), s.start) for s in doc.spans
            if max(start, s.start) < min(end, s.end)]


@pytest.mark.parametrize("spans", [
    [PageSpan(1, 0, 10), PageSpan(2, 12, 12), PageSpan(3, 12, 30), PageSpan(4, 32, 50)],  # in order, one empty
    [PageSpan(2, 20, 40), PageSpan(1, 0, 22), PageSpan(3, 41, 50)],  # out of order and overlapping: plain scan
])
def test_parts_of_a_range_equal_a_scan_over_every_span(spans: list[PageSpan]) -> None:
    loc = boxes.Locator(_doc("x" * 50, spans))
    for a in range(-2, 53):
        for b in range(a - 2, 54):
            assert list(loc._parts(a, b)) == _plain_parts(loc.doc, a, b), (a, b)
    if spans[0].page == 1:
        assert list(loc._parts(5, 35)) == [(1, 5, 10, 0), (3, 12, 30, 12), (4, 32, 35, 32)]


def test_noise_code_points_are_what_noise_re_removes() -> None:
    removed = {c for c in range(sys.maxunicode + 1) if boxes.NOISE_RE.match(chr(c))}
    assert removed == set(range(0x21)) | {0x2D, 0x7F, 0xAD} | set(boxes.WIDE_SPACES.tolist())


def test_squashed_with_offsets_on_wide_spaces_and_surrogates() -> None:
    odd = "a\u2003b\ud800-c\u00a0\u3000d\x85e"
    assert boxes._squashed_with_offsets(odd) == (boxes.squash(odd), [0, 2, 3, 5, 8, 10])
    assert boxes.squash(odd) == "ab\ud800cde"
    assert boxes._squashed_with_offsets("") == ("", [])
    assert boxes._squashed_with_offsets(" - ") == ("", [])


def test_checked_entity_range() -> None:
    loc = boxes.Locator(_doc(BODY, [PageSpan(1, 0, len(BODY))]))
    assert loc.checked("Kommun-styrelsen", 6, 23) == (6, 23)
    assert loc.checked("Kommunstyrelsen", 6, 22) is None  # one letter short in the text
    assert loc.checked("- -", 6, 22) is None  # nothing left to compare


# ---------------------------------------------------------------- member tables


def _header_pages(doc: ExtractedDocument) -> list[bool]:
    return [any(tables._header(ln) is not None for ln in tables._page_lines(doc, i)) for i in range(len(doc.pages))]


def test_a_page_skipped_for_its_words_holds_no_header() -> None:
    docs = [extract(p, options=NO_OCR) for p in (FIXTURES / "vote-table-x-marks.pdf", BJORKVIK_PDF, SEED_PDF)]
    docs += [extract(p) for p in corpus_files(CORPUS_TXT, "*.txt")[:4]]
    headers = skipped = 0
    for doc in docs:
        for i, has_header in enumerate(_header_pages(doc)):
            may = tables._may_hold_header(doc, i)
            assert may or not has_header, (doc.path, i)
            headers += has_header
            skipped += not may
    assert headers >= 3 and skipped > headers  # both kinds of pages were seen


def test_member_tables_equal_with_every_page_read(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [extract(p, options=NO_OCR) for p in (FIXTURES / "vote-table-x-marks.pdf", BJORKVIK_PDF)]
    docs += [extract(p) for p in corpus_files(CORPUS_TXT, "*.txt")[:4]]
    fast = [[t.to_dict() for t in tables.member_tables(d)] for d in docs]
    monkeypatch.setattr(tables, "_may_hold_header", lambda doc, index: True)
    assert [[t.to_dict() for t in tables.member_tables(d)] for d in docs] == fast
    assert sum(map(len, fast)) >= 2


def test_header_words_decide_whether_a_page_is_read() -> None:
    def page(words: list[str]) -> ExtractedDocument:
        return _doc(" ".join(words), [PageSpan(1, 0, len(" ".join(words)))], [words])

    assert tables._may_hold_header(page(["Ledamot", "Ja:", "NEJ", "Avstår"]), 0)
    assert not tables._may_hold_header(page(["Ledamot", "Ja", "Avstår"]), 0)  # no Nej: no X-mark header
    assert tables._may_hold_header(page(["Namn", "Parti", "Röst"]), 0)
    assert not tables._may_hold_header(page(["Ja-röster", "Nej-röster"]), 0)
    text = _doc("Ledamot  Ja  Nej\nAnna Berg  X", [PageSpan(1, 0, 28)])
    assert tables._may_hold_header(text, 0)  # a text page: its whitespace-separated words


# ---------------------------------------------------------------- segment


HEADINGS = ["Beslut", "Kommunstyrelsens beslut", "Förslag till beslut", "Ärendet", "Beslutet expedieras till",
            "Reservationer", "4. Stadsdirektörens förslag", "Jäv", "Yrkanden", "Omröstning - votering",
            "Kommunstyrelsen 12.3.2024, 45 §", "Beslutsunderlag:", "Information",
            "Enligt förvaltningens förslag", "Beslutet", "Det beslutades att anta", "Beslut.", "", "   ",
            "Protokollsanteckningar", "Anna Berg (S) yrkar bifall", "Ordförandens förslag till beslut"]


def _plain_section_kind(line: str) -> tuple[str, str] | None:
    heading = line.strip().rstrip(":").strip()
    if not heading or len(heading.split()) > segment.MAX_HEADING_WORDS or heading.endswith((".", ",")):
        return None
    heading = re.sub(r"^\d{1,2}\.\s+(?=[A-ZÅÄÖ])", "", heading)
    for kind, rx in segment.SECTION_PATTERNS:
        if rx.match(heading):
            return kind, heading
    return None


def test_section_kind_with_one_expression_first_equals_each_pattern_in_turn() -> None:
    assert segment.ANY_SECTION_RE.groups == 0
    found = {h: segment._section_kind(h) for h in HEADINGS}
    assert found == {h: _plain_section_kind(h) for h in HEADINGS}
    assert found["Kommunstyrelsens beslut"] == ("beslut", "Kommunstyrelsens beslut")
    assert found["4. Stadsdirektörens förslag"] == ("forslag_till_beslut", "Stadsdirektörens förslag")
    assert found["Kommunstyrelsen 12.3.2024, 45 §"] == ("handlaggning", "Kommunstyrelsen 12.3.2024, 45 §")
    assert found["Enligt förvaltningens förslag"] is None and found["Beslut."] is None
    line = segment.TextLine(0, 0, 6, "Beslut", True, False)
    assert line.section_kind == ("beslut", "Beslut")


def test_section_kind_on_real_lines_equals_each_pattern_in_turn() -> None:
    for path in corpus_files(CORPUS_TXT, "*.txt")[:3]:
        for ln in segment._lines(extract(path)):
            assert ln.section_kind == _plain_section_kind(ln.text), ln.text


TITLE = "redovisning av uppdrag om trygghetsskapande åtgärder i centrum"


@pytest.mark.parametrize("other", [
    TITLE, TITLE.upper(), "Redovisning av uppdrag om trygghetsskapande åtgärder", "Budget för år 2025 och plan",
    "redovisning av uppdrag om trygghet", "Detaljplan för del av Centrum 2:1", "kort", None,
])
def test_title_similarity_below_the_floor_stays_below_it(other: str | None) -> None:
    plain = segment._title_similarity(TITLE, other)
    fast = segment._title_similarity(TITLE, other, segment.TITLE_MATCH)
    assert fast == plain if plain >= segment.TITLE_MATCH else fast < segment.TITLE_MATCH
    a, b = TITLE, " ".join((other or "").lower().split())
    n = min(len(a), len(b))
    if n >= 20:
        matcher = difflib.SequenceMatcher(None, a[:n], b[:n])
        assert plain == matcher.ratio() <= matcher.quick_ratio()
        if plain < segment.TITLE_MATCH:
            assert fast == matcher.quick_ratio()  # the bound, counted as difflib counts it


def test_pages_of_lines_equal_page_at() -> None:
    doc = extract(SEED_PDF, options=NO_OCR)
    lines = segment._lines(doc)
    assert segment._line_pages(doc, lines) == [doc.page_at(ln.start) for ln in lines]
    assert set(segment._line_pages(doc, lines)) == set(range(1, 9))  # the seed has 8 pages
    doc.spans = []
    assert segment._line_pages(doc, lines[:3]) == [1, 1, 1]


# ---------------------------------------------------------------- decisions


STANCE_SENTENCES = [
    "Anna Berg (S) reserverar sig mot beslutet.", "Ledamöterna från SD reserverade oss till förmån för yrkandet.",
    "Erik Sandberg (C) lämnar en skriftlig reservation.", "Skriftlig reservation från SD, bilaga 2.",
    "Per Ek (M) vill ha antecknat till protokollet att ...", "Per Ek (M) ANTECKNAR följande till protokollet.",
    "Moderaterna deltar inte i beslutet.", "Lisa Lund (V) avstår från att delta i beslutet.",
    "Lisa Lund (V) anmäler en protokollsanteckning.", "KD lämnade ett särskilt yttrande.",
    "Olle Ås (L) önskar få till protokollet: text.", "Olle Ås (L) inkom med reservation.",
]


def test_every_stance_sentence_holds_a_stance_word() -> None:
    for sentence in STANCE_SENTENCES:
        for own in (True, False):
            accepted = stances._stance_head(strong_only=not own)(sentence)
            if accepted:
                assert stances._may_hold_stance(sentence), sentence
    for rx in (stances.STANCE_VERB_RE, stances.WRITTEN_RESERVATION_RE):
        for sentence in STANCE_SENTENCES:
            for m in rx.finditer(sentence):
                if m.group(0).strip(" ,"):
                    assert stances._may_hold_stance(m.group(0)), (m.group(0), sentence)
                    assert any(re.search(w, m.group(0), re.I) for w in stances.STANCE_WORDS), m.group(0)
    assert stances._stance_head(False)(STANCE_SENTENCES[0]) == ([("Anna Berg", "S")], "reservation")
    assert not stances._may_hold_stance("Kommunstyrelsen beslutar att anta förslaget. Anna Berg (S) yrkar bifall.")


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\"
        if ch == "(" and not escaped:
            depth += 1
        elif ch == ")" and not escaped:
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return parts + [pattern[start:]]


def test_each_stance_verb_names_a_stance_word() -> None:
    """A verb added to the stance patterns without one of STANCE_WORDS would be skipped: this says so."""
    alternatives = _top_level_alternatives(f"{stances.RESERVE_VERB}|{stances.NOTE_VERB}")
    assert len(alternatives) == 14
    for alternative in alternatives + [stances.WRITTEN_RESERVATION_RE.pattern]:
        assert any(word in alternative.lower() for word in stances.STANCE_WORDS), alternative


def test_stance_words_found_lower_cased_as_case_blind() -> None:
    """Every character ``re.IGNORECASE`` takes for a letter of the stance words lower-cases to it (``ſ``
    made an ``s``), so looking for the words in the lower-cased text misses no case-blind match."""
    letters = sorted(set("".join(stances.STANCE_WORDS)))
    any_letter = re.compile("[" + "".join(letters) + "]", re.IGNORECASE)
    for char in (chr(c) for c in range(sys.maxunicode + 1)):
        if any_letter.fullmatch(char):
            for letter in letters:
                if re.fullmatch(letter, char, re.IGNORECASE):
                    assert char.lower().replace("ſ", "s") == letter, (hex(ord(char)), letter)
    assert stances._may_hold_stance("RESERVERAR") and stances._may_hold_stance("reſerverar")
    assert stances._may_hold_stance("AVSTÅR") and stances._may_hold_stance("AVST\u212bR")  # the Ångström sign


def test_stances_equal_with_every_section_read(monkeypatch: pytest.MonkeyPatch) -> None:
    sections = [Section(1, kind, None, t, 1, 1, 0) for kind in ("reservation", "beslut") for t in STANCE_SENTENCES + [
        "Anna Berg (S) yrkar bifall.\nPer Ek (M) reserverar sig.", "Det antecknas att ärendet är utrett.", ""]]
    fast = [[s.to_dict() for s in stances.stances_in(sec, 5)] for sec in sections]
    monkeypatch.setattr(stances, "_may_hold_stance", lambda t: True)
    assert [[s.to_dict() for s in stances.stances_in(sec, 5)] for sec in sections] == fast
    assert fast[0] == [{"item_number": 5, "section_position": 1, "kind": "reservation", "person": "Anna Berg",
                        "party": "S", "text": "Anna Berg (S) reserverar sig mot beslutet."}]


UNITS_TEXT = "Beslut:\n  Anna Berg (S) yrkar bifall.  Per Ek (M) reserverar sig :  \n\n Fråga 2\nSlut.\t \n"


def test_after_colon_equals_the_stripped_prefix() -> None:
    for pos in range(len(UNITS_TEXT) + 1):
        assert actors._after_colon(UNITS_TEXT, pos) == UNITS_TEXT[:pos].rstrip().endswith(":"), pos


def test_unit_starts_end_before_trailing_whitespace() -> None:
    starts = text._unit_starts(UNITS_TEXT)
    assert all(UNITS_TEXT[s:].strip() for s in starts)
    # the line after "Beslut:", "Per" after a full stop, the (blank) line after one ending in ":", and
    # "Slut." after the short line "Fråga 2"
    assert starts == [0, 8, 39, 69, 79]


def test_leading_actors_from_an_offset() -> None:
    sentence = "Vidare yrkar ordföranden Anna Berg (S), och ledamöterna från M, L och KD bifall."
    assert actors.leading_actors(sentence, 13) == ([("Anna Berg", "S"), (None, "M"), (None, "L"), (None, "KD")], 72)
    assert actors.leading_actors(sentence, 0) == ([], 0)
    assert actors.leading_actors(sentence, len(sentence) + 3) == ([], len(sentence) + 3)


def test_noise_lines_in_one_expression_equal_each_in_turn() -> None:
    lines = ["Göteborgs Stad Kommunfullmäktige, protokoll", "4 (108)", "Sida 3 av 28", "Protokoll nr 21",
             "Sammanträdesdatum: 2024-03-12", "Justerandes sign", "utdragsbestyrkande", "-----",
             "Kommunstyrelsen", "Kommunstyrelsen beslutar", "§ 4", "Protokollet justeras"]
    assert text.NOISE_LINE_RE.groups == 0
    for line in lines:
        assert bool(text.NOISE_LINE_RE.match(line)) == any(rx.match(line) for rx in text.NOISE_LINE_RES), line
    assert text.clean_text("A\n4 (108)\nB\nKommunstyrelsen\nC", "kommunstyrelsen") == "A\nB\nC"


def test_recipients_equal_with_every_section_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = [extract(SEED_PDF, options=NO_OCR), extract(BJORKVIK_PDF, options=NO_OCR)]
    docs += [extract(p) for p in corpus_files(CORPUS_TXT, "*.txt")[:4]]
    items = [item for doc in docs for item in segment.segment(doc).items]
    fast = [segment.item_recipients(item.sections) for item in items]
    monkeypatch.setattr(segment, "SENT_TO_VERBS", ("",))  # every text holds "": no section is skipped
    assert [segment.item_recipients(item.sections) for item in items] == fast
    sections = [Section(1, "beslut", None, "Beslutet delges huvudförtroendeman för JHL och lönesekreterare E.N.", 1, 1, 0)]
    assert segment.item_recipients(sections) == ["huvudförtroendeman för JHL", "lönesekreterare E.N"]


def test_fixture_paths_exist() -> None:
    assert Path(FIXTURES / "vote-table-x-marks.pdf").exists()

"""Stage 2, segment: ``ExtractedDocument`` -> ``Protocol`` (meeting, items, typed sections).

Works on the text lines of the extracted document. The cover page (text
before the first item) and the removed running headers give the meeting:
organisation, body, date, place, declared paragraph range and attendance.
Item headings (``§ 76``, ``76 §``, ``KF § 29``) are candidates scored by how
much they look like a heading (paragraph start, bold, a case number next to
them); the items kept are the best-scoring strictly increasing sequence of
numbers, inside the range the cover page declares. That drops references in
running text (``KF § 261``), quoted clauses (``§10 Tvist``) and tables of
contents. Sections start at known headings; other lines stay in the section
they are in.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .decisions import extract_decisions
from .types import Attendee, ExtractedDocument, Item, Meeting, PageInfo, Protocol, Section
from .values import case_number, first_date, party_code, place_end
from .vocabulary import read_tsv

log = logging.getLogger(__name__)


@dataclass
class TextLine:
    """A line of the document text with its offsets and context."""

    index: int
    start: int
    end: int
    text: str
    para_start: bool  # first line of a paragraph (after a blank line or at the start)
    bold: bool


# Section headings: the whole line (an optional trailing colon aside) must match a pattern of
# pipeline/vocab/sections.tsv (shared with training/).
SECTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (row["kind"], re.compile(rf"^(?:{row['pattern']})$", re.IGNORECASE)) for row in read_tsv("sections.tsv")
]
MAX_HEADING_WORDS = 12

# Item headings: "§ 76 Title", "KF § 29", "§ 198 Ärendenummer SLK-2025-00144", "76 § Title"
ITEM_RES = (
    re.compile(r"^(?:(?P<prefix>[A-ZÅÄÖ]{1,5})\s+)?§\s?(?P<num>\d{1,4})(?![\d.,:/-])(?:\s+(?P<rest>.*))?$"),
    re.compile(r"^(?P<num>\d{1,4})\s?§(?:\s+(?P<rest>.*))?$"),
)
TOC_RE = re.compile(r"(?:\.\s?){4,}\s*\d*$|(?:\s{3,}|\t)\d+$")
TRAILER_RE = re.compile(
    r"^(?:anvisning för begäran om omprövning|besvärsanvisning|hur man överklagar|överklagandehänvisning)",
    re.IGNORECASE,
)
SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', ")")

# Cover page labels
BODY_WORD_RE = re.compile(
    r"(?:nämnd|styrelse|fullmäktige|utskott|sektion|beredning|delegation|råd|direktion|presidium)"
    r"(?:en|et|ens|ets|s|e|es|n|ns)?$",
    re.IGNORECASE,
)
ORG_RE = re.compile(
    r"^(?P<org>Region\s+[A-ZÅÄÖ][\wåäö-]+|[A-ZÅÄÖ][\wåäö-]+\s+(?:kommun|stad|Stad|läns landsting))"
    r"(?=$|\s+(?:Protokoll|Sammanträdesprotokoll|Sida|\d))"
)
ORG_BODY_RE = re.compile(
    r"^(?P<org>[A-ZÅÄÖ][\wåäö-]+\s+(?:Stad|stad|kommun)|Region\s+[A-ZÅÄÖ][\wåäö-]+)\s+"
    r"(?P<body>[A-ZÅÄÖ][\wåäö -]+?)(?:,\s*(?:protokoll|sammanträdesprotokoll))?$"
)
ATTENDANCE_LABELS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(rf"^(?:{rx})\b:?\s*", re.IGNORECASE), kind)
    for rx, kind in [
        (r"ej tjänstgörande ersättare|icke tjänstgörande ersättare", "ovrig"),
        (r"tjänstgörande ersättare|ersättare", "ersattare"),
        (r"beslutande ledamöter|beslutande|närvarande ledamöter|ordinarie ledamöter|ledamöter", "ledamot"),
        (r"övriga deltagare|övriga närvarande|övriga|närvarande tjänstemän|tjänstemän|närvarande", "ovrig"),
        (r"utses att justera|justerare", "justerare"),
        (
            r"justeringens plats och tid|justeringens tid|underskrifter|underskrift|justerande|paragrafer|ärenden|"
            r"sekreterare|ordförande|plats och tid|sammanträdesdatum|sammanträdestid|sammanträdesplats|"
            r"anslag|bevis|organ|datum|tid|plats|elektroniska|elektronisk|intygar|protokollet|"
            r"det justerade|dokumentet|anslaget|förvaringsplats|sammanträde",
            None,
        ),
    ]
]
NAME_TOKEN = r"[A-ZÅÄÖÉÜ][a-zåäöéüæøß'´]+(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüæøß]+)*"
NAME_RE = re.compile(rf"^{NAME_TOKEN}(?:\s+(?:(?:af|von|van|de|der|la|di)\s+)?{NAME_TOKEN}){{1,3}}$")
PERSON_LINE_RE = re.compile(
    r"^(?P<name>[^(),]+?),?\s*\((?P<party>[A-Za-zÅÄÖåäö]{1,4})\)\s*,?\s*(?P<rest>.*)$"
)
REPLACES_RE = re.compile(r"^ersätter\s+(?P<who>.+?)\s*$", re.IGNORECASE)
RANGE_RE = re.compile(
    r"(?m)^\s*(?:paragrafer|ärenden|paragraf|§§)\s*:?\s*(?:§§?\s*)?(?P<a>\d{1,4})\s*(?:§\s*)?"
    r"(?:[-–]\s*(?:§\s*)?(?P<b>\d{1,4}))?",
    re.IGNORECASE,
)
AGENDA_RE = re.compile(r"^(föredragningslista|kallelse|dagordning|sammanträdeskallelse)\b", re.IGNORECASE)


def segment(doc: ExtractedDocument) -> Protocol:
    """Split an extracted document into its meeting, items and typed sections."""
    lines = _lines(doc)
    ocr_offsets = [(s.start, s.end) for s in doc.spans if doc.pages[s.page - 1].ocr]
    heads = _choose_items(lines, _declared_range(doc.text[:6000]), ocr_offsets)
    cover_end = heads[0][0].start if heads else len(doc.text)
    if heads and heads[0][1] is not None:
        cover_end = heads[0][1].start
    meeting = _meeting(doc, lines, cover_end)
    items = _items(doc, lines, heads)
    protocol = Protocol(
        path=doc.path,
        sha256=doc.sha256,
        size=doc.size,
        page_count=doc.page_count,
        doc_type=_doc_type(doc, lines),
        meeting=meeting,
        items=items,
        pages=[PageInfo(p.number, p.char_count, p.has_text, p.ocr, p.quality) for p in doc.pages],
        extractor=doc.extractor,
        page_map=[[s.page, s.start, s.end] for s in doc.spans],
    )
    if protocol.doc_type == "protokoll":  # an agenda or a notice holds no decisions yet
        protocol.decisions = extract_decisions(protocol)
    return protocol


def _lines(doc: ExtractedDocument) -> list[TextLine]:
    bold = set(doc.bold_lines)
    out: list[TextLine] = []
    pos = 0
    blank_before = True
    for raw in doc.text.split("\n"):
        end = pos + len(raw)
        if raw.strip():
            out.append(TextLine(len(out), pos, end, raw.strip(), blank_before, pos in bold))
            blank_before = False
        else:
            blank_before = True
        pos = end + 1
    return out


def _doc_type(doc: ExtractedDocument, lines: list[TextLine]) -> str:
    """'protokoll', or 'foredragningslista' / 'kallelse' when the first page says so."""
    first_page = [h for h in doc.pages[0].header] if doc.pages else []
    for ln in first_page + [ln.text for ln in lines[:6]]:
        m = AGENDA_RE.match(ln)
        if m:
            word = m.group(1).lower()
            return "kallelse" if "kallelse" in word else "foredragningslista"
        if ln.lower().startswith(("protokoll", "sammanträdesprotokoll")):
            return "protokoll"
    return "protokoll"


def _is_trailer(ln: TextLine) -> bool:
    """The appeal instructions printed after the last item (not their table-of-contents line)."""
    return bool(TRAILER_RE.match(ln.text)) and not TOC_RE.search(ln.text)


def _declared_range(cover: str) -> tuple[int, int] | None:
    """The paragraph range the cover page declares (``Paragrafer §§ 18-35``, ``Ärenden 39 – 49 §``)."""
    m = RANGE_RE.search(cover)
    if not m:
        return None
    a = int(m.group("a"))
    b = int(m.group("b")) if m.group("b") else a
    return (a, b) if a <= b else None


# ---------------------------------------------------------------- items


def _section_kind(text: str) -> tuple[str, str] | None:
    """(kind, heading) when the whole line is a known section heading."""
    heading = text.strip().rstrip(":").strip()
    if not heading or len(heading.split()) > MAX_HEADING_WORDS or heading.endswith((".", ",")):
        return None
    for kind, rx in SECTION_PATTERNS:
        if rx.match(heading):
            return kind, heading
    return None


def _item_candidate(ln: TextLine, lines: list[TextLine]) -> tuple[int, float, str] | None:
    """(number, score, rest) when the line looks like an item heading."""
    for rx in ITEM_RES:
        m = rx.match(ln.text)
        if m:
            break
    else:
        return None
    rest = (m.group("rest") or "").strip()
    if rest and (TOC_RE.search(rest) or rest[0].islower() or rest[0] in ",.;:"):
        return None  # a table-of-contents line or a reference in running text
    score = 1.0
    if ln.para_start:
        score += 1.0
    else:
        prev = lines[ln.index - 1].text if ln.index else ""
        if not prev.endswith(SENTENCE_END) and not case_number(prev):
            score -= 1.0  # in the middle of a sentence
    if ln.bold:
        score += 1.0
    if "§ " in ln.text[:8] or re.match(r"^\d+ §", ln.text):
        score += 0.5
    near = lines[ln.index + 1 : ln.index + 4]
    if case_number(rest) or any(case_number(x.text) for x in near) or (
        ln.index and case_number(lines[ln.index - 1].text)
    ):
        score += 1.0
    if any(_section_kind(x.text) for x in lines[ln.index + 1 : ln.index + 6]):
        score += 0.5
    return int(m.group("num")), score, rest


def _choose_items(
    lines: list[TextLine], declared: tuple[int, int] | None, ocr_offsets: list[tuple[int, int]] | None = None
) -> list[tuple[TextLine, TextLine | None, str, int]]:
    """The item headings: the best-scoring strictly increasing sequence of candidate numbers.

    On OCR'd pages (``ocr_offsets``: their character ranges) a number ending in 8
    is also tried without it, since OCR reads "21 §" as "218 §". Returns (heading
    line, case-number line printed just above it or None, rest of heading, number).
    """
    cands: list[tuple[TextLine, int, float, str]] = []
    for ln in lines:
        if _is_trailer(ln):
            break
        c = _item_candidate(ln, lines)
        if c and c[1] >= 1.5:
            cands.append((ln, c[0], c[1], c[2]))
            on_ocr_page = any(a <= ln.start < b for a, b in ocr_offsets or [])
            if on_ocr_page and c[0] >= 18 and c[0] % 10 == 8:
                cands.append((ln, c[0] // 10, c[1] - 0.1, c[2]))
    if declared:
        inside = [c for c in cands if declared[0] <= c[1] <= declared[1]]
        if inside:
            cands = inside
    # maximum-weight strictly increasing subsequence (O(n^2); n is the number of candidates)
    best: list[float] = []
    back: list[int] = []
    for i, (ln, num, score, _rest) in enumerate(cands):
        best.append(score)
        back.append(-1)
        for j in range(i):
            if cands[j][1] < num and cands[j][0] is not ln and best[j] + score > best[i]:
                best[i] = best[j] + score
                back[i] = j
    if not cands:
        return []
    i = max(range(len(cands)), key=lambda k: (best[k], -k))
    chosen: list[tuple[TextLine, TextLine | None, str, int]] = []
    while i >= 0:
        ln, num, _score, rest = cands[i]
        above = lines[ln.index - 1] if ln.index else None
        if above is not None and not case_number(above.text):
            above = None
        chosen.append((ln, above, rest, num))
        i = back[i]
    return chosen[::-1]


def _items(
    doc: ExtractedDocument, lines: list[TextLine], heads: list[tuple[TextLine, TextLine | None, str, int]]
) -> list[Item]:
    items: list[Item] = []
    trailer = next((ln.start for ln in lines if _is_trailer(ln)), len(doc.text))
    for k, (head, above, rest, number) in enumerate(heads):
        nxt = heads[k + 1] if k + 1 < len(heads) else None
        end = (nxt[1] or nxt[0]).start if nxt else max(trailer, head.end)
        body = [ln for ln in lines if head.index < ln.index and ln.end <= end]
        title, case, consumed = _title_and_case(rest, body, above, head.bold if doc.bold_lines else None)
        sections = _sections(doc, body[consumed:], end)
        item = Item(
            number=number,
            title=title,
            case_number=case,
            page_start=doc.page_at((above or head).start),
            page_end=doc.page_at(max(end - 1, head.start)),
            sections=sections,
        )
        item.recipients = [r for s in sections if s.kind == "expedieras_till" for r in recipients(s.text)]
        items.append(item)
    return items


def _continues_title(before: str, ln: TextLine, prev_bold: bool | None) -> bool:
    """Whether ``ln`` is the next line of a title that wrapped."""
    if ln.para_start or before.endswith((".", ":")) or ln.text.endswith("."):
        return False
    if prev_bold is not None and prev_bold != ln.bold:
        return False  # the title is set in another weight than the text after it
    return ln.text[0].islower() or (len(before) >= 45 and len(ln.text) <= 80)


def _title_and_case(
    rest: str, body: list[TextLine], above: TextLine | None, head_bold: bool | None
) -> tuple[str | None, str | None, int]:
    """Title, case number and how many body lines they used."""
    case = case_number(above.text) if above else None
    title_parts: list[str] = []
    m = re.search(r"\b(?:Dnr|Diarienr|Diarienummer|Ärendenummer|Ärendenr)\b.*$", rest, re.IGNORECASE)
    if m:
        case = case or case_number(m.group(0))
        rest = rest[: m.start()].strip()
    elif case_number(rest):
        case, rest = case_number(rest), ""
    elif re.match(r"^\d{2,5}/\d{2,4}$", rest):  # "§ 3 0509/23"
        case, rest = rest, ""
    if rest:
        title_parts.append(rest)
    used = 0
    prev_bold = head_bold
    for ln in body[:6]:
        if _section_kind(ln.text):
            break
        found = case_number(ln.text)
        if found:
            case = case or found
            used += 1
            continue
        if title_parts and not _continues_title(title_parts[-1], ln, prev_bold):
            break
        if len(title_parts) >= 4 or len(ln.text) > 140:
            break
        title_parts.append(ln.text)
        prev_bold = ln.bold
        used += 1
    title = " ".join(title_parts).strip() or None
    return title, case, used


def _sections(doc: ExtractedDocument, body: list[TextLine], end: int) -> list[Section]:
    """Typed sections of an item body: a new section at each heading of another kind."""
    marks: list[tuple[TextLine, str, str]] = []  # (heading line, kind, heading as written)
    current: str | None = None
    for ln in body:
        found = _section_kind(ln.text)
        if not found or found[0] == current:
            continue  # sub-headings and repeated headings of the same kind stay inside
        marks.append((ln, found[0], found[1]))
        current = found[0]
    sections: list[Section] = []
    if body and (not marks or marks[0][0] is not body[0]):
        # text between the title and the first heading
        _add_section(doc, sections, "other", None, body[0].start, marks[0][0].start if marks else end)
    for i, (ln, kind, heading) in enumerate(marks):
        stop = marks[i + 1][0].start if i + 1 < len(marks) else end
        _add_section(doc, sections, kind, heading, ln.end, stop)
    return sections


def _add_section(
    doc: ExtractedDocument, sections: list[Section], kind: str, heading: str | None, start: int, stop: int
) -> None:
    raw = doc.text[start:stop]
    stripped = raw.strip()
    if not stripped and kind == "other" and heading is None:
        return
    offset = start + (len(raw) - len(raw.lstrip()))
    sections.append(
        Section(
            position=len(sections) + 1,
            kind=kind,
            heading=heading,
            text=stripped,
            page_start=doc.page_at(offset),
            page_end=doc.page_at(max(offset, offset + len(stripped) - 1)),
            offset=offset,
        )
    )


def recipients(text: str) -> list[str]:
    """Addressees of an ``Expedieras till`` section, one per name."""
    out: list[str] = []
    for line in text.split("\n"):
        line = re.sub(r"^\s*(?:[•\-–*·]|\d+[.)])\s*", "", line).strip().rstrip(".;")
        if not line or len(line.split()) > 14:
            continue
        for part in re.split(r"\s*[,;]\s*|(?<!-)\s+(?:och|samt)\s+", line):
            part = part.strip().rstrip(".")
            if part and part not in out:
                out.append(part)
    return out


# ---------------------------------------------------------------- meeting


COVER_LABELS = (
    "beslutande ledamöter", "beslutande", "närvarande ledamöter", "ordinarie ledamöter", "ledamöter",
    "tjänstgörande ersättare", "ej tjänstgörande ersättare", "ersättare", "övriga deltagare", "övriga närvarande",
    "övriga", "utses att justera", "justerare", "justeringens plats och tid", "justeringens tid", "underskrifter",
    "paragrafer", "plats och tid", "sammanträdesdatum", "sammanträdestid", "sammanträdesplats", "organ",
    "anslaget sätts upp", "anslaget tas ned", "förvaringsplats", "datum för anslags uppsättande",
    "datum för anslags nedtagande", "sekreterare", "ordförande", "justerande",
)


def _is_label(text: str, partial: bool = False) -> bool:
    """Whether ``text`` is a cover label (or, ``partial``, the first line of a wrapped one)."""
    low = " ".join(text.lower().rstrip(":").split())
    if partial:
        return any(label.startswith(low + " ") for label in COVER_LABELS)
    return low in COVER_LABELS


def _cover_rows(cover: list[TextLine]) -> list[TextLine]:
    """Undo the interleaving of a two-column cover ("label<TAB>value" lines, see extract).

    A label wrapped over two lines ("Justeringens" / "plats och tid", or
    "Beslutande" / "ledamöter<TAB>Per Ek (M)") is joined again, so that each label
    stands before its first value and the value lines follow on their own.
    """
    rows: list[TextLine] = []
    skip = False
    for k, ln in enumerate(cover):
        if skip:
            skip = False
            continue
        if "\t" not in ln.text:
            rows.append(ln)
            continue
        left, right = ln.text.split("\t", 1)
        nxt = cover[k + 1] if k + 1 < len(cover) else None
        if nxt is not None and _is_label(left, partial=True):
            rest = nxt.text.split("\t", 1)
            if _is_label(f"{left} {rest[0]}"):
                left = f"{left} {rest[0]}"
                skip = len(rest) == 1  # the continuation line held only the label
                if len(rest) == 2:
                    cover[k + 1] = TextLine(nxt.index, nxt.start, nxt.end, "\t" + rest[1], nxt.para_start, nxt.bold)
        elif rows and not _is_label(left) and not any(rx.match(left) for rx, _ in ATTENDANCE_LABELS):
            prev = rows[-1].text.split("\t", 1)[0]
            if _is_label(f"{prev} {left}"):
                left = ""  # the second line of the label just above: a value line
        text = f"{left}\t{right}" if left else right
        rows.append(TextLine(ln.index, ln.start, ln.end, text, ln.para_start, ln.bold))
    return rows


def _meeting(doc: ExtractedDocument, lines: list[TextLine], cover_end: int) -> Meeting:
    """The meeting from the cover (``doc.text[:cover_end]``, the text before the first item) and the page headers."""
    cover = _cover_rows([ln for ln in lines if ln.end <= cover_end])
    header_lines = [h for p in doc.pages[:3] for h in p.header]
    meeting = Meeting()
    meeting.body = _find_body(cover, header_lines)
    meeting.organisation = next(
        (m.group("org") for t in [ln.text for ln in cover[:15]] + header_lines if (m := ORG_RE.match(t.strip()))),
        None,
    )
    if meeting.body is None:  # text files: "Göteborgs Stad Kommunfullmäktige, protokoll" in a page header
        for ln in lines:
            m = ORG_BODY_RE.match(ln.text)
            if m and BODY_WORD_RE.search(m.group("body").split()[-1]):
                meeting.organisation = meeting.organisation or m.group("org")
                meeting.body = m.group("body")
                break
    meeting.meeting_date = _find_date(cover, header_lines) or _labelled_date(lines)
    meeting.place = _find_place(cover)
    rng = _declared_range("\n".join(ln.text for ln in cover))
    if rng:
        meeting.first_item, meeting.last_item = rng
    meeting.attendees = _attendees(cover)
    meeting.justering_date = _labelled_value_date(cover, JUSTERING_RE)
    meeting.anslag_up = _labelled_value_date(cover, ANSLAG_UP_RE)
    meeting.anslag_down = _labelled_value_date(cover, ANSLAG_DOWN_RE)
    # the document text itself, not the re-joined rows above: it starts at offset 0, so
    # what tag finds in it keeps document offsets and thereby its page
    meeting.cover_text = doc.text[:cover_end].rstrip()
    return meeting


JUSTERING_RE = re.compile(
    r"^(?:justeringens plats och tid|justeringens tid|justeringsdatum|datum för justering|protokollet justerat|justerat)\b",
    re.IGNORECASE,
)
ANSLAG_UP_RE = re.compile(
    r"^(?:anslaget sätts upp|anslaget uppsatt|anslag uppsatt|datum då anslaget sätts upp|datum för anslags uppsättande|"
    r"anslag(?:et)? publicerat|det justerade protokollet .*publiceras)",
    re.IGNORECASE,
)
ANSLAG_DOWN_RE = re.compile(
    r"^(?:anslaget tas ned|anslaget nedtaget|anslag nedtaget|anslaget tas bort|datum då anslaget tas ned|"
    r"datum för anslags nedtagande)",
    re.IGNORECASE,
)


def _labelled_value_date(cover: list[TextLine], label: re.Pattern[str]) -> str | None:
    """The date after a cover label (on its line, or the next when the value wrapped)."""
    for i, ln in enumerate(cover):
        if label.match(ln.text):
            for text in (ln.text, cover[i + 1].text if i + 1 < len(cover) else ""):
                found = first_date(text)
                if found:
                    return found
    return None


def _find_body(cover: list[TextLine], header_lines: list[str]) -> str | None:
    texts = [ln.text for ln in cover[:25]]
    for t in texts:
        m = re.match(r"^(?:Organ|Nämnd|Instans|Organ:)\s+(?P<body>\S.*)$", t)
        if m:
            return m.group("body").strip()
    for source in (texts, header_lines):
        for i, t in enumerate(source):
            cand = t.strip()
            # a body name split over two lines: "Regionala utvecklingsnämndens" / "arbetsutskott"
            if i + 1 < len(source) and re.search(r"s$", cand) and re.match(r"^[a-zåäö]+$", source[i + 1].strip()):
                cand = f"{cand} {source[i + 1].strip()}"
            words = cand.split()
            if 1 <= len(words) <= 6 and cand[0].isupper() and BODY_WORD_RE.search(words[-1]):
                if not re.search(r"\d|:", cand):
                    return cand
    return None


def _find_date(cover: list[TextLine], header_lines: list[str]) -> str | None:
    label = re.compile(r"^(?:sammanträdesdatum|sammanträdestid|sammanträdest\w*|datum|plats och tid|tid)\b", re.I)
    for ln in cover[:40]:
        if label.match(ln.text):
            found = first_date(ln.text)
            if not found:
                nxt = cover[ln.index + 1].text if ln.index + 1 < len(cover) else ""
                found = first_date(nxt)
            if found:
                return found
    for t in [ln.text for ln in cover[:40]] + header_lines:
        found = first_date(t)
        if found:
            return found
    return None


def _labelled_date(lines: list[TextLine]) -> str | None:
    """A ``Sammanträdesdatum: 2024-08-28`` line anywhere (text files keep page headers in the body)."""
    for ln in lines:
        if re.match(r"^sammanträdesdatum\b", ln.text, re.I):
            found = first_date(ln.text)
            if found:
                return found
    return None


def _find_place(cover: list[TextLine]) -> str | None:
    for ln in cover[:40]:
        m = re.match(r"^(?:plats och tid|sammanträdesplats|plats|lokal)\s*:?\s*(?P<v>\S.*)$", ln.text, re.I)
        if not m:
            continue
        value = m.group("v")
        # cut at the time or date: "Kommunhuset, Björkvik, tisdagen den 12 mars 2024 kl. 13.00"
        value = value[: place_end(value)].strip(" ,;")
        if value:
            return value
    return None


def _attendees(cover: list[TextLine]) -> list[Attendee]:
    out: list[Attendee] = []
    kind: str | None = None
    two_columns = False
    for ln in cover:
        text = ln.text
        for rx, label_kind in ATTENDANCE_LABELS:
            m = rx.match(text)
            if m:
                kind = label_kind
                text = text[m.end() :].strip()
                break
        if kind is None or not text:
            continue
        if text.lower().startswith("ordinarie"):
            two_columns = True
            continue
        out.extend(_people_on_line(text, kind, two_columns))
    return out


def _people_on_line(text: str, kind: str, two_columns: bool) -> list[Attendee]:
    if "[" in text:  # Finland-Swedish checkbox lists: "[X] Lindvall Mikael, ordförande [ ] Eklund Karita"
        people: list[Attendee] = []
        cells = re.findall(r"\[\s*([xX]?)\s*\]\s*([^\[]+)", text)
        for col, (mark, cell) in enumerate(cells):
            if not mark:
                continue
            col_kind = "ersattare" if two_columns and col == 1 and kind == "ledamot" else kind
            person = _person(cell.strip(), col_kind)
            if person:
                people.append(person)
        return people
    parts = re.split(r"(?<=\))\s*(?:,|;|\boch\b)\s*(?=[A-ZÅÄÖ][^()]*\()", text)
    return [p for p in (_person(part.strip(), kind) for part in parts) if p]


PRESENCE_START_RE = re.compile(r"(?:t\.o\.m\.?\s*|fr\.o\.m\.?\s*)?kl\.?\s*\d|§|\b\d+\s*[-–]?\s*\d*\s*§", re.IGNORECASE)
PRESENCE_WORDS = {"kl", "och", "del", "t", "o", "m", "fr", "from", "tom"}


def _split_presence(rest: str) -> tuple[str | None, str | None]:
    """``vice ordförande § 36, kl. 15.58-`` -> (``vice ordförande``, ``§ 36, kl. 15.58-``).

    Presence is the tail made only of paragraph and clock references
    (``§§ 18-33``, ``48 §``, ``t.o.m. kl. 18.45``, ``§ 42 och 43 (del)``).
    """
    for m in PRESENCE_START_RE.finditer(rest):
        tail = rest[m.start() :]
        if all(w.lower() in PRESENCE_WORDS for w in re.findall(r"[A-Za-zÅÄÖåäö]+", tail)):
            role = rest[: m.start()].strip(" ,")
            return role or None, tail.strip(" ,")
    return (rest.strip(" ,") or None), None


def _person(text: str, kind: str) -> Attendee | None:
    """One attendance entry: ``Richard Carstedt (S), ordförande``, ``X (M) ersätter Y (M)``, ``Namn, titel``.

    Presence for part of the meeting (``§§ 18-33``, ``kl. 15.58-``) goes to ``presence``.
    """
    text = text.strip().rstrip(".;,")
    if re.match(r"^(?:se nästa sida|se bilaga|forts)", text, re.I):
        return None
    m = PERSON_LINE_RE.match(text)
    if m:
        name = m.group("name").strip()
        party = party_code(m.group("party"))
        rest = m.group("rest").strip(" ,")
        replaces = None
        r = REPLACES_RE.match(rest)
        if r:
            replaces, rest = r.group("who"), ""
            kind = "ersattare" if kind in ("ledamot", "ersattare") else kind
        if not NAME_RE.match(name) or party is None:
            return None
        role, presence = _split_presence(rest)
        if replaces:
            replaces, presence = _split_presence(replaces)[0] or replaces, _split_presence(replaces)[1]
        return Attendee(name=name, party=party, role=role, kind=kind, replaces=replaces, presence=presence)
    name, _, rest = text.partition(",")
    name = name.strip()
    if not NAME_RE.match(name) or name.split()[0].lower() in {"regionens", "kommunhuset", "stadshuset"}:
        return None
    role, presence = _split_presence(rest)
    return Attendee(name=name, party=None, role=role, kind=kind, presence=presence)

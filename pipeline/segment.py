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

import bisect
import difflib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from .checks import check_protocol
from .names import PARTY_BRACKET, is_full_name, not_name_words
from .regions import TOC_LINE_RE, TRAILER_RE, attachment_kind, build_regions, page_hints
from .tables import member_tables
from .types import (
    Attachment,
    Attendee,
    ExtractedDocument,
    Item,
    Meeting,
    PageInfo,
    Protocol,
    Region,
    Section,
)
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

    @cached_property
    def section_kind(self) -> tuple[str, str] | None:
        """``_section_kind(self.text)``, worked out once: item scoring, the heading style, titles and
        sections each ask it of the same lines (a line's text is never changed once it is made)."""
        return _section_kind(self.text)


# Section headings: the whole line (an optional trailing colon aside) must match a pattern of
# pipeline/vocab/sections.tsv (shared with training/).
SECTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (row["kind"], re.compile(rf"^(?:{row['pattern']})$", re.IGNORECASE)) for row in read_tsv("sections.tsv")
]
# Any of them, in one expression: most short lines are no heading, and one failed match says so
# (``^(?:A|B)$`` matches exactly when ``^(?:A)$`` or ``^(?:B)$`` does; the patterns have no groups to clash).
ANY_SECTION_RE = re.compile("|".join(rx.pattern for _kind, rx in SECTION_PATTERNS), re.IGNORECASE)
LIST_NUMBER_RE = re.compile(r"^\d{1,2}\.\s+(?=[A-ZÅÄÖ])")
MAX_HEADING_WORDS = 12

# Item headings: "§ 76 Title", "KF § 29", "§ 198 Ärendenummer SLK-2025-00144", "76 § Title"
ITEM_RES = (
    re.compile(r"^(?:(?P<prefix>[A-ZÅÄÖ]{1,5})\s+)?§\s?(?P<num>\d{1,4})(?![\d.,:/-])(?:\s+(?P<rest>.*))?$"),
    re.compile(r"^(?P<num>\d{1,4})\s?§(?:\s+(?P<rest>.*))?$"),
)
TOC_RE = TOC_LINE_RE  # a table-of-contents line: dot leaders or a page number after a gap
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
        (r"beslutande ledamöter|beslutande|närvarande ledamöter|ordinarie ledamöter|ledamöter|närvarolista", "ledamot"),
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
# The name grammar (is_full_name, the bracketed party) is pipeline/names.py, shared with decide and tag.
PERSON_LINE_RE = re.compile(rf"^(?P<name>[^(),]+?),?\s*{PARTY_BRACKET}\s*,?\s*(?P<rest>.*)$")
REPLACES_RE = re.compile(r"^ersätter\s+(?P<who>.+?)\s*$", re.IGNORECASE)
RANGE_RE = re.compile(
    r"(?m)^\s*(?:paragrafer|ärenden|paragraf|§§)\s*:?\s*(?:§§?\s*)?(?P<a>\d{1,4})\s*(?:§\s*)?"
    r"(?:[-–]\s*(?:§\s*)?(?P<b>\d{1,4}))?",
    re.IGNORECASE,
)
AGENDA_RE = re.compile(r"^(föredragningslista|kallelse|dagordning|sammanträdeskallelse)\b", re.IGNORECASE)


def segment(doc: ExtractedDocument) -> Protocol:
    """Split an extracted document into its regions, meeting, items, typed sections and attachments."""
    lines = _lines(doc)
    ocr_offsets = [(s.start, s.end) for s in doc.spans if doc.pages[s.page - 1].ocr]
    hints = page_hints(doc, ITEM_LINE_RE)
    hinted = {ln.index for ln, page in zip(lines, _line_pages(doc, lines), strict=True) if page in hints}
    heads = _choose_items(lines, _declared_range(doc.text[:6000]), ocr_offsets, hinted)
    trailer = next((ln.start for ln in lines if _is_trailer(ln)), len(doc.text))
    items_start = (heads[0][1] or heads[0][0]).start if heads else None
    regions = build_regions(doc, hints, items_start, max(trailer, heads[-1][0].end) if heads else None)
    cover_end = items_start if items_start is not None else len(doc.text)
    meeting = _meeting(doc, lines, cover_end, regions)
    items = _items(doc, lines, heads, regions, trailer)
    attachments = _attachments(doc, regions, items)
    attachments += _written_stances(doc, items, regions)
    attachments.sort(key=lambda a: a.offset)
    _attendance_from_lists(meeting, attachments, lines)
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
        regions=regions,
        attachments=attachments,
        member_tables=member_tables(doc),
    )
    protocol.issues = check_protocol(protocol)  # decide (pipeline/decide.py) adds the decisions and checks again
    return protocol


def _line_pages(doc: ExtractedDocument, lines: list[TextLine]) -> list[int]:
    """``doc.page_at(ln.start)`` of each line, the span starts listed once rather than once a line."""
    if not doc.spans:
        return [1] * len(lines)
    starts = [s.start for s in doc.spans]
    return [doc.spans[max(0, bisect.bisect_right(starts, ln.start) - 1)].page for ln in lines]


def _attendance_from_lists(meeting: Meeting, attachments: list[Attachment], lines: list[TextLine]) -> None:
    """A närvarolista printed as an appendix fills the attendance (with presence §§ and times)
    with the people the cover does not already list."""
    known = {a.name for a in meeting.attendees}
    for att in attachments:
        if att.kind != "narvarolista":
            continue
        rows = [ln for ln in lines if att.offset <= ln.start < att.offset + len(att.text)]
        for person in _attendees(_cover_rows(rows)):
            if person.name not in known:
                meeting.attendees.append(person)
                known.add(person.name)


ITEM_LINE_RE = re.compile(r"^(?:[A-ZÅÄÖ]{1,5}\s+)?§\s?\d{1,4}(?![\d.,:/-])|^\d{1,4}\s?§(?!\s*\d)")


def _attachments(doc: ExtractedDocument, regions: list[Region], items: list[Item]) -> list[Attachment]:
    """One record per attachment region, linked to the § its label names or else the § it follows."""
    numbers = {i.number for i in items}
    out: list[Attachment] = []
    for region in regions:
        if region.kind != "attachment":
            continue
        raw = doc.text[region.start : region.end]
        text = raw.strip()
        offset = region.start + len(raw) - len(raw.lstrip())
        kind = attachment_kind(text)
        named = re.search(r"§\s*(\d{1,4})", region.label or "")
        number = int(named.group(1)) if named and int(named.group(1)) in numbers else None
        if number is None:
            number = _item_by_title(text, items)
        if number is None and kind != "narvarolista":  # an attendance list is the meeting's, not an item's
            before = [i for i in items if i.sections and i.sections[0].offset < region.start]
            number = before[-1].number if before else (int(named.group(1)) if named else None)
        out.append(Attachment(
            kind=kind, label=region.label, title=_attachment_title(text, region.label),
            page_start=region.page_start, page_end=region.page_end, text=text, offset=offset,
            item_number=number,
        ))
    return out


ATTACHMENT_ITEM_TITLE_RE = re.compile(r"^(?:ärendemening|ärenderubrik|ärende|rubrik|avser)\s*:\s*(?P<title>\S.*)$",
                                      re.IGNORECASE)


def _item_by_title(text: str, items: list[Item]) -> int | None:
    """The item an appendix names by its title (``Ärendemening: Redovisning av uppdrag ...``,
    the way vote lists name the item when they give only the agenda's number)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:15]
    for k, line in enumerate(lines):
        m = ATTACHMENT_ITEM_TITLE_RE.match(line)
        if not m or m.group("title").strip().isdigit():
            continue
        title = m.group("title")
        for nxt in lines[k + 1 : k + 3]:  # a wrapped title, up to the next "Label:" line
            if ":" in nxt or re.match(r"^(?:antal|namn|parti|ledamot)\b", nxt, re.IGNORECASE):
                break
            title = f"{title} {nxt}"
        key = " ".join(title.lower().split())
        best = max(((_title_similarity(key, i.title, TITLE_MATCH), i.number) for i in items), default=(0.0, None))
        if best[0] >= TITLE_MATCH:
            return best[1]
    return None


TITLE_MATCH = 0.8  # how alike an appendix's title and an item's must be


def _title_similarity(key: str, title: str | None, floor: float = 0.0) -> float:
    """How alike two titles are over the length of the shorter (either may be cut short).

    Below ``floor`` the answer is only some value below it: the characters the two share, order
    ignored (``quick_ratio``, counted here in C), bound ``ratio`` from above with the same arithmetic
    (it counts the characters of matching blocks, which are shared ones), so a pair the bound puts
    below the floor is not compared in full (most pairs of titles share too few characters).
    """
    other = " ".join((title or "").lower().split())
    n = min(len(key), len(other))
    if n < 20:  # a short title must be the same
        return 1.0 if key == other else 0.0
    shared = sum((Counter(key[:n]) & Counter(other[:n])).values())
    bound = 2.0 * shared / (2 * n)
    return difflib.SequenceMatcher(None, key[:n], other[:n]).ratio() if bound >= floor else bound


def _attachment_title(text: str, label: str | None) -> str | None:
    """The first words of an attachment that are not its label (``Votering #1``, ``Reservation``)."""
    for line in text.split("\n")[:4]:
        for cell in line.split("\t"):
            cell = cell.strip().rstrip(":")
            if cell and cell != label and not re.fullmatch(r"[\d\s./-]+", cell):
                return cell[:200]
    return None


WRITTEN_STANCE_KINDS = {"reservation": "reservation", "protokollsanteckning": "protokollsanteckning",
                        "yttrande": "other"}


def _written_stances(doc: ExtractedDocument, items: list[Item], regions: list[Region]) -> list[Attachment]:
    """Reservations and protokollsanteckningar handed in on a page of their own.

    Expedieras till closes an item; a Reservation (Protokollsanteckning, Yttrande) heading that
    comes after it and opens a page is an appendix, not a section: it and what follows it in
    the item become an attachment of that item.
    """
    page_starts = {s.start for s in doc.spans}
    out: list[Attachment] = []
    for item in items:
        closed = False
        for k, section in enumerate(item.sections):
            if section.kind == "expedieras_till":
                closed = True
                continue
            heading_start = doc.text.rfind("\n", 0, max(0, section.offset - 1)) + 1 if section.heading else -1
            if not (closed and section.kind in WRITTEN_STANCE_KINDS and _opens_page(doc, section, page_starts)):
                continue
            rest = item.sections[k:]
            start = heading_start if heading_start in page_starts else section.offset
            end = rest[-1].offset + len(rest[-1].text)
            text = doc.text[start:end].strip()
            out.append(Attachment(
                kind=WRITTEN_STANCE_KINDS[section.kind], label=section.heading, title=_attachment_title(
                    section.text, None), page_start=doc.page_at(start), page_end=doc.page_at(end - 1),
                text=text, offset=start, item_number=item.number,
            ))
            item.sections = item.sections[:k]
            item.page_end = max(item.page_start, doc.page_at(max(0, start - 1)))
            item.recipients = item_recipients(item.sections)
            _carve(regions, doc, start, end, section.heading)
            break
    return out


def _opens_page(doc: ExtractedDocument, section: Section, page_starts: set[int]) -> bool:
    """Whether the section's heading is the first line of a page."""
    line_start = doc.text.rfind("\n", 0, max(0, section.offset - 1)) + 1
    return line_start in page_starts


def _carve(regions: list[Region], doc: ExtractedDocument, start: int, end: int, label: str | None) -> None:
    """Make ``text[start:end]`` an attachment region, cutting it out of the item region holding it."""
    for k, region in enumerate(regions):
        if region.start <= start < region.end:
            pieces = []
            if region.start < start:
                pieces.append(Region(region.kind, region.page_start, doc.page_at(start - 1), region.start, start,
                                     region.label))
            pieces.append(Region("attachment", doc.page_at(start), doc.page_at(end - 1), start, end, label))
            after = end + len(doc.text[end : region.end]) - len(doc.text[end : region.end].lstrip())
            if after < region.end:
                pieces.append(Region(region.kind, doc.page_at(after), region.page_end, after, region.end, region.label))
            regions[k : k + 1] = pieces
            return


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
    heading = LIST_NUMBER_RE.sub("", heading)  # "4. Stadsdirektörens förslag": a list number
    if not ANY_SECTION_RE.match(heading):
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
    if any(x.section_kind for x in lines[ln.index + 1 : ln.index + 6]):
        score += 0.5
    # a heading has a body: an agenda line (ärendelista, innehåll) is followed by the next § at
    # once, so when the same numbers occur twice the run whose items have text wins
    following = lines[ln.index + 1 : ln.index + 1 + BODY_LINES]
    if len(following) == BODY_LINES and not any(ITEM_LINE_RE.match(x.text) for x in following):
        score += 0.75
    return int(m.group("num")), score, rest


BODY_LINES = 4


def _choose_items(
    lines: list[TextLine], declared: tuple[int, int] | None, ocr_offsets: list[tuple[int, int]] | None = None,
    excluded: set[int] | None = None,
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
        if excluded and ln.index in excluded:
            continue  # an agenda or attachment page: its § lines are not items
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
    doc: ExtractedDocument, lines: list[TextLine], heads: list[tuple[TextLine, TextLine | None, str, int]],
    regions: list[Region], trailer: int,
) -> list[Item]:
    items: list[Item] = []
    style = _heading_style(doc, lines, heads)
    ends = [ln.end for ln in lines]  # increasing: lines are in text order and lines[k].index == k
    for k, (head, above, rest, number) in enumerate(heads):
        nxt = heads[k + 1] if k + 1 < len(heads) else None
        end = (nxt[1] or nxt[0]).start if nxt else max(trailer, head.end)
        # an attachment, agenda or signature page ends the item's text
        end = min([end] + [r.start for r in regions if r.kind != "item" and head.end <= r.start < end])
        # the lines after the heading that end by ``end``: those up to the first ending after it
        body = lines[head.index + 1 : bisect.bisect_right(ends, end)]
        title, case, consumed = _title_and_case(rest, body, above, head.bold if doc.bold_lines else None)
        sections = _sections(doc, body[consumed:], end, style)
        last = max(head.start, (sections[-1].offset + len(sections[-1].text) - 1) if sections else end - 1)
        item = Item(
            number=number,
            title=title,
            case_number=case,
            page_start=doc.page_at((above or head).start),
            page_end=doc.page_at(last),
            sections=sections,
        )
        item.recipients = item_recipients(sections)
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
    elif all(case_number(part) for part in rest.split(",")):  # "SN/2025:23, SN/2024:120"
        case, rest = ", ".join(str(case_number(part)) for part in rest.split(",")), ""
    elif re.match(r"^\d{2,5}/\d{2,4}$", rest):  # "§ 3 0509/23"
        case, rest = rest, ""
    if rest:
        title_parts.append(rest)
    used = 0
    prev_bold = head_bold
    for ln in body[:6]:
        if ln.section_kind:
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


def _sections(doc: ExtractedDocument, body: list[TextLine], end: int, style: HeadingStyle | None = None) -> list[Section]:
    """Typed sections of an item body: a new section at each heading of another kind.

    A heading is a line of the section vocabulary (``Beslut``, ``Beslutet expedieras till:
    Motionären`` with its value on the same line), or a line the document sets like its known
    headings (``style``) but that the vocabulary does not know: an ``other`` section with the
    heading kept as written.
    """
    marks: list[tuple[TextLine, str, str, int]] = []  # (heading line, kind, heading as written, text start)
    current: str | None = None
    for k, ln in enumerate(body):
        found = ln.section_kind
        start = ln.end
        if not found:
            inline = _inline_heading(ln.text)
            if inline:
                found, start = (inline[0], inline[1]), ln.start + inline[2]
        if not found and style is not None and current not in DECISION_KINDS \
                and style.matches(ln, body[k + 1] if k + 1 < len(body) else None):
            found = ("other", ln.text.rstrip(":").strip())
            current = None
        if not found or (found[0] == current and found[0] != "other"):
            continue  # sub-headings and repeated headings of the same kind stay inside
        marks.append((ln, found[0], found[1], start))
        current = found[0]
    sections: list[Section] = []
    if body and (not marks or marks[0][0] is not body[0]):
        # text between the title and the first heading
        _add_section(doc, sections, "other", None, body[0].start, marks[0][0].start if marks else end)
    for i, (_ln, kind, heading, start) in enumerate(marks):
        stop = marks[i + 1][0].start if i + 1 < len(marks) else end
        _add_section(doc, sections, kind, heading, start, stop)
    return sections


# an unknown heading-like line inside these is a sub-heading of the decision text, not a new section
DECISION_KINDS = ("beslut", "yrkanden", "beslutsgang", "omrostning", "forslag_till_beslut", "expedieras_till")
INLINE_HEADING_KINDS = ("expedieras_till", "beslutsunderlag", "jav", "other")  # "Beredning: Ungdomsledare X"  # "Beslutet expedieras till: Motionären"


def _inline_heading(text: str) -> tuple[str, str, int] | None:
    """(kind, heading, where the value starts) for ``Heading: value`` on one line."""
    head, colon, value = text.partition(":")
    if not colon or not value.strip():
        return None
    found = ("beslutsunderlag", head.strip()) if re.fullmatch(r"\s*bilag(?:a|or)\s*", head, re.I) \
        else _section_kind(head)  # "Bilaga: Arbetsvärdering" lists what the decision rests on
    if not found or found[0] not in INLINE_HEADING_KINDS:
        return None
    return found[0], found[1], len(head) + 1 + (len(value) - len(value.lstrip()))


@dataclass
class HeadingStyle:
    """How a document sets its section headings, learnt from the lines its vocabulary knows.

    A heading stands at the start of a paragraph, its text follows on the very next line, it
    is short, and (when the PDF tells weights) it has the weight most known headings have.
    """

    bold: bool | None
    MAX_WORDS = 6
    MAX_CHARS = 50

    def matches(self, ln: TextLine, nxt: TextLine | None) -> bool:
        """Whether an unknown line is a heading in this style."""
        text = ln.text.strip()
        if not ln.para_start or nxt is None or nxt.para_start:
            return False
        if self.bold is not None and ln.bold != self.bold:
            return False
        if len(text) > self.MAX_CHARS or len(text.split()) > self.MAX_WORDS or "\t" in text:
            return False
        if not text[0].isupper() or text.endswith((".", ",", ";", ":", "-", "–")) or "(" in text:
            return False
        if not re.search(r"[a-zåäöé]", text):
            return False  # an acronym (AKTA, TIM-AKA) labels a line of a list, it heads no section
        if (re.search(r"\d", text) and not NUMBERED_HEADING_RE.match(text)) or ITEM_LINE_RE.match(text) \
                or case_number(text):
            return False  # digits belong to list points and references, except "Fråga 2"
        return not re.search(r"\b(?:och|att|som|samt|med|för|till|av|i|på)$", text, re.IGNORECASE)


NUMBERED_HEADING_RE = re.compile(r"^[A-ZÅÄÖ][a-zåäöé]+(?: [a-zåäöé]+)? \d{1,2}$")
MIN_KNOWN_HEADINGS = 4  # fewer known headings than this: too little to learn a style from


def _heading_style(doc: ExtractedDocument, lines: list[TextLine], heads: list[tuple[TextLine, TextLine | None, str, int]]
                   ) -> HeadingStyle | None:
    """The document's heading style, from the known headings inside its items (None: not enough)."""
    if not heads:
        return None
    first = heads[0][0].index
    known = [ln for ln in lines[first:] if ln.section_kind]
    if len(known) < MIN_KNOWN_HEADINGS:
        return None
    followed = [ln for ln in known if ln.index + 1 < len(lines) and not lines[ln.index + 1].para_start]
    starting = [ln for ln in known if ln.para_start]
    if len(followed) < 0.6 * len(known) or len(starting) < 0.6 * len(known):
        return None  # this document does not set its headings apart that way
    # Weight is not used: text backends disagree on which lines are bold, and the structure
    # (a paragraph start directly followed by its text) is what every layout seen shares.
    return HeadingStyle(None)


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


DASH_RE = re.compile(r"\s[–—-]\s")
NOTE_AFTER_DASH_RE = re.compile(r"\s+[–—-]\s+(?:för\s+)?(?:kännedom|åtgärd|återremiss|information|verkställighet|yttrande)\b.*$",
                                re.IGNORECASE)
MAX_RECIPIENT_WORDS = 14  # a longer line is prose, not an addressee
LIST_SPLIT_RE = re.compile(r"(\s*[,;]\s*|(?<!-)\s+(?:och|samt)\s+)")
GENITIVE_NAME_RE = re.compile(r"^(?:[A-ZÅÄÖ][\wåäö-]*\s+)*[A-ZÅÄÖ][\wåäö-]*s\s+[a-zåäö]+$")
DEFINITE_NOUN_RE = re.compile(r"(?:en|et|na|erna|arna|orna)$")


def _is_addressee(part: str) -> bool:
    """Whether a piece of a list line can stand alone as an addressee.

    ``Kommunikation`` after ``Avdelningen för IT,`` cannot (lower case, no definite form), nor
    can ``Y:s fond`` after ``Stiftelsen X och``; ``Kommunstyrelsen`` and ``ekonomiavdelningen`` can.
    """
    words = part.split()
    if not words:
        return False
    if re.match(r"^[\wåäöÅÄÖ-]+:s$", words[0]) or GENITIVE_NAME_RE.match(part):
        return False  # the second half of one name: "Y:s fond", "Anna Eks fond"
    if words[0][0].isupper() or words[0][0].isdigit():
        return True
    return len(words) <= 5 and bool(DEFINITE_NOUN_RE.search(words[-1].lower())) and words[0] not in ("för", "i", "av")


def _split_addressees(line: str) -> list[str]:
    """Split a list line at commas, ``och`` and ``samt`` only where each part is itself an addressee.

    Never inside one name: ``Kretslopp och vattennämnden`` (a lower-case second half needs a
    first half that is a body in its own right), ``Arkivnämnden för Västra Götalandsregionen och
    Göteborgs Stad`` (``och`` inside the complement of ``för``), ``Socialnämnderna – Centrum,
    Hisingen`` (a list after a dash qualifies the name before it).
    """
    pieces = LIST_SPLIT_RE.split(line)
    out = [pieces[0]]
    for sep, part in zip(pieces[1::2], pieces[2::2], strict=True):
        conjunction = sep.strip() in ("och", "samt")
        joined = (
            not (_is_addressee(part) and _is_addressee(out[-1]))
            or (DASH_RE.search(out[-1]) and not NOTE_AFTER_DASH_RE.search(out[-1]))
            or (conjunction and re.search(r"\s(?:för|i|av|inom)\s", out[-1]))
            or (part[:1].islower() and not DEFINITE_NOUN_RE.search(out[-1].split()[-1].lower()))
        )
        if joined:
            out[-1] = out[-1] + sep + part
        else:
            out.append(part)
    return [p.strip().rstrip(".") for p in out if p.strip()]


SENT_TO_RE = re.compile(
    r"(?:^|(?<=[.:]\s))(?:Beslutet|Protokollsutdrag(?:et)?|Utdrag(?:et)?(?: ur protokollet)?|Protokollet)\s+"
    r"(?:delges|skickas(?: för kännedom)? till|expedieras till|sänds till|tillställs)\s+"
    r"(?P<list>(?:[^.;]|\.(?=[^\s.]))*?)(?:\.(?=\s|$)|$)",  # a full stop inside "E.N" is no sentence end
)
# Each match of SENT_TO_RE (case-sensitive) holds one of these verbs, whitespace or not around it.
SENT_TO_VERBS = ("delges", "skickas", "expedieras", "sänds", "tillställs")


def item_recipients(sections: list[Section]) -> list[str]:
    """Addressees of an item: its Expedieras till sections, and sentences that say where the
    decision goes (``Beslutet delges huvudförtroendeman för JHL, tekniska direktören och
    lönesekreterare E.N.``), the way Finland-Swedish and many short protocols write it."""
    out = [r for s in sections if s.kind == "expedieras_till" for r in recipients(s.text)]
    for section in sections:
        if section.kind == "expedieras_till" or not any(verb in section.text for verb in SENT_TO_VERBS):
            continue  # (a text without the verbs has no such sentence: SENT_TO_RE is not run over it)
        for m in SENT_TO_RE.finditer(" ".join(section.text.split())):
            for part in _sentence_list(m.group("list")):
                if part not in out:
                    out.append(part)
    return out


def _sentence_list(text: str) -> list[str]:
    """``A, B, C och D`` -> the four: a list in running text is separated by commas, its last
    two by ``och`` / ``samt`` (never the ``och`` of ``Barn- och utbildningsnämnden``)."""
    parts = [p.strip() for p in re.split(r",\s*", text) if p.strip()]
    if parts:
        last = re.split(r"(?<!-)\s+(?:och|samt)\s+(?=\S)", parts[-1])
        parts = parts[:-1] + [p.strip() for p in last]
    return [NOTE_AFTER_DASH_RE.sub("", p).rstrip(".") for p in parts if p and len(p.split()) <= 8]


def recipients(text: str) -> list[str]:
    """Addressees of an ``Expedieras till`` section, one per name.

    The list ends where the list ends: at a blank line followed by prose (a sentence), or at a
    line too long to be an addressee once the list has begun.
    """
    out: list[str] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        line = re.sub(r"^\s*(?:[•\-–*·]|\d+[.)])\s*", "", line).strip()
        prose = len(line.split()) > MAX_RECIPIENT_WORDS or (
            (line.endswith(".") and len(line.split()) > 4) or (len(line.split()) > 6 and line[:1].islower()))
        line = line.rstrip(".;")
        if prose:
            if out:
                break
            continue
        if gap and out and line[:1].islower():
            break
        gap = False
        parts = _split_addressees(line.replace("\t", " "))
        if out and parts and not _is_addressee(parts[0]) and parts[0][:1].islower():
            out[-1] = f"{out[-1]} {parts.pop(0)}"  # the wrapped rest of the last addressee
        for part in parts:
            part = NOTE_AFTER_DASH_RE.sub("", part)  # "Exploateringsnämnden – återremiss": a note
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


def _meeting(doc: ExtractedDocument, lines: list[TextLine], cover_end: int, regions: list[Region]) -> Meeting:
    """The meeting from the cover (``doc.text[:cover_end]``, the text before the first item) and the page headers."""
    agenda = [(r.start, r.end) for r in regions if r.kind != "cover" and r.start < cover_end]
    cover = _cover_rows([ln for ln in lines if ln.end <= cover_end and not any(a <= ln.start < b for a, b in agenda)])
    header_lines = [h for p in doc.pages[:3] for h in p.header]
    meeting = Meeting()
    meeting.body = _find_body(cover, header_lines, doc.text)
    meeting.organisation = _find_organisation(cover, header_lines) or _organisation_from_text(doc.text)
    if meeting.body is None:  # text files: "Göteborgs Stad Kommunfullmäktige, protokoll" in a page header
        for ln in lines:
            m = ORG_BODY_RE.match(ln.text)
            if m and BODY_WORD_RE.search(m.group("body").split()[-1]):
                meeting.organisation = meeting.organisation or m.group("org")
                meeting.body = m.group("body")
                break
    meeting.meeting_date = _find_date(cover, header_lines) or _labelled_date(lines)
    meeting.place = _find_place(cover, meeting.organisation)
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


BODY_LABEL_RE = re.compile(
    r"^(?:beslutande organ|sammanträdande organ|organ|nämnd|instans)(?:\s*:\s*|\t+\s*|\s+)(?P<body>[A-ZÅÄÖ]\S.*)$",
    re.IGNORECASE,
)


def _find_body(cover: list[TextLine], header_lines: list[str], text: str = "") -> str | None:
    """The body that met: a ``Beslutande organ`` / ``Organ`` label, else the cover's title, else the
    running header; in capitals it is written as the protocol writes it in running text."""
    texts = [ln.text for ln in cover[:60]]
    for t in texts:
        m = BODY_LABEL_RE.match(t.strip())
        if m and BODY_WORD_RE.search(m.group("body").split()[-1].rstrip(".,")):
            return _as_written(m.group("body").strip(), text)
        if m and ABBREVIATION_RE.match(m.group("body").strip()):
            expanded = _expand_abbreviation(m.group("body").strip(), text)
            if expanded:
                return expanded
    for cell in [c.strip() for t in texts[:5] + header_lines for c in t.split("\t")]:
        if ABBREVIATION_RE.match(cell):
            expanded = _expand_abbreviation(cell, text)
            if expanded:
                return expanded
    for source in (texts[:25], header_lines):
        cells = [c.strip() for t in source for c in t.split("\t") if c.strip()]
        for i, cand in enumerate(cells):
            # a body name split over two lines: "Regionala utvecklingsnämndens" / "arbetsutskott"
            if i + 1 < len(cells) and re.search(r"s$", cand) and re.match(r"^[a-zåäö]+$", cells[i + 1]):
                cand = f"{cand} {cells[i + 1]}"
            words = cand.split()
            if 1 <= len(words) <= 6 and cand[0].isupper() and BODY_WORD_RE.search(words[-1]):
                if not re.search(r"\d|:", cand):
                    return _as_written(cand, text)
    return None


ABBREVIATION_RE = re.compile(r"^[A-ZÅÄÖ]{2,5}$")
BODY_NAME_RE = re.compile(
    r"\b(?:[A-ZÅÄÖ][\wåäö]*-?\s+(?:och|samt)\s+)?[A-ZÅÄÖa-zåäö][\wåäö]*?"
    r"(?P<head>nämnd|styrelse|fullmäktige|utskott|direktion|beredning)(?:en|et|n)?\b"
)


def _initials(name: str) -> str:
    """``Barn- och utbildningsnämnden`` -> ``BUN``, ``Kommunstyrelsen`` -> ``KS``."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in ("och", "samt")]
    letters = [w[0] for w in words]
    head = BODY_NAME_RE.search(name)
    if head and head.start("head") > head.start() and not name[head.start("head") - 1].isspace():
        letters.append(head.group("head")[0])  # the compound's last part: utbildnings|nämnden
    return "".join(letters).upper()


def _expand_abbreviation(abbreviation: str, text: str) -> str | None:
    """The body an abbreviation on the cover stands for (``BUN``), as the running text writes it:
    the most frequent body name whose initials are the abbreviation."""
    counts = Counter(
        m.group(0)[0].upper() + m.group(0)[1:] for m in BODY_NAME_RE.finditer(text)
        if _initials(m.group(0)) == abbreviation
    )
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def _as_written(name: str, text: str) -> str:
    """``KOMMUNFULLMÄKTIGE`` -> ``Kommunfullmäktige``: the form the running text uses, else capitalised."""
    if not name.isupper():
        return name
    for m in re.finditer(re.escape(name), text, re.IGNORECASE):
        found = m.group(0)
        if found[0].isupper() and not found.isupper():
            return found
    return name[0] + name[1:].lower()


ORGANISATION_RE = re.compile(
    r"(?P<org>Region\s+[A-ZÅÄÖ][\wåäö-]+|[A-ZÅÄÖ][\wåäö-]+\s+(?:kommun|stad|Stad|läns landsting))(?=$|[\s,;.)])"
)


def _find_organisation(cover: list[TextLine], header_lines: list[str]) -> str | None:
    """The municipality or region: the letterhead, else a cover value (the place line, the
    anslag's förvaringsplats), else the running header."""
    texts = [ln.text for ln in cover[:15]] + header_lines
    for t in texts:
        m = ORG_RE.match(t.strip())
        if m:
            return m.group("org")
    for t in [ln.text for ln in cover] + header_lines:
        for cell in t.split("\t"):
            value = cell.split(":", 1)[1] if ":" in cell else cell
            m = ORGANISATION_RE.match(value.strip())
            if m:
                return m.group("org")
    return None


ORG_MENTION_RE = re.compile(
    r"\b(?P<org>(?:Region\s+[A-ZÅÄÖ][\wåäö-]+?)|(?:[A-ZÅÄÖ][\wåäö-]+?\s+(?:kommun|[Ss]tad)))(?:s)?\b"
)
ORG_MENTIONS_MIN = 3  # a name the text uses this often, and twice as often as any other, is its own


def _organisation_from_text(text: str) -> str | None:
    """The municipality or region the running text names most (``Göteborgs Stads riktlinje`` ->
    ``Göteborgs Stad``), when the cover and the headers do not say: a protocol names its own
    organisation far more often than any other."""
    counts = Counter(m.group("org") for m in ORG_MENTION_RE.finditer(text))
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < ORG_MENTIONS_MIN:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


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


PLACE_LABEL_RE = re.compile(r"^(?:plats och tid|sammanträdesplats|plats|lokal)\s*:?\s*(?P<v>.*)$", re.IGNORECASE)
PAGE_NUMBER_RE = re.compile(r"^(?:sida\s*)?\d+(?:\s*(?:av|\()\s*\d+\)?)?$", re.IGNORECASE)
PLACE_MAX_LOOKAHEAD = 8  # "Plats:" with its value printed further down, past "Tid:" and the date


def _find_place(cover: list[TextLine], organisation: str | None = None) -> str | None:
    """The room or building of the meeting, never a page number; the organisation in front of it
    (``Lomma kommun, Sessionssalen Alnarp``) is the organisation's, not the place's."""
    for k, ln in enumerate(cover[:40]):
        m = PLACE_LABEL_RE.match(ln.text)
        if not m:
            continue
        value = m.group("v").replace("\t", " ").strip()
        empty = not value or PAGE_NUMBER_RE.match(value)
        candidates = [c.text for c in cover[k + 1 : k + 1 + PLACE_MAX_LOOKAHEAD]] if empty else [value]
        for value in candidates:
            value = value.replace("\t", " ").strip()
            if not value or PAGE_NUMBER_RE.match(value):
                continue
            if value.endswith(":") or _is_label(value) or value.isupper() or not re.search(r"[^\W\d]", value):
                continue
            # cut at the time or date: "Kommunhuset, Björkvik, tisdagen den 12 mars 2024 kl. 13.00"
            value = value[: place_end(value)].strip(" ,;")
            if organisation and value.startswith(organisation + ","):
                value = value[len(organisation) + 1 :].strip()
            if value:
                return value
        return None
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
        if not is_full_name(name) or party is None:
            return None
        role, presence = _split_presence(rest)
        if replaces:
            replaces, presence = _split_presence(replaces)[0] or replaces, _split_presence(replaces)[1]
        return Attendee(name=name, party=party, role=role, kind=kind, replaces=replaces, presence=presence)
    name, _, rest = text.partition(",")
    name = name.strip()
    if not is_full_name(name) or name.split()[0].lower() in not_name_words("place"):
        return None
    role, presence = _split_presence(rest)
    return Attendee(name=name, party=None, role=role, kind=kind, presence=presence)

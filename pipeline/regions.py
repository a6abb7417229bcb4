"""Regions of a protocol, found before its items: cover, agenda, item, attachment, signatures, other.

Segment chooses items only from ``item`` regions, and an attachment's text never becomes part
of an item. What marks a region is what the page itself shows, not one municipality's template:

- an **agenda** (ärendelista, innehåll, dagordning, föredragningslista) is a page headed so, or a
  page dense with § lines and no section headings between them (one § per line, nothing else);
- an **attachment** starts on a page whose first lines carry an appendix label (``Bilaga KF §
  16/22``, ``BUN Bilaga A § 11/24``, ``Bilaga 2``), or name a member table
  (``Voteringslista``, ``Voteringsprotokoll``, ``Närvarolista``, ``Votering #1``); it runs over
  the pages after it until a page with an item heading, another attachment, or (when the
  attachment's pages carry no running header) a page with the protocol's running header again;
- **signatures**: a page after the last item made only of signature lines;
- the **cover** is what comes before the first item, **other** the appeal instructions after
  the last one.

A written reservation or protokollsanteckning handed in on a page of its own is found later, in
segment: a Reservation heading at the top of a page that follows the item's Expedieras till.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .types import ExtractedDocument, Region

AGENDA_HEADING_RE = re.compile(
    r"^(?:ärendelista|ärendeförteckning|förteckning över ärenden|innehåll(?:sförteckning)?|dagordning|"
    r"föredragningslista|ärenden)\s*:?$",
    re.IGNORECASE,
)
# an appendix label: "Bilaga KF § 31/25", "BUN Bilaga A § 11/24", "Bilaga 2", "Bilaga A till § 23"
ATTACHMENT_LABEL_RE = re.compile(
    r"(?:^|\t)(?P<label>(?:[A-ZÅÄÖ]{1,5}\s+)?bilaga(?:\s+(?:[A-Z]|\d{1,2}))?\b[^\t]{0,40}?)\s*$",
    re.IGNORECASE,
)
TABLE_TITLE_RE = re.compile(
    r"^(?P<label>voteringslista|voteringsprotokoll|voteringsmall|omröstningslista|omröstningsprotokoll|"
    r"närvarolista|närvaro- och voteringslista|närvaro-\s*och\s*omröstningslista|votering\s*(?:#|nr\.?)?\s*\d+)\b",
    re.IGNORECASE,
)
SIGNATURE_RE = re.compile(
    r"^(?:underskrifter|underskrift|sekreterare|ordförande|justerande|justerare|justerandes sign\w*|"
    r"vid protokollet|ordförande\s+justerare|[.\s_]+)$",
    re.IGNORECASE,
)
ATTACHMENT_KIND_WORDS = (
    ("voteringslista", re.compile(r"\b(?:votering\w*|omröstning\w*)\b|\bantal ja\b|\bja-röster\b", re.IGNORECASE)),
    ("narvarolista", re.compile(r"\bnärvarolista|\bnärvaro\b|\bankom\b[\s\S]*\butgick\b", re.IGNORECASE)),
    ("reservation", re.compile(r"\breservation\b|\breserverar\b", re.IGNORECASE)),
    ("protokollsanteckning", re.compile(r"\bprotokollsanteckning", re.IGNORECASE)),
)
SECTION_LIKE_RE = re.compile(r"^(?:beslut|beslutsunderlag|ärendebeskrivning|sammanfattning|yrkanden?)\s*:?\s*$",
                             re.IGNORECASE)
# the appeal instructions printed after the last item (besvärsanvisning): never an item or attachment
TRAILER_RE = re.compile(
    r"^(?:anvisning för begäran om omprövning|besvärsanvisning|hur man överklagar|överklagandehänvisning)",
    re.IGNORECASE,
)
TOC_LINE_RE = re.compile(r"(?:\.\s?){4,}\s*\d*$|(?:\s{3,}|\t)\d+$")  # a table of contents names it
TOP_LINES = 4  # an attachment or agenda marker must stand among a page's first lines
AGENDA_MIN_HEADS = 3  # a page with this many § lines ...
AGENDA_MAX_GAP = 3.0  # ... at most this many other lines between them on average, and no section heading


@dataclass
class PageText:
    """The body lines of one page (after header and footer removal), with their document offsets."""

    number: int
    start: int
    end: int
    lines: list[tuple[int, int, str]]  # (start, end, stripped text)
    has_header: bool
    header: list[str]  # the running header lines removed from it (an appendix label can be one)


def pages_of(doc: ExtractedDocument) -> list[PageText]:
    """The document text cut at its pages."""
    out: list[PageText] = []
    for span in doc.spans:
        lines: list[tuple[int, int, str]] = []
        pos = span.start
        for raw in doc.text[span.start : span.end].split("\n"):
            if raw.strip():
                lines.append((pos, pos + len(raw), raw.strip()))
            pos += len(raw) + 1
        page = doc.pages[span.page - 1]
        out.append(PageText(span.page, span.start, span.end, lines, bool(page.header), list(page.header)))
    return out


def attachment_marker(page: PageText) -> str | None:
    """The label that opens an attachment page (``Bilaga KF § 31/25``, ``Voteringslista``), or None.

    The label may have been taken off as a running header when every page of a long appendix
    repeats it (``Bilaga Personalsektionen, 29.05.2023 § 30``).
    """
    for text in page.header:
        label = ATTACHMENT_LABEL_RE.search(text.strip())
        if label and re.search(r"§\s*\d|\bbilaga\s+(?:[A-Z]|\d{1,2})\b", label.group("label"), re.IGNORECASE):
            return label.group("label").strip()
    for _start, _end, text in page.lines[:TOP_LINES]:
        m = TABLE_TITLE_RE.match(text)
        if m:
            label = ATTACHMENT_LABEL_RE.search(text)
            return label.group("label").strip() if label else m.group("label")
        label = ATTACHMENT_LABEL_RE.search(text)
        # a bare "Bilaga" is a reference left at the top of a page ("... framgår av bifogad
        # voteringslista." / "Bilaga"); an appendix label names itself: a letter, a number, a §
        if label and len(label.group("label").split()) >= 2 and len(text.split()) <= 10 \
                and not text.rstrip().endswith((".", ",")):
            return label.group("label").strip()
    return None


# a browser's print header or footer gives the page's full address, with its path; a protocol's own
# footer at most its site ("www.lomma.se")
WEB_PRINT_RE = re.compile(r"^(?P<title>.*?)\s*(?:https?://|www\.)[^\s/]+/\S+", re.IGNORECASE)


def web_print_label(page: PageText) -> str | None:
    """A page printed from a web page (a circular, an article) carries its browser header or
    footer: the page title and its address. Printed after an item it is an appendix; the label
    is that title (or the address)."""
    texts = page.header[:2] + [t for _s, _e, t in page.lines[:2]] + [t for _s, _e, t in page.lines[-2:]]
    for text in texts:
        m = WEB_PRINT_RE.match(text.replace("\t", " ").strip())
        if m and len(text.split()) <= 25:
            title = m.group("title").strip(" .…") or text.split()[0]
            return title[:80]
    return None


def _same_label(a: str, b: str) -> bool:
    """Two labels of one appendix: equal, or the same but for OCR noise."""
    return a == b or difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.85


def agenda_page(page: PageText, is_item_line: re.Pattern[str], by_density: bool = True) -> str | None:
    """'Ärendelista' (its heading) when the page is an agenda, or 'agenda' when it is one by its
    density (``by_density``: only before the items begin), or None."""
    for _start, _end, text in page.lines[:TOP_LINES]:
        if AGENDA_HEADING_RE.match(text):
            return text.rstrip(":")
    if not by_density:
        return None
    heads = [k for k, (_s, _e, text) in enumerate(page.lines) if is_item_line.match(text)
             and not re.match(r"^\S+\s*§?\s*\d+\s*§?\s+[a-zåäö]", text)]  # "§ 3 mom. 2": a reference
    numbers = [int(m.group()) for k in heads if (m := re.search(r"\d+", page.lines[k][2]))]
    if len(heads) < AGENDA_MIN_HEADS or numbers != sorted(set(numbers)):
        return None  # an agenda lists the §§ once each, in order
    if any(SECTION_LIKE_RE.match(text) for _s, _e, text in page.lines):
        return None
    gaps = [b - a - 1 for a, b in zip(heads, heads[1:], strict=False)]
    return "agenda" if sum(gaps) / len(gaps) <= AGENDA_MAX_GAP else None


def attachment_kind(text: str) -> str:
    """The kind of an attachment from the words of its first lines."""
    head = "\n".join([ln for ln in text.split("\n") if ln.strip()][:15])
    for kind, rx in ATTACHMENT_KIND_WORDS:
        if rx.search(head):
            return kind
    return "bilaga"


def signatures_page(page: PageText) -> bool:
    """A page of signature lines only (names under Ordförande / Justerande / Sekreterare)."""
    texts = [t for _s, _e, t in page.lines]
    if not texts or len(texts) > 20 or not any(SIGNATURE_RE.match(t) and t.strip("._ ") for t in texts):
        return False
    return all(SIGNATURE_RE.match(t) or len(t.split()) <= 4 for t in texts)


def page_hints(doc: ExtractedDocument, is_item_line: re.Pattern[str]) -> dict[int, tuple[str, str]]:
    """Pages that are an agenda or an attachment by what they show: page -> (kind, label).

    Attachment pages after the first one of an attachment are included (see the module doc).
    """
    hints: dict[int, tuple[str, str]] = {}
    pages = pages_of(doc)
    items_begun = False  # an agenda by density stands before the items, never among them
    trailer = False  # the appeal instructions have begun: nothing after them is an appendix
    k = 0
    while k < len(pages):
        page = pages[k]
        trailer = trailer or any(TRAILER_RE.match(t) and not TOC_LINE_RE.search(t) for _s, _e, t in page.lines)
        label = attachment_marker(page)
        if not label and items_begun and not trailer \
                and not any(is_item_line.match(t) for _s, _e, t in page.lines[:TOP_LINES + 4]):
            label = web_print_label(page)
        if label:
            hints[page.number] = ("attachment", label)
            k += 1
            while k < len(pages):
                nxt = pages[k]
                web = attachment_marker(page) is None  # an appendix known by its browser header
                marker = attachment_marker(nxt) or (web_print_label(nxt) if web else None)
                if marker and (marker == label or (web and _same_label(marker, label))):
                    # the same label on every page of one appendix (a web page's read with OCR noise)
                    hints[nxt.number] = ("attachment-continued", label)
                    k += 1
                    continue
                if marker or any(is_item_line.match(t) or TRAILER_RE.match(t) for _s, _e, t in nxt.lines[:TOP_LINES + 4]):
                    break
                if nxt.has_header and not page.has_header:
                    break  # the protocol's own pages again
                hints[nxt.number] = ("attachment-continued", label)
                k += 1
            continue
        agenda = agenda_page(page, is_item_line, by_density=not items_begun)
        if agenda:
            hints[page.number] = ("agenda", agenda)
        else:
            items_begun = items_begun or any(SECTION_LIKE_RE.match(t) or is_item_line.match(t)
                                             for _s, _e, t in page.lines)
        k += 1
    return hints


def build_regions(
    doc: ExtractedDocument, hints: dict[int, tuple[str, str]], items_start: int | None, items_end: int | None
) -> list[Region]:
    """Regions covering the whole text: cover before ``items_start``, the hinted pages, items, and the
    part after ``items_end`` (signatures, other)."""
    regions: list[Region] = []

    def add(kind: str, start: int, end: int, label: str | None = None) -> None:
        if end <= start or not doc.text[start:end].strip():
            return
        start += len(doc.text[start:end]) - len(doc.text[start:end].lstrip())
        first, last = doc.page_at(start), doc.page_at(max(start, end - 1))
        if regions and regions[-1].kind == kind and regions[-1].label == label and kind != "attachment":
            regions[-1].end, regions[-1].page_end = end, last
            return
        regions.append(Region(kind, first, last, start, end, label))

    pos = 0
    for span in doc.spans:
        hint = hints.get(span.page)
        if hint:
            kind, label = hint
            if kind == "attachment-continued" and regions and regions[-1].kind == "attachment":
                regions[-1].end, regions[-1].page_end = span.end, span.page
                pos = span.end
                continue
            kind = "attachment" if kind.startswith("attachment") else kind
            if kind == "attachment" and items_start is not None and span.end <= items_start \
                    and "bilaga" not in label.lower():
                continue  # a närvarolista before the items is the cover's attendance list
            if pos < span.start:
                _add_plain(add, doc, pos, span.start, items_start, items_end)
            add(kind, span.start, span.end, label)
            pos = span.end
            continue
    _add_plain(add, doc, pos, len(doc.text), items_start, items_end)
    regions.sort(key=lambda r: r.start)
    return regions


def _add_plain(add, doc: ExtractedDocument, start: int, end: int, items_start: int | None,  # type: ignore[no-untyped-def]
               items_end: int | None) -> None:
    """Text outside hinted pages: cover before the items, items, then signatures / other."""
    a = items_start if items_start is not None else end
    b = items_end if items_end is not None else end
    add("cover", start, min(end, a))
    add("item", max(start, a), min(end, b))
    tail_start = max(start, b)
    if tail_start < end:
        tail = doc.text[tail_start:end]
        lines = [t.strip() for t in tail.split("\n") if t.strip()]
        kind = "signatures" if lines and all(SIGNATURE_RE.match(t) or len(t.split()) <= 4 for t in lines) else "other"
        add(kind, tail_start, end)

"""Boxes: where on the page each stored value stands, in PDF points, from the extract stage's words.

The later stages keep character offsets into the document text, not positions. This module maps
a value back to the words of its page (``Page.words``: the text layer's word boxes, or
Tesseract's on an OCR'd page) and keeps the box of each line it covers:
``[page, x0, y0, x1, y1]``, origin at the top left of the page as in ``Word``.

How a value is found: its character range in the document text (an entity's offsets, a section's
offset; a title, heading, name or proposal is searched for near where its row says it stands) is
cut at page breaks; each part is looked for, whitespace and hyphens ignored, among the words of
its page, and where it occurs more than once the occurrence nearest to where the range lies on
the page is taken. A part that does not occur among its page's words gets no box: a value is
located whole or not at all, so no box is ever guessed. Unlocated values are counted and logged.

The boxes are a side table of the ``Protocol`` (``Protocol.boxes``, keyed by ``box_key``), so
computing them changes no other value and no stage output but the tag stage's.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

from .types import ExtractedDocument, Item, Page, Protocol, Word

log = logging.getLogger(__name__)

Box = list[float]  # [page, x0, y0, x1, y1]
Put = Callable[[str, str, "tuple[int, int] | None"], None]  # (kind, key, document range) -> box it

NOISE_RE = re.compile(r"[\s\-\u00ad\x00-\x1f\x7f]+")  # whitespace, hyphens (joined at line ends), controls
# The characters NOISE_RE removes, as code points: up to the space (controls and the space), "-", DEL, the soft
# hyphen, and the whitespace above ASCII (str.isspace; tests/test_segment_speed.py checks every code point).
WIDE_SPACES = np.array([0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
WORD_SEPARATOR = "\uffff"  # a noncharacter, kept by squash: joins a page's words to squash them in one call
HEADING_WINDOW = 400  # characters before a section's text in which its heading is looked for
TITLE_WINDOW = 3000  # ... before an item's first section in which its title is looked for
MARK_WINDOW = 80  # squashed characters before the title in which the "§ N" of the heading is looked for


def squash(text: str) -> str:
    """The text as compared with the words: no whitespace, no hyphens (a word hyphenated at a line end is joined)."""
    return NOISE_RE.sub("", text)


def box_key(kind: str, *index: int) -> str:
    """The key of a row's boxes in ``Protocol.boxes``: ``item/3``, ``entity/3/1/4`` (indexes into the lists)."""
    return "/".join([kind, *map(str, index)])


@dataclass
class Located:
    """How many values of each kind were looked for and how many were found on their page."""

    wanted: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)

    @property
    def unlocated(self) -> int:
        return sum(self.wanted.values()) - sum(self.found.values())


class _PageWords:
    """The words of one page as one squashed string, with where each word's characters start in it."""

    def __init__(self, page: Page):
        self.page = page
        parts = _squashed_each([w.text for w in page.words])
        self.text = "".join(parts)
        # starts[i]: where word i begins in self.text; a word squashed to nothing starts where the next does
        self.starts = list(accumulate((len(t) for t in parts[:-1]), initial=0))

    def owner(self, at: int) -> int:
        """The index of the word the character ``self.text[at]`` belongs to (a word that squashed to
        nothing owns no character: the last word starting at or before ``at`` is the one holding it)."""
        return bisect.bisect_right(self.starts, at) - 1

    def find(self, value: str, expected: int) -> tuple[int, int] | None:
        """Word indexes (first, last) of the occurrence of squashed ``value`` nearest to ``expected``."""
        best: int | None = None
        start = self.text.find(value)
        while start >= 0:
            if best is None or abs(start - expected) < abs(best - expected):
                best = start
            start = self.text.find(value, start + 1)
        if best is None:
            return None
        return self.owner(best), self.owner(best + len(value) - 1)


def _squashed_with_offsets(text: str) -> tuple[str, list[int]]:
    """``squash(text)`` and the offset in ``text`` of each of its characters, worked out on the code
    points as an array (a Python step per character took a fifth of the stage)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kept = ~((codes <= 0x20) | (codes == 0x2D) | (codes == 0x7F) | (codes == 0xAD) | np.isin(codes, WIDE_SPACES))
    squashed = codes[kept].tobytes().decode("utf-32-le", "surrogatepass")
    offsets: list[int] = np.flatnonzero(kept).tolist()
    return squashed, offsets


def _squashed_each(texts: list[str]) -> list[str]:
    """``[squash(t) for t in texts]`` with one regular-expression call for the lot: squash removes
    characters one by one, so squashing the texts joined by a character it keeps and splitting there
    gives each text squashed; the separator is a noncharacter, so no text holds it (checked)."""
    joined = WORD_SEPARATOR.join(texts)
    if not texts or joined.count(WORD_SEPARATOR) != len(texts) - 1:
        return [squash(t) for t in texts]
    return squash(joined).split(WORD_SEPARATOR)


class Locator:
    """Finds document text ranges on the page images of one extracted document."""

    def __init__(self, doc: ExtractedDocument):
        self.doc = doc
        self.pages = {p.number: p for p in doc.pages}
        self._words: dict[int, _PageWords] = {}
        self._shifts: dict[tuple[int, int], int] = {}
        # the document text squashed, and the original offset of each squashed character
        self.squashed, self.squashed_offsets = _squashed_with_offsets(doc.text)
        # the page spans in text order (as extract writes them) let _parts find a range's spans by bisection
        self.span_ends = [s.end for s in doc.spans]
        self.spans_ordered = all(s.start <= s.end for s in doc.spans) and all(
            a.end <= b.start for a, b in zip(doc.spans, doc.spans[1:], strict=False))

    def words(self, number: int) -> _PageWords | None:
        page = self.pages.get(number)
        if page is None or not page.words:
            return None
        if number not in self._words:
            self._words[number] = _PageWords(page)
        return self._words[number]

    def find_text(self, value: str | None, lo: int, hi: int, last: bool = False) -> tuple[int, int] | None:
        """The document range of ``value`` (whitespace and hyphens ignored) inside ``text[lo:hi]``."""
        target = squash(value or "")
        if not target:
            return None
        a, b = self._squashed_index(lo), self._squashed_index(hi)
        at = self.squashed.rfind(target, a, b) if last else self.squashed.find(target, a, b)
        if at < 0:
            return None
        return self.squashed_offsets[at], self.squashed_offsets[at + len(target) - 1] + 1

    def checked(self, value: str, start: int, end: int) -> tuple[int, int] | None:
        """``(start, end)`` when the document text there is ``value`` (an entity's offsets), else None."""
        wanted = squash(value)
        return (start, end) if wanted and self._squashed_text(start, end) == wanted else None

    def _squashed_index(self, offset: int) -> int:
        return bisect.bisect_left(self.squashed_offsets, max(0, offset))

    def _squashed_text(self, start: int, end: int) -> str:
        """``squash(self.doc.text[start:end])``, cut from the squashed text: its characters are those
        whose original offset lies in ``[start, end)`` (a negative offset counts from the end: squashed
        the plain way)."""
        if start < 0 or end < 0:
            return squash(self.doc.text[start:end])
        return self.squashed[self._squashed_index(start):self._squashed_index(end)]

    def boxes(self, start: int, end: int) -> list[Box] | None:
        """The line boxes of ``text[start:end]``, page by page; None when any part is not among its page's words."""
        out: list[Box] = []
        for number, a, b, span_start in self._parts(start, end):
            part = self._squashed_text(a, b)
            if not part:
                continue
            words = self.words(number)
            if words is None:
                return None
            # where the part should lie in the page's words: as far in as it is in the page's text,
            # after whatever of the page (a running header) comes before the page's text
            found = words.find(part, self._shift(number, span_start, words) + len(self._squashed_text(span_start, a)))
            if found is None:
                return None
            out.extend(_line_boxes(number, words.page.words[found[0]:found[1] + 1]))
        return out or None

    def _shift(self, number: int, span_start: int, words: _PageWords) -> int:
        """Where the page text starting at ``span_start`` begins among the words of page ``number`` (after a
        running header), found from its first 40 characters; worked out once per page span, not per value."""
        key = (number, span_start)
        if key not in self._shifts:
            lead = self._squashed_text(span_start, span_start + 40)
            self._shifts[key] = max(words.text.find(lead), 0) if lead else 0
        return self._shifts[key]

    def _parts(self, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
        """(page, start, end, page text start) of the pieces of ``text[start:end]`` on each page."""
        spans = self.doc.spans
        # spans in text order: those ending at or before ``start`` hold none of it, nor do those after ``end``
        first = bisect.bisect_right(self.span_ends, start) if self.spans_ordered else 0
        for span in spans[first:] if first else spans:
            if self.spans_ordered and span.start >= end:
                return
            a, b = max(start, span.start), min(end, span.end)
            if a < b:
                yield span.page, a, b, span.start


def _line_boxes(page: int, words: list[Word]) -> list[Box]:
    """One box per line of consecutive words (a word starting a new line: its top below the last word's middle)."""
    out: list[Box] = []
    for w in words:
        last = out[-1] if out else None
        if last is not None and w.top < (last[2] + last[4]) / 2 and w.x0 >= last[1] - 1:
            last[1], last[2] = min(last[1], w.x0), min(last[2], w.top)
            last[3], last[4] = max(last[3], w.x1), max(last[4], w.bottom)
        else:
            out.append([page, w.x0, w.top, w.x1, w.bottom])
    return [[int(b[0]), *(round(v, 2) for v in b[1:])] for b in out]


def add_boxes(protocol: Protocol, doc: ExtractedDocument) -> Located:
    """Fill ``protocol.boxes`` for every item heading, section heading, entity, cover entity, attendee,
    recipient, proposal, vote and attachment that can be found on its page; logs how many could not."""
    loc = Locator(doc)
    stats = Located()
    boxes: dict[str, list[Box]] = {}

    def put(kind: str, key: str, where: tuple[int, int] | None) -> None:
        stats.wanted[kind] += 1
        found = loc.boxes(*where) if where is not None else None
        if found:
            stats.found[kind] += 1
            boxes[key] = found

    cover_end = _cover_end(protocol)
    for k, e in enumerate(protocol.meeting.entities):
        put("cover_entity", box_key("cover_entity", k), loc.checked(e.text, e.start, e.end))
    cursor = 0
    for k, a in enumerate(protocol.meeting.attendees):
        where = loc.find_text(a.name, cursor, cover_end) or loc.find_text(a.name, 0, cover_end)
        cursor = where[1] if where else cursor
        put("attendee", box_key("attendee", k), where)
    previous_end = cover_end
    for i, item in enumerate(protocol.items):
        first = item.sections[0].offset if item.sections else None
        put("item", box_key("item", i), _item_heading(loc, item.number, item.title, previous_end, first))
        for j, section in enumerate(item.sections):
            if section.heading:
                lo = max(0, section.offset - HEADING_WINDOW)
                put("section", box_key("section", i, j), loc.find_text(section.heading, lo, section.offset + 1, last=True))
            for k, e in enumerate(section.entities):
                put("entity", box_key("entity", i, j, k),
                    loc.checked(e.text, section.offset + e.start, section.offset + e.end))
            previous_end = section.offset + len(section.text)
        _recipients(loc, item, i, put)
    _decisions(loc, protocol, put)
    for k, att in enumerate(protocol.attachments):
        end = att.offset + len(att.text)
        first_line = att.text.strip().split("\n", 1)[0]
        where = (loc.find_text(att.label, att.offset, end) or loc.find_text(att.title, att.offset, end)
                 or loc.find_text(first_line, att.offset, end))
        put("attachment", box_key("attachment", k), where)
    protocol.boxes = boxes
    if stats.unlocated:
        missing = ", ".join(f"{kind} {stats.wanted[kind] - stats.found[kind]}" for kind in sorted(stats.wanted)
                            if stats.wanted[kind] > stats.found[kind])
        log.info("%s: %d of %d values not located on their page (%s)", protocol.path, stats.unlocated,
                 sum(stats.wanted.values()), missing)
    return stats


def _cover_end(protocol: Protocol) -> int:
    """Where the cover ends in the document text: its own text, else the first section."""
    if protocol.meeting.cover_text:
        return len(protocol.meeting.cover_text)
    firsts = [item.sections[0].offset for item in protocol.items if item.sections]
    return min(firsts) if firsts else 0


def _item_heading(loc: Locator, number: int, title: str | None, lo: int, first_section: int | None
                  ) -> tuple[int, int] | None:
    """The range of an item's heading: its title, from the "§ N" before it when that stands just before."""
    hi = first_section if first_section is not None else min(len(loc.doc.text), lo + TITLE_WINDOW)
    lo = max(lo, hi - TITLE_WINDOW) if first_section is not None else lo
    found = loc.find_text(title, lo, hi, last=True) if title else None
    mark_hi = found[0] if found else hi
    mark = loc.find_text(f"§ {number}", max(lo, mark_hi - MARK_WINDOW), mark_hi, last=True) or \
        loc.find_text(f"{number} §", max(lo, mark_hi - MARK_WINDOW), mark_hi, last=True)
    if found and mark:
        return mark[0], found[1]
    return found or mark


def _recipients(loc: Locator, item: Item, i: int, put: Put) -> None:
    """Each addressee of the item, searched in order from its Expedieras till section, else in the
    item's text (``Beslutet delges A, B och C`` in any section)."""
    if not item.sections:
        return
    lo, hi = item.sections[0].offset, item.sections[-1].offset + len(item.sections[-1].text)
    cursor = next((s.offset for s in item.sections if s.kind == "expedieras_till"), lo)
    for k, name in enumerate(item.recipients):
        where = loc.find_text(name, cursor, hi) or loc.find_text(name, lo, hi)
        cursor = where[1] if where else cursor
        put("recipient", box_key("recipient", i, k), where)


def _decisions(loc: Locator, protocol: Protocol, put: Put) -> None:
    """Proposals (their text, else the proposer) and votes (the question, else the section's heading)."""
    sections = {(item.number, s.position): s for item in protocol.items for s in item.sections}
    for k, p in enumerate(protocol.decisions.proposals):
        s = sections.get((p.item_number, p.section_position))
        where = None
        if s is not None:
            end = s.offset + len(s.text)
            where = loc.find_text(p.text, s.offset, end) or loc.find_text(p.person, s.offset, end)
        put("proposal", box_key("proposal", k), where)
    for k, v in enumerate(protocol.decisions.votes):
        s = sections.get((v.item_number, v.section_position))
        where = None
        if s is not None:
            end = s.offset + len(s.text)
            where = loc.find_text(v.question, s.offset, end) if v.question else None
            if where is None and s.heading:
                where = loc.find_text(s.heading, max(0, s.offset - HEADING_WINDOW), s.offset + 1, last=True)
        put("vote", box_key("vote", k), where)

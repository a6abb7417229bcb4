"""Member vote tables read from word positions: who voted Ja, Nej or Avstår.

Swedish protocols print the members' votes as a table, inline under Omröstning or
on a Voteringslista page of its own. Two forms are common:

- X marks: a header ``Ledamot  Ja  Nej  Avstår`` (maybe ``Frånvarande``, maybe
  ``Parti``, ``Nr``, ``Ersättare`` columns) and one row per member with an ``X``
  under the column of the vote;
- a vote column: ``Namn  Parti  Val`` (or ``Röst``) with the word ``Ja``, ``Nej``
  or ``Avstår`` in it.

``member_tables`` finds the header, reads the rows below it to the end of the
table (a line that is no member row; the next page when it continues the same
columns), pairs each vote with the member row it stands on (or, when a cell
wraps, the row nearest to it), and takes the totals printed above or below the
table (``Ja 22``, ``Nej: 10``, ``Summa 5 3 1``) as ``counts``.

Text files (pdftotext ``-layout`` output) carry no word boxes; their lines are
read as a monospaced page, one character per column.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .types import ExtractedDocument, MemberTable, VoteMember, Word
from .values import PARTY_NAMES, party_code

log = logging.getLogger(__name__)

# Header words, lower case without trailing punctuation, by what the column holds.
VOTE_HEADS = {
    "ja": "ja",
    "nej": "nej",
    "avstår": "avstår",
    "avstod": "avstår",
    "avst": "avstår",
    "avstående": "avstår",
    "frånvarande": "frånvarande",
    "frånv": "frånvarande",
    "frånvaro": "frånvarande",
}
VALUE_HEADS = {"val", "röst", "röstning", "röstade", "votering", "röst/val", "omröstning"}
NAME_HEADS = {
    "ledamot", "ledamöter", "namn", "ledamot/ersättare", "ledamöter/ersättare", "förtroendevald",
    "förtroendevalda", "ordinarie", "ledamot/tjänstgörande", "ledamot och parti", "namn och parti",
    "ledamot (parti)", "namn (parti)", "ledamot/parti", "namn/parti", "efternamn", "förnamn",
    "ordinarie ledamot", "ordinarie ledamöter", "ledamöter och ersättare",
}
SUBSTITUTE_HEADS = {"ersättare", "tjänstgörande ersättare", "tjänstgörande", "tjg ersättare", "tjg. ersättare"}
PARTY_HEADS = {"parti", "partibeteckning", "partitillhörighet", "part"}
SEAT_HEADS = {"stol", "nr", "plats", "nummer", "#", "mandat", "stol nr", "nr."}
REPLACES_HEADS = {"ersätter", "ersättare för", "ersätter ledamot", "i stället för"}
PRESENCE_HEADS = {"närv", "närvarande", "närvaro", "tjänstgör", "tjg", "närvarande ledamöter"}
HEAD_WORDS = (
    set(VOTE_HEADS) | VALUE_HEADS | PARTY_HEADS | SEAT_HEADS | PRESENCE_HEADS
    | {w for phrase in NAME_HEADS | SUBSTITUTE_HEADS | REPLACES_HEADS for w in phrase.split()}
)

MARKS = {"x", "×", "✕", "✗", "✘", "☒", "☑", "✓", "✔"}
VOTE_WORDS = {
    "ja": "ja", "nej": "nej", "avstår": "avstår", "avstod": "avstår", "avst": "avstår",
    "frånvarande": "frånvarande", "frånv": "frånvarande",
}
# A totals line: "Ja 22", "Ja: 22, Nej: 10, Avstår: 1.", "Antal ja-röster 22", "Resultat", "Totalt 33".
COUNT_PAIR_RE = re.compile(
    r"\b(?:antal\s+)?(?P<label>ja|nej|avstår|avstod|avstående|frånvarande|frånv)(?:-?\s?röster)?\.?\s*:?\s*(?P<n>\d{1,3})\b",
    re.IGNORECASE,
)
COUNT_LINE_RE = re.compile(
    r"^(?:(?:resultat|summa|totalt|total|antal|röster|omröstningsresultat|ja|nej|avstår|avstod|avstående|"
    r"frånvarande|frånv|kvittade|-?röster)[\s:.,;]*|\d{1,3}(?!\d)[\s:.,;]*)+$",
    re.IGNORECASE,
)
TOTAL_ROW_RE = re.compile(r"^(?:summa|totalt|total|antal|resultat)\b", re.IGNORECASE)
PARTY_PAREN_RE = re.compile(r"\(\s*(?P<code>[A-Za-zÅÄÖåäö]{1,4}|-)\s*\)")
NAME_PARTICLES = {"von", "van", "af", "de", "der", "la", "du", "di", "och"}


@dataclass
class _Line:
    """Words of one visual line, left to right."""

    words: list[Word]
    top: float
    bottom: float
    exact: bool = True  # False: a text line whose column gaps were replaced by tabs (positions lost)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class _Column:
    kind: str  # name, substitute, party, seat, replaces, presence, vote, value, unknown
    x0: float
    x1: float
    value: str | None = None  # the vote value of a vote column

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class _Row:
    """A member row being read: name (and substitute) text, party, vote, vertical extent."""

    name: list[str] = field(default_factory=list)
    substitute: list[str] = field(default_factory=list)
    party: list[str] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    vote: str | None = None
    clash: bool = False  # two different votes on one row: not read

    def closed(self, paren_style: bool) -> bool:
        return not paren_style or ")" in " ".join(self.name)


def _norm(word: str) -> str:
    return word.lower().strip(":.,;")


# ---------------------------------------------------------------- lines


def _lines_of(words: list[Word]) -> list[_Line]:
    """Words grouped into lines by their vertical centres, top to bottom."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        mid = (w.top + w.bottom) / 2
        if lines and abs(mid - lines[-1].mid) <= max(2.0, 0.35 * lines[-1].height):
            line = lines[-1]
            line.words.append(w)
            line.top, line.bottom = min(line.top, w.top), max(line.bottom, w.bottom)
        else:
            lines.append(_Line([w], w.top, w.bottom))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _page_body(doc: ExtractedDocument, index: int) -> str:
    """The body text of page ``index`` (0-based): its spans of the document text."""
    number = doc.pages[index].number
    return "\n".join(doc.text[s.start : s.end] for s in doc.spans if s.page == number)


def _may_hold_header(doc: ExtractedDocument, index: int) -> bool:
    """False when no line of page ``index`` can be a table header, by its words alone (no lines built).

    ``_header`` accepts a line only with a column titled ``ja`` and one titled ``nej``, or with a column
    whose title is in ``VALUE_HEADS``. Such titles hold no space, so each is one word whose ``_norm`` is
    the title (``_phrases`` joins two or more words with a space). The lines of ``_page_lines`` are made
    of the page's words (of the whitespace-separated tokens of its text for a text page), so a page
    without such words has no header; it is skipped without grouping its words into lines, which is
    most of ``member_tables``' time (nine pages in ten hold no table).
    """
    page = doc.pages[index]
    texts = {w.text for w in page.words} if page.words else set(_page_body(doc, index).split())
    norms = {_norm(t) for t in texts}
    return {"ja", "nej"} <= norms or not norms.isdisjoint(VALUE_HEADS)


def _page_lines(doc: ExtractedDocument, index: int) -> list[_Line]:
    """The body lines of page ``index`` (0-based): words when the page has them, else its text as monospace."""
    page = doc.pages[index]
    body = _page_body(doc, index)
    if page.words:
        flat = _squash(body)
        # running headers and footers are in the words but not in the text: keep what the text has
        return [ln for ln in _lines_of(page.words) if _squash(ln.text) in flat]
    return _monospace_lines(body)


def _monospace_lines(text: str) -> list[_Line]:
    """A pdftotext -layout page as lines of words: one character = 5 pt, one line = 14 pt."""
    lines: list[_Line] = []
    for row, raw in enumerate(text.split("\n")):
        words = [
            Word(m.group(0), m.start() * 5.0, row * 14.0, m.end() * 5.0, row * 14.0 + 10.0)
            for m in re.finditer(r"\S+", raw.replace("\t", "    "))
        ]
        if words:
            lines.append(_Line(words, row * 14.0, row * 14.0 + 10.0, exact="\t" not in raw))
    return lines


# ---------------------------------------------------------------- header


def _phrases(line: _Line) -> list[tuple[str, float, float]]:
    """Header words joined into column titles: close words belong together, vote words always stand alone."""
    out: list[list[Word]] = []
    gap = 0.8 * line.height
    for w in line.words:
        lone = _norm(w.text) in VOTE_HEADS
        if out and not lone and _norm(out[-1][-1].text) not in VOTE_HEADS and w.x0 - out[-1][-1].x1 < gap:
            out[-1].append(w)
        else:
            out.append([w])
    return [(" ".join(_norm(w.text) for w in ws), ws[0].x0, ws[-1].x1) for ws in out]


def _column_kind(title: str) -> str:
    if title in VOTE_HEADS:
        return "vote"
    if title in VALUE_HEADS:
        return "value"
    for kind, heads in (
        ("name", NAME_HEADS), ("substitute", SUBSTITUTE_HEADS), ("party", PARTY_HEADS), ("seat", SEAT_HEADS),
        ("replaces", REPLACES_HEADS), ("presence", PRESENCE_HEADS),
    ):
        if title in heads:
            return kind
    words = title.split()
    if words and words[0] in {"ledamot", "ledamöter", "namn"}:
        return "name"
    return "unknown"


def _header(line: _Line) -> list[_Column] | None:
    """The columns of a table header line, or None when the line is no such header.

    ``_may_hold_header`` skips pages by the column titles this requires: keep the two in step.
    """
    if len(line.words) > 14 or any(ch.isdigit() for ch in line.text):
        return None
    if sum(_norm(w.text) not in HEAD_WORDS for w in line.words) > 1:
        return None
    columns = [_Column(_column_kind(t), x0, x1, VOTE_HEADS.get(t)) for t, x0, x1 in _phrases(line)]
    votes = [c for c in columns if c.kind == "vote"]
    values = {c.value for c in votes}
    if {"ja", "nej"} <= values:
        first = {v: min(c.x0 for c in votes if c.value == v) for v in values}
        if first["ja"] < first["nej"]:
            return columns
        return None
    if any(c.kind == "value" for c in columns) and any(c.kind in ("name", "party", "seat") for c in columns):
        if not votes:
            return columns
    return None


# ---------------------------------------------------------------- rows


@dataclass
class _Layout:
    """Where each kind of cell lies in a table with these columns."""

    columns: list[_Column]

    def __post_init__(self) -> None:
        self.columns.sort(key=lambda c: c.x0)
        self.voting = [c for c in self.columns if c.kind in ("vote", "value")]
        self.marks = any(c.kind == "vote" for c in self.columns)
        # Text columns start at their title (left aligned); name and seat share the region up to the first
        # other column, since seat numbers and names are often printed together ("1Robert Wenglén (M)").
        self.starts = [c for c in self.columns if c.kind not in ("name", "seat")]
        self.first_vote = min(c.x0 for c in self.voting)

    def vote_at(self, word: Word) -> str | None:
        """The vote a mark or vote word stands for by where it lies, or None."""
        text = _norm(word.text)
        centre = (word.x0 + word.x1) / 2
        if self.marks:
            if text not in MARKS:
                return None
            votes = [c for c in self.voting if c.kind == "vote"]
            best = min(votes, key=lambda c: abs(c.centre - centre))
            i = votes.index(best)
            half = max(best.x1 - best.x0, 6.0)
            if len(votes) > 1:
                neighbours = [abs(votes[j].centre - best.centre) for j in (i - 1, i + 1) if 0 <= j < len(votes)]
                half = max(half / 2 + 4.0, min(neighbours) / 2)
            return best.value if abs(best.centre - centre) <= half else None
        if text not in VOTE_WORDS:
            return None
        column = self.column_at(word)
        return VOTE_WORDS[text] if column is not None and column.kind == "value" else None

    def column_at(self, word: Word) -> _Column | None:
        """The text column a word lies in (None: the name region)."""
        tolerance = 0.3 * (word.bottom - word.top)
        centre = (word.x0 + word.x1) / 2
        found = None
        for c in self.starts:
            # a word in a text column starts at or after its title; a vote column's cells may be centred
            if c.x0 - tolerance <= (centre if c.kind in ("vote", "value") else word.x0):
                found = c
        return found


def _name_like(words: list[str]) -> bool:
    """A member name (or a piece of one): capitalised words, a party in brackets, a seat number, no sentence."""
    if not words or len(words) > 8:
        return False
    text = " ".join(words)
    if re.search(r"[.!?:;]$", text) and not re.search(r"\b[A-ZÅÄÖ]\.$", text):
        return False
    capitals = 0
    for w in words:
        bare = re.sub(r"^\d+", "", w).strip(",")
        if not bare or re.fullmatch(r"\(.*\)|\d+|-", bare):
            continue
        if bare[0].isupper():
            capitals += 1
        elif bare not in NAME_PARTICLES:
            return False
    return capitals >= 1


@dataclass
class _Read:
    """What one line says as part of a table."""

    name: list[str] = field(default_factory=list)
    substitute: list[str] = field(default_factory=list)
    party: list[str] = field(default_factory=list)
    votes: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    foreign: bool = False  # text where only marks or votes belong: no table row


def _read_line(line: _Line, layout: _Layout) -> _Read:
    read = _Read()
    for w in line.words:
        vote = layout.vote_at(w)
        if vote:
            read.votes.append(vote)
            continue
        column = layout.column_at(w)
        if column is None:
            read.name.append(w.text)
        elif column.kind in ("vote", "value"):
            if _norm(w.text) not in MARKS | {"-", "–"}:
                read.foreign = True
        elif column.kind == "substitute":
            read.substitute.append(w.text)
        elif column.kind == "party":
            read.party.append(w.text)
        else:
            read.other.append(w.text)
    return read


def _label_value(label: str) -> str:
    label = _norm(label)
    if label.startswith("ja"):
        return "ja"
    if label.startswith("nej"):
        return "nej"
    if label.startswith("avst"):
        return "avstår"
    return "frånvarande"


def _counts_of(line: _Line, layout: _Layout | None) -> dict[str, int] | None:
    """Totals on a line (``Ja 22``, ``Summa 5 3 1`` under the vote columns), or None when the line is no totals line."""
    text = line.text
    if not COUNT_LINE_RE.match(text) or not re.search(r"[A-Za-zÅÄÖåäö]", text):
        return None
    counts: dict[str, int] = {}
    for m in COUNT_PAIR_RE.finditer(text):
        counts.setdefault(_label_value(m.group("label")), int(m.group("n")))
    if not counts and layout is not None and layout.marks and TOTAL_ROW_RE.match(text):
        for w in line.words:
            if w.text.isdigit():
                vote = layout.vote_at(Word("x", w.x0, w.top, w.x1, w.bottom))
                if vote:
                    counts.setdefault(vote, int(w.text))
    return counts


def _pair(rows: list[_Row], loose: list[tuple[float, str]], pitch: float) -> int:
    """Give each vote standing on a line without a name to the nearest row without a vote; return how many found none."""
    unplaced = 0
    for mid, vote in loose:
        best: tuple[float, _Row] | None = None
        tie = False
        for row in rows:
            if row.vote is not None or row.clash:
                continue
            distance = 0.0 if row.top <= mid <= row.bottom else min(abs(mid - row.top), abs(mid - row.bottom))
            if distance > 0.9 * pitch:
                continue
            if best is None or distance < best[0] - 0.5:
                best, tie = (distance, row), False
            elif abs(distance - best[0]) <= 0.5:
                tie = True
        if best is None or tie:
            unplaced += 1
        else:
            best[1].vote = vote
    return unplaced


def _member(row: _Row) -> VoteMember | None:
    words = row.substitute if row.substitute else row.name
    text = re.sub(r"^\d+[.)]?\s*", "", " ".join(words)).strip(" ,")
    party = None
    m = PARTY_PAREN_RE.search(text)
    if m:
        party = party_code(m.group("code")) if m.group("code") != "-" else None
        text = text[: m.start()].strip(" ,")
    elif row.party:
        raw = " ".join(row.party).strip("() ")
        party = party_code(raw) or PARTY_NAMES.get(raw.lower())
    if "," in text:  # "Frostdahl-Blomqvist, Siw" -> "Siw Frostdahl-Blomqvist"
        last, _, first = text.partition(",")
        text = f"{first.strip()} {last.strip()}"
    text = re.sub(r"\s+", " ", text).strip()
    if not re.search(r"[A-ZÅÄÖÉÜa-zåäöéü]{2}", text) or row.vote is None or row.clash:
        return None
    return VoteMember(text, party, row.vote)


# ---------------------------------------------------------------- tables


@dataclass
class _Table:
    page: int
    header: _Line
    layout: _Layout
    rows: list[_Row] = field(default_factory=list)
    loose: list[tuple[float, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    unplaced: int = 0
    inexact: bool = False  # some of its lines lost their column positions


def _read_rows(lines: list[_Line], start: int, table: _Table, pitch: float) -> tuple[int, bool]:
    """Read member rows from ``lines[start:]``; return where the table ended and whether it ran to the page end."""
    layout = table.layout
    paren_style = True
    names_seen = [ln for ln in lines[start : start + 12] if _read_line(ln, layout).name]
    if names_seen:
        paren_style = sum("(" in " ".join(_read_line(ln, layout).name) for ln in names_seen) * 2 >= len(names_seen)
    rows: list[_Row] = []
    loose: list[tuple[float, str]] = []
    open_row: _Row | None = None
    last_bottom = lines[start - 1].bottom if start else None  # None: at the top of a page the table goes on to
    i = start
    while i < len(lines):
        line = lines[i]
        if _counts_of(line, layout) is not None:
            break  # the totals under the table
        read = _read_line(line, layout)
        table.inexact = table.inexact or not line.exact
        if read.foreign or (last_bottom is not None and line.top - last_bottom > 4 * pitch):
            break
        if read.name and not _name_like(read.name):
            break
        if not read.name and not read.votes and not read.substitute and not read.party and not read.other:
            break
        if read.name:
            joins = (
                open_row is not None
                and not open_row.closed(paren_style)
                and line.top - open_row.bottom <= 0.9 * pitch
                and not (open_row.vote and read.votes)
            )
            if joins and open_row is not None:
                open_row.name.extend(read.name)
                open_row.bottom = line.bottom
                row = open_row
            else:
                if not rows and paren_style and len(read.name) == 1 and "(" not in read.name[0] and not read.votes:
                    break  # a lone word right under the header is no member: no table after all
                row = _Row(list(read.name), top=line.top, bottom=line.bottom)
                rows.append(row)
            open_row = row
            row.substitute.extend(read.substitute)
            row.party.extend(read.party)
            for vote in read.votes:
                if row.vote is None:
                    row.vote = vote
                elif row.vote != vote:
                    row.clash = True
        else:
            if read.substitute and open_row is not None and line.top - open_row.bottom <= 0.9 * pitch:
                open_row.substitute.extend(read.substitute)
            if read.party and open_row is not None and not open_row.party and line.top - open_row.bottom <= 0.9 * pitch:
                open_row.party.extend(read.party)
            for vote in read.votes:
                loose.append((line.mid, vote))
        last_bottom = line.bottom
        i += 1
    table.rows.extend(rows)
    table.loose.extend(loose)
    return i, i == len(lines)


def _pitch(lines: list[_Line]) -> float:
    """The usual distance between consecutive lines of a page."""
    gaps = sorted(b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if b.top > a.top)
    return gaps[len(gaps) // 2] if gaps else 14.0


def _counts_near(lines: list[_Line], start: int, step: int, stop: int, layout: _Layout) -> dict[str, int]:
    """Totals on consecutive lines from ``start`` (up: step -1, down: +1), a bare 'Resultat' line included."""
    counts: dict[str, int] = {}
    i = start
    seen = 0
    while 0 <= i < len(lines) and i != stop and seen < 8:
        found = _counts_of(lines[i], layout)
        if found is None:
            break
        for k, v in found.items():
            counts.setdefault(k, v)
        i += step
        seen += 1
    return counts


def _offset(doc: ExtractedDocument, page: int, header: _Line) -> int:
    spans = [s for s in doc.spans if s.page == page]
    if not spans:
        return 0
    pattern = r"\s+".join(re.escape(w.text) for w in header.words)
    for s in spans:
        m = re.compile(pattern).search(doc.text, s.start, s.end)
        if m:
            return m.start()
    return spans[0].start


class _Pages:
    """The body lines of each page of ``doc`` (``_page_lines``), built when first asked for, once."""

    def __init__(self, doc: ExtractedDocument):
        self.doc = doc
        self._lines: dict[int, list[_Line]] = {}

    def __len__(self) -> int:
        return len(self.doc.pages)

    def __getitem__(self, index: int) -> list[_Line]:
        if index not in self._lines:
            self._lines[index] = _page_lines(self.doc, index)
        return self._lines[index]


def member_tables(doc: ExtractedDocument) -> list[MemberTable]:
    """Every table of members' votes in ``doc`` (X marks in Ja/Nej/Avstår columns, or a Val/Röst column)."""
    out: list[MemberTable] = []
    pages = _Pages(doc)
    index = 0
    skip_to = 0  # lines of the current page already read by a table that continued onto it
    while index < len(pages):
        if not _may_hold_header(doc, index):
            # the loop below would find no header on this page and go to the next one
            index, skip_to = index + 1, 0
            continue
        lines = pages[index]
        pitch = _pitch(lines)
        i = previous_end = skip_to
        skip_to = 0
        continued_to: tuple[int, int] | None = None
        while i < len(lines):
            columns = _header(lines[i])
            if columns is None:
                i += 1
                continue
            page_number = doc.pages[index].number
            table = _Table(page_number, lines[i], _Layout(columns), inexact=not lines[i].exact)
            table.counts.update(_counts_near(lines, i - 1, -1, previous_end - 1, table.layout))
            end, at_page_end = _read_rows(lines, i + 1, table, pitch)
            after = _counts_near(lines, end, 1, len(lines), table.layout)
            # the table may go on on the next pages, with or without its header repeated
            p = index
            while at_page_end and not after and p + 1 < len(pages):
                nxt = pages[p + 1]
                start = 1 if nxt and _header(nxt[0]) is not None else 0
                if start:
                    table.layout = _Layout(_header(nxt[0]) or [])
                if not nxt:
                    break
                before_rows = len(table.rows) + len(table.loose)
                end, at_page_end = _read_rows(nxt, start, table, _pitch(nxt))
                if len(table.rows) + len(table.loose) == before_rows:
                    break
                p += 1
                after = _counts_near(nxt, end, 1, len(nxt), table.layout)
                continued_to = (p, end)
            for k, v in after.items():
                table.counts.setdefault(k, v)
            table.unplaced = _pair(table.rows, table.loose, pitch)
            members = [m for m in (_member(r) for r in table.rows) if m is not None]
            if members or table.counts:
                if table.unplaced * 10 > len(members) + table.unplaced:
                    log.info("%s p. %d: member table not read, %d of its votes stand on no member row",
                             doc.path, page_number, table.unplaced)
                    members = []
                elif table.inexact:
                    # a text file whose column gaps became tabs: which column a mark stood in is lost
                    log.info("%s p. %d: member table not read, its text lost the column positions",
                             doc.path, page_number)
                    members = []
                out.append(MemberTable(page_number, _offset(doc, page_number, table.header), members,
                                       dict(table.counts)))
            if continued_to is not None:
                break
            previous_end = end
            i = max(end, i + 1)
        if continued_to is not None:
            index, skip_to = continued_to
            continue
        index += 1
    return out

"""Decision clauses: an item's decision cut into its numbered points, ``att``-clauses or bullets.

The decision is the item's last Beslut section (Finland-Swedish protocols print earlier handling
rounds, ``Stadsstyrelsens beslut``, before this meeting's); a Beslut that only says it follows the
proposal (``Enligt förslag.``, ``Stadsdirektörens förslag godkändes.``, ``Personalsektionen godkände
stadsdirektörens förslag.``), apart from what a Beslut records beside the decision (a jäv declared,
``Paragrafen förklarades omedelbart justerad``, ``Beslutet delges …``), is read from the proposal
before it. A lead-in (``Enligt kommunstyrelsens förslag:``, ``Kommunstyrelsen föreslår att
kommunfullmäktige beslutar:``, ``På förslag av X (V):``) is no clause. Then, in this order:

- numbered points ``1.`` / ``1)`` at line starts, counting up from 1: one clause per number, its
  lettered sub-points (``a.``) inside it;
- bullets (``-``, ``•``) at line starts: one clause per bullet of the first bullet's glyph (dashes one
  kind), bullets of another glyph below it being its sub-points;
- ``att``-clauses (``beslutar att X, att Y``, or lines that start with ``att``): one per ``att``;
- otherwise the whole decision is one clause.

A clause loses its marker, a leading ``att`` and its trailing punctuation (``.``, ``,``, ``;``, a
joining ``samt`` / ``och``), trailing lines that are page furniture, an attachment marker
(``Bilaga``, ``Bilaga A``) or a stray bullet or dash (``-`` alone on the last line of a Beslut), and
the recorded sentences above at its start or end. A paragraph announcing a list of incoming letters
(``… har följande skrivelser och motioner inkommit``) ends the decision: it is the case, run on.
Offsets are into the raw section text; ``text`` has its line breaks and running page headers removed.
"""

from __future__ import annotations

import re

from ..types import DecisionClause, Item, Section
from .text import clean_text

# "Enligt kommunstyrelsens förslag:", "På förslag av Jenny Broman (V):", "Enligt återremissyrkande från S, V och MP:"
LEAD_IN_ACCORDING_RE = re.compile(r"\s*(?:enligt|på\s+förslag\s+(?:av|från)|i\s+enlighet\s+med)\s[^:.]{0,200}?:\s*", re.I)
# "Kommunstyrelsen tillstyrker ... och föreslår att kommunfullmäktige beslutar:", "Socialnämnden beslutar:",
# "Stadsstyrelsen beslöt att:", "Kommunfullmäktige beslutar enligt följande:"
# "Barn- och utbildningsnämnden beslutar följande" alone on its line before the bullets: the colon left out.
LEAD_IN_DECIDES_RE = re.compile(
    r"\s*[^:]{0,250}?\b(?:beslutar|beslöt|beslutade|besluta|föreslår|föreslås)(?:\s+(?:enligt\s+)?följande)?"
    r"(?:\s+att)?(?:\s*:|(?<=följande)[ \t]*(?=\n))\s*",
    re.I,
)
NUMBER_RE = re.compile(r"^[ \t]*(?P<n>\d{1,2})[.)][ \t]+(?=\S)", re.M)
BULLET_RE = re.compile(r"^[ \t]*(?P<glyph>[-–•\uf0b7▪●◦*])[ \t]*(?=\S)", re.M)
DASHES = "-–"
# A second lead-in on its own line inside the decision ("Enligt yrkande från S, V och MP:" after point 9): it ends
# the clause before it, and what follows is a clause of its own (KS deciding itself after proposing to KF).
LEAD_IN_LINE_RE = re.compile(r"^[ \t]*(?:enligt|på\s+förslag\s+(?:av|från)|i\s+enlighet\s+med)\s[^:.\n]{0,200}:[ \t]*\n", re.I | re.M)
ATT_LINE_RE = re.compile(r"^[ \t]*att[ \t]+(?=\S)", re.M | re.I)
# ", att", "; att", "samt att", "och att" between clauses of one sentence ("beslutar att X, att Y")
ATT_INLINE_RE = re.compile(r"(?:[,;]\s*(?:samt\s+|och\s+)?|\s+(?:samt|och)\s+)att\s+(?=\S)", re.I)
FIRST_ATT_RE = re.compile(
    r"\s*(?:[^.:\n]{0,150}?\b(?:beslutar|beslöt|beslutade|besluta|föreslår)(?:\s+(?:enhälligt|därför|vidare|även))?\s+)?"
    r"(?P<att>att\s+(?=\S))",
    re.I,
)
TRAILING_RE = re.compile(r"(?:[\s.,;]|\s+(?:samt|och)\s*$)+$", re.I)
# A line of bullet or dash glyphs alone: a stray list marker with nothing after it, never part of a clause.
GLYPH_LINE_RE = re.compile(r"^[ \t]*[-–—•\uf0b7▪●◦*]+[ \t]*$")
# "Bilaga" / "Bilaga 3" / "Bilaga A" alone on a line: where the printed attachment sits, not decision text.
ATTACHMENT_LINE_RE = re.compile(r"^[ \t]*bilag(?:a|or)(?:[ \t]+(?:\d{1,2}|[A-ZÅÄÖ]))?[ \t]*$", re.I)
# A Beslut that only says the proposal was followed.
# Active too: "Personalsektionen godkände stadsdirektörens förslag.", "Stadsstyrelsen beslöt i enlighet med ...".
AS_PROPOSED_RE = re.compile(
    r"^\W*(?:-?nligt|enligt|i\s+enlighet\s+med)\s+(?:\w+\s+){0,3}förslag(?:et)?\W*$|"
    r"^\W*(?:[\w/-]+\s+){0,3}förslag(?:et)?\s+(?:godkändes|godkänns|bifölls|bifalls|antogs|antas)\W*$|"
    r"^\W*(?:[\w/-]+\s+){1,2}(?:godkände|godkänner|biföll|bifaller|antog|antar|beslöt\s+i\s+enlighet\s+med|"
    r"beslutade\s+i\s+enlighet\s+med|beslutar\s+i\s+enlighet\s+med)\s+(?:[\w/-]+\s+){0,3}förslag(?:et)?\W*$",
    re.I,
)
# Sentences a Beslut section records beside the decision, no part of it: a jäv and the member leaving
# ("Marlene Lindgren anmälde jäv, ... avlägsnade sig från mötet ..."), the § declared approved at once
# ("Paragrafen förklarades omedelbart justerad."), who is told ("Beslutet delges huvudförtroendeman ...").
PROCEDURAL_RE = re.compile(
    r"^(?:[^.]{0,80}?\banmäl(?:de|er|t)\s+jäv\b.*|paragrafen\s+(?:förklarades|förklaras|justerades|justeras)\s+"
    r"(?:\w+\s+)?justerad\b.*|beslutet\s+(?:delges|expedieras|meddelas|sänds|skickas|tillställs)\b.*)$",
    re.I | re.S,
)
# After a blank line, a paragraph announcing the list of incoming letters and motions ("Efter kommunfullmäktiges
# sammanträde den 25 maj 2023 har följande skrivelser och motioner inkommit"): the case, run on after a short Beslut.
INCOMING_LIST_RE = re.compile(
    r"\n[ \t]*\n[ \t]*(?=[^\n]*\bföljande\b[^.]{0,120}?\b(?:inkommit|inkommen|inkomna|inkommit\s+till)\b)", re.I
)
SENTENCE_RE = re.compile(r"\S.*?(?:[.!?](?=\s+[A-ZÅÄÖ]|\s*$)|$)", re.S)


def decision_section(item: Item, body: str | None = None) -> Section | None:
    """The section holding the item's decision: its last Beslut, or the proposal a bare 'Enligt förslag' adopts."""
    beslut = [s for s in item.sections if s.kind == "beslut" and clean_text(s.text, body)]
    if not beslut:
        return None
    last = beslut[-1]
    text = clean_text(last.text, body)
    s, e = _procedural_trim(text, 0, len(text))
    if AS_PROPOSED_RE.match(" ".join(text[s:e].split())):
        before = [s for s in item.sections if s.kind == "forslag_till_beslut" and s.position < last.position
                  and clean_text(s.text, body)]
        if before:
            return before[-1]
    return last


# The section's own heading run on into its text: "Beslut/beredning på sammanträdet:"; a bullet or an "att" makes
# it decision text ("- Socialnämnden beslutar att revidera nämndsmålen 2024 enligt följande:").
HEADING_LINE_RE = re.compile(
    r"\s*(?![-–•\uf0b7▪●◦*])(?![^\n]*\batt\b)(?:\S+\s+){0,7}?\S*beslut\S*(?:\s+\S+){0,6}\s*:[ \t]*\n\s*", re.I
)


def lead_in_end(text: str) -> int:
    """Where the decision itself starts, after a lead-in such as ``Enligt kommunstyrelsens förslag:``."""
    heading = HEADING_LINE_RE.match(text)
    pos = heading.end() if heading and "\n" not in heading.group(0).strip() else 0
    for rx in (LEAD_IN_ACCORDING_RE, LEAD_IN_DECIDES_RE):
        m = rx.match(text, pos)
        if m:
            pos = m.end()
    return pos


def _numbered(text: str, start: int) -> list[int]:
    """Offsets of the markers ``1.``, ``2.`` ... at line starts, counting up from 1 (dates and amounts drop out)."""
    marks: list[int] = []
    want = 1
    for m in NUMBER_RE.finditer(text, start):
        if int(m.group("n")) == want:
            marks.append(m.start())
            want += 1
    return marks if len(marks) >= 2 or (marks and text[start:marks[0]].strip() == "") else []


def _spans(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each clause in ``text[start:]``, markers included; a lead-in line inside one splits it."""
    out: list[tuple[int, int]] = []
    listed = INCOMING_LIST_RE.search(text, start)
    if listed and text[start : listed.start()].strip():
        text = text[: listed.start()]
    for s, e in _marked_spans(text, start):
        lead = LEAD_IN_LINE_RE.search(text, s + 1, e)
        while lead:
            out.append((s, lead.start()))
            s = lead.end()
            lead = LEAD_IN_LINE_RE.search(text, s + 1, e)
        out.append((s, e))
    return out


def _marked_spans(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each clause in ``text[start:]`` by its markers: numbers, bullets, ``att``."""
    numbers = _numbered(text, start)
    if numbers:
        return list(zip(numbers, numbers[1:] + [len(text)], strict=True))
    bullets = _top_bullets(text, start)
    if bullets and not text[start : bullets[0]].strip():
        return list(zip(bullets, bullets[1:] + [len(text)], strict=True))
    lines = [m.start() for m in ATT_LINE_RE.finditer(text, start)]
    if len(lines) >= 2 and not text[start : lines[0]].strip():
        return list(zip(lines, lines[1:] + [len(text)], strict=True))
    first = FIRST_ATT_RE.match(text, start)
    if first:  # "Kommunfullmäktige beslutar att X, att Y": the text before the first att is no clause
        cuts = [first.start("att")] + [m.start() for m in ATT_INLINE_RE.finditer(text, first.end())]
        return list(zip(cuts, cuts[1:] + [len(text)], strict=True))
    return [(start, len(text))]


def _top_bullets(text: str, start: int) -> list[int]:
    """Offsets of the bullets of the first bullet's kind (dashes one kind): another glyph below them is a sub-point."""
    found = list(BULLET_RE.finditer(text, start))
    if not found:
        return []
    dash = found[0].group("glyph") in DASHES
    first = found[0].group("glyph")
    return [m.start() for m in found if (m.group("glyph") in DASHES if dash else m.group("glyph") == first)]


def _procedural_trim(text: str, s: int, e: int) -> tuple[int, int]:
    """``s`` past leading and ``e`` before trailing procedural sentences (``PROCEDURAL_RE``) of ``text[s:e]``."""
    sentences = [(s + m.start(), s + m.end()) for m in SENTENCE_RE.finditer(text[s:e])]
    while sentences and PROCEDURAL_RE.match(text[sentences[0][0] : sentences[0][1]]):
        sentences.pop(0)
    while sentences and PROCEDURAL_RE.match(text[sentences[-1][0] : sentences[-1][1]]):
        sentences.pop()
    return (sentences[0][0], sentences[-1][1]) if sentences else (s, e)


def _furniture_end(text: str, s: int, e: int, body: str | None) -> int:
    """``e`` moved back over trailing lines that are page furniture (``4 (108)``), a lone ``Bilaga`` or a stray dash."""
    while True:
        cut = text.rfind("\n", s, e)
        if cut < 0:
            return e
        line = text[cut + 1 : e]
        if line.strip() and not (GLYPH_LINE_RE.match(line) or ATTACHMENT_LINE_RE.match(line) or not clean_text(line, body)):
            return e
        e = cut


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """The clause without marker, separator, leading ``att`` and trailing punctuation."""
    head = re.compile(
        r"[\s,;]*(?:(?:samt|och)\s+)?(?:\d{1,2}[.)]\s+|[-–•\uf0b7▪●◦*]\s*)?(?:(?:samt|och)\s+)?(?:att\s+(?=\S))?", re.I
    ).match(text, s, e)
    if head:
        s = head.end()
    tail = TRAILING_RE.search(text[s:e])
    if tail:
        e = s + tail.start()
    return s, e


def clauses_in(section: Section, item_number: int, body: str | None = None) -> list[DecisionClause]:
    """The decision clauses of one decision section, in order."""
    text = section.text
    start = lead_in_end(text)
    if not text[start:].strip():
        start = 0  # the whole section was a lead-in: keep it rather than nothing
    out: list[DecisionClause] = []
    for s, e in _spans(text, start):
        s, e = _trim(text, *_procedural_trim(text, s, _furniture_end(text, s, e, body)))
        if e <= s:
            continue
        # cleaned with its punctuation: a wrapped last line "kommunstyrelsen," is text, not a running header
        full = text[s : e + len(text[e:]) - len(text[e:].lstrip(" \t.,;"))]
        clause = TRAILING_RE.sub("", " ".join(clean_text(full, body).split()))
        if clause:
            out.append(DecisionClause(item_number, section.position, len(out) + 1, clause, s, e))
    return out

"""Dataclasses passed between the stages.

extract -> ``ExtractedDocument``; segment -> ``Protocol`` (sections without
entities); tag -> ``Protocol`` (sections and cover with entities); a document that
cannot be processed travels as a ``Failure`` instead, so that ``load`` can
record it. Every class round-trips losslessly through ``to_dict``/``from_dict``
(JSON files under data/processed/), which lets any stage re-run alone.

``to_dict`` is written out field by field rather than ``dataclasses.asdict``:
asdict recurses through every value and deep-copies every leaf, which made the
stage-file writes some 8% of a worker's CPU (an extract output has some 300
words per page). The dicts are the same as asdict's, key order included
(fields in declaration order), with fresh lists and dicts;
tests/test_types_to_dict.py compares the two on an object of every class
with every field set, so a field added without its line here fails a test.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

SECTION_KINDS = (
    "sammanfattning",
    "arendebeskrivning",
    "beslutsunderlag",
    "forslag_till_beslut",
    "yrkanden",
    "beslutsgang",
    "omrostning",
    "beslut",
    "reservation",
    "protokollsanteckning",
    "jav",
    "expedieras_till",
    "overlaggning",  # the debate: who spoke (Överläggning, Debatt, Anföranden)
    "handlaggning",  # how the meeting handled it (Kommunfullmäktiges handläggning, Ärendets behandling)
    "tidigare_behandling",  # earlier handling (Tidigare behandling, Tidigare beslut)
    "yttrande",  # a statement added to the protocol (Yttrande, Särskilt yttrande)
    "other",
)
# What a stretch of a document is (segment): items are chosen only from 'item' regions.
REGION_KINDS = ("cover", "agenda", "item", "attachment", "signatures", "other")
ATTACHMENT_KINDS = ("bilaga", "voteringslista", "narvarolista", "reservation", "protokollsanteckning", "other")
ISSUE_SEVERITIES = ("error", "warning")
ATTENDEE_KINDS = ("ledamot", "ersattare", "ovrig", "justerare")
ENTITY_LABELS = ("PERSON", "PARTY", "ORG", "LOC", "MONEY", "DATE", "PERCENT")


@dataclass
class Word:
    """A word on a page with its box in PDF points (origin top left)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def to_list(self) -> list[Any]:
        return [self.text, self.x0, self.top, self.x1, self.bottom]

    @classmethod
    def from_list(cls, data: list[Any]) -> Word:
        return cls(*data)


@dataclass
class Page:
    """One PDF page: what was found on it and what was removed as running header/footer."""

    number: int
    width: float
    height: float
    char_count: int
    has_text: bool
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    ocr: bool = False  # the text comes from OCR, not from the PDF's text layer
    quality: str | None = None  # text layer: 'good' | 'repairable' (ligatures re-inserted) | 'garbage'

    def to_dict(self) -> dict[str, Any]:
        """The fields in order; each word as ``Word.to_list`` (inlined: a page has hundreds)."""
        return {
            "number": self.number,
            "width": self.width,
            "height": self.height,
            "char_count": self.char_count,
            "has_text": self.has_text,
            "header": list(self.header),
            "footer": list(self.footer),
            "words": [[w.text, w.x0, w.top, w.x1, w.bottom] for w in self.words],
            "ocr": self.ocr,
            "quality": self.quality,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Page:
        data = dict(data)
        data["words"] = [Word(*w) for w in data.get("words", [])]  # Word.from_list, inlined
        return cls(**data)


@dataclass
class PageSpan:
    """The characters ``text[start:end]`` of a document came from page ``page``."""

    page: int
    start: int
    end: int


@dataclass
class ExtractedDocument:
    """Output of extract: the body text of a document with its page map."""

    path: str
    sha256: str
    size: int
    page_count: int
    text: str
    spans: list[PageSpan]
    pages: list[Page]
    bold_lines: list[int] = field(default_factory=list)
    extractor: str = "pdfplumber"

    def page_at(self, offset: int) -> int:
        """Page number (1-based) of the character at ``offset`` in ``text``."""
        if not self.spans:
            return 1
        # the same comparisons as on the list of starts, without making the list on every call
        i = max(0, bisect.bisect_right(self.spans, offset, key=lambda s: s.start) - 1)
        return self.spans[i].page

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "extracted",
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "page_count": self.page_count,
            "extractor": self.extractor,
            "text": self.text,
            "spans": [[s.page, s.start, s.end] for s in self.spans],
            "bold_lines": list(self.bold_lines),
            "pages": [p.to_dict() for p in self.pages],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedDocument:
        return cls(
            path=data["path"],
            sha256=data["sha256"],
            size=data["size"],
            page_count=data["page_count"],
            extractor=data.get("extractor", "pdfplumber"),
            text=data["text"],
            spans=[PageSpan(*s) for s in data["spans"]],
            bold_lines=list(data.get("bold_lines", [])),
            pages=[Page.from_dict(p) for p in data["pages"]],
        )


@dataclass
class Failure:
    """A document that could not be processed, and why (becomes a documents row with status 'failed')."""

    path: str
    sha256: str
    size: int
    stage: str
    error: str
    page_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "failure",
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "stage": self.stage,
            "error": self.error,
            "page_count": self.page_count,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Failure:
        data = {k: v for k, v in data.items() if k != "type"}
        return cls(**data)


@dataclass
class Attendee:
    """A person on the attendance list of the cover page."""

    name: str
    party: str | None
    role: str | None
    kind: str
    replaces: str | None = None
    presence: str | None = None  # present for part of the meeting only: "§§ 18-33", "kl. 15.58-"
    norm: str | None = None  # the name as "First Last" (set by tag): one key for the person in this meeting

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "party": self.party,
            "role": self.role,
            "kind": self.kind,
            "replaces": self.replaces,
            "presence": self.presence,
            "norm": self.norm,
        }


@dataclass
class Entity:
    """A tagged mention; offsets are into the text of its section (or the meeting's cover text)."""

    label: str
    text: str
    start: int
    end: int
    page: int | None = None
    party: str | None = None
    value_num: float | None = None
    value_date: str | None = None
    unit: str | None = None
    norm: str | None = None
    source: str = "rule"

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "party": self.party,
            "value_num": self.value_num,
            "value_date": self.value_date,
            "unit": self.unit,
            "norm": self.norm,
            "source": self.source,
        }


@dataclass
class Meeting:
    """Who met, when and where, as the cover page and running header say."""

    organisation: str | None = None
    body: str | None = None
    meeting_date: str | None = None
    place: str | None = None
    first_item: int | None = None
    last_item: int | None = None
    justering_date: str | None = None  # when the protocol was checked and signed
    anslag_up: str | None = None  # put up on the notice board (anslagstavlan)
    anslag_down: str | None = None  # taken down: the appeal period runs between the two
    attendees: list[Attendee] = field(default_factory=list)
    # The text before the first item (segment), tagged like a section (tag): the place
    # ("Umeå"), the bodies and the people of the cover. It starts at document offset 0,
    # so an entity's offsets are document offsets too (``Protocol.page_at`` gives its page).
    cover_text: str = ""
    entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "body": self.body,
            "meeting_date": self.meeting_date,
            "place": self.place,
            "first_item": self.first_item,
            "last_item": self.last_item,
            "justering_date": self.justering_date,
            "anslag_up": self.anslag_up,
            "anslag_down": self.anslag_down,
            "attendees": [a.to_dict() for a in self.attendees],
            "cover_text": self.cover_text,
            "entities": [e.to_dict() for e in self.entities],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Meeting:
        data = dict(data)
        data["attendees"] = [Attendee(**a) for a in data.get("attendees", [])]
        data["entities"] = [Entity(**e) for e in data.get("entities", [])]
        return cls(**data)


@dataclass
class Section:
    """A typed part of an item (Sammanfattning, Beslut, ...); ``offset`` is where it starts in the document text."""

    position: int
    kind: str
    heading: str | None
    text: str
    page_start: int
    page_end: int
    offset: int
    entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "kind": self.kind,
            "heading": self.heading,
            "text": self.text,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "offset": self.offset,
            "entities": [e.to_dict() for e in self.entities],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        data = dict(data)
        data["entities"] = [Entity(**e) for e in data.get("entities", [])]
        return cls(**data)


@dataclass
class Item:
    """A paragraph of the protocol (§ 76): title, case number and sections."""

    number: int
    title: str | None
    case_number: str | None
    page_start: int
    page_end: int
    sections: list[Section] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "case_number": self.case_number,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "sections": [s.to_dict() for s in self.sections],
            "recipients": list(self.recipients),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        data = dict(data)
        data["sections"] = [Section.from_dict(s) for s in data.get("sections", [])]
        return cls(**data)


VOTE_VALUES = ("ja", "nej", "avstår", "frånvarande")
# The outcome of an item's main decision (docs/schema.md, ``items.outcome``): one of these.
OUTCOMES = (
    "bifall", "bifall_andrat", "avslag", "aterremiss", "bordlagd", "antecknas", "val", "besvarad", "utgar",
    "delvis_bifall", "yttrande", "oklart",
)
# What a yrkande asks for (``proposals.stance``).
PROPOSAL_STANCES = ("bifall", "avslag", "aterremiss", "bordlaggning", "andring", "tillagg", "eget_forslag")
VOTE_METHODS = ("acklamation", "votering")
COUNT_FIELDS = {"ja": "ja", "nej": "nej", "avstår": "avstar", "frånvarande": "franvarande"}

@dataclass
class Proposal:
    """Who proposed what in an item; one row per proposer."""

    item_number: int
    section_position: int
    person: str | None
    party: str | None
    kind: str
    text: str
    # What the yrkande asks for (``PROPOSAL_STANCES``) and of what (``kommunstyrelsens förslag``,
    # ``Anna Bergs (S) yrkande``, ``motionen``); ``won`` from the propositionsordning, None when it says nothing.
    stance: str | None = None
    target: str | None = None
    won: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "section_position": self.section_position,
            "person": self.person,
            "party": self.party,
            "kind": self.kind,
            "text": self.text,
            "stance": self.stance,
            "target": self.target,
            "won": self.won,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        return cls(**data)


@dataclass
class VoteMember:
    """How one member voted (``vote`` is one of ja / nej / avstår / frånvarande)."""

    name: str
    party: str | None
    vote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "party": self.party,
            "vote": self.vote,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoteMember:
        return cls(**data)


@dataclass
class Vote:
    """A vote (omröstning): the question, the counts, the members where listed, and what does not add up."""

    item_number: int
    section_position: int
    question: str | None
    ja: int | None
    nej: int | None
    avstar: int | None
    franvarande: int | None
    members: list[VoteMember] = field(default_factory=list)
    warning: str | None = None
    method: str | None = None  # 'votering' (a counted vote); an acklamation has no Vote row, see ItemOutcome

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "section_position": self.section_position,
            "question": self.question,
            "ja": self.ja,
            "nej": self.nej,
            "avstar": self.avstar,
            "franvarande": self.franvarande,
            "members": [m.to_dict() for m in self.members],
            "warning": self.warning,
            "method": self.method,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vote:
        data = dict(data)
        data["members"] = [VoteMember.from_dict(m) for m in data.get("members", [])]
        return cls(**data)

    def counts(self) -> dict[str, int | None]:
        """The four counts keyed by vote value."""
        return {value: getattr(self, attr) for value, attr in COUNT_FIELDS.items()}


@dataclass
class Stance:
    """A reservation or a protokollsanteckning by a person, a party, or (``Det antecknas att``) nobody named."""

    item_number: int
    section_position: int
    kind: str
    person: str | None
    party: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "section_position": self.section_position,
            "kind": self.kind,
            "person": self.person,
            "party": self.party,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stance:
        return cls(**data)


@dataclass
class Recusal:
    """A jäv declaration: a person who does not take part in an item because of a conflict of interest.

    ``item_number`` is the item the jäv concerns. A declaration written in another item
    (``Anmälan av jäv``, § 600: ``X (M) anmäler jäv under paragraf 625``) names the item in
    ``for_item_number``; the row belongs to that item when the protocol has it (``declared_in``
    then says where it was written, so that ``section_position`` can be found), else to the
    item it was written in.
    """

    item_number: int
    section_position: int
    person: str
    party: str | None
    reason: str | None
    text: str
    page: int | None = None
    for_item_number: int | None = None  # the § a declaration names ("under paragraf 625")
    declared_in: int | None = None  # the item it was written in, when that is not ``item_number``

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "section_position": self.section_position,
            "person": self.person,
            "party": self.party,
            "reason": self.reason,
            "text": self.text,
            "page": self.page,
            "for_item_number": self.for_item_number,
            "declared_in": self.declared_in,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recusal:
        return cls(**data)


@dataclass
class DecisionClause:
    """One clause of an item's decision: a numbered point (``1.``), an ``att``-clause or a bullet.

    ``text`` is the clause without its marker, its leading ``att`` and its trailing punctuation;
    ``start``/``end`` are offsets into the text of section ``section_index`` (its ``position``).
    """

    item_number: int
    section_index: int
    position: int  # 1, 2, ... in the order of the decision
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "section_index": self.section_index,
            "position": self.position,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionClause:
        return cls(**data)


@dataclass
class ItemOutcome:
    """The outcome of an item's main decision (``OUTCOMES``), the sentence it was read from, and how sure.

    ``start``/``end`` are offsets of ``basis`` into the text of section ``section_position``; both are
    None when no sentence says it (an information item without a Beslut). ``confidence`` is
    documented in ``pipeline.decisions.outcome``. ``vote_method`` is 'votering' when a vote was
    held in the item, 'acklamation' when the chair put the proposals and found the result without
    one, None when no proposition is described.
    """

    item_number: int
    outcome: str
    confidence: float
    basis: str | None = None
    section_position: int | None = None
    start: int | None = None
    end: int | None = None
    vote_method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_number": self.item_number,
            "outcome": self.outcome,
            "confidence": self.confidence,
            "basis": self.basis,
            "section_position": self.section_position,
            "start": self.start,
            "end": self.end,
            "vote_method": self.vote_method,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemOutcome:
        return cls(**data)


@dataclass
class Decisions:
    """Everything ``extract_decisions`` found in one protocol.

    ``issues`` are what went wrong inside the decision step itself (``decide_failed``: an item whose
    decisions could not be read); the rest of the protocol is kept.
    """

    proposals: list[Proposal] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    recusals: list[Recusal] = field(default_factory=list)
    outcomes: list[ItemOutcome] = field(default_factory=list)
    clauses: list[DecisionClause] = field(default_factory=list)
    issues: list[DocumentIssue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposals": [p.to_dict() for p in self.proposals],
            "votes": [v.to_dict() for v in self.votes],
            "stances": [s.to_dict() for s in self.stances],
            "recusals": [r.to_dict() for r in self.recusals],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "clauses": [c.to_dict() for c in self.clauses],
            "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decisions:
        return cls(
            proposals=[Proposal.from_dict(p) for p in data.get("proposals", [])],
            votes=[Vote.from_dict(v) for v in data.get("votes", [])],
            stances=[Stance.from_dict(s) for s in data.get("stances", [])],
            recusals=[Recusal.from_dict(r) for r in data.get("recusals", [])],
            outcomes=[ItemOutcome.from_dict(o) for o in data.get("outcomes", [])],
            clauses=[DecisionClause.from_dict(c) for c in data.get("clauses", [])],
            issues=[DocumentIssue.from_dict(i) for i in data.get("issues", [])],
        )


@dataclass
class MemberTable:
    """A table of members and how each voted, read from word positions (X marks in Ja/Nej/Avstår
    columns, or a Val/Röst column of words); ``offset`` is where it starts in the document text,
    so that it can be given to the vote of the item (or attachment) it lies in."""

    page: int
    offset: int
    members: list[VoteMember] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # totals printed with the table ("Ja 22"), if any

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "offset": self.offset,
            "members": [m.to_dict() for m in self.members],
            "counts": dict(self.counts),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MemberTable:
        data = dict(data)
        data["members"] = [VoteMember.from_dict(m) for m in data.get("members", [])]
        return cls(**data)


@dataclass
class Region:
    """A stretch of the document text of one kind (``REGION_KINDS``): ``text[start:end]``, pages inclusive."""

    kind: str
    page_start: int
    page_end: int
    start: int
    end: int
    label: str | None = None  # what marked it: "Ärendelista", "Bilaga KF § 31/25", "Voteringslista"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "start": self.start,
            "end": self.end,
            "label": self.label,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Region:
        return cls(**data)


@dataclass
class Attachment:
    """An appendix printed in the protocol (bilaga, voteringslista, närvarolista, written reservation ...).

    Its text is never part of an item's sections; ``item_number`` is the § it names
    (``Bilaga A KF § 16/22``) or, when it names none, the § it follows.
    """

    kind: str
    label: str | None
    title: str | None
    page_start: int
    page_end: int
    text: str
    offset: int  # where ``text`` starts in the document text
    item_number: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "title": self.title,
            "page_start": self.page_start,
            "page_end": self.page_end,
            "text": self.text,
            "offset": self.offset,
            "item_number": self.item_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(**data)


@dataclass
class DocumentIssue:
    """A self-check finding (``severity`` 'error' or 'warning'); ``code`` is documented in docs/schema.md."""

    severity: str
    code: str
    message: str
    item_number: int | None = None
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "item_number": self.item_number,
            "page": self.page,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentIssue:
        return cls(**data)


@dataclass
class PageInfo:
    """What is kept of a page after segmentation: its number and whether it had a text layer."""

    number: int
    char_count: int
    has_text: bool
    ocr: bool = False
    quality: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "char_count": self.char_count,
            "has_text": self.has_text,
            "ocr": self.ocr,
            "quality": self.quality,
        }


@dataclass
class Protocol:
    """Output of segment, of decide (``decided`` True: ``decisions`` filled) and of tag (``tagged`` True)."""

    path: str
    sha256: str
    size: int
    page_count: int
    doc_type: str
    meeting: Meeting
    items: list[Item]
    pages: list[PageInfo]
    extractor: str = "pdfplumber"
    page_map: list[list[int]] = field(default_factory=list)  # [page, start, end] into the document text
    decisions: Decisions = field(default_factory=Decisions)
    regions: list[Region] = field(default_factory=list)
    member_tables: list[MemberTable] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    issues: list[DocumentIssue] = field(default_factory=list)
    decided: bool = False  # the decide stage ran (a segment output has no decisions yet)
    tagged: bool = False
    model: str | None = None
    # Where each stored value stands on its page (pipeline/boxes.py, after tag): line boxes
    # [page, x0, y0, x1, y1] in PDF points, keyed by ``boxes.box_key``; a value not found has no key.
    boxes: dict[str, list[list[float]]] = field(default_factory=dict)

    def page_at(self, offset: int) -> int:
        """Page number of the character at ``offset`` of the document text."""
        page = self.page_map[0][0] if self.page_map else 1
        for number, start, _end in self.page_map:
            if start > offset:
                break
            page = number
        return page

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "protocol",
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "page_count": self.page_count,
            "doc_type": self.doc_type,
            "meeting": self.meeting.to_dict(),
            "items": [i.to_dict() for i in self.items],
            "pages": [p.to_dict() for p in self.pages],
            "extractor": self.extractor,
            "page_map": [list(span) for span in self.page_map],
            "decisions": self.decisions.to_dict(),
            "regions": [r.to_dict() for r in self.regions],
            "member_tables": [t.to_dict() for t in self.member_tables],
            "attachments": [a.to_dict() for a in self.attachments],
            "issues": [i.to_dict() for i in self.issues],
            "decided": self.decided,
            "tagged": self.tagged,
            "model": self.model,
            "boxes": {key: [list(box) for box in boxes] for key, boxes in self.boxes.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Protocol:
        data = {k: v for k, v in data.items() if k != "type"}
        data["meeting"] = Meeting.from_dict(data["meeting"])
        data["items"] = [Item.from_dict(i) for i in data["items"]]
        data["pages"] = [PageInfo(**p) for p in data["pages"]]
        data["decisions"] = Decisions.from_dict(data.get("decisions") or {})
        data["regions"] = [Region.from_dict(r) for r in data.get("regions", [])]
        data["member_tables"] = [MemberTable.from_dict(t) for t in data.get("member_tables", [])]
        data["attachments"] = [Attachment.from_dict(a) for a in data.get("attachments", [])]
        data["issues"] = [DocumentIssue.from_dict(i) for i in data.get("issues", [])]
        return cls(**data)


StageOutput = ExtractedDocument | Protocol | Failure


def stage_output_from_dict(data: dict[str, Any]) -> StageOutput:
    """Rebuild whichever stage output a JSON file under data/processed/ holds."""
    kind = data.get("type")
    if kind == "extracted":
        return ExtractedDocument.from_dict(data)
    if kind == "protocol":
        return Protocol.from_dict(data)
    if kind == "failure":
        return Failure.from_dict(data)
    raise ValueError(f"unknown stage output type {kind!r}")

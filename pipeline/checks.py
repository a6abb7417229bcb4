"""Self-checks: what looks wrong in a segmented protocol, as ``DocumentIssue`` records.

Pure: reads a ``Protocol`` (segmented or tagged) and returns issues; no I/O. ``segment``
stores them in ``Protocol.issues``, ``load`` writes them to ``document_issues``, and
``protokoll check`` exits 1 when any of them is an ``error``, so that a cron job can hold
back publishing. An error means the rows are probably wrong (an item is missing or two
items ran together); a warning asks a reader to look. Every code is documented in
docs/schema.md (``document_issues``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .types import VOTE_VALUES, DocumentIssue, Item, Protocol, Section, Vote, VoteMember

# An item states the case, names its documents in Beslutsunderlag and records the decision: a few
# pages, rarely five. Longer than ten pages, it almost always holds an appendix printed after it
# (a budget, a voteringslista) or the next items, whose § headings were missed.
LONG_ITEM_PAGES = 10

# Headings the section vocabulary does not know are kept as kind 'other' with the heading as
# written. One or two per document are normal (Information, Ajournering); many of them, or a large
# share of the headed sections, mean this layout's headings are not in the vocabulary, and the
# text under them is filed badly. Both limits need UNKNOWN_HEADINGS_MIN, so that a two-item
# protocol with one odd heading out of four is not reported.
UNKNOWN_HEADINGS_MIN = 3
UNKNOWN_HEADINGS_MANY = 5
UNKNOWN_HEADINGS_SHARE = 0.2

# The kinds that make the skeleton of one item, each normally once and in this order. The same
# run of CYCLE_MIN distinct skeleton kinds twice in one item (Ärendebeskrivning, Beslutsunderlag,
# Förslag till beslut, ... Ärendebeskrivning, Beslutsunderlag, Förslag till beslut) is two items
# read as one. The kinds of the decision process (yrkanden, beslutsgång, omröstning, reservation
# ...) are left out: an item with several votes legitimately repeats them.
CYCLE_KINDS = frozenset({
    "sammanfattning", "arendebeskrivning", "beslutsunderlag", "forslag_till_beslut", "beslut",
    "expedieras_till", "tidigare_behandling",
})
CYCLE_MIN = 3

# Two Beslut sections in one item are two items read as one when a case opens between them (a new
# Ärendebeskrivning, Sammanfattning ...): an error. Finland-Swedish protocols print an item's
# handling history as pairs of the same item, "Stadsdirektörens förslag" / "Stadsstyrelsens
# beslut", one pair per earlier meeting: only proposals between the decisions, no issue. Anything
# else between them (yrkanden, text of no known kind) is a warning.
# A handling round: "Stadsstyrelsen 5.9.2022, 186 §" (handlaggning), the proposal, the decision.
HANDLING_ROUND_KINDS = frozenset({"forslag_till_beslut", "handlaggning"})
OPENING_KINDS = frozenset({"sammanfattning", "arendebeskrivning", "beslutsunderlag", "tidigare_behandling"})

# More than this share of a protocol's items without any text is not a few title-only items but a
# list of items (ärendelista, innehåll) read as the items, whose text then went to the last one.
EMPTY_ITEMS_SHARE = 0.5


def check_protocol(protocol: Protocol) -> list[DocumentIssue]:
    """Every self-check on ``protocol``: document-wide issues first, then per item, attachment and vote."""
    issues: list[DocumentIssue] = []
    issues += _document(protocol)
    issues += _missing_items(protocol)
    issues += _empty_items(protocol)
    issues += _unknown_headings(protocol)
    for item in protocol.items:
        issues += _several_beslut(item)
        issues += _long_item(item)
    issues += _attachments(protocol)
    issues += _votes(protocol)
    issues += _member_tables(protocol)
    issues += protocol.decisions.issues  # decide_failed: an item whose decisions could not be read
    return issues


def _document(protocol: Protocol) -> list[DocumentIssue]:
    issues = []
    if protocol.doc_type == "protokoll" and not protocol.items:
        issues.append(DocumentIssue(
            "error", "no_items",
            "no items (§) found in a protokoll: scanned pages without OCR, or item headings written in a way "
            "the segmenter does not know",
        ))
    if not protocol.meeting.body:
        issues.append(DocumentIssue(
            "warning", "no_body", "the meeting's body (Kommunstyrelsen, ...) was found neither on the cover nor in "
            "the running header",
        ))
    if not protocol.meeting.meeting_date:
        issues.append(DocumentIssue("error", "no_date", "the meeting date was not found on the cover"))
    return issues


def _missing_items(protocol: Protocol) -> list[DocumentIssue]:
    first, last = protocol.meeting.first_item, protocol.meeting.last_item
    if first is None or last is None or last < first:
        return []
    found = {item.number for item in protocol.items}
    missing = [n for n in range(first, last + 1) if n not in found]
    if not missing:
        return []
    return [DocumentIssue(
        "error", "missing_items",
        f"the cover declares {paragraphs(range(first, last + 1))}; not found: {paragraphs(missing)}",
    )]


def _empty_items(protocol: Protocol) -> list[DocumentIssue]:
    """Items without any text. An agenda or a notice lists items without text by nature."""
    if protocol.doc_type != "protokoll" or not protocol.items:
        return []
    empty = [item for item in protocol.items if not any(s.text.strip() for s in item.sections)]
    if not empty:
        return []
    numbers = paragraphs(item.number for item in empty)
    if len(empty) > EMPTY_ITEMS_SHARE * len(protocol.items):
        message = (f"{len(empty)} of {len(protocol.items)} items have no text ({numbers}): "
                   "a list of items (ärendelista) read as the items?")
    else:
        message = f"{numbers} {'has' if len(empty) == 1 else 'have'} no text"
    return [DocumentIssue("warning", "empty_items", message, page=empty[0].page_start)]


def _unknown_headings(protocol: Protocol) -> list[DocumentIssue]:
    headed = [s for item in protocol.items for s in item.sections if s.heading]
    unknown = [s for s in headed if s.kind == "other"]
    if len(unknown) < UNKNOWN_HEADINGS_MIN:
        return []
    if len(unknown) < UNKNOWN_HEADINGS_MANY and len(unknown) <= UNKNOWN_HEADINGS_SHARE * len(headed):
        return []
    counts = Counter((s.heading or "").strip().rstrip(":") for s in unknown)
    shown = [f"{h} ({n})" if n > 1 else h for h, n in sorted(counts.items(), key=lambda hn: (-hn[1], hn[0]))[:5]]
    more = ", ..." if len(counts) > 5 else ""
    return [DocumentIssue(
        "warning", "unknown_headings",
        f"{len(unknown)} of {len(headed)} section headings are of no known kind (kept as 'other'): "
        f"{', '.join(shown)}{more}",
    )]


def _several_beslut(item: Item) -> list[DocumentIssue]:
    beslut = [i for i, s in enumerate(item.sections) if s.kind == "beslut"]
    between = [item.sections[a + 1 : b] for a, b in zip(beslut, beslut[1:], strict=False)]
    if any(s.kind in OPENING_KINDS for part in between for s in part):
        severity, why = "error", "a § heading between them was probably missed"
    elif between and not all(part and all(s.kind in HANDLING_ROUND_KINDS for s in part) for part in between):
        severity, why = "warning", "check whether a § heading between them was missed"
    else:
        severity, why = "", ""  # one Beslut, or a handling history: each proposal followed by its decision
    if severity:
        first_again = item.sections[beslut[1]]
        pages = ", ".join(str(item.sections[i].page_start) for i in beslut)
        return [DocumentIssue(
            severity, "several_beslut", f"§ {item.number} has {len(beslut)} Beslut sections (p. {pages}): {why}",
            item_number=item.number, page=first_again.page_start,
        )]
    cycle = repeated_cycle(item.sections)
    if cycle is None:
        return []
    kinds, again = cycle
    return [DocumentIssue(
        "error", "several_beslut",
        f"§ {item.number} repeats its sections {', '.join(kinds)} (again from p. {again.page_start}): "
        "a § heading was probably missed",
        item_number=item.number, page=again.page_start,
    )]


def repeated_cycle(sections: list[Section]) -> tuple[list[str], Section] | None:
    """The first run of ``CYCLE_MIN`` distinct skeleton kinds that occurs again later, and where it starts again."""
    skeleton = [s for s in sections if s.kind in CYCLE_KINDS]
    kinds = [s.kind for s in skeleton]
    for i in range(len(kinds) - 2 * CYCLE_MIN + 1):
        run = kinds[i : i + CYCLE_MIN]
        if len(set(run)) < CYCLE_MIN:
            continue
        for j in range(i + CYCLE_MIN, len(kinds) - CYCLE_MIN + 1):
            if kinds[j : j + CYCLE_MIN] == run:
                return run, skeleton[j]
    return None


def _long_item(item: Item) -> list[DocumentIssue]:
    pages = item.page_end - item.page_start + 1
    if pages <= LONG_ITEM_PAGES:
        return []
    return [DocumentIssue(
        "warning", "long_item",
        f"§ {item.number} spans {pages} pages (p. {item.page_start}-{item.page_end}): an appendix read as its "
        "text, or a missed § heading?",
        item_number=item.number, page=item.page_start,
    )]


def _attachments(protocol: Protocol) -> list[DocumentIssue]:
    numbers = {item.number for item in protocol.items}
    return [
        DocumentIssue(
            "warning", "attachment_unknown_item",
            f"{a.label or a.title or a.kind} (p. {a.page_start}) names § {a.item_number}, which this protocol "
            "does not have",
            item_number=a.item_number, page=a.page_start,
        )
        for a in protocol.attachments
        if a.item_number is not None and a.item_number not in numbers
    ]


def _votes(protocol: Protocol) -> list[DocumentIssue]:
    """One issue per vote: an error when its member list contradicts its counts, else its warning."""
    issues = []
    for vote in protocol.decisions.votes:
        page = _section_page(protocol, vote.item_number, vote.section_position)
        differences = _differences(vote_counts(vote), vote.members) if vote.members else []
        if differences:
            issues.append(DocumentIssue(
                "error", "vote_counts",
                f"§ {vote.item_number}: the member list contradicts the counts: {'; '.join(differences)}",
                item_number=vote.item_number, page=page,
            ))
        elif vote.warning:
            issues.append(DocumentIssue(
                "warning", "vote_counts", f"§ {vote.item_number}: {vote.warning}", item_number=vote.item_number,
                page=page,
            ))
    return issues


def _member_tables(protocol: Protocol) -> list[DocumentIssue]:
    """A member table whose rows disagree with the totals printed with it, or with the one vote of its item."""
    issues = []
    for table in protocol.member_tables:
        if not table.members:
            continue
        number = item_at(protocol, table.offset)
        printed = {value: n for value, n in table.counts.items() if value in VOTE_VALUES}
        differences = _differences(printed, table.members)
        if differences:
            issues.append(DocumentIssue(
                "error", "vote_counts",
                f"the member table on p. {table.page} contradicts its own totals: {'; '.join(differences)}",
                item_number=number, page=table.page,
            ))
            continue
        votes = [v for v in protocol.decisions.votes if v.item_number == number] if number is not None else []
        # a table given to its vote is compared in _votes; with several votes in the item it is not
        # known which one the table belongs to
        if len(votes) != 1 or votes[0].members:
            continue
        differences = _differences(vote_counts(votes[0]), table.members)
        if differences:
            issues.append(DocumentIssue(
                "error", "vote_counts",
                f"§ {number}: the member table on p. {table.page} contradicts the vote's counts: "
                f"{'; '.join(differences)}",
                item_number=number, page=table.page,
            ))
    return issues


def vote_counts(vote: Vote) -> dict[str, int]:
    """The counts a vote states, keyed by vote value (``ja``, ``nej``, ``avstår``, ``frånvarande``)."""
    return {value: n for value, n in vote.counts().items() if n is not None}


def _differences(stated: dict[str, int], members: list[VoteMember]) -> list[str]:
    """Where the members listed do not add up to the stated counts: ``ja: 21 stated, 20 listed``.

    Frånvarande is compared only when the list names an absent member: most lists leave them out.
    """
    listed = Counter(m.vote for m in members)
    out = []
    for value in VOTE_VALUES:
        if value not in stated or (value == "frånvarande" and not listed[value]):
            continue
        if stated[value] != listed[value]:
            out.append(f"{value}: {stated[value]} stated, {listed[value]} listed")
    return out


def item_at(protocol: Protocol, offset: int) -> int | None:
    """The § a document offset lies in: the attachment around it names one, else the item whose text spans it."""
    for a in protocol.attachments:
        if a.offset <= offset <= a.offset + len(a.text):
            return a.item_number
    for item in protocol.items:
        spans = [(s.offset, s.offset + len(s.text)) for s in item.sections]
        if spans and min(s for s, _ in spans) <= offset <= max(e for _, e in spans):
            return item.number
    return None


def _section_page(protocol: Protocol, item_number: int, position: int) -> int | None:
    for item in protocol.items:
        if item.number == item_number:
            for s in item.sections:
                if s.position == position:
                    return s.page_start
            return item.page_start
    return None


def paragraphs(numbers: Iterable[int]) -> str:
    """``§ 4`` or ``§§ 3-5, 9``: numbers with runs joined."""
    values = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in values:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ("§ " if len(values) == 1 else "§§ ") + ", ".join(parts)


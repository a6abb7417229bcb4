"""Votes (omröstningar): the question, the counts, the member list, and what does not add up.

See the package docstring for the forms read. ``_Found`` is what one passage says before it is
checked; ``_assemble`` turns it into a ``Vote`` with its warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..types import VOTE_VALUES, Protocol, Section, Vote, VoteMember
from ..values import party_code
from .actors import persons_in
from .text import clean_text, flat

# forslag_till_beslut too: segment reads Göteborg's "Ordföranden ställer propositioner ... och finner att
# kommunstyrelsens förslag" (a sentence wrapped after "förslag") as such a heading, and the Huvudvotering
# that follows lands in that section.
# overlaggning and handlaggning too: "Kommunfullmäktiges handläggning" and "Överläggning" often run on into
# the Votering that follows the debate.
VOTE_SECTION_KINDS = ("omrostning", "beslutsgang", "beslut", "forslag_till_beslut", "overlaggning", "handlaggning")


_Q = r"[\"”“'‘’«»]"
QUESTION_RES = [
    re.compile(rf"(?:voterings)?proposition(?:en)?(?:\s+lyder)?\s*:\s*{_Q}(?P<q>[^\"”“«»]+?)\s*{_Q}", re.I),
    re.compile(r"(?P<q>\b[Jj]a(?:-röst(?:er)?|-?röst)?\s+för\b[^.]*\.?(?:\s*[Nn]ej(?:-röst(?:er)?)?\s+för\b[^.]*\.?)?)"),
    # a full stop inside a sentence ("Bert Larssons m.fl. yrkande") is followed by a lower-case word
    re.compile(
        r"(?P<q>\bDen\s+som\s+(?:vill|önskar)\b(?:[^.]|\.(?=\S|\s+(?-i:[a-zåäö])))*?röstar\s+ja\b"
        r"(?:[^.]|\.(?=\S|\s+(?-i:[a-zåäö])))*\.)",
        re.I,
    ),
]
SUMMARY_RES = [
    re.compile(
        r"(?P<ja>\d+)\s+ja(?:-?\s?röster|-?röst)?\s*(?:mot|och|,)\s*(?P<nej>\d+)\s+nej(?:-?\s?röster|-?röst)?\b",
        re.I,
    ),
    re.compile(r"ja-?röster\s*:?\s*(?P<ja>\d+)\s*[,;]?\s*nej-?röster\s*:?\s*(?P<nej>\d+)", re.I),
    # "Ja: 22, Nej: 10, Avstår: 1." and a result table as text: "Resultat Ja 22 Nej 10 Avstår 1 Totalt 33"
    re.compile(r"\bja\s*:?\s*(?P<ja>\d{1,3})(?!\d)\s*[,;]?\s*(?:och\s+)?nej\s*:?\s*(?P<nej>\d{1,3})(?!\d)", re.I),
    # "6 röster för kommunstyrelsens förslag och 5 röster för Anna Bergs yrkande": the first is ja
    re.compile(
        r"(?P<ja>\d{1,3})\s+röster\s+för\s+(?:[^.]|\.(?=\S|\s+(?-i:[a-zåäö]))){1,200}?\s+(?:och|mot)\s+"
        r"(?P<nej>\d{1,3})\s+röst(?:er)?\s+för\b",
        re.I,
    ),
]
ABSTAIN_RE = re.compile(
    r"(?P<n>\d+)\s+(?:ledam(?:ot|öter)\s+|röster\s+|st\s+)?(?:avstår|avstod|avstående|nedlagda\s+röster|nedlagd\s+röst)\b",
    re.I,
)
ABSENT_RE = re.compile(r"(?P<n>\d+)\s+(?:ledam(?:ot|öter)\s+)?(?:(?:är|var)\s+)?frånvarande\b", re.I)
# The same with the label first, as in "Ja: 22, Nej: 10, Avstår: 1, Frånvarande: 4"
LABELLED_ABSTAIN_RE = re.compile(r"\b(?:avstår|avstod|avstående|nedlagda\s+röster)\s*:?\s*(?P<n>\d{1,3})(?!\d)", re.I)
LABELLED_ABSENT_RE = re.compile(r"\b(?:frånvarande|frånv\.?)\s*:?\s*(?P<n>\d{1,3})(?!\d)", re.I)
LABELLED_SUMMARY = 2  # SUMMARY_RES[2] puts the label before the number
TOTAL_RE = re.compile(r"\b(?:totalt|summa)\s*:?\s*(?P<n>\d{1,3})(?!\d|\s\d)", re.I)
# Counts written as words ("sex ja-röster mot fem nej-röster, en ledamot avstod") are read as digits.
_UNITS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9}
_TEENS = {"noll": 0, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16,
          "sjutton": 17, "arton": 18, "nitton": 19}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "åttio": 80, "nittio": 90}
NUMBER_WORD_RE = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?P<unit>{'|'.join(_UNITS)})?|(?P<teen>{'|'.join(_TEENS)})|"
    rf"(?P<one>{'|'.join(_UNITS)}))\b(?=\s+(?:ja\b|nej\b|ja-|nej-|ledam|röst|avst|nedlagd|frånv))",
    re.I,
)
GROUP_VOTE_RE = re.compile(
    r"(?P<verb>röstar\s+(?P<jn>ja|nej)|röstade\s+(?P<jn2>ja|nej)|(?:avstår|avstod)(?:\s+från\s+att\s+rösta)?|"
    r"(?:är|var)\s+frånvarande)(?:\s*\((?P<n>\d+)\))?",
    re.I,
)
TABLE_ROW_RE = re.compile(
    r"^(?P<who>[^\n]*?\([A-Za-zÅÄÖåäö]{1,4}\))\s+(?P<vote>ja|nej|avstår|avstod|frånvarande|frånv)\.?\s*$",
    re.I | re.M,
)
TABLE_HEAD_RE = re.compile(r"^(?:ledamot|ledamöter|namn|ledamot/ersättare|ledamot och parti)\b.*\b(?:röst|ja)\b", re.I | re.M)
# The head of a member table with a column per vote value ("Ledamot/tjänstgörande ersättare  Ja  Nej  Avstår"):
# a member list printed with the vote, whether or not its rows can be read (X marks lose their column in text).
MEMBER_TABLE_HEAD_RE = re.compile(r"^[ \t]*(?:ledamot|ledamöter|namn)\b[^\n]*\bja\b[^\n]*\bnej\b", re.I | re.M)
TABLE_ROW_NOPAREN_RE = re.compile(
    r"^(?P<name>[A-ZÅÄÖ][\wåäöéü'-]+(?:\s+[A-ZÅÄÖ][\wåäöéü'-]+){1,3}),?\s+(?P<party>[A-ZÅÄÖ]{1,4})\s+"
    r"(?P<vote>ja|nej|avstår|frånvarande)\s*$",
    re.I | re.M,
)
APPENDIX_REF_RE = re.compile(r"framgår\s+av\s+(?:bifogad\s+)?bilaga\s+(?P<n>\d+)", re.I)
# "framgår av till protokollet bifogad voteringslista", "se bilaga A": the members are listed in an attachment
LIST_REF_RE = re.compile(
    r"(?:framgår\s+av|se)\s+(?:till\s+protokollet\s+)?(?:bifogad[e]?\s+)?(?:voteringslista|voteringsprotokoll|"
    r"omröstningslista|bilaga)(?:,?\s+bilaga)?(?:\s+(?P<n>\d{1,2}|(?-i:[A-ZÅÄÖ]))\b)?",
    re.I,
)
# A vote asked for or held, when its result is printed elsewhere (an attachment, a member table).
VOTE_HELD_RE = re.compile(r"\b(?:votering|omröstning)(?:en)?\s+(?:begärs|begärdes|genomförs|genomfördes|verkställs|verkställdes)", re.I)
APPENDIX_HEAD_RE = re.compile(r"^Bilaga\s+(?P<n>\d+)\s*$", re.M)
APPENDIX_COUNT_RE = re.compile(r"^Antal\s+(?P<cat>Ja|Nej|Avstår|Frånv(?:arande)?)\s*:\s*(?P<n>\d+)\s*$", re.I | re.M)
APPENDIX_ROW_RE = re.compile(
    r"^(?P<name>[^\n]+?)(?:\n+|[ \t]+)(?P<party>[A-ZÅÄÖ]{1,4})\n+\d+\s+\S[^\n]*\n+"
    r"(?P<vote>Ja|Nej|Avstår|Frånvarande)$",
    re.M,
)
APPENDIX_NOISE_RE = re.compile(r"^(?:Plats|Funktion|Resultat|Namn|Parti|Antal\s+Kvittade:.*)$")


def _vote_value(raw: str) -> str:
    raw = raw.lower()
    if raw.startswith("ja"):
        return "ja"
    if raw.startswith("nej"):
        return "nej"
    if raw.startswith("avst"):
        return "avstår"
    return "frånvarande"


def _question(text: str) -> re.Match[str] | None:
    for rx in QUESTION_RES:
        m = rx.search(text)
        if m:
            return m
    return None


def _vote_blocks(text: str) -> list[str]:
    """One passage per vote: a new one at each voteringsproposition (or result sentence when none)."""
    anchors = [m.start() for m in QUESTION_RES[0].finditer(text)]
    if not anchors:
        anchors = [m.start() for rx in QUESTION_RES[1:] for m in rx.finditer(text)]
    if len(anchors) < 2:
        summaries = sorted(m.start() for rx in SUMMARY_RES for m in rx.finditer(text))
        if len(summaries) >= 2 and not GROUP_VOTE_RE.search(text):
            anchors = [_sentence_start(text, s) for s in summaries]
    anchors = sorted(set(anchors))
    if len(anchors) < 2:
        return [text]
    # a lead-in that says the vote was held belongs to it: "Votering begärs och följande voteringsproposition
    # godkänns: Den som ..."
    for k, pos in enumerate(anchors):
        start = _sentence_start(text, pos)
        if start < pos and VOTE_HELD_RE.search(text, start, pos) and text[start:pos].rstrip().endswith(":"):
            anchors[k] = start
    bounds = [0] + anchors[1:] + [len(text)]
    return [text[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]


def _sentence_start(text: str, pos: int) -> int:
    ends = [m.end() for m in re.finditer(r"[.!?]\s+", text[:pos])]
    return ends[-1] if ends else 0


@dataclass
class _Found:
    """What one passage says about a vote, before it is checked."""

    question: str | None = None
    summary: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    group_members: list[VoteMember] = field(default_factory=list)
    table: list[VoteMember] = field(default_factory=list)
    appendix: str | None = None
    total: int | None = None  # "Totalt 33" printed with the counts
    list_ref: str | None = None  # the members are in an attachment: its label ("A", "2"), or "" when unnamed
    held: bool = False  # "Votering begärs": a vote was held, whether or not its result is here
    table_printed: bool = False  # a member table's head is printed in the passage

    def has_result(self) -> bool:
        return bool(self.summary or self.groups or self.group_members or self.table)


def _digits(text: str) -> str:
    """Counts written as words before a vote word as digits: ``sex ja-röster`` -> ``6 ja-röster``."""

    def value(m: re.Match[str]) -> str:
        if m.group("tens"):
            return str(_TENS[m.group("tens").lower()] + (_UNITS[m.group("unit").lower()] if m.group("unit") else 0))
        if m.group("teen"):
            return str(_TEENS[m.group("teen").lower()])
        return str(_UNITS[m.group("one").lower()])

    return NUMBER_WORD_RE.sub(value, text)


def _read_block(block: str) -> _Found:
    found = _Found()
    q = _question(block)
    if q:
        found.question = flat(q.group("q"))
    rest = _digits(block[q.end() :] if q else block)
    for k, rx in enumerate(SUMMARY_RES):
        m = rx.search(rest)
        if m:
            found.summary["ja"] = int(m.group("ja"))
            found.summary["nej"] = int(m.group("nej"))
            tail = rest[m.end() : m.end() + 200]
            labelled = k == LABELLED_SUMMARY
            a = (None if labelled else ABSTAIN_RE.search(tail)) or LABELLED_ABSTAIN_RE.search(tail)
            if a:
                found.summary["avstår"] = int(a.group("n"))
            f = (None if labelled else ABSENT_RE.search(tail)) or LABELLED_ABSENT_RE.search(tail)
            if f:
                found.summary["frånvarande"] = int(f.group("n"))
            t = TOTAL_RE.search(tail[:80])
            if t:
                found.total = int(t.group("n"))
            break
    for m in TABLE_ROW_RE.finditer(rest):
        who = persons_in(m.group("who"))
        if len(who) == 1:
            found.table.append(VoteMember(who[0][0], who[0][1], _vote_value(m.group("vote"))))
    if not found.table and TABLE_HEAD_RE.search(rest):
        for m in TABLE_ROW_NOPAREN_RE.finditer(rest):
            party = party_code(m.group("party"))
            found.table.append(VoteMember(m.group("name"), party, _vote_value(m.group("vote"))))
    rest = TABLE_ROW_RE.sub(lambda m: " " * len(m.group(0)), rest)  # table rows are no group lists
    prev_end = 0
    for m in GROUP_VOTE_RE.finditer(rest):
        if re.search(r"\d\s+(?:ledam(?:ot|öter)\s+)?$", rest[: m.start()]):
            continue  # "1 avstår" belongs to a result sentence

        segment = rest[prev_end : m.start()]
        cut = max(segment.rfind(c) for c in ".:”\"»")
        names = persons_in(segment[cut + 1 :] if cut >= 0 else segment)
        if not names:
            continue
        value = _vote_value(m.group("jn") or m.group("jn2") or m.group("verb"))
        found.group_members.extend(VoteMember(name, party, value) for name, party in names)
        if m.group("n"):
            found.groups[value] = found.groups.get(value, 0) + int(m.group("n"))
        prev_end = m.end()
    ref = APPENDIX_REF_RE.search(block)
    if ref:
        found.appendix = ref.group("n")
    listed = LIST_REF_RE.search(block)
    if listed:
        found.list_ref = (listed.group("n") or "").upper()
    found.held = bool(VOTE_HELD_RE.search(block))
    found.table_printed = bool(MEMBER_TABLE_HEAD_RE.search(block))
    return found


def appendix_votes(protocol: Protocol) -> dict[str, tuple[dict[str, int], list[VoteMember]]]:
    """Voting lists printed as appendices (``Bilaga 2``, ``Antal Ja: 43``, then name / party / seat / vote).

    Read from the attachments and, where segmentation left them there, from the sections of the item before.
    """
    found: dict[str, tuple[dict[str, int], list[VoteMember]]] = {}
    texts = [section.text for item in protocol.items for section in item.sections]
    texts += [a.text for a in protocol.attachments]
    for raw in texts:
        if "Antal Ja" not in raw:
            continue
        text = clean_text(raw, protocol.meeting.body)
        text = "\n".join(ln for ln in text.split("\n") if not APPENDIX_NOISE_RE.match(ln.strip()))
        heads = list(APPENDIX_HEAD_RE.finditer(text))
        for i, h in enumerate(heads):
            chunk = text[h.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
            counts = {_vote_value(m.group("cat")): int(m.group("n")) for m in APPENDIX_COUNT_RE.finditer(chunk)}
            if not counts:
                continue
            members = [
                VoteMember(re.sub(r"\s+", " ", m.group("name").strip()), party_code(m.group("party")),
                           _vote_value(m.group("vote")))
                for m in APPENDIX_ROW_RE.finditer(chunk)
            ]
            found.setdefault(h.group("n"), (counts, members))
    return found


def _tally(members: list[VoteMember]) -> dict[str, int]:
    counts = Counter(m.vote for m in members)
    return {v: counts.get(v, 0) for v in VOTE_VALUES}


@dataclass
class TableVote:
    """A member table (or the tables of one voteringslista attachment) as given to a vote."""

    members: list[VoteMember]
    counts: dict[str, int]
    source: str  # how warnings name it: "the member table on page 3", "Bilaga A § 11/24 (page 2)"


def _assemble(
    found: _Found,
    item_number: int,
    position: int,
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]],
    table: TableVote | None = None,
) -> Vote:
    """Counts as stated (summary sentence first, then per-group counts, then the list), with warnings.

    A member table read from word positions (``table``) gives the members when it lists any, else the
    members read from the text stay; the totals printed with it count as stated counts.
    """
    problems: list[str] = []
    members = found.group_members or found.table
    if found.group_members and found.table:
        members = found.group_members + found.table
    source = "members listed"
    appendix_counts: dict[str, int] = {}
    if found.appendix and found.appendix in appendices:
        appendix_counts, appendix_members = appendices[found.appendix]
        if not members:
            members = appendix_members
            source = f"members listed in bilaga {found.appendix}"
    if table is not None and table.members:
        members = table.members
        source = f"members listed in {table.source}"
    stated: dict[str, int] = {}
    said_by: dict[str, str] = {}
    for value in VOTE_VALUES:
        if value in found.summary:
            stated[value] = found.summary[value]
            if value in found.groups and found.groups[value] != found.summary[value]:
                problems.append(f"{value}: result says {found.summary[value]}, group count says {found.groups[value]}")
        elif value in found.groups:
            stated[value] = found.groups[value]
        if value in stated:
            said_by[value] = "text"
        for origin, given in ((f"bilaga {found.appendix}", appendix_counts),
                              (table.source if table else "", table.counts if table else {})):
            if value in given:
                if value in stated and stated[value] != given[value]:
                    problems.append(f"{value}: {said_by[value]} says {stated[value]}, {origin} says {given[value]}")
                if value not in stated:
                    stated[value] = given[value]
                    said_by[value] = origin
    listed = _tally(members) if members else {}
    if members:
        for value in VOTE_VALUES:
            if value == "frånvarande" and not listed[value]:
                continue  # lists seldom name the absent; only compare when they do
            said = stated.get(value, 0 if stated else None)
            if said is not None and said != listed[value]:
                problems.append(f"{value}: {said_by.get(value, 'text')} says {said}, {listed[value]} {source}")
    if found.total is not None and stated:
        voted = sum(stated.get(v, 0) for v in ("ja", "nej", "avstår"))
        if found.total not in (voted, voted + stated.get("frånvarande", 0)):
            problems.append(f"counts add up to {voted}, the text says {found.total} in total")
    counts: dict[str, int | None] = {}
    reported = bool(stated or members)
    for value in VOTE_VALUES:
        if value in stated:
            counts[value] = stated[value]
        elif members:
            counts[value] = listed[value]
        else:
            counts[value] = 0 if reported else None
    if not reported:
        problems.append("no result found: neither counts nor a member list")
    elif found.table_printed and not members:
        problems.append("a member table is printed with the vote but none of its rows could be read: the counts are "
                        "not checked against it")
    elif not members and (found.appendix is not None or found.list_ref is not None):
        where = found.appendix or found.list_ref
        problems.append(f"the member list it points to ({f'bilaga {where}' if where else 'the voteringslista'}) was "
                        "not found in the document or could not be read: the counts are not checked against it")
    return Vote(
        item_number=item_number,
        section_position=position,
        question=found.question,
        ja=counts["ja"],
        nej=counts["nej"],
        avstar=counts["avstår"],
        franvarande=counts["frånvarande"],
        members=list(members),
        warning="; ".join(problems) or None,
        method="votering",  # a Vote is a vote that was taken; an acklamation is the item's vote_method alone
    )


def _reads_votes(section: Section) -> bool:
    return section.kind in VOTE_SECTION_KINDS or (section.kind == "other" and section.heading is None)


def _section_votes(
    section: Section,
    item_number: int,
    body: str | None,
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]],
) -> tuple[list[tuple[Vote, _Found]], list[_Found]]:
    """The votes of one section with what was read for each, and the votes held whose result is elsewhere."""
    if not _reads_votes(section):
        return [], []
    text = clean_text(section.text, body)
    votes: list[tuple[Vote, _Found]] = []
    pending: list[_Found] = []
    for block in _vote_blocks(text):
        found = _read_block(block)
        if found.has_result() or (section.kind == "omrostning" and found.question):
            votes.append((_assemble(found, item_number, section.position, appendices), found))
        elif found.question or found.held or found.list_ref is not None:
            pending.append(found)
    return votes, pending


def votes_in(
    section: Section,
    item_number: int,
    body: str | None = None,
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]] | None = None,
) -> list[Vote]:
    """Votes in one section; an ``omrostning`` section with a question but no result gives a warned vote.

    Only sections where a vote of this meeting can be reported are read (Omröstning, Beslutsgång, Beslut,
    Förslag till beslut, Överläggning, the meeting's Handläggning, and text before an item's first
    heading); a Sammanfattning or Tidigare behandling that mentions an earlier vote is no vote of this meeting.
    """
    return [vote for vote, _found in _section_votes(section, item_number, body, appendices or {})[0]]


def check_meeting_size(votes: list[Vote]) -> None:
    """Warn on votes whose ja+nej+avstår+frånvarande differs from what most votes of the meeting add up to.

    Members who leave or are jäviga explain some differences; the warning asks a reader to look.
    """
    totals = [
        sum(c for c in v.counts().values() if c is not None)
        for v in votes
        if v.ja is not None and v.nej is not None
    ]
    common = Counter(totals).most_common(2)
    if not common or common[0][1] < 3 or (len(common) > 1 and common[1][1] == common[0][1]):
        return  # no clear meeting size to compare with
    size = common[0][0]
    for v in votes:
        if v.ja is None or v.nej is None:
            continue
        total = sum(c for c in v.counts().values() if c is not None)
        if total != size:
            note = f"counts add up to {total}, most votes of this meeting add up to {size}"
            v.warning = f"{v.warning}; {note}" if v.warning else note

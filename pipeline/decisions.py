"""The decision chain of a protocol: who proposed what, how votes went, who reserved themselves.

Pure functions over a segmented ``Protocol`` (no spaCy, no database). Three
kinds of record come out, each with the item number and the position of the
section it was read from:

- ``Proposal`` from ``forslag_till_beslut`` and ``yrkanden`` sections
  (``Anna Berg (S) och Erik Sandberg (C) yrkar bifall till ...`` gives one row
  per proposer), plus ``På förslag av X (M): Ärendet bordläggs ...`` inside
  ``beslut`` sections. When an item has no ``yrkanden`` section, proposer
  sentences in its ``beslutsgang`` / ``beslut`` sections count too (small
  municipalities write them there); otherwise those sections only restate.
  A proposal needs a proposer (a ``Name (P)`` person or a party group such as
  ``Ledamöterna från SD``): an administration's or committee's own proposal
  (``Arbetsutskottets förslag``) has nobody to name and gives no row.
- ``Vote`` from ``omrostning`` sections and from results reported inside
  ``beslutsgang`` / ``beslut`` sections (``Med 35 ja-röster mot 25
  nej-röster, 1 avstår, beslutar``; Göteborg prints a ``Huvudvotering``
  inside its Propositionsordning); a Beslut that only restates a result
  already read from the item's Omröstning gives no second vote:
  the voteringsproposition, the counts, the per-member list (Göteborg's
  ``... röstar Ja (10).`` groups, ``Ledamot Röst`` tables, and appendices
  ``Bilaga 2 ... Antal Ja: 43`` that the vote points to with ``framgår av
  bilaga 2``). Results are read as ``Med 35 ja-röster mot 25 nej-röster``,
  ``Ja: 22, Nej: 10, Avstår: 1``, ``Resultat Ja 22 Nej 10 Totalt 32``,
  ``6 röster för ... och 5 röster för ...`` and with counts as words
  (``sex ja-röster``). Member tables read from word positions
  (``pipeline.tables``, ``Protocol.member_tables``) give a vote its members:
  a table in the item goes to the vote of the section it lies in (or the
  next one), a table in a voteringslista attachment to the vote that names
  the attachment, else the k-th attachment of the item to its k-th vote; a
  vote whose result is only in the attachment stays one vote. The counts the
  text states are kept; when they disagree with the member list, with the
  totals printed with a table, with each other, with the total they state,
  or with the size of the meeting the other votes show, ``warning`` says so.
- ``Stance`` from ``reservation`` and ``protokollsanteckning`` sections, one
  row per person or party; a reservation sentence (``X (SD) reserverar sig``)
  or an explicit protokollsanteckning sentence inside another section of the
  item counts too, unless the item's own Reservation / Protokollsanteckning
  section already names the same person or party.
- ``Recusal`` (jäv) from sentences that name a person and say the person is
  disqualified: ``X (M) deltar inte i handläggningen av ärendet på grund av
  jäv`` in a ``jav`` section, ``X (M) anmäler jäv och lämnar sammanträdet``,
  ``På grund av jäv deltar inte X (C) i handläggningen``, and the
  Finland-Swedish ``Marlene Lindgren anmälde jäv, orsak; närstående i
  familjekretsen och avlägsnade sig från mötet`` (no party). A declaration
  at the start of the meeting (``Anmälan av jäv``: ``X (M) anmäler jäv under
  paragraf 625``) belongs to the item it names. ``Ingen jäv anmäldes`` names
  nobody and gives no row.

``text`` fields hold the sentence(s) as written, from the proposer or actor
up to the next proposer or actor, with line breaks and running page headers
removed.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .tag import NOT_NAME_WORDS
from .types import (
    VOTE_VALUES,
    Decisions,
    Item,
    MemberTable,
    Proposal,
    Protocol,
    Recusal,
    Section,
    Stance,
    Vote,
    VoteMember,
)
from .values import PARTIES, PARTY_NAMES, party_code

log = logging.getLogger(__name__)

# Överläggning (the debate) is where Lomma and others write "X (M) yrkar att ...".
PROPOSAL_SECTION_KINDS = ("yrkanden", "forslag_till_beslut", "overlaggning")
PROPOSAL_KINDS = ("bifall", "avslag", "återremiss", "bordläggning", "ändring", "tillägg", "other")
STANCE_KINDS = ("reservation", "protokollsanteckning")
# forslag_till_beslut too: segment reads Göteborg's "Ordföranden ställer propositioner ... och finner att
# kommunstyrelsens förslag" (a sentence wrapped after "förslag") as such a heading, and the Huvudvotering
# that follows lands in that section.
# overlaggning and handlaggning too: "Kommunfullmäktiges handläggning" and "Överläggning" often run on into
# the Votering that follows the debate.
VOTE_SECTION_KINDS = ("omrostning", "beslutsgang", "beslut", "forslag_till_beslut", "overlaggning", "handlaggning")


# ---------------------------------------------------------------- text clean-up

# Running headers and footers that the text files keep inside sections.
NOISE_LINE_RES = [
    re.compile(rx, re.IGNORECASE)
    for rx in (
        r"^.{0,80},\s*(?:sammanträdes)?protokoll$",  # "Göteborgs Stad Kommunfullmäktige, protokoll"
        r"^(?:sida\s+)?\d+\s*(?:\(\d+\)|av\s+\d+)$",  # "4 (108)", "Sida 3 av 28"
        r"^(?:sammanträdes)?protokoll(?:\s*\(?nr\.?\s*\d+\)?)?$",  # "Protokoll (nr 6)", "Protokoll nr 21"
        r"^sammanträdesdatum:?\s*\S*$",
        r"^justerandes?(?:\s+sign(?:atur)?)?.*$",
        r"^utdragsbestyrkande$",
        r"^[-–—_]+$",
        r"^[A-ZÅÄÖ][a-zåäö-]*(?:styrelsen|fullmäktige|nämnden|utskottet|beredningen)$",  # a lone body name
    )
]
SENTENCE_END_RE = re.compile(r"[.!?:;”\"»]\)?$")


def clean_text(text: str, body: str | None = None) -> str:
    """``text`` without running header/footer lines (and lines that repeat the body's name)."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and (
            any(rx.match(stripped) for rx in NOISE_LINE_RES) or (body and stripped.lower() == body.lower())
        ):
            continue
        out.append(line.rstrip())
    return "\n".join(out).strip()


def flat(text: str) -> str:
    """Whitespace as single spaces, bullets on their own line: a passage as written, without line wrapping."""
    text = re.sub(r"\s*\n\s*(?=[•\uf0b7▪●◦*]|\d{1,2}[.)]\s)", "\x00", text.strip())
    text = re.sub(r"\s+", " ", text).replace("\x00", "\n")
    return text.strip()


def _unit_starts(text: str) -> list[int]:
    """Offsets where a sentence may start: the start, after sentence punctuation, after a heading-like line."""
    starts = [0]
    pos = 0
    lines = text.split("\n")
    for i, line in enumerate(lines):
        nxt = pos + len(line) + 1
        stripped = line.strip()
        if stripped and i + 1 < len(lines):
            if SENTENCE_END_RE.search(stripped) or (len(stripped.split()) <= 3 and not stripped[-1].isalpha()) or (
                len(stripped.split()) <= 3 and re.search(r"\d$", stripped)
            ):
                starts.append(nxt)
        pos = nxt
    for m in re.finditer(r"(?<=[.!?:;])[”\"»)]?[ \t]+(?=\S)", text):
        starts.append(m.end())
    return sorted({s for s in starts if s < len(text) and text[s:].strip()})


# ---------------------------------------------------------------- actors

# As pipeline.tag.PERSON_PARTY_RE, but a name token may have one inner capital ("AnnaSara Perslow (C)").
_NAME_TOKEN = r"[A-ZÅÄÖÉÜ][a-zåäöéüæøß'´]+(?:[A-ZÅÄÖ][a-zåäöéü]+)?(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüæøß]+)*"
PERSON_PARTY_RE = re.compile(
    rf"(?P<name>{_NAME_TOKEN}(?:\s+(?:(?:af|von|van|de|der|la|di)\s+)?{_NAME_TOKEN}){{0,3}}),?\s*"
    r"\((?P<party>[A-Za-zÅÄÖåäö]{1,4})\)"
)
# Titles before a name ("ordföranden Jonas Attenius (S)") and sentence adverbs before a subject.
TITLE_WORDS = {
    "ordföranden", "ordförande", "tjänstgörande", "ersättaren", "ersättare", "ledamoten", "ledamot", "vice",
    "förste", "andre", "tredje", "kommunalrådet", "regionrådet", "oppositionsrådet", "borgarrådet",
    "gruppledaren", "vidare", "därefter", "dessutom", "även", "också", "sedan", "slutligen", "samtidigt",
    "och", "samt", "då", "nu",
}
_CODE = r"[A-ZÅÄÖ]{1,4}"
_PARTY_NAME_ALT = "|".join(sorted((re.escape(n) for n in PARTY_NAMES), key=len, reverse=True))
_PARTY_ITEM = rf"(?:{_CODE}\b|(?i:{_PARTY_NAME_ALT})(?![\wåäö]))"
_PARTY_LIST = rf"{_PARTY_ITEM}(?:\s*,\s*{_PARTY_ITEM})*(?:\s*,?\s+(?:och|samt)\s+{_PARTY_ITEM})?"
GROUP_RE = re.compile(
    r"(?i:ledamöterna|ledamoten|representanterna|representanten|företrädarna|företrädaren|ersättarna|"
    r"gruppen|gruppledarna|partierna|partiet|ledamöter|representanter)"
    rf"\s+(?:(?i:från|för|i)\s+)(?P<list>{_PARTY_LIST})"
)
_KNOWN_ITEM = "(?:" + "|".join(sorted(PARTIES, key=len, reverse=True)) + rf")\b|(?i:{_PARTY_NAME_ALT})(?![\wåäö])"
_KNOWN_LIST = rf"(?:{_KNOWN_ITEM})(?:\s*,\s*(?:{_KNOWN_ITEM}))*(?:\s*,?\s+(?:och|samt)\s+(?:{_KNOWN_ITEM}))?"
# A bare party list as subject ("Moderaterna reserverar sig", "SD och KD antecknar"): known parties only.
PARTY_SUBJECT_RE = re.compile(rf"(?P<list>{_KNOWN_LIST})(?=\s+[a-zåäö])")
GROUP_SUFFIX_RE = re.compile(r"\(?(?P<code>[A-ZÅÄÖ]{1,4})\)?-(?:gruppen|ledamöterna)\b")


def _party_of(token: str) -> str | None:
    token = token.strip()
    named = PARTY_NAMES.get(token.lower())
    if named:
        return named
    if token.isupper():
        return party_code(token)
    return None


def _party_list(raw: str) -> list[str]:
    parties: list[str] = []
    for token in re.split(r"\s*,\s*|\s+(?:och|samt)\s+", raw.strip()):
        code = _party_of(token)
        if code and code not in parties:
            parties.append(code)
    return parties


def person_at(text: str, pos: int) -> tuple[str, str, int] | None:
    """(name, party, end) when a ``Name (P)`` person starts at ``pos`` (titles before it excluded)."""
    m = PERSON_PARTY_RE.match(text, pos)
    if not m:
        return None
    raw_party = m.group("party")
    party = party_code(raw_party)
    if party is None or (raw_party.islower() and raw_party.upper() not in PARTIES):
        return None
    words = m.group("name").split()
    while words and words[0].lower() in NOT_NAME_WORDS:
        words.pop(0)
    if len(words) < 2:
        return None  # one capitalised word before "(S)" is no full name
    return " ".join(words), party, m.end()


def persons_in(text: str) -> list[tuple[str, str]]:
    """Every ``Name (P)`` person in ``text`` as (name, party), in order."""
    found = []
    for m in PERSON_PARTY_RE.finditer(text):
        hit = person_at(text, m.start())
        if hit:
            found.append((hit[0], hit[1]))
    return found


def leading_actors(
    text: str, pos: int = 0, bare_parties: bool = True
) -> tuple[list[tuple[str | None, str | None]], int]:
    """The persons and party groups that open ``text[pos:]`` (the subject of a sentence) and where they end.

    ``Axel Josefson (M) och tjänstgörande ersättaren Johannes Hulter (S)`` gives two persons;
    ``Representanterna från M, L och KD`` gives three parties with no person.
    """
    actors: list[tuple[str | None, str | None]] = []
    end = pos
    while True:
        m = re.match(r"[\s,]*", text[pos:])
        pos += m.end() if m else 0
        word = re.match(r"[\wåäöÅÄÖ-]+", text[pos:])
        if word and word.group(0).lower() in TITLE_WORDS and not person_at(text, pos):
            pos += word.end()
            continue
        hit = person_at(text, pos)
        if hit:
            actors.append((hit[0], hit[1]))
            pos = end = hit[2]
            continue
        group = GROUP_RE.match(text, pos) or GROUP_SUFFIX_RE.match(text, pos)
        if group is None and not actors and bare_parties:
            group = PARTY_SUBJECT_RE.match(text, pos)
            if group and not any(_party_of(t) for t in re.split(r"\s*,\s*|\s+(?:och|samt)\s+", group.group(0))):
                group = None
        if group:
            raw = group.group("list") if "list" in group.groupdict() else group.group("code")
            parties = _party_list(raw)
            if parties:
                actors.extend((None, p) for p in parties)
                pos = end = group.end()
                continue
        break
    return actors, end


# ---------------------------------------------------------------- proposals

PROPOSE_VERB = (
    r"(?:tilläggsyrka|ändringsyrka|yrka)(?:r|de|t)\b|föreslå(?:r|tt)\b|föreslog\b|"
    r"lämna(?:r|de)\s+(?:följande\s+|ett\s+|sitt\s+)?(?:tilläggs|ändrings|återremiss|bordläggnings)?yrkande(?:n)?\b|"
    r"instämmer\s+i\b|instämde\s+i\b"
)
VERB_AFTER_SUBJECT_RE = re.compile(rf"[\s,]*(?:även\s+|också\s+|därefter\s+|vidare\s+)?(?P<verb>{PROPOSE_VERB})", re.I)
VERB_FIRST_RE = re.compile(rf"(?P<pre>(?:[^\s(]+\s+){{0,4}}?)(?P<verb>{PROPOSE_VERB})\s+", re.I)
ON_PROPOSAL_RE = re.compile(r"(?:På|Efter)\s+förslag\s+(?:av|från)\s+", re.I)
CONCURRING_RE = re.compile(r"[\s,]*(?:med\s+instämmande\s+(?:av|från)|och\s+med\s+stöd\s+av)\s+", re.I)
ANY_VERB_RE = re.compile(r"[\s,]*[a-zåäö]")

KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("återremiss", re.compile(r"återremi(?:ss|tter)")),
    ("bordläggning", re.compile(r"bordl(?:ägg|agd)")),
    ("tillägg", re.compile(r"\btillägg|\btilläggsyrk")),
    ("ändring", re.compile(r"\bändring|\bändra[rs]?\b")),
    ("avslag", re.compile(r"\bavslag|\bavslå|\bavstyrk")),
    # "att fullmäktige ska besluta i enlighet med kommunstyrelsens förslag" supports that proposal
    ("bifall", re.compile(r"\bbifall|\bbifalla|\btillstyrk|\bgodkänn|\bgodkänna\b|\banta\b|\bi\s+enlighet\s+med\b")),
]


def proposal_kind(verb: str, proposed: str) -> str:
    """bifall / avslag / återremiss / bordläggning / ändring / tillägg / other, from the verb and what follows it.

    The earliest keyword decides (``bifall till X och avslag på Y`` is bifall), except that support for a
    tilläggs-, ändrings- or återremissyrkande is that kind, and ``bifall ... med följande ändring`` is ändring.
    """
    v = verb.lower()
    for kind, stem in (("tillägg", "tilläggs"), ("ändring", "ändrings"), ("återremiss", "återremiss"),
                       ("bordläggning", "bordläggnings")):
        if stem in v:
            return kind
    text = proposed.lower()
    text = re.sub(r"^[\s:,]*(?:i\s+(?:första|andra|tredje)\s+hand\s+)?", "", text)
    hits = [(m.start(), kind) for kind, rx in KIND_PATTERNS if (m := rx.search(text))]
    if not hits:
        return "other"
    _pos, kind = min(hits)
    if kind == "bifall":
        head = re.match(r"(?:att\s+)?bifall(?:a)?\s+(?:till\s+|av\s+|på\s+)?(?:det\s+|ett\s+|sitt\s+|eget\s+)?(\w+)", text)
        if head:
            for other, stem in (("tillägg", "tilläggs"), ("ändring", "ändrings"), ("återremiss", "återremiss")):
                if head.group(1).startswith(stem):
                    return other
        if re.search(r"\bmed\s+(?:följande\s+|den\s+|de\s+)?(?:(?:för)?ändring(?:en|ar|arna)?|justering(?:en|ar|arna)?)\b"
                     r"|\b(?:attsats|att-sats|punkt)\s+\d+\s+ändras\b", text):
            return "ändring"
        if re.search(r"\bmed\s+(?:följande\s+|det\s+)?tillägg(?:et)?\b", text):
            return "tillägg"
    return kind


def _proposal_head(sentence: str) -> tuple[list[tuple[str | None, str | None]], str, str] | None:
    """(proposers, verb, what follows the verb) when ``sentence`` opens with a proposer and a proposing verb."""
    actors, end = leading_actors(sentence)
    if actors:
        m = VERB_AFTER_SUBJECT_RE.match(sentence, end)
        if not m:
            return None
        rest = sentence[m.end() :]
        more = CONCURRING_RE.match(rest)
        if more:
            extra, stop = leading_actors(rest, more.end())
            actors = actors + [a for a in extra if a not in actors]
            rest = rest[stop:]
        return actors, m.group("verb"), rest
    m = ON_PROPOSAL_RE.match(sentence)
    if m:
        actors, end = leading_actors(sentence, m.end())
        if actors:
            return actors, "förslag", sentence[end:].lstrip(" :,")
        return None
    m = VERB_FIRST_RE.match(sentence)  # "Vidare yrkar Axel Josefson (M) bifall till ..."
    if m and not persons_in(m.group("pre")):
        actors, end = leading_actors(sentence, m.end())
        if actors:
            return actors, m.group("verb"), sentence[end:]
    return None


def _heading_like(text: str, pos: int) -> bool:
    """Whether the line at ``pos`` is a short heading (at most three words, no closing punctuation)."""
    end = text.find("\n", pos)
    if end < 0 or (pos and text[pos - 1] != "\n"):
        return False
    line = text[pos:end].strip()
    return bool(line) and len(line.split()) <= 3 and not SENTENCE_END_RE.search(line) and not line.startswith(("•", "-"))


def _units(text: str, head: Callable[[str], Any], stop_on_actor: bool = True) -> list[tuple[int, int, Any]]:
    """Passages of ``text`` that open with a sentence ``head`` accepts, each up to the next such sentence.

    A sentence that opens with an actor and some other verb (``X (M) ställer en fråga``) ends a passage
    and is dropped with what follows it.
    """
    starts = _unit_starts(text)
    marks: list[tuple[int, Any]] = []
    for s in starts:
        parsed = head(text[s:])
        if parsed:
            marks.append((s, parsed))
        elif stop_on_actor and _heading_like(text, s):
            marks.append((s, None))  # "Fråga 2": the section ran on into another part of the protocol
        elif stop_on_actor and not text[:s].rstrip().endswith(":"):
            # not after a colon (what follows is the quoted note or proposal), and not on a bare
            # party name ("Centerpartiet kommer att yrka ..." is the note's own text)
            actors, end = leading_actors(text, s, bare_parties=False)
            if actors and ANY_VERB_RE.match(text, end):
                marks.append((s, None))
    units = []
    for i, (s, parsed) in enumerate(marks):
        e = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        if parsed is not None:
            units.append((s, e, parsed))
    return units


def proposals_in(
    section: Section, item_number: int, body: str | None = None, any_section: bool = False
) -> list[Proposal]:
    """Proposals in one section: ``yrkanden`` and ``forslag_till_beslut`` always, ``På förslag av X (M):`` in ``beslut``.

    With ``any_section`` every proposer sentence counts whatever the section kind (used for the
    Beslutsgång and Beslut of items without a Yrkanden section).
    """
    everything = any_section or section.kind in PROPOSAL_SECTION_KINDS
    if not everything and section.kind != "beslut":
        return []
    text = clean_text(section.text, body)
    out: list[Proposal] = []
    for s, e, (actors, verb, rest) in _units(text, _proposal_head):
        if everything or verb == "förslag":
            rest = rest[: max(0, len(rest) - (len(text) - e))]  # what this proposal says, not the next ones
            out.extend(_proposal_rows(section, item_number, actors, verb, rest, text[s:e]))
    return out


def _proposal_rows(
    section: Section, item_number: int, actors: list[tuple[str | None, str | None]], verb: str, rest: str, raw: str
) -> list[Proposal]:
    # the sentence with the verb says what is proposed; what follows only when it says nothing
    stop = SENTENCE_STOP_RE.search(rest)
    kind = proposal_kind(verb, rest[: stop.end()]) if stop else "other"
    if kind == "other":
        kind = proposal_kind(verb, rest)
    text = flat(raw)
    return [Proposal(item_number, section.position, person, party, kind, text) for person, party in actors]


def _resolve_concurrence(proposals: list[Proposal]) -> None:
    """``X (C) instämmer i Anna Bergs yrkande``: take the kind of the proposal it joins."""
    for p in proposals:
        if p.kind != "other" or not re.search(r"\binstämm(?:er|de)\s+i\b", p.text, re.I):
            continue
        for other in proposals:
            if other is p or other.person is None or other.kind == "other":
                continue
            first, *_ = other.person.split()
            last = other.person.split()[-1]
            if re.search(rf"\b{re.escape(first)}\b.*\b{re.escape(last)}s?\b", p.text.split("instämm", 1)[-1]):
                p.kind = other.kind
                break


# ---------------------------------------------------------------- votes

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


# ---------------------------------------------------------------- stances

RESERVE_VERB = (
    r"reserver(?:ar|ade)\s+(?:sig|oss)\b|"
    r"(?:lämna(?:r|de)|anmäl(?:er|de)|inkom(?:mer)?\s+med)\s+(?:en\s+|följande\s+)?(?:skriftlig\s+)?reservation\b"
)
NOTE_VERB_STRONG = (
    r"lämna(?:r|de)\s+(?:följande\s+|en\s+)?(?:skriftlig\s+)?protokollsanteckning(?:ar)?\b|"
    r"(?:vill|önskar)\s+(?:ha\s+|få\s+)?(?:antecknat|följande\s+antecknat|till\s+protokollet)|"
    r"får\s+(?:följande\s+)?antecknat\b|antecknar\s+(?:följande\s+)?till\s+protokollet"
)
NOTE_VERB = (
    NOTE_VERB_STRONG
    + r"|antecknar\b|antecknade\b|deltar\s+inte\b|deltog\s+inte\b|avstår\s+från\s+att\s+delta\b|"
    r"anmäler\b|anmälde\b|lämna(?:r|de)\s+(?:ett\s+|följande\s+)?(?:särskilt\s+)?yttrande\b"
)
STANCE_VERB_RE = re.compile(rf"[\s,]*(?:även\s+|också\s+)?(?:(?P<res>{RESERVE_VERB})|(?P<note>{NOTE_VERB}))", re.I)
STRONG_NOTE_RE = re.compile(NOTE_VERB_STRONG, re.I)
WRITTEN_RESERVATION_RE = re.compile(r"(?:skriftlig\s+)?reservation\s+(?:från|av)\s+", re.I)


def _stance_head(strong_only: bool) -> Callable[[str], tuple[list[tuple[str | None, str | None]], str] | None]:
    def head(sentence: str) -> tuple[list[tuple[str | None, str | None]], str] | None:
        actors, end = leading_actors(sentence)
        if not actors:
            m = WRITTEN_RESERVATION_RE.match(sentence)  # "Skriftlig reservation från SD, bilaga 2."
            if m:
                actors, _end = leading_actors(sentence, m.end())
                listed = re.match(_PARTY_LIST, sentence[m.end() :])
                if not actors and listed:
                    actors = [(None, p) for p in _party_list(listed.group(0))]
                return (actors, "reservation") if actors else None
            return None
        m = STANCE_VERB_RE.match(sentence, end)
        if not m:
            return None
        if m.group("res"):
            return actors, "reservation"
        if strong_only and not STRONG_NOTE_RE.match(m.group("note")):
            return None
        return actors, "protokollsanteckning"

    return head


def stances_in(section: Section, item_number: int, body: str | None = None) -> list[Stance]:
    """Reservations and protokollsanteckningar in one section.

    In ``reservation`` / ``protokollsanteckning`` sections every actor sentence with a stance verb counts,
    and text with no actor at all (``Det antecknas att ...``) gives one row with nobody named. In other
    sections only explicit sentences count (``X (SD) reserverar sig``, ``X (S) lämnar en protokollsanteckning``).
    """
    own = section.kind in STANCE_KINDS
    text = clean_text(section.text, body)
    out: list[Stance] = []
    for s, e, (actors, kind) in _units(text, _stance_head(strong_only=not own)):
        raw = flat(text[s:e])
        out.extend(Stance(item_number, section.position, kind, person, party, raw) for person, party in actors)
    if own and not out and text:
        out.append(Stance(item_number, section.position, section.kind, None, None, flat(text)))
    return out


# ---------------------------------------------------------------- jäv (recusals)

# What a disqualified person is said to do, right after the name(s). "Anmäler jäv" and "är jävig" say it
# outright; not taking part or leaving says it only in a Jäv section or in a sentence that says "jäv".
_JAV_DECLARE = (
    r"anmäl(?:er|de|t|a)\s+(?:sig\s+)?(?:som\s+)?jäv(?:ig)?\b|"
    r"(?:är|var|blir|blev|förklarar\s+sig|förklarade\s+sig|anser\s+sig|ansåg\s+sig|anmäler\s+sig)\s+jävig\b"
)
_JAV_ABSENT = (
    r"(?:deltar|deltog|medverkar|medverkade)\s+(?:inte|ej)\b|"
    r"(?:lämnar|lämnade|avlägsnar|avlägsnade)\s+(?:sammanträdet|mötet|lokalen|sig|rummet|salen)\b|"
    r"(?:avstår|avstod)\s+från\s+att\s+delta\b"
)
RECUSAL_VERB_RE = re.compile(
    rf"[\s,]*(?:även\s+|också\s+)?(?:(?P<declare>{_JAV_DECLARE})|(?P<absent>{_JAV_ABSENT}))", re.I
)
# "På grund av jäv deltar inte Per Persson (C) i handläggningen", "Jäv anmäldes av Per Persson (C)"
RECUSAL_VERB_FIRST_RE = re.compile(
    r"(?:(?:på\s+grund\s+av|pga\.?|p\.\s?g\.\s?a\.?)\s+jäv,?\s+(?:deltar|deltog|medverkar|medverkade)\s+(?:inte|ej)|"
    r"jäv\s+anmäl(?:e?s|des)\s+av)\s+",
    re.I,
)
JAV_WORD_RE = re.compile(r"\bjäv", re.I)
# A name without a party (Finland-Swedish protocols): "Marlene Lindgren anmälde jäv". Only with a verb that
# says jäv, since a bare capitalised pair of words is a weak signal of a person.
BARE_NAME_RE = re.compile(rf"(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})(?=[\s,]+(?:{_JAV_DECLARE}|{_JAV_ABSENT}))")
# The reason, when given: "orsak; närstående i familjekretsen", "på grund av släktskap", "jäv (närstående)".
REASON_RE = re.compile(
    r"(?:\b(?:orsak(?:en)?|skäl(?:et)?|anledning(?:en)?)\s*(?:[;:,]\s*|\s+(?:är|var)\s+)|"
    r"\b(?:på\s+grund\s+av|pga\.?|p\.\s?g\.\s?a\.?|med\s+anledning\s+av|eftersom|i\s+egenskap\s+av)\s+(?!jäv\b)|"
    r"\bjäv(?:ig)?\s*\((?![§\d]))"  # "jäv (närstående)", not "jäv (§ 12)"
    r"(?:att\s+)?(?P<reason>[^.;()]+?)"
    r"(?=\s*\)|\s*[.;]|[\s,]+(?:och\s+)?(?:avlägsna|lämna|deltar|deltog|deltager|medverka|går\s|gick\s|avstår|avstod)|$)",
    re.I,
)
# The item a declaration names: "under paragraf 625", "i § 12 och 14", "vid behandlingen av ärende 7", "§§ 5-7".
_ITEM_NO = r"\d{1,4}(?!\d)(?![.,:/]\d)"
ITEM_REF_RE = re.compile(
    r"\b(?:under|i|vid|för|inför|till)\s+(?:behandling(?:en)?\s+av\s+)?"
    rf"(?:paragraf(?:erna)?|§§?|ärende(?:t|na)?(?:\s+(?:nr\.?|§§?|paragraf))?)\s*(?P<list>{_ITEM_NO}"
    rf"(?:\s*(?:,|och|samt|[-–])\s*(?:§\s*)?{_ITEM_NO})*)",
    re.I,
)
SENTENCE_STOP_RE = re.compile(r"[.!?](?=[”\"»)]?(?:\s+[A-ZÅÄÖÉ\d•§]|\s*$))")
# Sections that describe the case or earlier meetings, not who took part in this one.
NO_RECUSAL_KINDS = ("sammanfattning", "arendebeskrivning", "beslutsunderlag", "expedieras_till")


def _recusal_head(in_jav_section: bool) -> Callable[[str], list[tuple[str, str | None]] | None]:
    """A sentence head parser for ``_units``: the (person, party) pairs of a jäv sentence.

    Outside a Jäv section a sentence that only says someone did not take part (``X (M) deltar inte i
    beslutet``) is no jäv unless it says so (``på grund av jäv``); in a Jäv section it is.
    """

    def accepts(sentence: str, m: re.Match[str]) -> bool:
        if m.group("declare"):
            return True
        end = SENTENCE_STOP_RE.search(sentence, m.end())
        return in_jav_section or bool(JAV_WORD_RE.search(sentence[: end.end() if end else len(sentence)]))

    def head(sentence: str) -> list[tuple[str, str | None]] | None:
        actors, end = leading_actors(sentence, bare_parties=False)
        if not actors:
            first = RECUSAL_VERB_FIRST_RE.match(sentence)
            if first:
                actors, end = leading_actors(sentence, first.end(), bare_parties=False)
                return _persons(actors)
            pos = 0
            while (title := re.match(r"([\wåäöÅÄÖ-]+)\s+", sentence[pos:])) and title.group(1).lower() in TITLE_WORDS:
                pos += title.end()  # "Ledamoten Marlene Lindgren anmälde jäv"
            bare = BARE_NAME_RE.match(sentence, pos)
            if bare and not any(w.lower() in NOT_NAME_WORDS for w in bare.group("name").split()):
                m = RECUSAL_VERB_RE.match(sentence, bare.end())
                if m and accepts(sentence, m):
                    return [(bare.group("name"), None)]
            return None
        m = RECUSAL_VERB_RE.match(sentence, end)
        if m and accepts(sentence, m):
            return _persons(actors)
        return None

    return head


def _persons(actors: list[tuple[str | None, str | None]]) -> list[tuple[str, str | None]] | None:
    """Persons only: jäv is personal, a party group cannot be disqualified."""
    return [(person, party) for person, party in actors if person] or None


def recusal_reason(sentence: str) -> str | None:
    """The reason a jäv sentence gives (``orsak; närstående i familjekretsen``), or None (``på grund av jäv``)."""
    m = REASON_RE.search(sentence)
    if not m:
        return None
    reason = m.group("reason").strip(" ,:")
    return reason or None


def item_references(sentence: str) -> list[int]:
    """The § numbers a declaration names (``under paragraf 625``, ``§§ 5-7``), in order."""
    m = ITEM_REF_RE.search(sentence)
    if not m:
        return []
    numbers: list[int] = []
    for part in re.finditer(rf"(?P<a>{_ITEM_NO})(?:\s*[-–]\s*(?:§\s*)?(?P<b>{_ITEM_NO}))?", m.group("list")):
        a = int(part.group("a"))
        b = int(part.group("b")) if part.group("b") else a
        for n in range(a, b + 1) if a <= b <= a + 30 else (a,):
            if n not in numbers:
                numbers.append(n)
    return numbers


def recusals_in(section: Section, item_number: int, body: str | None = None) -> list[Recusal]:
    """Jäv declarations in one section, one row per person (and per item a declaration names).

    ``text`` is the sentence as written, up to its end: what follows a jäv sentence in a Beslut
    (``Stadsdirektörens förslag godkändes.``) is the decision, not the declaration.
    """
    if section.kind in NO_RECUSAL_KINDS or (section.heading or "").lower().startswith("tidigare behandling"):
        return []
    text = clean_text(section.text, body)
    if section.kind != "jav" and not JAV_WORD_RE.search(text):
        return []
    out: list[Recusal] = []
    for s, e, persons in _units(text, _recusal_head(section.kind == "jav")):
        stop = SENTENCE_STOP_RE.search(text, s, e)
        sentence = flat(text[s : stop.end() if stop else e])
        reason = recusal_reason(sentence)
        refs: list[int | None] = [n for n in item_references(sentence) if n != item_number] or [None]
        for ref in refs:
            for person, party in persons:
                out.append(Recusal(item_number, section.position, person, party, reason, sentence,
                                   for_item_number=ref))
    return out


def _page_of(protocol: Protocol, section: Section, sentence: str) -> int:
    """The page a sentence of ``section`` starts on: found in the raw text, where offsets map to pages."""
    pattern = r"\s+".join(re.escape(w) for w in sentence.split()[:6])
    m = re.search(pattern, section.text) if pattern else None
    return protocol.page_at(section.offset + m.start()) if m else section.page_start


def place_recusals(protocol: Protocol, found: list[Recusal]) -> list[Recusal]:
    """Pages, and each declaration moved to the item it names when this protocol has that item.

    A person declared at the start of the meeting (§ 600 ``anmäler jäv under paragraf 625``) and
    again in the item's own Jäv section (§ 625) is one recusal: the item's own row is kept, with
    the declaration's reason when it gives none.
    """
    sections = {(it.number, s.position): s for it in protocol.items for s in it.sections}
    order = {it.number: i for i, it in enumerate(protocol.items)}
    for r in found:
        section = sections.get((r.item_number, r.section_position))
        if section is not None and r.page is None:
            r.page = _page_of(protocol, section, r.text)
        if r.for_item_number is not None and r.for_item_number in order and r.declared_in is None:
            r.declared_in, r.item_number = r.item_number, r.for_item_number
    kept: dict[tuple[int, str, int | None], Recusal] = {}
    for r in sorted(found, key=lambda r: r.declared_in is not None):  # rows of the item itself first
        # one row per person and item; declarations for items this protocol lacks stay apart by the number
        missing = r.for_item_number if r.declared_in is None else None
        same = kept.setdefault((r.item_number, r.person, missing), r)
        if same is not r and same.reason is None:
            same.reason = r.reason
    out = list(kept.values())
    out.sort(key=lambda r: (order.get(r.item_number, len(order)), r.declared_in is not None, r.section_position))
    return out


# ---------------------------------------------------------------- member tables

PRIMARY_VOTE_KINDS = ("omrostning", "beslutsgang", "overlaggning", "handlaggning")
ATTACHMENT_LABEL_RE = re.compile(r"\bbilaga\s+(?P<n>\d{1,2}|(?-i:[A-ZÅÄÖ]))\b", re.I)


def _section_at(protocol: Protocol, offset: int) -> tuple[int, int] | None:
    """(item number, section position) of the section the document offset lies in (or, between sections, follows)."""
    best: tuple[int, int, int] | None = None  # (section offset, item, position)
    for item in protocol.items:
        for section in item.sections:
            if section.offset <= offset and (best is None or section.offset >= best[0]):
                best = (section.offset, item.number, section.position)
    return (best[1], best[2]) if best else None


def place_tables(
    protocol: Protocol,
) -> dict[int, tuple[list[tuple[int, TableVote]], list[tuple[str | None, TableVote | None]]]]:
    """The member tables of a protocol by item: those printed in the item (with the position of their section),
    and the item's voteringslista attachments in order (label, the tables in it merged; None when none was read).

    A table inside an attachment belongs to the attachment's item; any other table to the item it lies in.
    """
    out: dict[int, tuple[list[tuple[int, TableVote]], list[tuple[str | None, TableVote | None]]]] = {}
    attachments = sorted(protocol.attachments, key=lambda a: a.offset)
    in_attachment: dict[int, list[MemberTable]] = {}
    for table in sorted(protocol.member_tables, key=lambda t: t.offset):
        home = next(
            (i for i, a in enumerate(attachments) if a.offset - 1 <= table.offset <= a.offset + len(a.text)), None
        )
        if home is not None:
            in_attachment.setdefault(home, []).append(table)
            continue
        placed = _section_at(protocol, table.offset)
        if placed is None:
            continue  # on the cover: no item to give it to
        item_number, position = placed
        source = f"the member table on page {table.page}"
        out.setdefault(item_number, ([], []))[0].append(
            (position, TableVote(list(table.members), dict(table.counts), source))
        )
    for i, attachment in enumerate(attachments):
        found = in_attachment.get(i, [])
        if attachment.item_number is None or (attachment.kind != "voteringslista" and not found):
            continue
        merged: TableVote | None = None
        if found:
            name = attachment.label or attachment.title or "the voteringslista"
            merged = TableVote([], {}, f"{name} (page {attachment.page_start})")
            for table in found:
                merged.members.extend(table.members)
                for value, count in table.counts.items():
                    merged.counts.setdefault(value, count)
        label = ATTACHMENT_LABEL_RE.search(attachment.label or "")
        out.setdefault(attachment.item_number, ([], []))[1].append(
            (label.group("n").upper() if label else None, merged)
        )
    return out


def _give_tables(
    item: Item,
    read: list[tuple[Vote, _Found]],
    held: list[tuple[int, _Found]],
    inline: list[tuple[int, TableVote]],
    attached: list[tuple[str | None, TableVote | None]],
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]],
) -> list[tuple[Vote, _Found]]:
    """The item's votes with their member tables: members and stated totals added, counts cross-checked.

    A table printed in the item goes to the next vote from its section on that has none yet (else the
    last one before it); an attachment goes to the vote that names it (``bilaga A``), else the k-th
    attachment to the k-th vote still without a table. A table with no vote to go to is a vote of its
    own, with the question of a vote the text says was held (``Votering begärs``) when there is one:
    one vote, not two, when its result is only in the attachment.
    """
    entries: list[tuple[int, _Found]] = [(v.section_position, f) for v, f in read]
    votes: dict[int, Vote] = {i: v for i, (v, _f) in enumerate(read)}
    tabled: dict[int, TableVote] = {}
    fallback = next(
        (s.position for s in item.sections if s.kind in ("omrostning", "beslutsgang", "beslut")),
        item.sections[-1].position if item.sections else 0,
    )

    def new_vote(position: int | None, table: TableVote) -> None:
        chosen = None
        if held:
            # the first vote held in the table's own section, else the last one before it, else the first
            same = [k for k, (pos, _f) in enumerate(held) if pos == position]
            earlier = [k for k, (pos, _f) in enumerate(held) if position is None or pos < position]
            chosen = held.pop(same[0] if same else earlier[-1] if earlier else 0)
        if chosen is not None:
            entries.append(chosen)
        else:
            entries.append((position if position is not None else fallback, _Found()))
        tabled[len(entries) - 1] = table

    for position, table in inline:
        free = [k for k in range(len(entries)) if k not in tabled]
        target = next((k for k in free if entries[k][0] >= position), None)
        if target is None:
            before = [k for k in free if entries[k][0] < position]
            target = before[-1] if before else None
        if target is None:
            new_vote(position, table)
        else:
            tabled[target] = table
    slots = list(attached)
    named: set[int] = set()  # votes that name their attachment: no k-th rule for them
    for s, (label, given) in enumerate(slots):
        if label is None:
            continue
        target = next(
            (k for k in range(len(entries))
             if k not in tabled and k not in named and label in (entries[k][1].list_ref, entries[k][1].appendix)),
            None,
        )
        if target is not None:
            named.add(target)
            if given is not None:
                tabled[target] = given
            slots[s] = ("", None)  # given by its label: it no longer counts for the k-th rule
    order = [given for label, given in slots if label != ""]
    free = [k for k in range(len(entries)) if k not in tabled and k not in named]
    for k, given in enumerate(order):
        if given is None:
            continue
        if k < len(free):
            tabled[free[k]] = given
        else:
            new_vote(None, given)
    out: list[tuple[Vote, _Found]] = []
    for k, (position, found) in enumerate(entries):
        if k in tabled:
            vote = _assemble(found, item.number, position, appendices, tabled[k])
        else:
            vote = votes[k]
        out.append((vote, found))
    out.sort(key=lambda vf: vf[0].section_position)
    return out


# ---------------------------------------------------------------- protocol


def item_decisions(
    item: Item,
    body: str | None = None,
    appendices: dict[str, tuple[dict[str, int], list[VoteMember]]] | None = None,
    inline_tables: list[tuple[int, TableVote]] | None = None,
    attached_tables: list[tuple[str | None, TableVote | None]] | None = None,
) -> Decisions:
    """Proposals, votes, stances and recusals (jäv) of one item.

    ``inline_tables`` are the member tables printed in the item, with the position of the section they
    lie in; ``attached_tables`` are the item's voteringslista attachments in order, with their label
    ("A", "2") and what their tables hold (None: no table was read), see ``place_tables``.
    """
    result = Decisions()
    has_yrkanden = any(s.kind in ("yrkanden", "overlaggning") for s in item.sections)
    for section in item.sections:
        loose = not has_yrkanden and section.kind in ("beslutsgang", "beslut")
        result.proposals.extend(proposals_in(section, item.number, body, any_section=loose))
    _resolve_concurrence(result.proposals)

    read: list[tuple[Vote, _Found]] = []
    held: list[tuple[int, _Found]] = []
    for section in sorted(item.sections, key=lambda s: (s.kind not in PRIMARY_VOTE_KINDS, s.position)):
        votes, pending = _section_votes(section, item.number, body, appendices or {})
        held.extend((section.position, found) for found in pending)
        for vote, found in votes:
            if section.kind not in PRIMARY_VOTE_KINDS and any((v.ja, v.nej) == (vote.ja, vote.nej) for v, _f in read):
                continue  # the Beslut restates a result already read
            read.append((vote, found))
    read.sort(key=lambda vf: vf[0].section_position)
    held.sort(key=lambda pf: pf[0])
    if inline_tables or attached_tables:
        read = _give_tables(item, read, held, inline_tables or [], attached_tables or [], appendices or {})
    # "Votering begärs" and a voteringsproposition, but the result is nowhere to be read: still a vote when the
    # item has no other, or when it stands beside votes of the same section (elsewhere it may only announce
    # the vote an Omröstning section reports)
    voting = {vote.section_position for vote, _found in read}
    extra = [(_assemble(found, item.number, position, appendices or {}), found)
             for position, found in held if found.held and found.question and (not read or position in voting)]
    if extra:
        read = sorted(read + extra, key=lambda vf: vf[0].section_position)
    result.votes = [vote for vote, _found in read]

    own = [s for s in item.sections if s.kind in STANCE_KINDS]
    for section in own:
        result.stances.extend(stances_in(section, item.number, body))
    seen = {(s.kind, s.person, s.party) for s in result.stances}
    for section in item.sections:
        if section.kind in STANCE_KINDS:
            continue
        for stance in stances_in(section, item.number, body):
            if (stance.kind, stance.person, stance.party) not in seen:
                result.stances.append(stance)
                seen.add((stance.kind, stance.person, stance.party))
    result.stances.sort(key=lambda s: s.section_position)

    people: set[tuple[str, int | None]] = set()
    for section in sorted(item.sections, key=lambda s: (s.kind != "jav", s.position)):
        for recusal in recusals_in(section, item.number, body):
            if (recusal.person, recusal.for_item_number) not in people:  # the Jäv section first, then the rest
                result.recusals.append(recusal)
                people.add((recusal.person, recusal.for_item_number))
    result.recusals.sort(key=lambda r: r.section_position)
    return result


def extract_decisions(protocol: Protocol) -> Decisions:
    """The decision chain of a segmented protocol: proposals, votes (checked), stances and recusals, in item order."""
    body = protocol.meeting.body
    appendices = appendix_votes(protocol)
    tables = place_tables(protocol)
    result = Decisions()
    for item in protocol.items:
        inline, attached = tables.get(item.number, ([], []))
        found = item_decisions(item, body, appendices, inline, attached)
        result.proposals.extend(found.proposals)
        result.votes.extend(found.votes)
        result.stances.extend(found.stances)
        result.recusals.extend(found.recusals)
    result.recusals = place_recusals(protocol, result.recusals)
    check_meeting_size(result.votes)
    for vote in result.votes:
        if vote.warning:
            log.info("%s § %s: vote warning: %s", protocol.path, vote.item_number, vote.warning)
    return result

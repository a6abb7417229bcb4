"""Who acts in a sentence: ``Name (P)`` persons and party groups, and the passages they open.

A proposal, a reservation and a jäv declaration all start with their actor (``Anna Berg (S) och
Erik Sandberg (C) yrkar ...``, ``Ledamöterna från SD reserverar sig``); ``_units`` cuts a section
into such passages, one per actor sentence a reader accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import names
from ..names import NAME_TOKEN, NOT_NAME_WORDS, PERSON_PARTY_RE, TITLE_WORDS
from ..values import PARTIES, PARTY_NAMES, party_code
from .text import _heading_like, _unit_starts

# The person grammar and the title words before a name are pipeline/names.py, shared with segment and tag.
_NAME_TOKEN = NAME_TOKEN
__all__ = ["NOT_NAME_WORDS", "PERSON_PARTY_RE", "TITLE_WORDS", "leading_actors", "person_at", "persons_in"]
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
LEAD_GAP_RE = re.compile(r"[\s,]*")  # what separates the actors of a subject
LEAD_WORD_RE = re.compile(r"[\wåäöÅÄÖ-]+")  # a word, maybe a title before a name


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
    hit = names.person_at(text, pos)
    return (hit.name, hit.party, hit.match_end) if hit else None


def persons_in(text: str) -> list[tuple[str, str]]:
    """Every ``Name (P)`` person in ``text`` as (name, party), in order."""
    return [(hit.name, hit.party) for hit in names.persons_in(text)]


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
        # matched at ``pos`` rather than on ``text[pos:]`` (a copy per step): neither pattern looks behind
        gap = LEAD_GAP_RE.match(text, pos) if pos <= len(text) else None  # (a match would clamp pos)
        pos = gap.end() if gap else pos
        word = LEAD_WORD_RE.match(text, pos)
        if word and word.group(0).lower() in TITLE_WORDS and not person_at(text, pos):
            pos = word.end()
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



ANY_VERB_RE = re.compile(r"[\s,]*[a-zåäö]")


def _after_colon(text: str, pos: int) -> bool:
    """``text[:pos].rstrip().endswith(":")`` without copying the text before ``pos``."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos > 0 and text[pos - 1] == ":"


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
        elif stop_on_actor and not _after_colon(text, s):
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

"""Reservations and protokollsanteckningar (``Stance``), one row per person or party."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..types import Section, Stance
from .actors import _PARTY_LIST, _party_list, _units, leading_actors
from .text import clean_text, flat

STANCE_KINDS = ("reservation", "protokollsanteckning")


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
# A word every match of STANCE_VERB_RE and WRITTEN_RESERVATION_RE holds (each alternative of their verbs
# has one; a verb added above needs one too): a text without any has no stance sentence.
STANCE_WORDS = ("reserv", "anteckn", "protokollet", "deltar", "deltog", "avstår", "anmäl", "yttrande")
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


def _may_hold_stance(text: str) -> bool:
    """False when no sentence of ``text`` can pass ``_stance_head``: it accepts a sentence only where
    ``STANCE_VERB_RE`` or ``WRITTEN_RESERVATION_RE`` matches in it, and every such match holds one of
    ``STANCE_WORDS`` (a sentence is a piece of ``text``). Most sections hold no stance: they are not
    cut into sentences, whose actors are most of the time of ``stances_in``.

    The words are looked for in the lower-cased text (twice as quick as a case-blind expression): a
    character ``re.IGNORECASE`` takes for a letter of the words lower-cases to it, but for the long s
    (``ſ``, taken for ``s``), which is made an ``s`` (tests/test_segment_speed.py checks every one)."""
    low = text.lower().replace("ſ", "s")
    return any(word in low for word in STANCE_WORDS)


def stances_in(section: Section, item_number: int, body: str | None = None) -> list[Stance]:
    """Reservations and protokollsanteckningar in one section.

    In ``reservation`` / ``protokollsanteckning`` sections every actor sentence with a stance verb counts,
    and text with no actor at all (``Det antecknas att ...``) gives one row with nobody named. In other
    sections only explicit sentences count (``X (SD) reserverar sig``, ``X (S) lämnar en protokollsanteckning``).
    """
    own = section.kind in STANCE_KINDS
    text = clean_text(section.text, body)
    out: list[Stance] = []
    for s, e, (actors, kind) in _units(text, _stance_head(strong_only=not own)) if _may_hold_stance(text) else []:
        raw = flat(text[s:e])
        out.extend(Stance(item_number, section.position, kind, person, party, raw) for person, party in actors)
    if own and not out and text:
        out.append(Stance(item_number, section.position, section.kind, None, None, flat(text)))
    return out

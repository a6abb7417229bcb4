"""Proposals (yrkanden): who proposed what, one row per proposer, with the kind of proposal.

Read from ``forslag_till_beslut``, ``yrkanden`` and ``overlaggning`` sections, and ``På förslag av
X (M):`` in ``beslut`` sections (see the package docstring for when Beslutsgång / Beslut count too).
"""

from __future__ import annotations

import re

from ..types import Proposal, Section
from .actors import _units, leading_actors, persons_in
from .text import SENTENCE_STOP_RE, clean_text, flat

# Överläggning (the debate) is where Lomma and others write "X (M) yrkar att ...".
PROPOSAL_SECTION_KINDS = ("yrkanden", "forslag_till_beslut", "overlaggning")
PROPOSAL_KINDS = ("bifall", "avslag", "återremiss", "bordläggning", "ändring", "tillägg", "other")


PROPOSE_VERB = (
    r"(?:tilläggsyrka|ändringsyrka|yrka)(?:r|de|t)\b|föreslå(?:r|tt)\b|föreslog\b|"
    r"lämna(?:r|de)\s+(?:följande\s+|ett\s+|sitt\s+)?(?:tilläggs|ändrings|återremiss|bordläggnings)?yrkande(?:n)?\b|"
    r"instämmer\s+i\b|instämde\s+i\b"
)
VERB_AFTER_SUBJECT_RE = re.compile(rf"[\s,]*(?:även\s+|också\s+|därefter\s+|vidare\s+)?(?P<verb>{PROPOSE_VERB})", re.I)
VERB_FIRST_RE = re.compile(rf"(?P<pre>(?:[^\s(]+\s+){{0,4}}?)(?P<verb>{PROPOSE_VERB})\s+", re.I)
ON_PROPOSAL_RE = re.compile(r"(?:På|Efter)\s+förslag\s+(?:av|från)\s+", re.I)
CONCURRING_RE = re.compile(r"[\s,]*(?:med\s+instämmande\s+(?:av|från)|och\s+med\s+stöd\s+av)\s+", re.I)

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
